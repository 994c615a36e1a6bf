//! The data-processing workloads of every example that has them: what their custom resources,
//! chart values and namespaces must agree on, read from the synthesized output.

use std::collections::BTreeMap;
use std::path::PathBuf;

use plinth_synth::{Assembly, synth};
use serde_json::Value;

fn examples() -> Vec<(String, plinth_spec::Platform, Assembly)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("plinth.yaml").exists())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(path.join("plinth.yaml")).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let environments = plinth_spec::environment_names(&text);
        let runs: Vec<Option<String>> = if environments.is_empty() {
            vec![None]
        } else {
            environments.into_iter().map(Some).collect()
        };
        for environment in runs {
            let platform = plinth_spec::load_environment(&text, environment.as_deref())
                .platform
                .expect("examples are valid");
            let assembly = synth(&platform);
            let label = environment.map_or(name.clone(), |e| format!("{name}-{e}"));
            out.push((label, platform, assembly));
        }
    }
    out
}

fn kafka_examples() -> Vec<(String, plinth_spec::Platform, Assembly)> {
    let out: Vec<_> = examples()
        .into_iter()
        .filter(|(_, p, _)| p.kafka.is_some())
        .collect();
    assert!(!out.is_empty(), "expected an example with Kafka");
    out
}

fn spark_examples() -> Vec<(String, plinth_spec::Platform, Assembly)> {
    let out: Vec<_> = examples()
        .into_iter()
        .filter(|(_, p, _)| p.spark.is_some())
        .collect();
    assert!(!out.is_empty(), "expected an example with Spark");
    out
}

fn stack<'a>(a: &'a Assembly, kind: &str) -> &'a plinth_cfn::Template {
    &a.stacks
        .iter()
        .find(|s| s.kind.as_str() == kind)
        .unwrap_or_else(|| panic!("no {kind} stack"))
        .template
}

fn objects(a: &Assembly) -> Vec<&Value> {
    a.kubernetes
        .iter()
        .flat_map(plinth_synth::k8s::ManifestFile::kube_objects)
        .collect()
}

fn of_kind<'a>(a: &'a Assembly, kind: &str) -> Vec<&'a Value> {
    objects(a)
        .into_iter()
        .filter(|o| o["kind"] == kind)
        .collect()
}

fn values<'a>(a: &'a Assembly, release: &str) -> &'a Value {
    let app = of_kind(a, "Application")
        .into_iter()
        .find(|o| o["metadata"]["name"] == release)
        .unwrap_or_else(|| panic!("no Application {release}"));
    &app["spec"]["source"]["helm"]["valuesObject"]
}

/// Every namespace a data workload runs in enforces Pod Security `restricted` and denies
/// ingress by default.
#[test]
fn workload_namespaces_are_restricted_and_deny_ingress() {
    for (example, platform, assembly) in examples() {
        let mut namespaces = Vec::new();
        if platform.kafka.is_some() {
            namespaces.push(plinth_spec::model::KAFKA_NAMESPACE);
        }
        if platform.spark.is_some() {
            namespaces.push(plinth_spec::model::SPARK_NAMESPACE);
        }
        for ns in namespaces {
            let namespace = of_kind(&assembly, "Namespace")
                .into_iter()
                .find(|o| o["metadata"]["name"] == ns)
                .unwrap_or_else(|| panic!("{example}: no namespace {ns}"));
            for mode in ["enforce", "audit", "warn"] {
                assert_eq!(
                    namespace["metadata"]["labels"][format!("pod-security.kubernetes.io/{mode}")],
                    "restricted",
                    "{example}: {ns} {mode}"
                );
            }
            let deny = of_kind(&assembly, "NetworkPolicy").into_iter().any(|p| {
                p["metadata"]["namespace"] == ns
                    && p["spec"]["podSelector"] == serde_json::json!({})
                    && p["spec"]["policyTypes"] == serde_json::json!(["Ingress"])
                    && p["spec"].get("ingress").is_none()
            });
            assert!(deny, "{example}: {ns} has no default-deny ingress policy");
        }
    }
}

/// Topics fit the brokers the node pools run, and each topic's in-sync minimum can be met
/// with one replica down.
#[test]
fn kafka_topics_fit_the_brokers() {
    for (example, _, assembly) in kafka_examples() {
        let brokers: u64 = of_kind(&assembly, "KafkaNodePool")
            .into_iter()
            .filter(|p| {
                p["spec"]["roles"]
                    .as_array()
                    .unwrap()
                    .contains(&Value::from("broker"))
            })
            .map(|p| p["spec"]["replicas"].as_u64().unwrap())
            .sum();
        let kafka = &of_kind(&assembly, "Kafka")[0];
        let cluster_min: u64 = kafka["spec"]["kafka"]["config"]["min.insync.replicas"]
            .as_u64()
            .unwrap();
        let topics = of_kind(&assembly, "KafkaTopic");
        assert!(!topics.is_empty(), "{example}: no topics");
        for t in topics {
            let name = &t["metadata"]["name"];
            assert_eq!(
                t["metadata"]["labels"]["strimzi.io/cluster"], kafka["metadata"]["name"],
                "{example}: topic {name} names another cluster"
            );
            let replicas = t["spec"]["replicas"].as_u64().unwrap();
            assert!(
                (1..=brokers).contains(&replicas),
                "{example}: topic {name} has {replicas} replicas, {brokers} brokers"
            );
            let min = t["spec"]["config"]["min.insync.replicas"]
                .as_str()
                .map_or(cluster_min, |m| m.parse().unwrap());
            assert!(
                replicas == 1 || min < replicas,
                "{example}: topic {name} stops taking writes when a replica is down"
            );
        }
    }
}

/// The operator makes restricted pods; Kafka UI bootstraps from the cluster's TLS listener,
/// trusts the CA Secret Strimzi writes, and is a peer of that listener.
#[test]
fn kafka_operator_and_ui_agree_with_the_cluster() {
    for (example, platform, assembly) in kafka_examples() {
        let operator = values(&assembly, "strimzi-kafka-operator");
        let env: BTreeMap<&str, &str> = operator["extraEnvs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["name"].as_str().unwrap(), e["value"].as_str().unwrap()))
            .collect();
        assert_eq!(
            env.get("STRIMZI_POD_SECURITY_PROVIDER_CLASS"),
            Some(&"restricted"),
            "{example}"
        );
        let kafka = &of_kind(&assembly, "Kafka")[0];
        let name = kafka["metadata"]["name"].as_str().unwrap();
        let listener = &kafka["spec"]["kafka"]["listeners"][0];
        assert_eq!(listener["tls"], true, "{example}: the listener must be TLS");
        let peers = listener["networkPolicyPeers"].as_array().unwrap();
        for ns in &platform.kafka.as_ref().unwrap().clients {
            assert!(
                peers.iter().any(
                    |p| p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                        == ns.as_str()
                ),
                "{example}: client namespace {ns} is not a listener peer"
            );
        }
        if !platform.kafka.as_ref().unwrap().ui {
            continue;
        }
        let ui = values(&assembly, "kafka-ui");
        let cluster = &ui["yamlApplicationConfig"]["kafka"]["clusters"][0];
        assert_eq!(
            cluster["bootstrapServers"],
            format!(
                "{name}-kafka-bootstrap.kafka.svc:{}",
                listener["port"].as_u64().unwrap()
            ),
            "{example}"
        );
        let ca = ui["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v.get("secret").is_some())
            .unwrap();
        assert_eq!(
            ca["secret"]["secretName"],
            format!("{name}-cluster-ca-cert"),
            "{example}"
        );
        assert!(
            peers
                .iter()
                .any(|p| p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "kafka-ui"),
            "{example}: Kafka UI is not a listener peer"
        );
    }
}

/// Spark's applications run as the service account the operator creates and the bindings
/// stack binds to Spark's role, and write only where that role may write.
#[test]
fn spark_applications_write_where_their_role_may() {
    for (example, platform, assembly) in spark_examples() {
        let data = stack(&assembly, "data");
        let bucket = data.resources["DataLakeBucket"].properties["BucketName"]
            .as_str()
            .unwrap();
        let role = &data.resources["SparkRole"].properties;
        let statements = role["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        let objects = statements
            .iter()
            .find(|s| s["Sid"] == "UseOwnObjects")
            .unwrap()["Resource"]["Fn::Sub"]
            .as_str()
            .unwrap();
        let prefix = objects
            .strip_prefix("${DataLakeBucket.Arn}/")
            .and_then(|p| p.strip_suffix('*'))
            .unwrap_or_else(|| panic!("{example}: {objects}"));
        let binding = &stack(&assembly, "bindings").resources["SparkPodIdentity"].properties;
        assert_eq!(binding["Namespace"], "spark", "{example}");
        let service_account = binding["ServiceAccount"].as_str().unwrap();
        let operator = values(&assembly, "spark-operator");
        assert_eq!(
            operator["spark"]["serviceAccount"]["name"], service_account,
            "{example}: the operator creates another service account"
        );
        assert_eq!(
            operator["spark"]["jobNamespaces"],
            serde_json::json!(["spark"]),
            "{example}"
        );
        let mut specs: Vec<&Value> = of_kind(&assembly, "SparkApplication")
            .into_iter()
            .map(|a| &a["spec"])
            .collect();
        specs.extend(
            of_kind(&assembly, "ScheduledSparkApplication")
                .into_iter()
                .map(|a| &a["spec"]["template"]),
        );
        if !platform.spark.as_ref().unwrap().examples {
            assert!(specs.is_empty(), "{example}");
            continue;
        }
        assert!(!specs.is_empty(), "{example}: no example applications");
        for spec in specs {
            for pod in ["driver", "executor"] {
                assert_eq!(
                    spec[pod]["serviceAccount"], service_account,
                    "{example}: {pod}"
                );
                assert_eq!(
                    spec[pod]["podSecurityContext"]["runAsNonRoot"], true,
                    "{example}: {pod}"
                );
                assert_eq!(
                    spec[pod]["securityContext"]["capabilities"]["drop"],
                    serde_json::json!(["ALL"]),
                    "{example}: {pod}"
                );
            }
            for path in spec["arguments"].as_array().unwrap() {
                let path = path.as_str().unwrap();
                assert!(
                    path.starts_with(&format!("s3a://{bucket}/{prefix}")),
                    "{example}: {path} is outside {bucket}/{prefix}"
                );
            }
        }
    }
}
