//! Streaming ingestion from MSK Serverless, which accepts only IAM authentication: Amazon's
//! `aws-msk-iam-auth` library beside the Kafka client of the processes that run Kafka consumers
//! (the overlord, where supervisors live, and the task pods), one Kafka supervisor per topic of
//! the spec, and the Job that creates the topics and submits the supervisors.
//!
//! The library's uber jar expects the Kafka client on its own class path (its README, "the uber
//! jar expects to find the kafka client library ... on the classpath"): Druid loads the Kafka
//! client in the class loader of the `druid-kafka-indexing-service` extension, so the jar goes
//! into that extension's directory, as one file mounted beside the extension's own jars. An
//! init container fetches it from Maven Central at the pinned version and checks it against the
//! SHA-1 Maven Central publishes beside it before the process starts.
//!
//! The MSK bootstrap servers exist only once the cluster does, and CloudFormation exposes no
//! attribute for them: the supervisors and the Job carry the deploy-time value
//! `${plinth:output:data:DruidKafkaBootstrapServers}`, which deploy reads with
//! `kafka:GetBootstrapBrokers`.

use std::fmt::Write as _;

use plinth_spec::model::{IngestTopic, InputFormat, StackKind};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{COMPONENTS, CREDENTIALS, Ctx, TLS_SECRET, security_context};
use crate::k8s::karpenter::{druid_pool, druid_taint_key};
use crate::k8s::labels::labels;

/// The pinned `aws-msk-iam-auth` release (upstream/aws-msk-iam-auth/VERSION: its licence and the
/// classes below, from the release tag).
pub const MSK_IAM_AUTH_VERSION: &str = "2.3.6";
/// The SASL login module the library provides.
pub const LOGIN_MODULE: &str = "software.amazon.msk.auth.iam.IAMLoginModule";
/// The SASL client callback handler the library provides.
pub const CALLBACK_HANDLER: &str = "software.amazon.msk.auth.iam.IAMClientCallbackHandler";
/// Druid's Kafka extension directory in the image, whose class loader loads the Kafka client.
pub const KAFKA_EXTENSION_DIR: &str = "/opt/druid/extensions/druid-kafka-indexing-service";
/// Image of the steps that fetch files and call Druid's API (curl with a shell).
pub const CURL_IMAGE: &str = "curlimages/curl:8.11.1";
/// Image of the Kafka admin tools the Job creates topics with.
pub const KAFKA_TOOLS_IMAGE: &str = "apache/kafka:3.9.1";

const JAR_VOLUME: &str = "msk-iam-auth";
/// The ingestion Job's user: high, so it is no user of the node's.
const JOB_UID: i64 = 10001;
const JAR_DIR: &str = "/opt/plinth/msk-iam-auth";

/// The jar's file name.
pub fn jar() -> String {
    format!("aws-msk-iam-auth-{MSK_IAM_AUTH_VERSION}-all.jar")
}

fn jar_url() -> String {
    format!(
        "https://repo1.maven.org/maven2/software/amazon/msk/aws-msk-iam-auth/{MSK_IAM_AUTH_VERSION}/{}",
        jar()
    )
}

/// The Kafka consumer (and admin client) properties of SASL/IAM on MSK.
pub fn client_properties() -> Vec<(&'static str, String)> {
    vec![
        ("security.protocol", "SASL_SSL".into()),
        ("sasl.mechanism", "AWS_MSK_IAM".into()),
        ("sasl.jaas.config", format!("{LOGIN_MODULE} required;")),
        (
            "sasl.client.callback.handler.class",
            CALLBACK_HANDLER.into(),
        ),
    ]
}

fn bootstrap() -> String {
    crate::k8s::stack_output(StackKind::Data, crate::k8s::DRUID_KAFKA_BOOTSTRAP_OUTPUT)
}

fn small() -> Value {
    let r = json!({ "cpu": "100m", "memory": "128Mi" });
    json!({ "requests": r, "limits": r })
}

/// The volume the jar is fetched into.
pub fn jar_volume() -> Value {
    json!({ "name": JAR_VOLUME, "emptyDir": { "sizeLimit": "64Mi" } })
}

/// The init container that fetches the jar and checks it.
pub fn jar_init_container() -> Value {
    let jar = jar();
    let url = jar_url();
    let script = format!(
        "set -eu\n\
         cd {JAR_DIR}\n\
         curl -fsSL --retry 5 --retry-all-errors -o {jar}.part {url}\n\
         sum=$(curl -fsSL --retry 5 --retry-all-errors {url}.sha1 | cut -c1-40)\n\
         echo \"$sum  {jar}.part\" | sha1sum -c -\n\
         mv {jar}.part {jar}\n"
    );
    json!({
        "name": "msk-iam-auth",
        "image": CURL_IMAGE,
        "command": ["sh", "-c", script],
        "resources": small(),
        "securityContext": security_context(),
        "volumeMounts": [{ "name": JAR_VOLUME, "mountPath": JAR_DIR }],
    })
}

fn pull_always(mut container: Value) -> Value {
    container["imagePullPolicy"] = json!("Always");
    container
}

/// The jar, mounted into the Kafka extension's directory of a Druid container.
pub fn jar_mount() -> Value {
    json!({
        "name": JAR_VOLUME,
        "mountPath": format!("{KAFKA_EXTENSION_DIR}/{}", jar()),
        "subPath": jar(),
        "readOnly": true,
    })
}

/// The supervisor spec of one topic, as the overlord's `POST /druid/indexer/v1/supervisor`
/// takes it (ingestion/kafka-ingestion.md and ingestion/supervisor.md at the pinned Druid).
pub fn supervisor(t: &IngestTopic) -> Value {
    let mut consumer = serde_json::Map::new();
    consumer.insert("bootstrap.servers".into(), bootstrap().into());
    for (k, v) in client_properties() {
        consumer.insert(k.into(), v.into());
    }
    let dimensions = if t.dimensions.is_empty() {
        json!({ "useSchemaDiscovery": true })
    } else {
        json!({ "dimensions": t.dimensions })
    };
    let input_format = match t.format {
        InputFormat::Json => json!({ "type": "json" }),
    };
    json!({
        "type": "kafka",
        "spec": {
            "dataSchema": {
                "dataSource": t.datasource,
                "timestampSpec": { "column": t.timestamp_column, "format": t.timestamp_format },
                "dimensionsSpec": dimensions,
                "granularitySpec": {
                    "type": "uniform",
                    "segmentGranularity": t.segment_granularity.as_str(),
                    "queryGranularity": t.query_granularity.as_str(),
                    "rollup": false,
                },
            },
            "ioConfig": {
                "type": "kafka",
                "topic": t.topic,
                "inputFormat": input_format,
                "consumerProperties": consumer,
                "taskCount": t.task_count,
                "replicas": t.replicas,
                "taskDuration": "PT1H",
                "useEarliestOffset": true,
            },
            "tuningConfig": { "type": "kafka" },
        },
    })
}

/// The service account of the ingestion Job (its own pod identity: it creates topics).
pub fn service_account(cx: &Ctx<'_>) -> String {
    cx.p.names
        .druid_ingestion_service_account()
        .unwrap_or_default()
}

/// The objects of ingestion: the supervisors' ConfigMap, the Job's service account and the
/// Job. None when the spec lists no topics.
pub fn objects(cx: &Ctx<'_>) -> Vec<Value> {
    let topics = &cx.druid.topics;
    if topics.is_empty() {
        return Vec::new();
    }
    let mut data = serde_json::Map::new();
    for t in topics {
        let text = serde_json::to_string_pretty(&supervisor(t)).expect("JSON serializes");
        data.insert(format!("{}.json", t.topic), format!("{text}\n").into());
    }
    let mut client = String::new();
    for (k, v) in client_properties() {
        let _ = writeln!(client, "{k}={v}");
    }
    data.insert("client.properties".into(), client.into());
    let mut create = String::from("set -eu\n");
    for t in topics {
        let _ = writeln!(
            create,
            "/opt/kafka/bin/kafka-topics.sh --bootstrap-server \"$BOOTSTRAP\" --command-config /opt/plinth/ingestion/client.properties --create --if-not-exists --topic {} --partitions {}",
            t.topic, t.partitions
        );
    }
    data.insert("create-topics.sh".into(), create.into());
    let overlord = COMPONENTS
        .iter()
        .find(|c| c.name == "overlord")
        .expect("overlord is a component");
    let base = format!(
        "https://{}.{}.svc:{}",
        cx.name("druid-overlord"),
        cx.ns,
        overlord.port
    );
    let submit = format!(
        "set -eu\n\
         api={base}\n\
         tls=\"--cacert /opt/plinth/tls/ca.crt\"\n\
         # The overlord answers once it leads; the Job's deadline bounds the wait.\n\
         auth=\"admin:$(cat /opt/plinth/admin/admin-password)\"\n\
         until curl -fsS $tls -u \"$auth\" \"$api/status/health\" >/dev/null; do sleep 10; done\n\
         for f in /opt/plinth/ingestion/*.json; do\n\
         \x20 echo \"submitting $f\"\n\
         \x20 curl -fsS $tls -u \"$auth\" -H 'Content-Type: application/json' --data-binary @\"$f\" \"$api/druid/indexer/v1/supervisor\"\n\
         \x20 echo\n\
         done\n"
    );
    data.insert("submit.sh".into(), submit.into());
    let config_name = cx.name("druid-ingestion");
    // A Job's pod template cannot change, so a changed spec is a new Job: its name carries a
    // digest of what it submits.
    let digest = hex::encode(Sha256::digest(
        serde_json::to_vec(&data).expect("JSON serializes"),
    ));
    let job_name = format!("{config_name}-{}", &digest[..10]);
    let config = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": cx.meta(&config_name, "ingestion"),
        "data": data,
    });
    let sa = service_account(cx);
    let account = json!({ "apiVersion": "v1", "kind": "ServiceAccount", "metadata": cx.meta(&sa, "ingestion") });
    let mounts = json!([
        { "name": "ingestion", "mountPath": "/opt/plinth/ingestion", "readOnly": true },
        { "name": "tmp", "mountPath": "/tmp" },
    ]);
    let mut topic_mounts = mounts.as_array().cloned().unwrap_or_default();
    topic_mounts.push(json!({ "name": JAR_VOLUME, "mountPath": JAR_DIR, "readOnly": true }));
    let mut submit_mounts = mounts.as_array().cloned().unwrap_or_default();
    submit_mounts.push(json!({ "name": "tls", "mountPath": "/opt/plinth/tls", "readOnly": true }));
    submit_mounts
        .push(json!({ "name": "admin", "mountPath": "/opt/plinth/admin", "readOnly": true }));
    let pod_labels = labels(cx.p, "druid", "ingestion");
    let job = json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": cx.meta(&job_name, "ingestion"),
        "spec": {
            "backoffLimit": 10,
            "activeDeadlineSeconds": 3600,
            "ttlSecondsAfterFinished": 604_800,
            "template": {
                "metadata": { "labels": pod_labels },
                "spec": {
                    "serviceAccountName": sa,
                    // No Kubernetes API calls; Pod Identity mounts its own token.
                    "automountServiceAccountToken": false,
                    "restartPolicy": "Never",
                    "securityContext": {
                        "runAsNonRoot": true,
                        "runAsUser": JOB_UID,
                        "runAsGroup": JOB_UID,
                        "fsGroup": JOB_UID,
                        "seccompProfile": { "type": "RuntimeDefault" },
                    },
                    // On a Druid task node: its security group is the one MSK admits.
                    "nodeSelector": { "karpenter.sh/nodepool": druid_pool("tasks") },
                    "tolerations": [{ "key": druid_taint_key(cx.p), "operator": "Equal", "value": "tasks", "effect": "NoSchedule" }],
                    "initContainers": [
                        pull_always(jar_init_container()),
                        {
                            "name": "topics",
                            "image": KAFKA_TOOLS_IMAGE,
                            "imagePullPolicy": "Always",
                            "command": ["sh", "/opt/plinth/ingestion/create-topics.sh"],
                            "env": [
                                { "name": "BOOTSTRAP", "value": bootstrap() },
                                { "name": "CLASSPATH", "value": format!("{JAR_DIR}/{}", jar()) },
                                { "name": "LOG_DIR", "value": "/tmp/logs" },
                                { "name": "KAFKA_HEAP_OPTS", "value": "-Xmx256m" },
                            ],
                            "resources": { "requests": { "cpu": "250m", "memory": "512Mi" }, "limits": { "cpu": "250m", "memory": "512Mi" } },
                            "securityContext": security_context(),
                            "volumeMounts": topic_mounts,
                        },
                    ],
                    "containers": [{
                        "name": "submit",
                        "image": CURL_IMAGE,
                        "imagePullPolicy": "Always",
                        "command": ["sh", "/opt/plinth/ingestion/submit.sh"],
                        "resources": small(),
                        "securityContext": security_context(),
                        "volumeMounts": submit_mounts,
                    }],
                    "volumes": [
                        { "name": "ingestion", "configMap": { "name": config_name } },
                        { "name": "tmp", "emptyDir": {} },
                        jar_volume(),
                        { "name": "tls", "secret": { "secretName": TLS_SECRET, "items": [{ "key": "ca.crt", "path": "ca.crt" }] } },
                        { "name": "admin", "secret": { "secretName": CREDENTIALS, "items": [{ "key": "admin-password", "path": "admin-password" }] } },
                    ],
                },
            },
        },
    });
    vec![account, config, job]
}

#[cfg(test)]
mod tests {
    use super::*;
    use plinth_spec::model::Granularity;

    fn topic() -> IngestTopic {
        IngestTopic {
            topic: "events".into(),
            datasource: "events".into(),
            partitions: 6,
            timestamp_column: "ts".into(),
            timestamp_format: "iso".into(),
            format: InputFormat::Json,
            dimensions: Vec::new(),
            segment_granularity: Granularity::Hour,
            query_granularity: Granularity::None,
            task_count: 2,
            replicas: 1,
        }
    }

    #[test]
    fn no_dimensions_is_schema_discovery() {
        let s = supervisor(&topic());
        assert_eq!(
            s["spec"]["dataSchema"]["dimensionsSpec"],
            json!({ "useSchemaDiscovery": true })
        );
        let mut t = topic();
        t.dimensions = vec!["user".into()];
        assert_eq!(
            supervisor(&t)["spec"]["dataSchema"]["dimensionsSpec"],
            json!({ "dimensions": ["user"] })
        );
    }

    #[test]
    fn consumers_authenticate_with_iam() {
        let s = supervisor(&topic());
        let c = &s["spec"]["ioConfig"]["consumerProperties"];
        assert_eq!(c["sasl.mechanism"], "AWS_MSK_IAM");
        assert_eq!(c["security.protocol"], "SASL_SSL");
        assert_eq!(
            c["bootstrap.servers"],
            "${plinth:output:data:DruidKafkaBootstrapServers}"
        );
    }
}
