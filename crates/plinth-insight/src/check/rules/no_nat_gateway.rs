//! PLN202: private subnets have no route to the internet.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `network.natGateways: 0`.
    ///
    /// ## Why is this bad?
    /// Nodes live in the private subnets. Without NAT and without VPC endpoints (plinth
    /// creates none) they cannot pull images, reach the EKS, EC2, STS or S3 APIs, or join the
    /// cluster at all; Druid cannot reach S3 or MSK's public bootstrap endpoints.
    ///
    /// ## Example
    /// ```yaml
    /// network:
    ///   natGateways: 0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// network:
    ///   natGateways: 1
    /// ```
    pub struct NoNatGateway {
        code: "PLN202",
        category: Reliability,
        severity: High,
        summary: "private subnets have no way out",
    }
}

impl Rule for NoNatGateway {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.platform.network.nat_zones.is_empty() {
            out.push(
                Self::finding("/network/natGateways", "no NAT gateway: nodes in the private subnets cannot reach AWS APIs, registries or S3")
                    .target(cx.template_path(StackKind::Network), "Vpc")
                    .help("set `natGateways` to at least 1"),
            );
        }
    }
}
