//! PLN118: a namespace running plinth's workloads does not enforce a Pod Security Standard.

use std::collections::BTreeSet;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags namespaces created by the Kubernetes output whose
    /// `pod-security.kubernetes.io/enforce` label is missing, and namespaces where the output
    /// runs pods whose level is `privileged`.
    ///
    /// ## Why is this bad?
    /// Pod Security admission is the cluster's last check on what a pod may ask for. Without
    /// an enforced level, anyone who may create a pod there may create a privileged one that
    /// owns the node. Namespaces for node agents (CSI drivers, log collectors) legitimately
    /// need `privileged`; namespaces for applications do not.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   labels: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   labels: {pod-security.kubernetes.io/enforce: restricted}
    /// ```
    pub struct PodSecurityNotEnforced {
        code: "PLN118",
        category: Security,
        severity: Medium,
        summary: "a namespace does not enforce a Pod Security Standard",
    }
}

impl Rule for PodSecurityNotEnforced {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let with_pods: BTreeSet<&str> = cx.workloads().map(|o| o.namespace()).collect();
        for ns in cx.objects_of("Namespace") {
            let level =
                ns.value["metadata"]["labels"]["pod-security.kubernetes.io/enforce"].as_str();
            let message = match level {
                None => format!(
                    "namespace `{}` enforces no Pod Security Standard",
                    ns.name()
                ),
                Some("privileged") if with_pods.contains(ns.name()) => {
                    format!(
                        "namespace `{}` runs plinth's pods at the `privileged` level",
                        ns.name()
                    )
                }
                Some(_) => continue,
            };
            out.push(
                Self::finding(cx.origin_of_object(&ns), message)
                    .target(ns.file.path.clone(), ns.target_name())
                    .help(
                        "label it `pod-security.kubernetes.io/enforce: restricted` (or `baseline`)",
                    ),
            );
        }
    }
}
