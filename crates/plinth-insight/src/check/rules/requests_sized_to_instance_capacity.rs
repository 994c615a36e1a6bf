//! PLN305: pod requests equal an instance size's capacity, so they need the next size up.

use serde_json::Value;

use crate::check::context::{cpu_millis, memory_mib, strings};
use crate::check::instances::{shape, sizes};
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// For each workload that Karpenter places on a NodePool, sums the CPU and memory
    /// requests of its pod and compares them with the instance families the pool allows.
    /// It flags a pod whose requests fit the raw size of an instance (say 2 vCPU and 8 GiB of
    /// an `m6i.large`) but not what the kubelet leaves allocatable on it after its
    /// reservations (about 1930m CPU and 7 GiB there).
    ///
    /// ## Why is this bad?
    /// Such a pod can never be placed on the size it was sized for: Karpenter launches the
    /// next size up, twice the price, and roughly half of every such node stays idle.
    /// Trimming the request by the reservation (a few percent) halves the node.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests: {cpu: "2", memory: 4Gi}   # on m6i: needs m6i.xlarge
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 1800m, memory: 4Gi}  # fits m6i.large
    /// ```
    pub struct RequestsSizedToInstanceCapacity {
        code: "PLN305",
        category: Cost,
        severity: Medium,
        summary: "pod requests equal an instance's capacity and need the next size up",
    }
}

impl Rule for RequestsSizedToInstanceCapacity {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for o in cx.workloads() {
            let Some(pool_name) = o
                .pod_spec()
                .and_then(|s| s.pointer("/nodeSelector/karpenter.sh~1nodepool"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let Some(pool) = cx.objects_of("NodePool").find(|p| p.name() == pool_name) else {
                continue;
            };
            let families = pool
                .value
                .pointer("/spec/template/spec/requirements")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|r| r["key"] == "karpenter.k8s.aws/instance-family")
                .map(|r| strings(r.get("values")))
                .unwrap_or_default();
            let (cpu, memory) = o
                .pod_spec()
                .and_then(|s| s["containers"].as_array())
                .into_iter()
                .flatten()
                .fold((0, 0), |(c, m), k| {
                    let r = &k["resources"]["requests"];
                    (
                        c + r.get("cpu").and_then(cpu_millis).unwrap_or(0),
                        m + r.get("memory").and_then(memory_mib).unwrap_or(0),
                    )
                });
            if cpu == 0 && memory == 0 {
                continue;
            }
            for family in families {
                let Some((name, alloc_cpu, alloc_mem)) = sized_to_capacity(family, cpu, memory)
                else {
                    continue;
                };
                out.push(
                    Self::finding(
                        cx.origin_of_object(&o),
                        format!(
                            "{} requests {cpu}m CPU and {memory} MiB: the raw size of {name}, which allocates only {alloc_cpu}m and {alloc_mem} MiB to pods, so each pod needs the next size up",
                            o.target_name()
                        ),
                    )
                    .target(o.file.path.clone(), o.target_name())
                    .help(format!("request at most {alloc_cpu}m CPU and {alloc_mem} MiB (less the node's DaemonSets) to fit {name}")),
                );
                break;
            }
        }
    }
}

/// The size of `family` whose raw capacity holds the requests while its allocatable does not,
/// with that allocatable.
fn sized_to_capacity(family: &str, cpu: u64, memory: u64) -> Option<(String, u64, u64)> {
    sizes().find_map(|size| {
        let name = format!("{family}.{size}");
        let s = shape(&name)?;
        let (alloc_cpu, alloc_mem) = (
            u64::from(s.allocatable_cpu_millis()),
            u64::from(s.allocatable_memory_mib()),
        );
        let fits_raw = cpu <= u64::from(s.vcpus) * 1000 && memory <= u64::from(s.memory_mib);
        let fits_alloc = cpu <= alloc_cpu && memory <= alloc_mem;
        (fits_raw && !fits_alloc).then_some((name, alloc_cpu, alloc_mem))
    })
}
