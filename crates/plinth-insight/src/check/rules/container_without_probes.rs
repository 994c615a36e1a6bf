//! PLN215: a long-running container has no readiness or liveness probe.

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags containers of Deployments, StatefulSets and DaemonSets without a
    /// `readinessProbe` or without a `livenessProbe`.
    ///
    /// ## Why is this bad?
    /// Without readiness, a Service sends traffic to a pod that is still loading segments
    /// and rollouts proceed before the new pod works; without liveness, a wedged JVM keeps
    /// its place forever. Budgets and rolling updates rely on both.
    ///
    /// ## Example
    /// plinth probes every Druid process on `/status/health`; this fires when a workload lost
    /// its probes.
    pub struct ContainerWithoutProbes {
        code: "PLN215",
        category: Reliability,
        severity: Medium,
        summary: "a container has no readiness or liveness probe",
    }
}

impl Rule for ContainerWithoutProbes {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for o in cx
            .workloads()
            .filter(|o| matches!(o.kind(), "Deployment" | "StatefulSet" | "DaemonSet"))
        {
            let spec = o.pod_spec();
            for c in spec
                .and_then(|s| s["containers"].as_array())
                .into_iter()
                .flatten()
            {
                let missing: Vec<&str> = ["readinessProbe", "livenessProbe"]
                    .into_iter()
                    .filter(|p| c.get(*p).is_none())
                    .collect();
                if !missing.is_empty() {
                    out.push(
                        Self::finding(
                            cx.origin_of_object(&o),
                            format!(
                                "{} container `{}` has no {}",
                                o.target_name(),
                                c["name"].as_str().unwrap_or("?"),
                                missing.join(" or ")
                            ),
                        )
                        .target(o.file.path.clone(), o.target_name())
                        .help("probe the process's health endpoint"),
                    );
                }
            }
        }
    }
}
