//! Server-side apply in waves (field manager `plinth`), readiness waits, and pruning by an
//! inventory of what plinth applied last time. Works on any `kube::Client`, so tests drive it
//! through a mocked API server.
//!
//! The inventory is a ConfigMap in `kube-system` listing every object plinth applied; an
//! object that was in the last inventory, is not in the spec any more and still carries
//! plinth's `managed-by` label is deleted after the last wave. After a hand-over to Argo CD
//! the inventory also lists what Argo CD delivers, which plinth leaves alone.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use kube::discovery::{self, ApiCapabilities, Scope};
use plinth_synth::k8s::{ManifestFile, Wave};
use serde_json::{Value, json};

use crate::engine::{Progress, Reporter};

/// The field manager of every apply.
pub const FIELD_MANAGER: &str = "plinth";

/// The label plinth puts on everything it makes.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "plinth");

const INVENTORY_NAMESPACE: &str = "kube-system";

/// How applying behaves.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// The platform name: names the inventory.
    pub platform: String,
    /// How long a wave may take to become ready.
    pub wave_timeout: Duration,
    /// Time between readiness polls.
    pub poll: Duration,
    /// Only a server-side dry run: nothing is persisted, nothing is waited for or pruned.
    pub dry_run: bool,
    /// Objects Argo CD delivers after a hand-over (`plinth deploy --gitops`): plinth neither
    /// applies nor prunes them, and keeps them in its inventory so that switching back to
    /// direct apply later still prunes what leaves the spec.
    pub handed_over: BTreeSet<ObjectRef>,
}

/// An object plinth applies, by identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// `group/version` or `v1`.
    pub api_version: String,
    /// The kind.
    pub kind: String,
    /// The namespace, for namespaced objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// What applying did.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    /// Objects applied, per wave, in order.
    pub applied: Vec<(Wave, Vec<ObjectRef>)>,
    /// Objects whose live state changed (resourceVersion moved).
    pub changed: Vec<ObjectRef>,
    /// Objects pruned.
    pub pruned: Vec<ObjectRef>,
}

/// Applying failed.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The API server does not know a kind the manifests use.
    #[error("the cluster has no {kind}{hint}", kind = .0, hint = missing_hint(.0))]
    UnknownKind(String),
    /// A request failed.
    #[error("{object}: {source}")]
    Request {
        /// The object.
        object: String,
        /// The API error.
        #[source]
        source: kube::Error,
    },
    /// A wave did not become ready in time.
    #[error("wave {wave} not ready after {seconds}s: {}", .waiting.join(", "))]
    NotReady {
        /// The wave.
        wave: String,
        /// How long plinth waited.
        seconds: u64,
        /// What was not ready.
        waiting: Vec<String>,
    },
    /// A manifest object lacks apiVersion, kind or name (a synthesis bug).
    #[error("a manifest object lacks {0}")]
    Malformed(&'static str),
}

fn missing_hint(kind: &str) -> &'static str {
    if kind.starts_with("argoproj.io") {
        "; Argo CD must be installed before plinth deploys its addons (README: Deploy to AWS)"
    } else {
        ""
    }
}

/// The waves in apply order.
pub const WAVES: [Wave; 4] = [
    Wave::Foundation,
    Wave::Addons,
    Wave::Karpenter,
    Wave::Workloads,
];

/// Applies the manifests wave by wave, waits for each wave to be ready, then prunes.
pub async fn apply_waves(
    client: &kube::Client,
    files: &[ManifestFile],
    options: &ApplyOptions,
    reporter: &dyn Reporter,
) -> Result<Applied, ApplyError> {
    let mut resolver = Resolver::new(client.clone());
    let mut applied = Applied::default();
    let mut all = BTreeSet::new();
    for wave in WAVES {
        let mut objects: Vec<&Value> = files
            .iter()
            .filter(|f| f.wave == wave)
            .flat_map(|f| f.kube_objects().iter())
            .collect();
        if objects.is_empty() {
            continue;
        }
        objects.sort_by_key(|o| kind_rank(o["kind"].as_str().unwrap_or_default()));
        let label = format!("kubernetes {}", wave.dir());
        reporter.report(Progress::Started {
            stack: label.clone(),
            what: format!(
                "{} {} objects",
                if options.dry_run {
                    "dry-run applying"
                } else {
                    "applying"
                },
                objects.len()
            ),
        });
        let mut refs = Vec::with_capacity(objects.len());
        for obj in objects {
            let r = object_ref(obj)?;
            let api = match resolver.api(&r).await {
                Ok((api, _)) => api,
                // A dry run before the addons are installed meets kinds their charts define.
                Err(ApplyError::UnknownKind(_)) if options.dry_run => {
                    applied.changed.push(r.clone());
                    all.insert(r.clone());
                    refs.push(r);
                    continue;
                }
                Err(e) => return Err(e),
            };
            let before = api
                .get_opt(&r.name)
                .await
                .map_err(|source| ApplyError::Request {
                    object: r.to_string(),
                    source,
                })?;
            let mut params = PatchParams::apply(FIELD_MANAGER).force();
            params.dry_run = options.dry_run;
            let after = api
                .patch(&r.name, &params, &Patch::Apply(obj))
                .await
                .map_err(|source| ApplyError::Request {
                    object: r.to_string(),
                    source,
                })?;
            let changed = match &before {
                None => true,
                // A dry run persists nothing: compare what would be stored with what is.
                Some(b) if options.dry_run => comparable(b) != comparable(&after),
                Some(b) => b.metadata.resource_version != after.metadata.resource_version,
            };
            if changed {
                applied.changed.push(r.clone());
            }
            all.insert(r.clone());
            refs.push(r);
        }
        if !options.dry_run {
            wait_ready(&mut resolver, &refs, wave, options, reporter).await?;
        }
        reporter.report(Progress::Finished {
            stack: label,
            result: "ready".to_owned(),
        });
        applied.applied.push((wave, refs));
    }
    if !options.dry_run {
        all.extend(options.handed_over.iter().cloned());
        applied.pruned = prune(&mut resolver, &options.platform, &all, reporter).await?;
    }
    Ok(applied)
}

/// Deletes what plinth applied before and no longer wants, then records the new inventory.
async fn prune(
    resolver: &mut Resolver,
    platform: &str,
    current: &BTreeSet<ObjectRef>,
    reporter: &dyn Reporter,
) -> Result<Vec<ObjectRef>, ApplyError> {
    let inventory = inventory_name(platform);
    let maps: Api<DynamicObject> = Api::namespaced_with(
        resolver.client.clone(),
        INVENTORY_NAMESPACE,
        &ApiResource::erase::<k8s_openapi::api::core::v1::ConfigMap>(&()),
    );
    let previous: BTreeSet<ObjectRef> = maps
        .get_opt(&inventory)
        .await
        .map_err(|source| ApplyError::Request {
            object: format!("ConfigMap {INVENTORY_NAMESPACE}/{inventory}"),
            source,
        })?
        .and_then(|cm| {
            cm.data
                .get("data")?
                .get("objects")?
                .as_str()
                .map(str::to_owned)
        })
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let mut pruned = Vec::new();
    // Workloads before the namespaces and definitions they live in.
    let mut gone: Vec<&ObjectRef> = previous.difference(current).collect();
    gone.sort_by_key(|r| std::cmp::Reverse(kind_rank(&r.kind)));
    for r in gone {
        let Ok((api, _)) = resolver.api(r).await else {
            continue; // the kind itself is gone
        };
        let live = api
            .get_opt(&r.name)
            .await
            .map_err(|source| ApplyError::Request {
                object: r.to_string(),
                source,
            })?;
        let ours = live.as_ref().is_some_and(|o| {
            o.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(MANAGED_BY.0))
                .is_some_and(|v| v == MANAGED_BY.1)
        });
        if !ours {
            continue;
        }
        api.delete(&r.name, &DeleteParams::background())
            .await
            .map_err(|source| ApplyError::Request {
                object: r.to_string(),
                source,
            })?;
        reporter.report(Progress::Note(format!("pruned {r}")));
        pruned.push(r.clone());
    }
    let objects = serde_json::to_string(current).expect("refs serialize");
    let cm = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": inventory,
            "namespace": INVENTORY_NAMESPACE,
            "labels": {MANAGED_BY.0: MANAGED_BY.1},
        },
        "data": {"objects": objects},
    });
    maps.patch(
        &inventory,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(&cm),
    )
    .await
    .map_err(|source| ApplyError::Request {
        object: format!("ConfigMap {INVENTORY_NAMESPACE}/{inventory}"),
        source,
    })?;
    Ok(pruned)
}

/// The inventory ConfigMap's name.
pub fn inventory_name(platform: &str) -> String {
    format!("plinth-inventory-{platform}")
}

async fn wait_ready(
    resolver: &mut Resolver,
    refs: &[ObjectRef],
    wave: Wave,
    options: &ApplyOptions,
    reporter: &dyn Reporter,
) -> Result<(), ApplyError> {
    let start = Instant::now();
    loop {
        let mut waiting = Vec::new();
        for r in refs {
            let (api, _) = resolver.api(r).await?;
            let live = api
                .get_opt(&r.name)
                .await
                .map_err(|source| ApplyError::Request {
                    object: r.to_string(),
                    source,
                })?;
            let ready = live
                .map(|o| serde_json::to_value(o).unwrap_or_default())
                .is_some_and(|v| is_ready(&v));
            if !ready {
                waiting.push(r.to_string());
            }
        }
        if waiting.is_empty() {
            return Ok(());
        }
        if start.elapsed() >= options.wave_timeout {
            return Err(ApplyError::NotReady {
                wave: wave.dir().to_owned(),
                seconds: options.wave_timeout.as_secs(),
                waiting,
            });
        }
        reporter.report(Progress::Status {
            stack: format!("kubernetes {}", wave.dir()),
            status: format!("waiting for {}", waiting.join(", ")),
            done: refs.len() - waiting.len(),
            total: refs.len(),
        });
        tokio::time::sleep(options.poll).await;
    }
}

/// Whether a live object is ready, by kind: CRDs established, workloads available, Argo CD
/// applications synced and healthy, objects with a `Ready` condition ready. Kinds without a
/// notion of readiness are ready once they exist.
pub fn is_ready(o: &Value) -> bool {
    let status = &o["status"];
    let condition = |t: &str| {
        status["conditions"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["type"] == t && c["status"] == "True"))
    };
    let generation_seen = || {
        let generation = o["metadata"]["generation"].as_i64().unwrap_or(0);
        status["observedGeneration"].as_i64().unwrap_or(0) >= generation
    };
    match o["kind"].as_str().unwrap_or_default() {
        "CustomResourceDefinition" => condition("Established"),
        "Namespace" => status["phase"] == "Active",
        "Deployment" => {
            let want = o["spec"]["replicas"].as_i64().unwrap_or(1);
            generation_seen()
                && status["updatedReplicas"].as_i64().unwrap_or(0) >= want
                && status["availableReplicas"].as_i64().unwrap_or(0) >= want
        }
        "StatefulSet" => {
            let want = o["spec"]["replicas"].as_i64().unwrap_or(1);
            generation_seen() && status["readyReplicas"].as_i64().unwrap_or(0) >= want
        }
        "DaemonSet" => {
            generation_seen()
                && status["numberReady"].as_i64().unwrap_or(-1)
                    >= status["desiredNumberScheduled"].as_i64().unwrap_or(0)
        }
        "Application" => {
            status["health"]["status"] == "Healthy" && status["sync"]["status"] == "Synced"
        }
        _ => {
            status["conditions"]
                .as_array()
                .is_none_or(|cs| !cs.iter().any(|c| c["type"] == "Ready"))
                || condition("Ready")
        }
    }
}

/// Before the cluster goes: stop Argo CD's automated sync on plinth's Applications, delete
/// LoadBalancer Services and Ingresses and wait for them (their controllers delete the load
/// balancers first), then delete Karpenter NodePools and wait for its NodeClaims to go.
pub async fn drain(
    client: &kube::Client,
    reporter: &dyn Reporter,
    timeout: Duration,
    poll: Duration,
) -> Result<(), ApplyError> {
    let mut resolver = Resolver::new(client.clone());
    let apps = ObjectRef {
        api_version: "argoproj.io/v1alpha1".into(),
        kind: "Application".into(),
        namespace: Some("argocd".into()),
        name: String::new(),
    };
    if let Ok((api, _)) = resolver.api(&apps).await {
        let lp = ListParams::default().labels(&format!("{}={}", MANAGED_BY.0, MANAGED_BY.1));
        for app in list(&api, &lp, "Applications").await? {
            let name = app.metadata.name.unwrap_or_default();
            let patch = json!({"spec": {"syncPolicy": {"automated": null}}});
            api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .map_err(|source| ApplyError::Request {
                    object: format!("Application argocd/{name}"),
                    source,
                })?;
        }
    }
    let services: Api<DynamicObject> = Api::all_with(
        client.clone(),
        &ApiResource::erase::<k8s_openapi::api::core::v1::Service>(&()),
    );
    let ingresses: Api<DynamicObject> = Api::all_with(
        client.clone(),
        &ApiResource::erase::<k8s_openapi::api::networking::v1::Ingress>(&()),
    );
    let lb = |o: &DynamicObject| o.data["spec"]["type"] == "LoadBalancer";
    let mut doomed: Vec<(ApiResource, DynamicObject)> = Vec::new();
    let svc_ar = ApiResource::erase::<k8s_openapi::api::core::v1::Service>(&());
    let ing_ar = ApiResource::erase::<k8s_openapi::api::networking::v1::Ingress>(&());
    for s in list(&services, &ListParams::default(), "Services").await? {
        if lb(&s) {
            doomed.push((svc_ar.clone(), s));
        }
    }
    for i in list(&ingresses, &ListParams::default(), "Ingresses").await? {
        doomed.push((ing_ar.clone(), i));
    }
    delete_and_wait(client, &doomed, "load balancers", reporter, timeout, poll).await?;
    let pools = ObjectRef {
        api_version: "karpenter.sh/v1".into(),
        kind: "NodePool".into(),
        namespace: None,
        name: String::new(),
    };
    let claims = ObjectRef {
        kind: "NodeClaim".into(),
        ..pools.clone()
    };
    if let (Ok((pool_api, _)), Ok((claim_api, _))) =
        (resolver.api(&pools).await, resolver.api(&claims).await)
    {
        for p in list(&pool_api, &ListParams::default(), "NodePools").await? {
            let name = p.metadata.name.unwrap_or_default();
            pool_api
                .delete(&name, &DeleteParams::background())
                .await
                .map_err(|source| ApplyError::Request {
                    object: format!("NodePool {name}"),
                    source,
                })?;
        }
        let start = Instant::now();
        loop {
            let left = list(&claim_api, &ListParams::default(), "NodeClaims").await?;
            if left.is_empty() {
                break;
            }
            if start.elapsed() >= timeout {
                return Err(ApplyError::NotReady {
                    wave: "destroy: Karpenter nodes".into(),
                    seconds: timeout.as_secs(),
                    waiting: left
                        .into_iter()
                        .map(|c| format!("NodeClaim {}", c.metadata.name.unwrap_or_default()))
                        .collect(),
                });
            }
            reporter.report(Progress::Status {
                stack: "kubernetes".into(),
                status: format!("waiting for {} Karpenter nodes to terminate", left.len()),
                done: 0,
                total: 0,
            });
            tokio::time::sleep(poll).await;
        }
    }
    Ok(())
}

async fn delete_and_wait(
    client: &kube::Client,
    doomed: &[(ApiResource, DynamicObject)],
    what: &str,
    reporter: &dyn Reporter,
    timeout: Duration,
    poll: Duration,
) -> Result<(), ApplyError> {
    let api_for = |ar: &ApiResource, o: &DynamicObject| -> Api<DynamicObject> {
        match &o.metadata.namespace {
            Some(ns) => Api::namespaced_with(client.clone(), ns, ar),
            None => Api::all_with(client.clone(), ar),
        }
    };
    for (ar, o) in doomed {
        let name = o.metadata.name.clone().unwrap_or_default();
        api_for(ar, o)
            .delete(&name, &DeleteParams::foreground())
            .await
            .map_err(|source| ApplyError::Request {
                object: format!("{} {name}", ar.kind),
                source,
            })?;
    }
    let start = Instant::now();
    loop {
        let mut left = Vec::new();
        for (ar, o) in doomed {
            let name = o.metadata.name.clone().unwrap_or_default();
            let still =
                api_for(ar, o)
                    .get_opt(&name)
                    .await
                    .map_err(|source| ApplyError::Request {
                        object: format!("{} {name}", ar.kind),
                        source,
                    })?;
            if still.is_some() {
                left.push(format!("{} {name}", ar.kind));
            }
        }
        if left.is_empty() {
            return Ok(());
        }
        if start.elapsed() >= timeout {
            return Err(ApplyError::NotReady {
                wave: format!("destroy: {what}"),
                seconds: timeout.as_secs(),
                waiting: left,
            });
        }
        reporter.report(Progress::Status {
            stack: "kubernetes".into(),
            status: format!("waiting for {what}: {}", left.join(", ")),
            done: 0,
            total: 0,
        });
        tokio::time::sleep(poll).await;
    }
}

async fn list(
    api: &Api<DynamicObject>,
    lp: &ListParams,
    what: &str,
) -> Result<Vec<DynamicObject>, ApplyError> {
    Ok(api
        .list(lp)
        .await
        .map_err(|source| ApplyError::Request {
            object: what.to_owned(),
            source,
        })?
        .items)
}

/// Resolves kinds to API resources once per kind.
struct Resolver {
    client: kube::Client,
    known: BTreeMap<(String, String), (ApiResource, ApiCapabilities)>,
}

impl Resolver {
    fn new(client: kube::Client) -> Self {
        Self {
            client,
            known: BTreeMap::new(),
        }
    }

    async fn api(&mut self, r: &ObjectRef) -> Result<(Api<DynamicObject>, bool), ApplyError> {
        let key = (r.api_version.clone(), r.kind.clone());
        if !self.known.contains_key(&key) {
            let (group, version) = match r.api_version.split_once('/') {
                Some((g, v)) => (g, v),
                None => ("", r.api_version.as_str()),
            };
            let gvk = GroupVersionKind::gvk(group, version, &r.kind);
            let found = discovery::pinned_kind(&self.client, &gvk)
                .await
                .map_err(|_| ApplyError::UnknownKind(format!("{} {}", r.api_version, r.kind)))?;
            self.known.insert(key.clone(), found);
        }
        let (ar, caps) = &self.known[&key];
        let namespaced = caps.scope == Scope::Namespaced;
        let api = match (&r.namespace, namespaced) {
            (Some(ns), true) => Api::namespaced_with(self.client.clone(), ns, ar),
            (None, true) => Api::namespaced_with(self.client.clone(), "default", ar),
            (_, false) => Api::all_with(self.client.clone(), ar),
        };
        Ok((api, namespaced))
    }
}

/// An object without the fields every write touches, for comparing a dry run with the live
/// object.
fn comparable(o: &DynamicObject) -> Value {
    let mut v = serde_json::to_value(o).unwrap_or_default();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["managedFields", "resourceVersion", "generation"] {
            meta.remove(k);
        }
    }
    v
}

impl ObjectRef {
    /// The identity of a manifest object.
    ///
    /// # Errors
    /// When the object lacks its apiVersion, kind or name.
    pub fn of(o: &Value) -> Result<Self, ApplyError> {
        object_ref(o)
    }
}

fn object_ref(o: &Value) -> Result<ObjectRef, ApplyError> {
    Ok(ObjectRef {
        api_version: o["apiVersion"]
            .as_str()
            .ok_or(ApplyError::Malformed("apiVersion"))?
            .to_owned(),
        kind: o["kind"]
            .as_str()
            .ok_or(ApplyError::Malformed("kind"))?
            .to_owned(),
        namespace: o["metadata"]["namespace"].as_str().map(str::to_owned),
        name: o["metadata"]["name"]
            .as_str()
            .ok_or(ApplyError::Malformed("metadata.name"))?
            .to_owned(),
    })
}

/// Definitions and namespaces first, then identities and configuration, then workloads.
fn kind_rank(kind: &str) -> u8 {
    match kind {
        "CustomResourceDefinition" => 0,
        "Namespace" => 1,
        "StorageClass" | "PriorityClass" => 2,
        "ServiceAccount" | "ClusterRole" | "Role" => 3,
        "ClusterRoleBinding" | "RoleBinding" => 4,
        "ConfigMap" | "Secret" | "SecretProviderClass" => 5,
        "Service" => 6,
        _ => 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_by_kind() {
        let deploy = |avail: i64| {
            json!({"kind": "Deployment", "metadata": {"generation": 2},
                   "spec": {"replicas": 2},
                   "status": {"observedGeneration": 2, "updatedReplicas": 2, "availableReplicas": avail}})
        };
        assert!(is_ready(&deploy(2)));
        assert!(!is_ready(&deploy(1)));
        let app = |h: &str| json!({"kind": "Application", "status": {"health": {"status": h}, "sync": {"status": "Synced"}}});
        assert!(is_ready(&app("Healthy")));
        assert!(!is_ready(&app("Progressing")));
        let crd = json!({"kind": "CustomResourceDefinition",
                         "status": {"conditions": [{"type": "Established", "status": "True"}]}});
        assert!(is_ready(&crd));
        let pool = |s: &str| json!({"kind": "NodePool", "status": {"conditions": [{"type": "Ready", "status": s}]}});
        assert!(is_ready(&pool("True")));
        assert!(!is_ready(&pool("False")));
        assert!(is_ready(&json!({"kind": "ConfigMap"})));
        assert!(!is_ready(
            &json!({"kind": "Namespace", "status": {"phase": "Terminating"}})
        ));
    }

    #[test]
    fn definitions_and_namespaces_sort_first() {
        let mut kinds = vec![
            "Deployment",
            "Namespace",
            "ServiceAccount",
            "CustomResourceDefinition",
        ];
        kinds.sort_by_key(|k| kind_rank(k));
        assert_eq!(
            kinds,
            vec![
                "CustomResourceDefinition",
                "Namespace",
                "ServiceAccount",
                "Deployment"
            ]
        );
    }
}
