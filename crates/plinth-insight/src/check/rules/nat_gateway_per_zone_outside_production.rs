//! PLN304: a non-production platform pays for a NAT gateway in every zone.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags platforms outside production with one NAT gateway per zone (and at least two).
    ///
    /// ## Why is this bad?
    /// Each NAT gateway bills about $33 a month before any traffic, plus its Elastic IP. Per-zone
    /// NAT protects egress against a zone outage, which matters in production; a staging or
    /// prototype platform usually does fine with one.
    ///
    /// ## Example
    /// ```yaml
    /// metadata: {environment: staging}
    /// network:
    ///   availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
    ///   natGateways: 3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// network:
    ///   natGateways: 1
    /// ```
    pub struct NatGatewayPerZoneOutsideProduction {
        code: "PLN304",
        category: Cost,
        severity: Low,
        summary: "a non-production platform has a NAT gateway per zone",
    }
}

impl Rule for NatGatewayPerZoneOutsideProduction {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let n = &cx.platform.network;
        if cx.is_production() || n.nat_zones.len() < 2 || n.nat_zones.len() < n.zones.len() {
            return;
        }
        out.push(
            Self::finding(
                "/network/natGateways",
                format!(
                    "{} NAT gateways in environment `{}`; one would serve every zone",
                    n.nat_zones.len(),
                    cx.platform.metadata.environment
                ),
            )
            .target(cx.template_path(StackKind::Network), "Vpc")
            .help("set `natGateways: 1` outside production"),
        );
    }
}
