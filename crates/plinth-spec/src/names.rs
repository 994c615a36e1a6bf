//! Every name plinth derives from a spec, in one place.
//!
//! Validation checks each against its AWS limit before anything is synthesized, and synthesis
//! takes its names from here, so the two can never disagree.

use std::fmt;

/// The naming scheme of one deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    id: String,
    prefix: String,
    druid_release: Option<String>,
}

/// Kinds of names with an AWS length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// CloudFormation stack (128).
    Stack,
    /// CloudFormation export (255).
    Export,
    /// IAM role (64).
    IamRole,
    /// EKS cluster (100).
    EksCluster,
    /// EKS managed node group (63).
    Nodegroup,
    /// EC2 launch template (128).
    LaunchTemplate,
    /// SQS queue (80).
    SqsQueue,
    /// EventBridge rule (64).
    EventRule,
    /// KMS alias (256).
    KmsAlias,
    /// CloudWatch log group (512).
    LogGroup,
    /// S3 bucket (63).
    S3Bucket,
    /// Secrets Manager secret (512).
    Secret,
    /// RDS cluster identifier (63).
    RdsCluster,
    /// RDS instance identifier (63).
    RdsInstance,
    /// MSK cluster (64).
    MskCluster,
    /// EC2 security group (255).
    SecurityGroup,
}

impl NameKind {
    /// Longest name AWS accepts for this kind.
    pub fn limit(self) -> usize {
        match self {
            NameKind::Stack | NameKind::LaunchTemplate => 128,
            NameKind::Export | NameKind::SecurityGroup => 255,
            NameKind::IamRole | NameKind::EventRule | NameKind::MskCluster => 64,
            NameKind::EksCluster => 100,
            NameKind::Nodegroup
            | NameKind::S3Bucket
            | NameKind::RdsCluster
            | NameKind::RdsInstance => 63,
            NameKind::SqsQueue => 80,
            NameKind::KmsAlias => 256,
            NameKind::LogGroup | NameKind::Secret => 512,
        }
    }

    /// The AWS naming rule `name` breaks beyond its length, if any. Names are built from
    /// slugs, so only the rules a slug can still break are checked.
    pub fn violation(self, name: &str) -> Option<&'static str> {
        match self {
            NameKind::S3Bucket
                if ["xn--", "sthree-", "amzn-s3-demo-"]
                    .iter()
                    .any(|p| name.starts_with(p)) =>
            {
                Some("S3 reserves bucket names starting with `xn--`, `sthree-` and `amzn-s3-demo-`")
            }
            NameKind::RdsCluster | NameKind::RdsInstance if name.contains("--") => {
                Some("RDS identifiers may not contain two hyphens in a row")
            }
            NameKind::SecurityGroup if name.starts_with("sg-") => {
                Some("security group names may not start with `sg-`")
            }
            _ => None,
        }
    }
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Stack => "CloudFormation stack name",
            NameKind::Export => "CloudFormation export name",
            NameKind::IamRole => "IAM role name",
            NameKind::EksCluster => "EKS cluster name",
            NameKind::Nodegroup => "EKS node group name",
            NameKind::LaunchTemplate => "launch template name",
            NameKind::SqsQueue => "SQS queue name",
            NameKind::EventRule => "EventBridge rule name",
            NameKind::KmsAlias => "KMS alias",
            NameKind::LogGroup => "log group name",
            NameKind::S3Bucket => "S3 bucket name",
            NameKind::Secret => "secret name",
            NameKind::RdsCluster => "RDS cluster identifier",
            NameKind::RdsInstance => "RDS instance identifier",
            NameKind::MskCluster => "MSK cluster name",
            NameKind::SecurityGroup => "security group name",
        })
    }
}

/// The stacks plinth synthesizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StackKind {
    /// VPC, subnets, NAT, flow logs.
    Network,
    /// EKS cluster, node groups, addons, access, Karpenter's AWS side.
    Cluster,
    /// Workload data stores: Druid's buckets, metadata database, secrets, Kafka and role.
    /// Needs the network only, so it deploys in parallel with the cluster.
    Data,
    /// Pod identity associations binding workload roles (data stack) to service accounts
    /// (cluster stack).
    Bindings,
    /// What application services need from AWS: ECR repositories, private hosted zones,
    /// certificates, their roles and external-dns's.
    Services,
    /// Day-2 operations: the AWS Backup vault, plan and selection, and the Session Manager
    /// bastion. Needs the network and the cluster (the bastion is admitted by the cluster's
    /// security group).
    Operations,
}

impl StackKind {
    /// Every stack kind, in dependency order.
    pub const ALL: [StackKind; 6] = [
        StackKind::Network,
        StackKind::Cluster,
        StackKind::Data,
        StackKind::Bindings,
        StackKind::Services,
        StackKind::Operations,
    ];

    /// Short name used in stack names and file names.
    pub fn as_str(self) -> &'static str {
        match self {
            StackKind::Network => "network",
            StackKind::Cluster => "cluster",
            StackKind::Data => "data",
            StackKind::Bindings => "bindings",
            StackKind::Services => "services",
            StackKind::Operations => "operations",
        }
    }
}

/// Karpenter interruption rules, by the event they catch.
pub const KARPENTER_RULES: [&str; 4] = [
    "scheduled-change",
    "spot-interruption",
    "rebalance",
    "state-change",
];

/// Druid's S3 buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DruidBucket {
    /// Segments: the data itself.
    DeepStorage,
    /// Multi-stage query scratch space (durable storage).
    Msq,
    /// Logs of ingestion tasks.
    IndexLogs,
}

impl DruidBucket {
    /// Every bucket, in a fixed order.
    pub const ALL: [DruidBucket; 3] = [
        DruidBucket::DeepStorage,
        DruidBucket::Msq,
        DruidBucket::IndexLogs,
    ];

    /// The last part of the bucket name.
    pub fn suffix(self) -> &'static str {
        match self {
            DruidBucket::DeepStorage => "deepstorage",
            DruidBucket::Msq => "msq",
            DruidBucket::IndexLogs => "indexlogs",
        }
    }
}

/// Druid's Secrets Manager secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DruidSecret {
    /// Metadata database credentials and address.
    Metadata,
    /// The Druid `admin` user.
    Admin,
    /// The internal user Druid processes talk to each other as.
    System,
}

impl DruidSecret {
    /// Every secret, in a fixed order.
    pub const ALL: [DruidSecret; 3] = [
        DruidSecret::Metadata,
        DruidSecret::Admin,
        DruidSecret::System,
    ];

    /// The last part of the secret name.
    pub fn suffix(self) -> &'static str {
        match self {
            DruidSecret::Metadata => "metadata",
            DruidSecret::Admin => "admin",
            DruidSecret::System => "system",
        }
    }
}

/// Druid's security groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DruidSecurityGroup {
    /// On Druid's nodes; the data stores admit it.
    Clients,
    /// On the metadata database.
    MetadataDb,
    /// On MSK's endpoints.
    Kafka,
}

impl DruidSecurityGroup {
    /// Every security group, in a fixed order.
    pub const ALL: [DruidSecurityGroup; 3] = [
        DruidSecurityGroup::Clients,
        DruidSecurityGroup::MetadataDb,
        DruidSecurityGroup::Kafka,
    ];

    /// The last part of the group name.
    pub fn suffix(self) -> &'static str {
        match self {
            DruidSecurityGroup::Clients => "clients",
            DruidSecurityGroup::MetadataDb => "metadata-db",
            DruidSecurityGroup::Kafka => "msk",
        }
    }
}

/// The names of Druid's AWS resources: `{id}-{release}-druid-{what}`. Exists only when the
/// spec has Druid, so its methods need no `Option`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DruidNames<'a> {
    id: &'a str,
    release: &'a str,
}

impl DruidNames<'_> {
    fn name(&self, what: &str) -> String {
        format!("{}-{}-druid-{what}", self.id, self.release)
    }

    /// An S3 bucket: `{id}-{release}-druid-deepstorage|msq|indexlogs`.
    pub fn bucket(&self, bucket: DruidBucket) -> String {
        self.name(bucket.suffix())
    }

    /// A secret: `{id}-{release}-druid-metadata|admin|system`.
    pub fn secret(&self, secret: DruidSecret) -> String {
        self.name(secret.suffix())
    }

    /// A security group: `{id}-{release}-druid-clients|metadata-db|msk`.
    pub fn security_group(&self, group: DruidSecurityGroup) -> String {
        self.name(group.suffix())
    }

    /// The Aurora cluster identifier: `{id}-{release}-druid-metadata`.
    pub fn metadata_cluster(&self) -> String {
        self.name("metadata")
    }

    /// The `n`th Aurora instance (1 is created first and becomes the writer):
    /// `{id}-{release}-druid-metadata-{n}`.
    pub fn metadata_instance(&self, n: u32) -> String {
        format!("{}-{n}", self.metadata_cluster())
    }

    /// The MSK Serverless cluster: `{id}-{release}-druid-msk`.
    pub fn kafka(&self) -> String {
        self.name("msk")
    }

    /// The role every Druid pod runs with: `{id}-{release}-druid-sa`.
    pub fn role(&self) -> String {
        self.name("sa")
    }

    /// The role of the Job that creates Druid's topics: `{id}-{release}-druid-ingestion`.
    pub fn ingestion_role(&self) -> String {
        self.name("ingestion")
    }
}

impl Names {
    /// The naming scheme for a deployment id, stack prefix parts and optional Druid release.
    pub(crate) fn new(
        id: &str,
        organization: &str,
        name: &str,
        alias: &str,
        druid_release: Option<&str>,
    ) -> Self {
        Self {
            id: id.to_owned(),
            prefix: format!("{organization}-{name}-{alias}"),
            druid_release: druid_release.map(str::to_owned),
        }
    }

    /// `{organization}-{name}-{alias}`: the platform's name, prefix of its stacks and exports.
    pub fn platform(&self) -> &str {
        &self.prefix
    }

    /// The deployment id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Stack name: `{organization}-{name}-{alias}-{kind}`.
    pub fn stack(&self, kind: StackKind) -> String {
        format!("{}-{}", self.prefix, kind.as_str())
    }

    /// Export name for a stack output: `{organization}-{name}-{alias}-{Output}`.
    pub fn export(&self, output: &str) -> String {
        format!("{}-{output}", self.prefix)
    }

    /// `{id}-vpc`.
    pub fn vpc(&self) -> String {
        format!("{}-vpc", self.id)
    }

    /// `{id}-eks`.
    pub fn cluster(&self) -> String {
        format!("{}-eks", self.id)
    }

    /// An IAM role of the cluster: `{id}-eks-{purpose}`.
    pub fn cluster_role(&self, purpose: &str) -> String {
        format!("{}-eks-{purpose}", self.id)
    }

    /// The backup vault, plan, key alias and AWS Backup's role: `{id}-backup`. Shorter than
    /// the flow-log role, which is always checked, so it needs no limit check of its own.
    pub fn backup(&self) -> String {
        format!("{}-backup", self.id)
    }

    /// The Session Manager bastion, its role and security group: `{id}-bastion` (shorter than
    /// the flow-log role too).
    pub fn bastion(&self) -> String {
        format!("{}-bastion", self.id)
    }

    /// The data bucket the data-processing workloads share, each under a prefix of its own:
    /// `{id}-data-lake`. Shorter than the Druid buckets and led by the same id, so the id's
    /// checks cover it.
    pub fn data_bucket(&self) -> String {
        format!("{}-data-lake", self.id)
    }

    /// The pod identity role of a data-processing workload: `{id}-{workload}` (`spark`,
    /// `airflow`, …), shorter than the flow-log role.
    pub fn workload_role(&self, workload: &str) -> String {
        format!("{}-{workload}", self.id)
    }

    /// A resource of Airflow: `{id}-airflow-{what}` (the database and its security group are
    /// `{id}-airflow-db`, the secrets `{id}-airflow-db|fernet|api|jwt|config`); 21 characters
    /// longer than the id at most, within every limit these kinds have.
    pub fn airflow(&self, what: &str) -> String {
        format!("{}-airflow-{what}", self.id)
    }

    /// A resource of MongoDB: `{id}-mongodb-{what}` (a user's generated secret is
    /// `{id}-mongodb-{user}`, the role of the secret sync `{id}-mongodb-secrets`).
    pub fn mongodb(&self, what: &str) -> String {
        format!("{}-mongodb-{what}", self.id)
    }

    /// The shared EFS file system and its security group: `{id}-efs`.
    pub fn efs(&self) -> String {
        format!("{}-efs", self.id)
    }

    /// The flow-log delivery role: `{id}-vpc-flow-logs`.
    pub fn flow_log_role(&self) -> String {
        format!("{}-vpc-flow-logs", self.id)
    }

    /// The flow-log group.
    pub fn flow_log_group(&self) -> String {
        format!("/aws/vpc/{}-vpc/flow-logs", self.id)
    }

    /// The control-plane log group EKS writes to (fixed by EKS).
    pub fn cluster_log_group(&self) -> String {
        format!("/aws/eks/{}-eks/cluster", self.id)
    }

    /// A managed node group: `{id}-eks-{name}`; its launch template has the same name.
    pub fn nodegroup(&self, name: &str) -> String {
        format!("{}-eks-{name}", self.id)
    }

    /// Karpenter's interruption queue: `{id}-eks-karpenter`.
    pub fn karpenter_queue(&self) -> String {
        format!("{}-eks-karpenter", self.id)
    }

    /// A Karpenter interruption rule: `{id}-eks-karpenter-{event}`.
    pub fn karpenter_rule(&self, event: &str) -> String {
        format!("{}-eks-karpenter-{event}", self.id)
    }

    /// A KMS alias: `alias/{id}-eks-{purpose}`.
    pub fn kms_alias(&self, purpose: &str) -> String {
        format!("alias/{}-eks-{purpose}", self.id)
    }

    /// The generated Grafana admin credentials: `{id}-eks-grafana-admin`.
    pub fn grafana_admin_secret(&self) -> String {
        format!("{}-eks-grafana-admin", self.id)
    }

    /// The SNS topic Alertmanager publishes to: `{id}-eks-alerts`.
    pub fn alerts_topic(&self) -> String {
        format!("{}-eks-alerts", self.id)
    }

    /// The log group Fluent Bit ships container logs to: `/aws/eks/{id}-eks/containers`.
    pub fn container_log_group(&self) -> String {
        format!("/aws/eks/{}-eks/containers", self.id)
    }

    /// A Druid resource: `{id}-{release}-druid-{suffix}`, when the spec has Druid.
    pub fn druid(&self, suffix: &str) -> Option<String> {
        self.druid_names().map(|d| d.name(suffix))
    }

    /// The names of Druid's AWS resources, when the spec has Druid.
    pub fn druid_names(&self) -> Option<DruidNames<'_>> {
        self.druid_release.as_deref().map(|release| DruidNames {
            id: &self.id,
            release,
        })
    }

    /// The role of an application service's pods: `{id}-svc-{service}`.
    pub fn service_role(&self, service: &str) -> String {
        format!("{}-svc-{service}", self.id)
    }

    /// The ECR repository of a service that builds its own image: `{id}/{service}`.
    pub fn ecr_repository(&self, service: &str) -> String {
        format!("{}/{service}", self.id)
    }

    /// Kubernetes namespace of Druid.
    pub fn druid_namespace(&self) -> &'static str {
        "druid"
    }

    /// Kubernetes service account every Druid pod runs as; the pod identity association names it.
    pub fn druid_service_account(&self) -> Option<String> {
        self.druid_release.as_ref().map(|r| format!("{r}-druid"))
    }

    /// Kubernetes service account of the Job that creates Druid's topics and submits its
    /// supervisors; its own pod identity may create topics, which Druid's may not.
    pub fn druid_ingestion_service_account(&self) -> Option<String> {
        self.druid_release
            .as_ref()
            .map(|r| format!("{r}-druid-ingestion"))
    }

    /// Every length-limited name a platform with these node groups and, when it has Druid, this
    /// many metadata readers derives, for validation.
    pub fn all(&self, node_groups: &[&str], metadata_readers: u32) -> Vec<(NameKind, String)> {
        let mut out = vec![
            (NameKind::Stack, self.stack(StackKind::Network)),
            (NameKind::Stack, self.stack(StackKind::Cluster)),
            (
                NameKind::Export,
                self.export("KarpenterInterruptionQueueName"),
            ),
            (NameKind::EksCluster, self.cluster()),
            (NameKind::IamRole, self.flow_log_role()),
            (NameKind::IamRole, self.cluster_role("karpenter-node")),
            (NameKind::IamRole, self.cluster_role("cloudwatch")),
            (
                NameKind::IamRole,
                self.cluster_role("aws-load-balancer-controller"),
            ),
            (NameKind::SqsQueue, self.karpenter_queue()),
            (NameKind::KmsAlias, self.kms_alias("ebs-encryption")),
            (NameKind::LogGroup, self.flow_log_group()),
        ];
        out.extend(
            KARPENTER_RULES
                .iter()
                .map(|r| (NameKind::EventRule, self.karpenter_rule(r))),
        );
        for ng in node_groups {
            out.push((NameKind::Nodegroup, self.nodegroup(ng)));
            out.push((NameKind::LaunchTemplate, self.nodegroup(ng)));
        }
        if let Some(d) = self.druid_names() {
            out.push((NameKind::Stack, self.stack(StackKind::Data)));
            out.push((NameKind::Stack, self.stack(StackKind::Bindings)));
            out.extend(
                DruidBucket::ALL
                    .iter()
                    .map(|&b| (NameKind::S3Bucket, d.bucket(b))),
            );
            out.extend(
                DruidSecret::ALL
                    .iter()
                    .map(|&s| (NameKind::Secret, d.secret(s))),
            );
            out.extend(
                DruidSecurityGroup::ALL
                    .iter()
                    .map(|&g| (NameKind::SecurityGroup, d.security_group(g))),
            );
            out.push((NameKind::RdsCluster, d.metadata_cluster()));
            out.extend(
                (1..=metadata_readers + 1).map(|n| (NameKind::RdsInstance, d.metadata_instance(n))),
            );
            out.push((NameKind::MskCluster, d.kafka()));
            out.push((NameKind::IamRole, d.role()));
            out.push((NameKind::IamRole, d.ingestion_role()));
        }
        out
    }
}
