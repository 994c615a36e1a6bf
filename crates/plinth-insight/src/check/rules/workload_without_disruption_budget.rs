//! PLN206: a Deployment or StatefulSet has no PodDisruptionBudget.

use crate::check::context::selects;
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags Deployments and StatefulSets in the Kubernetes output that no
    /// PodDisruptionBudget in their namespace selects.
    ///
    /// ## Why is this bad?
    /// Karpenter consolidates and expires nodes, and node group upgrades drain them. Without
    /// a budget, a drain may evict every replica at once; with one, evictions wait until the
    /// remaining replicas are ready.
    ///
    /// ## Example
    /// plinth writes a budget for every Druid component; this fires when a workload lost it.
    pub struct WorkloadWithoutDisruptionBudget {
        code: "PLN206",
        category: Reliability,
        severity: Medium,
        summary: "a workload has no PodDisruptionBudget",
    }
}

impl Rule for WorkloadWithoutDisruptionBudget {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for o in cx
            .workloads()
            .filter(|o| matches!(o.kind(), "Deployment" | "StatefulSet"))
        {
            let Some(labels) = o.pod_labels() else {
                continue;
            };
            let covered = cx.objects_of("PodDisruptionBudget").any(|pdb| {
                pdb.namespace() == o.namespace()
                    && pdb
                        .value
                        .pointer("/spec/selector/matchLabels")
                        .and_then(serde_json::Value::as_object)
                        .is_some_and(|sel| !sel.is_empty() && selects(sel, labels))
            });
            if !covered {
                out.push(
                    Self::finding(
                        cx.origin_of_object(&o),
                        format!("{} has no PodDisruptionBudget", o.target_name()),
                    )
                    .target(o.file.path.clone(), o.target_name())
                    .help("add a PodDisruptionBudget with `maxUnavailable: 1` selecting its pods"),
                );
            }
        }
    }
}
