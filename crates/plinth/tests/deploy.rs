//! The deploy commands as a process, where no AWS is needed: `plan --timeline` (pure) on the
//! examples, and bad input refused with exit code 2 before anything is contacted. The AWS and
//! Kubernetes paths are covered by plinth-deploy's scripted tests and `scripts/e2e_moto.py`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
        .args(["--color", "never"])
        .args(args)
        // No credentials and an endpoint that refuses: a command that tried AWS would fail
        // differently from one that never did.
        .env("AWS_ACCESS_KEY_ID", "none")
        .env("AWS_SECRET_ACCESS_KEY", "none")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .expect("the plinth binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn the_timeline_of_the_reference_platform() {
    let o = plinth(&["plan", "examples/druid-analytics/plinth.yaml", "--timeline"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    insta::assert_snapshot!(out);
}

#[test]
fn the_timeline_as_json_puts_cluster_and_data_side_by_side() {
    let o = plinth(&[
        "plan",
        "examples/druid-analytics/plinth.yaml",
        "--timeline",
        "-o",
        "json",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let stack = |suffix: &str| {
        t["stacks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no {suffix} stack"))
            .clone()
    };
    let (network, cluster, data) = (stack("-network"), stack("-cluster"), stack("-data"));
    let end = |s: &serde_json::Value| s["start"].as_u64().unwrap() + s["seconds"].as_u64().unwrap();
    assert_eq!(
        cluster["start"], data["start"],
        "both wait only for the network"
    );
    assert_eq!(cluster["start"].as_u64().unwrap(), end(&network));
    let longer = if end(&cluster) >= end(&data) {
        &cluster
    } else {
        &data
    };
    assert!(
        longer["critical"].as_bool().unwrap(),
        "the later of the two is on the critical path: {t}"
    );
    assert!(
        !(cluster["critical"].as_bool().unwrap() && data["critical"].as_bool().unwrap()),
        "one chain is critical"
    );
    assert!(
        t["parallel"].as_u64().unwrap() < t["serial"].as_u64().unwrap(),
        "{t}"
    );
    let chain: Vec<&str> = cluster["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["type"].as_str().unwrap())
        .collect();
    assert!(chain.contains(&"AWS::EKS::Cluster"), "{chain:?}");
}

#[test]
fn the_deploy_commands_refuse_an_invalid_spec_before_contacting_aws() {
    let bad = "tests/specs/invalid/several-mistakes.yaml";
    for args in [
        vec!["plan", bad],
        vec!["plan", bad, "--timeline"],
        vec!["deploy", bad, "--approve"],
        vec!["status", bad],
        vec!["destroy", bad, "--approve"],
    ] {
        let o = plinth(&args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("several-mistakes.yaml:"), "{args:?}: {err}");
        assert!(!err.contains("127.0.0.1"), "{args:?} contacted AWS: {err}");
    }
}

#[test]
fn a_hand_over_to_argo_cd_needs_gitops_in_the_spec() {
    for command in ["plan", "deploy"] {
        let o = plinth(&[command, "examples/druid-analytics/plinth.yaml", "--gitops"]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{command}: {err}");
        assert!(err.contains("has no `gitops` section"), "{command}: {err}");
        assert!(!err.contains("127.0.0.1"), "{command} contacted AWS: {err}");
    }
}
