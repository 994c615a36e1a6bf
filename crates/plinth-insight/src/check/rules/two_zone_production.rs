//! PLN211: a production platform spans only two availability zones.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags production platforms with exactly two `network.availabilityZones`.
    ///
    /// ## Why is this bad?
    /// When one of two zones fails, half the nodes go with it and every remaining pod must fit
    /// in the other zone at once: Karpenter competes with everyone else in the region for that
    /// zone's capacity, and zone-spread constraints can keep replicas Pending. With three
    /// zones a failure removes a third and the rest already holds two thirds of the load.
    ///
    /// ## Example
    /// ```yaml
    /// metadata: {environment: production}
    /// network:
    ///   availabilityZones: [eu-west-1a, eu-west-1b]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// network:
    ///   availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
    /// ```
    pub struct TwoZoneProduction {
        code: "PLN211",
        category: Reliability,
        severity: Low,
        summary: "a production platform spans only two zones",
    }
}

impl Rule for TwoZoneProduction {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.is_production() && cx.platform.network.zones.len() == 2 {
            out.push(
                Self::finding(
                    "/network/availabilityZones",
                    "production runs in two zones; losing one removes half the capacity at once",
                )
                .target(cx.template_path(StackKind::Network), "Vpc")
                .help("spread over three zones"),
            );
        }
    }
}
