//! PLN302: a NodePool forbids spot although its workload tolerates interruption.

use serde_json::Value;

use crate::check::context::strings;
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags Karpenter NodePools that allow only on-demand capacity while every workload
    /// scheduled onto them runs at least two replicas under a PodDisruptionBudget.
    ///
    /// ## Why is this bad?
    /// Spot capacity costs up to 90% less than on-demand. A workload with several replicas
    /// and a disruption budget survives the two-minute reclaim of one node: Karpenter drains
    /// it and replaces the capacity. Single-replica leaders (like Druid's overlord) are rightly
    /// kept on on-demand and are not flagged.
    ///
    /// ## Example
    /// A `druid-overlord` pool (on-demand only) once `overlord: {replicas: 2}`.
    ///
    /// Use instead: allow `spot` beside `on-demand` in the pool's
    /// `karpenter.sh/capacity-type` requirement.
    pub struct OnDemandOnlyNodePool {
        code: "PLN302",
        category: Cost,
        severity: Low,
        summary: "a NodePool forbids spot for an interruption-tolerant workload",
    }
}

impl Rule for OnDemandOnlyNodePool {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for pool in cx.objects_of("NodePool") {
            let capacity = pool
                .value
                .pointer("/spec/template/spec/requirements")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|r| r["key"] == "karpenter.sh/capacity-type")
                .map(|r| strings(r.get("values")));
            if capacity.is_none_or(|c| c.contains(&"spot")) {
                continue;
            }
            let workloads: Vec<_> = cx
                .workloads()
                .filter(|o| {
                    o.pod_spec()
                        .and_then(|s| s.pointer("/nodeSelector/karpenter.sh~1nodepool"))
                        .and_then(Value::as_str)
                        == Some(pool.name())
                })
                .collect();
            let tolerant = !workloads.is_empty()
                && workloads.iter().all(|o| {
                    o.value
                        .pointer("/spec/replicas")
                        .and_then(Value::as_u64)
                        .unwrap_or(1)
                        >= 2
                });
            if tolerant {
                let origin = workloads
                    .first()
                    .map_or_else(|| cx.origin_of_object(&pool), |o| cx.origin_of_object(o));
                out.push(
                    Self::finding(origin, format!("NodePool `{}` allows only on-demand capacity for replicated workloads", pool.name()))
                        .target(pool.file.path.clone(), pool.target_name())
                        .help("allow spot alongside on-demand; replicas and the disruption budget absorb reclaims"),
                );
            }
        }
    }
}
