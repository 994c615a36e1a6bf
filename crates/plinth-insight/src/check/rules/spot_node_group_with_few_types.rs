//! PLN210: a spot node group offers too few instance types.

use plinth_spec::model::{CapacityType, StackKind};

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

/// Instance types below which a spot group is poorly diversified.
const MIN_TYPES: usize = 3;

declare_rule! {
    /// ## What it does
    /// Flags spot node groups with fewer than three instance types.
    ///
    /// ## Why is this bad?
    /// Spot capacity is per instance type and zone. A group that accepts one or two types
    /// cannot fall back when those pools are reclaimed or empty, so it shrinks below
    /// `minSize` and stays there. AWS recommends diversifying over many types of the same
    /// size.
    ///
    /// ## Example
    /// ```yaml
    /// - {name: batch, capacityType: spot, instanceTypes: [m6i.large]}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// - {name: batch, capacityType: spot, instanceTypes: [m6i.large, m7i.large, m6a.large, m5.large]}
    /// ```
    pub struct SpotNodeGroupWithFewTypes {
        code: "PLN210",
        category: Reliability,
        severity: Medium,
        summary: "a spot node group offers too few instance types",
    }
}

impl Rule for SpotNodeGroupWithFewTypes {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for (i, g) in cx.platform.cluster.node_groups.iter().enumerate() {
            if g.capacity_type == CapacityType::Spot && g.instance_types.len() < MIN_TYPES {
                out.push(
                    Self::finding(
                        format!("/cluster/nodeGroups/{i}/instanceTypes"),
                        format!(
                            "spot node group `{}` accepts only {} instance type(s)",
                            g.name,
                            g.instance_types.len()
                        ),
                    )
                    .target(
                        cx.template_path(StackKind::Cluster),
                        format!("Nodegroup{}", plinth_cfn::pascal(&g.name)),
                    )
                    .help(format!(
                        "list at least {MIN_TYPES} types of the same size and architecture"
                    )),
                );
            }
        }
    }
}
