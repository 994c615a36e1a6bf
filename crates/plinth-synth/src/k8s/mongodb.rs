//! A MongoDB replica set in namespace `mongodb`, run by the MongoDB Controllers for
//! Kubernetes (chart `mongodb-kubernetes` 1.6.1 from <https://mongodb.github.io/helm-charts>,
//! the maintained successor of the community operator, which reconciles the same
//! `MongoDBCommunity` resource; values from the chart's `values.yaml` in
//! mongodb/mongodb-kubernetes).
//!
//! Every user's password is generated in Secrets Manager (`{id}-mongodb-{user}`) and synced
//! into the Secret its `passwordSecretRef` names; the operator reads those before it creates a
//! single pod, so `mongodb-secret-sync` (see `secret_sync`) holds them. Members keep their data
//! on encrypted gp3 volumes, spread over zones, and pass Pod Security `restricted`: the
//! operator's StatefulSet is merged with the security contexts set here. Clients connect with
//! SCRAM on 27017 from the namespaces the spec and plinth's own workloads name.

use plinth_spec::Platform;
use plinth_spec::model::{MONGODB_NAMESPACE, MongoDb, MongoUser};
use serde_json::{Value, json};

use super::addons::Release;
use super::foundation::STORAGE_CLASS;
use super::labels::labels;
use super::secret_sync::{self, SecretSync};
use super::{ManifestFile, Wave};

/// mongodb-kubernetes chart version (operator 1.6.1), from its `values.yaml`.
pub const OPERATOR_CHART: &str = "1.6.1";
/// Release name of the operator.
pub const OPERATOR_RELEASE: &str = "mongodb-kubernetes";
/// Name of the replica set; members are `mongodb-0`, `mongodb-1`, …
pub const REPLICA_SET: &str = "mongodb";
/// Service account of the secret sync; the role that reads the user secrets is bound to it.
pub const SECRETS_SERVICE_ACCOUNT: &str = "mongodb-secrets";
/// The SecretProviderClass of the user secrets.
const SECRETS_CLASS: &str = "mongodb-secrets";
/// MongoDB's port.
const PORT: u16 = 27017;
/// Port of the operator's validating webhook (its default, `MDB_WEBHOOK_PORT`).
const WEBHOOK_PORT: u16 = 1993;
/// UID and GID the operator runs MongoDB's containers as.
const MONGODB_UID: u32 = 2000;
/// Size of each member's log volume, GiB.
const LOGS_GIB: u32 = 2;

/// The Kubernetes Secret holding a user's password (key `password`).
pub fn password_secret(user: &MongoUser) -> String {
    format!("mongodb-{}-password", user.name)
}

/// The operator's release.
pub fn releases(p: &Platform) -> Vec<Release> {
    if p.mongodb.is_none() {
        return Vec::new();
    }
    vec![Release {
        name: OPERATOR_RELEASE,
        namespace: MONGODB_NAMESPACE,
        repo: "https://mongodb.github.io/helm-charts",
        chart: "mongodb-kubernetes",
        version: OPERATOR_CHART.to_owned(),
        pinned_in: None,
        values: operator_values(),
        sync_wave: 0,
    }]
}

/// The workloads-wave file `mongodb.yaml`.
pub fn files(p: &Platform) -> Vec<ManifestFile> {
    let Some(m) = &p.mongodb else {
        return Vec::new();
    };
    let mut objects = vec![secret_provider_class(p, m)];
    objects.extend(secret_sync::objects(
        p,
        &SecretSync {
            namespace: MONGODB_NAMESPACE,
            part_of: "mongodb",
            service_account: SECRETS_SERVICE_ACCOUNT,
            class: SECRETS_CLASS,
            probe_file: &password_secret(&m.users[0]),
        },
    ));
    objects.push(replica_set(p, m));
    objects.push(disruption_budget(p));
    objects.extend(network_policies(p, m));
    vec![ManifestFile::objects(Wave::Workloads, "mongodb", objects)]
}

/// The operator reconciles `MongoDBCommunity` resources in its own namespace only, and runs
/// restricted.
fn operator_values() -> Value {
    json!({
        "operator": {
            "watchNamespace": MONGODB_NAMESPACE,
            "watchedResources": ["mongodbcommunity"],
            "enableClusterMongoDBRoles": false,
            "resources": {
                "requests": { "cpu": "100m", "memory": "200Mi" },
                "limits": { "memory": "512Mi" },
            },
            "podSecurityContext": {
                "runAsNonRoot": true,
                "runAsUser": 2000,
                "seccompProfile": { "type": "RuntimeDefault" },
            },
            "securityContext": {
                "allowPrivilegeEscalation": false,
                "capabilities": { "drop": ["ALL"] },
            },
        },
    })
}

fn secret_provider_class(p: &Platform, m: &MongoDb) -> Value {
    let objects: Vec<Value> = m
        .users
        .iter()
        .map(|u| {
            json!({
                "objectName": p.names.mongodb(&u.name),
                "objectType": "secretsmanager",
                "jmesPath": [{ "path": "password", "objectAlias": password_secret(u) }],
            })
        })
        .collect();
    let sync: Vec<Value> = m
        .users
        .iter()
        .map(|u| {
            let secret = password_secret(u);
            json!({
                "secretName": secret,
                "type": "Opaque",
                "data": [{ "objectName": secret, "key": "password" }],
            })
        })
        .collect();
    json!({
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": { "name": SECRETS_CLASS, "namespace": MONGODB_NAMESPACE, "labels": labels(p, "mongodb", "secrets") },
        "spec": {
            "provider": "aws",
            "parameters": {
                "region": p.aws.region,
                "usePodIdentity": "true",
                "objects": super::provider_objects(&objects),
            },
            "secretObjects": sync,
        },
    })
}

fn restricted_container(name: &str) -> Value {
    json!({
        "name": name,
        "securityContext": {
            "allowPrivilegeEscalation": false,
            "capabilities": { "drop": ["ALL"] },
            "runAsNonRoot": true,
        },
    })
}

/// The replica set: SCRAM users, volumes on the encrypted StorageClass, members spread over
/// zones; containers are merged by name into the operator's StatefulSet.
fn replica_set(p: &Platform, m: &MongoDb) -> Value {
    let users: Vec<Value> = m
        .users
        .iter()
        .map(|u| {
            let roles = if u.admin {
                json!([
                    { "name": "clusterAdmin", "db": "admin" },
                    { "name": "userAdminAnyDatabase", "db": "admin" },
                    { "name": "readWriteAnyDatabase", "db": "admin" },
                ])
            } else {
                json!([{ "name": "readWrite", "db": u.database }])
            };
            json!({
                "name": u.name,
                "db": if u.admin { "admin" } else { u.database.as_str() },
                "passwordSecretRef": { "name": password_secret(u) },
                "roles": roles,
                "scramCredentialsSecretName": format!("{}-scram", u.name),
            })
        })
        .collect();
    let r = &m.resources;
    let mut limits = json!({ "memory": r.memory_limit });
    if let Some(cpu) = &r.cpu_limit {
        limits["cpu"] = json!(cpu);
    }
    let mut mongod = restricted_container("mongod");
    mongod["resources"] =
        json!({ "requests": { "cpu": r.cpu, "memory": r.memory }, "limits": limits });
    let mut agent = restricted_container("mongodb-agent");
    agent["resources"] = json!({
        "requests": { "cpu": "50m", "memory": "200Mi" },
        "limits": { "memory": "500Mi" },
    });
    let claim = |name: &str, gib: u32| {
        json!({
            "metadata": { "name": name },
            "spec": {
                "storageClassName": STORAGE_CLASS,
                "accessModes": ["ReadWriteOnce"],
                "resources": { "requests": { "storage": format!("{gib}Gi") } },
            },
        })
    };
    let members = json!({ "matchLabels": { "app": format!("{REPLICA_SET}-svc") } });
    json!({
        "apiVersion": "mongodbcommunity.mongodb.com/v1",
        "kind": "MongoDBCommunity",
        "metadata": { "name": REPLICA_SET, "namespace": MONGODB_NAMESPACE, "labels": labels(p, "mongodb", "database") },
        "spec": {
            "type": "ReplicaSet",
            "members": m.members,
            "version": m.version,
            "security": { "authentication": { "modes": ["SCRAM"] } },
            "users": users,
            "statefulSet": { "spec": {
                "volumeClaimTemplates": [claim("data-volume", m.storage_gib), claim("logs-volume", LOGS_GIB)],
                "template": { "spec": {
                    "securityContext": {
                        "runAsNonRoot": true,
                        "runAsUser": MONGODB_UID,
                        "runAsGroup": MONGODB_UID,
                        "fsGroup": MONGODB_UID,
                        "seccompProfile": { "type": "RuntimeDefault" },
                    },
                    "containers": [mongod, agent],
                    "initContainers": [
                        restricted_container("mongod-posthook"),
                        restricted_container("mongodb-agent-readinessprobe"),
                    ],
                    "topologySpreadConstraints": [
                        { "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": members },
                        { "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": members },
                    ],
                } },
            } },
        },
    })
}

/// One member down at a time, so drains keep a majority.
fn disruption_budget(p: &Platform) -> Value {
    json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": { "name": REPLICA_SET, "namespace": MONGODB_NAMESPACE, "labels": labels(p, "mongodb", "database") },
        "spec": {
            "maxUnavailable": 1,
            "selector": { "matchLabels": { "app": format!("{REPLICA_SET}-svc") } },
        },
    })
}

/// Ingress to `mongodb` is denied but among its own pods (members replicate, agents and the
/// operator talk to them), from the client namespaces on 27017, and from the VPC to the
/// operator's webhook port (the API server calls it through the control plane's interfaces).
fn network_policies(p: &Platform, m: &MongoDb) -> Vec<Value> {
    let policy = |name: &str, spec: Value| {
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": MONGODB_NAMESPACE, "labels": labels(p, "mongodb", "network-policy") },
            "spec": spec,
        })
    };
    let mut out = vec![
        policy(
            "default-deny-ingress",
            json!({ "podSelector": {}, "policyTypes": ["Ingress"] }),
        ),
        policy(
            "mongodb-internal",
            json!({
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{ "from": [{ "podSelector": {} }] }],
            }),
        ),
        policy(
            "mongodb-operator-webhook",
            json!({
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{
                    "from": [{ "ipBlock": { "cidr": p.network.cidr.to_string() } }],
                    "ports": [{ "protocol": "TCP", "port": WEBHOOK_PORT }],
                }],
            }),
        ),
    ];
    if !m.clients.is_empty() {
        let from: Vec<Value> = m
            .clients
            .iter()
            .map(|ns| json!({ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": ns } } }))
            .collect();
        out.push(policy(
            "mongodb-clients",
            json!({
                "podSelector": { "matchLabels": { "app": format!("{REPLICA_SET}-svc") } },
                "policyTypes": ["Ingress"],
                "ingress": [{ "from": from, "ports": [{ "protocol": "TCP", "port": PORT }] }],
            }),
        ));
    }
    out
}
