//! The AWS side of the data-processing workloads, in the data stack: the data bucket they
//! share, each under a key prefix of its own, and the role each workload's pods run with. The
//! bindings stack joins the roles to the workloads' service accounts (EKS Pod Identity).
//!
//! - Spark: `{id}-spark` may list, read, write and delete objects under `{s3Prefix}/` of the
//!   data bucket, and nothing else.
//! - Airflow: `{id}-airflow` does the same under `{logsPrefix}/` for task logs; its metadata
//!   lives in an RDS for PostgreSQL instance (`{id}-airflow-db`: encrypted, TLS-only, private,
//!   Multi-AZ in production, reachable from the cluster's security group only) whose master
//!   password Secrets Manager generates. Airflow wants a connection URI and keys in Kubernetes
//!   Secrets, so one more secret, `{id}-airflow-config`, is composed from the generated ones by
//!   CloudFormation dynamic references (the template holds references only) and synced into
//!   the cluster by the Secrets Store CSI driver, with the role `{id}-airflow-secrets`.
//! - MongoDB: a generated secret per user (`{id}-mongodb-{user}`: username and password), and
//!   `{id}-mongodb-secrets`, which may read those and nothing else, for its secret sync.
//!
//! The bucket holds data, so it is versioned, outlives the stack and keeps overwritten or
//! deleted versions for 30 days; it is encrypted, private, owner-enforced and TLS-only like
//! Druid's.

use plinth_cfn::sorted::Sorted;
use plinth_cfn::{Expr, Policy, Resource, Template};
use plinth_spec::Platform;
use plinth_spec::model::{
    AIRFLOW_NAMESPACE, Airflow, MONGODB_NAMESPACE, MongoDb, SPARK_NAMESPACE, SPARK_SERVICE_ACCOUNT,
};

use crate::k8s::airflow::{RUNTIME_SERVICE_ACCOUNTS, SECRETS_SERVICE_ACCOUNT};
use crate::k8s::mongodb::SECRETS_SERVICE_ACCOUNT as MONGODB_SECRETS_SERVICE_ACCOUNT;
use serde_json::json;

use crate::builder::{Builder, Role, att, r};
use crate::iam;

/// Port of the metadata database.
const POSTGRES_PORT: u16 = 5432;
/// Database and user Airflow keeps its metadata in.
const AIRFLOW_DATABASE: &str = "airflow";

/// Days an overwritten or deleted object version is kept.
const NONCURRENT_DAYS: u32 = 30;
/// Days an incomplete multipart upload may linger before S3 discards its parts.
const ABORT_UPLOADS_AFTER_DAYS: u32 = 7;

/// A workload role and the service accounts it is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// Logical id prefix and output name stem, e.g. `Spark`.
    pub id: &'static str,
    /// Kubernetes namespace.
    pub namespace: &'static str,
    /// Service accounts in that namespace.
    pub service_accounts: Vec<&'static str>,
}

impl Binding {
    /// The output that exports the role's ARN.
    pub fn output(&self) -> String {
        format!("{}RoleArn", self.id)
    }
}

/// The roles the data-processing workloads of `p` run with, in a fixed order.
pub fn bindings(p: &Platform) -> Vec<Binding> {
    let mut out = Vec::new();
    if p.spark.is_some() {
        out.push(Binding {
            id: "Spark",
            namespace: SPARK_NAMESPACE,
            service_accounts: vec![SPARK_SERVICE_ACCOUNT],
        });
    }
    if p.airflow.is_some() {
        out.push(Binding {
            id: "Airflow",
            namespace: AIRFLOW_NAMESPACE,
            service_accounts: RUNTIME_SERVICE_ACCOUNTS.to_vec(),
        });
        out.push(Binding {
            id: "AirflowSecrets",
            namespace: AIRFLOW_NAMESPACE,
            service_accounts: vec![SECRETS_SERVICE_ACCOUNT],
        });
    }
    if p.mongodb.is_some() {
        out.push(Binding {
            id: "MongoDbSecrets",
            namespace: MONGODB_NAMESPACE,
            service_accounts: vec![MONGODB_SECRETS_SERVICE_ACCOUNT],
        });
    }
    out
}

/// Whether the platform has a data-processing workload with AWS resources.
pub fn needed(p: &Platform) -> bool {
    p.spark.is_some() || p.airflow.is_some() || p.mongodb.is_some()
}

/// The data stack's template: Druid's, extended with the workloads' bucket and roles.
pub fn data_template(p: &Platform, druid: Option<Template>) -> Option<Template> {
    if !needed(p) {
        return druid;
    }
    let mut b = match druid {
        Some(mut t) => {
            t.description
                .push_str("; the stores, secrets and roles of the data-processing workloads");
            Builder::extend(p, t)
        }
        None => Builder::new(
            p,
            format!(
                "plinth {}: stores, secrets and roles of the data-processing workloads",
                p.names.platform()
            ),
        ),
    };
    add(&mut b);
    Some(b.template)
}

fn role<'a>(resource_type: &'a str, category: &'a str, component: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component,
    }
}

fn add(b: &mut Builder<'_>) {
    let p = b.platform();
    if let Some(mongodb) = &p.mongodb {
        mongodb_resources(b, mongodb);
    }
    if p.spark.is_none() && p.airflow.is_none() {
        return;
    }
    let bucket = data_bucket(b);
    b.export(
        "DataLakeBucket",
        "Bucket the data-processing workloads share, each under its own prefix",
        r(&bucket),
    );
    if let Some(spark) = &p.spark {
        let role = prefix_role(b, "Spark", "spark", &bucket, &spark.s3_prefix);
        b.export(
            "SparkRoleArn",
            "Role of Spark's drivers and executors",
            att(&role, "Arn"),
        );
    }
    if let Some(airflow) = &p.airflow {
        airflow_resources(b, airflow, &bucket);
    }
}

/// The shared data bucket. Returns its logical id.
fn data_bucket(b: &mut Builder<'_>) -> String {
    let name = b.platform().names.data_bucket();
    let bucket = b.add(
        "DataLakeBucket",
        Resource::new(
            "AWS::S3::Bucket",
            json!({
                "BucketName": name,
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
                "VersioningConfiguration": { "Status": "Enabled" },
                "LifecycleConfiguration": { "Rules": [
                    {
                        "Id": "expire-noncurrent-versions",
                        "Status": "Enabled",
                        "NoncurrentVersionExpiration": { "NoncurrentDays": NONCURRENT_DAYS },
                        "ExpiredObjectDeleteMarker": true,
                    },
                    {
                        "Id": "abort-incomplete-uploads",
                        "Status": "Enabled",
                        "AbortIncompleteMultipartUpload": { "DaysAfterInitiation": ABORT_UPLOADS_AFTER_DAYS },
                    },
                ] },
            }),
        )
        .keep(Policy::Retain),
        role("s3-bucket", "storage", "data-lake"),
        None,
    );
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
        role("s3-bucket-policy", "security", "data-lake"),
        None,
    );
    bucket
}

/// A pod identity role that may use the objects under `prefix/` of the bucket and list only
/// those keys. Returns its logical id.
fn prefix_role(
    b: &mut Builder<'_>,
    id: &str,
    workload: &'static str,
    bucket: &str,
    prefix: &str,
) -> String {
    let name = b.platform().names.workload_role(workload);
    let statements = vec![
        json!({
            "Sid": "ListOwnPrefix",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": att(bucket, "Arn"),
            "Condition": { "StringLike": { "s3:prefix": [prefix, format!("{prefix}/*")] } },
        }),
        json!({
            "Sid": "LocateBucket",
            "Effect": "Allow",
            "Action": "s3:GetBucketLocation",
            "Resource": att(bucket, "Arn"),
        }),
        json!({
            "Sid": "UseOwnObjects",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            "Resource": Expr::sub(format!("${{{bucket}.Arn}}/{prefix}/*")),
        }),
    ];
    b.add(
        &format!("{id}Role"),
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": name,
                "Description": format!("{workload} pods through EKS Pod Identity: objects under {prefix}/ of the data bucket"),
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline(&format!("{workload}-data"), statements)],
            }),
        ),
        role("iam-role", "security", workload),
        None,
    )
}

/// The pod identity associations of the workloads' roles, for the bindings stack.
pub fn associations(b: &mut Builder<'_>) {
    let p = b.platform();
    for binding in bindings(p) {
        for (i, sa) in binding.service_accounts.iter().enumerate() {
            let suffix = if binding.service_accounts.len() == 1 {
                String::new()
            } else {
                (i + 1).to_string()
            };
            b.add(
                &format!("{}PodIdentity{suffix}", binding.id),
                Resource::new(
                    "AWS::EKS::PodIdentityAssociation",
                    json!({
                        "ClusterName": Expr::import(p.names.export("EksClusterName")),
                        "Namespace": binding.namespace,
                        "ServiceAccount": sa,
                        "RoleArn": Expr::import(p.names.export(&binding.output())),
                    }),
                ),
                role(
                    "eks-pod-identity-association",
                    "security",
                    binding.namespace,
                ),
                None,
            );
        }
    }
}

/// Airflow's database, secrets and roles.
fn airflow_resources(b: &mut Builder<'_>, airflow: &Airflow, bucket: &str) {
    let p = b.platform();
    let names = &p.names;
    let logs = prefix_role(b, "Airflow", "airflow", bucket, &airflow.logs_prefix);
    b.export(
        "AirflowRoleArn",
        "Role of Airflow's scheduler, API server, triggerer, DAG processor and workers (task logs)",
        att(&logs, "Arn"),
    );
    let generated = |b: &mut Builder<'_>, id: &str, what: &str, description: &str, generate| {
        b.add(
            id,
            Resource::new(
                "AWS::SecretsManager::Secret",
                json!({
                    "Name": names.airflow(what),
                    "Description": description,
                    "GenerateSecretString": generate,
                }),
            )
            .keep(Policy::Retain),
            role("secret", "security", "airflow"),
            None,
        )
    };
    // Letters and digits only: the password goes into a connection URI unescaped, and a Fernet
    // key is 32 bytes in URL-safe base64, 43 such characters and `=`.
    let db_secret = generated(
        b,
        "AirflowDbSecret",
        "db",
        "Airflow metadata database master credentials; host and port are added once it exists",
        json!({
            "SecretStringTemplate": Sorted(&json!({ "username": AIRFLOW_DATABASE, "dbname": AIRFLOW_DATABASE })).to_string(),
            "GenerateStringKey": "password",
            "PasswordLength": 32,
            "ExcludePunctuation": true,
        }),
    );
    let key = |length: u32| {
        json!({
            "SecretStringTemplate": "{}",
            "GenerateStringKey": "key",
            "PasswordLength": length,
            "ExcludePunctuation": true,
        })
    };
    let fernet = generated(
        b,
        "AirflowFernetSecret",
        "fernet",
        "Airflow Fernet key material (encrypts connections and variables in the database)",
        key(43),
    );
    let api = generated(
        b,
        "AirflowApiSecret",
        "api",
        "Airflow API server secret key",
        key(64),
    );
    let jwt = generated(
        b,
        "AirflowJwtSecret",
        "jwt",
        "Airflow JWT signing secret",
        key(64),
    );
    let database = airflow_database(b, airflow, &db_secret);
    let resolve = |secret: &str, field: &str| {
        format!("{{{{resolve:secretsmanager:${{{secret}}}:SecretString:{field}}}}}")
    };
    let connection = format!(
        "postgresql://{AIRFLOW_DATABASE}:{}@${{{database}.Endpoint.Address}}:{POSTGRES_PORT}/{AIRFLOW_DATABASE}?sslmode=require",
        resolve(&db_secret, "password")
    );
    let document = format!(
        r#"{{"connection":"{connection}","fernet_key":"{}=","api_secret_key":"{}","jwt_secret":"{}"}}"#,
        resolve(&fernet, "key"),
        resolve(&api, "key"),
        resolve(&jwt, "key"),
    );
    let config = b.add(
        "AirflowConfigSecret",
        Resource::new(
            "AWS::SecretsManager::Secret",
            json!({
                "Name": names.airflow("config"),
                "Description": "What Airflow reads from Kubernetes Secrets: the metadata connection URI and its keys, composed from the generated secrets",
                "SecretString": Expr::sub(document),
            }),
        ),
        role("secret", "security", "airflow"),
        None,
    );
    let mut readable = vec![r(&config)];
    if let Some(arn) = &airflow.ssh_key_secret {
        // The spec names the secret without the six characters Secrets Manager appends.
        readable.push(json!(format!("{arn}-??????")));
    }
    let secrets_role = b.add(
        "AirflowSecretsRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.workload_role("airflow-secrets"),
                "Description": "Airflow's secret sync through EKS Pod Identity: reads Airflow's composed secret (and the DAG repository key)",
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline("airflow-secrets", vec![json!({
                    "Sid": "ReadAirflowSecrets",
                    "Effect": "Allow",
                    "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    "Resource": readable,
                })])],
            }),
        ),
        role("iam-role", "security", "airflow"),
        None,
    );
    b.export(
        "AirflowSecretsRoleArn",
        "Role of Airflow's secret sync",
        att(&secrets_role, "Arn"),
    );
    b.export(
        "AirflowConfigSecretArn",
        "Airflow's composed secret (connection, fernet_key, api_secret_key, jwt_secret)",
        r(&config),
    );
    b.export(
        "AirflowDbSecretArn",
        "Airflow metadata database master credentials",
        r(&db_secret),
    );
    b.export(
        "AirflowDbEndpoint",
        "Airflow metadata database endpoint",
        att(&database, "Endpoint.Address"),
    );
}

/// The RDS for PostgreSQL instance in the private subnets, admitting the cluster's security
/// group on 5432 only, TLS-only, credentials from the generated secret. Returns its logical id.
fn airflow_database(b: &mut Builder<'_>, airflow: &Airflow, secret: &str) -> String {
    let p = b.platform();
    let names = &p.names;
    let production = airflow.multi_az;
    let identifier = names.airflow("db");
    let vpc = Expr::import(names.export("VpcId"));
    let group = b.add(
        "AirflowDbSecurityGroup",
        Resource::new(
            "AWS::EC2::SecurityGroup",
            json!({
                "GroupName": identifier,
                "GroupDescription": "Airflow metadata database: PostgreSQL from the cluster only",
                "VpcId": vpc,
                "SecurityGroupEgress": crate::druid::no_egress(),
            }),
        ),
        role("security-group", "security", "airflow"),
        Some(&identifier),
    );
    b.add(
        "AirflowDbSecurityGroupIngressFromCluster",
        Resource::new(
            "AWS::EC2::SecurityGroupIngress",
            json!({
                "GroupId": att(&group, "GroupId"),
                "IpProtocol": "tcp",
                "FromPort": POSTGRES_PORT,
                "ToPort": POSTGRES_PORT,
                "SourceSecurityGroupId": Expr::import(names.export("EksClusterSecurityGroupId")),
                "Description": "PostgreSQL from the cluster's nodes and pods",
            }),
        ),
        role("security-group-ingress", "security", "airflow"),
        None,
    );
    let subnets = b.add(
        "AirflowDbSubnetGroup",
        Resource::new(
            "AWS::RDS::DBSubnetGroup",
            json!({
                "DBSubnetGroupDescription": format!("Private subnets of {identifier}"),
                "SubnetIds": Expr::import_list(names.export("PrivateSubnetIds")),
            }),
        ),
        role("rds-subnet-group", "database", "airflow"),
        None,
    );
    let parameters = b.add(
        "AirflowDbParameterGroup",
        Resource::new(
            "AWS::RDS::DBParameterGroup",
            json!({
                "Description": format!("TLS-only connections to {identifier}"),
                "Family": format!("postgres{}", airflow.database_major()),
                "Parameters": { "rds.force_ssl": "1" },
            }),
        ),
        role("rds-parameter-group", "database", "airflow"),
        None,
    );
    let from_secret = |key: &str| {
        Expr::sub(format!(
            "{{{{resolve:secretsmanager:${{{secret}}}:SecretString:{key}}}}}"
        ))
    };
    let resource = Resource::new(
        "AWS::RDS::DBInstance",
        json!({
            "DBInstanceIdentifier": identifier,
            "Engine": "postgres",
            "EngineVersion": airflow.database_version,
            "DBInstanceClass": airflow.database_instance_class,
            "AllocatedStorage": airflow.database_storage_gib.to_string(),
            "MaxAllocatedStorage": airflow.database_storage_gib * 5,
            "StorageType": "gp3",
            "StorageEncrypted": true,
            "MultiAZ": production,
            "DBName": AIRFLOW_DATABASE,
            "Port": POSTGRES_PORT.to_string(),
            "MasterUsername": from_secret("username"),
            "MasterUserPassword": from_secret("password"),
            "DBSubnetGroupName": r(&subnets),
            "DBParameterGroupName": r(&parameters),
            "VPCSecurityGroups": [att(&group, "GroupId")],
            "PubliclyAccessible": false,
            "BackupRetentionPeriod": if production { 14 } else { 7 },
            "CopyTagsToSnapshot": true,
            "EnableCloudwatchLogsExports": ["postgresql"],
            "AutoMinorVersionUpgrade": true,
            "DeletionProtection": production,
        }),
    )
    .keep(Policy::Snapshot);
    let database = b.add(
        "AirflowDatabase",
        resource,
        role("rds-instance", "database", "airflow"),
        None,
    );
    if p.backup.is_some() {
        let (key, value) = crate::operations::backup_tag(p);
        if let Some(serde_json::Value::Array(tags)) = b
            .template
            .resources
            .get_mut(&database)
            .and_then(|d| d.properties.get_mut("Tags"))
        {
            tags.push(json!({ "Key": key, "Value": value }));
        }
    }
    b.add(
        "AirflowDbSecretAttachment",
        Resource::new(
            "AWS::SecretsManager::SecretTargetAttachment",
            json!({ "SecretId": r(secret), "TargetId": r(&database), "TargetType": "AWS::RDS::DBInstance" }),
        ),
        role("secret-attachment", "security", "airflow"),
        None,
    );
    database
}

/// A generated secret per MongoDB user and the role of MongoDB's secret sync.
fn mongodb_resources(b: &mut Builder<'_>, mongodb: &MongoDb) {
    let names = &b.platform().names;
    let mut secrets = Vec::new();
    for user in &mongodb.users {
        let id = format!("MongoDb{}Secret", plinth_cfn::pascal(&user.name));
        let secret = b.add(
            &id,
            Resource::new(
                "AWS::SecretsManager::Secret",
                json!({
                    "Name": names.mongodb(&user.name),
                    "Description": format!("MongoDB user {} ({})", user.name, user.database),
                    "GenerateSecretString": {
                        "SecretStringTemplate": Sorted(&json!({ "username": user.name, "database": user.database })).to_string(),
                        "GenerateStringKey": "password",
                        "PasswordLength": 32,
                        "ExcludePunctuation": true,
                    },
                }),
            )
            .keep(Policy::Retain),
            role("secret", "security", "mongodb"),
            None,
        );
        secrets.push(r(&secret));
    }
    let sync = b.add(
        "MongoDbSecretsRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.mongodb("secrets"),
                "Description": "MongoDB's secret sync through EKS Pod Identity: reads the generated user secrets",
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline("mongodb-secrets", vec![json!({
                    "Sid": "ReadMongoDbSecrets",
                    "Effect": "Allow",
                    "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    "Resource": secrets,
                })])],
            }),
        ),
        role("iam-role", "security", "mongodb"),
        None,
    );
    b.export(
        "MongoDbSecretsRoleArn",
        "Role of MongoDB's secret sync",
        att(&sync, "Arn"),
    );
}
