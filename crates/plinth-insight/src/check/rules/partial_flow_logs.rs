//! PLN104: flow logs record only accepted or only rejected traffic.

use plinth_spec::model::{FlowLogTraffic, StackKind};

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `network.flowLogs.traffic` set to `accept` or `reject` instead of `all`.
    ///
    /// ## Why is this bad?
    /// Rejected-only logs show probing but not what got through; accepted-only logs show
    /// connections but not the attempts a security group stopped. An investigation usually
    /// needs both sides.
    ///
    /// ## Example
    /// ```yaml
    /// network:
    ///   flowLogs: {traffic: reject}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// network:
    ///   flowLogs: {traffic: all}
    /// ```
    pub struct PartialFlowLogs {
        code: "PLN104",
        category: Security,
        severity: Low,
        summary: "flow logs record only part of the traffic",
    }
}

impl Rule for PartialFlowLogs {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(f) = &cx.platform.network.flow_logs else {
            return;
        };
        let only = match f.traffic {
            FlowLogTraffic::All => return,
            FlowLogTraffic::Accept => "accepted",
            FlowLogTraffic::Reject => "rejected",
        };
        out.push(
            Self::finding(
                "/network/flowLogs/traffic",
                format!("flow logs record only {only} traffic"),
            )
            .target(cx.template_path(StackKind::Network), "FlowLog")
            .help("set `traffic: all`"),
        );
    }
}
