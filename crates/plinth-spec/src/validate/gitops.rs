//! Semantic checks of Argo CD (`addons.argoCd`) and GitOps delivery (`gitops`).

use std::collections::{BTreeMap, BTreeSet};

use super::services::RESERVED_NAMESPACES;
use super::{Cx, is_slug};
use crate::facts;
use crate::model::{ArgoCd, AwsTarget, GitOps, Team};
use crate::raw::{self, RawSpec};

/// Revision Argo CD follows when the spec names none. A branch rather than `HEAD`, which makes
/// Argo CD regenerate every application on any commit
/// (<https://docs.aws.amazon.com/eks/latest/userguide/argocd-troubleshooting.html>).
pub const DEFAULT_REVISION: &str = "main";

/// Identities (users or groups) one Argo CD capability maps to roles at most
/// (<https://docs.aws.amazon.com/eks/latest/userguide/argocd-permissions.html>).
const MAX_IDENTITIES: usize = 1000;

/// Names Argo CD or plinth already give a project.
const RESERVED_PROJECTS: &[&str] = &["default", "platform"];

impl Cx<'_> {
    /// Checks `addons.argoCd`: the Identity Center instance, role mappings and endpoints.
    pub(super) fn argo_cd(&mut self, raw: &RawSpec, aws: &AwsTarget) -> Option<ArgoCd> {
        let a = raw.addons.as_ref()?.argo_cd.as_ref()?;
        let p = "/addons/argoCd";
        let arn = &a.identity_center.instance_arn;
        match identity_center_partition(arn) {
            None => {
                self.error(
                    "spec::invalid-arn",
                    &format!("{p}/identityCenter/instanceArn"),
                    format!("`{arn}` is not an IAM Identity Center instance ARN"),
                )
                .help = Some(
                    "expected arn:aws:sso:::instance/ssoins-…; `aws sso-admin list-instances` lists it"
                        .into(),
                );
            }
            Some(partition) if self.region_known && partition != aws.partition.as_str() => {
                self.error(
                    "spec::wrong-partition",
                    &format!("{p}/identityCenter/instanceArn"),
                    format!(
                        "the instance is in partition `{partition}`, the platform in `{}`",
                        aws.partition.as_str()
                    ),
                );
            }
            Some(_) => {}
        }
        if let Some(region) = &a.identity_center.region
            && facts::partition_of(region).is_none()
        {
            self.error(
                "spec::unknown-region",
                &format!("{p}/identityCenter/region"),
                format!("`{region}` is not an AWS region"),
            )
            .help = Some("the Region of the Identity Center instance, e.g. `us-east-1`".into());
        }
        let admins = self.group_ids(&format!("{p}/admins"), &a.admins);
        let mut viewers = self.group_ids(&format!("{p}/viewers"), &a.viewers);
        if a.admins.is_empty() {
            self.warning(
                "spec::argocd-without-admins",
                p,
                "no Identity Center group administers Argo CD: nobody can sign in to manage it",
            )
            .help = Some("list a group id under `admins`".into());
        }
        // Project roles only take effect for people who can sign in, so teams' groups get the
        // VIEWER role too.
        if let Some(g) = &raw.gitops {
            for t in &g.teams {
                viewers.extend(t.groups.iter().filter(|id| is_group_id(id)).cloned());
            }
        }
        let viewers: Vec<String> = viewers.difference(&admins).cloned().collect();
        if admins.len() + viewers.len() > MAX_IDENTITIES {
            self.error(
                "spec::too-many-identities",
                p,
                format!(
                    "{} Identity Center groups are mapped to Argo CD roles; the capability takes at most {MAX_IDENTITIES}",
                    admins.len() + viewers.len()
                ),
            )
            .help = Some("map fewer, larger groups".into());
        }
        let mut vpc_endpoints = BTreeSet::new();
        for (i, e) in a.vpc_endpoints.iter().enumerate() {
            if is_vpc_endpoint_id(e) {
                vpc_endpoints.insert(e.clone());
            } else {
                self.error(
                    "spec::invalid-value",
                    &format!("{p}/vpcEndpoints/{i}"),
                    format!("`{e}` is not a VPC endpoint id"),
                )
                .help = Some("expected `vpce-` and 8 or 17 hexadecimal digits".into());
            }
        }
        Some(ArgoCd {
            identity_center_instance: arn.clone(),
            identity_center_region: a.identity_center.region.clone(),
            admins: admins.into_iter().collect(),
            viewers,
            vpc_endpoints: vpc_endpoints.into_iter().collect(),
        })
    }

    /// Checks `gitops`: the repository, where the layout lives in it, and the teams. GitOps
    /// needs the Argo CD plinth installs.
    pub(super) fn gitops(&mut self, raw: &RawSpec, aws: &AwsTarget) -> Option<GitOps> {
        let g = raw.gitops.as_ref()?;
        let argo_declared = raw.addons.as_ref().is_some_and(|a| a.argo_cd.is_some());
        if !argo_declared {
            self.error(
                "spec::gitops-needs-argocd",
                "/gitops",
                "GitOps delivery needs the Argo CD plinth installs, and the spec has no `addons.argoCd`",
            )
            .help = Some("add `addons.argoCd` with your IAM Identity Center instance: plinth installs Argo CD as the EKS capability; a self-managed Argo CD is not supported for GitOps".into());
        }
        self.repository_url("/gitops/repository", &g.repository, true);
        let ssh = is_ssh_url(&g.repository);
        if let Some(arn) = &g.credentials_secret {
            self.secret_arn("/gitops/credentialsSecret", arn, aws);
        } else if ssh {
            self.error(
                "spec::ssh-needs-credentials",
                "/gitops/repository",
                "Argo CD reaches an SSH repository with a private key, and the spec names none",
            )
            .help = Some("set `credentialsSecret` to a Secrets Manager secret holding the key, or use the https URL".into());
        }
        let revision = g
            .revision
            .clone()
            .unwrap_or_else(|| DEFAULT_REVISION.to_owned());
        if revision.is_empty()
            || revision
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            self.error(
                "spec::invalid-value",
                "/gitops/revision",
                format!("`{revision}` is not a branch, tag or commit"),
            );
        }
        let path = g
            .path
            .clone()
            .unwrap_or_else(|| format!("clusters/{}", raw.metadata.environment));
        if g.path.is_some() && !is_repository_path(&path) {
            self.error(
                "spec::invalid-path",
                "/gitops/path",
                format!("`{path}` is not a directory inside the repository"),
            )
            .help = Some(
                "a relative path such as `clusters/prod`: no leading `/`, no `..`, no empty parts"
                    .into(),
            );
        }
        let teams = self.teams(&g.teams, raw);
        Some(GitOps {
            repository: g.repository.clone(),
            revision,
            path,
            credentials_secret: g.credentials_secret.clone(),
            teams,
        })
    }

    fn teams(&mut self, list: &[raw::Team], raw: &RawSpec) -> Vec<Team> {
        let mut names = BTreeSet::new();
        let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
        let mut out = Vec::new();
        let druid = raw
            .workloads
            .as_ref()
            .is_some_and(|w| w.druid.is_some())
            .then_some("druid");
        for (i, t) in list.iter().enumerate() {
            let p = format!("/gitops/teams/{i}");
            self.slug(&format!("{p}/name"), "team name", &t.name, 63);
            if RESERVED_PROJECTS.contains(&t.name.as_str()) {
                self.error(
                    "spec::reserved-name",
                    &format!("{p}/name"),
                    format!(
                        "`{}` is the name of an Argo CD project plinth or Argo CD keeps",
                        t.name
                    ),
                )
                .help = Some("name the project after the team".into());
            } else if !names.insert(t.name.as_str()) {
                self.error(
                    "spec::duplicate-team",
                    &format!("{p}/name"),
                    format!("team `{}` is defined twice", t.name),
                );
            }
            if t.namespaces.is_empty() {
                self.error(
                    "spec::team-without-namespaces",
                    &format!("{p}/namespaces"),
                    format!("team `{}` has no namespace to deploy to", t.name),
                )
                .help = Some("list the namespaces the team's applications run in".into());
            }
            for (j, ns) in t.namespaces.iter().enumerate() {
                let np = format!("{p}/namespaces/{j}");
                if !is_slug(ns) || ns.len() > 63 {
                    self.error(
                        "spec::invalid-name",
                        &np,
                        format!("namespace `{ns}` is not a valid name"),
                    )
                    .help = Some("use up to 63 lowercase letters, digits and `-`".into());
                } else if RESERVED_NAMESPACES.contains(&ns.as_str()) || druid == Some(ns.as_str()) {
                    self.error(
                        "spec::reserved-namespace",
                        &np,
                        format!("namespace `{ns}` belongs to Kubernetes or the platform"),
                    )
                    .help = Some("teams deploy to namespaces of their own".into());
                } else if let Some(other) = owner.insert(ns.as_str(), t.name.as_str())
                    && other != t.name
                {
                    self.error(
                        "spec::namespace-of-two-teams",
                        &np,
                        format!("namespace `{ns}` already belongs to team `{other}`"),
                    )
                    .help = Some("a namespace belongs to one team's project".into());
                }
            }
            for (j, repo) in t.source_repos.iter().enumerate() {
                let rp = format!("{p}/sourceRepos/{j}");
                if repo == "*" {
                    self.warning(
                        "spec::any-repository",
                        &rp,
                        format!("team `{}` may deploy from any repository", t.name),
                    )
                    .help = Some("name the team's repositories, or a pattern such as `https://github.com/acme/shop-*`".into());
                } else {
                    self.repository_url(&rp, repo, false);
                }
            }
            let groups = self.group_ids(&format!("{p}/groups"), &t.groups);
            out.push(Team {
                name: t.name.clone(),
                namespaces: t.namespaces.clone(),
                source_repos: t.source_repos.clone(),
                groups: groups.into_iter().collect(),
            });
        }
        out
    }

    /// Checks a repository URL (or, unless `exact`, an Argo CD pattern of URLs).
    pub(super) fn repository_url(&mut self, p: &str, url: &str, exact: bool) {
        let https = url.strip_prefix("https://");
        let credentials = https.is_some_and(|rest| {
            rest.split('/')
                .next()
                .is_some_and(|host| host.contains('@'))
        });
        if credentials {
            self.error(
                "spec::credentials-in-url",
                p,
                "the URL carries credentials, which would be written into manifests",
            )
            .help = Some(
                "leave them out; the platform repository's go in `gitops.credentialsSecret`".into(),
            );
            return;
        }
        let host_and_path = https.map_or_else(
            || ssh_host_and_path(url),
            |rest| {
                rest.split_once('/')
                    .filter(|(h, r)| !h.is_empty() && !r.is_empty())
            },
        );
        let pattern_chars = url.contains(['*', '?', '[', '!']);
        let ok = host_and_path.is_some()
            && !url.chars().any(|c| c.is_whitespace() || c.is_control())
            && (!exact || !pattern_chars);
        if !ok {
            self.error(
                "spec::invalid-repository",
                p,
                format!("`{url}` is not a Git repository URL"),
            )
            .help = Some(if exact {
                "use `https://host/org/repo.git`, `ssh://git@host/org/repo.git` or `git@host:org/repo.git`".into()
            } else {
                "use a repository URL, or a pattern such as `https://github.com/acme/shop-*`".into()
            });
        }
    }

    /// Checks Identity Center group ids; returns the valid ones, sorted.
    fn group_ids(&mut self, p: &str, ids: &[String]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (i, id) in ids.iter().enumerate() {
            if is_group_id(id) {
                out.insert(id.clone());
            } else {
                self.error(
                    "spec::invalid-group-id",
                    &format!("{p}/{i}"),
                    format!("`{id}` is not an IAM Identity Center group id"),
                )
                .help = Some("use the group's id (a UUID, e.g. `906799cd-e0c1-70ee-4d1a-5c5e8c2aa1a3`), not its name: `aws identitystore get-group-id` finds it".into());
            }
        }
        out
    }
}

/// The partition of an Identity Center instance ARN
/// (`arn:{partition}:sso:::instance/ssoins-{16}` or the older `ins-{16}`), if it is one.
fn identity_center_partition(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let id = rest.strip_prefix("sso:::instance/")?;
    let id = id
        .strip_prefix("ssoins-")
        .or_else(|| id.strip_prefix("ins-"))?;
    let ok = !partition.is_empty()
        && id.len() == 16
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    ok.then_some(partition)
}

/// Whether `id` matches the Identity Store's group id pattern:
/// `([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}`
/// (<https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_Group.html>).
pub(crate) fn is_group_id(id: &str) -> bool {
    let uuid = match id.split_once('-') {
        Some((store, rest))
            if store.len() == 10
                && store
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
        {
            rest
        }
        _ => id,
    };
    let parts: Vec<&str> = uuid.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_vpc_endpoint_id(id: &str) -> bool {
    id.strip_prefix("vpce-").is_some_and(|h| {
        (h.len() == 8 || h.len() == 17)
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

pub(super) fn is_ssh_url(url: &str) -> bool {
    url.starts_with("ssh://") || ssh_scp_form(url).is_some()
}

/// Host and path of `ssh://[user@]host[:port]/path` or scp-like `user@host:path`.
fn ssh_host_and_path(url: &str) -> Option<(&str, &str)> {
    if let Some(rest) = url.strip_prefix("ssh://") {
        let (authority, path) = rest.split_once('/')?;
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        return (!host.is_empty() && !path.is_empty()).then_some((host, path));
    }
    ssh_scp_form(url)
}

fn ssh_scp_form(url: &str) -> Option<(&str, &str)> {
    if url.contains("://") {
        return None;
    }
    let (user_host, path) = url.split_once(':')?;
    let (user, host) = user_host.split_once('@')?;
    (!user.is_empty() && !host.is_empty() && !path.is_empty() && !path.starts_with('/'))
        .then_some((host, path))
}

/// A relative directory: no leading or trailing `/`, no empty, `.` or `..` parts.
pub(super) fn is_repository_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 255
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids_follow_the_identity_store_pattern() {
        assert!(is_group_id("906799cd-e0c1-70ee-4d1a-5c5e8c2aa1a3"));
        assert!(is_group_id(
            "1234567890-906799cd-e0c1-70ee-4d1a-5c5e8c2aa1a3"
        ));
        assert!(!is_group_id("platform-admins"));
        assert!(!is_group_id("906799cd-e0c1-70ee-4d1a-5c5e8c2aa1a"));
        assert!(!is_group_id("12345-906799cd-e0c1-70ee-4d1a-5c5e8c2aa1a3"));
    }

    #[test]
    fn repository_urls_and_paths() {
        assert_eq!(
            ssh_host_and_path("git@github.com:acme/shop.git"),
            Some(("github.com", "acme/shop.git"))
        );
        assert_eq!(
            ssh_host_and_path("ssh://git@example.com:2222/acme/shop.git"),
            Some(("example.com:2222", "acme/shop.git"))
        );
        assert_eq!(ssh_host_and_path("https://github.com/acme/shop"), None);
        assert!(is_repository_path("clusters/prod"));
        assert!(!is_repository_path("/clusters/prod"));
        assert!(!is_repository_path("clusters/../prod"));
        assert!(!is_repository_path("clusters/prod/"));
        assert_eq!(
            identity_center_partition("arn:aws:sso:::instance/ssoins-0123456789abcdef"),
            Some("aws")
        );
        assert_eq!(identity_center_partition("arn:aws:sso:::instance/x"), None);
    }
}
