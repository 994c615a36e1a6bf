//! PLN208: the managed node groups cannot hold the Karpenter controller.

use plinth_spec::model::{StackKind, TaintEffect};
use serde_json::Value;

use crate::check::context::{cpu_millis, memory_mib};
use crate::check::instances::shape;
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

/// Karpenter's chart runs two controller replicas unless its values say otherwise.
const DEFAULT_REPLICAS: u64 = 2;

declare_rule! {
    /// ## What it does
    /// Compares what the Karpenter controller needs — its replicas, each on its own node by
    /// the chart's pod anti-affinity, and each replica's CPU and memory requests from the
    /// synthesized Helm values — with the managed node groups it can run on: their
    /// `maxSize` and the allocatable capacity of their smallest instance type. Groups with a
    /// `NoSchedule` or `NoExecute` taint other than `CriticalAddonsOnly` do not count.
    ///
    /// ## Why is this bad?
    /// Karpenter cannot provision the node it runs on, so it must fit on the managed node
    /// groups. If it cannot, a replica stays Pending and, with none running, nothing scales:
    /// Druid's pools never get nodes.
    ///
    /// ## Example
    /// ```yaml
    /// nodeGroups:
    ///   - {name: core, instanceTypes: [t3.small], minSize: 1, desiredSize: 1, maxSize: 1}
    /// karpenter: {version: 1.8.2}
    /// ```
    ///
    /// Use instead: at least two nodes with room for a replica each, e.g. `t3.medium` with
    /// `maxSize: 3`.
    pub struct NodeGroupTooSmallForKarpenter {
        code: "PLN208",
        category: Reliability,
        severity: High,
        summary: "the managed node groups cannot hold the Karpenter controller",
    }
}

impl Rule for NodeGroupTooSmallForKarpenter {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.platform.cluster.karpenter.is_none() {
            return;
        }
        let Some((_, values)) = cx.values("karpenter") else {
            return;
        };
        let replicas = values
            .get("replicas")
            .and_then(Value::as_u64)
            .unwrap_or(DEFAULT_REPLICAS);
        let requests = values.pointer("/controller/resources/requests");
        let cpu = requests
            .and_then(|r| r.get("cpu"))
            .and_then(cpu_millis)
            .unwrap_or(0);
        let memory = requests
            .and_then(|r| r.get("memory"))
            .and_then(memory_mib)
            .unwrap_or(0);
        let mut nodes = 0u64;
        for g in &cx.platform.cluster.node_groups {
            let blocked = g.taints.iter().any(|t| {
                t.effect != TaintEffect::PreferNoSchedule && t.key != "CriticalAddonsOnly"
            });
            let fits = g.instance_types.iter().filter_map(|t| shape(t)).all(|s| {
                u64::from(s.allocatable_cpu_millis()) >= cpu
                    && u64::from(s.allocatable_memory_mib()) >= memory
            });
            if !blocked && fits {
                nodes += u64::from(g.max_size);
            }
        }
        if nodes >= replicas {
            return;
        }
        let (pointer, target) = match cx.platform.cluster.node_groups.first() {
            Some(g) => (
                "/cluster/nodeGroups/0/maxSize",
                format!("Nodegroup{}", plinth_cfn::pascal(&g.name)),
            ),
            None => ("/cluster/nodeGroups", "Cluster".to_owned()),
        };
        out.push(
            Self::finding(
                pointer,
                format!(
                    "Karpenter runs {replicas} controller replicas of {cpu}m CPU and {memory} MiB, each on its own node, but the managed node groups offer room for {nodes}"
                ),
            )
            .target(cx.template_path(StackKind::Cluster), target)
            .help(format!("let the node groups reach at least {replicas} untainted nodes that fit a replica")),
        );
    }
}
