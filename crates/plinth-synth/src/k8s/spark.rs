//! Apache Spark through the Spark operator (kubeflow/spark-operator chart), in namespace
//! `spark`: the operator runs `SparkApplication`s there, as the service account `spark`, whose
//! pod identity role (`crate::processing`) reaches `{s3Prefix}/` of the data bucket and
//! nothing else.
//!
//! The example applications are PySpark scripts in a ConfigMap: `events-to-s3` writes a day of
//! synthetic events to S3 as Parquet once, and `daily-event-counts` aggregates them every
//! night. They read S3 through S3A with Hadoop 3.4.1 (the Hadoop of Spark 4.0), whose AWS SDK
//! v2 reads EKS Pod Identity credentials (it needs 2.21.30 or newer:
//! <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html>). Spark's pods
//! pass Pod Security `restricted`: non-root, no privilege escalation, no capabilities,
//! RuntimeDefault seccomp — applications of one's own must set the same.
//!
//! Chart values are from the chart's README (`charts/spark-operator-chart` in
//! kubeflow/spark-operator, 2.4.0); resources are checked against the
//! `sparkoperator.k8s.io/v1beta2` CRD schemas in `schemas/crds`.

use std::collections::BTreeMap;

use plinth_spec::Platform;
use plinth_spec::model::{SPARK_NAMESPACE, SPARK_SERVICE_ACCOUNT, Spark};
use serde_json::{Value, json};

use super::addons::Release;
use super::labels::labels;
use super::{ManifestFile, Wave};

/// spark-operator chart version (app 2.4.0), from the chart's README in kubeflow/spark-operator.
pub const OPERATOR_CHART: &str = "2.4.0";
/// Release name of the operator.
pub const OPERATOR_RELEASE: &str = "spark-operator";
/// Spark version of the example applications.
pub const SPARK_VERSION: &str = "4.0.1";
/// The Apache Spark image of that version, with Python (Docker Hub `apache/spark`).
pub const SPARK_IMAGE: &str = "apache/spark:4.0.1-scala2.13-java17-python3-ubuntu";
/// `hadoop-aws` must match the Hadoop Spark 4.0 is built with (3.4.1) exactly.
pub const HADOOP_AWS: &str = "org.apache.hadoop:hadoop-aws:3.4.1";
/// The webhook's port: the API server calls it to add volumes and ConfigMaps to Spark pods.
const WEBHOOK_PORT: u16 = 9443;
/// The operator's metrics port.
const METRICS_PORT: u16 = 8080;
/// ConfigMap of the example scripts, and where Spark's pods find them.
const EXAMPLES_CONFIG_MAP: &str = "spark-examples";
const EXAMPLES_DIR: &str = "/opt/spark/work-dir/examples";
/// The user the Spark image runs as.
const SPARK_UID: u32 = 185;

/// Writes a day of synthetic events as Parquet, partitioned by date.
const EVENTS_TO_S3: &str = r#""""Writes a day of synthetic click events to S3 as Parquet, partitioned by date."""
import sys

from pyspark.sql import SparkSession, functions as F

target = sys.argv[1]
spark = SparkSession.builder.appName("events-to-s3").getOrCreate()
kinds = F.array(F.lit("view"), F.lit("click"), F.lit("purchase"))
events = (
    spark.range(0, 100_000)
    .withColumn("ts", F.expr("current_timestamp() - make_interval(0, 0, 0, 0, 0, 0, id % 86400)"))
    .withColumn("user_id", (F.col("id") % 1000).cast("int"))
    .withColumn("event", F.element_at(kinds, (F.col("id") % 3 + 1).cast("int")))
    .withColumn("date", F.to_date("ts"))
)
events.write.mode("overwrite").partitionBy("date").parquet(target)
spark.stop()
"#;

/// Counts the events per day and kind.
const DAILY_COUNTS: &str = r#""""Counts events per day and kind, with distinct users, from the events in S3."""
import sys

from pyspark.sql import SparkSession, functions as F

source, target = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("daily-event-counts").getOrCreate()
counts = (
    spark.read.parquet(source)
    .groupBy("date", "event")
    .agg(F.count("*").alias("events"), F.countDistinct("user_id").alias("users"))
)
counts.write.mode("overwrite").partitionBy("date").parquet(target)
spark.stop()
"#;

/// The operator's Helm release.
pub fn releases(p: &Platform) -> Vec<Release> {
    if p.spark.is_none() {
        return Vec::new();
    }
    vec![Release {
        name: OPERATOR_RELEASE,
        namespace: SPARK_NAMESPACE,
        repo: "https://kubeflow.github.io/spark-operator",
        chart: "spark-operator",
        version: OPERATOR_CHART.to_owned(),
        pinned_in: None,
        values: operator_values(p),
        sync_wave: 0,
    }]
}

/// The workloads-wave file `spark.yaml`: the namespace's network policies and, unless turned
/// off, the example applications.
pub fn files(p: &Platform) -> Vec<ManifestFile> {
    let Some(spark) = &p.spark else {
        return Vec::new();
    };
    let mut objects = network_policies(p);
    if spark.examples {
        objects.push(examples_config_map(p));
        objects.push(events_to_s3(p, spark));
        objects.push(daily_counts(p, spark));
    }
    vec![ManifestFile::objects(Wave::Workloads, "spark", objects)]
}

/// The operator handles applications in `spark` only and creates the service account they
/// run as; its containers already run restricted (the chart's defaults).
fn operator_values(p: &Platform) -> Value {
    let small = json!({
        "requests": { "cpu": "100m", "memory": "256Mi" },
        "limits": { "memory": "512Mi" },
    });
    json!({
        "spark": {
            "jobNamespaces": [SPARK_NAMESPACE],
            "serviceAccount": { "create": true, "name": SPARK_SERVICE_ACCOUNT },
            "rbac": { "create": true },
        },
        "controller": { "replicas": 1, "resources": small },
        "webhook": { "enable": true, "replicas": 1, "port": WEBHOOK_PORT, "resources": small },
        "prometheus": {
            "metrics": { "enable": true, "port": METRICS_PORT },
            "podMonitor": { "create": p.observability.prometheus.is_some() },
        },
    })
}

/// Ingress to `spark` is denied but between its own pods (drivers and executors), from the
/// VPC to the webhook's port (the control plane calls it through its network interfaces in
/// the VPC), and from Prometheus to the operator's metrics.
fn network_policies(p: &Platform) -> Vec<Value> {
    let policy = |name: &str, spec: Value| {
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": SPARK_NAMESPACE, "labels": labels(p, "spark", "network-policy") },
            "spec": spec,
        })
    };
    let mut out = vec![
        policy(
            "default-deny-ingress",
            json!({ "podSelector": {}, "policyTypes": ["Ingress"] }),
        ),
        policy(
            "spark-internal",
            json!({
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{ "from": [{ "podSelector": {} }] }],
            }),
        ),
        policy(
            "spark-operator-webhook",
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
    if p.observability.prometheus.is_some() {
        out.push(policy(
            "spark-metrics-from-monitoring",
            json!({
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{
                    "from": [{ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": super::observability::NAMESPACE } } }],
                    "ports": [{ "protocol": "TCP", "port": METRICS_PORT }],
                }],
            }),
        ));
    }
    out
}

fn examples_config_map(p: &Platform) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": { "name": EXAMPLES_CONFIG_MAP, "namespace": SPARK_NAMESPACE, "labels": labels(p, "spark", "example") },
        "data": BTreeMap::from([
            ("events_to_s3.py", EVENTS_TO_S3),
            ("daily_counts.py", DAILY_COUNTS),
        ]),
    })
}

/// `s3a://{bucket}/{prefix}/examples/{what}`.
fn s3_path(p: &Platform, spark: &Spark, what: &str) -> String {
    format!(
        "s3a://{}/{}/examples/{what}",
        p.names.data_bucket(),
        spark.s3_prefix
    )
}

/// The spec of an example application: one driver and one executor, small enough for the
/// smallest nodes, restricted, S3A with the pod identity credentials.
fn application_spec(p: &Platform, script: &str, arguments: &[String]) -> Value {
    let pod_security = json!({
        "runAsNonRoot": true,
        "runAsUser": SPARK_UID,
        "runAsGroup": SPARK_UID,
        "fsGroup": SPARK_UID,
        "seccompProfile": { "type": "RuntimeDefault" },
    });
    let container_security = json!({
        "allowPrivilegeEscalation": false,
        "capabilities": { "drop": ["ALL"] },
    });
    let pod = |memory: &str| {
        json!({
            "cores": 1,
            "coreRequest": "250m",
            "coreLimit": "1",
            "memory": memory,
            "serviceAccount": SPARK_SERVICE_ACCOUNT,
            "labels": labels(p, "spark", "example"),
            "podSecurityContext": pod_security,
            "securityContext": container_security,
        })
    };
    let mut driver = pod("1g");
    driver["configMaps"] = json!([{ "name": EXAMPLES_CONFIG_MAP, "path": EXAMPLES_DIR }]);
    let mut executor = pod("1g");
    executor["instances"] = json!(1);
    json!({
        "type": "Python",
        "pythonVersion": "3",
        "mode": "cluster",
        "image": SPARK_IMAGE,
        "sparkVersion": SPARK_VERSION,
        "mainApplicationFile": format!("local://{EXAMPLES_DIR}/{script}"),
        "arguments": arguments,
        "deps": { "packages": [HADOOP_AWS] },
        "sparkConf": {
            // Ivy resolves hadoop-aws into a writable directory of the non-root user.
            "spark.jars.ivy": "/tmp/.ivy2",
            "spark.hadoop.fs.s3a.aws.credentials.provider": "software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider",
            "spark.hadoop.fs.s3a.endpoint.region": p.aws.region,
        },
        "restartPolicy": { "type": "Never" },
        "driver": driver,
        "executor": executor,
    })
}

fn events_to_s3(p: &Platform, spark: &Spark) -> Value {
    json!({
        "apiVersion": "sparkoperator.k8s.io/v1beta2",
        "kind": "SparkApplication",
        "metadata": { "name": "events-to-s3", "namespace": SPARK_NAMESPACE, "labels": labels(p, "spark", "example") },
        "spec": application_spec(p, "events_to_s3.py", &[s3_path(p, spark, "events")]),
    })
}

fn daily_counts(p: &Platform, spark: &Spark) -> Value {
    json!({
        "apiVersion": "sparkoperator.k8s.io/v1beta2",
        "kind": "ScheduledSparkApplication",
        "metadata": { "name": "daily-event-counts", "namespace": SPARK_NAMESPACE, "labels": labels(p, "spark", "example") },
        "spec": {
            "schedule": "30 2 * * *",
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "successfulRunHistoryLimit": 3,
            "failedRunHistoryLimit": 3,
            "template": application_spec(
                p,
                "daily_counts.py",
                &[s3_path(p, spark, "events"), s3_path(p, spark, "daily-counts")],
            ),
        },
    })
}
