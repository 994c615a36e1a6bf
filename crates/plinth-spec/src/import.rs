//! Converting another tool's configuration into a plinth spec: the `cdk.context.json` of the
//! reference CDK project, so its users move over in one command.
//!
//! [`cdk_context`] reads the context file's JSON, maps every key it knows onto the spec model
//! ([`crate::raw::RawSpec`]), fills what the file does not carry with the choices of plinth's
//! reference platform (`examples/druid-analytics/plinth.yaml`), renders YAML that opens with a
//! comment on where each value came from, and validates the result with [`crate::load`].
//! Problems are located in the context file: a wrong type at its key, and a validation error
//! of the produced spec at the key its value came from. The crate does no IO: the caller reads
//! the file and writes the spec.
//!
//! Identity and credentials are never assumed: administrators, users and Grafana Cloud come
//! from the context or are left out. Secrets never travel: the Grafana Cloud API key becomes a
//! reference to a Secrets Manager secret ([`SecretToStore`]) and [`Imported::redacted`] is the
//! source with its value masked, for showing diagnostics.
//!
//! The keys are those the reference project documents (seed 000, "User Inputs Explained":
//! `hosted:*`, `hosted:eks:grafana:*`, `hosted:eks:administrators`, `hosted:eks:users`,
//! `hosted:eks:druid:release`), plus the bare `organization`, `name` and `alias` of CDK apps
//! that name their stacks `{organization}-{name}-{alias}`. AWS CDK's own entries — feature
//! flags (`@aws-cdk…`, `aws:cdk:…`) and the lookups the CDK CLI caches
//! (<https://docs.aws.amazon.com/cdk/v2/guide/context.html>) — are skipped silently, except
//! the availability zones lookup of the target account and region, which gives the zones.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::facts;
use crate::raw::RawSpec;
use crate::suggest::closest;
use crate::yaml::{self, SpanIndex, escape_pointer};

/// What converting a context file produced.
#[derive(Debug)]
pub struct Imported {
    /// The spec as YAML, opening with a comment that names the source and what was assumed;
    /// `None` when an error was found.
    pub spec: Option<String>,
    /// Every problem, in source order, located in the context file where it has a place:
    /// errors (nothing may be written) and warnings (keys not converted, placeholders).
    pub diagnostics: Vec<Diagnostic>,
    /// Secrets the spec references by name instead of holding them; each must be stored in
    /// Secrets Manager before deploying.
    pub secrets: Vec<SecretToStore>,
    /// The source with every secret value replaced by `*` (byte offsets unchanged), for
    /// showing diagnostics with their source lines.
    pub redacted: String,
}

impl Imported {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A secret the spec names but does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretToStore {
    /// What the secret is, e.g. `the Grafana Cloud API key`.
    pub what: &'static str,
    /// Its name in Secrets Manager.
    pub name: String,
    /// The region of the secret (the platform's).
    pub region: String,
    /// The context key holding the value, when the file has it.
    pub source_key: Option<&'static str>,
}

impl SecretToStore {
    /// The shell command that stores the secret. When the context file at `source_path` holds
    /// the value, jq reads it from there into the AWS CLI's standard input, so the value
    /// appears neither in the command, nor in shell history, nor in the process list.
    pub fn command(&self, source_path: &str) -> String {
        let create = format!(
            "aws secretsmanager create-secret --region {} --name {}",
            self.region, self.name
        );
        match self.source_key {
            Some(key) => format!(
                "jq -j '.\"{key}\"' {} | {create} --secret-string file:///dev/stdin",
                shell_quote(source_path)
            ),
            None => format!("{create} --secret-string file://grafana-cloud-api-key.txt"),
        }
    }
}

/// Converts the text of a `cdk.context.json` into a plinth spec. `source_name` is how the
/// file is named in the spec's opening comment.
pub fn cdk_context(source: &str, source_name: &str) -> Imported {
    let redacted = mask_secrets(source);
    let mut cx = Cx {
        spans: SpanIndex::default(),
        diags: Vec::new(),
        used: Vec::new(),
        origins: BTreeMap::new(),
        notes: Notes::default(),
    };
    let mut secrets = Vec::new();
    let spec = cx
        .read(source)
        .and_then(|context| cx.convert(&context, source_name, &mut secrets));
    let mut diagnostics = cx.diags;
    diagnostics.sort_by_key(|d| (d.span.is_none(), d.span.map(|s| s.start), d.severity));
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Imported {
        spec: spec.filter(|_| !failed),
        diagnostics,
        secrets: if failed { Vec::new() } else { secrets },
        redacted,
    }
}

/// The Grafana Cloud API key: the one secret a context file holds.
const GRAFANA_KEY: &str = "hosted:eks:grafana:key";

/// Keys of the reference project that map to one spec field each.
const HOSTED: &[(&str, &str)] = &[
    ("hosted:id", "/metadata/id"),
    ("hosted:organization", "/metadata/organization"),
    ("hosted:name", "/metadata/name"),
    ("hosted:alias", "/metadata/alias"),
    ("hosted:environment", "/metadata/environment"),
    ("hosted:version", "/metadata/version"),
    ("hosted:domain", "/metadata/domain"),
    ("hosted:account", "/aws/account"),
    ("hosted:region", "/aws/region"),
    ("hosted:eks:druid:release", "/workloads/druid/release"),
];

/// Bare keys of CDK apps that name stacks `{organization}-{name}-{alias}`; the `hosted:` key of
/// the same field wins when both are set.
const BARE: &[(&str, &str)] = &[
    ("organization", "hosted:organization"),
    ("name", "hosted:name"),
    ("alias", "hosted:alias"),
];

/// Grafana Cloud settings: key → field of `observability.grafanaCloud`. The reference project
/// documents all but `pyroscopeHost`, which follows the same pattern.
const GRAFANA: &[(&str, &str)] = &[
    ("hosted:eks:grafana:instanceId", "instanceId"),
    ("hosted:eks:grafana:prometheusHost", "prometheusHost"),
    ("hosted:eks:grafana:lokiHost", "lokiHost"),
    ("hosted:eks:grafana:tempoHost", "tempoHost"),
    ("hosted:eks:grafana:pyroscopeHost", "pyroscopeHost"),
];

/// Cluster access lists: key → list under `cluster.access`.
const ACCESS: &[(&str, &str)] = &[
    ("hosted:eks:administrators", "administrators"),
    ("hosted:eks:users", "users"),
];

/// Lookups the CDK CLI caches in `cdk.context.json`, keyed `{provider}:{query}` (the
/// `ContextProvider` names of AWS CDK's cloud assembly schema), and its acknowledged notices.
const CDK_CACHE: &[&str] = &[
    "ami:",
    "availability-zones:",
    "hosted-zone:",
    "ssm:",
    "vpc-provider:",
    "endpoint-service-availability-zones:",
    "load-balancer:",
    "load-balancer-listener:",
    "security-group:",
    "key-provider:",
    "plugin:",
    "cc-api-provider:",
    "acknowledged-issue-numbers",
];

/// Prefixes the issue asking for this importer names, with no document saying what they
/// configure: reported, never guessed at.
const UNDOCUMENTED: &[&str] = &["platform:", "deployment:"];

/// The Pyroscope host of the reference platform, used when the context has none.
const PYROSCOPE_PLACEHOLDER: &str = "https://profiles-prod-000.grafana.net:443";

/// The reference platform (`examples/druid-analytics/plinth.yaml`) without its identity: what
/// the spec holds where the context says nothing. Tests compare it with the example.
fn reference() -> Value {
    json!({
        "apiVersion": "plinth.dev/v1alpha1",
        "kind": "Platform",
        "metadata": {
            "id": "fff",
            "organization": "data",
            "name": "analytics",
            "alias": "eks",
            "environment": "prototype",
            "version": "v1",
            "domain": "data.stxkxs.io",
        },
        "aws": { "account": "000000000000", "region": "us-west-2" },
        "network": {
            "cidr": "10.0.0.0/16",
            "availabilityZones": [],
            "natGateways": 2,
            "subnets": { "public": { "prefixLength": 24 }, "private": { "prefixLength": 24 } },
        },
        "cluster": {
            "version": "1.34",
            "endpointAccess": "public-and-private",
            "logging": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            "addons": {
                "vpc-cni": "v1.20.4-eksbuild.1",
                "aws-ebs-csi-driver": "v1.51.1-eksbuild.1",
                "kube-proxy": "v1.34.0-eksbuild.4",
                "coredns": "v1.12.4-eksbuild.1",
                "eks-pod-identity-agent": "v1.3.9-eksbuild.3",
                "amazon-cloudwatch-observability": "v5.0.0-eksbuild.1",
            },
            "nodeGroups": [{
                "name": "core",
                "amiFamily": "bottlerocket",
                "instanceTypes": ["t3.medium", "t3.large"],
                "minSize": 2,
                "desiredSize": 3,
                "maxSize": 10,
            }],
            "karpenter": { "version": "1.8.2" },
        },
        "addons": {
            "certManager": { "version": "v1.19.1" },
            "awsLoadBalancerController": { "version": "1.15.0" },
            "secretsStoreCsi": { "version": "2.1.1" },
        },
        "observability": { "containerInsights": true },
        "workloads": {
            "druid": {
                "release": "streaming",
                "version": "34.0.0",
                "metadataStore": { "engine": "aurora-postgresql", "version": "15.4", "readers": 1 },
                "ingestion": { "kafka": "msk-serverless" },
                "components": {
                    "router": { "replicas": 1 },
                    "broker": { "replicas": 1 },
                    "coordinator": { "replicas": 1 },
                    "overlord": { "replicas": 1 },
                    "historical": { "replicas": 1 },
                },
            },
        },
    })
}

/// What the opening comment says.
#[derive(Default)]
struct Notes {
    /// Spec field and the context key it came from.
    taken: Vec<(String, String)>,
    /// Spec field and the value assumed for it.
    assumed: Vec<(String, String)>,
    /// Spec field and why it holds a placeholder to replace before deploying.
    placeholders: Vec<(String, String)>,
}

struct Cx {
    /// Where each node of the context file is (empty when the text could not be indexed).
    spans: SpanIndex,
    diags: Vec<Diagnostic>,
    /// Context keys converted (or deliberately skipped).
    used: Vec<String>,
    /// Spec pointer → the context pointer its value came from.
    origins: BTreeMap<String, String>,
    notes: Notes,
}

impl Cx {
    /// Parses the file as a JSON object.
    fn read(&mut self, source: &str) -> Option<Map<String, Value>> {
        if source.len() > crate::MAX_SPEC_BYTES {
            self.diags.push(
                Diagnostic::error(
                    "import::too-large",
                    format!(
                        "the context file is {} bytes; plinth reads at most {}",
                        source.len(),
                        crate::MAX_SPEC_BYTES
                    ),
                )
                .help("a cdk.context.json is a few kilobytes; this file is not one"),
            );
            return None;
        }
        let value: Value = match serde_json::from_str(source) {
            Ok(v) => v,
            Err(e) => {
                let at = offset(source, e.line(), e.column());
                let message = e.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m);
                self.diags.push(
                    Diagnostic::error("import::invalid-json", format!("not JSON: {message}"))
                        .at(Some(Span::new(at, at)))
                        .label("the JSON parser stopped here")
                        .help("cdk.context.json is one JSON object: keys in double quotes, no comments, no trailing commas"),
                );
                return None;
            }
        };
        // JSON is YAML, so plinth's YAML reader gives every node's place in the file.
        let (doc, yaml_diags) = yaml::parse(source, yaml::Limits::default());
        if let Some(doc) = doc {
            self.spans = doc.spans;
        }
        for d in yaml_diags
            .into_iter()
            .filter(|d| d.code == "yaml::duplicate-key")
        {
            self.diags.push(Diagnostic {
                code: "import::duplicate-key",
                help: Some("JSON readers disagree on which value wins; keep one".into()),
                ..d
            });
        }
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.diags.push(
                    Diagnostic::error(
                        "import::not-an-object",
                        format!(
                            "a context file is a JSON object of keys and values, not {}",
                            kind(&other)
                        ),
                    )
                    .at(self.spans.value(""))
                    .help("pass the cdk.context.json of the CDK project"),
                );
                None
            }
        }
    }

    fn convert(
        &mut self,
        context: &Map<String, Value>,
        source_name: &str,
        secrets: &mut Vec<SecretToStore>,
    ) -> Option<String> {
        let mut spec = reference();
        let defaults = reference();
        for (key, pointer) in HOSTED {
            if let Some(v) = self.string(context, key) {
                self.set(&mut spec, pointer, Value::String(v), &top(key));
            }
        }
        self.bare(context, &mut spec);
        self.account_and_region(&mut spec, &defaults);
        Self::id(context, &mut spec);
        self.zones(context, &mut spec);
        self.access(context, &mut spec);
        self.grafana(context, &mut spec, secrets);
        self.unknown(context);
        if self.used.iter().all(|k| is_cdk_own(k)) {
            // What was assumed for nothing would only bury the one thing to say.
            self.diags.retain(Diagnostic::is_error);
            self.diags.push(
                Diagnostic::error(
                    "import::nothing-to-convert",
                    "the file has none of the keys plinth converts",
                )
                .at(self.spans.value(""))
                .help("pass the cdk.context.json of the reference CDK project: it sets `hosted:id`, `hosted:account`, `hosted:region`, …"),
            );
            return None;
        }
        self.describe_assumed(&spec);
        // Every value placed is a string where the spec wants one, so this cannot fail on
        // input; should plinth itself break that, the import stops with an error, not a panic.
        let body = match serde_json::from_value::<RawSpec>(spec)
            .map_err(|e| e.to_string())
            .and_then(|raw| serde_saphyr::to_string(&raw).map_err(|e| e.to_string()))
        {
            Ok(body) => body,
            Err(e) => {
                self.diags.push(Diagnostic::error(
                    "import::internal",
                    format!("plinth built a spec it cannot render: {e}"),
                ));
                return None;
            }
        };
        let text = format!("{}{body}", self.header(source_name));
        self.check(&text);
        Some(text)
    }

    /// Falls back on the bare `organization`, `name` and `alias` keys.
    fn bare(&mut self, context: &Map<String, Value>, spec: &mut Value) {
        for (bare, hosted) in BARE {
            let Some(value) = self.string(context, bare) else {
                continue;
            };
            match context.get(*hosted) {
                Some(h) if h.as_str() != Some(value.as_str()) => {
                    let d = self.warn_at(
                        "import::shadowed-key",
                        &top(bare),
                        format!("`{bare}` is ignored: `{hosted}` is set too"),
                    );
                    d.label = Some("ignored".into());
                    d.help = Some(format!(
                        "the spec takes `{hosted}`; remove one of them so the file says one thing"
                    ));
                }
                Some(_) => {}
                None => {
                    let field = HOSTED
                        .iter()
                        .find(|(k, _)| k == hosted)
                        .map(|(_, p)| *p)
                        .expect("every bare key has a hosted twin");
                    self.set(spec, field, Value::String(value), &top(bare));
                }
            }
        }
    }

    /// Account and region are checked here: the zones and the secret's ARN derive from them,
    /// so a bad value is reported once, at its key, and the defaults stand in for the rest.
    fn account_and_region(&mut self, spec: &mut Value, defaults: &Value) {
        let account = spec["aws"]["account"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if self.origins.contains_key("/aws/account") {
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                self.error_at(
                    "import::invalid-account",
                    "/hosted:account",
                    format!("`{account}` is not a 12-digit AWS account id"),
                )
                .help = Some("the account id has exactly 12 digits, e.g. \"012345678901\"".into());
                spec["aws"]["account"] = defaults["aws"]["account"].clone();
            }
        } else {
            self.diags.push(
                Diagnostic::warning(
                    "import::placeholder",
                    format!("the file has no `hosted:account`; the spec holds the placeholder account {account}"),
                )
                .help("set `aws.account` in the spec to the account to deploy to"),
            );
            self.notes.placeholders.push((
                "aws.account".into(),
                format!("{account} (the file has no `hosted:account`)"),
            ));
        }
        let region = spec["aws"]["region"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if self.origins.contains_key("/aws/region") {
            if facts::partition_of(&region).is_none() {
                let d = self.error_at(
                    "import::unknown-region",
                    "/hosted:region",
                    format!("`{region}` is not an AWS region where EKS runs"),
                );
                d.help = Some(
                    match closest(&region, facts::REGIONS.iter().map(|(r, _)| *r)) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => "use a region code such as `us-west-2`".into(),
                    },
                );
                spec["aws"]["region"] = defaults["aws"]["region"].clone();
            }
        } else {
            self.diags.push(
                Diagnostic::warning(
                    "import::assumed-region",
                    format!("the file has no `hosted:region`; the spec assumes {region}, the reference platform's region"),
                )
                .help("set `aws.region` in the spec if the platform belongs elsewhere"),
            );
        }
    }

    /// Without `hosted:id`, the id is `{organization}-{name}-{alias}`, as CDK apps that read
    /// the bare keys name their resources.
    fn id(context: &Map<String, Value>, spec: &mut Value) {
        if context.contains_key("hosted:id") {
            return;
        }
        let m = &spec["metadata"];
        let id = format!(
            "{}-{}-{}",
            m["organization"].as_str().unwrap_or_default(),
            m["name"].as_str().unwrap_or_default(),
            m["alias"].as_str().unwrap_or_default()
        );
        spec["metadata"]["id"] = Value::String(id);
    }

    /// The zones: the CDK CLI's cached lookup for the account and region, else the region's
    /// first three zone letters.
    fn zones(&mut self, context: &Map<String, Value>, spec: &mut Value) {
        let account = spec["aws"]["account"].as_str().unwrap_or_default();
        let region = spec["aws"]["region"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let key = format!("availability-zones:account={account}:region={region}");
        let cached: Option<Vec<String>> = context.get(&key).and_then(|v| {
            v.as_array()?
                .iter()
                .map(|z| z.as_str().map(str::to_owned))
                .collect()
        });
        match cached {
            Some(zones) if zones.len() >= 2 => {
                let zones: Vec<Value> = zones.into_iter().take(3).map(Value::String).collect();
                self.set(
                    spec,
                    "/network/availabilityZones",
                    Value::Array(zones),
                    &top(&key),
                );
            }
            _ => {
                spec["network"]["availabilityZones"] = json!(
                    ["a", "b", "c"]
                        .iter()
                        .map(|l| format!("{region}{l}"))
                        .collect::<Vec<_>>()
                );
            }
        }
    }

    /// Administrators and read-only users, each `{username, role, email}`.
    fn access(&mut self, context: &Map<String, Value>, spec: &mut Value) {
        for (key, list) in ACCESS {
            let Some(value) = context.get(*key) else {
                continue;
            };
            self.used.push((*key).to_owned());
            let at = top(key);
            let Some(items) = value.as_array() else {
                self.wrong_type(&at, key, value, "a list of {username, role, email}");
                continue;
            };
            let mut principals = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let item_at = format!("{at}/{i}");
                let what = format!("{key}[{i}]");
                let Some(fields) = item.as_object() else {
                    self.wrong_type(&item_at, &what, item, "an object {username, role, email}");
                    continue;
                };
                let mut principal = Map::new();
                let mut complete = true;
                for field in ["username", "role", "email"] {
                    match fields.get(field) {
                        Some(Value::String(s)) => {
                            principal.insert(field.to_owned(), Value::String(s.clone()));
                        }
                        Some(other) => {
                            self.wrong_type(
                                &format!("{item_at}/{field}"),
                                &format!("{what}.{field}"),
                                other,
                                "a string",
                            );
                            complete = false;
                        }
                        None => {
                            self.error_at(
                                "import::missing-field",
                                &item_at,
                                format!("`{what}` has no `{field}`"),
                            )
                            .help = Some(
                                "each entry is {\"username\": …, \"role\": \"arn:aws:iam::…\", \"email\": …}"
                                    .into(),
                            );
                            complete = false;
                        }
                    }
                }
                for extra in fields
                    .keys()
                    .filter(|k| !["username", "role", "email"].contains(&k.as_str()))
                {
                    self.warn_key(
                        "import::unknown-key",
                        &format!("{item_at}/{}", escape_pointer(extra)),
                        format!("`{extra}` of `{what}` is not converted"),
                    )
                    .help = Some("an access entry has a username, a role and an email".into());
                }
                if complete {
                    let n = principals.len();
                    for field in ["username", "role", "email"] {
                        self.origins.insert(
                            format!("/cluster/access/{list}/{n}/{field}"),
                            format!("{item_at}/{field}"),
                        );
                    }
                    self.origins
                        .insert(format!("/cluster/access/{list}/{n}"), item_at);
                    principals.push(Value::Object(principal));
                }
            }
            self.notes.taken.push((
                format!("cluster.access.{list}"),
                format!("{key} ({})", principals.len()),
            ));
            self.origins.insert(format!("/cluster/access/{list}"), at);
            spec["cluster"]["access"][*list] = Value::Array(principals);
        }
    }

    /// Grafana Cloud, when the file configures it: endpoints from the context, the API key
    /// replaced by the Secrets Manager secret `{id}-grafana-cloud`.
    fn grafana(
        &mut self,
        context: &Map<String, Value>,
        spec: &mut Value,
        secrets: &mut Vec<SecretToStore>,
    ) {
        let present: Vec<&str> = GRAFANA
            .iter()
            .map(|(k, _)| *k)
            .chain([GRAFANA_KEY])
            .filter(|k| context.contains_key(*k))
            .collect();
        if present.is_empty() {
            return;
        }
        let mut missing = Vec::new();
        let mut wrong = false;
        let mut grafana = Map::new();
        for (key, field) in GRAFANA {
            if let Some(v) = self.string(context, key) {
                grafana.insert((*field).to_owned(), Value::String(v));
                self.origins
                    .insert(format!("/observability/grafanaCloud/{field}"), top(key));
                self.notes.taken.push((
                    format!("observability.grafanaCloud.{field}"),
                    (*key).to_owned(),
                ));
            } else if context.contains_key(*key) {
                wrong = true;
            } else if *field != "pyroscopeHost" {
                missing.push(*key);
            }
        }
        if let Some(value) = context.get(GRAFANA_KEY) {
            self.used.push(GRAFANA_KEY.to_owned());
            if !value.is_string() {
                let value = value.clone();
                self.wrong_type(&top(GRAFANA_KEY), GRAFANA_KEY, &value, "a string");
                wrong = true;
            }
        }
        if !missing.is_empty() {
            let d = Diagnostic::error(
                "import::incomplete-grafana",
                format!(
                    "Grafana Cloud is configured without `{}`",
                    missing.join("`, `")
                ),
            )
            .at(self.spans.key(&top(present[0])))
            .label("Grafana Cloud starts here")
            .help("set every `hosted:eks:grafana:*` key, or none to leave Grafana Cloud out");
            self.diags.push(d);
            return;
        }
        if wrong {
            return;
        }
        if !grafana.contains_key("pyroscopeHost") {
            let key = "hosted:eks:grafana:pyroscopeHost";
            grafana.insert(
                "pyroscopeHost".into(),
                Value::String(PYROSCOPE_PLACEHOLDER.into()),
            );
            self.diags.push(
                Diagnostic::warning(
                    "import::placeholder",
                    format!("the file has no `{key}`; the spec holds the placeholder {PYROSCOPE_PLACEHOLDER}"),
                )
                .help("set `observability.grafanaCloud.pyroscopeHost` to the Profiles endpoint of your Grafana Cloud stack"),
            );
            self.notes.placeholders.push((
                "observability.grafanaCloud.pyroscopeHost".into(),
                format!("{PYROSCOPE_PLACEHOLDER} (the file has no `{key}`)"),
            ));
        }
        let aws = &spec["aws"];
        let region = aws["region"].as_str().unwrap_or_default().to_owned();
        let partition = facts::partition_of(&region).unwrap_or(facts::Partition::Aws);
        let name = format!(
            "{}-grafana-cloud",
            spec["metadata"]["id"].as_str().unwrap_or_default()
        );
        let arn = format!(
            "arn:{}:secretsmanager:{region}:{}:secret:{name}",
            partition.as_str(),
            aws["account"].as_str().unwrap_or_default()
        );
        grafana.insert("apiKeySecret".into(), Value::String(arn));
        self.notes.taken.push((
            "observability.grafanaCloud.apiKeySecret".into(),
            format!("the Secrets Manager secret {name} (holds {GRAFANA_KEY}, below)"),
        ));
        secrets.push(SecretToStore {
            what: "the Grafana Cloud API key",
            name,
            region,
            source_key: context.contains_key(GRAFANA_KEY).then_some(GRAFANA_KEY),
        });
        spec["observability"]["grafanaCloud"] = Value::Object(grafana);
        self.origins
            .insert("/observability/grafanaCloud".into(), top(present[0]));
    }

    /// Warns about every key neither converted nor AWS CDK's own.
    fn unknown(&mut self, context: &Map<String, Value>) {
        let known: Vec<&str> = HOSTED
            .iter()
            .map(|(k, _)| *k)
            .chain(GRAFANA.iter().map(|(k, _)| *k))
            .chain(ACCESS.iter().map(|(k, _)| *k))
            .chain(BARE.iter().map(|(k, _)| *k))
            .chain([GRAFANA_KEY])
            .collect();
        for key in context.keys() {
            if known.contains(&key.as_str()) {
                continue;
            }
            if is_cdk_own(key) {
                self.used.push(key.clone());
                continue;
            }
            if let Some(prefix) = UNDOCUMENTED.iter().find(|p| key.starts_with(**p)) {
                self.warn_key(
                    "import::undocumented-key",
                    &top(key),
                    format!("`{key}` is not converted: no documentation of the reference project says what `{prefix}*` keys configure"),
                )
                .help = Some("set what it means in the spec by hand".into());
                continue;
            }
            let d = self.warn_key(
                "import::unknown-key",
                &top(key),
                format!("`{key}` is not a key plinth converts"),
            );
            d.help = Some(match closest(key, known.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "it is left out of the spec".into(),
            });
        }
    }

    /// Records, for the opening comment, every field the spec holds that no key set.
    fn describe_assumed(&mut self, spec: &Value) {
        let m = &spec["metadata"];
        for field in [
            "organization",
            "name",
            "alias",
            "environment",
            "version",
            "domain",
        ] {
            let pointer = format!("/metadata/{field}");
            if !self.origins.contains_key(&pointer) {
                self.notes.assumed.push((
                    format!("metadata.{field}"),
                    m[field].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
        if !self.origins.contains_key("/metadata/id") {
            self.notes.assumed.push((
                "metadata.id".into(),
                format!(
                    "{} ({{organization}}-{{name}}-{{alias}}; the file has no `hosted:id`)",
                    m["id"].as_str().unwrap_or_default()
                ),
            ));
        }
        if !self.origins.contains_key("/aws/region") {
            self.notes.assumed.push((
                "aws.region".into(),
                spec["aws"]["region"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ));
        }
        let n = &spec["network"];
        if !self.origins.contains_key("/network/availabilityZones") {
            self.notes.assumed.push((
                "network.availabilityZones".into(),
                strings(&n["availabilityZones"]).join(", "),
            ));
        }
        self.notes.assumed.push((
            "network".into(),
            format!(
                "{}, {} NAT gateways, /{} public and /{} private subnets",
                str_at(n, "/cidr"),
                n["natGateways"],
                n["subnets"]["public"]["prefixLength"],
                n["subnets"]["private"]["prefixLength"]
            ),
        ));
        let c = &spec["cluster"];
        let groups: Vec<String> = c["nodeGroups"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| {
                format!(
                    "node group {} ({}, {}–{} × {})",
                    str_at(g, "/name"),
                    str_at(g, "/amiFamily"),
                    g["minSize"],
                    g["maxSize"],
                    strings(&g["instanceTypes"]).join("/")
                )
            })
            .collect();
        self.notes.assumed.push((
            "cluster".into(),
            format!(
                "Kubernetes {}, {} endpoint, every control-plane log, {}, Karpenter {}",
                str_at(c, "/version"),
                str_at(c, "/endpointAccess"),
                groups.join(", "),
                str_at(c, "/karpenter/version")
            ),
        ));
        let addons: Vec<String> = sorted_entries(&c["addons"])
            .into_iter()
            .map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or_default()))
            .collect();
        self.notes
            .assumed
            .push(("cluster.addons".into(), addons.join(", ")));
        if !self.origins.contains_key("/cluster/access/administrators")
            && !self.origins.contains_key("/cluster/access/users")
        {
            self.notes.assumed.push((
                "cluster.access".into(),
                "no administrators or users; the identity that deploys is cluster admin".into(),
            ));
        }
        let charts: Vec<String> = sorted_entries(&spec["addons"])
            .into_iter()
            .map(|(k, v)| format!("{k} {}", str_at(v, "/version")))
            .collect();
        self.notes
            .assumed
            .push(("addons".into(), charts.join(", ")));
        self.notes.assumed.push((
            "observability".into(),
            if spec["observability"]["grafanaCloud"].is_object() {
                "Container Insights".into()
            } else {
                "Container Insights (no Grafana Cloud: the file has no `hosted:eks:grafana:*`)"
                    .into()
            },
        ));
        let d = &spec["workloads"]["druid"];
        if !self.origins.contains_key("/workloads/druid/release") {
            self.notes.assumed.push((
                "workloads.druid.release".into(),
                str_at(d, "/release").to_owned(),
            ));
        }
        let components: Vec<String> = sorted_entries(&d["components"])
            .into_iter()
            .map(|(k, v)| format!("{} {k}", v["replicas"]))
            .collect();
        self.notes.assumed.push((
            "workloads.druid".into(),
            format!(
                "Druid {}, {} {} with {} reader, {}, {}",
                str_at(d, "/version"),
                str_at(d, "/metadataStore/engine"),
                str_at(d, "/metadataStore/version"),
                d["metadataStore"]["readers"],
                str_at(d, "/ingestion/kafka"),
                components.join(", ")
            ),
        ));
    }

    /// The opening comment: the source, what came from it, what was assumed.
    fn header(&self, source_name: &str) -> String {
        let mut h = String::new();
        let _ = writeln!(
            h,
            "# plinth spec converted from {source_name} by `plinth import cdk-context`."
        );
        let width = self
            .notes
            .taken
            .iter()
            .chain(&self.notes.assumed)
            .chain(&self.notes.placeholders)
            .map(|(f, _)| f.len())
            .max()
            .unwrap_or(0);
        let section = |h: &mut String, title: &str, rows: &[(String, String)]| {
            if rows.is_empty() {
                return;
            }
            let _ = writeln!(h, "#\n# {title}");
            for (field, what) in rows {
                let mut lines = wrap(what, HEADER_WIDTH.saturating_sub(width + 6)).into_iter();
                let _ = writeln!(
                    h,
                    "#   {field:width$}  {}",
                    lines.next().unwrap_or_default()
                );
                for more in lines {
                    let _ = writeln!(h, "#   {:width$}  {more}", "");
                }
            }
        };
        section(&mut h, &format!("From {source_name}:"), &self.notes.taken);
        section(
            &mut h,
            "Assumed, as in plinth's reference platform (examples/druid-analytics/plinth.yaml):",
            &self.notes.assumed,
        );
        section(
            &mut h,
            "Placeholders to replace before deploying:",
            &self.notes.placeholders,
        );
        h.push_str("#\n# Check it with `plinth validate`; `plinth cost` and `plinth check` show what it deploys.\n");
        h
    }

    /// Validates the produced spec; its errors, and its warnings about values from the file,
    /// are reported at the keys those values came from.
    fn check(&mut self, text: &str) {
        let loaded = crate::load(text);
        for d in loaded.diagnostics {
            let pointer = d.span.and_then(|s| loaded.spans.pointer_at(s));
            let origin = pointer.and_then(|p| self.origin(p));
            if origin.is_none() && d.severity == Severity::Warning {
                // About a value plinth assumed: `plinth validate` shows it.
                continue;
            }
            let field = pointer.map(dotted);
            let mut d = Diagnostic {
                span: origin.as_deref().and_then(|o| self.spans.value(o)),
                label: field.map(|f| format!("becomes `{f}` in the spec")),
                ..d
            };
            if origin.is_none() {
                d.message.push_str(" (in a value plinth assumed)");
            }
            self.diags.push(d);
        }
    }

    /// The context pointer the spec value at `pointer`, or its nearest ancestor, came from.
    fn origin(&self, pointer: &str) -> Option<String> {
        let mut p = pointer;
        loop {
            if let Some(o) = self.origins.get(p) {
                return Some(o.clone());
            }
            if p.is_empty() {
                return None;
            }
            p = p.rfind('/').map_or("", |i| &p[..i]);
        }
    }

    /// A string value of a top-level key, reporting any other type.
    fn string(&mut self, context: &Map<String, Value>, key: &str) -> Option<String> {
        let value = context.get(key)?;
        self.used.push(key.to_owned());
        if let Value::String(s) = value {
            return Some(s.clone());
        }
        self.wrong_type(&top(key), key, value, "a string");
        None
    }

    fn set(&mut self, spec: &mut Value, pointer: &str, value: Value, origin: &str) {
        if let Some(slot) = spec.pointer_mut(pointer) {
            *slot = value;
        }
        self.origins.insert(pointer.to_owned(), origin.to_owned());
        let key = origin
            .trim_start_matches('/')
            .replace("~1", "/")
            .replace("~0", "~");
        self.notes.taken.push((dotted(pointer), key));
    }

    fn wrong_type(&mut self, at: &str, what: &str, value: &Value, expected: &str) {
        let found = if what.starts_with(GRAFANA_KEY) {
            "another type".to_owned()
        } else {
            kind(value).to_owned()
        };
        self.error_at(
            "import::wrong-type",
            at,
            format!("`{what}` must be {expected}, not {found}"),
        );
    }

    fn error_at(&mut self, code: &'static str, at: &str, message: String) -> &mut Diagnostic {
        let d = Diagnostic::error(code, message).at(self.spans.value(at));
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    fn warn_at(&mut self, code: &'static str, at: &str, message: String) -> &mut Diagnostic {
        let d = Diagnostic::warning(code, message).at(self.spans.value(at));
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    fn warn_key(&mut self, code: &'static str, at: &str, message: String) -> &mut Diagnostic {
        let d = Diagnostic::warning(code, message)
            .at(self.spans.key(at))
            .label("not converted");
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }
}

/// Columns the opening comment's lines keep within.
const HEADER_WIDTH: usize = 100;

/// Splits `text` at spaces into lines of at most `width` columns (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// Whether a key is AWS CDK's own: a feature flag or a cached lookup.
fn is_cdk_own(key: &str) -> bool {
    key.starts_with("@aws-cdk")
        || key.starts_with("aws:cdk:")
        || CDK_CACHE.iter().any(|p| key.starts_with(p))
}

/// The JSON pointer of a top-level key.
fn top(key: &str) -> String {
    format!("/{}", escape_pointer(key))
}

/// `/cluster/access/users/0/role` → `cluster.access.users[0].role`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.split('/').skip(1) {
        if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
            let _ = write!(out, "[{part}]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part.replace("~1", "/").replace("~0", "~"));
        }
    }
    out
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Byte offset of serde_json's 1-based line and column (0 when it stopped before a line began).
fn offset(source: &str, line: usize, column: usize) -> usize {
    let start: usize = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (start + column.saturating_sub(1)).min(source.len());
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Replaces the value of every secret key with `*`, by scanning the text itself so it works
/// on files that are not valid JSON too: after `"hosted:eks:grafana:key"`, a colon and
/// whitespace, the value that follows — a string, or anything else up to where it closes — is
/// masked byte for byte, line breaks kept. Offsets do not move and the result stays UTF-8 (each
/// byte of a multi-byte character becomes one `*`).
fn mask_secrets(source: &str) -> String {
    let needle = format!("\"{GRAFANA_KEY}\"");
    let mut bytes = source.as_bytes().to_vec();
    let mut from = 0;
    while let Some(found) = source[from..].find(&needle) {
        let mut i = from + found + needle.len();
        from = i;
        i = skip_space(&bytes, i);
        if bytes.get(i) != Some(&b':') {
            continue;
        }
        let start = skip_space(&bytes, i + 1);
        let end = value_end(&bytes, start);
        for b in &mut bytes[start..end] {
            if *b != b'\n' {
                *b = b'*';
            }
        }
        from = from.max(end);
    }
    String::from_utf8(bytes).expect("masking writes ASCII over whole characters")
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// Where the JSON value starting at `start` ends: after a string's closing quote (or at the
/// end of its line, when it has none), after the bracket that closes an object or list, or
/// before the `,`, `}` or `]` that ends a scalar.
fn value_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                if depth == 0 {
                    return i + 1;
                }
            } else if b == b'\n' && depth == 0 {
                return i;
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' | b',' | b'\n' if depth == 0 => return i,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    i
}

/// Quotes a path for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The entries of an object in key order (none for anything else), whatever order
/// `serde_json::Map` keeps in this build.
fn sorted_entries(v: &Value) -> BTreeMap<&str, &Value> {
    v.as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v))
        .collect()
}
