//! The validated platform: what synthesis consumes.
//!
//! A [`Platform`] can only be built by [`crate::validate`]; holding one means every value in it
//! has been checked, CIDRs allocated and names checked against AWS limits, so nothing downstream
//! re-validates.

use std::collections::BTreeMap;

use ipnet::Ipv4Net;

mod data;
mod gitops;
mod services;

pub use data::{
    AIRFLOW_NAMESPACE, Airflow, KAFKA_NAMESPACE, Kafka, KafkaTopic, MONGODB_NAMESPACE, MongoDb,
    MongoUser, SPARK_NAMESPACE, SPARK_SERVICE_ACCOUNT, Spark,
};
pub use gitops::{ArgoCd, GitOps, Team};
pub use services::{
    AcmeChallenge, Architecture, Autoscaling, Dns, Exposure, Image, IngressClass, LetsEncrypt,
    PublicZone, Resources, SecretEnv, Service,
};

pub use crate::facts::Partition;
pub use crate::names::{
    DruidBucket, DruidNames, DruidSecret, DruidSecurityGroup, NameKind, Names, StackKind,
};
pub use crate::raw::{
    AmiFamily, CapacityType, CostAssumptions, EfsThroughputMode, EndpointAccess, FlowLogTraffic,
    Granularity, InputFormat, KafkaFlavour, LogType, MetadataEngine, TaintEffect,
};

/// A validated platform.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Platform {
    /// Identity, tags and labels.
    pub metadata: Metadata,
    /// Where it is deployed.
    pub aws: AwsTarget,
    /// The VPC with allocated subnets.
    pub network: Network,
    /// The EKS cluster.
    pub cluster: Cluster,
    /// Platform addons (Helm charts).
    pub addons: Addons,
    /// Observability settings.
    pub observability: Observability,
    /// Apache Druid, when the spec has it.
    pub druid: Option<Druid>,
    /// Application services, in spec order.
    pub services: Vec<Service>,
    /// Apache Kafka in the cluster, when the spec has it.
    pub kafka: Option<Kafka>,
    /// Apache Spark through the Spark operator, when the spec has it.
    pub spark: Option<Spark>,
    /// Apache Airflow, when the spec has it.
    pub airflow: Option<Airflow>,
    /// A MongoDB replica set, when the spec has one.
    pub mongodb: Option<MongoDb>,
    /// DNS zones.
    pub dns: Dns,
    /// Let's Encrypt, when the spec asks for it.
    pub lets_encrypt: Option<LetsEncrypt>,
    /// AWS Backup, when the spec asks for it.
    pub backup: Option<Backup>,
    /// The shared EFS file system, when the spec asks for it.
    pub efs: Option<Efs>,
    /// GitOps delivery, when the spec asks for it (it then has `addons.argo_cd`).
    pub gitops: Option<GitOps>,
    /// Every derived name.
    pub names: Names,
    /// Settings of `plinth check`.
    pub checks: Checks,
    /// Usage `plinth cost` assumes, as written in the spec.
    pub cost_assumptions: CostAssumptions,
}

/// Identity of the deployment.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// Deployment id.
    pub id: String,
    /// Organization.
    pub organization: String,
    /// Platform name.
    pub name: String,
    /// Alias.
    pub alias: String,
    /// Environment.
    pub environment: String,
    /// Version of the definition.
    pub version: String,
    /// Tag/label key prefix.
    pub domain: String,
    /// Extra tags from the spec.
    pub tags: BTreeMap<String, String>,
}

/// Account, region and partition.
#[derive(Debug, Clone)]
pub struct AwsTarget {
    /// 12-digit account id.
    pub account: String,
    /// Region.
    pub region: String,
    /// The region's partition.
    pub partition: Partition,
}

/// The VPC.
#[derive(Debug, Clone)]
pub struct Network {
    /// VPC CIDR.
    pub cidr: Ipv4Net,
    /// One entry per availability zone, in spec order.
    pub zones: Vec<Zone>,
    /// Indices into `zones` of the zones that host a NAT gateway.
    pub nat_zones: Vec<usize>,
    /// Addresses of the VPC not allocated to any subnet.
    pub free_addresses: u64,
    /// Flow logs, when enabled.
    pub flow_logs: Option<FlowLogs>,
}

/// One availability zone and its subnets.
#[derive(Debug, Clone)]
pub struct Zone {
    /// Zone name, e.g. `us-west-2a`.
    pub name: String,
    /// Public subnet CIDR.
    pub public: Ipv4Net,
    /// Private subnet CIDR.
    pub private: Ipv4Net,
    /// Index into `Network::nat_zones` of the NAT gateway the private subnet routes through.
    pub nat: Option<usize>,
}

/// Flow log settings.
#[derive(Debug, Clone)]
pub struct FlowLogs {
    /// Retention in days.
    pub retention_days: u32,
    /// Traffic recorded.
    pub traffic: FlowLogTraffic,
}

/// The EKS cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Kubernetes minor version (1.x → x).
    pub version_minor: u32,
    /// Endpoint access.
    pub endpoint_access: EndpointAccess,
    /// CIDRs allowed to reach the public endpoint.
    pub public_access_cidrs: Vec<Ipv4Net>,
    /// Control-plane log types, sorted and unique.
    pub logging: Vec<LogType>,
    /// Control-plane log retention.
    pub log_retention_days: u32,
    /// Managed addons by name.
    pub addons: BTreeMap<String, String>,
    /// Managed node groups.
    pub node_groups: Vec<NodeGroup>,
    /// Karpenter, when enabled.
    pub karpenter: Option<Karpenter>,
    /// Access entries.
    pub access: Access,
}

impl Cluster {
    /// `1.34`.
    pub fn version(&self) -> String {
        format!("1.{}", self.version_minor)
    }
}

/// CPU architecture of a node group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// Intel and AMD.
    X86_64,
    /// AWS Graviton.
    Arm64,
}

/// A managed node group.
#[derive(Debug, Clone)]
pub struct NodeGroup {
    /// Name in the spec.
    pub name: String,
    /// OS family.
    pub ami_family: AmiFamily,
    /// Architecture shared by all instance types.
    pub arch: Arch,
    /// Instance types.
    pub instance_types: Vec<String>,
    /// Fewest nodes.
    pub min_size: u32,
    /// Nodes at creation.
    pub desired_size: u32,
    /// Most nodes.
    pub max_size: u32,
    /// Capacity type.
    pub capacity_type: CapacityType,
    /// Data volume GiB.
    pub disk_size: u32,
    /// Node labels.
    pub labels: BTreeMap<String, String>,
    /// Node taints.
    pub taints: Vec<Taint>,
}

/// A node taint.
#[derive(Debug, Clone)]
pub struct Taint {
    /// Key.
    pub key: String,
    /// Value.
    pub value: Option<String>,
    /// Effect.
    pub effect: TaintEffect,
}

/// Karpenter settings.
#[derive(Debug, Clone)]
pub struct Karpenter {
    /// Chart version.
    pub version: String,
}

/// Access entries.
#[derive(Debug, Clone)]
pub struct Access {
    /// Cluster administrators.
    pub administrators: Vec<Principal>,
    /// Read-only users.
    pub users: Vec<Principal>,
    /// Whether the creating identity is made admin.
    pub bootstrap_creator_admin: bool,
    /// The Session Manager bastion, when asked for.
    pub bastion: Option<Bastion>,
}

/// The Session Manager bastion.
#[derive(Debug, Clone)]
pub struct Bastion {
    /// EC2 instance type.
    pub instance_type: String,
    /// Its architecture, which picks the Amazon Linux image.
    pub arch: Arch,
}

/// AWS Backup of the resources carrying the platform's backup tag.
#[derive(Debug, Clone)]
pub struct Backup {
    /// Six-field AWS cron expression, without `cron(...)`.
    pub schedule: String,
    /// Days a recovery point is kept.
    pub retention_days: u32,
    /// Days before a recovery point moves to cold storage.
    pub cold_storage_after_days: Option<u32>,
    /// Copy of every recovery point.
    pub copy_to: Option<BackupCopy>,
}

/// The shared EFS file system.
#[derive(Debug, Clone)]
pub struct Efs {
    /// Throughput mode.
    pub throughput_mode: EfsThroughputMode,
    /// Days without access before a file moves to Infrequent Access.
    pub transition_to_ia_days: u32,
}

/// A copy of every recovery point in another vault.
#[derive(Debug, Clone)]
pub struct BackupCopy {
    /// Destination vault ARN.
    pub vault_arn: String,
    /// Days the copy is kept.
    pub retention_days: u32,
}

/// A principal mapped into the cluster.
#[derive(Debug, Clone)]
pub struct Principal {
    /// Kubernetes user name.
    pub username: String,
    /// IAM role ARN.
    pub role: String,
    /// Contact email.
    pub email: String,
}

/// Platform addons with pinned chart versions.
#[derive(Debug, Clone, Default)]
pub struct Addons {
    /// cert-manager.
    pub cert_manager: Option<String>,
    /// AWS Load Balancer Controller.
    pub aws_load_balancer_controller: Option<String>,
    /// Secrets Store CSI driver AWS provider.
    pub secrets_store_csi: Option<String>,
    /// external-dns.
    pub external_dns: Option<String>,
    /// ingress-nginx.
    pub ingress_nginx: Option<String>,
    /// The Vertical Pod Autoscaler's recommender, recommendation mode only.
    pub vertical_pod_autoscaler: Option<String>,
    /// Argo CD as the EKS managed capability; without it Argo CD is the cluster owner's.
    pub argo_cd: Option<ArgoCd>,
}

/// Observability.
#[derive(Debug, Clone, Default)]
pub struct Observability {
    /// Container Insights.
    pub container_insights: bool,
    /// Grafana Cloud.
    pub grafana_cloud: Option<GrafanaCloud>,
    /// In-cluster Prometheus, Alertmanager and Grafana.
    pub prometheus: Option<Prometheus>,
    /// Container logs to CloudWatch Logs.
    pub logs: Option<Logs>,
}

/// In-cluster Prometheus, Alertmanager and Grafana.
#[derive(Debug, Clone)]
pub struct Prometheus {
    /// Days samples are kept.
    pub retention_days: u32,
    /// Volume size, GiB.
    pub storage_gib: u32,
    /// Alertmanager's receivers.
    pub alerts: Alerts,
}

/// Alertmanager's receivers; any combination, possibly none.
#[derive(Debug, Clone, Default)]
pub struct Alerts {
    /// An SNS topic plinth creates, with these email subscriptions.
    pub sns: Option<Vec<String>>,
    /// Slack.
    pub slack: Option<SlackAlerts>,
    /// PagerDuty: the ARN of the secret holding the routing key.
    pub pager_duty: Option<String>,
}

impl Alerts {
    /// Whether any receiver is configured.
    pub fn any(&self) -> bool {
        self.sns.is_some() || self.slack.is_some() || self.pager_duty.is_some()
    }

    /// Secrets Manager secrets Alertmanager reads, by purpose (`slack`, `pagerduty`).
    pub fn secrets(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        if let Some(s) = &self.slack {
            out.push(("slack", s.webhook_secret.as_str()));
        }
        if let Some(arn) = &self.pager_duty {
            out.push(("pagerduty", arn.as_str()));
        }
        out
    }
}

/// Alerts to Slack.
#[derive(Debug, Clone)]
pub struct SlackAlerts {
    /// Channel.
    pub channel: String,
    /// ARN of the secret holding the webhook URL.
    pub webhook_secret: String,
}

/// Container logs to CloudWatch Logs.
#[derive(Debug, Clone)]
pub struct Logs {
    /// Retention in days.
    pub retention_days: u32,
}

/// Grafana Cloud endpoints.
#[derive(Debug, Clone)]
pub struct GrafanaCloud {
    /// Instance id.
    pub instance_id: String,
    /// Secret ARN holding the API key.
    pub api_key_secret: String,
    /// Prometheus host.
    pub prometheus_host: String,
    /// Loki host.
    pub loki_host: String,
    /// Tempo host.
    pub tempo_host: String,
    /// Pyroscope host.
    pub pyroscope_host: String,
}

/// Apache Druid.
#[derive(Debug, Clone)]
pub struct Druid {
    /// Release name.
    pub release: String,
    /// Druid version.
    pub version: String,
    /// Metadata engine.
    pub metadata_engine: MetadataEngine,
    /// Metadata engine version.
    pub metadata_version: String,
    /// Metadata readers.
    pub metadata_readers: u32,
    /// DB instance class of the metadata writer and readers, e.g. `db.r6g.large`.
    pub metadata_instance_class: String,
    /// Kafka flavour.
    pub kafka: KafkaFlavour,
    /// Topics Druid ingests, in spec order.
    pub topics: Vec<IngestTopic>,
    /// Replicas per component.
    pub replicas: BTreeMap<String, u32>,
}

/// A topic Druid ingests through a Kafka supervisor, defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestTopic {
    /// Kafka topic.
    pub topic: String,
    /// Druid datasource.
    pub datasource: String,
    /// Partitions the topic is created with.
    pub partitions: u32,
    /// Timestamp column.
    pub timestamp_column: String,
    /// Timestamp format.
    pub timestamp_format: String,
    /// Input format.
    pub format: InputFormat,
    /// Dimensions; empty for schema auto-discovery.
    pub dimensions: Vec<String>,
    /// Segment granularity.
    pub segment_granularity: Granularity,
    /// Query granularity.
    pub query_granularity: Granularity,
    /// Reading tasks per replica.
    pub task_count: u32,
    /// Replicas of each reading task.
    pub replicas: u32,
}

/// Settings of `plinth check`.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// Findings accepted on purpose, in spec order (a finding uses the first that matches).
    pub suppressions: Vec<Suppression>,
}

/// A finding accepted on purpose.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Rule code, uppercase: `PLN101`.
    pub code: String,
    /// Why, as written.
    pub reason: String,
    /// Resources or objects it is limited to; empty for all.
    pub resources: Vec<String>,
}

impl Suppression {
    /// Whether the suppression covers a finding about `target` (a logical id or `Kind/name`).
    pub fn matches(&self, target: Option<&str>) -> bool {
        if self.resources.is_empty() {
            return true;
        }
        let Some(target) = target else {
            return false;
        };
        let bare = target.rsplit_once('/').map_or(target, |(_, name)| name);
        self.resources.iter().any(|r| r == target || r == bare)
    }
}
