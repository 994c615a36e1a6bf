//! The Vertical Pod Autoscaler in recommendation mode (`addons.verticalPodAutoscaler`).
//!
//! Only the recommender runs: the updater (which evicts pods to resize them) and the admission
//! controller (which rewrites requests of new pods) are off, so the VPA changes nothing in the
//! cluster. It reads usage from the metrics API (metrics-server, which plinth always installs)
//! and writes recommendations into the status of `VerticalPodAutoscaler` objects, which
//! `kubectl describe vpa -A` shows.
//!
//! Which workloads get one: every Deployment and StatefulSet plinth writes itself in the
//! workloads wave (application services, Druid's components, the secret-sync Deployments),
//! found by reading the rendered objects, so a workload added later is covered without a list
//! to keep; and the StatefulSet the MongoDB operator makes of plinth's `MongoDBCommunity`,
//! which the operator names after it (pods `NAME-0`, `NAME-1`, …). Each
//! `VerticalPodAutoscaler` goes into the same file right after the object it follows, so with
//! GitOps it belongs to the same Application (and team project). Other workloads that charts
//! and operators create (Airflow's, Kafka's brokers, which Strimzi runs as `StrimziPodSet`s,
//! the addons) have names that belong to the chart or operator and get none.
//!
//! Chart: Fairwinds' `vpa` (<https://github.com/FairwindsOps/charts/tree/master/stable/vpa>,
//! repository `https://charts.fairwinds.com/stable`), which packages the kubernetes/autoscaler
//! project's components and ships the `autoscaling.k8s.io/v1` CRDs in its `crds/` directory;
//! chart 4.10.1 carries VPA 1.4.1
//! (<https://github.com/FairwindsOps/charts/issues/1678>).

use plinth_spec::Platform;
use serde_json::{Value, json};

use super::addons::Release;
use super::{Content, ManifestFile, Wave};

/// Namespace of the recommender.
pub const NAMESPACE: &str = "vpa";
/// Release and Application name.
pub const RELEASE: &str = "vpa";

/// The chart's release, when the spec enables the VPA.
pub fn releases(p: &Platform) -> Vec<Release> {
    let Some(version) = &p.addons.vertical_pod_autoscaler else {
        return Vec::new();
    };
    // The namespace enforces Pod Security `restricted`; the chart's defaults set only
    // runAsNonRoot and runAsUser, so the rest of what the level asks is set here.
    let pod = json!({
        "runAsNonRoot": true,
        "runAsUser": 65_534,
        "runAsGroup": 65_534,
        "seccompProfile": { "type": "RuntimeDefault" },
    });
    let container = json!({
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "capabilities": { "drop": ["ALL"] },
    });
    vec![Release {
        name: RELEASE,
        namespace: NAMESPACE,
        repo: "https://charts.fairwinds.com/stable",
        chart: "vpa",
        version: version.clone(),
        pinned_in: Some("/addons/verticalPodAutoscaler/version"),
        values: json!({
            "recommender": {
                "enabled": true,
                "podSecurityContext": pod,
                "securityContext": container,
            },
            // Recommendation mode: nothing evicts pods or rewrites their requests.
            "updater": { "enabled": false },
            "admissionController": { "enabled": false },
            // plinth installs metrics-server itself.
            "metrics-server": { "enabled": false },
        }),
        sync_wave: 0,
    }]
}

/// Adds a `VerticalPodAutoscaler` in recommendation mode after every Deployment and
/// StatefulSet of the workloads wave, in the same file.
pub fn attach(p: &Platform, files: &mut [ManifestFile]) {
    if p.addons.vertical_pod_autoscaler.is_none() {
        return;
    }
    for f in files.iter_mut().filter(|f| f.wave == Wave::Workloads) {
        let Content::Objects(objects) = &mut f.content else {
            continue;
        };
        *objects = std::mem::take(objects)
            .into_iter()
            .flat_map(|o| {
                let vpa = recommender(&o);
                std::iter::once(o).chain(vpa)
            })
            .collect();
    }
}

/// The `VerticalPodAutoscaler` following an object, if the object is (or makes) a workload it
/// covers: the object's name, namespace and labels, `updateMode: "Off"`.
fn recommender(object: &Value) -> Option<Value> {
    let kind = match (object["apiVersion"].as_str()?, object["kind"].as_str()?) {
        ("apps/v1", kind @ ("Deployment" | "StatefulSet")) => kind,
        ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity") => "StatefulSet",
        _ => return None,
    };
    let m = &object["metadata"];
    Some(json!({
        "apiVersion": "autoscaling.k8s.io/v1",
        "kind": "VerticalPodAutoscaler",
        "metadata": { "name": m["name"], "namespace": m["namespace"], "labels": m["labels"] },
        "spec": {
            "targetRef": { "apiVersion": "apps/v1", "kind": kind, "name": m["name"] },
            "updatePolicy": { "updateMode": "Off" },
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_deployments_and_stateful_sets_get_one() {
        let deployment = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": { "name": "api", "namespace": "shop", "labels": { "a": "b" } },
        });
        let vpa = recommender(&deployment).expect("a Deployment gets one");
        assert_eq!(vpa["spec"]["targetRef"]["kind"], "Deployment");
        assert_eq!(vpa["spec"]["targetRef"]["name"], "api");
        assert_eq!(vpa["metadata"]["namespace"], "shop");
        assert_eq!(vpa["spec"]["updatePolicy"]["updateMode"], "Off");
        let mut set = deployment.clone();
        set["kind"] = json!("StatefulSet");
        assert_eq!(
            recommender(&set).unwrap()["spec"]["targetRef"]["kind"],
            "StatefulSet"
        );
        for kind in ["DaemonSet", "Service", "PodDisruptionBudget"] {
            let mut other = deployment.clone();
            other["kind"] = json!(kind);
            assert!(recommender(&other).is_none(), "{kind}");
        }
        let mut wrong_group = deployment.clone();
        wrong_group["apiVersion"] = json!("example.com/v1");
        assert!(recommender(&wrong_group).is_none());
    }

    #[test]
    fn a_mongodb_replica_set_gets_one_for_the_operators_stateful_set() {
        let rs = json!({
            "apiVersion": "mongodbcommunity.mongodb.com/v1", "kind": "MongoDBCommunity",
            "metadata": { "name": "x-mongodb", "namespace": "mongodb", "labels": {} },
        });
        let target = &recommender(&rs).expect("a replica set gets one")["spec"]["targetRef"];
        assert_eq!(target["kind"], "StatefulSet");
        assert_eq!(target["name"], "x-mongodb");
    }
}
