//! Apache Druid on Kubernetes, ZooKeeper-less: Kubernetes discovery, the Kubernetes task runner
//! (ingestion tasks as pods from a pod template) instead of MiddleManagers, one workload per
//! component, secrets from Secrets Manager through the Secrets Store CSI driver.
//!
//! Configuration is rendered from typed settings: JVM heap and direct memory are derived from
//! each component's memory and CPU, and every bucket, secret and role name comes from the same
//! [`plinth_spec::model::Names`] the CloudFormation side uses.
//! Properties follow the Druid configuration reference
//! (<https://druid.apache.org/docs/latest/configuration/>); the `apache/druid` image's
//! entrypoint reads `DRUID_CONFIG_COMMON`, `DRUID_CONFIG_<service>`, `DRUID_XMX`, `DRUID_XMS`,
//! `DRUID_MAXDIRECTMEMORYSIZE` and turns `druid_*` variables into properties.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plinth_cfn::sorted::Sorted;
use plinth_spec::Platform;
use plinth_spec::model::Druid;
use serde_json::{Value, json};

use super::karpenter::{druid_pool, druid_taint_key};
use super::labels::{labels, selector};
use super::{ManifestFile, Wave};

mod ingest;

pub use ingest::MSK_IAM_AUTH_VERSION;

/// What a Druid component is and how big it runs.
#[derive(Debug, Clone, Copy)]
pub struct Component {
    /// Component name, also the Druid service (`druid/<name>`), except `tasks`.
    pub name: &'static str,
    /// HTTPS port (Druid's TLS defaults); the plaintext port is off.
    pub port: u16,
    /// CPU request and limit, millicores.
    pub cpu_millis: u32,
    /// Memory request and limit, MiB.
    pub memory_mib: u32,
    /// Whether it runs query processing (processing threads and merge buffers).
    pub processing: bool,
    /// Instance families of its NodePool.
    pub families: &'static [&'static str],
    /// Capacity types of its NodePool.
    pub capacity: &'static [&'static str],
    /// How long an empty node waits before Karpenter removes it.
    pub consolidate_after: &'static str,
    /// Readiness path.
    pub readiness: &'static str,
}

const SPOT_AND_ON_DEMAND: &[&str] = &["spot", "on-demand"];

/// The components, their sizes and their pools (the reference platform's choices).
pub const COMPONENTS: &[Component] = &[
    Component {
        name: "router",
        port: 9088,
        cpu_millis: 1000,
        memory_mib: 2048,
        processing: false,
        families: &["t3", "t3a"],
        capacity: SPOT_AND_ON_DEMAND,
        consolidate_after: "5m",
        readiness: "/status/health",
    },
    Component {
        name: "broker",
        port: 8282,
        cpu_millis: 4000,
        memory_mib: 16384,
        processing: true,
        families: &["m6i", "m5"],
        capacity: SPOT_AND_ON_DEMAND,
        consolidate_after: "10m",
        readiness: "/druid/broker/v1/readiness",
    },
    Component {
        name: "coordinator",
        port: 8281,
        cpu_millis: 2000,
        memory_mib: 4096,
        processing: false,
        families: &["m6i", "m5"],
        capacity: SPOT_AND_ON_DEMAND,
        consolidate_after: "10m",
        readiness: "/status/health",
    },
    Component {
        name: "overlord",
        port: 8290,
        cpu_millis: 2000,
        memory_mib: 4096,
        processing: false,
        families: &["m6i", "m5"],
        capacity: &["on-demand"],
        consolidate_after: "30m",
        readiness: "/status/health",
    },
    Component {
        name: "historical",
        port: 8283,
        cpu_millis: 4000,
        memory_mib: 32768,
        processing: true,
        families: &["i4i", "i3", "r6i"],
        capacity: SPOT_AND_ON_DEMAND,
        consolidate_after: "30m",
        readiness: "/druid/historical/v1/readiness",
    },
    Component {
        name: "tasks",
        // The TLS port the Kubernetes task runner reaches peons on (`DruidK8sConstants`).
        port: 8091,
        cpu_millis: 1000,
        memory_mib: 4096,
        processing: true,
        families: &["i4i", "i3", "r6i"],
        capacity: SPOT_AND_ON_DEMAND,
        consolidate_after: "5m",
        readiness: "/status/health",
    },
];

/// Where the TLS keystore and truststore are mounted.
const TLS_DIR: &str = "/opt/plinth/tls";
/// The Secret cert-manager writes the Druid certificate and keystores into.
const TLS_SECRET: &str = "druid-tls";

/// The task directory of a peon: `druid.indexer.task.baseTaskDir` and /peon.sh's argument.
const TASK_DIR: &str = "/druid/data";

/// Port of the Prometheus emitter on every Druid process.
pub const METRICS_PORT: u16 = 9000;
/// Processing buffer size, MiB.
const BUFFER_MIB: u32 = 256;
/// Druid's image runs as this user.
const DRUID_UID: i64 = 1000;

/// JVM and processing settings derived from a component's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Jvm {
    /// `-Xmx`/`-Xms`, MiB.
    pub heap_mib: u32,
    /// `-XX:MaxDirectMemorySize`, MiB.
    pub direct_mib: u32,
    /// `druid.processing.numThreads`.
    pub threads: u32,
    /// `druid.processing.numMergeBuffers`.
    pub merge_buffers: u32,
}

impl Component {
    /// Derives heap and direct memory: direct memory holds (threads + merge buffers + 1)
    /// processing buffers; 15% of the container stays free for metaspace, threads and GC;
    /// historicals keep a modest heap (1 GiB per core) so the rest serves as page cache for
    /// memory-mapped segments.
    pub fn jvm(&self) -> Jvm {
        let cores = (self.cpu_millis / 1000).max(1);
        let usable = self.memory_mib * 85 / 100;
        let (threads, merge_buffers, direct_mib) = if self.processing {
            let threads = cores.saturating_sub(1).max(1);
            let merge = (threads / 4).max(2);
            (threads, merge, (threads + merge + 1) * BUFFER_MIB)
        } else {
            (1, 0, 256)
        };
        let heap_mib = if self.name == "historical" {
            (1024 * cores).min(usable - direct_mib)
        } else {
            usable - direct_mib
        };
        Jvm {
            heap_mib,
            direct_mib,
            threads,
            merge_buffers,
        }
    }

    fn is_workload(&self) -> bool {
        self.name != "tasks"
    }

    /// Whether it runs Kafka consumers: the overlord's supervisors, and the ingestion tasks.
    fn reads_kafka(&self) -> bool {
        matches!(self.name, "overlord" | "tasks")
    }
}

/// Names shared by the Druid objects.
struct Ctx<'a> {
    p: &'a Platform,
    druid: &'a Druid,
    ns: &'static str,
    sa: String,
    image: String,
}

impl Ctx<'_> {
    fn name(&self, what: &str) -> String {
        format!("{}-{what}", self.druid.release)
    }

    fn meta(&self, name: &str, component: &str) -> Value {
        json!({ "name": name, "namespace": self.ns, "labels": labels(self.p, "druid", component) })
    }
}

pub fn files(p: &Platform) -> Vec<ManifestFile> {
    let Some(druid) = &p.druid else {
        return Vec::new();
    };
    let cx = Ctx {
        p,
        druid,
        ns: p.names.druid_namespace(),
        sa: p.names.druid_service_account().unwrap_or_default(),
        image: format!("apache/druid:{}", druid.version),
    };
    let mut access = vec![
        json!({ "apiVersion": "v1", "kind": "ServiceAccount", "metadata": cx.meta(&cx.sa, "service-account") }),
    ];
    access.extend(rbac(&cx));
    access.push(secret_provider_class(&cx));
    let mut config = vec![common_config(&cx), task_template(&cx)];
    let mut workloads = Vec::new();
    for c in COMPONENTS.iter().filter(|c| c.is_workload()) {
        config.push(component_config(&cx, c));
        workloads.extend(component_objects(&cx, c));
    }
    workloads.extend(ingest::objects(&cx));
    vec![
        ManifestFile::objects(Wave::Workloads, "druid-access", access),
        ManifestFile::objects(Wave::Workloads, "druid-config", config),
        ManifestFile::objects(Wave::Workloads, "druid-workloads", workloads),
        ManifestFile::objects(
            Wave::Workloads,
            "druid-network-policies",
            network_policies(&cx),
        ),
        ManifestFile::objects(Wave::Workloads, "druid-tls", tls(&cx)),
    ]
}

fn rbac(cx: &Ctx<'_>) -> Vec<Value> {
    let name = cx.name("druid");
    vec![
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": cx.meta(&name, "rbac"),
            "rules": [
                // Kubernetes discovery: each process announces itself by patching its pod and
                // elects leaders with config maps.
                { "apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch", "patch", "delete"] },
                { "apiGroups": [""], "resources": ["pods/log"], "verbs": ["get", "list", "watch"] },
                // Read-only, to tell why a task pod failed to start.
                { "apiGroups": [""], "resources": ["events"], "verbs": ["get", "list", "watch"] },
                { "apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"] },
                // Kubernetes task runner: the overlord runs each task as a Job.
                { "apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "list", "watch", "create", "delete"] },
            ],
        }),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": cx.meta(&name, "rbac"),
            "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name },
            "subjects": [{ "kind": "ServiceAccount", "name": cx.sa, "namespace": cx.ns }],
        }),
    ]
}

/// The Kubernetes Secret the CSI driver syncs from Secrets Manager, and its keys.
const CREDENTIALS: &str = "druid-credentials";

fn secret_provider_class(cx: &Ctx<'_>) -> Value {
    let names = &cx.p.names;
    let secret = |suffix: &str| names.druid(suffix).unwrap_or_default();
    let object = |name: String, alias: &str, keys: &[&str]| {
        json!({
            "objectName": name,
            "objectType": "secretsmanager",
            "jmesPath": keys.iter().map(|k| json!({ "path": k, "objectAlias": format!("{alias}-{k}") })).collect::<Vec<_>>(),
        })
    };
    let objects = vec![
        object(
            secret("metadata"),
            "metadata",
            &["username", "password", "host", "port", "dbname"],
        ),
        object(secret("admin"), "admin", &["username", "password"]),
        object(secret("system"), "system", &["username", "password"]),
    ];
    let objects_yaml = super::provider_objects(&objects);
    let synced: Vec<Value> = [
        (
            "metadata",
            &["username", "password", "host", "port", "dbname"][..],
        ),
        ("admin", &["password"][..]),
        ("system", &["password"][..]),
    ]
    .iter()
    .flat_map(|(alias, keys)| {
        keys.iter().map(
            move |k| json!({ "objectName": format!("{alias}-{k}"), "key": format!("{alias}-{k}") }),
        )
    })
    .collect();
    json!({
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": cx.meta(&cx.name("druid-secrets"), "secrets"),
        "spec": {
            "provider": "aws",
            "parameters": { "region": cx.p.aws.region, "usePodIdentity": "true", "objects": objects_yaml },
            "secretObjects": [{ "secretName": CREDENTIALS, "type": "Opaque", "data": synced }],
        },
    })
}

fn properties(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        let _ = writeln!(out, "{k}={v}");
    }
    out
}

fn common_config(cx: &Ctx<'_>) -> Value {
    let n = &cx.p.names;
    let bucket = |s: &str| n.druid(s).unwrap_or_default();
    let env = |var: &str| format!(r#"{{"type":"environment","variable":"{var}"}}"#);
    let props = properties(&[
        (
            "druid.extensions.loadList",
            r#"["druid-s3-extensions","postgresql-metadata-storage","druid-multi-stage-query","druid-kafka-indexing-service","druid-basic-security","prometheus-emitter","druid-kubernetes-extensions","druid-kubernetes-overlord-extensions","simple-client-sslcontext"]"#.into(),
        ),
        ("druid.startup.logging.logProperties", "true".into()),
        // No ZooKeeper: discovery through the Kubernetes API, segments and tasks over HTTP.
        ("druid.zk.service.enabled", "false".into()),
        ("druid.discovery.type", "k8s".into()),
        ("druid.discovery.k8s.clusterIdentifier", cx.druid.release.clone()),
        ("druid.serverview.type", "http".into()),
        ("druid.indexer.runner.type", "httpRemote".into()),
        ("druid.selectors.indexing.serviceName", "druid/overlord".into()),
        ("druid.selectors.coordinator.serviceName", "druid/coordinator".into()),
        // Metadata: connection details arrive as environment variables from the synced secret.
        ("druid.metadata.storage.type", "postgresql".into()),
        ("druid.metadata.storage.connector.password", env("METADATA_PASSWORD")),
        // Deep storage, task logs and MSQ scratch on S3.
        ("druid.storage.type", "s3".into()),
        ("druid.storage.bucket", bucket("deepstorage")),
        ("druid.storage.baseKey", "segments".into()),
        // The buckets enforce bucket-owner ownership, which rejects ACL grants.
        ("druid.storage.disableAcl", "true".into()),
        ("druid.indexer.logs.type", "s3".into()),
        ("druid.indexer.logs.s3Bucket", bucket("indexlogs")),
        ("druid.indexer.logs.s3Prefix", "tasks".into()),
        ("druid.indexer.logs.disableAcl", "true".into()),
        ("druid.msq.intermediate.storage.enable", "true".into()),
        ("druid.msq.intermediate.storage.type", "s3".into()),
        ("druid.msq.intermediate.storage.bucket", bucket("msq")),
        ("druid.msq.intermediate.storage.prefix", "msq".into()),
        ("druid.msq.intermediate.storage.tempDir", "/opt/druid/var/tmp/msq".into()),
        ("druid.processing.intermediaryData.storage.type", "deepstore".into()),
        // Basic security: an admin and an internal system user, passwords from Secrets Manager.
        ("druid.auth.authenticatorChain", r#"["basic"]"#.into()),
        ("druid.auth.authenticator.basic.type", "basic".into()),
        ("druid.auth.authenticator.basic.initialAdminPassword", env("ADMIN_PASSWORD")),
        ("druid.auth.authenticator.basic.initialInternalClientPassword", env("SYSTEM_PASSWORD")),
        ("druid.auth.authenticator.basic.credentialsValidator.type", "metadata".into()),
        ("druid.auth.authenticator.basic.skipOnFailure", "false".into()),
        ("druid.auth.authenticator.basic.authorizerName", "basic".into()),
        ("druid.auth.authorizers", r#"["basic"]"#.into()),
        ("druid.auth.authorizer.basic.type", "basic".into()),
        ("druid.escalator.type", "basic".into()),
        ("druid.escalator.internalClientUsername", "druid_system".into()),
        ("druid.escalator.internalClientPassword", env("SYSTEM_PASSWORD")),
        ("druid.escalator.authorizerName", "basic".into()),
        // Metrics for Prometheus on every process.
        ("druid.emitter", "prometheus".into()),
        ("druid.emitter.prometheus.strategy", "exporter".into()),
        ("druid.emitter.prometheus.port", METRICS_PORT.to_string()),
        ("druid.emitter.prometheus.namespace", "druid".into()),
        // Series say which service emitted them (`druid_service="druid/broker"`), which
        // dashboards need where several services emit the same metric.
        ("druid.emitter.prometheus.addServiceAsLabel", "true".into()),
        ("druid.monitoring.monitors", format!(r#"["{JVM_MONITOR}"]"#)),
        ("druid.sql.enable", "true".into()),
        // TLS between all processes, from the cert-manager certificate mounted at TLS_DIR.
        // The druid.client.https.* settings are read by the simple-client-sslcontext extension
        // (loaded above; without it Druid's internal client trusts only the JVM's CAs and every
        // call between processes fails). Discovery announces pod IPs (druid.sh sets druid.host
        // to the pod IP), which no certificate can name, so peers are verified against the
        // namespace's private CA, which issues nothing but this certificate, not by hostname.
        ("druid.enablePlaintextPort", "false".into()),
        ("druid.enableTlsPort", "true".into()),
        ("druid.server.https.keyStoreType", "pkcs12".into()),
        ("druid.server.https.keyStorePath", format!("{TLS_DIR}/keystore.p12")),
        ("druid.server.https.certAlias", "certificate".into()),
        ("druid.server.https.keyStorePassword", env("SYSTEM_PASSWORD")),
        ("druid.client.https.protocol", "TLSv1.3".into()),
        ("druid.client.https.trustStoreType", "pkcs12".into()),
        ("druid.client.https.trustStorePath", format!("{TLS_DIR}/truststore.p12")),
        ("druid.client.https.trustStorePassword", env("SYSTEM_PASSWORD")),
        ("druid.client.https.validateHostnames", "false".into()),
    ]);
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": cx.meta(&cx.name("druid-common"), "config"),
        "data": { "common.runtime.properties": props },
    })
}

fn component_properties(cx: &Ctx<'_>, c: &Component) -> String {
    let jvm = c.jvm();
    let mut pairs = vec![
        ("druid.service", format!("druid/{}", c.name)),
        ("druid.tlsPort", c.port.to_string()),
    ];
    if c.processing {
        pairs.extend([
            ("druid.processing.numThreads", jvm.threads.to_string()),
            (
                "druid.processing.numMergeBuffers",
                jvm.merge_buffers.to_string(),
            ),
            (
                "druid.processing.buffer.sizeBytes",
                (u64::from(BUFFER_MIB) * 1024 * 1024).to_string(),
            ),
        ]);
    }
    match c.name {
        "router" => pairs.extend([
            (
                "druid.router.defaultBrokerServiceName",
                "druid/broker".into(),
            ),
            (
                "druid.router.coordinatorServiceName",
                "druid/coordinator".into(),
            ),
            ("druid.router.managementProxy.enabled", "true".into()),
        ]),
        "broker" => pairs.extend([
            ("druid.broker.http.numConnections", "50".into()),
            ("druid.server.http.numThreads", "60".into()),
        ]),
        "coordinator" => pairs.extend([
            ("druid.coordinator.startDelay", "PT10S".into()),
            ("druid.coordinator.period", "PT5S".into()),
            ("druid.coordinator.asOverlord.enabled", "false".into()),
        ]),
        "overlord" => pairs.extend([
            ("druid.indexer.queue.startDelay", "PT5S".into()),
            ("druid.indexer.storage.type", "metadata".into()),
            // Tasks run as pods from the mounted template; no MiddleManagers.
            ("druid.indexer.runner.type", "k8s".into()),
            ("druid.indexer.runner.namespace", cx.ns.into()),
            ("druid.indexer.runner.capacity", "10".into()),
            (
                "druid.indexer.runner.k8s.adapter.type",
                "customTemplateAdapter".into(),
            ),
            (
                "druid.indexer.runner.k8s.podTemplate.base",
                "/opt/plinth/task-template/base.yaml".into(),
            ),
            ("druid.indexer.task.encapsulatedTask", "true".into()),
        ]),
        "historical" => pairs.extend([
            (
                "druid.segmentCache.locations",
                r#"[{"path":"/opt/druid/var/segment-cache","maxSize":"100g"}]"#.into(),
            ),
            ("druid.server.maxSize", "100g".into()),
        ]),
        _ => {}
    }
    let monitors = component_monitors(c.name);
    if !monitors.is_empty() {
        let list: Vec<String> = [JVM_MONITOR]
            .iter()
            .chain(monitors)
            .map(|m| format!("\"{m}\""))
            .collect();
        pairs.push(("druid.monitoring.monitors", format!("[{}]", list.join(","))));
    }
    properties(
        &pairs
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect::<Vec<_>>(),
    )
}

/// The JVM monitor every process runs (heap, GC, buffer pools).
const JVM_MONITOR: &str = "org.apache.druid.java.util.metrics.JvmMonitor";

/// Monitors a component runs besides the JVM's, for the metrics dashboards and alerts read
/// (<https://druid.apache.org/docs/latest/configuration/#metrics-monitors>): query counts on
/// brokers and historicals, served segments on historicals, task counts on the overlord. Task
/// pods keep the common list: the overlord's task counts cannot be injected into a peon.
fn component_monitors(name: &str) -> &'static [&'static str] {
    const QUERY_COUNTS: &str = "org.apache.druid.server.metrics.QueryCountStatsMonitor";
    match name {
        "broker" => &[QUERY_COUNTS],
        "historical" => &[
            QUERY_COUNTS,
            "org.apache.druid.server.metrics.HistoricalMetricsMonitor",
        ],
        "overlord" => &["org.apache.druid.server.metrics.TaskCountStatsMonitor"],
        _ => &[],
    }
}

fn component_config(cx: &Ctx<'_>, c: &Component) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": cx.meta(&cx.name(&format!("druid-{}", c.name)), c.name),
        "data": { "runtime.properties": component_properties(cx, c) },
    })
}

/// Environment every Druid container gets: config locations, JVM sizes, and the credentials
/// from the synced secret (never literal values).
fn env(cx: &Ctx<'_>, c: &Component) -> Vec<Value> {
    let jvm = c.jvm();
    let secret = |name: &str, key: &str| json!({ "name": name, "valueFrom": { "secretKeyRef": { "name": CREDENTIALS, "key": key } } });
    let plain = |name: &str, value: String| json!({ "name": name, "value": value });
    let field = |name: &str, path: &str| json!({ "name": name, "valueFrom": { "fieldRef": { "fieldPath": path } } });
    let mut env = vec![
        // Kubernetes discovery (druid-kubernetes-extensions) reads the pod's own name and
        // namespace from these and refuses to start without them.
        field("POD_NAME", "metadata.name"),
        field("POD_NAMESPACE", "metadata.namespace"),
        plain(
            "DRUID_CONFIG_COMMON",
            "/opt/plinth/common/common.runtime.properties".into(),
        ),
    ];
    // Task pods have no service file: peon.sh reads only the common one.
    if c.is_workload() {
        env.push(plain(
            &format!("DRUID_CONFIG_{}", c.name),
            "/opt/plinth/service/runtime.properties".into(),
        ));
    }
    env.extend([
        plain("DRUID_XMX", format!("{}m", jvm.heap_mib)),
        plain("DRUID_XMS", format!("{}m", jvm.heap_mib)),
        plain("DRUID_MAXDIRECTMEMORYSIZE", format!("{}m", jvm.direct_mib)),
        plain("AWS_REGION", cx.p.aws.region.clone()),
        secret("METADATA_HOST", "metadata-host"),
        secret("METADATA_PORT", "metadata-port"),
        secret("METADATA_DBNAME", "metadata-dbname"),
        secret("METADATA_USERNAME", "metadata-username"),
        secret("METADATA_PASSWORD", "metadata-password"),
        secret("ADMIN_PASSWORD", "admin-password"),
        secret("SYSTEM_PASSWORD", "system-password"),
        // Kubernetes expands $(VAR) from the variables above. The metadata database only
        // accepts TLS (rds.force_ssl in the data stack).
        plain(
            "druid_metadata_storage_connector_connectURI",
            "jdbc:postgresql://$(METADATA_HOST):$(METADATA_PORT)/$(METADATA_DBNAME)?sslmode=require".into(),
        ),
        plain(
            "druid_metadata_storage_connector_user",
            "$(METADATA_USERNAME)".into(),
        ),
    ]);
    env
}

fn security_context() -> Value {
    json!({
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "runAsNonRoot": true,
        "capabilities": { "drop": ["ALL"] },
        "seccompProfile": { "type": "RuntimeDefault" },
    })
}

fn pod_security_context() -> Value {
    json!({
        "runAsNonRoot": true,
        "runAsUser": DRUID_UID,
        "runAsGroup": DRUID_UID,
        "fsGroup": DRUID_UID,
        "seccompProfile": { "type": "RuntimeDefault" },
    })
}

fn scheduling(cx: &Ctx<'_>, c: &Component) -> (Value, Value) {
    let node_selector = json!({ "karpenter.sh/nodepool": druid_pool(c.name) });
    let tolerations = json!([{ "key": druid_taint_key(cx.p), "operator": "Equal", "value": c.name, "effect": "NoSchedule" }]);
    (node_selector, tolerations)
}

fn resources(c: &Component) -> Value {
    let r = json!({ "cpu": format!("{}m", c.cpu_millis), "memory": format!("{}Mi", c.memory_mib) });
    json!({ "requests": r, "limits": r })
}

fn volumes(cx: &Ctx<'_>, c: &Component) -> (Vec<Value>, Vec<Value>) {
    let mut volumes = vec![
        json!({ "name": "common", "configMap": { "name": cx.name("druid-common") } }),
        json!({ "name": "tmp", "emptyDir": {} }),
        json!({ "name": "var", "emptyDir": { "sizeLimit": if c.name == "historical" { "120Gi" } else { "10Gi" } } }),
        json!({ "name": "tls", "secret": { "secretName": TLS_SECRET } }),
        json!({
            "name": "secrets",
            "csi": { "driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": { "secretProviderClass": cx.name("druid-secrets") } },
        }),
    ];
    let mut mounts = vec![
        json!({ "name": "common", "mountPath": "/opt/plinth/common", "readOnly": true }),
        json!({ "name": "tmp", "mountPath": "/tmp" }),
        json!({ "name": "var", "mountPath": "/opt/druid/var" }),
        json!({ "name": "secrets", "mountPath": "/mnt/secrets", "readOnly": true }),
        json!({ "name": "tls", "mountPath": TLS_DIR, "readOnly": true }),
    ];
    if c.is_workload() {
        volumes.push(json!({ "name": "service", "configMap": { "name": cx.name(&format!("druid-{}", c.name)) } }));
        mounts.push(
            json!({ "name": "service", "mountPath": "/opt/plinth/service", "readOnly": true }),
        );
    }
    if c.name == "overlord" {
        volumes.push(json!({ "name": "task-template", "configMap": { "name": cx.name("druid-task-template") } }));
        mounts.push(json!({ "name": "task-template", "mountPath": "/opt/plinth/task-template", "readOnly": true }));
    }
    if c.reads_kafka() {
        volumes.push(ingest::jar_volume());
        mounts.push(ingest::jar_mount());
    }
    (volumes, mounts)
}

fn pod_spec(cx: &Ctx<'_>, c: &Component) -> Value {
    let (node_selector, tolerations) = scheduling(cx, c);
    let (volumes, mounts) = volumes(cx, c);
    let probe = |path: &str, delay: u32, failures: u32| {
        json!({
            "httpGet": { "path": path, "port": "https", "scheme": "HTTPS" },
            "initialDelaySeconds": delay,
            "periodSeconds": 10,
            "timeoutSeconds": 5,
            "failureThreshold": failures,
        })
    };
    let mut spec = json!({
        "serviceAccountName": cx.sa,
        "securityContext": pod_security_context(),
        "nodeSelector": node_selector,
        "tolerations": tolerations,
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": { "matchLabels": selector("druid", c.name) },
            },
            {
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": { "matchLabels": selector("druid", c.name) },
            },
        ],
        "terminationGracePeriodSeconds": if c.name == "historical" { 300 } else { 60 },
        "containers": [{
            "name": "druid",
            "image": cx.image,
            "args": [c.name],
            "ports": [
                { "name": "https", "containerPort": c.port, "protocol": "TCP" },
                { "name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP" },
            ],
            "env": env(cx, c),
            "resources": resources(c),
            "securityContext": security_context(),
            "volumeMounts": mounts,
            "startupProbe": probe("/status/health", 10, 60),
            "readinessProbe": probe(c.readiness, 0, 3),
            "livenessProbe": probe("/status/health", 0, 6),
        }],
        "volumes": volumes,
    });
    if c.reads_kafka() {
        spec["initContainers"] = json!([ingest::jar_init_container()]);
    }
    spec
}

fn component_objects(cx: &Ctx<'_>, c: &Component) -> Vec<Value> {
    let name = cx.name(&format!("druid-{}", c.name));
    let replicas = cx.druid.replicas.get(c.name).copied().unwrap_or(1);
    let mut pod_labels = labels(cx.p, "druid", c.name);
    pod_labels.extend(selector("druid", c.name));
    let template = json!({
        "metadata": {
            "labels": pod_labels,
            "annotations": BTreeMap::from([
                ("prometheus.io/scrape", "true".to_owned()),
                ("prometheus.io/port", METRICS_PORT.to_string()),
                ("prometheus.io/path", "/metrics".to_owned()),
            ]),
        },
        "spec": pod_spec(cx, c),
    });
    let service = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": cx.meta(&name, c.name),
        "spec": {
            "selector": selector("druid", c.name),
            "ports": [
                { "name": "https", "port": c.port, "targetPort": "https", "protocol": "TCP" },
                { "name": "metrics", "port": METRICS_PORT, "targetPort": "metrics", "protocol": "TCP" },
            ],
        },
    });
    let workload = if c.name == "historical" {
        json!({
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": cx.meta(&name, c.name),
            "spec": {
                "serviceName": name,
                "replicas": replicas,
                "podManagementPolicy": "Parallel",
                "selector": { "matchLabels": selector("druid", c.name) },
                "template": template,
            },
        })
    } else {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": cx.meta(&name, c.name),
            "spec": {
                "replicas": replicas,
                "selector": { "matchLabels": selector("druid", c.name) },
                "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxUnavailable": 0, "maxSurge": 1 } },
                "template": template,
            },
        })
    };
    let pdb = json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": cx.meta(&name, c.name),
        "spec": { "maxUnavailable": 1, "selector": { "matchLabels": selector("druid", c.name) } },
    });
    vec![service, workload, pdb]
}

/// The pod template the overlord's Kubernetes task runner starts tasks from.
fn task_template(cx: &Ctx<'_>) -> Value {
    let tasks = COMPONENTS
        .iter()
        .find(|c| c.name == "tasks")
        .expect("tasks is a component");
    let mut spec = pod_spec(cx, tasks);
    spec["restartPolicy"] = json!("Never");
    if let Some(container) = spec["containers"].get_mut(0) {
        // Druid's template adapter runs the task in the container named `main`, started by
        // the image's /peon.sh with the task directory, and the peon needs these properties
        // (docs/development/extensions-core/k8s-jobs.md, "Custom Template Pod Adapter", at
        // druid-34.0.0). The overlord reaches a task at its pod IP on TLS port 8091.
        container["name"] = json!("main");
        container["command"] = json!(["sh", "-c", format!("/peon.sh {TASK_DIR} 1")]);
        if let Some(obj) = container.as_object_mut() {
            for k in ["args", "startupProbe", "readinessProbe", "livenessProbe"] {
                obj.remove(k);
            }
        }
        let plain = |name: &str, value: &str| json!({ "name": name, "value": value });
        if let Some(env) = container["env"].as_array_mut() {
            env.extend([
                plain("druid_tlsPort", &tasks.port.to_string()),
                plain("druid_peon_mode", "remote"),
                plain("druid_service", "druid/peon"),
                plain("druid_indexer_task_baseTaskDir", TASK_DIR),
                plain("druid_indexer_runner_type", "k8s"),
                plain("druid_indexer_task_encapsulatedTask", "true"),
                // peon.sh leaves druid.host unset in Kubernetes (the pod's name, which nothing
                // resolves); the pod IP is where the overlord and brokers reach the task.
                plain("DRUID_SET_HOST_IP", "1"),
            ]);
        }
        if let Some(mounts) = container["volumeMounts"].as_array_mut() {
            mounts.push(json!({ "name": "task", "mountPath": TASK_DIR }));
        }
    }
    if let Some(volumes) = spec["volumes"].as_array_mut() {
        volumes.push(json!({ "name": "task", "emptyDir": { "sizeLimit": "50Gi" } }));
    }
    let mut pod_labels = labels(cx.p, "druid", "task");
    pod_labels.extend(selector("druid", "tasks"));
    let template = json!({
        "apiVersion": "v1",
        "kind": "PodTemplate",
        "metadata": { "name": cx.name("druid-task"), "namespace": cx.ns },
        "template": { "metadata": { "labels": pod_labels }, "spec": spec },
    });
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": cx.meta(&cx.name("druid-task-template"), "config"),
        "data": { "base.yaml": serde_saphyr::to_string(&Sorted(&template)).expect("renders") },
    })
}

/// A private CA for the Druid namespace and the certificate every Druid process serves and
/// trusts, with PKCS#12 keystores for the JVM. The keystore password is the internal system
/// user's, from the synced credentials Secret, so nothing is written literally.
fn tls(cx: &Ctx<'_>) -> Vec<Value> {
    let ns = cx.ns;
    let issuer = |name: &str, spec: Value| json!({ "apiVersion": "cert-manager.io/v1", "kind": "Issuer", "metadata": cx.meta(name, "tls"), "spec": spec });
    let certificate = |name: &str, spec: Value| json!({ "apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": cx.meta(name, "tls"), "spec": spec });
    let ca = cx.name("druid-ca");
    vec![
        issuer(&cx.name("druid-selfsigned"), json!({ "selfSigned": {} })),
        certificate(
            &ca,
            json!({
                "isCA": true,
                "commonName": format!("{} Druid CA", cx.p.names.platform()),
                "secretName": ca,
                "duration": "87600h",
                "privateKey": { "algorithm": "ECDSA", "size": 256 },
                "issuerRef": { "kind": "Issuer", "name": cx.name("druid-selfsigned") },
            }),
        ),
        issuer(&ca, json!({ "ca": { "secretName": ca } })),
        certificate(
            &cx.name("druid-tls"),
            json!({
                "secretName": TLS_SECRET,
                "duration": "2160h",
                "renewBefore": "360h",
                "dnsNames": [format!("*.{ns}.svc"), format!("*.{ns}.svc.cluster.local"), format!("*.{ns}.pod.cluster.local")],
                "usages": ["server auth", "client auth"],
                "privateKey": { "algorithm": "RSA", "size": 2048, "rotationPolicy": "Always" },
                "keystores": { "pkcs12": {
                    "create": true,
                    "profile": "Modern2023",
                    "passwordSecretRef": { "name": CREDENTIALS, "key": "system-password" },
                } },
                "issuerRef": { "kind": "Issuer", "name": ca },
            }),
        ),
    ]
}

fn network_policies(cx: &Ctx<'_>) -> Vec<Value> {
    let part_of = json!({ "matchLabels": { "app.kubernetes.io/part-of": "druid" } });
    let mut policies = vec![
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": cx.meta("default-deny-ingress", "network-policy"),
            "spec": { "podSelector": {}, "policyTypes": ["Ingress"] },
        }),
        // Druid processes and task pods talk to each other on their HTTP ports.
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": cx.meta("druid-internal", "network-policy"),
            "spec": {
                "podSelector": part_of,
                "policyTypes": ["Ingress"],
                // Task pods listen on ports the overlord assigns, so no port list here.
                "ingress": [{ "from": [{ "podSelector": part_of }] }],
            },
        }),
        // Metrics are scraped from the monitoring namespace.
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": cx.meta("druid-metrics", "network-policy"),
            "spec": {
                "podSelector": part_of,
                "policyTypes": ["Ingress"],
                "ingress": [{
                    "from": [{ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "monitoring" } } }],
                    "ports": [{ "protocol": "TCP", "port": METRICS_PORT }],
                }],
            },
        }),
    ];
    // The router is the entry point: clients anywhere in the cluster (and load balancers in
    // the VPC) reach its HTTP port.
    let router = COMPONENTS
        .iter()
        .find(|c| c.name == "router")
        .expect("router is a component");
    policies.push(json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": cx.meta("druid-router-clients", "network-policy"),
        "spec": {
            "podSelector": { "matchLabels": selector("druid", "router") },
            "policyTypes": ["Ingress"],
            "ingress": [{
                "from": [
                    { "namespaceSelector": {} },
                    { "ipBlock": { "cidr": cx.p.network.cidr.to_string() } },
                ],
                "ports": [{ "protocol": "TCP", "port": router.port }],
            }],
        },
    }));
    policies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jvm_memory_fits_the_container() {
        for c in COMPONENTS {
            let jvm = c.jvm();
            assert!(jvm.heap_mib >= 512, "{}: heap {}", c.name, jvm.heap_mib);
            assert!(
                jvm.heap_mib + jvm.direct_mib <= c.memory_mib * 85 / 100,
                "{}: heap {} + direct {} over 85% of {}",
                c.name,
                jvm.heap_mib,
                jvm.direct_mib,
                c.memory_mib
            );
            if c.processing {
                assert_eq!(
                    jvm.direct_mib,
                    (jvm.threads + jvm.merge_buffers + 1) * BUFFER_MIB
                );
            }
        }
    }

    #[test]
    fn historicals_leave_memory_for_the_page_cache() {
        let h = COMPONENTS
            .iter()
            .find(|c| c.name == "historical")
            .unwrap()
            .jvm();
        assert_eq!(h.heap_mib, 4096);
    }
}
