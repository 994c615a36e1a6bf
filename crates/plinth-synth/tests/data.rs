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
        if platform.airflow.is_some() {
            namespaces.push(plinth_spec::model::AIRFLOW_NAMESPACE);
        }
        if platform.mongodb.is_some() {
            namespaces.push(plinth_spec::model::MONGODB_NAMESPACE);
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

fn airflow_examples() -> Vec<(String, plinth_spec::Platform, Assembly)> {
    let out: Vec<_> = examples()
        .into_iter()
        .filter(|(_, p, _)| p.airflow.is_some())
        .collect();
    assert!(!out.is_empty(), "expected an example with Airflow");
    out
}

/// Every Secret the chart reads is one the SecretProviderClass syncs, under the key the chart
/// expects, from a field the composed secret of the data stack has.
#[test]
fn airflow_reads_the_secrets_plinth_syncs() {
    for (example, _, assembly) in airflow_examples() {
        let data = stack(&assembly, "data");
        let config = &data.resources["AirflowConfigSecret"].properties;
        let document = config["SecretString"]["Fn::Sub"].as_str().unwrap();
        let spc = of_kind(&assembly, "SecretProviderClass")
            .into_iter()
            .find(|o| o["metadata"]["namespace"] == "airflow")
            .unwrap_or_else(|| panic!("{example}: no SecretProviderClass in airflow"));
        let objects: Vec<Value> =
            serde_saphyr::from_str(spc["spec"]["parameters"]["objects"].as_str().unwrap()).unwrap();
        assert_eq!(objects[0]["objectName"], config["Name"], "{example}");
        let mut aliases = BTreeMap::new();
        for j in objects[0]["jmesPath"].as_array().unwrap() {
            let field = j["path"].as_str().unwrap();
            assert!(
                document.contains(&format!("\"{field}\":")),
                "{example}: the composed secret has no field {field}"
            );
            aliases.insert(j["objectAlias"].as_str().unwrap(), field);
        }
        let synced: BTreeMap<&str, (&str, &str)> = spc["spec"]["secretObjects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let data = &s["data"][0];
                (
                    s["secretName"].as_str().unwrap(),
                    (
                        data["key"].as_str().unwrap(),
                        data["objectName"].as_str().unwrap(),
                    ),
                )
            })
            .collect();
        let values = values(&assembly, "airflow");
        for (pointer, key) in [
            ("/data/metadataSecretName", "connection"),
            ("/fernetKeySecretName", "fernet-key"),
            ("/apiSecretKeySecretName", "api-secret-key"),
            ("/jwtSecretName", "jwt-secret"),
            ("/webserverSecretKeySecretName", "webserver-secret-key"),
        ] {
            let secret = values.pointer(pointer).unwrap().as_str().unwrap();
            let (synced_key, alias) = synced
                .get(secret)
                .unwrap_or_else(|| panic!("{example}: {secret} is not synced"));
            assert_eq!(*synced_key, key, "{example}: {secret}");
            assert!(aliases.contains_key(alias), "{example}: {secret}");
        }
        for literal in [
            "fernetKey",
            "metadataConnection",
            "webserverSecretKey",
            "jwtSecret",
        ] {
            assert!(
                values.get(literal).is_none() && values["data"].get(literal).is_none(),
                "{example}: {literal} would put a secret in the values"
            );
        }
        assert_eq!(
            values["createUserJob"]["defaultUser"]["enabled"], false,
            "{example}: the chart's default user has a literal password"
        );
    }
}

/// Airflow's service accounts are the ones bound to its roles, and it writes task logs where
/// its role may write.
#[test]
fn airflow_runs_as_the_bound_service_accounts() {
    for (example, platform, assembly) in airflow_examples() {
        let bindings = stack(&assembly, "bindings");
        let bound = |role: &str| -> Vec<String> {
            bindings
                .resources
                .values()
                .filter(|r| {
                    r.properties["RoleArn"]["Fn::ImportValue"]
                        .as_str()
                        .is_some_and(|e| e.ends_with(&format!("-{role}RoleArn")))
                })
                .map(|r| r.properties["ServiceAccount"].as_str().unwrap().to_owned())
                .collect()
        };
        let values = values(&assembly, "airflow");
        for component in [
            "scheduler",
            "apiServer",
            "triggerer",
            "dagProcessor",
            "workers",
        ] {
            let sa = values[component]["serviceAccount"]["name"]
                .as_str()
                .unwrap();
            assert!(
                bound("Airflow").iter().any(|b| b == sa),
                "{example}: {component} runs as {sa}, which no pod identity binds"
            );
        }
        let sync = of_kind(&assembly, "Deployment")
            .into_iter()
            .find(|d| d["metadata"]["name"] == "airflow-secret-sync")
            .unwrap();
        let sa = sync["spec"]["template"]["spec"]["serviceAccountName"]
            .as_str()
            .unwrap();
        assert_eq!(bound("AirflowSecrets"), vec![sa.to_owned()], "{example}");
        let data = stack(&assembly, "data");
        let objects =
            data.resources["AirflowRole"].properties["Policies"][0]["PolicyDocument"]["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["Sid"] == "UseOwnObjects")
                .unwrap()["Resource"]["Fn::Sub"]
                .as_str()
                .unwrap()
                .replace("${DataLakeBucket.Arn}/", "")
                .replace('*', "");
        let bucket = data.resources["DataLakeBucket"].properties["BucketName"]
            .as_str()
            .unwrap();
        let folder = values["config"]["logging"]["remote_base_log_folder"]
            .as_str()
            .unwrap();
        assert!(
            format!("{folder}/").starts_with(&format!("s3://{bucket}/{objects}")),
            "{example}: logs go to {folder}, the role may write {objects}"
        );
        let db = &data.resources["AirflowDatabase"].properties;
        let production = matches!(
            platform.metadata.environment.as_str(),
            "production" | "prod"
        );
        assert_eq!(db["MultiAZ"], production, "{example}");
        assert_eq!(db["StorageEncrypted"], true, "{example}");
        assert_eq!(db["PubliclyAccessible"], false, "{example}");
        let ingress = &data.resources["AirflowDbSecurityGroupIngressFromCluster"].properties;
        assert!(
            ingress["SourceSecurityGroupId"]["Fn::ImportValue"]
                .as_str()
                .unwrap()
                .ends_with("-EksClusterSecurityGroupId"),
            "{example}"
        );
    }
}

/// Every MongoDB user's password comes from the generated secret of the data stack, synced
/// into the Secret its `passwordSecretRef` names by a pod whose service account is bound to
/// the one role that may read those secrets.
#[test]
fn mongodb_users_read_generated_passwords() {
    let examples: Vec<_> = examples()
        .into_iter()
        .filter(|(_, p, _)| p.mongodb.is_some())
        .collect();
    assert!(!examples.is_empty(), "expected an example with MongoDB");
    for (example, _, assembly) in examples {
        let data = stack(&assembly, "data");
        let generated: Vec<&str> = data
            .resources
            .values()
            .filter(|r| r.kind == "AWS::SecretsManager::Secret")
            .filter_map(|r| r.properties["Name"].as_str())
            .collect();
        let spc = of_kind(&assembly, "SecretProviderClass")
            .into_iter()
            .find(|o| o["metadata"]["namespace"] == "mongodb")
            .unwrap();
        let objects: Vec<Value> =
            serde_saphyr::from_str(spc["spec"]["parameters"]["objects"].as_str().unwrap()).unwrap();
        let mut alias_of_secret = BTreeMap::new();
        for o in &objects {
            let name = o["objectName"].as_str().unwrap();
            assert!(
                generated.contains(&name),
                "{example}: {name} is not generated"
            );
            alias_of_secret.insert(
                o["jmesPath"][0]["objectAlias"].as_str().unwrap().to_owned(),
                name,
            );
        }
        let synced: BTreeMap<&str, &str> = spc["spec"]["secretObjects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                assert_eq!(s["data"][0]["key"], "password", "{example}");
                (
                    s["secretName"].as_str().unwrap(),
                    s["data"][0]["objectName"].as_str().unwrap(),
                )
            })
            .collect();
        let rs = &of_kind(&assembly, "MongoDBCommunity")[0];
        let users = rs["spec"]["users"].as_array().unwrap();
        assert!(users.iter().any(|u| u["name"] == "admin"), "{example}");
        for u in users {
            let secret = u["passwordSecretRef"]["name"].as_str().unwrap();
            let alias = synced
                .get(secret)
                .unwrap_or_else(|| panic!("{example}: {secret} is not synced"));
            let source = alias_of_secret[*alias];
            assert!(
                source.ends_with(&format!("-mongodb-{}", u["name"].as_str().unwrap())),
                "{example}: {secret} comes from {source}"
            );
        }
        let sync = of_kind(&assembly, "Deployment")
            .into_iter()
            .find(|d| d["metadata"]["name"] == "mongodb-secret-sync")
            .unwrap();
        let sa = sync["spec"]["template"]["spec"]["serviceAccountName"].clone();
        let bound = stack(&assembly, "bindings")
            .resources
            .values()
            .find(|r| {
                r.properties["RoleArn"]["Fn::ImportValue"]
                    .as_str()
                    .is_some_and(|e| e.ends_with("-MongoDbSecretsRoleArn"))
            })
            .unwrap();
        assert_eq!(bound.properties["ServiceAccount"], sa, "{example}");
        assert_eq!(bound.properties["Namespace"], "mongodb", "{example}");
    }
}

/// With `addons.verticalPodAutoscaler`, every Deployment and StatefulSet plinth renders, and
/// the MongoDB operator's StatefulSet, has a `VerticalPodAutoscaler` in recommendation mode
/// right after it in the same file, and the chart runs the recommender only.
#[test]
fn vertical_pod_autoscalers_recommend_for_every_workload_and_change_nothing() {
    let with_vpa: Vec<_> = examples()
        .into_iter()
        .filter(|(_, p, _)| p.addons.vertical_pod_autoscaler.is_some())
        .collect();
    assert!(!with_vpa.is_empty(), "expected an example with the VPA");
    for (example, platform, assembly) in with_vpa {
        let v = values(&assembly, "vpa");
        assert_eq!(v["recommender"]["enabled"], true, "{example}");
        assert_eq!(v["updater"]["enabled"], false, "{example}");
        assert_eq!(v["admissionController"]["enabled"], false, "{example}");
        let mut targets = 0;
        for f in &assembly.kubernetes {
            let objects = f.kube_objects();
            for (i, o) in objects.iter().enumerate() {
                let kind = match o["kind"].as_str().unwrap_or_default() {
                    k @ ("Deployment" | "StatefulSet") => k,
                    "MongoDBCommunity" => "StatefulSet",
                    _ => continue,
                };
                targets += 1;
                let vpa = objects
                    .get(i + 1)
                    .unwrap_or_else(|| panic!("{example}: {} ends after a workload", f.path));
                assert_eq!(
                    vpa["kind"], "VerticalPodAutoscaler",
                    "{example}: {}",
                    f.path
                );
                assert_eq!(vpa["spec"]["targetRef"]["kind"], kind);
                assert_eq!(vpa["spec"]["targetRef"]["name"], o["metadata"]["name"]);
                assert_eq!(vpa["metadata"]["namespace"], o["metadata"]["namespace"]);
                assert_eq!(vpa["spec"]["updatePolicy"]["updateMode"], "Off");
            }
        }
        assert_eq!(
            targets,
            of_kind(&assembly, "VerticalPodAutoscaler").len(),
            "{example}: a VPA without a workload"
        );
        if platform.mongodb.is_some() {
            assert!(
                of_kind(&assembly, "VerticalPodAutoscaler").iter().any(
                    |v| v["metadata"]["namespace"] == plinth_spec::model::MONGODB_NAMESPACE
                        && v["spec"]["targetRef"]["kind"] == "StatefulSet"
                ),
                "{example}: MongoDB's replica set has no VPA"
            );
        }
    }
}

/// Without `addons.verticalPodAutoscaler`, no `VerticalPodAutoscaler` and no chart.
#[test]
fn no_vertical_pod_autoscaler_unless_asked() {
    for (example, platform, assembly) in examples() {
        if platform.addons.vertical_pod_autoscaler.is_none() {
            assert!(
                of_kind(&assembly, "VerticalPodAutoscaler").is_empty(),
                "{example}"
            );
            assert!(
                !of_kind(&assembly, "Application")
                    .iter()
                    .any(|a| a["metadata"]["name"] == "vpa"),
                "{example}"
            );
        }
    }
}
