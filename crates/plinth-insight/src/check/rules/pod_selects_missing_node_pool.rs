//! PLN217: pods select a Karpenter NodePool that the output does not define.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags workloads whose `nodeSelector` asks for `karpenter.sh/nodepool: NAME` when no
    /// NodePool of that name is in the Kubernetes output (for instance because
    /// `cluster.karpenter` is missing).
    ///
    /// ## Why is this bad?
    /// No node will ever carry that label, so the pods stay Pending forever and the
    /// deployment never becomes ready; nothing in Kubernetes reports it as an error.
    ///
    /// ## Example
    /// ```yaml
    /// cluster:
    ///   # no karpenter section
    /// workloads:
    ///   druid: {...}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// cluster:
    ///   karpenter: {version: 1.8.2}
    /// ```
    pub struct PodSelectsMissingNodePool {
        code: "PLN217",
        category: Reliability,
        severity: High,
        summary: "pods select a NodePool that does not exist",
    }
}

impl Rule for PodSelectsMissingNodePool {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let pools: BTreeSet<&str> = cx.objects_of("NodePool").map(|p| p.name()).collect();
        for o in cx.workloads() {
            let wanted = o
                .pod_spec()
                .and_then(|s| s.pointer("/nodeSelector/karpenter.sh~1nodepool"))
                .and_then(Value::as_str);
            if let Some(pool) = wanted.filter(|p| !pools.contains(p)) {
                let pointer = if cx.platform.cluster.karpenter.is_none() {
                    "/cluster".to_owned()
                } else {
                    cx.origin_of_object(&o)
                };
                out.push(
                    Self::finding(
                        pointer,
                        format!(
                            "{} selects NodePool `{pool}`, which the output does not define",
                            o.target_name()
                        ),
                    )
                    .target(o.file.path.clone(), o.target_name())
                    .help("enable `cluster.karpenter` so plinth writes the pool"),
                );
            }
        }
    }
}
