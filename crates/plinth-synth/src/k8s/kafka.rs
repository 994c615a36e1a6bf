//! Apache Kafka in the cluster, run by the Strimzi operator in KRaft mode (no ZooKeeper): the
//! operator as an addon, then a `Kafka` resource, its `KafkaNodePool`s, a `KafkaTopic` per
//! topic of the spec and, when asked, Kafka UI — all in namespace `kafka`.
//!
//! Kafka listens on one internal TLS listener (9093) whose certificate comes from the cluster
//! CA Strimzi manages; clients trust `{name}-cluster-ca-cert`. Strimzi writes a NetworkPolicy
//! for that listener admitting only the peers named here (Kafka UI and the namespaces of
//! in-platform clients); the namespace denies every other ingress. The operator runs with
//! Strimzi's `restricted` pod security provider, so every pod it creates passes Pod Security
//! `restricted`. Volumes are gp3, encrypted with the cluster's EBS key, kept when the cluster is
//! deleted (`deleteClaim: false`).
//!
//! Sources: the Strimzi chart's `values.yaml` and the Strimzi 0.48 documentation
//! (<https://strimzi.io/docs/operators/0.48.0/configuring.html>) for the resources; the
//! `kafka.strimzi.io/v1beta2` CRD schemas in `schemas/crds` check every object. Kafka UI is the
//! kafbat chart (`charts/kafka-ui` in kafbat/helm-charts; its `values.yaml` and
//! `templates/deployment.yaml` for the keys used here).

use std::collections::BTreeMap;

use plinth_spec::Platform;
use plinth_spec::facts::STRIMZI_RELEASE;
use plinth_spec::model::{KAFKA_NAMESPACE, Kafka, KafkaTopic};
use serde_json::{Value, json};

use super::addons::Release;
use super::foundation::STORAGE_CLASS;
use super::labels::labels;
use super::{ManifestFile, Wave};

/// Release name of the Strimzi operator.
pub const OPERATOR_RELEASE: &str = "strimzi-kafka-operator";
/// Release name of Kafka UI; its chart names the Deployment and labels the pods after it.
pub const UI_RELEASE: &str = "kafka-ui";
/// kafka-ui chart version: 1.4.4 ships kafbat/kafka-ui v1.0.0 (its `Chart.yaml`).
pub const UI_CHART: &str = "1.4.4";
/// Port of Kafka's Prometheus endpoint (Strimzi Metrics Reporter) and its container port name.
const METRICS_PORT: u16 = 9404;
/// Port of the operators' health and metrics endpoint.
const OPERATOR_METRICS_PORT: u16 = 8080;
/// Where Kafka UI finds the cluster CA certificate.
const UI_CA_DIR: &str = "/etc/kafka-ca";
/// Size of each dedicated controller's metadata volume, GiB.
const CONTROLLER_STORAGE_GIB: u32 = 20;

/// The Helm releases Kafka needs: the operator, and Kafka UI when the spec asks for it.
pub fn releases(p: &Platform) -> Vec<Release> {
    let Some(kafka) = &p.kafka else {
        return Vec::new();
    };
    let mut out = vec![Release {
        name: OPERATOR_RELEASE,
        namespace: KAFKA_NAMESPACE,
        repo: "https://strimzi.io/charts/",
        chart: "strimzi-kafka-operator",
        version: STRIMZI_RELEASE.to_owned(),
        pinned_in: None,
        values: operator_values(),
        sync_wave: 0,
    }];
    if kafka.ui {
        out.push(Release {
            name: UI_RELEASE,
            namespace: KAFKA_NAMESPACE,
            repo: "https://kafbat.github.io/helm-charts",
            chart: "kafka-ui",
            version: UI_CHART.to_owned(),
            pinned_in: None,
            values: ui_values(kafka),
            sync_wave: 0,
        });
    }
    out
}

/// The workloads-wave file `kafka.yaml`: the cluster, its pools and topics, the namespace's
/// network policies and, with in-cluster Prometheus, the PodMonitor of Kafka's metrics.
pub fn files(p: &Platform) -> Vec<ManifestFile> {
    let Some(kafka) = &p.kafka else {
        return Vec::new();
    };
    let mut objects = vec![cluster(p, kafka)];
    objects.extend(node_pools(p, kafka));
    objects.extend(kafka.topics.iter().map(|t| topic(p, kafka, t)));
    objects.extend(network_policies(p));
    if p.observability.prometheus.is_some() {
        objects.push(pod_monitor(p, kafka));
    }
    vec![ManifestFile::objects(Wave::Workloads, "kafka", objects)]
}

/// The operator watches its own namespace only, and makes every pod it creates pass Pod
/// Security `restricted` (Strimzi's pod security providers:
/// <https://strimzi.io/docs/operators/0.48.0/deploying.html#assembly-security-providers-str>).
fn operator_values() -> Value {
    json!({
        "replicas": 1,
        "watchNamespaces": [],
        "generateNetworkPolicy": true,
        "extraEnvs": [{ "name": "STRIMZI_POD_SECURITY_PROVIDER_CLASS", "value": "restricted" }],
        "podSecurityContext": { "runAsNonRoot": true, "seccompProfile": { "type": "RuntimeDefault" } },
        "securityContext": {
            "allowPrivilegeEscalation": false,
            "capabilities": { "drop": ["ALL"] },
        },
        "resources": {
            "requests": { "cpu": "200m", "memory": "384Mi" },
            "limits": { "memory": "384Mi" },
        },
    })
}

/// Kafka UI: one read-only cluster over TLS, trusting the cluster CA; no login, since it is
/// only reached through `kubectl port-forward` (its namespace admits no other ingress).
fn ui_values(kafka: &Kafka) -> Value {
    json!({
        "yamlApplicationConfig": {
            "kafka": { "clusters": [{
                "name": kafka.name,
                "bootstrapServers": kafka.bootstrap(),
                // Topics come from the spec; the UI browses them and their messages.
                "readOnly": true,
                "properties": {
                    "security.protocol": "SSL",
                    "ssl.truststore.type": "PEM",
                    "ssl.truststore.location": format!("{UI_CA_DIR}/ca.crt"),
                },
            }] },
            "auth": { "type": "DISABLED" },
            "management": { "health": { "ldap": { "enabled": false } } },
        },
        "volumes": [
            { "name": "cluster-ca", "secret": { "secretName": kafka.ca_secret(), "items": [{ "key": "ca.crt", "path": "ca.crt" }] } },
            { "name": "tmp", "emptyDir": {} },
        ],
        "volumeMounts": [
            { "name": "cluster-ca", "mountPath": UI_CA_DIR, "readOnly": true },
            { "name": "tmp", "mountPath": "/tmp" },
        ],
        "podSecurityContext": { "runAsNonRoot": true, "fsGroup": 2000, "seccompProfile": { "type": "RuntimeDefault" } },
        "resources": {
            "requests": { "cpu": "100m", "memory": "512Mi" },
            "limits": { "memory": "512Mi" },
        },
    })
}

fn metadata(p: &Platform, kafka: &Kafka, name: &str, component: &str) -> Value {
    let mut labels = labels(p, "kafka", component);
    labels.insert("strimzi.io/cluster".into(), kafka.name.clone());
    json!({ "name": name, "namespace": KAFKA_NAMESPACE, "labels": labels })
}

/// The `Kafka` resource: the listener, cluster-wide settings, rack awareness by zone, and the
/// topic operator. Brokers and controllers are its node pools.
fn cluster(p: &Platform, kafka: &Kafka) -> Value {
    let replicas = kafka.default_replicas;
    let min_insync = kafka.min_insync_replicas;
    let mut peers =
        vec![json!({ "podSelector": { "matchLabels": { "app.kubernetes.io/name": "kafka-ui" } } })];
    peers.extend(kafka.clients.iter().map(|ns| {
        json!({ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": ns } } })
    }));
    let mut spec_kafka = json!({
        "version": kafka.version,
        "listeners": [{
            "name": "tls",
            "port": Kafka::TLS_PORT,
            "type": "internal",
            "tls": true,
            "networkPolicyPeers": peers,
        }],
        "config": {
            // Topics are declared in the spec; a typo in a client must not create one.
            "auto.create.topics.enable": false,
            "default.replication.factor": replicas,
            "min.insync.replicas": min_insync,
            "offsets.topic.replication.factor": replicas,
            "transaction.state.log.replication.factor": replicas,
            "transaction.state.log.min.isr": min_insync,
        },
        // Replicas of a partition go to brokers in different zones.
        "rack": { "topologyKey": "topology.kubernetes.io/zone" },
    });
    if p.observability.prometheus.is_some() {
        spec_kafka["metricsConfig"] = json!({ "type": "strimziMetricsReporter" });
    }
    let operator_resources = json!({
        "requests": { "cpu": "100m", "memory": "256Mi" },
        "limits": { "memory": "512Mi" },
    });
    let mut object = json!({
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "Kafka",
        "spec": {
            "kafka": spec_kafka,
            "entityOperator": { "topicOperator": { "resources": operator_resources } },
        },
    });
    object["metadata"] = metadata(p, kafka, &kafka.name, "kafka");
    object
}

/// A node pool: its nodes, their roles and their volume.
struct Pool<'a> {
    name: &'a str,
    replicas: u32,
    roles: &'a [&'a str],
    storage_gib: u32,
    resources: Value,
}

impl Pool<'_> {
    /// Controllers keep the KRaft metadata log on their (only) volume.
    fn controller(&self) -> bool {
        self.roles.contains(&"controller")
    }
}

/// The node pools: `broker` and `controller`, or one `dual` pool whose nodes are both.
fn node_pools(p: &Platform, kafka: &Kafka) -> Vec<Value> {
    let r = &kafka.resources;
    let mut limits = BTreeMap::from([("memory", r.memory_limit.clone())]);
    if let Some(cpu) = &r.cpu_limit {
        limits.insert("cpu", cpu.clone());
    }
    let broker_resources = json!({
        "requests": { "cpu": r.cpu, "memory": r.memory },
        "limits": limits,
    });
    if kafka.controllers == 0 {
        return vec![pool(
            p,
            kafka,
            &Pool {
                name: "dual",
                replicas: kafka.brokers,
                roles: &["controller", "broker"],
                storage_gib: kafka.storage_gib,
                resources: broker_resources,
            },
        )];
    }
    vec![
        pool(
            p,
            kafka,
            &Pool {
                name: "broker",
                replicas: kafka.brokers,
                roles: &["broker"],
                storage_gib: kafka.storage_gib,
                resources: broker_resources,
            },
        ),
        pool(
            p,
            kafka,
            &Pool {
                name: "controller",
                replicas: kafka.controllers,
                roles: &["controller"],
                storage_gib: CONTROLLER_STORAGE_GIB,
                resources: json!({
                    "requests": { "cpu": "200m", "memory": "1Gi" },
                    "limits": { "memory": "1Gi" },
                }),
            },
        ),
    ]
}

/// A `KafkaNodePool` spread over zones (strictly) and hosts (where it can be), with one JBOD
/// volume so volumes can be added later.
fn pool(p: &Platform, kafka: &Kafka, pool: &Pool<'_>) -> Value {
    let mut volume = json!({
        "id": 0,
        "type": "persistent-claim",
        "size": format!("{}Gi", pool.storage_gib),
        "class": STORAGE_CLASS,
        "deleteClaim": false,
    });
    if pool.controller() {
        volume["kraftMetadata"] = json!("shared");
    }
    let selector = json!({ "matchLabels": {
        "strimzi.io/cluster": kafka.name,
        "strimzi.io/pool-name": pool.name,
    } });
    let mut object = json!({
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaNodePool",
        "spec": {
            "replicas": pool.replicas,
            "roles": pool.roles,
            "storage": { "type": "jbod", "volumes": [volume] },
            "resources": pool.resources,
            "template": { "pod": { "topologySpreadConstraints": [
                { "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule", "labelSelector": selector },
                { "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": selector },
            ] } },
        },
    });
    object["metadata"] = metadata(p, kafka, pool.name, "kafka-node-pool");
    object
}

fn topic(p: &Platform, kafka: &Kafka, t: &KafkaTopic) -> Value {
    let mut spec = json!({
        "topicName": t.name,
        "partitions": t.partitions,
        "replicas": t.replicas,
    });
    if !t.config.is_empty() {
        spec["config"] = json!(t.config);
    }
    let mut object = json!({
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaTopic",
        "spec": spec,
    });
    object["metadata"] = metadata(p, kafka, &t.resource_name, "kafka-topic");
    object
}

/// Ingress to `kafka` is denied but what Strimzi's own policy admits to the brokers (the
/// listener's peers, the operators, the brokers among themselves), and Prometheus scraping
/// the metrics ports when it runs in the cluster.
fn network_policies(p: &Platform) -> Vec<Value> {
    let policy = |name: &str, spec: Value| {
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": KAFKA_NAMESPACE, "labels": labels(p, "kafka", "network-policy") },
            "spec": spec,
        })
    };
    let mut out = vec![policy(
        "default-deny-ingress",
        json!({ "podSelector": {}, "policyTypes": ["Ingress"] }),
    )];
    if p.observability.prometheus.is_some() {
        out.push(policy(
            "kafka-metrics-from-monitoring",
            json!({
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{
                    "from": [{ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": super::observability::NAMESPACE } } }],
                    "ports": [
                        { "protocol": "TCP", "port": METRICS_PORT },
                        { "protocol": "TCP", "port": OPERATOR_METRICS_PORT },
                    ],
                }],
            }),
        ));
    }
    out
}

/// Scrapes every broker and controller on the Strimzi Metrics Reporter's port.
fn pod_monitor(p: &Platform, kafka: &Kafka) -> Value {
    let mut object = json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PodMonitor",
        "spec": {
            "selector": { "matchLabels": { "strimzi.io/cluster": kafka.name, "strimzi.io/kind": "Kafka" } },
            "podMetricsEndpoints": [{ "port": "tcp-prometheus", "path": "/metrics", "interval": "30s" }],
        },
    });
    object["metadata"] = metadata(p, kafka, &kafka.name, "monitoring");
    object
}
