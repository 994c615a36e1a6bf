//! `plinth` as a process: diagnostics and exit codes for a corpus of malformed specs
//! (`tests/specs/invalid`), plus the happy paths of `validate` and `schema`.
//!
//! Every invalid spec is run through the real binary; the exit code, stderr and stdout are
//! snapshotted so a change to any message, location or hint shows up in review.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The malformed specs, relative to the workspace root.
const INVALID_DIR: &str = "tests/specs/invalid";

/// The workspace root: the binary runs here so paths in its output are relative.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

/// Runs `plinth` in the workspace root with color off.
fn plinth<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_plinth"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .arg("--color")
        .arg("never")
        .args(args)
        .output()
        .expect("the plinth binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// Exit code, then stderr, then stdout: what a snapshot records.
fn transcript(o: &Output) -> String {
    let code = o
        .status
        .code()
        .map_or_else(|| "killed by a signal".to_owned(), |c| c.to_string());
    format!(
        "exit code: {code}\n----- stderr -----\n{}----- stdout -----\n{}",
        stderr(o),
        stdout(o)
    )
}

fn assert_no_panic(what: &str, o: &Output) {
    let all = format!("{}{}", stderr(o), stdout(o));
    assert!(
        !all.contains("panicked"),
        "{what} panicked:\n{}",
        transcript(o)
    );
}

/// `tests/specs/invalid/NAME.yaml` for every spec of the corpus, sorted.
fn invalid_specs() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/specs/invalid");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/specs/invalid exists")
        .map(|e| e.expect("a directory entry").file_name())
        .map(|n| n.into_string().expect("spec file names are UTF-8"))
        .filter(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml"))
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 24,
        "expected at least 24 invalid specs, found {}",
        names.len()
    );
    names
        .into_iter()
        .map(|n| format!("{INVALID_DIR}/{n}"))
        .collect()
}

#[test]
fn invalid_spec() {
    let count = invalid_specs().len();
    let mut seen = 0;
    insta::glob!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/specs/invalid"),
        "*.yaml",
        |path| {
            seen += 1;
            let name = path.file_name().unwrap().to_str().unwrap();
            let rel = format!("{INVALID_DIR}/{name}");
            let out = plinth(["validate", rel.as_str()]);
            assert_no_panic(&format!("validate {rel}"), &out);
            assert_eq!(
                out.status.code(),
                Some(2),
                "validate {rel} should exit 2:\n{}",
                transcript(&out)
            );
            assert!(
                stderr(&out).contains("error"),
                "validate {rel} printed no error:\n{}",
                transcript(&out)
            );
            assert!(
                !transcript(&out).contains(&root().display().to_string()),
                "validate {rel} printed an absolute path:\n{}",
                transcript(&out)
            );
            insta::assert_snapshot!(transcript(&out));
        }
    );
    assert_eq!(seen, count, "the glob saw every spec of the corpus");
}

#[test]
fn synth_of_an_invalid_spec_writes_nothing() {
    let mut failures = Vec::new();
    for rel in invalid_specs() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let out = plinth([
            "synth".as_ref(),
            rel.as_ref(),
            "--out".as_ref(),
            target.as_os_str(),
        ]);
        let all = format!("{}{}", stderr(&out), stdout(&out));
        if all.contains("panicked") {
            failures.push(format!("synth {rel} panicked:\n{}", transcript(&out)));
        }
        if out.status.code() != Some(2) {
            failures.push(format!("synth {rel} did not exit 2:\n{}", transcript(&out)));
        }
        if target.exists() {
            failures.push(format!("synth {rel} created {}", target.display()));
        }
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        if !leftovers.is_empty() {
            failures.push(format!("synth {rel} left {leftovers:?} behind"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_example_is_valid() {
    let out = plinth(["validate", "examples/druid-analytics/plinth.yaml"]);
    assert_no_panic("validate the example", &out);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(
        stdout(&out).contains("examples/druid-analytics/plinth.yaml is valid"),
        "{}",
        transcript(&out)
    );
    assert!(
        !stderr(&out).contains("error"),
        "the example has errors:\n{}",
        transcript(&out)
    );
}

#[test]
fn json_output_lists_every_mistake_located() {
    let rel = format!("{INVALID_DIR}/several-mistakes.yaml");
    let out = plinth(["validate", "--output", "json", rel.as_str()]);
    assert_no_panic("validate --output json", &out);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&out)).expect("stdout is one JSON document");
    assert_eq!(report["valid"], false, "{report:#}");
    let diagnostics = report["diagnostics"]
        .as_array()
        .expect("`diagnostics` is a list");
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(
        errors.len() >= 5,
        "expected at least 5 errors, got {}: {report:#}",
        errors.len()
    );
    let mut lines = std::collections::BTreeSet::new();
    for d in diagnostics {
        assert_eq!(d["file"], rel.as_str(), "{d:#}");
        assert!(d["code"].as_str().is_some_and(|c| !c.is_empty()), "{d:#}");
        let line = d["location"]["line"].as_u64();
        let column = d["location"]["column"].as_u64();
        assert!(
            line.is_some_and(|l| l >= 1) && column.is_some_and(|c| c >= 1),
            "a diagnostic without line/column: {d:#}"
        );
        lines.insert(line);
    }
    assert!(
        lines.len() >= 5,
        "the mistakes are on different lines, yet diagnostics name only {lines:?}"
    );
    // The independent mistakes of several-mistakes.yaml, each reported in the same run.
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    for expected in [
        "spec::unknown-field",
        "spec::invalid-cidr",
        "spec::zone-not-in-region",
        "spec::invalid-nat-count",
        "spec::invalid-retention",
        "spec::invalid-instance-type",
        "spec::invalid-email",
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from {codes:?}"
        );
    }
}

#[test]
fn a_missing_file_exits_2() {
    let missing = "nonexistent.yaml";
    assert!(!root().join(missing).exists());
    let out = plinth(["validate", missing]);
    assert_no_panic("validate a missing file", &out);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(
        stderr(&out).contains("nonexistent.yaml: cannot read the spec"),
        "{}",
        transcript(&out)
    );
    assert!(stdout(&out).is_empty(), "{}", transcript(&out));
}

#[test]
fn schema_prints_a_json_schema() {
    let out = plinth(["schema"]);
    assert_no_panic("schema", &out);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let schema: serde_json::Value =
        serde_json::from_str(&stdout(&out)).expect("the schema is JSON");
    let properties = schema["properties"]
        .as_object()
        .expect("the schema has top-level properties");
    for field in [
        "apiVersion",
        "kind",
        "metadata",
        "aws",
        "network",
        "cluster",
    ] {
        assert!(
            properties.contains_key(field),
            "{field} missing: {schema:#}"
        );
    }
}

/// A valid spec with dev, staging and prod environments.
const ENVIRONMENTS: &str = "tests/specs/valid/environments.yaml";

#[test]
fn validate_checks_every_environment_unless_one_is_chosen() {
    let out = plinth(["validate", ENVIRONMENTS]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let text = stdout(&out);
    assert!(text.contains("is valid in 3 environments"), "{text}");
    for env in ["dev", "staging", "prod"] {
        assert!(
            text.contains(&format!("  {env}: platform acme-shop-")),
            "{text}"
        );
    }
    // The flag is global: before or after the subcommand.
    for args in [
        ["-e", "prod", "validate", ENVIRONMENTS],
        ["validate", "--environment", "prod", ENVIRONMENTS],
    ] {
        let out = plinth(args);
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        assert!(
            stdout(&out).contains("is valid in environment prod"),
            "{}",
            transcript(&out)
        );
    }
    let out = plinth(["validate", "-o", "json", ENVIRONMENTS]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        report["environments"],
        serde_json::json!({"dev": true, "prod": true, "staging": true})
    );
}

#[test]
fn an_unknown_environment_exits_2_with_the_closest_name() {
    let out = plinth(["validate", "-e", "prd", ENVIRONMENTS]);
    assert_no_panic("validate -e prd", &out);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    let err = stderr(&out);
    assert!(err.contains("spec::unknown-environment"), "{err}");
    assert!(err.contains("did you mean `prod`?"), "{err}");
}

#[test]
fn synth_of_a_spec_with_environments_needs_one() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("out");
    let out = plinth([
        "synth".as_ref(),
        ENVIRONMENTS.as_ref(),
        "--out".as_ref(),
        target.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(
        stderr(&out).contains("spec::environment-required"),
        "{}",
        transcript(&out)
    );
    assert!(!target.exists());
    // --environment and --all-environments exclude each other.
    let out = plinth([
        "synth".as_ref(),
        ENVIRONMENTS.as_ref(),
        "--all-environments".as_ref(),
        "-e".as_ref(),
        "dev".as_ref(),
        "--out".as_ref(),
        target.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(!target.exists());
}

#[test]
fn synth_writes_each_environment_to_its_own_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("out");
    let out = plinth([
        "synth".as_ref(),
        ENVIRONMENTS.as_ref(),
        "--all-environments".as_ref(),
        "--out".as_ref(),
        target.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    for env in ["dev", "staging", "prod"] {
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(target.join(env).join("synth.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["environment"], env);
        assert_eq!(manifest["platform"], format!("acme-shop-{env}"));
    }
    // The default directory is plinth.out/<environment>, relative to where plinth runs.
    let spec = root().join(ENVIRONMENTS);
    let out = Command::new(env!("CARGO_BIN_EXE_plinth"))
        .current_dir(tmp.path())
        .args(["--color", "never", "synth", "-e", "staging"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(tmp.path().join("plinth.out/staging/synth.json").exists());
    assert!(!tmp.path().join("plinth.out/dev").exists());
}
