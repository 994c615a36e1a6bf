//! `import::cdk_context` on the context files in `tests/cdk-context/`: the reference project's
//! context gives the reference platform, the CDK bench app's context gives a valid spec, bad
//! files give located errors and no spec, and the Grafana Cloud API key is never carried over.

use plinth_spec::Severity;
use plinth_spec::import::{self, Imported};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/cdk-context/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn convert(name: &str) -> (String, Imported) {
    let source = fixture(name);
    let imported = import::cdk_context(&source, name);
    (source, imported)
}

/// A YAML spec as JSON, for comparing content rather than text.
fn as_json(yaml: &str) -> serde_json::Value {
    let (doc, diags) = plinth_spec::yaml::parse(yaml, plinth_spec::yaml::Limits::default());
    assert!(diags.is_empty(), "{diags:?}");
    doc.expect("the spec parses").value
}

const API_KEY: &str = "glc_eyJvIjoiMDAwMDAwIiwibiI6InBsaW50aC1maXh0dXJlIiwiayI6ImZha2UifQ==";

#[test]
fn the_reference_context_gives_the_reference_platform() {
    let (_, imported) = convert("reference.context.json");
    let spec = imported.spec.as_deref().unwrap_or_else(|| {
        panic!("no spec: {:#?}", imported.diagnostics);
    });
    let loaded = plinth_spec::load(spec);
    assert!(loaded.platform.is_some(), "{:#?}", loaded.diagnostics);
    let mut expected = as_json(&fixture("../../examples/druid-analytics/plinth.yaml"));
    // The example's one tag and its ingestion topics are its own choices, not something a
    // context file carries.
    expected["metadata"].as_object_mut().unwrap().remove("tags");
    expected["workloads"]["druid"]["ingestion"]
        .as_object_mut()
        .unwrap()
        .remove("topics");
    assert_eq!(as_json(spec), expected);
    // Nothing was left out but CDK's own keys, and the only placeholder is Pyroscope's host.
    let codes: Vec<_> = imported.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["import::placeholder"],
        "{:#?}",
        imported.diagnostics
    );
    assert!(imported.diagnostics[0].message.contains("pyroscopeHost"));
}

#[test]
fn the_spec_opens_with_where_it_came_from_and_what_was_assumed() {
    let (_, imported) = convert("reference.context.json");
    let spec = imported.spec.unwrap();
    let header: Vec<&str> = spec.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        header[0].contains("reference.context.json"),
        "{}",
        header.join("\n")
    );
    let text = header.join("\n");
    for expected in [
        "metadata.id",
        "hosted:id",
        "network.availabilityZones",
        "availability-zones:account=000000000000:region=us-west-2",
        "cluster.access.administrators",
        "Assumed",
        "10.0.0.0/16",
        "Kubernetes 1.34",
        "Placeholders",
        "pyroscopeHost",
    ] {
        assert!(text.contains(expected), "`{expected}` missing:\n{text}");
    }
}

#[test]
fn the_api_key_becomes_a_secret_reference() {
    let (source, imported) = convert("reference.context.json");
    let spec = imported.spec.clone().unwrap();
    assert!(!spec.contains(API_KEY), "the key leaked into the spec");
    assert!(
        spec.contains(
            "apiKeySecret: arn:aws:secretsmanager:us-west-2:000000000000:secret:fff-grafana-cloud"
        ),
        "{spec}"
    );
    assert_eq!(imported.secrets.len(), 1);
    let secret = &imported.secrets[0];
    assert_eq!(secret.name, "fff-grafana-cloud");
    let command = secret.command("cdk.context.json");
    assert_eq!(
        command,
        "jq -j '.\"hosted:eks:grafana:key\"' cdk.context.json | aws secretsmanager create-secret \
         --region us-west-2 --name fff-grafana-cloud --secret-string file:///dev/stdin"
    );
    assert!(!command.contains(API_KEY));
    assert!(
        secret
            .command("my context.json")
            .contains("'my context.json'")
    );
    // The source shown with diagnostics has the key masked, and keeps every offset.
    assert_eq!(imported.redacted.len(), source.len());
    assert!(source.contains(API_KEY));
    assert!(!imported.redacted.contains(API_KEY));
    assert!(
        imported
            .redacted
            .contains("\"hosted:eks:grafana:key\": ****")
    );
}

#[test]
fn the_cdk_bench_context_gives_a_valid_spec() {
    let (_, imported) = convert("anchor.context.json");
    let spec = imported.spec.as_deref().unwrap_or_else(|| {
        panic!("no spec: {:#?}", imported.diagnostics);
    });
    let loaded = plinth_spec::load(spec);
    let platform = loaded.platform.expect("the spec is valid");
    assert_eq!(platform.metadata.id, "data-analytics-eks");
    assert_eq!(platform.names.platform(), "data-analytics-eks");
    assert!(platform.observability.grafana_cloud.is_none());
    // CDK's feature flags are skipped silently; what is left says the account and region
    // were assumed.
    let codes: Vec<_> = imported.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["import::placeholder", "import::assumed-region"],
        "{:#?}",
        imported.diagnostics
    );
    assert!(imported.secrets.is_empty());
    assert!(spec.contains("#   aws.account "), "{spec}");
}

#[test]
fn unknown_and_undocumented_keys_are_warnings_at_their_keys() {
    let (source, imported) = convert("unknown-keys.context.json");
    let spec = imported
        .spec
        .as_deref()
        .expect("warnings do not stop the import");
    assert!(plinth_spec::load(spec).platform.is_some());
    let warned: Vec<(&str, &str)> = imported
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.span.expect("located");
            (d.code, &source[span.start..span.end])
        })
        .collect();
    assert_eq!(
        warned,
        [
            ("import::unknown-key", "\"hosted:regoin\""),
            ("import::undocumented-key", "\"platform:tier\""),
            ("import::undocumented-key", "\"deployment:strategy\""),
            ("import::shadowed-key", "\"stream\""),
        ]
    );
    assert!(
        imported.diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("`hosted:region`"))
    );
    // The hosted key wins over the bare one.
    assert!(spec.contains("\n  name: events\n"), "{spec}");
}

#[test]
fn bad_files_give_located_errors_and_no_spec() {
    let dir = format!(
        "{}/../../tests/cdk-context/invalid",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 7, "{names:?}");
    for name in names {
        let source = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let imported = import::cdk_context(&source, &name);
        assert!(imported.spec.is_none(), "{name} gave a spec");
        assert!(imported.secrets.is_empty(), "{name}");
        let errors: Vec<_> = imported
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(!errors.is_empty(), "{name}: no error");
        for e in errors {
            assert!(e.span.is_some(), "{name}: unlocated error {e:#?}");
        }
        for d in &imported.diagnostics {
            let all = format!("{} {:?} {:?}", d.message, d.help, d.label);
            assert!(!all.contains("glc_"), "{name}: a key in {d:#?}");
        }
        assert!(!imported.redacted.contains("glc_"), "{name}: not redacted");
    }
}

#[test]
fn validation_errors_point_at_the_key_the_value_came_from() {
    let (source, imported) = convert("invalid/bad-values.json");
    let at: Vec<(&str, &str)> = imported
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let s = d.span.unwrap();
            (d.code, &source[s.start..s.end])
        })
        .collect();
    assert_eq!(
        at,
        [
            ("spec::invalid-name", "\"FFF\""),
            ("import::invalid-account", "\"12345678901\""),
            ("spec::invalid-domain", "\"data stxkxs io\""),
            ("spec::invalid-url", "\"http://logs-prod-000.grafana.net\""),
            (
                "spec::invalid-arn",
                "\"arn:aws:iam::000000000000:user/admin\""
            ),
            ("spec::invalid-email", "\"not-an-email\""),
        ],
        "{:#?}",
        imported.diagnostics
    );
}

#[test]
fn zones_come_from_the_cdk_lookup_cache_for_the_account_and_region() {
    let source = r#"{"hosted:id": "z", "hosted:account": "111111111111", "hosted:region": "ap-northeast-1",
        "availability-zones:account=111111111111:region=ap-northeast-1": ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
        "availability-zones:account=222222222222:region=ap-northeast-1": ["ap-northeast-1x", "ap-northeast-1y"]}"#;
    let imported = import::cdk_context(source, "cdk.context.json");
    let spec = imported.spec.expect("valid");
    let zones = &as_json(&spec)["network"]["availabilityZones"];
    assert_eq!(
        zones,
        &serde_json::json!(["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"])
    );
    // Without a cached lookup, the region's a, b and c.
    let imported = import::cdk_context(
        r#"{"hosted:id": "z", "hosted:account": "111111111111", "hosted:region": "eu-west-1"}"#,
        "cdk.context.json",
    );
    let zones = &as_json(&imported.spec.unwrap())["network"]["availabilityZones"];
    assert_eq!(
        zones,
        &serde_json::json!(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    );
}

#[test]
fn a_key_in_a_file_that_is_not_json_is_masked_too() {
    let source = fixture("invalid/not-json.json");
    let imported = import::cdk_context(&source, "not-json.json");
    assert!(source.contains("glc_"));
    assert!(!imported.redacted.contains("glc_"));
    assert_eq!(imported.redacted.len(), source.len());
    let d = &imported.diagnostics[0];
    assert_eq!(d.code, "import::invalid-json");
    let (line, _) = plinth_spec::line_col(&source, d.span.unwrap().start);
    assert_eq!(
        line, 5,
        "serde_json stops at the closing brace after the comma"
    );
}
