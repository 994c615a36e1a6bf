//! The Kubernetes side of every example: snapshots of each manifest file, and the agreements
//! between what the manifests reference and what the CloudFormation templates create.

use std::collections::BTreeSet;
use std::path::PathBuf;

use plinth_synth::{Assembly, synth};
use serde_json::Value;

fn examples() -> Vec<(String, plinth_spec::Platform, Assembly)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
        .into_iter()
        .filter(|p| p.join("plinth.yaml").exists())
        .flat_map(|path| {
            let text = std::fs::read_to_string(path.join("plinth.yaml")).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // A spec with environments is an example per environment: `{example}-{environment}`.
            let environments = plinth_spec::environment_names(&text);
            let runs: Vec<(String, Option<String>)> = if environments.is_empty() {
                vec![(name, None)]
            } else {
                environments
                    .into_iter()
                    .map(|e| (format!("{name}-{e}"), Some(e)))
                    .collect()
            };
            runs.into_iter()
                .map(|(name, environment)| {
                    let platform = plinth_spec::load_environment(&text, environment.as_deref())
                        .platform
                        .expect("examples are valid");
                    let assembly = synth(&platform);
                    (name, platform, assembly)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The examples with Druid.
fn druid_examples() -> Vec<(String, plinth_spec::Platform, Assembly)> {
    examples()
        .into_iter()
        .filter(|(_, p, _)| p.druid.is_some())
        .collect()
}

fn objects(a: &Assembly) -> Vec<&Value> {
    a.kubernetes
        .iter()
        .flat_map(plinth_synth::k8s::ManifestFile::kube_objects)
        .collect()
}

fn find<'a>(a: &'a Assembly, kind: &str, name: &str) -> &'a Value {
    objects(a)
        .into_iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn manifests_match_snapshots() {
    for (example, _, assembly) in examples() {
        assert!(!assembly.kubernetes.is_empty(), "{example}: no manifests");
        for file in &assembly.kubernetes {
            let name = file
                .path
                .trim_start_matches("kubernetes/")
                .replace('/', "__");
            insta::assert_snapshot!(format!("{example}__{name}"), file.to_yaml());
        }
    }
}

#[test]
fn druid_schedules_onto_existing_node_pools_and_tolerates_their_taints() {
    for (example, _, assembly) in druid_examples() {
        let pools: BTreeSet<String> = objects(&assembly)
            .into_iter()
            .filter(|o| o["kind"] == "NodePool")
            .map(|o| o["metadata"]["name"].as_str().unwrap().to_owned())
            .collect();
        for o in objects(&assembly)
            .into_iter()
            .filter(|o| o["kind"] == "Deployment" || o["kind"] == "StatefulSet")
        {
            let spec = &o["spec"]["template"]["spec"];
            let pool = spec["nodeSelector"]["karpenter.sh/nodepool"]
                .as_str()
                .unwrap();
            assert!(
                pools.contains(pool),
                "{example}: {} selects missing pool {pool}",
                o["metadata"]["name"]
            );
            let pool_obj = find(&assembly, "NodePool", pool);
            let taints = pool_obj["spec"]["template"]["spec"]["taints"]
                .as_array()
                .unwrap();
            for t in taints {
                let tolerated = spec["tolerations"].as_array().unwrap().iter().any(|tol| {
                    tol["key"] == t["key"]
                        && tol["value"] == t["value"]
                        && tol["effect"] == t["effect"]
                });
                assert!(
                    tolerated,
                    "{example}: {} does not tolerate {t}",
                    o["metadata"]["name"]
                );
            }
        }
    }
}

#[test]
fn druid_pods_run_as_the_service_account_with_the_pod_identity() {
    for (example, platform, assembly) in druid_examples() {
        let Some(sa) = platform.names.druid_service_account() else {
            continue;
        };
        find(&assembly, "ServiceAccount", &sa);
        for o in objects(&assembly)
            .into_iter()
            .filter(|o| o["kind"] == "Deployment" || o["kind"] == "StatefulSet")
        {
            assert_eq!(
                o["spec"]["template"]["spec"]["serviceAccountName"],
                sa.as_str(),
                "{example}"
            );
            assert_eq!(
                o["metadata"]["namespace"],
                platform.names.druid_namespace(),
                "{example}"
            );
        }
        let binding = find(
            &assembly,
            "RoleBinding",
            &format!("{}-druid", platform.druid.as_ref().unwrap().release),
        );
        assert_eq!(binding["subjects"][0]["name"], sa.as_str());
    }
}

#[test]
fn druid_configuration_names_the_buckets_and_secrets_plinth_creates() {
    for (example, platform, assembly) in druid_examples() {
        let Some(druid) = &platform.druid else {
            continue;
        };
        let common = find(
            &assembly,
            "ConfigMap",
            &format!("{}-druid-common", druid.release),
        );
        let props = common["data"]["common.runtime.properties"]
            .as_str()
            .unwrap();
        for (key, suffix) in [
            ("druid.storage.bucket", "deepstorage"),
            ("druid.indexer.logs.s3Bucket", "indexlogs"),
            ("druid.msq.intermediate.storage.bucket", "msq"),
        ] {
            let expected = platform.names.druid(suffix).unwrap();
            assert!(
                props.contains(&format!("{key}={expected}\n")),
                "{example}: {key} is not {expected}"
            );
        }
        let spc = find(
            &assembly,
            "SecretProviderClass",
            &format!("{}-druid-secrets", druid.release),
        );
        let objects = spc["spec"]["parameters"]["objects"].as_str().unwrap();
        for suffix in ["metadata", "admin", "system"] {
            let expected = platform.names.druid(suffix).unwrap();
            assert!(
                objects.contains(&format!("objectName: {expected}\n")),
                "{example}: secret {expected} not mounted"
            );
        }
    }
}

#[test]
fn no_manifest_holds_a_literal_secret() {
    for (example, _, assembly) in examples() {
        for o in objects(&assembly) {
            if o["kind"] == "Secret" {
                // Only Argo CD's declarative configuration, whose fields here are names, URLs
                // and the ARN of credentials kept in Secrets Manager.
                let allowed: &[&str] =
                    match o["metadata"]["labels"]["argocd.argoproj.io/secret-type"].as_str() {
                        Some("cluster") => &["name", "server"],
                        Some("repository") => &["name", "type", "url", "enableOCI", "secretArn"],
                        _ => panic!("{example}: a Secret object is rendered: {o}"),
                    };
                assert!(o.get("data").is_none(), "{example}: {o}");
                for key in o["stringData"].as_object().unwrap().keys() {
                    assert!(allowed.contains(&key.as_str()), "{example}: {key} in {o}");
                }
            }
            let text = serde_json::to_string(o).unwrap();
            for container in o["spec"]["template"]["spec"]["containers"]
                .as_array()
                .into_iter()
                .flatten()
            {
                for var in container["env"].as_array().into_iter().flatten() {
                    let name = var["name"].as_str().unwrap().to_uppercase();
                    if name.contains("PASSWORD")
                        || name.contains("SECRET")
                        || name.contains("TOKEN")
                    {
                        assert!(
                            var.get("value").is_none(),
                            "{example}: {name} has a literal value"
                        );
                    }
                }
            }
            // Druid properties name passwords only through a password provider.
            for data in o["data"].as_object().into_iter().flat_map(|d| d.values()) {
                for line in data.as_str().unwrap_or_default().lines() {
                    let Some((key, value)) = line.split_once('=') else {
                        continue;
                    };
                    if key.to_lowercase().contains("password") {
                        assert!(
                            value.starts_with(r#"{"type":"environment""#),
                            "{example}: {key} is not read from the environment"
                        );
                    }
                }
            }
            assert!(
                !text.contains("BEGIN PRIVATE KEY"),
                "{example}: a private key in a manifest"
            );
        }
    }
}

fn stack<'a>(a: &'a Assembly, kind: &str) -> Option<&'a plinth_synth::Stack> {
    a.stacks.iter().find(|s| s.kind.as_str() == kind)
}

#[test]
fn the_pod_identity_association_names_the_druid_pods_service_account() {
    for (example, _, assembly) in druid_examples() {
        let Some(bindings) = stack(&assembly, "bindings") else {
            continue;
        };
        let association = bindings
            .template
            .resources
            .get("DruidPodIdentity")
            .unwrap_or_else(|| panic!("{example}: no association"));
        // The ingestion Job runs as the account of its own association, when there is one.
        for job in objects(&assembly)
            .into_iter()
            .filter(|o| o["kind"] == "Job" && o["metadata"]["namespace"] == "druid")
        {
            let own = &bindings.template.resources["DruidIngestionPodIdentity"];
            assert_eq!(
                job["spec"]["template"]["spec"]["serviceAccountName"],
                own.properties["ServiceAccount"],
                "{example}: {}",
                job["metadata"]["name"]
            );
            assert_eq!(job["metadata"]["namespace"], own.properties["Namespace"]);
        }
        let (ns, sa) = (
            &association.properties["Namespace"],
            &association.properties["ServiceAccount"],
        );
        let workloads: Vec<_> = objects(&assembly)
            .into_iter()
            .filter(|o| o["kind"] == "Deployment" || o["kind"] == "StatefulSet")
            .collect();
        assert!(!workloads.is_empty());
        for o in workloads {
            assert_eq!(
                &o["metadata"]["namespace"], ns,
                "{example}: {}",
                o["metadata"]["name"]
            );
            assert_eq!(
                &o["spec"]["template"]["spec"]["serviceAccountName"], sa,
                "{example}: {}",
                o["metadata"]["name"]
            );
        }
    }
}

#[test]
fn druid_nodes_join_the_security_group_the_data_stores_admit() {
    for (example, _, assembly) in druid_examples() {
        let Some(data) = stack(&assembly, "data") else {
            continue;
        };
        let clients = &data.template.resources["ClientSecurityGroup"].properties["GroupName"];
        let class = find(&assembly, "EC2NodeClass", "druid");
        let terms = class["spec"]["securityGroupSelectorTerms"]
            .as_array()
            .unwrap();
        assert!(
            terms.iter().any(|t| &t["name"] == clients),
            "{example}: node class does not select {clients}"
        );
        for ingress in [
            "MetadataDbSecurityGroupIngressFromClients",
            "KafkaSecurityGroupIngressFromClients",
        ] {
            let source = &data.template.resources[ingress].properties["SourceSecurityGroupId"];
            assert_eq!(
                source["Fn::GetAtt"][0], "ClientSecurityGroup",
                "{example}: {ingress}"
            );
        }
    }
}

#[test]
fn karpenter_settings_name_what_the_cluster_stack_creates() {
    for (example, platform, assembly) in examples() {
        if platform.cluster.karpenter.is_none() {
            continue;
        }
        let cluster = stack(&assembly, "cluster").unwrap();
        let queue =
            &cluster.template.resources["KarpenterInterruptionQueue"].properties["QueueName"];
        let node_role = &cluster.template.resources["KarpenterNodeRole"].properties["RoleName"];
        let app = find(&assembly, "Application", "karpenter");
        let settings = &app["spec"]["source"]["helm"]["valuesObject"]["settings"];
        assert_eq!(&settings["interruptionQueue"], queue, "{example}");
        assert_eq!(
            settings["clusterName"],
            platform.names.cluster().as_str(),
            "{example}"
        );
        for class in objects(&assembly)
            .into_iter()
            .filter(|o| o["kind"] == "EC2NodeClass")
        {
            assert_eq!(&class["spec"]["role"], node_role, "{example}");
        }
        let association = cluster
            .template
            .resources
            .values()
            .find(|r| {
                r.kind == "AWS::EKS::PodIdentityAssociation"
                    && r.properties["ServiceAccount"] == "karpenter"
            })
            .expect("karpenter association");
        assert_eq!(association.properties["Namespace"], "kube-system");
    }
}

#[test]
fn the_keystore_password_comes_from_the_synced_credentials() {
    for (example, platform, assembly) in druid_examples() {
        let Some(druid) = &platform.druid else {
            continue;
        };
        let cert = find(
            &assembly,
            "Certificate",
            &format!("{}-druid-tls", druid.release),
        );
        let pkcs12 = &cert["spec"]["keystores"]["pkcs12"];
        assert!(
            pkcs12.get("password").is_none(),
            "{example}: literal keystore password"
        );
        let secret_ref = &pkcs12["passwordSecretRef"];
        let spc = find(
            &assembly,
            "SecretProviderClass",
            &format!("{}-druid-secrets", druid.release),
        );
        let synced = spc["spec"]["secretObjects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["secretName"] == secret_ref["name"])
            .unwrap_or_else(|| panic!("{example}: {} is not synced", secret_ref["name"]));
        assert!(
            synced["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["key"] == secret_ref["key"]),
            "{example}: the synced secret has no {}",
            secret_ref["key"]
        );
        // Every Druid pod mounts the certificate's secret where the properties expect it.
        let secret_name = &cert["spec"]["secretName"];
        for o in objects(&assembly)
            .into_iter()
            .filter(|o| o["kind"] == "Deployment" || o["kind"] == "StatefulSet")
        {
            let volumes = o["spec"]["template"]["spec"]["volumes"].as_array().unwrap();
            assert!(
                volumes
                    .iter()
                    .any(|v| &v["secret"]["secretName"] == secret_name),
                "{example}: {} does not mount {secret_name}",
                o["metadata"]["name"]
            );
        }
    }
}

/// The Helm values an addon's Application installs its chart with.
fn helm_values<'a>(a: &'a Assembly, release: &str) -> &'a Value {
    &find(a, "Application", release)["spec"]["source"]["helm"]["valuesObject"]
}

#[test]
fn grafana_cloud_pod_identity_binds_the_pods_that_mount_its_secret() {
    let mut checked = 0;
    for (example, platform, assembly) in examples() {
        let cluster = stack(&assembly, "cluster").unwrap();
        let associations: Vec<_> = cluster
            .template
            .resources
            .values()
            .filter(|r| {
                r.kind == "AWS::EKS::PodIdentityAssociation"
                    && r.properties["RoleArn"]["Fn::GetAtt"][0] == "GrafanaCloudRole"
            })
            .collect();
        let Some(grafana) = &platform.observability.grafana_cloud else {
            assert!(associations.is_empty(), "{example}");
            assert!(
                !cluster.template.resources.contains_key("GrafanaCloudRole"),
                "{example}"
            );
            // `monitoring` may exist for in-cluster observability; Grafana Cloud's objects not.
            for o in objects(&assembly) {
                assert!(
                    !["alloy-operator", "k8s-monitoring", "grafana-cloud"]
                        .contains(&o["metadata"]["name"].as_str().unwrap()),
                    "{example}: {}",
                    o["metadata"]["name"]
                );
            }
            continue;
        };
        checked += 1;

        // The SecretProviderClass fetches exactly the spec's secret, with pod identity...
        let spc = find(&assembly, "SecretProviderClass", "grafana-cloud");
        let namespace = &spc["metadata"]["namespace"];
        assert_eq!(spc["spec"]["provider"], "aws", "{example}");
        let parameters = &spc["spec"]["parameters"];
        assert_eq!(parameters["usePodIdentity"], "true", "{example}");
        let (document, problems) = plinth_spec::yaml::parse(
            parameters["objects"].as_str().unwrap(),
            plinth_spec::yaml::Limits::default(),
        );
        assert!(problems.is_empty(), "{example}: {problems:?}");
        let fetched = document.unwrap().value;
        let fetched = fetched.as_array().unwrap();
        assert_eq!(fetched.len(), 1, "{example}: {fetched:?}");
        assert_eq!(
            fetched[0]["objectName"],
            grafana.api_key_secret.as_str(),
            "{example}"
        );
        // ...which is all the role the pods assume may read, whatever its random suffix.
        let policy = &cluster.template.resources["GrafanaCloudRole"].properties["Policies"];
        let statements = policy[0]["PolicyDocument"]["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 1, "{example}");
        assert_eq!(
            statements[0]["Resource"],
            format!("{}-??????", grafana.api_key_secret),
            "{example}"
        );

        // Every destination reads its password from the Secret the driver syncs, with a key
        // the driver writes, and the chart creates no Secret of its own.
        let synced = &spc["spec"]["secretObjects"][0];
        let synced_keys: BTreeSet<&str> = synced["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["key"].as_str().unwrap())
            .collect();
        let values = helm_values(&assembly, "k8s-monitoring");
        assert_eq!(
            &find(&assembly, "Application", "k8s-monitoring")["spec"]["destination"]["namespace"],
            namespace,
            "{example}"
        );
        let destinations = values["destinations"].as_array().unwrap();
        assert_eq!(destinations.len(), 4, "{example}");
        for d in destinations {
            let secret = &d["secret"];
            assert_eq!(secret["create"], false, "{example}: {}", d["name"]);
            assert_eq!(secret["name"], synced["secretName"], "{example}");
            assert_eq!(&secret["namespace"], namespace, "{example}");
            assert!(
                synced_keys.contains(d["auth"]["passwordKey"].as_str().unwrap()),
                "{example}: {} reads a key the driver does not sync",
                d["name"]
            );
            assert_eq!(
                d["auth"]["usernameFrom"],
                format!("\"{}\"", grafana.instance_id),
                "{example}"
            );
        }

        // The pods that mount the CSI volume (so that the driver syncs the Secret) run as
        // exactly the service accounts the cluster stack associates with the role.
        let mut mounting = BTreeSet::new();
        for (collector, settings) in values.as_object().unwrap() {
            if !collector.starts_with("alloy-") || collector == "alloy-operator" {
                continue;
            }
            assert_eq!(settings["enabled"], true, "{example}: {collector}");
            let volume = settings["controller"]["volumes"]["extra"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|v| {
                    v["csi"]["driver"] == "secrets-store.csi.k8s.io"
                        && v["csi"]["volumeAttributes"]["secretProviderClass"]
                            == spc["metadata"]["name"]
                })
                .unwrap_or_else(|| panic!("{example}: {collector} does not mount the secret"));
            assert!(
                settings["alloy"]["mounts"]["extra"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m["name"] == volume["name"]),
                "{example}: {collector} declares the volume but does not mount it"
            );
            mounting.insert(settings["serviceAccount"]["name"].as_str().unwrap());
        }
        assert!(!mounting.is_empty(), "{example}");
        let associated: BTreeSet<&str> = associations
            .iter()
            .map(|a| {
                assert_eq!(&a.properties["Namespace"], namespace, "{example}");
                assert_eq!(a.properties["ClusterName"]["Ref"], "Cluster", "{example}");
                a.properties["ServiceAccount"].as_str().unwrap()
            })
            .collect();
        assert_eq!(associated, mounting, "{example}");
    }
    assert!(checked > 0, "no example has Grafana Cloud");
}

#[test]
fn no_output_holds_a_literal_grafana_cloud_api_key() {
    /// Keys under which a chart would take a credential literally.
    const LITERAL: &[&str] = &["password", "bearerToken", "apiKey", "token", "key"];
    fn literal_credentials(v: &Value, path: &str, found: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let here = format!("{path}.{k}");
                    if LITERAL.contains(&k.as_str()) && v.is_string() {
                        found.push(here.clone());
                    }
                    literal_credentials(v, &here, found);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    literal_credentials(v, &format!("{path}[{i}]"), found);
                }
            }
            _ => {}
        }
    }
    for (example, platform, assembly) in examples() {
        if platform.observability.grafana_cloud.is_none() {
            continue;
        }
        for release in ["alloy-operator", "k8s-monitoring"] {
            let mut found = Vec::new();
            literal_credentials(helm_values(&assembly, release), "", &mut found);
            assert!(
                found.is_empty(),
                "{example}: {release} values hold {found:?}"
            );
        }
        for d in helm_values(&assembly, "k8s-monitoring")["destinations"]
            .as_array()
            .unwrap()
        {
            assert!(
                d["secret"].get("embed").is_none_or(|e| e == false),
                "{example}: {} embeds its credentials",
                d["name"]
            );
        }
        // Grafana Cloud access policy tokens start `glc_`; none may appear in any file.
        let texts = assembly
            .kubernetes
            .iter()
            .map(plinth_synth::k8s::ManifestFile::to_yaml)
            .chain(assembly.stacks.iter().map(|s| s.template.to_json()));
        for text in texts {
            assert!(!text.contains("glc_"), "{example}: a Grafana Cloud token");
        }
    }
}
