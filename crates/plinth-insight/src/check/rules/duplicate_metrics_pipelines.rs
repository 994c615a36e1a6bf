//! PLN306: two metrics pipelines collect the same cluster metrics.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags platforms with both `observability.containerInsights` and
    /// `observability.grafanaCloud`.
    ///
    /// ## Why is this bad?
    /// Both collect node, pod and container metrics and logs from every node. Container
    /// Insights bills per observation and per GB of logs ingested into CloudWatch, Grafana
    /// Cloud per active series and GB: the same data is paid for twice, and two agent
    /// DaemonSets take room on every node.
    ///
    /// ## Example
    /// ```yaml
    /// observability:
    ///   containerInsights: true
    ///   grafanaCloud: {...}
    /// ```
    ///
    /// Use instead: keep the one your team looks at.
    pub struct DuplicateMetricsPipelines {
        code: "PLN306",
        category: Cost,
        severity: Low,
        summary: "two pipelines collect the same cluster metrics",
    }
}

impl Rule for DuplicateMetricsPipelines {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let o = &cx.platform.observability;
        if o.container_insights && o.grafana_cloud.is_some() {
            out.push(
                Self::finding("/observability/containerInsights", "Container Insights and Grafana Cloud both collect the cluster's metrics and logs")
                    .target(cx.template_path(StackKind::Cluster), "AddonAmazonCloudwatchObservability")
                    .help("keep one pipeline: drop `containerInsights` or `grafanaCloud`"),
            );
        }
    }
}
