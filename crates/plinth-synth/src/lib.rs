//! Synthesis: a validated [`Platform`] becomes an [`Assembly`] of CloudFormation stacks.
//!
//! Pure and deterministic: no IO, no clocks, ordered maps only. The same platform always gives
//! byte-identical templates and the same `synth.json`.

mod argocd;
mod bindings;
mod builder;
mod checkov;
mod cluster;
mod druid;
pub mod gitops;
mod grafana;
mod iam;
pub mod k8s;
mod karpenter;
mod lbc;
mod network;
mod observability;
mod operations;
mod processing;
mod services;
mod storage;

use std::collections::{BTreeMap, BTreeSet};

use plinth_cfn::{Template, refs};
use plinth_spec::Platform;
use plinth_spec::model::StackKind;
use serde::Serialize;
use serde_json::{Value, json};

/// Everything `plinth synth` writes, in memory.
#[derive(Debug, Clone)]
pub struct Assembly {
    /// Stacks in dependency order.
    pub stacks: Vec<Stack>,
    /// Kubernetes files in wave order.
    pub kubernetes: Vec<k8s::ManifestFile>,
    /// The deployment summary written to `synth.json`.
    pub manifest: Manifest,
}

impl Assembly {
    /// Every file `plinth synth` writes, as (path inside the output directory, text): the
    /// templates, the Kubernetes files in wave order, then `synth.json`.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = self
            .stacks
            .iter()
            .map(|s| (s.template_path(), s.template.to_json()))
            .collect();
        files.extend(
            self.kubernetes
                .iter()
                .map(|f| (f.path.clone(), f.to_yaml())),
        );
        let mut manifest =
            serde_json::to_string_pretty(&self.manifest).expect("the manifest serializes");
        manifest.push('\n');
        files.push(("synth.json".to_owned(), manifest));
        files
    }

    /// Every CloudFormation quota a stack of the assembly breaks, by stack name
    /// ([`plinth_cfn::quotas`]); empty for every assembly CloudFormation can take.
    pub fn quota_breaches(&self) -> Vec<(String, plinth_cfn::quotas::Breach)> {
        self.stacks
            .iter()
            .flat_map(|s| {
                plinth_cfn::quotas::breaches(&s.template, s.template.to_json().len())
                    .into_iter()
                    .map(|b| (s.name.clone(), b))
            })
            .collect()
    }
}

/// One CloudFormation stack.
#[derive(Debug, Clone)]
pub struct Stack {
    /// Which stack.
    pub kind: StackKind,
    /// Stack name.
    pub name: String,
    /// Its template.
    pub template: Template,
}

impl Stack {
    /// Path of the template inside the output directory.
    pub fn template_path(&self) -> String {
        format!("cloudformation/{}.template.json", self.name)
    }
}

/// `synth.json`: what a deploy needs to know about the assembly.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Format of this file.
    pub format: &'static str,
    /// `{organization}-{name}-{alias}`.
    pub platform: String,
    /// Environment.
    pub environment: String,
    /// Target account.
    pub account: String,
    /// Target region.
    pub region: String,
    /// How the VPC was carved up.
    #[serde(serialize_with = "plinth_cfn::sorted::value")]
    pub network: Value,
    /// Stacks in dependency order.
    pub stacks: Vec<StackManifest>,
    /// Kubernetes minor version of the cluster, e.g. `1.34`.
    pub kubernetes_version: String,
    /// Kubernetes files by apply wave.
    pub kubernetes: BTreeMap<k8s::Wave, Vec<String>>,
    /// Values `plinth deploy` fills in from stack outputs before it applies a file
    /// (`${plinth:output:STACK:OUTPUT}`), by file path; see [`k8s::stack_output`].
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub deploy_time_values: BTreeMap<String, BTreeSet<String>>,
}

/// A stack in `synth.json`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackManifest {
    /// Stack name.
    pub name: String,
    /// Template path relative to the output directory.
    pub template: String,
    /// Stacks whose exports this one imports; they deploy first.
    pub depends_on: Vec<String>,
    /// Template parameters and their values.
    #[serde(serialize_with = "plinth_cfn::sorted::map")]
    pub parameters: BTreeMap<String, Value>,
    /// Outputs and the names they are exported under.
    pub outputs: BTreeMap<String, Option<String>>,
    /// Exports this stack imports.
    pub imports: Vec<String>,
    /// Capabilities the stack needs.
    pub capabilities: Vec<&'static str>,
    /// Number of resources.
    pub resources: usize,
}

/// Synthesizes every stack of the platform.
pub fn synth(platform: &Platform) -> Assembly {
    let mut stacks: Vec<Stack> = StackKind::ALL
        .iter()
        .filter_map(|&kind| {
            let template = match kind {
                StackKind::Network => Some(network::template(platform)),
                StackKind::Cluster => Some(cluster::template(platform)),
                StackKind::Data => storage::data_template(
                    platform,
                    processing::data_template(platform, druid::template(platform)),
                ),
                StackKind::Bindings => bindings::template(platform),
                StackKind::Services => services::template(platform),
                StackKind::Operations => operations::template(platform),
            }?;
            Some(Stack {
                kind,
                name: platform.names.stack(kind),
                template,
            })
        })
        .collect();
    let mut kubernetes = k8s::manifests(platform);
    checkov::annotate(&mut stacks, &mut kubernetes);
    let manifest = manifest(platform, &stacks, &kubernetes);
    Assembly {
        stacks,
        kubernetes,
        manifest,
    }
}

fn manifest(p: &Platform, stacks: &[Stack], kubernetes: &[k8s::ManifestFile]) -> Manifest {
    let exporters: BTreeMap<String, String> = stacks
        .iter()
        .flat_map(|s| {
            s.template
                .exports()
                .into_iter()
                .map(move |e| (e, s.name.clone()))
        })
        .collect();
    let stacks = stacks
        .iter()
        .map(|s| {
            let imports = refs::collect(&s.template).imports;
            let depends_on: BTreeSet<String> = imports
                .iter()
                .filter_map(|i| exporters.get(i).cloned())
                .collect();
            let iam = s
                .template
                .resources
                .values()
                .any(|r| r.kind.starts_with("AWS::IAM::"));
            StackManifest {
                name: s.name.clone(),
                template: s.template_path(),
                depends_on: depends_on.into_iter().collect(),
                parameters: BTreeMap::new(),
                outputs: s
                    .template
                    .outputs
                    .iter()
                    .map(|(k, o)| (k.clone(), o.export.as_ref().map(|e| e.name.clone())))
                    .collect(),
                imports: imports.into_iter().collect(),
                capabilities: if iam {
                    vec!["CAPABILITY_NAMED_IAM"]
                } else {
                    vec![]
                },
                resources: s.template.resources.len(),
            }
        })
        .collect();
    let n = &p.network;
    let network = json!({
        "cidr": n.cidr.to_string(),
        "freeAddresses": n.free_addresses,
        "zones": n.zones.iter().map(|z| json!({
            "name": z.name,
            "public": z.public.to_string(),
            "private": z.private.to_string(),
            "natGatewayZone": z.nat.map(|i| n.zones[n.nat_zones[i]].name.clone()),
        })).collect::<Vec<_>>(),
    });
    Manifest {
        format: "plinth.dev/assembly/v1alpha1",
        platform: p.names.platform().to_owned(),
        environment: p.metadata.environment.clone(),
        account: p.aws.account.clone(),
        region: p.aws.region.clone(),
        network,
        stacks,
        kubernetes_version: p.cluster.version(),
        kubernetes: kubernetes.iter().fold(BTreeMap::new(), |mut m, f| {
            m.entry(f.wave)
                .or_insert_with(Vec::new)
                .push(f.path.clone());
            m
        }),
        deploy_time_values: k8s::deploy_time_values(kubernetes),
    }
}
