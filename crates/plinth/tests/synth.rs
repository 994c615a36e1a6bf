//! `plinth synth` as a process: deterministic output, atomic replacement of the output directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod support {
    pub mod gen_spec;
}
use support::gen_spec::{generated, root};

fn synth(spec: &str, out: &Path) {
    synth_with(spec, &[], out);
}

fn synth_with(spec: &str, flags: &[&str], out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_plinth"))
        .current_dir(root())
        .args(["--color", "never", "synth", spec])
        .args(flags)
        .arg("--out")
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success(), "synth {spec} {flags:?} failed: {status}");
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn the_same_spec_gives_byte_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    for example in ["druid-analytics", "druid-lean"] {
        let spec = format!("examples/{example}/plinth.yaml");
        let (a, b) = (
            tmp.path().join(format!("{example}-a")),
            tmp.path().join(format!("{example}-b")),
        );
        // Two separate processes: hash seeds and allocation differ between them.
        synth(&spec, &a);
        synth(&spec, &b);
        let (fa, fb) = (files(&a), files(&b));
        assert!(
            fa.len() >= 3,
            "expected templates and synth.json, got {:?}",
            fa.keys()
        );
        assert_eq!(fa, fb, "{example}: two runs differ");
    }
}

#[test]
fn every_environment_gives_byte_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = "examples/web-services/plinth.yaml";
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    synth_with(spec, &["--all-environments"], &a);
    synth_with(spec, &["--all-environments"], &b);
    let (fa, fb) = (files(&a), files(&b));
    for env in ["dev", "staging", "prod"] {
        assert!(
            fa.contains_key(&format!("{env}/synth.json")),
            "{env} missing: {:?}",
            fa.keys()
        );
    }
    assert_eq!(fa, fb, "two runs differ");
    // One environment alone is the same as its directory of the full run.
    let prod = tmp.path().join("prod");
    synth_with(spec, &["-e", "prod"], &prod);
    let alone = files(&prod);
    let within: BTreeMap<String, Vec<u8>> = fa
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("prod/")?.to_owned(), v.clone())))
        .collect();
    assert_eq!(alone, within);
}

#[test]
fn synth_replaces_a_previous_output_directory_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("cloudformation")).unwrap();
    std::fs::write(out.join("cloudformation/stale.template.json"), "{}").unwrap();
    synth("examples/druid-lean/plinth.yaml", &out);
    let written = files(&out);
    assert!(
        !written.contains_key("cloudformation/stale.template.json"),
        "a stale file survived"
    );
    assert!(written.contains_key("synth.json"));
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "out")
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging directories left behind: {leftovers:?}"
    );
}

#[test]
fn gitops_writes_the_layout_deterministically_beside_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = "examples/web-services/plinth.yaml";
    let run = |n: &str| {
        let (out, gitops) = (
            tmp.path().join(format!("out-{n}")),
            tmp.path().join(format!("gitops-{n}")),
        );
        synth_with(
            spec,
            &["--all-environments", "--gitops", gitops.to_str().unwrap()],
            &out,
        );
        (files(&out), files(&gitops))
    };
    let (out_a, gitops_a) = run("a");
    let (out_b, gitops_b) = run("b");
    assert_eq!((&out_a, &gitops_a), (&out_b, &gitops_b), "two runs differ");
    for env in ["dev", "staging", "prod"] {
        for file in [
            "bootstrap/argocd.yaml",
            "bootstrap/root.yaml",
            "apps/cert-manager.yaml",
            "manifests/service-frontend/service-frontend.yaml",
        ] {
            assert!(
                gitops_a.contains_key(&format!("{env}/{file}")),
                "{env}/{file} missing"
            );
        }
        // The bootstrap's objects are the foundation wave's argocd.yaml, byte for byte.
        assert_eq!(
            gitops_a[&format!("{env}/bootstrap/argocd.yaml")],
            out_a[&format!("{env}/kubernetes/10-foundation/argocd.yaml")]
        );
    }
    // The layout is the same whether written alone or with every environment.
    let alone = tmp.path().join("gitops-prod");
    synth_with(
        spec,
        &["-e", "prod", "--gitops", alone.to_str().unwrap()],
        &tmp.path().join("out-prod"),
    );
    let within: BTreeMap<String, Vec<u8>> = gitops_a
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("prod/")?.to_owned(), v.clone())))
        .collect();
    assert_eq!(files(&alone), within);
}

#[test]
fn gitops_needs_a_gitops_section_and_a_directory_of_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |spec: &str, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_plinth"))
            .current_dir(root())
            .args(["--color", "never", "synth", spec])
            .args(args)
            .output()
            .unwrap()
    };
    let gitops = tmp.path().join("gitops");
    let out = tmp.path().join("out");
    let o = run(
        "examples/druid-lean/plinth.yaml",
        &[
            "--gitops",
            gitops.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no `gitops` section"));
    let inside = out.join("gitops");
    let o = run(
        "examples/web-services/plinth.yaml",
        &[
            "-e",
            "dev",
            "--gitops",
            inside.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("overlap"));
    assert!(!out.exists() && !gitops.exists(), "nothing is written");
}

/// The spec `scripts/gen-spec.py --services N` prints, written to `dir`.
fn services_spec(n: usize, dir: &Path) -> PathBuf {
    let path = dir.join(format!("services-{n}.yaml"));
    std::fs::write(&path, generated(&["--services", &n.to_string()])).unwrap();
    path
}

#[test]
fn a_platform_over_cloudformation_quotas_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    // 200 services (the benchmark's size) fit: 404 resources in the services stack.
    let fits = services_spec(200, tmp.path());
    let ok = Command::new(env!("CARGO_BIN_EXE_plinth"))
        .args(["--color", "never", "validate"])
        .arg(&fits)
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // 260 do not: each public or internal service adds a certificate or a role and its
    // association to its repository, over 500 resources in one template.
    let big = services_spec(260, tmp.path());
    for command in [&["validate"][..], &["synth", "--all-environments", "--out"]] {
        let out_dir = tmp.path().join("out");
        let mut c = Command::new(env!("CARGO_BIN_EXE_plinth"));
        c.args(["--color", "never"]).args(command);
        if command[0] == "synth" {
            c.arg(&out_dir);
        }
        let out = c.arg(&big).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(
            stderr.contains("error[synth::cloudformation-quota]: stack acme-shop-prod-services (environment `prod`) has 5")
                && stderr.contains("resources, over CloudFormation's 500"),
            "{command:?}: {stderr}"
        );
        assert!(!out_dir.exists(), "{command:?} wrote {}", out_dir.display());
    }
}
