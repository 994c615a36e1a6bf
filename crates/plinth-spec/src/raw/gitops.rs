//! Raw types of Argo CD (`addons.argoCd`) and GitOps delivery (`gitops`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Argo CD as the EKS managed capability: AWS runs and upgrades it outside the cluster's
/// nodes; people sign in through IAM Identity Center.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ArgoCd {
    /// The IAM Identity Center instance users sign in to Argo CD with (required by EKS).
    pub identity_center: IdentityCenter,
    /// Identity Center group ids given Argo CD's ADMIN role (every project, settings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admins: Vec<String>,
    /// Identity Center group ids given Argo CD's VIEWER role. Teams' groups get it as well.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub viewers: Vec<String>,
    /// VPC endpoint ids (`vpce-…`) through which the Argo CD server is reached privately.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_endpoints: Vec<String>,
}

/// An IAM Identity Center instance.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdentityCenter {
    /// Its ARN, e.g. `arn:aws:sso:::instance/ssoins-0123456789abcdef`.
    pub instance_arn: String,
    /// The Region it lives in, when not the platform's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// GitOps delivery: `plinth synth --gitops DIR` writes a repository layout that Argo CD syncs;
/// applying its `bootstrap/` hands the cluster over to Argo CD.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GitOps {
    /// The Git repository Argo CD syncs from (`https://…` or `ssh://…`/`git@host:org/repo`).
    pub repository: String,
    /// Branch, tag or commit (default `main`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Directory of the layout inside the repository (default `clusters/{environment}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Secrets Manager secret with the repository's credentials (`username` and `token`, or
    /// an SSH key); needed for a private repository. Argo CD reads it; no credential is
    /// written anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_secret: Option<String>,
    /// Teams: each gets an Argo CD project limited to its namespaces and repositories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Team>,
}

/// A team and what it may deploy.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Team {
    /// Name of the team and of its Argo CD project.
    pub name: String,
    /// Namespaces the team deploys to; plinth creates the ones no service creates. Services in
    /// them belong to the team's project.
    pub namespaces: Vec<String>,
    /// Repositories (URLs or Argo CD patterns such as `https://github.com/acme/shop-*`) the
    /// team may deploy from, besides the platform's repository.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_repos: Vec<String>,
    /// Identity Center group ids whose members may sync and manage the team's applications.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}
