//! PLN114: a pod runs privileged, can escalate privileges, or shares the node's namespaces.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

/// Capabilities that amount to control of the node.
const DANGEROUS_CAPABILITIES: &[&str] =
    &["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE"];

declare_rule! {
    /// ## What it does
    /// Flags pods in the Kubernetes output that run a container `privileged`, do not set
    /// `allowPrivilegeEscalation: false`, add node-level capabilities (`SYS_ADMIN`,
    /// `NET_ADMIN`, …), or use `hostNetwork`, `hostPID` or `hostIPC`.
    ///
    /// ## Why is this bad?
    /// Each of these lets a compromised container reach the node: its processes, its network,
    /// its kubelet credentials and the IAM role of the instance. The `restricted` Pod
    /// Security Standard forbids all of them.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   allowPrivilegeEscalation: false
    ///   capabilities: {drop: [ALL]}
    /// ```
    pub struct PrivilegedContainer {
        code: "PLN114",
        category: Security,
        severity: High,
        summary: "a pod runs privileged or can reach the node",
    }
}

impl Rule for PrivilegedContainer {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for o in cx.workloads() {
            let mut problems = Vec::new();
            let spec = o.pod_spec().unwrap_or(&Value::Null);
            for host in ["hostNetwork", "hostPID", "hostIPC"] {
                if spec.get(host) == Some(&Value::Bool(true)) {
                    problems.push(format!("uses {host}"));
                }
            }
            for c in o.containers() {
                let name = c["name"].as_str().unwrap_or("?");
                let sc = &c["securityContext"];
                if sc["privileged"] == Value::Bool(true) {
                    problems.push(format!("runs container `{name}` privileged"));
                }
                if sc["allowPrivilegeEscalation"] != Value::Bool(false) {
                    problems.push(format!("lets container `{name}` escalate privileges"));
                }
                let added = crate::check::context::strings(sc.pointer("/capabilities/add"));
                let dangerous: Vec<&str> = added
                    .into_iter()
                    .filter(|c| DANGEROUS_CAPABILITIES.contains(c))
                    .collect();
                if !dangerous.is_empty() {
                    problems.push(format!(
                        "adds {} to container `{name}`",
                        dangerous.join(", ")
                    ));
                }
            }
            if !problems.is_empty() {
                out.push(
                    Self::finding(
                        cx.origin_of_object(&o),
                        format!("{} {}", o.target_name(), problems.join("; ")),
                    )
                    .target(o.file.path.clone(), o.target_name())
                    .help("drop all capabilities, set `allowPrivilegeEscalation: false`, and keep off the host's namespaces"),
                );
            }
        }
    }
}
