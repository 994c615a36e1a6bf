//! PLN301: the cluster runs a Kubernetes version in extended support.

use plinth_spec::facts::{KUBERNETES_VERSIONS, Support};
use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `cluster.version` when the EKS release calendar has moved that Kubernetes minor
    /// to extended support.
    ///
    /// ## Why is this bad?
    /// EKS bills the control plane of a cluster in extended support at $0.60 per hour instead
    /// of $0.10: about $365 more per month per cluster
    /// (<https://aws.amazon.com/eks/pricing/>). Upgrading costs nothing but the work, and
    /// the version will be force-upgraded when extended support ends.
    ///
    /// ## Example
    /// ```yaml
    /// cluster:
    ///   version: "1.32"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// cluster:
    ///   version: "1.34"
    /// ```
    pub struct ExtendedSupportKubernetes {
        code: "PLN301",
        category: Cost,
        severity: High,
        summary: "the cluster pays the extended-support rate",
    }
}

impl Rule for ExtendedSupportKubernetes {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let c = &cx.platform.cluster;
        let Some((_, Support::Extended { until })) = KUBERNETES_VERSIONS
            .iter()
            .find(|(v, _)| *v == c.version_minor)
        else {
            return;
        };
        let newest = KUBERNETES_VERSIONS
            .iter()
            .filter(|(_, s)| matches!(s, Support::Standard { .. }))
            .map(|(v, _)| *v)
            .min();
        out.push(
            Self::finding(
                "/cluster/version",
                format!("Kubernetes {} is in extended support (until {until}): the control plane costs $0.60/hour instead of $0.10", c.version()),
            )
            .target(cx.template_path(StackKind::Cluster), "Cluster")
            .help(newest.map_or_else(|| "upgrade to a version in standard support".to_owned(), |v| format!("upgrade to 1.{v} or newer, one minor at a time"))),
        );
    }
}
