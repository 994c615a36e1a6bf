//! PLN103: the VPC has no flow logs.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `network.flowLogs.enabled: false`.
    ///
    /// ## Why is this bad?
    /// Without flow logs there is no record of which addresses talked to the nodes, the
    /// database or Kafka. Investigating an incident, proving a security group works, or
    /// finding who exfiltrated data then has nothing to go on.
    ///
    /// ## Example
    /// ```yaml
    /// network:
    ///   flowLogs: {enabled: false}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// network:
    ///   flowLogs: {retentionDays: 30}
    /// ```
    pub struct FlowLogsDisabled {
        code: "PLN103",
        category: Security,
        severity: Medium,
        summary: "the VPC records no flow logs",
    }
}

impl Rule for FlowLogsDisabled {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.platform.network.flow_logs.is_none() {
            out.push(
                Self::finding("/network/flowLogs/enabled", "VPC flow logs are disabled")
                    .target(cx.template_path(StackKind::Network), "Vpc")
                    .help("remove `enabled: false`; plinth writes flow logs to a log group with retention"),
            );
        }
    }
}
