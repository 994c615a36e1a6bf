//! PLN204: the query path has a single router or broker.

use crate::check::{Context, Finding, Rule, RuleInfo, Severity, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags Druid routers and brokers with one replica.
    ///
    /// ## Why is this bad?
    /// Every query passes through a router and a broker. With one of either, each rollout,
    /// node consolidation by Karpenter, spot interruption or crash is a query outage; the
    /// PodDisruptionBudget cannot protect a single pod. Coordinators and overlords elect a
    /// leader and tolerate short gaps, so they are not flagged.
    ///
    /// ## Example
    /// ```yaml
    /// components:
    ///   broker: {replicas: 1}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// components:
    ///   broker: {replicas: 2}
    /// ```
    pub struct SingleReplicaQueryPath {
        code: "PLN204",
        category: Reliability,
        severity: Medium,
        summary: "a query-path component has a single replica",
    }
}

impl Rule for SingleReplicaQueryPath {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(d) = &cx.platform.druid else {
            return;
        };
        let severity = if cx.is_production() {
            Severity::High
        } else {
            Severity::Medium
        };
        for component in ["router", "broker"] {
            if d.replicas.get(component).copied().unwrap_or(1) > 1 {
                continue;
            }
            let mut f = Self::finding(
                format!("/workloads/druid/components/{component}/replicas"),
                format!("one {component}: every restart or node replacement interrupts queries"),
            )
            .severity(severity)
            .help("run at least 2 replicas; they spread over zones and nodes");
            if let Some(o) = cx
                .objects_of("Deployment")
                .find(|o| o.value["metadata"]["labels"]["app.kubernetes.io/component"] == component)
            {
                f = f.target(o.file.path.clone(), o.target_name());
            }
            out.push(f);
        }
    }
}
