//! Apache Airflow from its official chart (`airflow` 1.22.0 from <https://airflow.apache.org>,
//! Airflow 3.2.2), in namespace `airflow`: the Kubernetes executor (each task a pod), metadata
//! in the RDS for PostgreSQL instance of the data stack, task logs in the data bucket under
//! `logsPrefix`, DAGs pulled by git-sync.
//!
//! No credential is written anywhere. The data stack composes `{id}-airflow-config` in Secrets
//! Manager (the connection URI, the Fernet key, the API and JWT secrets); a SecretProviderClass
//! syncs it into the Kubernetes Secrets the chart reads (`data.metadataSecretName`,
//! `fernetKeySecretName`, `apiSecretKeySecretName`, `jwtSecretName`,
//! `webserverSecretKeySecretName`). The CSI driver keeps a synced Secret only while a pod
//! mounts the volume, so a one-container Deployment (`airflow-secrets-sync`, the pause image)
//! mounts it for good, with the role that may read that secret; Airflow's own pods start once
//! the Secrets exist. Airflow's components and task pods run as the service accounts the data
//! stack's `{id}-airflow` role is bound to, which may write only the logs prefix.
//!
//! Values follow the chart's parameters reference
//! (<https://airflow.apache.org/docs/helm-chart/1.22.0/parameters-ref.html>) and its Argo CD
//! guidance (the database migration as a plain Job, no Helm hooks); the chart's default user,
//! which has a literal password, is off.

use plinth_spec::Platform;
use plinth_spec::model::{AIRFLOW_NAMESPACE, Airflow};
use serde_json::{Value, json};

use super::addons::Release;
use super::labels::labels;
use super::secret_sync::{self, SecretSync};
use super::{ManifestFile, Wave};

/// airflow chart version (Airflow 3.2.2), per its release notes (GitHub release
/// `helm-chart/1.22.0` of apache/airflow).
pub const CHART: &str = "1.22.0";
/// Release name; the chart names objects after it.
pub const RELEASE: &str = "airflow";
/// Service accounts of Airflow's components and task pods, set explicitly in the values; the
/// logs role is bound to each.
pub const RUNTIME_SERVICE_ACCOUNTS: &[&str] = &[
    "airflow-scheduler",
    "airflow-api-server",
    "airflow-triggerer",
    "airflow-dag-processor",
    "airflow-worker",
];
/// Service account of the secret sync; the role that reads Airflow's secrets is bound to it.
pub const SECRETS_SERVICE_ACCOUNT: &str = "airflow-secrets";
/// The SecretProviderClass of Airflow's secrets.
pub const SECRETS_CLASS: &str = "airflow-secrets";
/// The Kubernetes Secrets the chart reads: (Secret, its key, field of `{id}-airflow-config`).
pub const SYNCED_SECRETS: &[(&str, &str, &str)] = &[
    ("airflow-metadata", "connection", "connection"),
    ("airflow-fernet-key", "fernet-key", "fernet_key"),
    ("airflow-api-secret-key", "api-secret-key", "api_secret_key"),
    ("airflow-jwt-secret", "jwt-secret", "jwt_secret"),
    (
        "airflow-webserver-secret-key",
        "webserver-secret-key",
        "api_secret_key",
    ),
];
/// The Secret holding the DAG repository's SSH key, under the key git-sync's chart expects.
const GIT_SSH_SECRET: &str = "airflow-git-ssh";
/// UID and GID of the `airflow` user in the official image.
const AIRFLOW_UID: u32 = 50_000;

/// The chart's release.
pub fn releases(p: &Platform) -> Vec<Release> {
    let Some(airflow) = &p.airflow else {
        return Vec::new();
    };
    vec![Release {
        name: RELEASE,
        namespace: AIRFLOW_NAMESPACE,
        repo: "https://airflow.apache.org",
        chart: "airflow",
        version: CHART.to_owned(),
        pinned_in: None,
        values: values(p, airflow),
        sync_wave: 0,
    }]
}

/// The workloads-wave file `airflow.yaml`: the secret sync and the namespace's policies.
pub fn files(p: &Platform) -> Vec<ManifestFile> {
    let Some(airflow) = &p.airflow else {
        return Vec::new();
    };
    let mut objects = vec![secret_provider_class(p, airflow)];
    objects.extend(secret_sync::objects(
        p,
        &SecretSync {
            namespace: AIRFLOW_NAMESPACE,
            part_of: "airflow",
            service_account: SECRETS_SERVICE_ACCOUNT,
            class: SECRETS_CLASS,
            probe_file: SYNCED_SECRETS[0].0,
        },
    ));
    objects.extend(network_policies(p));
    vec![ManifestFile::objects(Wave::Workloads, "airflow", objects)]
}

fn resources(cpu: &str, memory: &str, limit: &str) -> Value {
    json!({ "requests": { "cpu": cpu, "memory": memory }, "limits": { "memory": limit } })
}

fn service_account_values(name: &str) -> Value {
    json!({ "create": true, "name": name })
}

/// Restricted Pod Security for every container the chart runs.
fn container_security() -> Value {
    json!({
        "allowPrivilegeEscalation": false,
        "capabilities": { "drop": ["ALL"] },
    })
}

fn values(p: &Platform, a: &Airflow) -> Value {
    let git_sync = {
        let mut g = json!({
            "enabled": true,
            "repo": a.repository,
            "branch": a.branch,
            "subPath": a.sub_path,
            "period": "60s",
            "securityContexts": { "container": container_security() },
        });
        if a.ssh_key_secret.is_some() {
            g["sshKeySecret"] = json!(GIT_SSH_SECRET);
        }
        if let Some(hosts) = &a.known_hosts {
            g["knownHosts"] = json!(hosts);
        }
        g
    };
    let logs = format!("s3://{}/{}", p.names.data_bucket(), a.logs_prefix);
    let sa = |i: usize| service_account_values(RUNTIME_SERVICE_ACCOUNTS[i]);
    let no_groomer = json!({ "enabled": false });
    json!({
        "executor": "KubernetesExecutor",
        "postgresql": { "enabled": false },
        "redis": { "enabled": false },
        "pgbouncer": { "enabled": false },
        "statsd": { "enabled": false },
        "data": { "metadataSecretName": SYNCED_SECRETS[0].0 },
        "fernetKeySecretName": SYNCED_SECRETS[1].0,
        "apiSecretKeySecretName": SYNCED_SECRETS[2].0,
        "jwtSecretName": SYNCED_SECRETS[3].0,
        "webserverSecretKeySecretName": SYNCED_SECRETS[4].0,
        "createUserJob": {
            "useHelmHooks": false,
            "applyCustomEnv": false,
            "defaultUser": { "enabled": false },
        },
        "migrateDatabaseJob": {
            "useHelmHooks": false,
            "applyCustomEnv": false,
            "jobAnnotations": { "argocd.argoproj.io/hook": "Sync" },
        },
        "securityContexts": {
            "pod": {
                "runAsNonRoot": true,
                "runAsUser": AIRFLOW_UID,
                "runAsGroup": 0,
                "fsGroup": 0,
                "seccompProfile": { "type": "RuntimeDefault" },
            },
            "containers": container_security(),
        },
        "dags": { "persistence": { "enabled": false }, "gitSync": git_sync },
        // No secret here: the AWS provider uses the pod identity credentials of the pod's
        // service account when the connection has none.
        "env": [{ "name": "AIRFLOW_CONN_AWS_DEFAULT", "value": format!("aws://?region_name={}", p.aws.region) }],
        "config": {
            "core": { "load_examples": "False" },
            "logging": {
                "remote_logging": "True",
                "remote_base_log_folder": logs,
                "remote_log_conn_id": "aws_default",
                "delete_local_logs": "True",
            },
        },
        "scheduler": {
            "serviceAccount": sa(0),
            "logGroomerSidecar": no_groomer,
            "resources": resources("250m", "512Mi", "1Gi"),
        },
        "apiServer": {
            "serviceAccount": sa(1),
            "resources": resources("250m", "768Mi", "1Gi"),
        },
        "triggerer": {
            "serviceAccount": sa(2),
            "persistence": { "enabled": false },
            "logGroomerSidecar": no_groomer,
            "resources": resources("100m", "256Mi", "512Mi"),
        },
        "dagProcessor": {
            "serviceAccount": sa(3),
            "logGroomerSidecar": no_groomer,
            "resources": resources("100m", "384Mi", "768Mi"),
        },
        "workers": {
            "serviceAccount": sa(4),
            "resources": resources("250m", "512Mi", "1Gi"),
        },
    })
}

/// Syncs the composed secret's fields into the Secrets the chart reads, and the DAG
/// repository's key when there is one.
fn secret_provider_class(p: &Platform, a: &Airflow) -> Value {
    let jmes: Vec<Value> = SYNCED_SECRETS
        .iter()
        .map(|(secret, _, field)| json!({ "path": field, "objectAlias": secret }))
        .collect();
    let mut objects = vec![json!({
        "objectName": p.names.airflow("config"),
        "objectType": "secretsmanager",
        "jmesPath": jmes,
    })];
    let mut sync: Vec<Value> = SYNCED_SECRETS
        .iter()
        .map(|(secret, key, _)| {
            json!({
                "secretName": secret,
                "type": "Opaque",
                "data": [{ "objectName": secret, "key": key }],
            })
        })
        .collect();
    if let Some(arn) = &a.ssh_key_secret {
        objects.push(json!({ "objectName": arn, "objectType": "secretsmanager", "objectAlias": GIT_SSH_SECRET }));
        sync.push(json!({
            "secretName": GIT_SSH_SECRET,
            "type": "Opaque",
            "data": [{ "objectName": GIT_SSH_SECRET, "key": "gitSshKey" }],
        }));
    }
    let objects_yaml = super::provider_objects(&objects);
    json!({
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": { "name": SECRETS_CLASS, "namespace": AIRFLOW_NAMESPACE, "labels": labels(p, "airflow", "secrets") },
        "spec": {
            "provider": "aws",
            "parameters": { "region": p.aws.region, "usePodIdentity": "true", "objects": objects_yaml },
            "secretObjects": sync,
        },
    })
}

/// Ingress to `airflow` is denied but between Airflow's own pods (task pods and components
/// reach the API server's execution API); the UI is reached with `kubectl port-forward`.
fn network_policies(p: &Platform) -> Vec<Value> {
    let policy = |name: &str, spec: Value| {
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": AIRFLOW_NAMESPACE, "labels": labels(p, "airflow", "network-policy") },
            "spec": spec,
        })
    };
    vec![
        policy(
            "default-deny-ingress",
            json!({ "podSelector": {}, "policyTypes": ["Ingress"] }),
        ),
        policy(
            "airflow-internal",
            json!({
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{ "from": [{ "podSelector": {} }] }],
            }),
        ),
    ]
}
