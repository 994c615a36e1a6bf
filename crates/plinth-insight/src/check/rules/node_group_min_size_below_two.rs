//! PLN207: the cluster's managed nodes can shrink to a single node.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags clusters whose managed node groups together may scale down to fewer than two
    /// nodes (the sum of `minSize` is below 2).
    ///
    /// ## Why is this bad?
    /// The managed node groups carry what Karpenter cannot place for itself: the Karpenter
    /// controller, CoreDNS and the addon controllers. On a single node, replacing or losing it
    /// takes down DNS and node provisioning at once, and the second Karpenter replica has
    /// nowhere to run.
    ///
    /// ## Example
    /// ```yaml
    /// nodeGroups:
    ///   - {name: core, minSize: 1, desiredSize: 1, maxSize: 3, ...}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// nodeGroups:
    ///   - {name: core, minSize: 2, desiredSize: 2, maxSize: 3, ...}
    /// ```
    pub struct NodeGroupMinSizeBelowTwo {
        code: "PLN207",
        category: Reliability,
        severity: Medium,
        summary: "the managed node groups can shrink to one node",
    }
}

impl Rule for NodeGroupMinSizeBelowTwo {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let groups = &cx.platform.cluster.node_groups;
        let total: u32 = groups.iter().map(|g| g.min_size).sum();
        if groups.is_empty() || total >= 2 {
            return;
        }
        let g = &groups[0];
        out.push(
            Self::finding(
                "/cluster/nodeGroups/0/minSize",
                format!("the managed node groups may shrink to {total} node(s); system controllers then share a single point of failure"),
            )
            .target(cx.template_path(StackKind::Cluster), format!("Nodegroup{}", plinth_cfn::pascal(&g.name)))
            .help("set `minSize: 2` (spread over two zones)"),
        );
    }
}
