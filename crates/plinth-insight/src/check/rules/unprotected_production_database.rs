//! PLN212: a production database can be deleted with its stack.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// In production environments, flags Aurora clusters without `DeletionProtection: true`
    /// or without a `Snapshot` (or `Retain`) deletion policy.
    ///
    /// ## Why is this bad?
    /// Druid's metadata database is the index of every segment in deep storage. Deleting the
    /// stack, or a change that replaces the cluster, would otherwise drop it with no final
    /// snapshot: the segments survive in S3 but Druid no longer knows they exist.
    ///
    /// ## Example
    /// plinth protects databases when the environment is production; this fires only on a
    /// regressed or edited output.
    pub struct UnprotectedProductionDatabase {
        code: "PLN212",
        category: Reliability,
        severity: High,
        summary: "a production database can be deleted with its stack",
    }
}

impl Rule for UnprotectedProductionDatabase {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !cx.is_production() {
            return;
        }
        for r in cx.resources_of("AWS::RDS::DBCluster") {
            let protected = r.prop("/DeletionProtection") == Some(&Value::Bool(true));
            let kept = matches!(
                r.resource.deletion_policy,
                Some(plinth_cfn::Policy::Snapshot | plinth_cfn::Policy::Retain)
            );
            if !(protected && kept) {
                out.push(
                    Self::finding(
                        cx.origin_of_resource(&r),
                        format!("{} lacks deletion protection or a final snapshot", r.id),
                    )
                    .target(r.file(), r.id)
                    .help("set `DeletionProtection: true` and `DeletionPolicy: Snapshot`"),
                );
            }
        }
    }
}
