//! PLN112: an S3 bucket does not block public access.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags S3 buckets whose `PublicAccessBlockConfiguration` does not set all four of
    /// `BlockPublicAcls`, `BlockPublicPolicy`, `IgnorePublicAcls` and
    /// `RestrictPublicBuckets`.
    ///
    /// ## Why is this bad?
    /// Druid's deep storage holds every segment ever ingested. Without the block, a single
    /// bucket policy or ACL granting `*` publishes it; the block makes S3 refuse such grants
    /// whatever a later change says.
    ///
    /// ## Example
    /// plinth blocks public access on every bucket; this fires only on a regressed or edited
    /// output.
    pub struct PublicBucket {
        code: "PLN112",
        category: Security,
        severity: Critical,
        summary: "an S3 bucket does not block public access",
    }
}

impl Rule for PublicBucket {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        const FLAGS: [&str; 4] = [
            "BlockPublicAcls",
            "BlockPublicPolicy",
            "IgnorePublicAcls",
            "RestrictPublicBuckets",
        ];
        for r in cx.resources_of("AWS::S3::Bucket") {
            let missing: Vec<&str> = FLAGS
                .into_iter()
                .filter(|f| {
                    r.prop(&format!("/PublicAccessBlockConfiguration/{f}"))
                        != Some(&Value::Bool(true))
                })
                .collect();
            if !missing.is_empty() {
                out.push(
                    Self::finding(
                        cx.origin_of_resource(&r),
                        format!("{} does not set {}", r.id, missing.join(", ")),
                    )
                    .target(r.file(), r.id)
                    .help("set all four public access block flags to true"),
                );
            }
        }
    }
}
