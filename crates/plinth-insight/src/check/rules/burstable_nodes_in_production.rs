//! PLN307: production nodes are burstable instances.

use plinth_spec::model::StackKind;

use crate::check::instances::shape;
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// In production, flags managed node groups with burstable (`t2`, `t3`, `t3a`, `t4g`)
    /// instance types.
    ///
    /// ## Why is this bad?
    /// Burstable instances earn CPU credits at a baseline of 20–40% of a vCPU. EKS launches
    /// them in unlimited mode, so sustained load is billed as surplus credits on top of the
    /// hourly price and costs more than a general-purpose instance; in standard mode they are
    /// throttled to the baseline instead, and controllers time out.
    ///
    /// ## Example
    /// ```yaml
    /// metadata: {environment: production}
    /// nodeGroups:
    ///   - {name: core, instanceTypes: [t3.large], ...}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// nodeGroups:
    ///   - {name: core, instanceTypes: [m7i.large, m6i.large], ...}
    /// ```
    pub struct BurstableNodesInProduction {
        code: "PLN307",
        category: Cost,
        severity: Medium,
        summary: "production nodes are burstable instances",
    }
}

impl Rule for BurstableNodesInProduction {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !cx.is_production() {
            return;
        }
        for (i, g) in cx.platform.cluster.node_groups.iter().enumerate() {
            let burstable: Vec<&str> = g
                .instance_types
                .iter()
                .filter(|t| shape(t).is_some_and(|s| s.burstable) || t.starts_with('t'))
                .map(String::as_str)
                .collect();
            if !burstable.is_empty() {
                out.push(
                    Self::finding(
                        format!("/cluster/nodeGroups/{i}/instanceTypes"),
                        format!(
                            "production node group `{}` uses burstable {}",
                            g.name,
                            burstable.join(", ")
                        ),
                    )
                    .target(
                        cx.template_path(StackKind::Cluster),
                        format!("Nodegroup{}", plinth_cfn::pascal(&g.name)),
                    )
                    .help("use general-purpose types (m6i, m7i, m7g) for steady load"),
                );
            }
        }
    }
}
