//! The Kubernetes side of the assembly: objects grouped into files and apply waves.
//!
//! Waves run in order — foundation (namespaces, storage), addons (Helm charts as Argo CD
//! Applications plus their values), Karpenter node classes and pools, then workloads — so
//! every object finds the CRDs, namespaces and controllers it needs already in place.
//! Built-in kinds are built with `k8s-openapi` types; custom resources as JSON checked against
//! their CRD schemas by the test script.

pub mod addons;
pub mod airflow;
pub mod argocd;
pub mod dashboards;
mod druid;

pub use druid::MSK_IAM_AUTH_VERSION;
mod foundation;
pub mod kafka;
mod karpenter;
pub mod labels;
pub mod mongodb;
pub(crate) mod monitoring;
pub mod observability;
mod secret_sync;
pub(crate) mod services;
pub mod spark;
pub mod vpa;

use std::collections::{BTreeMap, BTreeSet};

use plinth_cfn::sorted::Sorted;
use plinth_spec::Platform;
use plinth_spec::model::StackKind;
use serde::Serialize;
use serde_json::Value;

/// An apply wave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Wave {
    /// Namespaces, storage classes.
    Foundation,
    /// Platform addons (controllers and their CRDs).
    Addons,
    /// Karpenter node classes and pools (need Karpenter's CRDs).
    Karpenter,
    /// Workloads.
    Workloads,
}

impl Wave {
    /// Directory prefix, e.g. `10-foundation`.
    pub fn dir(self) -> &'static str {
        match self {
            Wave::Foundation => "10-foundation",
            Wave::Addons => "20-addons",
            Wave::Karpenter => "30-karpenter",
            Wave::Workloads => "40-workloads",
        }
    }

    /// Argo CD sync wave of objects in this wave.
    pub fn sync_wave(self) -> i32 {
        match self {
            Wave::Foundation => -10,
            Wave::Addons => 0,
            Wave::Karpenter => 10,
            Wave::Workloads => 20,
        }
    }
}

/// One file of the Kubernetes output.
#[derive(Debug, Clone)]
pub struct ManifestFile {
    /// Path inside the output directory, e.g. `kubernetes/10-foundation/namespaces.yaml`.
    pub path: String,
    /// Wave it belongs to.
    pub wave: Wave,
    /// What it holds.
    pub content: Content,
}

/// What a manifest file holds.
#[derive(Debug, Clone)]
pub enum Content {
    /// Kubernetes objects, written as a multi-document YAML stream.
    Objects(Vec<Value>),
    /// Helm values for a chart, written as one YAML document.
    Values(Value),
}

impl ManifestFile {
    pub(crate) fn objects(wave: Wave, name: &str, objects: Vec<Value>) -> Self {
        Self {
            path: format!("kubernetes/{}/{name}.yaml", wave.dir()),
            wave,
            content: Content::Objects(objects),
        }
    }

    /// The file's text.
    pub fn to_yaml(&self) -> String {
        match &self.content {
            Content::Objects(objs) => yaml_stream(objs),
            Content::Values(v) => render_yaml(v),
        }
    }

    /// The objects in the file (none for a values file).
    pub fn kube_objects(&self) -> &[Value] {
        match &self.content {
            Content::Objects(o) => o,
            Content::Values(_) => &[],
        }
    }
}

/// Every Kubernetes file of the platform, in wave order.
pub fn manifests(p: &Platform) -> Vec<ManifestFile> {
    let mut files = foundation::files(p);
    files.extend(argocd::files(p));
    files.extend(addons::files(p));
    files.extend(karpenter::files(p));
    files.extend(druid::files(p));
    files.extend(kafka::files(p));
    files.extend(spark::files(p));
    files.extend(airflow::files(p));
    files.extend(mongodb::files(p));
    files.extend(monitoring::files(p));
    files.extend(services::files(p));
    files.extend(observability::files(p));
    files.extend(services::issuer_files(p));
    vpa::attach(p, &mut files);
    files.sort_by(|a, b| (a.wave, &a.path).cmp(&(b.wave, &b.path)));
    files
}

/// How a deploy-time value opens: `${plinth:output:STACK:OUTPUT}`.
pub const OUTPUT_TOKEN_OPEN: &str = "${plinth:output:";

/// The data stack's output with the ARN of Druid's MSK Serverless cluster.
pub const DRUID_KAFKA_CLUSTER_ARN_OUTPUT: &str = "DruidKafkaClusterArn";
/// The data stack's deploy-time output with that cluster's SASL/IAM bootstrap servers: no
/// CloudFormation attribute gives them, so deploy reads them with `kafka:GetBootstrapBrokers`
/// on [`DRUID_KAFKA_CLUSTER_ARN_OUTPUT`] and adds them to the stack's outputs.
pub const DRUID_KAFKA_BOOTSTRAP_OUTPUT: &str = "DruidKafkaBootstrapServers";

/// A value known only once the stacks are deployed, written into a manifest as
/// `${plinth:output:STACK:OUTPUT}` (STACK is the stack's short name, `data`, `cluster`, …;
/// OUTPUT an output key of its template). `plinth deploy` replaces each with the output's
/// value before it applies the object and fails if the stack has no such output;
/// `synth.json` lists the tokens of every file under `deployTimeValues`. Used only where AWS
/// offers no name to use instead (an EFS file system id, MSK's bootstrap servers; a KMS key
/// is named by its alias).
pub fn stack_output(stack: StackKind, output: &str) -> String {
    format!("{OUTPUT_TOKEN_OPEN}{}:{output}}}", stack.as_str())
}

/// The deploy-time values each file holds, by path; files with none are left out. Read from
/// the files' string values, without rendering them.
pub fn deploy_time_values(files: &[ManifestFile]) -> BTreeMap<String, BTreeSet<String>> {
    fn collect(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::String(text) => {
                out.extend(text.match_indices(OUTPUT_TOKEN_OPEN).filter_map(|(at, _)| {
                    let rest = &text[at..];
                    rest.find('}').map(|end| rest[..=end].to_owned())
                }));
            }
            Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
            Value::Object(map) => map.values().for_each(|i| collect(i, out)),
            _ => {}
        }
    }
    files
        .iter()
        .filter_map(|f| {
            let mut tokens = BTreeSet::new();
            match &f.content {
                Content::Objects(objects) => objects.iter().for_each(|o| collect(o, &mut tokens)),
                Content::Values(v) => collect(v, &mut tokens),
            }
            (!tokens.is_empty()).then(|| (f.path.clone(), tokens))
        })
        .collect()
}

/// Objects as a multi-document YAML stream, each document opened by `---`.
pub fn yaml_stream(objects: &[Value]) -> String {
    objects.iter().fold(String::new(), |mut out, o| {
        out.push_str("---\n");
        out.push_str(&render_yaml(o));
        out
    })
}

/// The `objects` parameter of a SecretProviderClass of the AWS provider: the list of secrets to
/// mount, as YAML in a string, keys sorted like every other value plinth writes.
pub(crate) fn provider_objects(objects: &[Value]) -> String {
    serde_saphyr::to_string(&plinth_cfn::sorted::SortedAll(objects))
        .expect("JSON values always render as YAML")
}

fn render_yaml(v: &Value) -> String {
    serde_saphyr::to_string(&Sorted(v)).expect("JSON values always render as YAML")
}

/// The ARN of the EBS key's alias. EC2 accepts an alias ARN wherever a key id is expected, so
/// manifests can name the key without a deploy-time value.
fn ebs_key_alias_arn(p: &Platform) -> String {
    let alias = p.names.kms_alias("ebs-encryption");
    format!(
        "arn:{}:kms:{}:{}:{alias}",
        p.aws.partition.as_str(),
        p.aws.region,
        p.aws.account
    )
}

/// Converts a typed object (k8s-openapi or serde struct) into a JSON value.
fn value<T: Serialize>(object: &T) -> Value {
    serde_json::to_value(object).expect("Kubernetes objects always serialize")
}
