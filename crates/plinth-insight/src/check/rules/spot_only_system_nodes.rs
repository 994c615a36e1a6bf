//! PLN209: every managed node is a spot instance.

use plinth_spec::model::{CapacityType, StackKind};

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags clusters whose managed node groups all use `capacityType: spot`.
    ///
    /// ## Why is this bad?
    /// Spot capacity is reclaimed with two minutes' notice, often for a whole instance family
    /// in a zone at once. The managed node groups run the Karpenter controller and CoreDNS:
    /// losing them together stops DNS and node provisioning exactly when replacement nodes
    /// are needed. Keep at least one on-demand group for system pods and use spot through
    /// Karpenter pools.
    ///
    /// ## Example
    /// ```yaml
    /// nodeGroups:
    ///   - {name: core, capacityType: spot, ...}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// nodeGroups:
    ///   - {name: core, capacityType: on-demand, ...}
    /// ```
    pub struct SpotOnlySystemNodes {
        code: "PLN209",
        category: Reliability,
        severity: High,
        summary: "every managed node is spot capacity",
    }
}

impl Rule for SpotOnlySystemNodes {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let groups = &cx.platform.cluster.node_groups;
        if groups.is_empty()
            || groups
                .iter()
                .any(|g| g.capacity_type == CapacityType::OnDemand)
        {
            return;
        }
        out.push(
            Self::finding(
                "/cluster/nodeGroups/0/capacityType",
                "every managed node group is spot: one reclaim can take Karpenter and CoreDNS down together",
            )
            .target(cx.template_path(StackKind::Cluster), format!("Nodegroup{}", plinth_cfn::pascal(&groups[0].name)))
            .help("make the system node group `on-demand`; let Karpenter pools use spot"),
        );
    }
}
