//! PLN101: the cluster API endpoint is public and open to the whole internet.

use plinth_spec::model::{EndpointAccess, StackKind};

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a cluster whose API server endpoint is public (`public` or `public-and-private`)
    /// without `cluster.publicAccessCidrs`, or with `0.0.0.0/0` among them.
    ///
    /// ## Why is this bad?
    /// Anyone on the internet can reach the Kubernetes API, probe it, and try stolen or leaked
    /// credentials against it; API server vulnerabilities become remotely exploitable. EKS
    /// lets you keep the endpoint public while allowing only the networks your people and CI
    /// come from.
    ///
    /// ## Example
    /// ```yaml
    /// cluster:
    ///   endpointAccess: public-and-private
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// cluster:
    ///   endpointAccess: public-and-private
    ///   publicAccessCidrs: [203.0.113.0/24]   # office and CI egress
    /// ```
    pub struct PublicClusterEndpoint {
        code: "PLN101",
        category: Security,
        severity: High,
        summary: "the cluster API endpoint is reachable from the whole internet",
    }
}

impl Rule for PublicClusterEndpoint {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let c = &cx.platform.cluster;
        if c.endpoint_access == EndpointAccess::Private {
            return;
        }
        let open = c.public_access_cidrs.is_empty()
            || c.public_access_cidrs.iter().any(|n| n.prefix_len() == 0);
        if !open {
            return;
        }
        let pointer = if c.public_access_cidrs.is_empty() {
            "/cluster/endpointAccess"
        } else {
            "/cluster/publicAccessCidrs"
        };
        out.push(
            Self::finding(
                pointer,
                "the cluster API endpoint is public and accepts connections from 0.0.0.0/0",
            )
            .target(cx.template_path(StackKind::Cluster), "Cluster")
            .help("list the networks that need the API in `cluster.publicAccessCidrs`, or make the endpoint `private`"),
        );
    }
}
