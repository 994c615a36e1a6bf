//! `plinth import cdk-context`, `plinth completions` and `plinth man` as processes: exit
//! codes, stdout and stderr of real invocations are snapshotted; what they write is read back
//! (the converted spec by `plinth validate`, the man pages by groff when it is installed).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root: the binary runs here so paths in its output are relative.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

fn plinth<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_plinth"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .args(["--color", "never"])
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
    format!(
        "exit code: {}\n----- stderr -----\n{}----- stdout -----\n{}",
        o.status
            .code()
            .map_or("signal".to_owned(), |c| c.to_string()),
        stderr(o),
        stdout(o)
    )
}

/// The fake Grafana Cloud keys of the fixtures all start so.
const KEY_PREFIX: &str = "glc_";

const REFERENCE: &str = "tests/cdk-context/reference.context.json";
const ANCHOR: &str = "tests/cdk-context/anchor.context.json";
const UNKNOWN_KEYS: &str = "tests/cdk-context/unknown-keys.context.json";

#[test]
fn import_the_reference_context() {
    let out = plinth(["import", "cdk-context", REFERENCE]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(!transcript(&out).contains(KEY_PREFIX), "the API key leaked");
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn import_the_cdk_bench_context() {
    let out = plinth(["import", "cdk-context", ANCHOR]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn import_warns_about_keys_it_does_not_convert() {
    let out = plinth(["import", "cdk-context", UNKNOWN_KEYS]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn import_of_a_bad_file() {
    let mut seen = 0;
    insta::glob!(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/cdk-context/invalid"
        ),
        "*.json",
        |path| {
            seen += 1;
            let name = path.file_name().unwrap().to_str().unwrap();
            let rel = format!("tests/cdk-context/invalid/{name}");
            let out = plinth(["import", "cdk-context", rel.as_str()]);
            assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
            assert!(stdout(&out).is_empty(), "{}", transcript(&out));
            assert!(
                !transcript(&out).contains(KEY_PREFIX),
                "{rel}: the API key leaked:\n{}",
                transcript(&out)
            );
            assert!(
                !transcript(&out).contains("panicked"),
                "{}",
                transcript(&out)
            );
            insta::assert_snapshot!(transcript(&out));
        }
    );
    assert!(seen >= 7, "only {seen} bad files");
}

#[test]
fn import_writes_a_valid_spec_and_never_overwrites_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    for (context, name) in [(REFERENCE, "reference.yaml"), (ANCHOR, "anchor.yaml")] {
        let spec = tmp.path().join(name);
        let out = plinth([
            "import".as_ref(),
            "cdk-context".as_ref(),
            context.as_ref(),
            "--out".as_ref(),
            spec.as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        assert!(stdout(&out).is_empty(), "{}", transcript(&out));
        assert!(stderr(&out).contains("wrote "), "{}", transcript(&out));
        let written = std::fs::read_to_string(&spec).unwrap();
        assert!(written.starts_with(&format!("# plinth spec converted from {context}")));
        assert!(!written.contains(KEY_PREFIX));
        let valid = plinth(["validate".as_ref(), spec.as_os_str()]);
        assert_eq!(valid.status.code(), Some(0), "{}", transcript(&valid));
        // The same as what goes to stdout.
        let piped = plinth(["import", "cdk-context", context]);
        assert_eq!(stdout(&piped), written);
    }
    let spec = tmp.path().join("reference.yaml");
    std::fs::write(&spec, "mine\n").unwrap();
    let refused = plinth([
        "import".as_ref(),
        "cdk-context".as_ref(),
        REFERENCE.as_ref(),
        "--out".as_ref(),
        spec.as_os_str(),
    ]);
    assert_eq!(refused.status.code(), Some(2), "{}", transcript(&refused));
    assert!(
        stderr(&refused).contains("--force"),
        "{}",
        transcript(&refused)
    );
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), "mine\n");
    // A bad file with --force changes nothing either.
    let bad = plinth([
        "import".as_ref(),
        "cdk-context".as_ref(),
        "tests/cdk-context/invalid/bad-values.json".as_ref(),
        "--out".as_ref(),
        spec.as_os_str(),
        "--force".as_ref(),
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", transcript(&bad));
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), "mine\n");
    let forced = plinth([
        "import".as_ref(),
        "cdk-context".as_ref(),
        REFERENCE.as_ref(),
        "--out".as_ref(),
        spec.as_os_str(),
        "--force".as_ref(),
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", transcript(&forced));
    assert!(
        std::fs::read_to_string(&spec)
            .unwrap()
            .starts_with("# plinth spec")
    );
    let mut left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["anchor.yaml", "reference.yaml"],
        "staging files left behind"
    );
    // --force means nothing without --out.
    let usage = plinth(["import", "cdk-context", REFERENCE, "--force"]);
    assert_eq!(usage.status.code(), Some(2), "{}", transcript(&usage));
}

#[test]
fn import_of_a_missing_file_exits_2() {
    let out = plinth(["import", "cdk-context", "nonexistent.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(
        stderr(&out).contains("nonexistent.json: cannot read the context file"),
        "{}",
        transcript(&out)
    );
}

/// The subcommands `plinth help` lists, read from the help text itself.
fn subcommands() -> Vec<String> {
    let out = plinth(["help"]);
    let text = stdout(&out);
    let names: Vec<String> = text
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_owned)
        .collect();
    assert!(names.len() >= 10, "{text}");
    names
}

#[test]
fn completions_cover_every_subcommand() {
    let names = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = plinth(["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        let script = stdout(&out);
        for name in names.iter().map(String::as_str).chain(["cdk-context"]) {
            assert!(script.contains(name), "{shell}: `{name}` missing");
        }
    }
    let out = plinth(["completions", "bash"]);
    let script = stdout(&out);
    assert!(script.contains("complete -F _plinth"), "{script}");
    // Flags of subcommands complete too.
    for flag in ["--all-environments", "--severity", "--force"] {
        assert!(script.contains(flag), "`{flag}` missing");
    }
    let out = plinth(["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
}

#[test]
fn bash_accepts_the_completion_script() {
    let out = plinth(["completions", "bash"]);
    let Ok(bash) = Command::new("bash")
        .args(["-c", "source /dev/stdin && complete -p plinth"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        return; // no bash here
    };
    let mut bash = bash;
    std::io::Write::write_all(bash.stdin.as_mut().unwrap(), &out.stdout).unwrap();
    let done = bash.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stdout).contains("_plinth"));
}

#[test]
fn the_man_page_names_every_subcommand() {
    let out = plinth(["man"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let page = stdout(&out);
    for section in [
        ".TH plinth 1",
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
    ] {
        assert!(page.contains(section), "`{section}` missing:\n{page}");
    }
    for name in subcommands() {
        assert!(
            page.contains(&format!("plinth\\-{}(1)", name.replace('-', "\\-"))),
            "`{name}` missing:\n{page}"
        );
    }
}

#[test]
fn man_writes_one_page_per_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    let out = plinth(["man".as_ref(), "--out".as_ref(), dir.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let mut expected: Vec<String> = subcommands()
        .iter()
        .map(|n| format!("plinth-{n}.1"))
        .chain([
            "plinth.1".to_owned(),
            "plinth-import-cdk-context.1".to_owned(),
        ])
        .collect();
    expected.sort();
    let mut written: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(written, expected);
    let page = std::fs::read_to_string(dir.join("plinth-import-cdk-context.1")).unwrap();
    assert!(
        page.contains(".SH NAME\nplinth\\-import\\-cdk\\-context"),
        "{page}"
    );
    assert!(page.contains("\\-\\-force"), "{page}");
    // groff, when installed, renders every page without a warning.
    for name in &written {
        let Ok(lint) = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(dir.join(name))
            .output()
        else {
            return; // no groff here
        };
        assert!(
            lint.status.success() && lint.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&lint.stderr)
        );
    }
}
