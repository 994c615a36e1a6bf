//! `plinth check` as a process, on every example: exit code, stdout and stderr of real
//! invocations are snapshotted, and the JSON and SARIF forms are read back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root: the binary runs here so paths in its output are relative.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

fn plinth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plinth"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("the plinth binary runs")
}

/// Exit code, then stderr, then stdout: what a snapshot records.
fn transcript(o: &Output) -> String {
    format!(
        "exit code: {}\n----- stderr -----\n{}----- stdout -----\n{}",
        o.status
            .code()
            .map_or("signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    )
}

/// Every example, each environment of one that has environments: (snapshot label, arguments
/// naming the spec and environment).
const EXAMPLES: [(&str, &[&str]); 6] = [
    ("druid-analytics", &["examples/druid-analytics/plinth.yaml"]),
    ("druid-lean", &["examples/druid-lean/plinth.yaml"]),
    ("data-platform", &["examples/data-platform/plinth.yaml"]),
    (
        "web-services-dev",
        &["examples/web-services/plinth.yaml", "-e", "dev"],
    ),
    (
        "web-services-staging",
        &["examples/web-services/plinth.yaml", "-e", "staging"],
    ),
    (
        "web-services-prod",
        &["examples/web-services/plinth.yaml", "-e", "prod"],
    ),
];

/// `plinth COMMAND FLAGS` on an example.
fn on(example: &[&str], command: &[&str]) -> Output {
    plinth(&[command, example].concat())
}

#[test]
fn every_example_is_covered() {
    let covered: Vec<&str> = EXAMPLES.iter().map(|(_, args)| args[0]).collect();
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let spec = format!(
            "examples/{}/plinth.yaml",
            entry.unwrap().file_name().to_string_lossy()
        );
        if root().join(&spec).exists() {
            assert!(
                covered.contains(&spec.as_str()),
                "{spec} is not in EXAMPLES"
            );
        }
    }
}

fn spec(example: &str) -> String {
    format!("examples/{example}/plinth.yaml")
}

#[test]
fn check_every_example() {
    for (example, args) in EXAMPLES {
        let out = on(args, &["check"]);
        // Exit 1 exactly when a finding reaches the default threshold.
        let clean = String::from_utf8_lossy(&out.stdout).contains(": no findings");
        assert_eq!(
            out.status.code(),
            Some(i32::from(!clean)),
            "{}",
            transcript(&out)
        );
        insta::assert_snapshot!(format!("check__{example}"), transcript(&out));
    }
}

#[test]
fn check_severity_threshold_decides_the_exit_code() {
    let spec = spec("druid-analytics");
    let high = plinth(&["check", "--severity", "high", &spec]);
    assert_eq!(high.status.code(), Some(1), "{}", transcript(&high));
    let critical = plinth(&["check", "--severity", "critical", &spec]);
    assert_eq!(critical.status.code(), Some(0), "{}", transcript(&critical));
    insta::assert_snapshot!(transcript(&critical));
}

#[test]
fn check_json_lists_every_finding_located() {
    let out = plinth(&[
        "check",
        "-o",
        "json",
        "--severity",
        "medium",
        &spec("druid-lean"),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v["failed"], true);
    assert_eq!(out.status.code(), Some(1));
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert!(f["location"]["line"].as_u64().is_some(), "{f}");
        assert!(f["code"].as_str().unwrap().starts_with("PLN"));
    }
    insta::assert_json_snapshot!(v);
}

#[test]
fn check_sarif_is_a_sarif_2_1_0_log() {
    let json = plinth(&["check", "-o", "json", &spec("druid-analytics")]);
    let findings = serde_json::from_slice::<serde_json::Value>(&json.stdout).unwrap()["findings"]
        .as_array()
        .unwrap()
        .len();
    let out = plinth(&["check", "-o", "sarif", &spec("druid-analytics")]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "plinth");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 30);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), findings);
    for r in results {
        let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], spec("druid-analytics"));
        assert!(location["region"]["startLine"].as_u64().unwrap() > 0);
    }
}

#[test]
fn check_explain_prints_the_rule() {
    let out = plinth(&["check", "--explain", "pln101"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(transcript(&out));
    let unknown = plinth(&["check", "--explain", "PLN999"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", transcript(&unknown));
}

#[test]
fn check_list_shows_every_rule() {
    let out = plinth(&["check", "--list"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn check_of_an_invalid_spec_exits_2() {
    let out = plinth(&["check", "tests/specs/invalid/cidr-host-bits.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing checked"));
}

#[test]
fn cost_every_example() {
    for (example, args) in EXAMPLES {
        let out = on(args, &["cost"]);
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        insta::assert_snapshot!(format!("cost__{example}"), transcript(&out));
        let json = on(args, &["cost", "-o", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("stdout is JSON");
        let lines: f64 = v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["monthly"].as_f64().unwrap())
            .sum();
        assert!((lines - v["total"].as_f64().unwrap()).abs() < 1e-6);
        assert_eq!(v["currency"], "USD");
        assert!(v["assumptions"].as_array().unwrap().len() >= 10);
    }
}

#[test]
fn graph_every_example() {
    for (example, args) in EXAMPLES {
        for format in ["mermaid", "dot"] {
            let out = on(args, &["graph", "-f", format]);
            assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
            insta::assert_snapshot!(
                format!("graph__{example}__{format}"),
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

#[test]
fn diff_of_two_specs_lists_resources_and_properties() {
    let tmp = tempfile::tempdir().unwrap();
    let changed = tmp.path().join("changed.yaml");
    let text = std::fs::read_to_string(root().join(spec("druid-analytics")))
        .unwrap()
        .replace("natGateways: 2", "natGateways: 3")
        .replace("broker: {replicas: 1}", "broker: {replicas: 2}")
        .replace("maxSize: 10", "maxSize: 12");
    std::fs::write(&changed, text).unwrap();
    let changed = changed.to_str().unwrap();
    let out = plinth(&["diff", &spec("druid-analytics"), changed]);
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
    let json = plinth(&["diff", "-o", "json", &spec("druid-analytics"), changed]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("stdout is JSON");
    assert_eq!(v["same"], false);
    assert_eq!(v["counts"]["added"], 2);
    let broker = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["item"] == "Deployment druid/streaming-druid-broker")
        .expect("the broker changed");
    assert_eq!(broker["properties"][0]["path"], "/spec/replicas");
    assert_eq!(broker["properties"][0]["new"], 2);
}

#[test]
fn diff_of_a_synth_output_and_its_spec_is_empty() {
    for (example, args) in EXAMPLES {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let dir = dir.to_str().unwrap();
        let synth = on(args, &["synth", "--out", dir]);
        assert_eq!(synth.status.code(), Some(0), "{}", transcript(&synth));
        let out = on(args, &["diff", dir]);
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "no differences\n");
        let other = plinth(&[
            "diff",
            dir,
            &spec(if example == "druid-lean" {
                "druid-analytics"
            } else {
                "druid-lean"
            }),
        ]);
        assert_eq!(other.status.code(), Some(1));
    }
}

#[test]
fn diff_of_an_unreadable_side_exits_2() {
    let out = plinth(&["diff", "no/such/dir", &spec("druid-lean")]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    let empty = tempfile::tempdir().unwrap();
    let out = plinth(&["diff", empty.path().to_str().unwrap(), &spec("druid-lean")]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
}

#[test]
fn diff_of_two_environments_pairs_stacks() {
    let out = plinth(&[
        "diff",
        "tests/specs/valid/environments.yaml",
        "--from",
        "dev",
        "--to",
        "prod",
        "-o",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v["old"], "tests/specs/valid/environments.yaml (dev)");
    let changes = v["changes"].as_array().unwrap();
    // Stacks are named per environment; they still pair, so the dev network's NAT gateway is
    // modified (renamed, retagged) rather than removed, and prod's extra ones are added.
    let find = |item: &str| {
        changes
            .iter()
            .find(|c| c["item"] == item)
            .unwrap_or_else(|| panic!("no {item}"))
    };
    assert_eq!(
        find("NatGatewayUsEast1a (AWS::EC2::NatGateway)")["kind"],
        "modified"
    );
    assert_eq!(
        find("NatGatewayUsEast1b (AWS::EC2::NatGateway)")["kind"],
        "added"
    );
    assert!(
        changes
            .iter()
            .all(|c| c["kind"] != "removed" || !c["file"].as_str().unwrap().contains("network"))
    );
    let same = plinth(&[
        "diff",
        "tests/specs/valid/environments.yaml",
        "--from",
        "prod",
        "--to",
        "prod",
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", transcript(&same));
}

#[test]
fn versions_of_the_reference_platform() {
    let out = plinth(&["versions", &spec("druid-analytics")]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    insta::assert_snapshot!("versions__druid-analytics", transcript(&out));
}

/// Every chart pin of every example names the chart vendored under `upstream/charts` at that
/// version, with its repository and commit (airflow's chart is the one not vendored yet, see
/// `NOT_VENDORED` in scripts/check_charts.py).
#[test]
fn versions_json_names_the_vendored_upstream_of_every_chart() {
    for (example, args) in EXAMPLES {
        let out = on(args, &["versions", "-o", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let pins = v["pins"].as_array().expect("pins");
        assert!(pins.iter().any(|p| p["kind"] == "kubernetes"), "{example}");
        for pin in pins.iter().filter(|p| p["kind"] == "chart") {
            let (name, version) = (
                pin["name"].as_str().unwrap(),
                pin["version"].as_str().unwrap(),
            );
            if name == "airflow" {
                assert!(
                    pin["upstream"].is_null(),
                    "{example}: airflow is vendored now: drop this exception"
                );
                continue;
            }
            let u = &pin["upstream"];
            assert_eq!(u["name"], name, "{example}: {name} {version}: {u}");
            assert_eq!(u["version"], version, "{example}: {name} {version}");
            assert!(
                u["repository"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://github.com/"),
                "{u}"
            );
            let commit = u["commit"].as_str().unwrap();
            assert!(
                commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()),
                "{u}"
            );
            assert!(
                root()
                    .join(format!("upstream/charts/{name}/{version}/Chart.yaml"))
                    .is_file(),
                "{example}: {name} {version}"
            );
        }
    }
}
