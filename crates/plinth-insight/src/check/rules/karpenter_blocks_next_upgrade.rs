//! PLN403: Karpenter's release does not support the next Kubernetes version.

use plinth_spec::facts::KUBERNETES_VERSIONS;

use crate::check::compat;
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a Karpenter chart whose newest supported Kubernetes minor (from Karpenter's
    /// compatibility matrix) is the cluster's own, when EKS already offers a newer minor.
    ///
    /// ## Why is this bad?
    /// The cluster cannot be upgraded before Karpenter is: Karpenter refuses to start on a
    /// version it does not support, and then nothing provisions nodes. Upgrading Karpenter
    /// first, as its own change, keeps the cluster upgrade a one-line change.
    ///
    /// ## Example
    /// ```yaml
    /// cluster:
    ///   version: "1.34"
    ///   karpenter: {version: 1.8.2}   # supports up to 1.34
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   karpenter: {version: 1.9.0}   # supports up to 1.35
    /// ```
    pub struct KarpenterBlocksNextUpgrade {
        code: "PLN403",
        category: Compatibility,
        severity: Low,
        summary: "Karpenter must be upgraded before the cluster can be",
    }
}

impl Rule for KarpenterBlocksNextUpgrade {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let c = &cx.platform.cluster;
        let Some(k) = &c.karpenter else {
            return;
        };
        let Some(max) = compat::karpenter_max(&k.version) else {
            return;
        };
        let next_offered = KUBERNETES_VERSIONS
            .iter()
            .any(|(v, _)| *v == c.version_minor + 1);
        if max > c.version_minor || !next_offered {
            return;
        }
        let file = cx.values("karpenter").map_or_else(
            || "kubernetes/20-addons/applications.yaml".to_owned(),
            |(p, _)| p.to_owned(),
        );
        out.push(
            Self::finding(
                "/cluster/karpenter/version",
                format!("Karpenter {} supports Kubernetes up to 1.{max}; upgrading the cluster to 1.{} needs a newer Karpenter first", k.version, c.version_minor + 1),
            )
            .target(file, "karpenter")
            .help("upgrade Karpenter to a release that supports the next minor before upgrading the cluster"),
        );
    }
}
