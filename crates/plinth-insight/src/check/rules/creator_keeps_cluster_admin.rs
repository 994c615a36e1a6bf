//! PLN119: the identity that creates a production cluster stays its administrator.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags production platforms (environment `production`, `prod`, `prd` or `prod-*`) whose
    /// `cluster.access.bootstrapCreatorAdmin` is true (the default).
    ///
    /// ## Why is this bad?
    /// EKS then gives whichever IAM identity ran the deploy a permanent cluster-admin access
    /// entry. That identity is often a CI role or a person's SSO session that nobody reviews
    /// as a cluster administrator, and it never shows up in `cluster.access`.
    ///
    /// ## Example
    /// ```yaml
    /// metadata: {environment: production}
    /// cluster:
    ///   access:
    ///     administrators: [...]
    /// ```
    ///
    /// Use instead: list the deploying role among `administrators` and set
    /// `bootstrapCreatorAdmin: false`.
    pub struct CreatorKeepsClusterAdmin {
        code: "PLN119",
        category: Security,
        severity: Low,
        summary: "the deploying identity stays cluster admin in production",
    }
}

impl Rule for CreatorKeepsClusterAdmin {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.is_production() && cx.platform.cluster.access.bootstrap_creator_admin {
            out.push(
                Self::finding(
                    "/cluster/access/bootstrapCreatorAdmin",
                    "the identity that deploys this production cluster becomes a permanent cluster admin",
                )
                .target(cx.template_path(StackKind::Cluster), "Cluster")
                .help("add the deploy role to `cluster.access.administrators` and set `bootstrapCreatorAdmin: false`"),
            );
        }
    }
}
