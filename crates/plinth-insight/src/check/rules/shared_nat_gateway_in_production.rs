//! PLN201: in production, private subnets route through a NAT gateway in another zone.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags production platforms whose `network.natGateways` is lower than the number of
    /// availability zones, so some zones send their egress through another zone's NAT gateway.
    ///
    /// ## Why is this bad?
    /// When the zone holding the shared NAT gateway fails, nodes in the healthy zones lose
    /// their way out too: image pulls, AWS API calls and Grafana Cloud exports stop in zones
    /// that are otherwise fine. Cross-zone NAT traffic is also billed as inter-AZ transfer.
    /// Outside production one NAT gateway is a reasonable saving.
    ///
    /// ## Example
    /// ```yaml
    /// metadata: {environment: production}
    /// network:
    ///   availabilityZones: [us-west-2a, us-west-2b, us-west-2c]
    ///   natGateways: 1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// network:
    ///   natGateways: 3
    /// ```
    pub struct SharedNatGatewayInProduction {
        code: "PLN201",
        category: Reliability,
        severity: Medium,
        summary: "zones share a NAT gateway in production",
    }
}

impl Rule for SharedNatGatewayInProduction {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let n = &cx.platform.network;
        if !cx.is_production() || n.nat_zones.is_empty() || n.nat_zones.len() >= n.zones.len() {
            return;
        }
        let borrowing: Vec<&str> = n
            .zones
            .iter()
            .enumerate()
            .filter(|(i, z)| z.nat.is_some_and(|k| n.nat_zones[k] != *i))
            .map(|(_, z)| z.name.as_str())
            .collect();
        out.push(
            Self::finding(
                "/network/natGateways",
                format!(
                    "{} NAT gateway(s) serve {} zones; {} {} through another zone",
                    n.nat_zones.len(),
                    n.zones.len(),
                    borrowing.join(", "),
                    if borrowing.len() == 1 {
                        "routes"
                    } else {
                        "route"
                    }
                ),
            )
            .target(cx.template_path(StackKind::Network), "Vpc")
            .help(format!(
                "set `natGateways: {}` so each zone has its own",
                n.zones.len()
            )),
        );
    }
}
