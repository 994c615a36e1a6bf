//! The data stack: Druid's AWS data layer (deep storage, metadata database, secrets, Kafka,
//! and the role its pods run with). Present only when the spec has Druid.
//!
//! It imports from the network stack only, so it deploys in parallel with the cluster; the
//! bindings stack joins its role to the cluster's service account afterwards.
//!
//! Data stores admit one security group, `{id}-{release}-druid-clients`, which Karpenter puts
//! on Druid's nodes. Everything that keeps data is encrypted at rest and reachable only over
//! TLS; the deep-storage bucket outlives the stack and the database leaves a final snapshot.
//!
//! MSK Serverless exposes no bootstrap-brokers attribute in CloudFormation, so there is no
//! output for it: deploy reads the IAM bootstrap string with `kafka:GetBootstrapBrokers` on
//! the exported cluster ARN.

use std::collections::BTreeMap;

use plinth_cfn::sorted::Sorted;
use plinth_cfn::{Expr, Policy, Resource, Template};
use plinth_spec::Platform;
use plinth_spec::model::{Druid, DruidBucket, DruidNames, DruidSecret, DruidSecurityGroup};
use serde_json::{Value, json};

use crate::builder::{Builder, Role, att, r};
use crate::iam;

/// Port of the metadata database.
const POSTGRES_PORT: u16 = 5432;
/// Port of MSK's SASL/IAM listener.
const KAFKA_IAM_PORT: u16 = 9098;
/// Database Druid keeps its metadata in.
const METADATA_DATABASE: &str = "druid_metadata";
/// Days an incomplete multipart upload may linger before S3 discards its parts.
const ABORT_UPLOADS_AFTER_DAYS: u32 = 7;

fn role<'a>(resource_type: &'a str, category: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component: "druid",
    }
}

/// The data stack's template, when the platform has Druid.
pub fn template(p: &Platform) -> Option<Template> {
    let druid = p.druid.as_ref()?;
    let names = p.names.druid_names()?;
    let mut b = Builder::new(
        p,
        format!(
            "plinth {}: data layer of Druid release {} (S3 deep storage, Aurora PostgreSQL {} metadata, MSK Serverless)",
            p.names.platform(),
            druid.release,
            druid.metadata_version
        ),
    );

    let buckets: BTreeMap<DruidBucket, String> = DruidBucket::ALL
        .iter()
        .map(|&kind| (kind, bucket(&mut b, names, kind)))
        .collect();
    let groups = security_groups(&mut b, names);
    let secrets: BTreeMap<DruidSecret, String> = DruidSecret::ALL
        .iter()
        .map(|&kind| (kind, secret(&mut b, names, kind)))
        .collect();
    let database = metadata_database(
        &mut b,
        druid,
        names,
        &groups[&DruidSecurityGroup::MetadataDb],
        &secrets[&DruidSecret::Metadata],
    );
    let kafka = kafka(&mut b, names, &groups[&DruidSecurityGroup::Kafka]);
    let druid_role = druid_role(&mut b, names, &buckets, &secrets, &kafka);

    for (kind, output, what) in [
        (
            DruidBucket::DeepStorage,
            "DruidDeepStorageBucket",
            "Bucket of Druid's segments",
        ),
        (
            DruidBucket::Msq,
            "DruidMsqBucket",
            "Bucket of multi-stage query scratch data",
        ),
        (
            DruidBucket::IndexLogs,
            "DruidIndexLogsBucket",
            "Bucket of ingestion task logs",
        ),
    ] {
        b.export(output, what, r(&buckets[&kind]));
    }
    b.export(
        "DruidMetadataDbEndpoint",
        "Writer endpoint of the metadata database",
        att(&database, "Endpoint.Address"),
    );
    b.export(
        "DruidMetadataDbPort",
        "Port of the metadata database",
        att(&database, "Endpoint.Port"),
    );
    for (kind, output, what) in [
        (
            DruidSecret::Metadata,
            "DruidMetadataSecretArn",
            "Metadata database credentials (username, password, host, port, dbname)",
        ),
        (
            DruidSecret::Admin,
            "DruidAdminSecretArn",
            "Druid admin user",
        ),
        (
            DruidSecret::System,
            "DruidSystemSecretArn",
            "Druid internal system user",
        ),
    ] {
        b.export(output, what, r(&secrets[&kind]));
    }
    b.export(
        crate::k8s::DRUID_KAFKA_CLUSTER_ARN_OUTPUT,
        "MSK Serverless cluster (IAM auth); its bootstrap brokers come from kafka:GetBootstrapBrokers",
        att(&kafka, "Arn"),
    );
    b.export(
        "DruidRoleArn",
        "Role of the Druid service account",
        att(&druid_role, "Arn"),
    );
    if let Some(ingestion) = ingestion_role(&mut b, names, &kafka) {
        b.export(
            "DruidIngestionRoleArn",
            "Role of the Job that creates Druid's topics",
            att(&ingestion, "Arn"),
        );
    }
    b.export(
        "DruidClientSecurityGroupId",
        "Security group of Druid's nodes, admitted by the metadata database and Kafka",
        att(&groups[&DruidSecurityGroup::Clients], "GroupId"),
    );
    Some(b.template)
}

/// A bucket with encryption, no public access, ownership enforced (no ACLs), TLS-only access
/// and a lifecycle suited to what it holds. Returns its logical id.
fn bucket(b: &mut Builder<'_>, names: DruidNames<'_>, kind: DruidBucket) -> String {
    let abort_uploads = json!({
        "Id": "abort-incomplete-uploads",
        "Status": "Enabled",
        "AbortIncompleteMultipartUpload": { "DaysAfterInitiation": ABORT_UPLOADS_AFTER_DAYS },
    });
    let (id, rules) = match kind {
        // Segments are the data: versioned, so an overwrite or delete can be undone for 30
        // days; delete markers left once old versions expire are cleaned up too.
        DruidBucket::DeepStorage => (
            "DeepStorageBucket",
            vec![
                json!({
                    "Id": "expire-noncurrent-versions",
                    "Status": "Enabled",
                    "NoncurrentVersionExpiration": { "NoncurrentDays": 30 },
                    "ExpiredObjectDeleteMarker": true,
                }),
                abort_uploads,
            ],
        ),
        // Scratch space of running queries; a week outlives any query.
        DruidBucket::Msq => (
            "MsqBucket",
            vec![
                json!({ "Id": "expire-scratch", "Status": "Enabled", "ExpirationInDays": 7 }),
                abort_uploads,
            ],
        ),
        DruidBucket::IndexLogs => (
            "IndexLogsBucket",
            vec![
                json!({ "Id": "expire-task-logs", "Status": "Enabled", "ExpirationInDays": 30 }),
                abort_uploads,
            ],
        ),
    };
    let mut props = json!({
        "BucketName": names.bucket(kind),
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [{
                "ServerSideEncryptionByDefault": { "SSEAlgorithm": "AES256" },
            }],
        },
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": true,
            "BlockPublicPolicy": true,
            "IgnorePublicAcls": true,
            "RestrictPublicBuckets": true,
        },
        "OwnershipControls": { "Rules": [{ "ObjectOwnership": "BucketOwnerEnforced" }] },
        "LifecycleConfiguration": { "Rules": rules },
    });
    let deep_storage = kind == DruidBucket::DeepStorage;
    if deep_storage {
        props["VersioningConfiguration"] = json!({ "Status": "Enabled" });
    }
    let resource = Resource::new("AWS::S3::Bucket", props);
    let resource = if deep_storage {
        // Deleting the stack or replacing the bucket must not lose the segments.
        resource.keep(Policy::Retain)
    } else {
        disposable(resource)
    };
    let bucket = b.add(id, resource, role("s3-bucket", "storage"), None);
    let objects = Expr::sub(format!("${{{bucket}.Arn}}/*"));
    b.add(
        &format!("{bucket}Policy"),
        Resource::new(
            "AWS::S3::BucketPolicy",
            json!({
                "Bucket": r(&bucket),
                "PolicyDocument": iam::document(vec![json!({
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [att(&bucket, "Arn"), objects],
                    "Condition": { "Bool": { "aws:SecureTransport": false } },
                })]),
            }),
        ),
        role("s3-bucket-policy", "security"),
        None,
    );
    bucket
}

/// The clients group Druid's nodes carry, and one group per data store admitting only it on
/// the store's port. Returns the logical ids of the groups.
fn security_groups(
    b: &mut Builder<'_>,
    names: DruidNames<'_>,
) -> BTreeMap<DruidSecurityGroup, String> {
    let vpc = Expr::import(b.platform().names.export("VpcId"));
    let mut ids = BTreeMap::new();
    for (kind, id, description, egress) in [
        (
            DruidSecurityGroup::Clients,
            "ClientSecurityGroup",
            "Druid nodes, admitted by the Druid metadata database and Kafka",
            json!([{ "IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "Description": "Anywhere" }]),
        ),
        (
            DruidSecurityGroup::MetadataDb,
            "MetadataDbSecurityGroup",
            "Druid metadata database: PostgreSQL from Druid nodes only",
            no_egress(),
        ),
        (
            DruidSecurityGroup::Kafka,
            "KafkaSecurityGroup",
            "Druid Kafka (MSK Serverless): IAM listener from Druid nodes only",
            no_egress(),
        ),
    ] {
        let name = names.security_group(kind);
        let group = b.add(
            id,
            Resource::new(
                "AWS::EC2::SecurityGroup",
                json!({
                    "GroupName": name,
                    "GroupDescription": description,
                    "VpcId": vpc.clone(),
                    "SecurityGroupEgress": egress,
                }),
            ),
            role("security-group", "security"),
            Some(&name),
        );
        ids.insert(kind, group);
    }
    let clients = ids[&DruidSecurityGroup::Clients].clone();
    for (kind, port, what) in [
        (DruidSecurityGroup::MetadataDb, POSTGRES_PORT, "PostgreSQL"),
        (
            DruidSecurityGroup::Kafka,
            KAFKA_IAM_PORT,
            "Kafka over SASL/IAM",
        ),
    ] {
        let group = &ids[&kind];
        b.add(
            &format!("{group}IngressFromClients"),
            Resource::new(
                "AWS::EC2::SecurityGroupIngress",
                json!({
                    "GroupId": att(group, "GroupId"),
                    "IpProtocol": "tcp",
                    "FromPort": port,
                    "ToPort": port,
                    "SourceSecurityGroupId": att(&clients, "GroupId"),
                    "Description": format!("{what} from Druid nodes"),
                }),
            ),
            role("security-group-ingress", "security"),
            None,
        );
    }
    ids
}

/// A security group with no egress rule allows all egress. The database and Kafka endpoints
/// only answer connections, so they get one rule that matches nothing instead: ICMP type 252
/// code 86 to the broadcast address, the same rule the AWS CDK uses for
/// `allowAllOutbound: false`.
pub(crate) fn no_egress() -> Value {
    json!([{
        "IpProtocol": "icmp",
        "FromPort": 252,
        "ToPort": 86,
        "CidrIp": "255.255.255.255/32",
        "Description": "Disallow all traffic",
    }])
}

/// A secret with a generated password. The metadata secret is the database's master
/// credential; admin and system are Druid's own basic-auth users.
fn secret(b: &mut Builder<'_>, names: DruidNames<'_>, kind: DruidSecret) -> String {
    let (id, description, generate) = match kind {
        DruidSecret::Metadata => (
            "MetadataSecret",
            "Druid metadata database credentials; host and port are added once the cluster exists",
            json!({
                "SecretStringTemplate": Sorted(&json!({ "username": "druid", "dbname": METADATA_DATABASE })).to_string(),
                "GenerateStringKey": "password",
                "PasswordLength": 32,
                // RDS refuses `/`, `@`, `"` and spaces in master passwords; quotes, backslashes
                // and URL delimiters would need escaping in JDBC URLs and properties files.
                "ExcludeCharacters": "\"@/\\' :?#%&",
            }),
        ),
        DruidSecret::Admin => (
            "AdminSecret",
            "Druid admin user (basic auth)",
            generated_user("admin"),
        ),
        DruidSecret::System => (
            "SystemSecret",
            "Druid internal system user that Druid processes authenticate as (basic auth)",
            generated_user("druid_system"),
        ),
    };
    // The secrets open what outlives the stack (the database's final snapshot, and Druid's
    // users stored in it), so they outlive it too.
    b.add(
        id,
        Resource::new(
            "AWS::SecretsManager::Secret",
            json!({
                "Name": names.secret(kind),
                "Description": description,
                "GenerateSecretString": generate,
            }),
        )
        .keep(Policy::Retain),
        role("secret", "security"),
        None,
    )
}

fn generated_user(username: &str) -> Value {
    json!({
        "SecretStringTemplate": json!({ "username": username }).to_string(),
        "GenerateStringKey": "password",
        "PasswordLength": 30,
        "ExcludePunctuation": true,
    })
}

/// Aurora PostgreSQL on I/O-optimized storage: a writer and the spec's readers in the private
/// subnets, TLS-only, credentials from the metadata secret, which then learns the host and
/// port. Returns the cluster's logical id.
fn metadata_database(
    b: &mut Builder<'_>,
    druid: &Druid,
    names: DruidNames<'_>,
    group: &str,
    secret: &str,
) -> String {
    let environment = b.platform().metadata.environment.as_str();
    let production = matches!(environment, "production" | "prod");
    let subnets = b.add(
        "MetadataSubnetGroup",
        Resource::new(
            "AWS::RDS::DBSubnetGroup",
            json!({
                "DBSubnetGroupDescription": format!("Private subnets of {}", names.metadata_cluster()),
                "SubnetIds": Expr::import_list(b.platform().names.export("PrivateSubnetIds")),
            }),
        ),
        role("rds-subnet-group", "database"),
        None,
    );
    // Aurora PostgreSQL accepts unencrypted connections unless told otherwise.
    let major = druid.metadata_version.split('.').next().unwrap_or_default();
    let parameters = b.add(
        "MetadataParameterGroup",
        Resource::new(
            "AWS::RDS::DBClusterParameterGroup",
            json!({
                "Description": format!("TLS-only connections to {}", names.metadata_cluster()),
                "Family": format!("aurora-postgresql{major}"),
                "Parameters": { "rds.force_ssl": "1" },
            }),
        ),
        role("rds-cluster-parameter-group", "database"),
        None,
    );
    let from_secret = |key: &str| {
        Expr::sub(format!(
            "{{{{resolve:secretsmanager:${{{secret}}}:SecretString:{key}}}}}"
        ))
    };
    let cluster = b.add(
        "MetadataCluster",
        Resource::new(
            "AWS::RDS::DBCluster",
            json!({
                "DBClusterIdentifier": names.metadata_cluster(),
                "Engine": "aurora-postgresql",
                "EngineVersion": druid.metadata_version,
                // I/O-optimized: Druid's metadata traffic is many small reads and writes,
                // which this storage type does not bill per request.
                "StorageType": "aurora-iopt1",
                "StorageEncrypted": true,
                "DatabaseName": METADATA_DATABASE,
                "Port": POSTGRES_PORT,
                "MasterUsername": from_secret("username"),
                "MasterUserPassword": from_secret("password"),
                "DBSubnetGroupName": r(&subnets),
                "DBClusterParameterGroupName": r(&parameters),
                "VpcSecurityGroupIds": [att(group, "GroupId")],
                "BackupRetentionPeriod": if production { 14 } else { 7 },
                "CopyTagsToSnapshot": true,
                "EnableCloudwatchLogsExports": ["postgresql"],
                "DeletionProtection": production,
            }),
        )
        .keep(Policy::Snapshot),
        role("rds-cluster", "database"),
        None,
    );
    if b.platform().backup.is_some() {
        let (key, value) = crate::operations::backup_tag(b.platform());
        if let Some(Value::Array(tags)) = b
            .template
            .resources
            .get_mut(&cluster)
            .and_then(|c| c.properties.get_mut("Tags"))
        {
            tags.push(json!({ "Key": key, "Value": value }));
        }
    }
    b.add(
        "MetadataSecretAttachment",
        Resource::new(
            "AWS::SecretsManager::SecretTargetAttachment",
            json!({ "SecretId": r(secret), "TargetId": r(&cluster), "TargetType": "AWS::RDS::DBCluster" }),
        ),
        role("secret-attachment", "security"),
        None,
    );
    // Aurora instances hold no data of their own; the cluster's snapshot covers them.
    let instance = |n: u32| {
        disposable(Resource::new(
            "AWS::RDS::DBInstance",
            json!({
                "DBInstanceIdentifier": names.metadata_instance(n),
                "DBClusterIdentifier": r(&cluster),
                "Engine": "aurora-postgresql",
                "DBInstanceClass": druid.metadata_instance_class,
                "PubliclyAccessible": false,
                "EnablePerformanceInsights": true,
            }),
        ))
    };
    // Aurora makes the first instance of a cluster its writer, so readers wait for the
    // instance meant to be it. After a failover the roles may swap; the identifiers are
    // numbered, not named after a role, for that reason.
    let writer = b.add(
        "MetadataWriter",
        instance(1),
        role("rds-instance", "database"),
        None,
    );
    for i in 1..=druid.metadata_readers {
        b.add(
            &format!("MetadataReader{i}"),
            instance(i + 1).depends_on(&writer),
            role("rds-instance", "database"),
            None,
        );
    }
    cluster
}

/// MSK Serverless with IAM authentication in the private subnets. Returns its logical id.
///
/// CloudFormation replaces a serverless cluster when its tags change
/// (<https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1432>), and
/// replacing it loses every topic. So it carries the platform's tags but not
/// `{domain}:version`, which changes with each revision of the spec.
fn kafka(b: &mut Builder<'_>, names: DruidNames<'_>, group: &str) -> String {
    let id = b.add(
        "KafkaCluster",
        Resource::new(
            "AWS::MSK::ServerlessCluster",
            json!({
                "ClusterName": names.kafka(),
                "ClientAuthentication": { "Sasl": { "Iam": { "Enabled": true } } },
                "VpcConfigs": [{
                    "SubnetIds": Expr::import_list(b.platform().names.export("PrivateSubnetIds")),
                    "SecurityGroups": [att(group, "GroupId")],
                }],
            }),
        ),
        role("msk-serverless-cluster", "streaming"),
        None,
    );
    let version = format!("{}:version", b.platform().metadata.domain);
    if let Some(Value::Object(tags)) = b
        .template
        .resources
        .get_mut(&id)
        .and_then(|res| res.properties.get_mut("Tags"))
    {
        tags.remove(&version);
    }
    id
}

/// The role of Druid's service account, with exactly what Druid uses: its three buckets, its
/// three secrets, and its Kafka cluster's topics and consumer groups.
fn druid_role(
    b: &mut Builder<'_>,
    names: DruidNames<'_>,
    buckets: &BTreeMap<DruidBucket, String>,
    secrets: &BTreeMap<DruidSecret, String>,
    kafka: &str,
) -> String {
    let p = b.platform();
    let service_account = format!(
        "{}/{}",
        p.names.druid_namespace(),
        p.names.druid_service_account().unwrap_or_default()
    );
    let kafka_arn = |kind: &str, name: &str| kafka_resource(names, kafka, kind, name);
    let druid = p.druid.as_ref();
    // The topics the spec ingests; with none listed, supervisors submitted by hand may read
    // any topic of the cluster.
    let topics: Vec<Value> = match druid.map(|d| &d.topics) {
        Some(t) if !t.is_empty() => t.iter().map(|t| kafka_arn("topic", &t.topic)).collect(),
        _ => vec![kafka_arn("topic", "*")],
    };
    let statements = vec![
        json!({
            "Sid": "ListBuckets",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": buckets.values().map(|id| att(id, "Arn")).collect::<Vec<_>>(),
        }),
        json!({
            "Sid": "ReadWriteObjects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            "Resource": buckets.values().map(|id| Expr::sub(format!("${{{id}.Arn}}/*"))).collect::<Vec<_>>(),
        }),
        json!({
            "Sid": "ReadSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "Resource": secrets.values().map(|id| r(id)).collect::<Vec<_>>(),
        }),
        // What a Kafka consumer does on MSK with IAM access control: connect, read the topics,
        // and use the consumer groups Druid names `kafka-supervisor-<random>` (its Kafka
        // extension's KafkaConsumerConfigs, where group.id is set).
        json!({
            "Sid": "ConnectToKafka",
            "Effect": "Allow",
            "Action": ["kafka-cluster:Connect"],
            "Resource": att(kafka, "Arn"),
        }),
        json!({
            "Sid": "ReadTopics",
            "Effect": "Allow",
            "Action": ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
            "Resource": topics,
        }),
        json!({
            "Sid": "UseConsumerGroups",
            "Effect": "Allow",
            "Action": ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
            "Resource": kafka_arn("group", "kafka-supervisor-*"),
        }),
    ];
    pod_identity_role(
        b,
        "DruidRole",
        &names.role(),
        &format!("Druid pods ({service_account}) through EKS Pod Identity"),
        "druid-data",
        statements,
    )
}

/// A role the pods of one service account assume through EKS Pod Identity, with one inline
/// policy of `statements`; returns its logical id.
fn pod_identity_role(
    b: &mut Builder<'_>,
    id: &str,
    name: &str,
    description: &str,
    policy: &str,
    statements: Vec<Value>,
) -> String {
    b.add(
        id,
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": name,
                "Description": description,
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline(policy, statements)],
            }),
        ),
        role("iam-role", "security"),
        None,
    )
}

/// The ARN of a topic or group of the Druid cluster: `…:{kind}/{cluster name}/{cluster
/// uuid}/{name}`; the uuid is the last segment of the cluster ARN, known once the cluster exists
/// (<https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html>).
fn kafka_resource(names: DruidNames<'_>, kafka: &str, kind: &str, name: &str) -> Value {
    Value::from(Expr::SubWith(
        format!(
            "arn:${{AWS::Partition}}:kafka:${{AWS::Region}}:${{AWS::AccountId}}:{kind}/{}/${{ClusterUuid}}/{name}",
            names.kafka()
        ),
        BTreeMap::from([(
            "ClusterUuid".to_owned(),
            Expr::Select(2, Box::new(split("/", &att(kafka, "Arn")))).into(),
        )]),
    ))
}

/// The role of the ingestion Job's service account, when the spec lists topics: it creates
/// them (and may describe them to know they exist), nothing else.
fn ingestion_role(b: &mut Builder<'_>, names: DruidNames<'_>, kafka: &str) -> Option<String> {
    let p = b.platform();
    let druid = p.druid.as_ref()?;
    if druid.topics.is_empty() {
        return None;
    }
    let service_account = format!(
        "{}/{}",
        p.names.druid_namespace(),
        p.names
            .druid_ingestion_service_account()
            .unwrap_or_default()
    );
    let topics: Vec<Value> = druid
        .topics
        .iter()
        .map(|t| kafka_resource(names, kafka, "topic", &t.topic))
        .collect();
    let statements = vec![
        json!({
            "Sid": "ConnectToKafka",
            "Effect": "Allow",
            "Action": ["kafka-cluster:Connect"],
            "Resource": att(kafka, "Arn"),
        }),
        json!({
            "Sid": "CreateTopics",
            "Effect": "Allow",
            "Action": ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic"],
            "Resource": topics,
        }),
    ];
    Some(pod_identity_role(
        b,
        "DruidIngestionRole",
        &names.ingestion_role(),
        &format!("Druid's topic creation ({service_account}) through EKS Pod Identity"),
        "druid-topics",
        statements,
    ))
}

/// Marks a stateful resource whose contents may go with the stack (scratch data, logs, Aurora
/// instances), so the template says so instead of leaving it to CloudFormation's default.
fn disposable(mut resource: Resource) -> Resource {
    resource.deletion_policy = Some(Policy::Delete);
    resource.update_replace_policy = Some(Policy::Delete);
    resource
}

/// `Fn::Split`; plinth-cfn types only the split of an import.
fn split(separator: &str, value: &Value) -> Value {
    json!({ "Fn::Split": [separator, value] })
}
