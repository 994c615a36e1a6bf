//! In-cluster observability, read from the synthesized output of every example that has it:
//! the dashboards are well-formed Grafana dashboard JSON, every dashboard query and alert rule
//! is PromQL that a real parser accepts, and every metric they name is emitted by an exporter
//! the spec deploys (the catalogue in `crates/plinth-synth/metrics/`). The two sides of each
//! pod identity (cluster stack and Helm values) name the same service accounts, secrets, topic
//! and log group.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use plinth_spec::Platform;
use plinth_synth::{Assembly, synth};
use promql_parser::parser::Expr;
use promql_parser::util::{ExprVisitor, walk_expr};
use serde_json::Value;

/// Every example (each environment of one with environments) with in-cluster Prometheus,
/// synthesized.
fn examples() -> Vec<(String, Platform, Assembly)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for path in entries {
        let Ok(text) = std::fs::read_to_string(path.join("plinth.yaml")) else {
            continue;
        };
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
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
            let platform = plinth_spec::load_environment(&text, environment)
                .platform
                .unwrap_or_else(|| panic!("{name} is invalid"));
            if platform.observability.prometheus.is_some() {
                let assembly = synth(&platform);
                out.push((name, platform, assembly));
            }
        }
    }
    assert!(
        !out.is_empty(),
        "no example has observability.prometheus, so nothing here would be checked"
    );
    out
}

fn objects(a: &Assembly) -> impl Iterator<Item = &Value> {
    a.kubernetes
        .iter()
        .flat_map(plinth_synth::k8s::ManifestFile::kube_objects)
}

fn helm_values<'a>(a: &'a Assembly, release: &str) -> &'a Value {
    let path = format!("kubernetes/20-addons/values/{release}.yaml");
    match &a
        .kubernetes
        .iter()
        .find(|f| f.path == path)
        .unwrap()
        .content
    {
        plinth_synth::k8s::Content::Values(v) => v,
        plinth_synth::k8s::Content::Objects(_) => panic!("{path} is not a values file"),
    }
}

fn cluster_resources<'a>(a: &'a Assembly, kind: &str) -> Vec<(&'a String, &'a Value)> {
    let stack = a
        .stacks
        .iter()
        .find(|s| s.kind.as_str() == "cluster")
        .unwrap();
    stack
        .template
        .resources
        .iter()
        .filter(|(_, r)| r.kind == kind)
        .map(|(id, r)| (id, &r.properties))
        .collect()
}

/// The dashboards: (ConfigMap, its one dashboard).
fn dashboards(a: &Assembly) -> Vec<(&Value, Value)> {
    objects(a)
        .filter(|o| o["kind"] == "ConfigMap" && o["metadata"]["labels"]["grafana_dashboard"] == "1")
        .map(|cm| {
            let data = cm["data"].as_object().unwrap();
            assert_eq!(data.len(), 1, "one dashboard per ConfigMap");
            let (_, text) = data.iter().next().unwrap();
            (cm, serde_json::from_str(text.as_str().unwrap()).unwrap())
        })
        .collect()
}

// ---- the metric catalogue -------------------------------------------------------------------

/// A catalogue file: `name<TAB>type` lines.
fn catalogue_file(file: &str) -> Vec<(String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("metrics")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, kind) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("{file}: `{l}` is not name<TAB>type"));
            (name.to_owned(), kind.to_owned())
        })
        .collect()
}

/// Prometheus series names of a catalogue entry.
fn series_names(name: &str, kind: &str) -> Vec<String> {
    match kind {
        "counter" | "gauge" => vec![name.to_owned()],
        "histogram" => ["_bucket", "_sum", "_count"]
            .iter()
            .map(|s| format!("{name}{s}"))
            .collect(),
        other => panic!("{name}: unknown type {other}"),
    }
}

/// What Druid's Prometheus emitter exports for one of Druid's metrics: the name lower-cased,
/// each run of characters outside `[a-zA-Z0-9_:]` (the first character also outside
/// `[a-zA-Z_:]`) replaced by `_`, prefixed with the `druid` namespace; counts are counters
/// (`_total`), timers histograms.
fn druid_series(name: &str, kind: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut formatted = String::new();
    let mut in_run = false;
    for (i, c) in lower.chars().enumerate() {
        let allowed =
            c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit());
        if allowed {
            formatted.push(c);
            in_run = false;
        } else if !in_run {
            formatted.push('_');
            in_run = true;
        }
    }
    let base = format!("druid_{formatted}");
    match kind {
        "count" => vec![format!("{base}_total")],
        "gauge" => vec![base],
        "timer" => series_names(&base, "histogram"),
        other => panic!("{name}: unknown Druid metric type {other}"),
    }
}

/// Every series the exporters this platform deploys emit, with the catalogue file it is from.
fn catalogue(p: &Platform) -> BTreeMap<String, &'static str> {
    let mut files = vec![
        "kube-state-metrics.tsv",
        "node-exporter.tsv",
        "kubelet.tsv",
        "apiserver.tsv",
        "coredns.tsv",
        "prometheus.tsv",
    ];
    if p.observability.logs.is_some() {
        files.push("fluent-bit.tsv");
    }
    let mut out = BTreeMap::new();
    for file in files {
        for (name, kind) in catalogue_file(file) {
            for s in series_names(&name, &kind) {
                out.insert(s, file);
            }
        }
    }
    if p.druid.is_some() {
        for (name, kind) in catalogue_file("druid.tsv") {
            for s in druid_series(&name, &kind) {
                out.insert(s, "druid.tsv");
            }
        }
    }
    out
}

// ---- PromQL ---------------------------------------------------------------------------------

struct Metrics {
    names: BTreeSet<String>,
    unnamed: usize,
}

impl ExprVisitor for Metrics {
    type Error = ();

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, ()> {
        let selector = match expr {
            Expr::VectorSelector(v) => Some(v),
            Expr::MatrixSelector(m) => Some(&m.vs),
            _ => None,
        };
        if let Some(v) = selector {
            match &v.name {
                Some(name) => {
                    self.names.insert(name.clone());
                }
                None => self.unnamed += 1,
            }
        }
        Ok(true)
    }
}

/// The metric names a query selects, after Grafana's interval variables are replaced the way
/// Grafana replaces them; `$variables` only appear inside label matcher strings.
fn metrics_of(expr: &str) -> Result<BTreeSet<String>, String> {
    let expr = expr.replace("$__rate_interval", "5m");
    let parsed = promql_parser::parser::parse(&expr)?;
    let mut visitor = Metrics {
        names: BTreeSet::new(),
        unnamed: 0,
    };
    walk_expr(&mut visitor, &parsed).map_err(|()| "walk failed".to_owned())?;
    if visitor.unnamed > 0 {
        return Err("selects series without a metric name".to_owned());
    }
    Ok(visitor.names)
}

fn check_query(
    what: &str,
    expr: &str,
    catalogue: &BTreeMap<String, &str>,
    problems: &mut Vec<String>,
) {
    match metrics_of(expr) {
        Err(e) => problems.push(format!("{what}: `{expr}` does not parse: {e}")),
        Ok(names) if names.is_empty() => {
            problems.push(format!("{what}: `{expr}` queries no metric"));
        }
        Ok(names) => {
            for name in names {
                if !catalogue.contains_key(&name) {
                    problems.push(format!(
                        "{what}: `{name}` is emitted by no exporter this platform deploys"
                    ));
                }
            }
        }
    }
}

// ---- tests ----------------------------------------------------------------------------------

#[test]
fn the_catalogue_is_well_formed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("metrics");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| {
            std::path::Path::new(f)
                .extension()
                .is_some_and(|e| e == "tsv")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 8, "catalogue files: {files:?}");
    for file in files {
        let text = std::fs::read_to_string(dir.join(&file)).unwrap();
        assert!(
            text.starts_with('#'),
            "{file} must open with a comment naming its source"
        );
        let mut seen = BTreeSet::new();
        for (name, kind) in catalogue_file(&file) {
            assert!(seen.insert(name.clone()), "{file}: {name} is listed twice");
            let series = if file == "druid.tsv" {
                druid_series(&name, &kind)
            } else {
                series_names(&name, &kind)
            };
            for s in series {
                let valid = s
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
                assert!(valid, "{file}: `{s}` is not a Prometheus metric name");
            }
        }
    }
}

#[test]
fn druid_names_follow_the_emitter_rule() {
    // Examples the emitter's documentation and test fixtures show.
    assert_eq!(
        druid_series("query/time", "timer"),
        [
            "druid_query_time_bucket",
            "druid_query_time_sum",
            "druid_query_time_count"
        ]
    );
    assert_eq!(
        druid_series("ingest/kafka/maxLag", "gauge"),
        ["druid_ingest_kafka_maxlag"]
    );
    assert_eq!(
        druid_series("task/failed/count", "count"),
        ["druid_task_failed_count_total"]
    );
    assert_eq!(
        druid_series("sqlQuery/time", "timer")[0],
        "druid_sqlquery_time_bucket"
    );
}

#[test]
fn dashboards_are_well_formed_grafana_json() {
    for (example, _, a) in examples() {
        let boards = dashboards(&a);
        assert!(boards.len() >= 6, "{example}: {} dashboards", boards.len());
        let mut uids = BTreeSet::new();
        for (cm, d) in boards {
            let uid = d["uid"].as_str().expect("uid");
            let at = format!("{example}: dashboard {uid}");
            assert!(uids.insert(uid.to_owned()), "{at}: uid used twice");
            assert!(
                !uid.is_empty()
                    && uid.len() <= 40
                    && uid
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{at}: Grafana uids are 1–40 letters, digits, `-` and `_`"
            );
            assert_eq!(
                cm["metadata"]["name"], uid,
                "{at}: ConfigMap named after the uid"
            );
            assert!(
                cm["data"].get(format!("{uid}.json")).is_some(),
                "{at}: file name"
            );
            assert!(
                d["title"].as_str().is_some_and(|t| !t.is_empty()),
                "{at}: title"
            );
            assert!(d["schemaVersion"].as_u64().is_some(), "{at}: schemaVersion");
            assert!(
                d["time"]["from"].is_string() && d["time"]["to"].is_string(),
                "{at}: time"
            );

            let variables = d["templating"]["list"].as_array().expect("templating.list");
            let datasource = variables
                .iter()
                .find(|v| v["type"] == "datasource")
                .unwrap_or_else(|| panic!("{at}: no data source variable"));
            assert_eq!(
                datasource["query"], "prometheus",
                "{at}: a Prometheus data source"
            );
            let ds_ref = format!("${{{}}}", datasource["name"].as_str().unwrap());
            let defined: BTreeSet<&str> = variables
                .iter()
                .map(|v| v["name"].as_str().unwrap())
                .collect();
            assert_eq!(
                defined.len(),
                variables.len(),
                "{at}: variable names repeat"
            );

            let panels = d["panels"].as_array().expect("panels");
            let mut ids = BTreeSet::new();
            let mut cells = BTreeSet::new();
            let mut used = BTreeSet::new();
            for panel in panels {
                let id = panel["id"].as_u64().expect("panel id");
                let title = panel["title"].as_str().unwrap_or_default();
                let pat = format!("{at}: panel {id} ({title})");
                assert!(ids.insert(id), "{pat}: id repeats");
                let kind = panel["type"].as_str().unwrap();
                assert!(
                    ["row", "timeseries", "stat"].contains(&kind),
                    "{pat}: type {kind}"
                );
                let grid = &panel["gridPos"];
                let cell = |k: &str| grid[k].as_u64().unwrap();
                let (left, top, width, height) = (cell("x"), cell("y"), cell("w"), cell("h"));
                assert!(
                    width > 0 && height > 0 && left + width <= 24,
                    "{pat}: outside the 24-column grid"
                );
                for cx in left..left + width {
                    for cy in top..top + height {
                        assert!(cells.insert((cx, cy)), "{pat}: overlaps another panel");
                    }
                }
                if kind == "row" {
                    continue;
                }
                assert_eq!(
                    panel["datasource"]["uid"],
                    ds_ref.as_str(),
                    "{pat}: data source"
                );
                let targets = panel["targets"].as_array().expect("targets");
                assert!(!targets.is_empty(), "{pat}: no query");
                let mut refs = BTreeSet::new();
                for t in targets {
                    assert!(
                        refs.insert(t["refId"].as_str().unwrap()),
                        "{pat}: refId repeats"
                    );
                    assert_eq!(
                        t["datasource"]["uid"],
                        ds_ref.as_str(),
                        "{pat}: target data source"
                    );
                    let expr = t["expr"].as_str().expect("expr");
                    for var in variable_references(expr) {
                        assert!(
                            defined.contains(var.as_str()),
                            "{pat}: ${var} is not defined"
                        );
                        used.insert(var);
                    }
                }
            }
            for v in variables.iter().filter(|v| v["type"] == "query") {
                let name = v["name"].as_str().unwrap();
                assert!(used.contains(name), "{at}: variable {name} is never used");
                assert_eq!(
                    v["datasource"]["uid"],
                    ds_ref.as_str(),
                    "{at}: {name}'s data source"
                );
            }
        }
    }
}

/// `$name` references in a query, without Grafana's built-in `$__…` variables.
fn variable_references(expr: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = expr;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !name.starts_with("__") {
            out.insert(name);
        }
    }
    out
}

#[test]
fn every_dashboard_query_parses_and_names_emitted_metrics() {
    for (example, p, a) in examples() {
        let catalogue = catalogue(&p);
        let mut problems = Vec::new();
        let mut queries = 0;
        for (_, d) in dashboards(&a) {
            let uid = d["uid"].as_str().unwrap();
            for panel in d["panels"].as_array().unwrap() {
                for t in panel["targets"].as_array().into_iter().flatten() {
                    queries += 1;
                    let what = format!("{example}: {uid}: {}", panel["title"]);
                    check_query(
                        &what,
                        t["expr"].as_str().unwrap(),
                        &catalogue,
                        &mut problems,
                    );
                }
            }
            for v in d["templating"]["list"].as_array().unwrap() {
                let Some(definition) = v["definition"].as_str() else {
                    continue;
                };
                let inner = definition
                    .strip_prefix("label_values(")
                    .and_then(|s| s.strip_suffix(')'))
                    .and_then(|s| s.split_once(", "))
                    .map_or_else(
                        || panic!("{uid}: `{definition}` is not label_values(metric, label)"),
                        |(metric, _)| metric,
                    );
                check_query(
                    &format!("{example}: {uid}: variable"),
                    inner,
                    &catalogue,
                    &mut problems,
                );
            }
        }
        assert!(queries > 50, "{example}: only {queries} queries checked");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

#[test]
fn every_alert_rule_parses_and_names_emitted_metrics() {
    for (example, p, a) in examples() {
        let catalogue = catalogue(&p);
        let mut problems = Vec::new();
        let mut alerts = BTreeSet::new();
        for rule_set in objects(&a).filter(|o| o["kind"] == "PrometheusRule") {
            for group in rule_set["spec"]["groups"].as_array().unwrap() {
                for rule in group["rules"].as_array().unwrap() {
                    let name = rule["alert"].as_str().unwrap();
                    assert!(alerts.insert(name.to_owned()), "{example}: {name} twice");
                    let severity = rule["labels"]["severity"].as_str().unwrap();
                    assert!(
                        ["warning", "critical"].contains(&severity),
                        "{name}: {severity}"
                    );
                    check_query(
                        &format!("{example}: alert {name}"),
                        rule["expr"].as_str().unwrap(),
                        &catalogue,
                        &mut problems,
                    );
                }
            }
        }
        for expected in [
            "NodeNotReady",
            "PodCrashLooping",
            "PersistentVolumeFillingUp",
        ] {
            assert!(alerts.contains(expected), "{example}: no {expected} alert");
        }
        if p.druid.is_some() {
            for expected in ["DruidIngestionLagHigh", "DruidTasksFailing"] {
                assert!(alerts.contains(expected), "{example}: no {expected} alert");
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

#[test]
fn kube_prometheus_stacks_own_duplicates_of_plinths_alerts_are_off() {
    for (example, _, a) in examples() {
        let disabled = &helm_values(&a, "kube-prometheus-stack")["defaultRules"]["disabled"];
        for replaced in [
            "KubeNodeNotReady",
            "KubePodCrashLooping",
            "KubePersistentVolumeFillingUp",
        ] {
            assert_eq!(disabled[replaced], true, "{example}: {replaced} still on");
        }
    }
}

#[test]
fn druid_emits_what_its_dashboard_and_alerts_read() {
    for (example, p, a) in examples() {
        let Some(druid) = &p.druid else { continue };
        let config = |component: &str| -> String {
            let name = format!("{}-druid-{component}", druid.release);
            let cm = objects(&a)
                .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == name.as_str())
                .unwrap_or_else(|| panic!("{example}: no ConfigMap {name}"));
            cm["data"]
                .as_object()
                .unwrap()
                .values()
                .next()
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        };
        let common = config("common");
        for line in [
            "druid.emitter=prometheus",
            "druid.emitter.prometheus.namespace=druid",
            "druid.emitter.prometheus.addServiceAsLabel=true",
        ] {
            assert!(
                common.lines().any(|l| l == line),
                "{example}: common lacks {line}"
            );
        }
        assert!(
            common.contains("\"prometheus-emitter\""),
            "{example}: extension not loaded"
        );
        for (component, monitor) in [
            ("overlord", "TaskCountStatsMonitor"),
            ("broker", "QueryCountStatsMonitor"),
            ("historical", "HistoricalMetricsMonitor"),
        ] {
            let props = config(component);
            let monitors = props
                .lines()
                .find_map(|l| l.strip_prefix("druid.monitoring.monitors="))
                .unwrap_or_else(|| panic!("{example}: {component} sets no monitors"));
            assert!(
                monitors.contains(monitor) && monitors.contains("JvmMonitor"),
                "{example}: {component} monitors {monitors}"
            );
        }
        let monitor = objects(&a)
            .find(|o| o["kind"] == "PodMonitor")
            .unwrap_or_else(|| panic!("{example}: no PodMonitor for Druid"));
        assert_eq!(monitor["metadata"]["namespace"], "druid");
        assert_eq!(monitor["spec"]["podMetricsEndpoints"][0]["port"], "metrics");
        // The port the PodMonitor scrapes is the emitter's, on every Druid workload.
        for w in objects(&a).filter(|o| {
            ["Deployment", "StatefulSet"].contains(&o["kind"].as_str().unwrap_or_default())
                && o["metadata"]["namespace"] == "druid"
        }) {
            let ports = &w["spec"]["template"]["spec"]["containers"][0]["ports"];
            let metrics = ports
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "metrics");
            assert!(
                common.contains(&format!(
                    "druid.emitter.prometheus.port={}",
                    metrics.unwrap()["containerPort"]
                )),
                "{example}: {} serves metrics elsewhere",
                w["metadata"]["name"]
            );
        }
    }
}

#[test]
fn grafana_reads_the_generated_password_and_nothing_writes_one() {
    for (example, p, a) in examples() {
        let values = helm_values(&a, "kube-prometheus-stack");
        let grafana = &values["grafana"];
        assert!(
            grafana.get("adminPassword").is_none(),
            "{example}: literal password"
        );
        let secret_name = grafana["admin"]["existingSecret"].as_str().unwrap();
        // The SecretProviderClass that syncs that Secret reads the secret the stack generates.
        let spc = objects(&a)
            .find(|o| {
                o["kind"] == "SecretProviderClass"
                    && o["spec"]["secretObjects"][0]["secretName"] == secret_name
            })
            .unwrap_or_else(|| panic!("{example}: nothing syncs {secret_name}"));
        let objects_yaml = spc["spec"]["parameters"]["objects"].as_str().unwrap();
        let generated = cluster_resources(&a, "AWS::SecretsManager::Secret");
        let (_, secret) = generated
            .iter()
            .find(|(id, _)| id.as_str() == "GrafanaAdminSecret")
            .unwrap();
        assert!(secret["GenerateSecretString"]["GenerateStringKey"] == "password");
        assert!(
            objects_yaml.contains(secret["Name"].as_str().unwrap()),
            "{example}: the SecretProviderClass reads another secret"
        );
        let keys: BTreeSet<&str> = spc["spec"]["secretObjects"][0]["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["key"].as_str().unwrap())
            .collect();
        for key in ["userKey", "passwordKey"] {
            assert!(
                keys.contains(grafana["admin"][key].as_str().unwrap()),
                "{example}: {key}"
            );
        }
        // Grafana mounts the volume that triggers the sync, as the service account the stack
        // binds to the role that may read the secret.
        assert_eq!(
            grafana["extraSecretMounts"][0]["csi"]["volumeAttributes"]["secretProviderClass"],
            spc["metadata"]["name"]
        );
        let associations = cluster_resources(&a, "AWS::EKS::PodIdentityAssociation");
        let service_account = grafana["serviceAccount"]["name"].as_str().unwrap();
        assert!(
            associations
                .iter()
                .any(|(_, a)| a["ServiceAccount"] == service_account
                    && a["Namespace"] == "monitoring"),
            "{example}: Grafana's service account has no pod identity"
        );
        // The only place the word password appears with a value is the generated secret's key.
        let text = serde_json::to_string(values).unwrap();
        assert!(
            !text.contains("prom-operator"),
            "{example}: the chart's default password"
        );
        if p.observability
            .prometheus
            .as_ref()
            .unwrap()
            .alerts
            .sns
            .is_some()
        {
            let topic = cluster_resources(&a, "AWS::SNS::Topic");
            let name = topic[0].1["TopicName"].as_str().unwrap();
            let sns = &values["alertmanager"]["config"]["receivers"][1]["sns_configs"][0];
            assert!(
                sns["topic_arn"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!(":{name}"))
            );
            let sa = values["alertmanager"]["serviceAccount"]["name"]
                .as_str()
                .unwrap();
            assert!(
                associations.iter().any(|(_, a)| a["ServiceAccount"] == sa),
                "{example}: Alertmanager cannot publish"
            );
        }
    }
}

#[test]
fn fluent_bit_writes_to_the_log_group_its_role_may_write() {
    for (example, p, a) in examples() {
        if p.observability.logs.is_none() {
            continue;
        }
        let values = helm_values(&a, "fluent-bit");
        let outputs = values["config"]["outputs"].as_str().unwrap();
        let groups = cluster_resources(&a, "AWS::Logs::LogGroup");
        let (id, group) = groups
            .iter()
            .find(|(id, _)| id.as_str() == "ContainerLogGroup")
            .unwrap();
        let name = group["LogGroupName"].as_str().unwrap();
        assert!(
            outputs
                .lines()
                .any(|l| l.trim() == format!("log_group_name {name}")),
            "{example}: Fluent Bit writes elsewhere than {name}"
        );
        assert!(outputs.contains("auto_create_group Off"));
        let roles = cluster_resources(&a, "AWS::IAM::Role");
        let (_, role) = roles
            .iter()
            .find(|(id, _)| id.as_str() == "FluentBitRole")
            .unwrap();
        let statement = &role["Policies"][0]["PolicyDocument"]["Statement"][0];
        assert_eq!(statement["Resource"]["Fn::GetAtt"][0], id.as_str());
        let sa = values["serviceAccount"]["name"].as_str().unwrap();
        let associations = cluster_resources(&a, "AWS::EKS::PodIdentityAssociation");
        assert!(associations.iter().any(|(_, a)| {
            a["ServiceAccount"] == sa && a["RoleArn"]["Fn::GetAtt"][0] == "FluentBitRole"
        }));
    }
}

#[test]
fn network_policies_are_enforced_and_monitoring_denies_by_default() {
    for (example, p, a) in examples() {
        let addons = cluster_resources(&a, "AWS::EKS::Addon");
        let (_, cni) = addons
            .iter()
            .find(|(_, r)| r["AddonName"] == "vpc-cni")
            .unwrap_or_else(|| panic!("{example}: no managed vpc-cni"));
        let config: Value =
            serde_json::from_str(cni["ConfigurationValues"].as_str().unwrap()).unwrap();
        assert_eq!(config["enableNetworkPolicy"], "true", "{example}");
        let policies: Vec<&Value> = objects(&a)
            .filter(|o| o["kind"] == "NetworkPolicy" && o["metadata"]["namespace"] == "monitoring")
            .collect();
        let deny = policies
            .iter()
            .find(|o| o["spec"]["ingress"].is_null())
            .unwrap_or_else(|| panic!("{example}: monitoring has no default deny"));
        assert_eq!(deny["spec"]["podSelector"], serde_json::json!({}));
        // Every other policy admits only the namespace itself or the VPC.
        for allow in policies.iter().filter(|o| !o["spec"]["ingress"].is_null()) {
            for peer in allow["spec"]["ingress"][0]["from"].as_array().unwrap() {
                let ok = peer["podSelector"] == serde_json::json!({})
                    && peer.get("namespaceSelector").is_none()
                    || peer["ipBlock"]["cidr"] == p.network.cidr.to_string();
                assert!(ok, "{example}: {} admits {peer}", allow["metadata"]["name"]);
            }
        }
    }
}
