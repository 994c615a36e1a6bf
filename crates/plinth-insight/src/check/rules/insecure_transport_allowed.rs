//! PLN113: a data store accepts connections without TLS.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags S3 buckets without a bucket policy that denies requests where
    /// `aws:SecureTransport` is false, SQS queues without such a queue policy, and Aurora
    /// PostgreSQL clusters whose parameter group does not set `rds.force_ssl` to 1.
    ///
    /// ## Why is this bad?
    /// A client misconfigured to plain HTTP or to `sslmode=disable` sends credentials and data
    /// in clear text across the VPC and beyond. Denying insecure transport at the store makes
    /// such a client fail loudly instead.
    ///
    /// ## Example
    /// plinth writes TLS-only policies and parameter groups; this fires only on a regressed or
    /// edited output.
    pub struct InsecureTransportAllowed {
        code: "PLN113",
        category: Security,
        severity: Medium,
        summary: "a data store accepts connections without TLS",
    }
}

impl Rule for InsecureTransportAllowed {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let denies_insecure = |policy_kind: &str, target_key: &str, id: &str| {
            cx.resources()
                .filter(|p| p.resource.kind == policy_kind)
                .any(|p| {
                    let refers = serde_json::to_string(p.prop(target_key).unwrap_or(&Value::Null))
                        .is_ok_and(|s| s.contains(&format!("\"{id}\"")));
                    let denies =
                        serde_json::to_string(p.prop("/PolicyDocument").unwrap_or(&Value::Null))
                            .is_ok_and(|s| {
                                s.contains("\"Deny\"") && s.contains("aws:SecureTransport")
                            });
                    refers && denies
                })
        };
        for r in cx.resources() {
            let what = match r.resource.kind {
                "AWS::S3::Bucket" if !denies_insecure("AWS::S3::BucketPolicy", "/Bucket", r.id) => {
                    "the bucket accepts requests without TLS"
                }
                "AWS::SQS::Queue" if !denies_insecure("AWS::SQS::QueuePolicy", "/Queues", r.id) => {
                    "the queue accepts requests without TLS"
                }
                "AWS::RDS::DBClusterParameterGroup"
                    if r.prop("/Family")
                        .and_then(Value::as_str)
                        .is_some_and(|f| f.starts_with("aurora-postgresql"))
                        && r.prop("/Parameters/rds.force_ssl").and_then(Value::as_str)
                            != Some("1") =>
                {
                    "the database parameter group does not force TLS (`rds.force_ssl`)"
                }
                _ => continue,
            };
            out.push(
                Self::finding(cx.origin_of_resource(&r), what)
                    .target(r.file(), r.id)
                    .help("deny `aws:SecureTransport: false` in the resource policy, or set `rds.force_ssl: 1`"),
            );
        }
    }
}
