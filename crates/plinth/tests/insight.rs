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

const EXAMPLES: [&str; 2] = ["druid-analytics", "druid-lean"];

fn spec(example: &str) -> String {
    format!("examples/{example}/plinth.yaml")
}

#[test]
fn check_every_example() {
    for example in EXAMPLES {
        let out = plinth(&["check", &spec(example)]);
        assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
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
    for example in EXAMPLES {
        let out = plinth(&["cost", &spec(example)]);
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        insta::assert_snapshot!(format!("cost__{example}"), transcript(&out));
        let json = plinth(&["cost", "-o", "json", &spec(example)]);
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
    for example in EXAMPLES {
        for format in ["mermaid", "dot"] {
            let out = plinth(&["graph", "-f", format, &spec(example)]);
            assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
            insta::assert_snapshot!(
                format!("graph__{example}__{format}"),
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}
