//! PLN115: a pod may run as root.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags pods whose containers are not forced to run as a non-root user: neither the pod
    /// nor the container sets `runAsNonRoot: true`, or one of them sets `runAsUser: 0`.
    ///
    /// ## Why is this bad?
    /// A process running as UID 0 owns every file the image ships and every volume it
    /// mounts, and a container escape lands as root on the node. Images that work as non-root
    /// should be made to, so a later image that switches to root fails to start instead of
    /// silently running as root.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext: {runAsNonRoot: true, runAsUser: 1000}
    /// ```
    pub struct ContainerRunsAsRoot {
        code: "PLN115",
        category: Security,
        severity: Medium,
        summary: "a pod may run as root",
    }
}

impl Rule for ContainerRunsAsRoot {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for o in cx.workloads() {
            let pod = o
                .pod_spec()
                .and_then(|s| s.get("securityContext"))
                .unwrap_or(&Value::Null);
            let pod_non_root = pod["runAsNonRoot"] == Value::Bool(true);
            let root: Vec<&str> = o
                .containers()
                .filter(|c| {
                    let sc = &c["securityContext"];
                    let non_root = match sc.get("runAsNonRoot") {
                        Some(v) => *v == Value::Bool(true),
                        None => pod_non_root,
                    };
                    let uid = sc.get("runAsUser").or_else(|| pod.get("runAsUser"));
                    !non_root || uid.and_then(Value::as_u64) == Some(0)
                })
                .map(|c| c["name"].as_str().unwrap_or("?"))
                .collect();
            if !root.is_empty() {
                out.push(
                    Self::finding(
                        cx.origin_of_object(&o),
                        format!(
                            "{} may run {} as root",
                            o.target_name(),
                            root.iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .target(o.file.path.clone(), o.target_name())
                    .help("set `runAsNonRoot: true` and a non-zero `runAsUser`"),
                );
            }
        }
    }
}
