//! The Kubernetes phase against a mocked API server (`tower-test`): the real kube-rs client
//! and plinth's apply code, with a small in-memory API server answering discovery, GET,
//! server-side apply PATCH and DELETE. Checks wave order, the apply requests themselves,
//! readiness waits, pruning by inventory, and that a second apply changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Request, Response, StatusCode};
use kube::client::Body;
use plinth_deploy::engine::Quiet;
use plinth_deploy::kubernetes::{ApplyOptions, ObjectRef, apply_waves};
use plinth_synth::k8s::{Content, ManifestFile, Wave};
use serde_json::{Value, json};

/// One request the fake server saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: String,
    content_type: String,
}

#[derive(Default)]
struct Server {
    objects: BTreeMap<String, Value>,
    seen: Vec<Seen>,
    version: u64,
    /// GETs of a Deployment answer "not ready" this many times after each apply.
    not_ready_polls: BTreeMap<String, u32>,
}

/// kind → (group/version, plural, namespaced)
fn kinds() -> Vec<(&'static str, &'static str, &'static str, bool)> {
    vec![
        ("Namespace", "v1", "namespaces", false),
        ("ConfigMap", "v1", "configmaps", true),
        ("Deployment", "apps/v1", "deployments", true),
        ("Application", "argoproj.io/v1alpha1", "applications", true),
    ]
}

fn discovery(gv: &str) -> Option<Value> {
    let resources: Vec<Value> = kinds()
        .into_iter()
        .filter(|(_, g, _, _)| *g == gv)
        .map(|(kind, _, plural, namespaced)| {
            json!({"name": plural, "singularName": "", "namespaced": namespaced, "kind": kind,
                   "verbs": ["get", "list", "patch", "delete", "create", "update", "watch"]})
        })
        .collect();
    (!resources.is_empty()).then(|| {
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
    })
}

fn respond(status: StatusCode, body: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

fn not_found(path: &str) -> Response<Body> {
    respond(
        StatusCode::NOT_FOUND,
        &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                "message": format!("{path} not found"), "reason": "NotFound", "code": 404}),
    )
}

/// What a live object's status is once its controllers have acted.
fn settle(o: &mut Value) {
    match o["kind"].as_str().unwrap() {
        "Namespace" => o["status"] = json!({"phase": "Active"}),
        "Deployment" => {
            let r = o["spec"]["replicas"].as_i64().unwrap_or(1);
            o["status"] = json!({"observedGeneration": o["metadata"]["generation"],
                                 "updatedReplicas": r, "availableReplicas": r});
        }
        "Application" => {
            o["status"] = json!({"health": {"status": "Healthy"}, "sync": {"status": "Synced"}});
        }
        _ => {}
    }
}

async fn handle(server: Arc<Mutex<Server>>, req: Request<Body>) -> Response<Body> {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let content_type = req
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = req.into_body().collect_bytes().await.unwrap();
    let mut s = server.lock().unwrap();
    s.seen.push(Seen {
        method: method.clone(),
        path: path.clone(),
        query,
        content_type,
    });
    if method == "GET"
        && let Some(gv) = path
            .strip_prefix("/api/")
            .or_else(|| path.strip_prefix("/apis/"))
        && let Some(d) = discovery(gv)
    {
        return respond(StatusCode::OK, &d);
    }
    match method.as_str() {
        "GET" => {
            let polls = s.not_ready_polls.get(&path).copied().unwrap_or(0);
            match s.objects.get(&path).cloned() {
                Some(mut o) => {
                    if polls > 0 {
                        s.not_ready_polls.insert(path.clone(), polls - 1);
                        o["status"] = json!({"availableReplicas": 0});
                    }
                    respond(StatusCode::OK, &o)
                }
                None => not_found(&path),
            }
        }
        "PATCH" => {
            let mut applied: Value = serde_json::from_slice(&body).unwrap();
            let previous = s.objects.get(&path).cloned();
            let same = previous.as_ref().is_some_and(|p| {
                let mut p = p.clone();
                p["metadata"]
                    .as_object_mut()
                    .unwrap()
                    .remove("resourceVersion");
                p["metadata"].as_object_mut().unwrap().remove("generation");
                p.as_object_mut().unwrap().remove("status");
                p == applied
            });
            if same {
                return respond(StatusCode::OK, previous.as_ref().unwrap());
            }
            s.version += 1;
            applied["metadata"]["resourceVersion"] = json!(s.version.to_string());
            applied["metadata"]["generation"] = json!(1);
            let dry_run = s.seen.last().unwrap().query.contains("dryRun=All");
            settle(&mut applied);
            if applied["kind"] == "Deployment" && !dry_run {
                s.not_ready_polls.insert(path.clone(), 2);
            }
            if !dry_run {
                s.objects.insert(path, applied.clone());
            }
            respond(StatusCode::OK, &applied)
        }
        "DELETE" => match s.objects.remove(&path) {
            Some(_) => respond(
                StatusCode::OK,
                &json!({"kind": "Status", "apiVersion": "v1", "status": "Success"}),
            ),
            None => not_found(&path),
        },
        _ => not_found(&path),
    }
}

fn client(server: Arc<Mutex<Server>>) -> kube::Client {
    let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    tokio::spawn(async move {
        while let Some((req, send)) = handle.next_request().await {
            send.send_response(handle_sync(server.clone(), req).await);
        }
    });
    kube::Client::new(service, "default")
}

async fn handle_sync(server: Arc<Mutex<Server>>, req: Request<Body>) -> Response<Body> {
    handle(server, req).await
}

fn labels() -> Value {
    json!({"app.kubernetes.io/managed-by": "plinth"})
}

fn manifests() -> Vec<ManifestFile> {
    let file = |path: &str, wave, objects: Vec<Value>| ManifestFile {
        path: path.to_owned(),
        wave,
        content: Content::Objects(objects),
    };
    vec![
        file(
            "kubernetes/40-workloads/druid.yaml",
            Wave::Workloads,
            vec![
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": {"name": "router", "namespace": "druid", "labels": labels()},
                       "spec": {"replicas": 2}}),
                json!({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": "config", "namespace": "druid", "labels": labels()},
                       "data": {"a": "1"}}),
            ],
        ),
        file(
            "kubernetes/20-addons/applications.yaml",
            Wave::Addons,
            vec![
                json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                        "metadata": {"name": "cert-manager", "namespace": "argocd", "labels": labels()},
                        "spec": {"project": "default"}}),
            ],
        ),
        file(
            "kubernetes/10-foundation/namespaces.yaml",
            Wave::Foundation,
            vec![json!({"apiVersion": "v1", "kind": "Namespace",
                        "metadata": {"name": "druid", "labels": labels()}})],
        ),
    ]
}

fn options(dry_run: bool) -> ApplyOptions {
    ApplyOptions {
        platform: "acme".to_owned(),
        wave_timeout: Duration::from_secs(600),
        poll: Duration::from_secs(5),
        dry_run,
        handed_over: BTreeSet::new(),
    }
}

const INVENTORY: &str = "/api/v1/namespaces/kube-system/configmaps/plinth-inventory-acme";

fn seeded() -> Arc<Mutex<Server>> {
    let mut s = Server::default();
    // Last deploy applied old-config, which the spec no longer has; foreign is someone else's.
    for (name, labelled) in [("old-config", true), ("foreign", false)] {
        let mut o = json!({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": name, "namespace": "druid", "resourceVersion": "1"}});
        if labelled {
            o["metadata"]["labels"] = labels();
        }
        s.objects
            .insert(format!("/api/v1/namespaces/druid/configmaps/{name}"), o);
    }
    let previous = json!([
        {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "druid", "name": "old-config"},
        {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "druid", "name": "foreign"},
        {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "druid", "name": "config"}
    ]);
    s.objects.insert(
        INVENTORY.to_owned(),
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "plinth-inventory-acme", "namespace": "kube-system", "resourceVersion": "1"},
               "data": {"objects": previous.to_string()}}),
    );
    Arc::new(Mutex::new(s))
}

#[tokio::test(start_paused = true)]
async fn waves_apply_in_order_wait_for_readiness_and_prune() {
    let server = seeded();
    let applied = apply_waves(
        &client(server.clone()),
        &manifests(),
        &options(false),
        &Quiet,
    )
    .await
    .unwrap();
    {
        let s = server.lock().unwrap();
        let patches: Vec<&Seen> = s.seen.iter().filter(|r| r.method == "PATCH").collect();
        let paths: Vec<&str> = patches.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "/api/v1/namespaces/druid",
                "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/cert-manager",
                "/api/v1/namespaces/druid/configmaps/config",
                "/apis/apps/v1/namespaces/druid/deployments/router",
                INVENTORY,
            ],
            "foundation, addons, then workloads (configuration before the Deployment), then the inventory"
        );
        for p in &patches {
            assert_eq!(p.content_type, "application/apply-patch+yaml", "{}", p.path);
            assert!(p.query.contains("fieldManager=plinth"), "{}", p.query);
            assert!(p.query.contains("force=true"), "{}", p.query);
        }
        // The Deployment answered "not ready" twice before it was available: the workloads wave
        // polled it until then.
        let router_gets = s
            .seen
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with("/deployments/router"))
            .count();
        assert!(
            router_gets >= 4,
            "one GET before apply, three readiness polls: {router_gets}"
        );
        let deletes: Vec<&str> = s
            .seen
            .iter()
            .filter(|r| r.method == "DELETE")
            .map(|r| r.path.as_str())
            .collect();
        assert_eq!(
            deletes,
            vec!["/api/v1/namespaces/druid/configmaps/old-config"],
            "only the labelled object that left the spec is pruned"
        );
        assert!(
            s.objects
                .contains_key("/api/v1/namespaces/druid/configmaps/foreign")
        );
        let inventory: Vec<Value> =
            serde_json::from_str(s.objects[INVENTORY]["data"]["objects"].as_str().unwrap())
                .unwrap();
        // The namespace, the Application, the ConfigMap and the Deployment.
        assert_eq!(
            inventory.len(),
            4,
            "the new inventory lists what was applied"
        );
        assert_eq!(applied.pruned.len(), 1);
        assert_eq!(applied.changed.len(), 4);
    }

    // The same manifests again: nothing changes, nothing is pruned.
    let again = apply_waves(
        &client(server.clone()),
        &manifests(),
        &options(false),
        &Quiet,
    )
    .await
    .unwrap();
    assert!(again.changed.is_empty(), "{:?}", again.changed);
    assert!(again.pruned.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_dry_run_reports_changes_and_persists_nothing() {
    let server = seeded();
    let before = server.lock().unwrap().objects.clone();
    let applied = apply_waves(
        &client(server.clone()),
        &manifests(),
        &options(true),
        &Quiet,
    )
    .await
    .unwrap();
    let s = server.lock().unwrap();
    assert_eq!(
        s.objects, before,
        "a dry run stores nothing and prunes nothing"
    );
    assert!(
        s.seen
            .iter()
            .filter(|r| r.method == "PATCH")
            .all(|r| r.query.contains("dryRun=All"))
    );
    assert!(!s.seen.iter().any(|r| r.method == "DELETE"));
    assert_eq!(applied.changed.len(), 4, "all four objects are new");
}

#[tokio::test(start_paused = true)]
async fn a_missing_argo_cd_is_named() {
    let server = seeded();
    let mut files = manifests();
    files[1].content = Content::Objects(vec![json!({
        "apiVersion": "argoproj.io/v1beta9", "kind": "Application",
        "metadata": {"name": "x", "namespace": "argocd"}})]);
    let err = apply_waves(&client(server), &files, &options(false), &Quiet)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("Argo CD must be installed"),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn after_a_hand_over_what_argo_cd_delivers_is_neither_applied_nor_pruned() {
    let server = seeded();
    // Argo CD now delivers the workloads; old-config, which the last deploy applied and a
    // direct apply would prune, is among what it delivers.
    let delivered = |kind: &str, api: &str, name: &str| ObjectRef {
        api_version: api.to_owned(),
        kind: kind.to_owned(),
        namespace: Some("druid".to_owned()),
        name: name.to_owned(),
    };
    let mut options = options(false);
    options.handed_over = BTreeSet::from([
        delivered("ConfigMap", "v1", "old-config"),
        delivered("Deployment", "apps/v1", "router"),
    ]);
    let foundation: Vec<ManifestFile> = manifests()
        .into_iter()
        .filter(|f| f.wave == Wave::Foundation)
        .collect();
    let applied = apply_waves(&client(server.clone()), &foundation, &options, &Quiet)
        .await
        .unwrap();
    let s = server.lock().unwrap();
    let patched: Vec<&str> = s
        .seen
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(patched, ["/api/v1/namespaces/druid", INVENTORY]);
    assert!(
        s.objects
            .contains_key("/api/v1/namespaces/druid/configmaps/old-config"),
        "a delivered object is not pruned"
    );
    assert!(applied.pruned.is_empty(), "{:?}", applied.pruned);
    let inventory: BTreeSet<ObjectRef> =
        serde_json::from_str(s.objects[INVENTORY]["data"]["objects"].as_str().unwrap()).unwrap();
    assert_eq!(
        inventory.len(),
        3,
        "the namespace plinth applied and the two objects Argo CD delivers: {inventory:?}"
    );
    assert!(inventory.contains(&delivered("Deployment", "apps/v1", "router")));
}

/// `plinth deploy` reaches EKS over TLS. Building that client sets up rustls, which must find
/// exactly one crypto provider: with two compiled in and none installed it panics, which no
/// mocked API server would notice. The CA is a throwaway self-signed certificate (its key was
/// not kept), base64 PEM as EKS reports it.
#[tokio::test]
async fn the_client_for_a_real_cluster_builds_its_tls_configuration() {
    use base64::Engine as _;
    let pem = include_str!("cluster-ca.pem");
    let access = plinth_deploy::kubernetes::ClusterAccess {
        name: "data-analytics-eks".to_owned(),
        endpoint: "https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com".to_owned(),
        certificate_authority: base64::engine::general_purpose::STANDARD.encode(pem),
        region: "eu-west-1".to_owned(),
    };
    assert_eq!(access.ca_der().unwrap().len(), 1);
    let client = access.client("k8s-aws-v1.not-a-real-token".to_owned());
    assert!(client.is_ok(), "{:?}", client.err());
}
