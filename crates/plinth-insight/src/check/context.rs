//! What rules look at: the platform, and the assembly seen as resources and objects.

use plinth_cfn::Resource;
use plinth_spec::Platform;
use plinth_spec::model::StackKind;
use plinth_synth::k8s::ManifestFile;
use plinth_synth::{Assembly, Stack};
use serde_json::Value;

/// The input of every rule.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The validated platform.
    pub platform: &'a Platform,
    /// What plinth synthesized from it.
    pub assembly: &'a Assembly,
}

/// A CloudFormation resource with the stack it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Res<'a> {
    /// Its stack.
    pub stack: &'a Stack,
    /// Logical id.
    pub id: &'a str,
    /// The resource.
    pub resource: &'a Resource,
}

impl<'a> Res<'a> {
    /// The property at a JSON pointer below `Properties`, e.g. `/MetadataOptions/HttpTokens`.
    pub fn prop(&self, pointer: &str) -> Option<&'a Value> {
        self.resource.properties.pointer(pointer)
    }

    /// The template path, for a finding's target.
    pub fn file(&self) -> String {
        self.stack.template_path()
    }
}

/// A Kubernetes object with the file it is written to.
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    /// Its file.
    pub file: &'a ManifestFile,
    /// The object.
    pub value: &'a Value,
}

impl<'a> Object<'a> {
    /// `kind`.
    pub fn kind(&self) -> &'a str {
        self.value["kind"].as_str().unwrap_or_default()
    }

    /// `metadata.name`.
    pub fn name(&self) -> &'a str {
        self.value["metadata"]["name"].as_str().unwrap_or_default()
    }

    /// `metadata.namespace` (empty for cluster-scoped objects).
    pub fn namespace(&self) -> &'a str {
        self.value["metadata"]["namespace"]
            .as_str()
            .unwrap_or_default()
    }

    /// `Kind/name`, the object's name in findings and suppressions.
    pub fn target_name(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }

    /// The pod template's spec of a workload (Deployment, StatefulSet, DaemonSet, Job), the
    /// spec of a Pod, or the template of a ConfigMap-held pod template.
    pub fn pod_spec(&self) -> Option<&'a Value> {
        match self.kind() {
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
                self.value.pointer("/spec/template/spec")
            }
            "CronJob" => self.value.pointer("/spec/jobTemplate/spec/template/spec"),
            "Pod" => self.value.get("spec"),
            "PodTemplate" => self.value.pointer("/template/spec"),
            _ => None,
        }
    }

    /// Containers and init containers of the pod spec.
    pub fn containers(&self) -> impl Iterator<Item = &'a Value> {
        let spec = self.pod_spec();
        ["containers", "initContainers"]
            .into_iter()
            .filter_map(move |k| spec.and_then(|s| s.get(k)).and_then(Value::as_array))
            .flatten()
    }

    /// Labels of the pods the object runs (its template's labels).
    pub fn pod_labels(&self) -> Option<&'a serde_json::Map<String, Value>> {
        let labels = match self.kind() {
            "Pod" => self.value.pointer("/metadata/labels"),
            "PodTemplate" => self.value.pointer("/template/metadata/labels"),
            _ => self.value.pointer("/spec/template/metadata/labels"),
        };
        labels.and_then(Value::as_object)
    }
}

impl<'a> Context<'a> {
    /// A context over `platform` and its assembly.
    pub fn new(platform: &'a Platform, assembly: &'a Assembly) -> Self {
        Self { platform, assembly }
    }

    /// Every CloudFormation resource, stack by stack.
    pub fn resources(&self) -> impl Iterator<Item = Res<'a>> {
        self.assembly.stacks.iter().flat_map(|stack| {
            stack
                .template
                .resources
                .iter()
                .map(move |(id, resource)| Res {
                    stack,
                    id,
                    resource,
                })
        })
    }

    /// Every resource of one type.
    pub fn resources_of(&self, kind: &'static str) -> impl Iterator<Item = Res<'a>> {
        self.resources().filter(move |r| r.resource.kind == kind)
    }

    /// The resource `id` of the stack `kind`, when synthesized.
    pub fn resource(&self, kind: StackKind, id: &str) -> Option<Res<'a>> {
        let stack = self.assembly.stacks.iter().find(|s| s.kind == kind)?;
        let (id, resource) = stack.template.resources.get_key_value(id)?;
        Some(Res {
            stack,
            id,
            resource,
        })
    }

    /// The template path of the stack `kind` (for targets of stack-wide findings).
    pub fn template_path(&self, kind: StackKind) -> String {
        self.assembly
            .stacks
            .iter()
            .find(|s| s.kind == kind)
            .map_or_else(
                || {
                    format!(
                        "cloudformation/{}.template.json",
                        self.platform.names.stack(kind)
                    )
                },
                Stack::template_path,
            )
    }

    /// Every Kubernetes object, file by file.
    pub fn objects(&self) -> impl Iterator<Item = Object<'a>> {
        self.assembly.kubernetes.iter().flat_map(|file| {
            file.kube_objects()
                .iter()
                .map(move |value| Object { file, value })
        })
    }

    /// Every object of one kind.
    pub fn objects_of(&self, kind: &'static str) -> impl Iterator<Item = Object<'a>> {
        self.objects().filter(move |o| o.kind() == kind)
    }

    /// Objects that run pods.
    pub fn workloads(&self) -> impl Iterator<Item = Object<'a>> {
        self.objects().filter(|o| o.pod_spec().is_some())
    }

    /// The Helm values of `release` and the path of their file, when the assembly installs it.
    pub fn values(&self, release: &str) -> Option<(&'a str, &'a Value)> {
        let suffix = format!("/values/{release}.yaml");
        self.assembly
            .kubernetes
            .iter()
            .find_map(|f| match &f.content {
                plinth_synth::k8s::Content::Values(v) if f.path.ends_with(&suffix) => {
                    Some((f.path.as_str(), v))
                }
                _ => None,
            })
    }

    /// The spec value a CloudFormation resource comes from, as a JSON pointer: the node group,
    /// addon or workload that made plinth synthesize it.
    pub fn origin_of_resource(&self, r: &Res<'_>) -> String {
        let p = self.platform;
        let id = r.id;
        for (i, g) in p.cluster.node_groups.iter().enumerate() {
            let name = plinth_cfn::pascal(&g.name);
            if id == format!("LaunchTemplate{name}") || id == format!("Nodegroup{name}") {
                return format!("/cluster/nodeGroups/{i}");
            }
        }
        for addon in p.cluster.addons.keys() {
            if id.starts_with(&format!("Addon{}", plinth_cfn::pascal(addon))) {
                return format!("/cluster/addons/{addon}");
            }
        }
        let prefixes: &[(&str, &str)] = &[
            ("Karpenter", "/cluster/karpenter"),
            (
                "AwsLoadBalancerController",
                "/addons/awsLoadBalancerController",
            ),
            ("GrafanaCloud", "/observability/grafanaCloud"),
            ("FlowLog", "/network/flowLogs"),
            ("NatGateway", "/network/natGateways"),
            ("NatEip", "/network/natGateways"),
            ("Metadata", "/workloads/druid/metadataStore"),
            ("Kafka", "/workloads/druid/ingestion"),
            ("AdministratorAccess", "/cluster/access/administrators"),
            ("UserAccess", "/cluster/access/users"),
            ("Cluster", "/cluster"),
            ("PrivateZone", "/dns/privateZones"),
            ("ExternalDns", "/addons/externalDns"),
            ("Bastion", "/cluster/access/bastion"),
            ("Backup", "/backup"),
            ("Efs", "/storage/efs"),
        ];
        if let Some((_, pointer)) = prefixes.iter().find(|(pre, _)| id.starts_with(pre)) {
            return (*pointer).to_owned();
        }
        match r.stack.kind {
            StackKind::Network => "/network",
            StackKind::Cluster => "/cluster",
            StackKind::Data | StackKind::Bindings => "/workloads/druid",
            StackKind::Services => "/workloads/services",
            StackKind::Operations => "/backup",
        }
        .to_owned()
    }

    /// The spec value a Kubernetes object comes from, as a JSON pointer.
    pub fn origin_of_object(&self, o: &Object<'_>) -> String {
        let path = o.file.path.as_str();
        if path.contains("/30-karpenter/") {
            return "/cluster/karpenter".to_owned();
        }
        if path.contains("/monitoring") || o.namespace() == "monitoring" {
            return "/observability/grafanaCloud".to_owned();
        }
        if path.contains("/druid-") {
            let component = o.value["metadata"]["labels"]["app.kubernetes.io/component"]
                .as_str()
                .unwrap_or_default();
            let known = self
                .platform
                .druid
                .as_ref()
                .is_some_and(|d| d.replicas.contains_key(component));
            return if known {
                format!("/workloads/druid/components/{component}")
            } else {
                "/workloads/druid".to_owned()
            };
        }
        if path.contains("/20-addons/") {
            return "/addons".to_owned();
        }
        if path.ends_with("/10-foundation/efs.yaml") {
            return "/storage/efs".to_owned();
        }
        "/cluster".to_owned()
    }

    /// Whether the environment is production by name (`production`, `prod`, `prd`, or a name
    /// starting with `prod-`), where several rules are stricter.
    pub fn is_production(&self) -> bool {
        let env = self.platform.metadata.environment.as_str();
        matches!(env, "production" | "prod" | "prd") || env.starts_with("prod-")
    }
}

/// The string values of a JSON value that is a string or an array of strings.
pub(crate) fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether every `key: value` of `selector` is among `labels`.
pub(crate) fn selects(
    selector: &serde_json::Map<String, Value>,
    labels: &serde_json::Map<String, Value>,
) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// A Kubernetes CPU quantity (`500m`, `2`, `1.5`) in millicores.
pub(crate) fn cpu_millis(q: &Value) -> Option<u64> {
    let s = match q {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    if let Some(m) = s.strip_suffix('m') {
        return m.parse().ok();
    }
    let cores: f64 = s.parse().ok()?;
    // Quantities are small and non-negative; the cast cannot lose anything that matters.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some((cores * 1000.0).round() as u64)
}

/// A Kubernetes memory quantity (`512Mi`, `2Gi`, `1G`, bytes) in MiB, rounded up.
pub(crate) fn memory_mib(q: &Value) -> Option<u64> {
    let s = match q {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let units: [(&str, u64); 6] = [
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
    ];
    let (number, factor) = units
        .iter()
        .find_map(|(u, f)| s.strip_suffix(u).map(|n| (n, *f)))
        .unwrap_or((s.as_str(), 1));
    let n: u64 = number.parse().ok()?;
    Some((n * factor).div_ceil(1 << 20))
}
