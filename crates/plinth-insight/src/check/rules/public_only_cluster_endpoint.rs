//! PLN102: the cluster API endpoint is public only, so nodes reach it over the internet.

use plinth_spec::model::{EndpointAccess, StackKind};

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `cluster.endpointAccess: public`: the API server has no private endpoint in the
    /// VPC.
    ///
    /// ## Why is this bad?
    /// Kubelets, controllers and pods then talk to the API server through the NAT gateways and
    /// the internet. The public endpoint must stay open to the NAT addresses, traffic pays NAT
    /// processing, and a NAT outage cuts nodes off from the control plane.
    ///
    /// ## Example
    /// ```yaml
    /// cluster:
    ///   endpointAccess: public
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// cluster:
    ///   endpointAccess: public-and-private
    ///   publicAccessCidrs: [203.0.113.0/24]
    /// ```
    pub struct PublicOnlyClusterEndpoint {
        code: "PLN102",
        category: Security,
        severity: Medium,
        summary: "nodes reach the cluster API over the internet",
    }
}

impl Rule for PublicOnlyClusterEndpoint {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.platform.cluster.endpoint_access == EndpointAccess::Public {
            out.push(
                Self::finding(
                    "/cluster/endpointAccess",
                    "the cluster API has no private endpoint; nodes and pods reach it through NAT and the internet",
                )
                .target(cx.template_path(StackKind::Cluster), "Cluster")
                .help("use `public-and-private` so traffic from inside the VPC stays inside it"),
            );
        }
    }
}
