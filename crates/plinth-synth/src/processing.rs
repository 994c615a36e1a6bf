//! The AWS side of the data-processing workloads, in the data stack: the data bucket they
//! share, each under a key prefix of its own, and the role each workload's pods run with. The
//! bindings stack joins the roles to the workloads' service accounts (EKS Pod Identity).
//!
//! - Spark: `{id}-spark` may list, read, write and delete objects under `{s3Prefix}/` of the
//!   data bucket, and nothing else.
//!
//! The bucket holds data, so it is versioned, outlives the stack and keeps overwritten or
//! deleted versions for 30 days; it is encrypted, private, owner-enforced and TLS-only like
//! Druid's.

use plinth_cfn::{Expr, Policy, Resource, Template};
use plinth_spec::Platform;
use plinth_spec::model::{SPARK_NAMESPACE, SPARK_SERVICE_ACCOUNT};
use serde_json::json;

use crate::builder::{Builder, Role, att, r};
use crate::iam;

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
    out
}

/// Whether the platform has a data-processing workload with AWS resources.
pub fn needed(p: &Platform) -> bool {
    p.spark.is_some()
}

/// The data stack's template: Druid's, extended with the workloads' bucket and roles.
pub fn data_template(p: &Platform, druid: Option<Template>) -> Option<Template> {
    if !needed(p) {
        return druid;
    }
    let mut b = match druid {
        Some(mut t) => {
            t.description
                .push_str("; the data bucket and roles of the data-processing workloads");
            Builder::extend(p, t)
        }
        None => Builder::new(
            p,
            format!(
                "plinth {}: data bucket and roles of the data-processing workloads",
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
