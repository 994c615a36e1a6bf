//! PLN216: a container requests no CPU or memory.

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers of pods in the Kubernetes output without CPU and memory requests, or
    /// without a memory limit.
    ///
    /// ## Why is this bad?
    /// Karpenter sizes nodes from requests: a pod that requests nothing gets no room, lands
    /// on a full node and is the first evicted under pressure. Without a memory limit, one
    /// leaking JVM takes the node's memory and the kernel kills its neighbours.
    ///
    /// ## Example
    /// plinth sizes every Druid container; this fires when a workload lost its resources.
    pub struct ContainerWithoutRequests {
        code: "PLN216",
        category: Reliability,
        severity: Medium,
        summary: "a container requests no CPU or memory",
    }
}

impl Rule for ContainerWithoutRequests {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for o in cx.workloads() {
            for c in o.containers() {
                let r = &c["resources"];
                let missing: Vec<&str> = [
                    ("/requests/cpu", "CPU request"),
                    ("/requests/memory", "memory request"),
                    ("/limits/memory", "memory limit"),
                ]
                .into_iter()
                .filter(|(p, _)| r.pointer(p).is_none())
                .map(|(_, what)| what)
                .collect();
                if !missing.is_empty() {
                    out.push(
                        Self::finding(
                            cx.origin_of_object(&o),
                            format!(
                                "{} container `{}` has no {}",
                                o.target_name(),
                                c["name"].as_str().unwrap_or("?"),
                                missing.join(", ")
                            ),
                        )
                        .target(o.file.path.clone(), o.target_name())
                        .help("set CPU and memory requests and a memory limit"),
                    );
                }
            }
        }
    }
}
