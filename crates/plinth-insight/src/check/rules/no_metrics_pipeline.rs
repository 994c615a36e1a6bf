//! PLN214: nothing collects the platform's metrics.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags platforms with none of `observability.containerInsights`,
    /// `observability.grafanaCloud` and `observability.prometheus`.
    ///
    /// ## Why is this bad?
    /// Without a metrics pipeline there is no record of node pressure, pod restarts, Druid's
    /// query latency or ingestion lag, and no alert can fire. metrics-server only serves the
    /// current values for autoscaling; it keeps no history.
    ///
    /// ## Example
    /// ```yaml
    /// # no observability section
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// observability:
    ///   containerInsights: true
    /// ```
    pub struct NoMetricsPipeline {
        code: "PLN214",
        category: Reliability,
        severity: Low,
        summary: "nothing collects the platform's metrics",
    }
}

impl Rule for NoMetricsPipeline {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let o = &cx.platform.observability;
        if !o.container_insights && o.grafana_cloud.is_none() && o.prometheus.is_none() {
            out.push(
                Self::finding("/observability", "no metrics pipeline: none of Container Insights, Grafana Cloud and in-cluster Prometheus is configured")
                    .target(cx.template_path(StackKind::Cluster), "Cluster")
                    .help("enable `observability.containerInsights` (with its addon), or configure `observability.grafanaCloud` or `observability.prometheus`"),
            );
        }
    }
}
