//! PLN402: an EKS addon is built for another Kubernetes version.

use plinth_spec::model::StackKind;

use crate::check::compat;
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `kube-proxy` pinned to a different minor than `cluster.version`, and `coredns`
    /// pinned to another line than the one EKS publishes for that version (from the table in
    /// `crates/plinth-insight/src/check/compat.rs`).
    ///
    /// ## Why is this bad?
    /// kube-proxy should match the control plane's minor: older ones are allowed within
    /// the skew policy but miss fixes for the Service and EndpointSlice behaviour of the
    /// cluster's version, and block the next upgrade. A CoreDNS line built for another version
    /// has not been validated by EKS for this one.
    ///
    /// ## Example
    /// ```yaml
    /// cluster:
    ///   version: "1.34"
    ///   addons: {kube-proxy: v1.33.3-eksbuild.6}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   addons: {kube-proxy: v1.34.0-eksbuild.4}
    /// ```
    pub struct AddonForOtherKubernetes {
        code: "PLN402",
        category: Compatibility,
        severity: Medium,
        summary: "an EKS addon is built for another Kubernetes version",
    }
}

impl Rule for AddonForOtherKubernetes {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let c = &cx.platform.cluster;
        let cluster_line = format!("v1.{}", c.version_minor);
        let file = cx.template_path(StackKind::Cluster);
        if let Some(v) = c.addons.get("kube-proxy") {
            let line = compat::line(v);
            if line != cluster_line {
                out.push(
                    Self::finding(
                        "/cluster/addons/kube-proxy",
                        format!(
                            "kube-proxy {v} is built for Kubernetes {}, the cluster runs {}",
                            line.trim_start_matches('v'),
                            c.version()
                        ),
                    )
                    .target(file.clone(), "AddonKubeProxy")
                    .help(format!("pin a {cluster_line}.x-eksbuild.N version")),
                );
            }
        }
        if let (Some(v), Some(expected)) =
            (c.addons.get("coredns"), compat::coredns(c.version_minor))
        {
            let line = compat::line(v);
            if line != expected {
                out.push(
                    Self::finding("/cluster/addons/coredns", format!("coredns {v} is not the {expected} line EKS publishes for Kubernetes {}", c.version()))
                        .target(file, "AddonCoredns")
                        .help(format!("pin a {expected}.x-eksbuild.N version")),
                );
            }
        }
    }
}
