//! The GitOps repository layout: the same Kubernetes objects plinth applies wave by wave,
//! arranged for Argo CD to sync from the spec's repository.
//!
//! ```text
//! {gitops.path}/
//! ├── bootstrap/argocd.yaml   # applied before Argo CD syncs: cluster registration,
//! │                           # Argo CD's permissions and settings, repositories, projects
//! ├── bootstrap/efs.yaml      # foundation files holding deploy-time values (the EFS
//! │                           # StorageClass): plinth fills them in and applies them
//! ├── bootstrap/root.yaml     # the app-of-apps, pointing at apps/
//! ├── apps/                   # one Application per addon (Helm chart) and per workload
//! └── manifests/<app>/        # the objects of each non-Helm Application
//! ```
//!
//! Every child Application carries the sync wave of the plinth wave its objects belong to
//! ([`Wave::sync_wave`]), so Argo CD creates them in plinth's order; the health check in
//! `argocd-cm` makes each wave wait for the one before. Applications of services in a team's
//! namespace belong to the team's project; everything else to `platform`.

use std::collections::BTreeMap;

use plinth_spec::Platform;
use plinth_spec::model::GitOps;
use serde_json::{Value, json};

use crate::k8s::argocd::{self, NAMESPACE, PLATFORM_PROJECT};
use crate::k8s::labels::labels;
use crate::k8s::{Content, ManifestFile, Wave, yaml_stream};

/// Name of the app-of-apps.
pub const ROOT: &str = "root";
/// The most objects one Application of the Argo CD capability may hold
/// (<https://docs.aws.amazon.com/eks/latest/userguide/capability-kubernetes-resources.html>).
pub const MAX_OBJECTS_PER_APPLICATION: usize = 150;

/// The repository layout, in path order.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Files by path relative to the layout's directory.
    pub files: Vec<LayoutFile>,
}

/// One file of the layout: Kubernetes objects as a YAML stream.
#[derive(Debug, Clone)]
pub struct LayoutFile {
    /// Path relative to the layout's directory, e.g. `apps/cert-manager.yaml`.
    pub path: String,
    /// What the file is.
    pub role: FileRole,
    /// Its objects.
    pub objects: Vec<Value>,
}

/// What a layout file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// Applied by plinth before Argo CD takes over.
    Bootstrap,
    /// An Application the root syncs.
    App,
    /// Objects an Application syncs.
    Manifests,
}

impl LayoutFile {
    /// The file's text.
    pub fn to_yaml(&self) -> String {
        yaml_stream(&self.objects)
    }
}

impl Layout {
    /// The files plinth applies itself (`bootstrap/`), in apply order.
    pub fn bootstrap(&self) -> impl Iterator<Item = &LayoutFile> {
        self.files.iter().filter(|f| f.role == FileRole::Bootstrap)
    }

    /// What `plinth deploy --gitops` applies itself, as files in plinth's waves: Argo CD's
    /// cluster registration, settings, repositories and projects with the foundation, then the
    /// root Application with the addons. The root is ready once Argo CD has synced every child
    /// and each is healthy (the `argocd-cm` health check), so the deploy waits for the whole
    /// platform.
    pub fn handover(&self) -> Vec<ManifestFile> {
        self.bootstrap()
            .map(|f| {
                let stem = file_stem(&f.path);
                let wave = if stem == ROOT {
                    Wave::Addons
                } else {
                    Wave::Foundation
                };
                ManifestFile::objects(wave, stem, f.objects.clone())
            })
            .collect()
    }

    /// Every object Argo CD delivers from the repository: everything outside `bootstrap/`.
    pub fn delivered(&self) -> impl Iterator<Item = &Value> {
        self.files
            .iter()
            .filter(|f| f.role != FileRole::Bootstrap)
            .flat_map(|f| &f.objects)
    }
}

/// The layout of a platform with GitOps, from the Kubernetes files synthesis made of it.
pub fn layout(p: &Platform, kubernetes: &[ManifestFile]) -> Option<Layout> {
    let g = p.gitops.as_ref()?;
    let mut files = Vec::new();
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let deploy_time = crate::k8s::deploy_time_values(kubernetes);
    for f in kubernetes {
        let Content::Objects(objects) = &f.content else {
            // Helm values travel inline in the addons' Applications.
            continue;
        };
        let stem = file_stem(&f.path);
        if f.wave == Wave::Foundation && deploy_time.contains_key(&f.path) {
            // A stack output goes into it when plinth deploys; Argo CD cannot fill it in, so
            // plinth applies the file with the bootstrap.
            files.push(LayoutFile {
                path: format!("bootstrap/{stem}.yaml"),
                role: FileRole::Bootstrap,
                objects: objects.clone(),
            });
            continue;
        }
        match (f.wave, stem) {
            (Wave::Foundation, "argocd") => files.push(LayoutFile {
                path: "bootstrap/argocd.yaml".into(),
                role: FileRole::Bootstrap,
                objects: objects.clone(),
            }),
            (Wave::Addons, _) => files.extend(objects.iter().map(|app| LayoutFile {
                path: format!("apps/{}.yaml", object_name(app)),
                role: FileRole::App,
                objects: vec![app.clone()],
            })),
            (wave, stem) => {
                let app = application_of(wave, stem);
                let group = groups.entry(app).or_insert_with(|| Group {
                    wave,
                    files: Vec::new(),
                });
                group.files.push((format!("{stem}.yaml"), objects.clone()));
            }
        }
    }
    for (name, group) in groups {
        let project = project_of(p, g, &name);
        let namespace = service_namespace(p, &name);
        files.push(LayoutFile {
            path: format!("apps/{name}.yaml"),
            role: FileRole::App,
            objects: vec![directory_application(
                p, g, &name, group.wave, project, namespace,
            )],
        });
        files.extend(group.files.into_iter().map(|(file, objects)| LayoutFile {
            path: format!("manifests/{name}/{file}"),
            role: FileRole::Manifests,
            objects,
        }));
    }
    files.push(LayoutFile {
        path: "bootstrap/root.yaml".into(),
        role: FileRole::Bootstrap,
        objects: vec![root(p, g)],
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Some(Layout { files })
}

/// The Application a plinth manifest file belongs to: one per wave for foundation and
/// Karpenter, one per workload in the workloads wave (Druid's and observability's files go
/// together; every other file is a workload of its own).
pub fn application_of(wave: Wave, file_stem: &str) -> String {
    match wave {
        Wave::Foundation => "foundation".into(),
        Wave::Addons => "addons".into(),
        Wave::Karpenter => "karpenter-nodes".into(),
        Wave::Workloads if file_stem.starts_with("druid-") => "druid".into(),
        Wave::Workloads if file_stem.starts_with("observability-") || file_stem == "monitoring" => {
            "observability".into()
        }
        Wave::Workloads => file_stem.into(),
    }
}

struct Group {
    wave: Wave,
    files: Vec<(String, Vec<Value>)>,
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".yaml").unwrap_or(name)
}

fn object_name(o: &Value) -> &str {
    o["metadata"]["name"]
        .as_str()
        .expect("every Application has a name")
}

/// The service an Application of the workloads wave deploys, if it is one.
fn service_namespace<'p>(p: &'p Platform, app: &str) -> Option<&'p str> {
    let name = app.strip_prefix("service-")?;
    p.services
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.namespace.as_str())
}

/// A service's Application belongs to the team owning its namespace; the rest to `platform`.
fn project_of<'g>(p: &Platform, g: &'g GitOps, app: &str) -> &'g str {
    service_namespace(p, app)
        .and_then(|ns| g.team_of(ns))
        .map_or(PLATFORM_PROJECT, |t| t.name.as_str())
}

fn sync_policy(skip_missing: bool) -> Value {
    let mut options = vec!["ServerSideApply=true"];
    if skip_missing {
        // Objects of CRDs an earlier wave installs: dry runs before the CRD exists would fail.
        options.push("SkipDryRunOnMissingResource=true");
    }
    json!({
        "automated": { "prune": true, "selfHeal": true },
        "syncOptions": options,
        "retry": { "limit": 5, "backoff": { "duration": "10s", "factor": 2, "maxDuration": "5m" } },
    })
}

fn directory_application(
    p: &Platform,
    g: &GitOps,
    name: &str,
    wave: Wave,
    project: &str,
    namespace: Option<&str>,
) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "labels": labels(p, name, "gitops"),
            "annotations": BTreeMap::from([
                ("argocd.argoproj.io/sync-wave", wave.sync_wave().to_string()),
                // Regenerate only when this Application's own directory changes.
                ("argocd.argoproj.io/manifest-generate-paths", ".".to_owned()),
            ]),
            "finalizers": ["resources-finalizer.argocd.argoproj.io"],
        },
        "spec": {
            "project": project,
            "source": {
                "repoURL": g.repository,
                "targetRevision": g.revision,
                "path": format!("{}/manifests/{name}", g.path),
            },
            "destination": argocd::destination(namespace),
            "syncPolicy": sync_policy(wave > Wave::Foundation),
        },
    })
}

/// The app-of-apps: every Application in `apps/`, pruned when its file goes away.
fn root(p: &Platform, g: &GitOps) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": ROOT,
            "namespace": NAMESPACE,
            "labels": labels(p, ROOT, "gitops"),
            "finalizers": ["resources-finalizer.argocd.argoproj.io"],
        },
        "spec": {
            "project": PLATFORM_PROJECT,
            "source": {
                "repoURL": g.repository,
                "targetRevision": g.revision,
                "path": format!("{}/apps", g.path),
            },
            "destination": argocd::destination(Some(NAMESPACE)),
            "syncPolicy": sync_policy(false),
        },
    })
}
