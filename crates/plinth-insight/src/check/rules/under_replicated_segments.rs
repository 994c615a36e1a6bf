//! PLN205: fewer historicals than Druid's default segment replication.

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

/// Replicas of each segment Druid's default load rule asks for (`loadForever` with
/// `_default_tier: 2`, <https://druid.apache.org/docs/latest/operations/rule-configuration>).
const DEFAULT_REPLICANTS: u32 = 2;

declare_rule! {
    /// ## What it does
    /// Flags Druid platforms with fewer historical replicas than the two copies of every
    /// segment that Druid's default load rule requests.
    ///
    /// ## Why is this bad?
    /// A historical loads at most one copy of a segment, so with one historical every segment
    /// stays under-replicated: the coordinator keeps reporting it, and while that historical
    /// restarts or reloads its cache from S3, queries over historical data return partial
    /// results or fail.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   historical: {replicas: 1}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// components:
    ///   historical: {replicas: 2}
    /// ```
    pub struct UnderReplicatedSegments {
        code: "PLN205",
        category: Reliability,
        severity: Medium,
        summary: "too few historicals to hold Druid's default segment replicas",
    }
}

impl Rule for UnderReplicatedSegments {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(d) = &cx.platform.druid else {
            return;
        };
        let historicals = d.replicas.get("historical").copied().unwrap_or(1);
        if historicals >= DEFAULT_REPLICANTS {
            return;
        }
        let mut f = Self::finding(
            "/workloads/druid/components/historical/replicas",
            format!("{historicals} historical for Druid's default of {DEFAULT_REPLICANTS} replicas per segment: every segment stays under-replicated"),
        )
        .help(format!("run at least {DEFAULT_REPLICANTS} historicals"));
        if let Some(o) = cx
            .objects_of("StatefulSet")
            .find(|o| o.value["metadata"]["labels"]["app.kubernetes.io/component"] == "historical")
        {
            f = f.target(o.file.path.clone(), o.target_name());
        }
        out.push(f);
    }
}
