//! Checked Argo CD and GitOps settings.

/// Argo CD as the EKS managed capability, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgoCd {
    /// ARN of the IAM Identity Center instance.
    pub identity_center_instance: String,
    /// Its Region, when the spec names one.
    pub identity_center_region: Option<String>,
    /// Identity Center group ids with Argo CD's ADMIN role, sorted.
    pub admins: Vec<String>,
    /// Identity Center group ids with Argo CD's VIEWER role (the teams' groups included),
    /// sorted, none of them an admin.
    pub viewers: Vec<String>,
    /// VPC endpoint ids of private access to the Argo CD server, sorted.
    pub vpc_endpoints: Vec<String>,
}

/// GitOps delivery, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitOps {
    /// The repository Argo CD syncs from.
    pub repository: String,
    /// Branch, tag or commit.
    pub revision: String,
    /// Directory of the layout in the repository, without leading or trailing `/`.
    pub path: String,
    /// Secrets Manager ARN of the repository's credentials.
    pub credentials_secret: Option<String>,
    /// Teams, in spec order.
    pub teams: Vec<Team>,
}

/// A team with its own Argo CD project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// Team and project name.
    pub name: String,
    /// Namespaces it deploys to, in spec order; no namespace belongs to two teams.
    pub namespaces: Vec<String>,
    /// Repositories it may deploy from besides the platform's.
    pub source_repos: Vec<String>,
    /// Identity Center group ids of its members.
    pub groups: Vec<String>,
}

impl GitOps {
    /// The team whose namespaces include `namespace`.
    pub fn team_of(&self, namespace: &str) -> Option<&Team> {
        self.teams
            .iter()
            .find(|t| t.namespaces.iter().any(|n| n == namespace))
    }
}
