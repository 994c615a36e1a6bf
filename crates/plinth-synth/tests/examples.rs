//! Every example spec, synthesized: snapshots of each template and `synth.json`, plus the
//! invariants an assembly must hold whatever the spec.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use plinth_cfn::refs;
use plinth_synth::{Assembly, synth};
use serde_json::Value;

fn examples() -> Vec<(String, Assembly)> {
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
        let loaded = plinth_spec::load(&text);
        let platform = loaded
            .platform
            .unwrap_or_else(|| panic!("{} is invalid: {:#?}", spec.display(), loaded.diagnostics));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.push((name, synth(&platform)));
    }
    assert!(out.len() >= 2, "expected at least two examples");
    out
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
