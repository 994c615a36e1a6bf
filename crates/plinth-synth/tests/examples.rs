//! Every example spec, synthesized: snapshots of each template and `synth.json`, plus the
//! invariants an assembly must hold whatever the spec.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use plinth_cfn::{Template, refs};
use plinth_spec::Platform;
use plinth_spec::model::StackKind;
use plinth_synth::{Assembly, synth};
use serde_json::{Value, json};

fn examples() -> Vec<(String, Assembly)> {
    platforms()
        .into_iter()
        .map(|(name, platform)| (name, synth(&platform)))
        .collect()
}

/// Every example spec, validated.
fn platforms() -> Vec<(String, Platform)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let spec = path.join("plinth.yaml");
        if !spec.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&spec).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // A spec with environments is an example per environment: `{example}-{environment}`.
        let environments = plinth_spec::environment_names(&text);
        let runs: Vec<(String, Option<&str>)> = if environments.is_empty() {
            vec![(name, None)]
        } else {
            environments
                .iter()
                .map(|e| (format!("{name}-{e}"), Some(e.as_str())))
                .collect()
        };
        for (name, environment) in runs {
            let loaded = plinth_spec::load_environment(&text, environment);
            let platform = loaded
                .platform
                .unwrap_or_else(|| panic!("{name} is invalid: {:#?}", loaded.diagnostics));
            out.push((name, platform));
        }
    }
    assert!(out.len() >= 2, "expected at least two examples");
    out
}

/// The examples with Druid.
fn druid_platforms() -> Vec<(String, Platform)> {
    let out: Vec<_> = platforms()
        .into_iter()
        .filter(|(_, p)| p.druid.is_some())
        .collect();
    assert!(out.len() >= 2, "expected at least two Druid examples");
    out
}

fn druid_examples() -> Vec<(String, Assembly)> {
    druid_platforms()
        .into_iter()
        .map(|(name, platform)| (name, synth(&platform)))
        .collect()
}

#[test]
fn templates_match_snapshots() {
    for (example, assembly) in examples() {
        for stack in &assembly.stacks {
            insta::assert_snapshot!(
                format!("{example}__{}", stack.kind.as_str()),
                stack.template.to_json()
            );
        }
        insta::assert_json_snapshot!(format!("{example}__synth"), assembly.manifest);
    }
}

#[test]
fn every_reference_resolves() {
    for (example, assembly) in examples() {
        for stack in &assembly.stacks {
            let dangling = refs::dangling(&stack.template);
            assert!(
                dangling.is_empty(),
                "{example}/{}: dangling references {dangling:?}",
                stack.name
            );
        }
    }
}

#[test]
fn every_import_is_exported_by_an_earlier_stack() {
    for (example, assembly) in examples() {
        let mut exported = BTreeSet::new();
        for stack in &assembly.stacks {
            for import in refs::collect(&stack.template).imports {
                assert!(
                    exported.contains(&import),
                    "{example}/{} imports {import}, which no earlier stack exports",
                    stack.name
                );
            }
            exported.extend(stack.template.exports());
        }
        let manifest_order: Vec<_> = assembly
            .manifest
            .stacks
            .iter()
            .map(|s| s.name.clone())
            .collect();
        for s in &assembly.manifest.stacks {
            for dep in &s.depends_on {
                let (d, me) = (
                    manifest_order.iter().position(|n| n == dep).unwrap(),
                    manifest_order.iter().position(|n| n == &s.name).unwrap(),
                );
                assert!(
                    d < me,
                    "{example}: {} depends on {dep}, listed after it",
                    s.name
                );
            }
        }
    }
}

/// AWS name limits for properties that carry a physical name.
const NAME_LIMITS: &[(&str, &str, usize)] = &[
    ("AWS::IAM::Role", "RoleName", 64),
    ("AWS::EKS::Cluster", "Name", 100),
    ("AWS::EKS::Nodegroup", "NodegroupName", 63),
    ("AWS::EC2::LaunchTemplate", "LaunchTemplateName", 128),
    ("AWS::SQS::Queue", "QueueName", 80),
    ("AWS::Events::Rule", "Name", 64),
    ("AWS::KMS::Alias", "AliasName", 256),
    ("AWS::Logs::LogGroup", "LogGroupName", 512),
    ("AWS::S3::Bucket", "BucketName", 63),
    ("AWS::RDS::DBCluster", "DBClusterIdentifier", 63),
    ("AWS::RDS::DBInstance", "DBInstanceIdentifier", 63),
    ("AWS::MSK::ServerlessCluster", "ClusterName", 64),
    ("AWS::SecretsManager::Secret", "Name", 512),
    ("AWS::EC2::SecurityGroup", "GroupName", 255),
];

#[test]
fn physical_names_fit_aws_limits_and_are_unique() {
    for (example, assembly) in examples() {
        let mut seen: BTreeMap<(&str, String), String> = BTreeMap::new();
        for stack in &assembly.stacks {
            for (id, r) in &stack.template.resources {
                for (kind, prop, limit) in NAME_LIMITS {
                    if r.kind != *kind {
                        continue;
                    }
                    let name = r.properties[*prop]
                        .as_str()
                        .unwrap_or_else(|| panic!("{example}: {id} has no literal {prop}"));
                    assert!(
                        name.len() <= *limit,
                        "{example}: {id}.{prop} `{name}` is over {limit}"
                    );
                    let previous = seen.insert((kind, name.to_owned()), id.clone());
                    assert!(
                        previous.is_none(),
                        "{example}: {kind} name `{name}` used twice"
                    );
                }
            }
        }
    }
}

#[test]
fn iam_policies_fit_their_size_limits() {
    // IAM counts inline policy size per role without whitespace; the limit is 10,240 characters.
    for (example, assembly) in examples() {
        for stack in &assembly.stacks {
            for (id, r) in &stack.template.resources {
                if r.kind != "AWS::IAM::Role" {
                    continue;
                }
                let policies = r.properties["Policies"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let total: usize = policies
                    .iter()
                    .map(|p| serde_json::to_string(&p["PolicyDocument"]).unwrap().len())
                    .sum();
                assert!(
                    total <= 10_240,
                    "{example}: {id} has {total} characters of inline policy"
                );
            }
        }
    }
}

#[test]
fn nodes_wait_for_networking_addons_and_coredns_waits_for_nodes() {
    for (example, assembly) in examples() {
        let cluster = assembly
            .stacks
            .iter()
            .find(|s| s.kind.as_str() == "cluster")
            .unwrap();
        let resources = &cluster.template.resources;
        let groups: Vec<_> = resources
            .iter()
            .filter(|(_, r)| r.kind == "AWS::EKS::Nodegroup")
            .collect();
        assert!(!groups.is_empty());
        for (id, ng) in &groups {
            for addon in ["AddonVpcCni", "AddonKubeProxy", "AddonEksPodIdentityAgent"] {
                assert!(
                    ng.depends_on.contains(addon),
                    "{example}: {id} does not wait for {addon}"
                );
            }
        }
        let coredns = &resources["AddonCoredns"];
        for (id, _) in &groups {
            assert!(
                coredns.depends_on.contains(*id),
                "{example}: coredns does not wait for {id}"
            );
        }
        assert!(
            resources["AddonVpcCni"]
                .depends_on
                .contains("AddonEksPodIdentityAgent")
        );
    }
}

#[test]
fn private_route_tables_spread_over_the_nat_gateways() {
    for (example, assembly) in examples() {
        let network = assembly
            .stacks
            .iter()
            .find(|s| s.kind.as_str() == "network")
            .unwrap();
        let res = &network.template.resources;
        let nats: BTreeSet<&String> = res
            .iter()
            .filter(|(_, r)| r.kind == "AWS::EC2::NatGateway")
            .map(|(id, _)| id)
            .collect();
        let used: BTreeSet<String> = res
            .iter()
            .filter(|(id, _)| id.starts_with("PrivateRouteTable") && id.ends_with("DefaultRoute"))
            .map(|(_, r)| {
                r.properties["NatGatewayId"]["Ref"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let zones = res
            .iter()
            .filter(|(id, _)| id.starts_with("PrivateSubnet") && !id.ends_with("Association"))
            .count();
        assert_eq!(
            used.len(),
            nats.len(),
            "{example}: every NAT gateway serves a zone"
        );
        assert_eq!(
            res.iter()
                .filter(|(id, _)| id.ends_with("DefaultRoute") && id.starts_with("Private"))
                .count(),
            zones,
            "{example}: every private subnet has a default route"
        );
        let kms_encrypted = assembly
            .stacks
            .iter()
            .flat_map(|s| s.template.resources.values())
            .filter(|r| r.kind == "AWS::EC2::LaunchTemplate")
            .all(|r| {
                r.properties["LaunchTemplateData"]["BlockDeviceMappings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|m| m["Ebs"]["Encrypted"] == Value::Bool(true))
            });
        assert!(kms_encrypted, "{example}: every node volume is encrypted");
    }
}

/// The stack of `kind` in an assembly.
fn stack(assembly: &Assembly, kind: StackKind) -> Option<&Template> {
    assembly
        .stacks
        .iter()
        .find(|s| s.kind == kind)
        .map(|s| &s.template)
}

/// Logical ids of the resources of `kind`.
fn ids_of<'t>(template: &'t Template, kind: &str) -> BTreeSet<&'t str> {
    template
        .resources
        .iter()
        .filter(|(_, r)| r.kind == kind)
        .map(|(id, _)| id.as_str())
        .collect()
}

#[test]
fn the_data_stack_imports_only_from_the_network_stack() {
    // The data and cluster stacks deploy in parallel; an import from the cluster would
    // serialize them (and tie the data to the cluster's lifetime).
    for (example, assembly) in druid_examples() {
        let network = stack(&assembly, StackKind::Network).unwrap().exports();
        let cluster = stack(&assembly, StackKind::Cluster).unwrap().exports();
        let data = stack(&assembly, StackKind::Data).expect("every example has Druid");
        let imports = refs::collect(data).imports;
        assert!(
            !imports.is_empty(),
            "{example}: the data stack imports the VPC"
        );
        for import in &imports {
            assert!(
                !cluster.contains(import),
                "{example}: the data stack imports {import} from the cluster stack"
            );
            assert!(
                network.contains(import),
                "{example}: the data stack imports {import}, which the network stack does not export"
            );
        }
        let data_manifest = assembly
            .manifest
            .stacks
            .iter()
            .find(|s| s.name.ends_with("-data"))
            .unwrap();
        assert_eq!(
            data_manifest.depends_on,
            [assembly.manifest.stacks[0].name.clone()],
            "{example}: the data stack depends on the network stack alone"
        );
    }
}

#[test]
fn no_template_holds_a_literal_password() {
    /// Walks `v`, checking every property whose name mentions a password or a secret string.
    fn walk(v: &Value, path: &str, found: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let key = k.to_ascii_lowercase();
                    // `GenerateSecretString` only says how to generate one.
                    let generated =
                        matches!(key.as_str(), "generatesecretstring" | "passwordlength");
                    if !generated && (key.contains("password") || key == "secretstring") {
                        found.push((format!("{path}/{k}"), child.clone()));
                    }
                    walk(child, &format!("{path}/{k}"), found);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{path}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    let mut master_passwords = 0;
    for (example, assembly) in examples() {
        for stack in &assembly.stacks {
            let template = serde_json::to_value(&stack.template).unwrap();
            let mut found = Vec::new();
            walk(&template, "", &mut found);
            for (path, value) in found {
                let reference = match &value {
                    Value::String(s) => s.as_str(),
                    _ => value["Fn::Sub"].as_str().unwrap_or_default(),
                };
                // A secret composed from others is a JSON document each of whose values
                // comes from a generated secret.
                if path.ends_with("/SecretString") && reference.starts_with('{') {
                    let document: serde_json::Map<String, Value> = serde_json::from_str(reference)
                        .unwrap_or_else(|e| panic!("{example}{path}: not JSON: {e}"));
                    for (field, v) in document {
                        assert!(
                            v.as_str()
                                .is_some_and(|v| v.contains("{{resolve:secretsmanager:")),
                            "{example}/{}{path}: `{field}` does not come from Secrets Manager: {v}",
                            stack.name
                        );
                    }
                    continue;
                }
                assert!(
                    reference.starts_with("{{resolve:secretsmanager:") && reference.ends_with("}}"),
                    "{example}/{}{path} is not a Secrets Manager reference: {value}",
                    stack.name
                );
                master_passwords += usize::from(path.ends_with("/MasterUserPassword"));
            }
        }
    }
    assert!(
        master_passwords >= 2,
        "every example's metadata database takes its password from Secrets Manager"
    );
}

#[test]
fn the_druid_role_names_exactly_the_druid_buckets_and_secrets() {
    for (example, platform) in druid_platforms() {
        let assembly = synth(&platform);
        let data = stack(&assembly, StackKind::Data).unwrap();
        let names = platform.names.druid_names().unwrap();
        let buckets = ids_of(data, "AWS::S3::Bucket");
        let bucket_names: BTreeSet<&str> = buckets
            .iter()
            .map(|id| {
                data.resources[*id].properties["BucketName"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        let expected: Vec<String> = plinth_spec::model::DruidBucket::ALL
            .iter()
            .map(|&b| names.bucket(b))
            .collect();
        assert_eq!(
            bucket_names,
            expected.iter().map(String::as_str).collect(),
            "{example}: the data stack has exactly Druid's three buckets"
        );
        let secrets = ids_of(data, "AWS::SecretsManager::Secret");
        assert_eq!(secrets.len(), 3, "{example}: three secrets");

        let roles = ids_of(data, "AWS::IAM::Role");
        let druid = platform.druid.as_ref().unwrap();
        // The topic-creating Job's role exists exactly when the spec lists topics.
        assert_eq!(
            roles.len(),
            1 + usize::from(!druid.topics.is_empty()),
            "{example}: Druid's role, and the ingestion Job's with topics"
        );
        let role = &data.resources["DruidRole"];
        assert_eq!(role.properties["RoleName"], json!(names.role()));
        let statements = role.properties["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        let resources_of = |prefix: &str| -> BTreeSet<String> {
            statements
                .iter()
                .filter(|s| {
                    let actions = &s["Action"];
                    let list = actions
                        .as_array()
                        .cloned()
                        .unwrap_or_else(|| vec![actions.clone()]);
                    list.iter().any(|a| a.as_str().unwrap().starts_with(prefix))
                })
                .flat_map(|s| match &s["Resource"] {
                    Value::Array(items) => items.clone(),
                    one => vec![one.clone()],
                })
                .map(|r| r.to_string())
                .collect()
        };
        let bucket_arns: BTreeSet<String> = buckets
            .iter()
            .flat_map(|id| {
                [
                    json!({ "Fn::GetAtt": [id, "Arn"] }).to_string(),
                    json!({ "Fn::Sub": format!("${{{id}.Arn}}/*") }).to_string(),
                ]
            })
            .collect();
        assert_eq!(
            resources_of("s3:"),
            bucket_arns,
            "{example}: S3 access is to the three buckets and their objects, nothing else"
        );
        let secret_arns: BTreeSet<String> = secrets
            .iter()
            .map(|id| json!({ "Ref": id }).to_string())
            .collect();
        assert_eq!(
            resources_of("secretsmanager:"),
            secret_arns,
            "{example}: secret access is to the three secrets, nothing else"
        );
        assert!(
            statements.iter().all(|s| s["Resource"] != json!("*")),
            "{example}: no Druid statement is unscoped"
        );
    }
}

#[test]
fn the_metadata_database_has_a_writer_and_the_spec_readers() {
    for (example, platform) in druid_platforms() {
        let druid = platform.druid.as_ref().unwrap();
        let assembly = synth(&platform);
        let data = stack(&assembly, StackKind::Data).unwrap();
        let instances = ids_of(data, "AWS::RDS::DBInstance");
        assert_eq!(
            instances.len(),
            usize::try_from(druid.metadata_readers).unwrap() + 1,
            "{example}: one writer and {} readers",
            druid.metadata_readers
        );
        let writers: Vec<_> = instances
            .iter()
            .filter(|id| data.resources[**id].depends_on.is_empty())
            .collect();
        assert_eq!(writers.len(), 1, "{example}: readers wait for one writer");
        let writer: &str = writers[0];
        for id in &instances {
            let props = &data.resources[*id].properties;
            assert_eq!(props["PubliclyAccessible"], json!(false), "{example}: {id}");
            assert_eq!(
                props["DBInstanceClass"],
                json!(druid.metadata_instance_class)
            );
            if *id != writer {
                assert!(data.resources[*id].depends_on.contains(writer));
            }
        }
    }
}

#[test]
fn every_bucket_is_private_encrypted_and_tls_only() {
    for (example, assembly) in examples() {
        for stack in &assembly.stacks {
            let t = &stack.template;
            for id in ids_of(t, "AWS::S3::Bucket") {
                let props = &t.resources[id].properties;
                assert!(
                    props["PublicAccessBlockConfiguration"]
                        .as_object()
                        .unwrap()
                        .values()
                        .all(|v| v == &json!(true)),
                    "{example}: {id} blocks public access"
                );
                assert!(
                    props["BucketEncryption"].is_object(),
                    "{example}: {id} is encrypted"
                );
                let tls_only = t.resources.values().any(|r| {
                    r.kind == "AWS::S3::BucketPolicy"
                        && r.properties["Bucket"] == json!({ "Ref": id })
                        && r.properties["PolicyDocument"]["Statement"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|s| {
                                s["Effect"] == "Deny"
                                    && s["Condition"]["Bool"]["aws:SecureTransport"] == json!(false)
                            })
                });
                assert!(tls_only, "{example}: {id} refuses requests without TLS");
            }
        }
    }
}
