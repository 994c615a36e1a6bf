//! Keeping Secrets Manager secrets synced into a namespace for workloads that read Kubernetes
//! Secrets but cannot mount the CSI volume themselves: an operator that must read a password
//! before it creates any pod, or a chart whose migration job starts first.
//!
//! The Secrets Store CSI driver creates the synced Secrets when a pod mounts the volume and
//! deletes them when the last such pod goes, so a small Deployment mounts it for good: two
//! replicas on different nodes behind a PodDisruptionBudget, so draining a node never takes the
//! Secrets away. Its probes check that the mounted secret is there, which is what it is for.

use std::collections::BTreeMap;

use plinth_spec::Platform;
use serde_json::{Value, json};

use super::labels::{labels, selector};

/// busybox (Docker official image), for `test` and `sleep`.
const IMAGE: &str = "busybox:1.37.0";
/// Where the secrets volume is mounted.
const MOUNT: &str = "/mnt/secrets";

/// What to sync, and where.
pub struct SecretSync<'a> {
    /// Namespace.
    pub namespace: &'a str,
    /// `app.kubernetes.io/part-of` of the objects.
    pub part_of: &'a str,
    /// Service account the pods run as; the role that reads the secrets is bound to it.
    pub service_account: &'a str,
    /// The SecretProviderClass to mount.
    pub class: &'a str,
    /// A file of the mounted volume (an object alias) whose presence means the sync works.
    pub probe_file: &'a str,
}

/// The service account, the Deployment and its PodDisruptionBudget.
pub fn objects(p: &Platform, s: &SecretSync<'_>) -> Vec<Value> {
    let name = format!("{}-secret-sync", s.part_of);
    let select = selector(s.part_of, "secret-sync");
    let mut pod_labels = labels(p, s.part_of, "secret-sync");
    pod_labels.extend(select.clone());
    let probe = |period: u32| {
        json!({
            "exec": { "command": ["test", "-s", format!("{MOUNT}/{}", s.probe_file)] },
            "periodSeconds": period,
        })
    };
    let metadata = |name: &str| json!({ "name": name, "namespace": s.namespace, "labels": labels(p, s.part_of, "secret-sync") });
    vec![
        json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": metadata(s.service_account),
            "automountServiceAccountToken": false,
        }),
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": metadata(&name),
            "spec": {
                "replicas": 2,
                "selector": { "matchLabels": select },
                "template": {
                    "metadata": { "labels": pod_labels },
                    "spec": {
                        "serviceAccountName": s.service_account,
                        "automountServiceAccountToken": false,
                        "securityContext": {
                            "runAsNonRoot": true,
                            "runAsUser": 65_534,
                            "runAsGroup": 65_534,
                            "seccompProfile": { "type": "RuntimeDefault" },
                        },
                        "topologySpreadConstraints": [{
                            "maxSkew": 1,
                            "topologyKey": "kubernetes.io/hostname",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": { "matchLabels": select },
                        }],
                        "containers": [{
                            "name": "hold",
                            "image": IMAGE,
                            // Sleeps until told to stop; the volume is the point.
                            "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done"],
                            "resources": {
                                "requests": { "cpu": "5m", "memory": "8Mi" },
                                "limits": { "cpu": "50m", "memory": "16Mi" },
                            },
                            "securityContext": {
                                "allowPrivilegeEscalation": false,
                                "readOnlyRootFilesystem": true,
                                "capabilities": { "drop": ["ALL"] },
                            },
                            "readinessProbe": probe(10),
                            "livenessProbe": probe(60),
                            "volumeMounts": [{ "name": "secrets", "mountPath": MOUNT, "readOnly": true }],
                        }],
                        "volumes": [{
                            "name": "secrets",
                            "csi": {
                                "driver": "secrets-store.csi.k8s.io",
                                "readOnly": true,
                                "volumeAttributes": BTreeMap::from([("secretProviderClass", s.class)]),
                            },
                        }],
                    },
                },
            },
        }),
        json!({
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": metadata(&name),
            "spec": { "minAvailable": 1, "selector": { "matchLabels": select } },
        }),
    ]
}
