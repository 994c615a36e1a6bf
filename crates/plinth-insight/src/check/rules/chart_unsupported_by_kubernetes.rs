//! PLN401: a chart release does not support the cluster's Kubernetes version.

use crate::check::compat;
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Looks up each addon chart's release line in plinth's compatibility table
    /// (`crates/plinth-insight/src/check/compat.rs`, with its sources) and flags a chart whose
    /// supported Kubernetes range does not include `cluster.version`. Releases missing from
    /// the table are not judged.
    ///
    /// ## Why is this bad?
    /// Controllers use Kubernetes APIs of their era: outside the supported range a chart may
    /// rely on removed API versions, fail its webhooks, or simply never have been tested
    /// there. The failure shows up after the upgrade, in certificate renewals or admissions.
    ///
    /// ## Example
    /// ```yaml
    /// cluster: {version: "1.34"}
    /// addons:
    ///   certManager: {version: v1.18.2}   # supports 1.29–1.33
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// addons:
    ///   certManager: {version: v1.19.1}   # supports 1.31–1.35
    /// ```
    pub struct ChartUnsupportedByKubernetes {
        code: "PLN401",
        category: Compatibility,
        severity: High,
        summary: "a chart release does not support the cluster's Kubernetes version",
    }
}

impl Rule for ChartUnsupportedByKubernetes {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let k = cx.platform.cluster.version_minor;
        let Some(version) = &cx.platform.addons.cert_manager else {
            return;
        };
        let Some(range) = compat::cert_manager(version) else {
            return;
        };
        if range.contains(k) {
            return;
        }
        let file = cx.values("cert-manager").map_or_else(
            || "kubernetes/20-addons/applications.yaml".to_owned(),
            |(p, _)| p.to_owned(),
        );
        out.push(
            Self::finding(
                "/addons/certManager/version",
                format!(
                    "cert-manager {version} supports Kubernetes 1.{}–1.{}, not 1.{k}",
                    range.min, range.max
                ),
            )
            .target(file, "cert-manager")
            .help("pick the cert-manager release that lists the cluster's version"),
        );
    }
}
