//! What the Argo CD capability needs inside the cluster before it can deploy anything, in the
//! foundation wave (`10-foundation/argocd.yaml`), when the spec installs the capability:
//!
//! - the cluster registered as `in-cluster` by its ARN: the capability does not register the
//!   cluster it runs on, and knows clusters only by ARN
//!   (<https://docs.aws.amazon.com/eks/latest/userguide/argocd-register-clusters.html>);
//! - a binding of `cluster-admin` to the group EKS gives the capability role's access entry
//!   (`eks-access-entry:{role ARN}`), which otherwise has no Kubernetes permissions. Platform
//!   addons install CRDs, webhooks and cluster roles, so nothing narrower would do; what
//!   teams may deploy is limited by their Argo CD projects instead;
//! - `argocd-cm` with a health check for Applications, so an app-of-apps waits for each
//!   child's health before the next sync wave
//!   (<https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app>; the
//!   capability reads this key, <https://docs.aws.amazon.com/eks/latest/userguide/argocd-configure-settings.html>);
//! - the Helm repositories in OCI registries (Karpenter's), which Argo CD must be told are OCI,
//!   and the GitOps repository with a reference to its credentials in Secrets Manager;
//! - the Argo CD projects: `platform` for what plinth installs, one per team.
//!
//! None of these Secrets holds a credential: the repository's is read by the capability from
//! Secrets Manager (`secretArn`).

use std::collections::{BTreeMap, BTreeSet};

use plinth_spec::Platform;
use plinth_spec::model::Team;
use serde_json::{Value, json};

use super::addons::releases;
use super::labels::labels;
use super::{ManifestFile, Wave};

/// Namespace of Argo CD's Applications and projects (the capability's `Namespace`).
pub const NAMESPACE: &str = "argocd";
/// Name the cluster is registered under, the one Argo CD examples use for the local cluster.
pub const CLUSTER: &str = "in-cluster";
/// Project of everything plinth installs.
pub const PLATFORM_PROJECT: &str = "platform";

/// Where an Application deploys: the local cluster by name, which works for the capability
/// (that registers it by ARN under this name) and for a self-managed Argo CD alike.
pub fn destination(namespace: Option<&str>) -> Value {
    let mut d = json!({ "name": CLUSTER });
    if let Some(ns) = namespace {
        d["namespace"] = Value::from(ns);
    }
    d
}

/// The project of plinth's own Applications: `platform` with the capability, else Argo CD's
/// `default` (an Argo CD plinth did not install has no `platform` project).
pub fn platform_project(p: &Platform) -> &'static str {
    if p.addons.argo_cd.is_some() {
        PLATFORM_PROJECT
    } else {
        "default"
    }
}

/// The ARN of the capability's role, known before deploy.
pub fn role_arn(p: &Platform) -> String {
    format!(
        "arn:{}:iam::{}:role/{}",
        p.aws.partition.as_str(),
        p.aws.account,
        p.names.cluster_role("argocd")
    )
}

/// The cluster's ARN, by which the capability knows it.
pub fn cluster_arn(p: &Platform) -> String {
    format!(
        "arn:{}:eks:{}:{}:cluster/{}",
        p.aws.partition.as_str(),
        p.aws.region,
        p.aws.account,
        p.names.cluster()
    )
}

/// `10-foundation/argocd.yaml`, when the spec installs the capability.
pub fn files(p: &Platform) -> Vec<ManifestFile> {
    if p.addons.argo_cd.is_none() {
        return Vec::new();
    }
    let mut objects = vec![cluster_binding(p), cluster_secret(p), config(p)];
    objects.extend(repositories(p));
    objects.extend(projects(p));
    vec![ManifestFile::objects(Wave::Foundation, "argocd", objects)]
}

/// The Argo CD projects: `platform`, then one per team.
pub fn projects(p: &Platform) -> Vec<Value> {
    let mut out = vec![platform(p)];
    if let Some(g) = &p.gitops {
        out.extend(g.teams.iter().map(|t| team(p, &g.repository, t)));
    }
    out
}

/// A Lua health check for Applications: an Application is as healthy as what it deployed.
/// Argo CD stopped assessing them by default in 1.8.
const APPLICATION_HEALTH: &str = r#"local hs = { status = "Progressing", message = "" }
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
"#;

fn cluster_binding(p: &Platform) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": { "name": "plinth-argocd", "labels": labels(p, "argocd", "rbac") },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin" },
        "subjects": [{
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Group",
            "name": format!("eks-access-entry:{}", role_arn(p)),
        }],
    })
}

fn cluster_secret(p: &Platform) -> Value {
    let mut l = labels(p, "argocd", "cluster");
    l.insert("argocd.argoproj.io/secret-type".into(), "cluster".into());
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": { "name": CLUSTER, "namespace": NAMESPACE, "labels": l },
        "stringData": { "name": CLUSTER, "server": cluster_arn(p) },
    })
}

fn config(p: &Platform) -> Value {
    // Argo CD reads argocd-cm only with `app.kubernetes.io/part-of: argocd`, which these
    // labels carry.
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": { "name": "argocd-cm", "namespace": NAMESPACE, "labels": labels(p, "argocd", "config") },
        "data": { "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH },
    })
}

/// Repository Secrets: each OCI Helm repository an addon comes from, and the GitOps
/// repository when its credentials are in Secrets Manager.
fn repositories(p: &Platform) -> Vec<Value> {
    let secret = |name: String, data: BTreeMap<&str, String>| {
        let mut l = labels(p, "argocd", "repository");
        l.insert("argocd.argoproj.io/secret-type".into(), "repository".into());
        json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": { "name": name, "namespace": NAMESPACE, "labels": l },
            "stringData": data,
        })
    };
    let oci: BTreeMap<&str, &str> = releases(p)
        .iter()
        .filter(|r| !r.repo.contains("://"))
        .map(|r| (r.repo, r.chart))
        .collect();
    let mut out: Vec<Value> = oci
        .into_iter()
        .map(|(url, chart)| {
            let name = format!("repo-{}", url.rsplit('/').next().unwrap_or(chart));
            secret(
                name.clone(),
                BTreeMap::from([
                    ("name", name),
                    ("type", "helm".to_owned()),
                    ("url", url.to_owned()),
                    ("enableOCI", "true".to_owned()),
                ]),
            )
        })
        .collect();
    if let Some(g) = &p.gitops
        && let Some(arn) = &g.credentials_secret
    {
        out.push(secret(
            "repo-platform".to_owned(),
            BTreeMap::from([
                ("type", "git".to_owned()),
                ("url", g.repository.clone()),
                ("secretArn", arn.clone()),
            ]),
        ));
    }
    out
}

fn project(p: &Platform, name: &str, spec: Value) -> Value {
    let mut project = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": { "name": name, "namespace": NAMESPACE, "labels": labels(p, "argocd", "project") },
    });
    project["spec"] = spec;
    project
}

/// `platform`: plinth's charts and manifests, anywhere in the cluster, any kind.
fn platform(p: &Platform) -> Value {
    let mut repos: BTreeSet<String> = releases(p).iter().map(|r| r.repo.to_owned()).collect();
    if let Some(g) = &p.gitops {
        repos.insert(g.repository.clone());
    }
    project(
        p,
        PLATFORM_PROJECT,
        json!({
            "description": format!("What plinth installs on {}", p.names.cluster()),
            "sourceNamespaces": [NAMESPACE],
            "sourceRepos": repos,
            "destinations": [destination(Some("*"))],
            "clusterResourceWhitelist": [{ "group": "*", "kind": "*" }],
        }),
    )
}

/// A team's project: its namespaces only, no cluster-scoped objects, no quota changes; its
/// repositories and the platform's; its groups may see, sync and run actions on its
/// applications and read their logs.
fn team(p: &Platform, platform_repo: &str, t: &Team) -> Value {
    let repos: BTreeSet<&str> = std::iter::once(platform_repo)
        .chain(t.source_repos.iter().map(String::as_str))
        .collect();
    let mut spec = json!({
        "description": format!("Applications of team {}", t.name),
        "sourceNamespaces": [NAMESPACE],
        "sourceRepos": repos,
        "destinations": t.namespaces.iter().map(|ns| destination(Some(ns))).collect::<Vec<_>>(),
        "clusterResourceWhitelist": [],
        "namespaceResourceBlacklist": [
            { "group": "", "kind": "ResourceQuota" },
            { "group": "", "kind": "LimitRange" },
        ],
    });
    if !t.groups.is_empty() {
        let role = format!("proj:{}:developers", t.name);
        let apps = format!("{}/*", t.name);
        spec["roles"] = json!([{
            "name": "developers",
            "description": format!("Members of team {}", t.name),
            "policies": [
                format!("p, {role}, applications, get, {apps}, allow"),
                format!("p, {role}, applications, sync, {apps}, allow"),
                format!("p, {role}, applications, action/*, {apps}, allow"),
                format!("p, {role}, logs, get, {apps}, allow"),
            ],
            "groups": t.groups,
        }]);
    }
    project(p, &t.name, spec)
}
