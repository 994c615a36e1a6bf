//! Every rule against its fixture: `tests/fixtures/CODE.yaml` is a spec that shows the pattern,
//! and, for patterns plinth never synthesizes, `CODE.patch.json` edits the synthesized output
//! (JSON Patch on a resource's properties or on a Kubernetes object) the way a regression or a
//! hand edit would. Each rule must fire on its fixture; the findings are snapshotted with the
//! spec line they point at. The examples' full reports are snapshotted too.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use plinth_insight::check::{self, Category, Finding, Report, Severity};
use plinth_spec::model::StackKind;
use plinth_spec::yaml::{self, SpanIndex};
use plinth_synth::Assembly;
use serde::Deserialize;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One edit of the synthesized output.
#[derive(Deserialize)]
struct Edit {
    /// `cfn:STACK:LogicalId` (patches the resource's properties) or `k8s:Kind/name`.
    target: String,
    patch: json_patch::Patch,
}

/// A spec, loaded and synthesized, with its spans for locating findings.
struct Checked {
    text: String,
    spans: SpanIndex,
    report: Report,
}

fn check_spec(text: &str, edits: &[Edit]) -> Checked {
    let loaded = plinth_spec::load(text);
    let platform = loaded
        .platform
        .unwrap_or_else(|| panic!("fixture is invalid: {:#?}", loaded.diagnostics));
    let mut assembly = plinth_synth::synth(&platform);
    for edit in edits {
        apply(&mut assembly, edit);
    }
    let (doc, _) = yaml::parse(text, yaml::Limits::default());
    Checked {
        text: text.to_owned(),
        spans: doc.expect("a valid spec parses").spans,
        report: check::run(&platform, &assembly),
    }
}

fn apply(assembly: &mut Assembly, edit: &Edit) {
    let target = if let Some(rest) = edit.target.strip_prefix("cfn:") {
        let (stack, id) = rest.split_once(':').expect("cfn:STACK:LogicalId");
        let kind = StackKind::ALL
            .into_iter()
            .find(|k| k.as_str() == stack)
            .expect("a stack kind");
        let stack = assembly
            .stacks
            .iter_mut()
            .find(|s| s.kind == kind)
            .expect("the stack exists");
        &mut stack
            .template
            .resources
            .get_mut(id)
            .unwrap_or_else(|| panic!("no resource {id}"))
            .properties
    } else {
        let name = edit.target.strip_prefix("k8s:").expect("cfn: or k8s:");
        assembly
            .kubernetes
            .iter_mut()
            .filter_map(|f| match &mut f.content {
                plinth_synth::k8s::Content::Objects(o) => Some(o),
                plinth_synth::k8s::Content::Values(_) => None,
            })
            .flatten()
            .find(|o| {
                format!(
                    "{}/{}",
                    o["kind"].as_str().unwrap_or(""),
                    o["metadata"]["name"].as_str().unwrap_or("")
                ) == name
            })
            .unwrap_or_else(|| panic!("no object {name}"))
    };
    json_patch::patch(target, &edit.patch).unwrap_or_else(|e| panic!("{}: {e}", edit.target));
}

/// Findings as a reviewer reads them: code, severity, the spec line they point at, message,
/// target and help.
fn render(c: &Checked, findings: &[&Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let span = c
            .spans
            .value(&f.spec)
            .expect("every finding points into the spec");
        let (line, col) = plinth_spec::line_col(&c.text, span.start);
        let source = c.text.lines().nth(line - 1).unwrap_or_default();
        let _ = write!(
            out,
            "{} {} [{}] {}\n  at {line}:{col} {}\n  {line:>3} | {source}\n",
            f.code, f.severity, f.category, f.message, f.spec
        );
        if let Some(t) = &f.target {
            let _ = writeln!(out, "  target: {} {}", t.file, t.name);
        }
        if let Some(h) = &f.help {
            let _ = writeln!(out, "  help: {h}");
        }
        if let Some(s) = &f.suppressed {
            let _ = writeln!(out, "  suppressed: {}", s.reason);
        }
    }
    out
}

#[test]
fn every_rule_fires_on_its_fixture() {
    for rule in check::rules() {
        let info = rule.info();
        let spec = fixtures().join(format!("{}.yaml", info.code));
        let text = std::fs::read_to_string(&spec)
            .unwrap_or_else(|_| panic!("{} has no fixture {}", info.code, spec.display()));
        let patch = fixtures().join(format!("{}.patch.json", info.code));
        let edits: Vec<Edit> = std::fs::read_to_string(&patch)
            .map(|p| serde_json::from_str(&p).expect("a valid patch file"))
            .unwrap_or_default();
        let checked = check_spec(&text, &edits);
        let own: Vec<&Finding> = checked
            .report
            .findings
            .iter()
            .filter(|f| f.code == info.code)
            .collect();
        assert!(
            !own.is_empty(),
            "{} does not fire on its fixture",
            info.code
        );
        insta::assert_snapshot!(info.code, render(&checked, &own));
    }
}

#[test]
fn every_fixture_belongs_to_a_rule() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let code = name.split('.').next().unwrap();
        assert!(check::rule(code).is_some(), "fixture {name} has no rule");
    }
}

#[test]
fn patched_rules_are_quiet_without_their_patch() {
    // Patterns plinth never writes must not fire on the unedited output: otherwise the patch
    // proves nothing.
    for rule in check::rules() {
        let code = rule.info().code;
        if !fixtures().join(format!("{code}.patch.json")).exists() {
            continue;
        }
        let text = std::fs::read_to_string(fixtures().join(format!("{code}.yaml"))).unwrap();
        let checked = check_spec(&text, &[]);
        let fired: Vec<_> = checked
            .report
            .findings
            .iter()
            .filter(|f| f.code == code)
            .collect();
        assert!(
            fired.is_empty(),
            "{code} fires on the unedited output: {fired:#?}"
        );
    }
}

#[test]
fn rules_are_documented_and_numbered_by_category() {
    let mut previous = "";
    for rule in check::rules() {
        let info = rule.info();
        assert!(info.code > previous, "{} is out of order", info.code);
        previous = info.code;
        let hundreds = match info.category {
            Category::Security => '1',
            Category::Reliability => '2',
            Category::Cost => '3',
            Category::Compatibility => '4',
        };
        assert_eq!(
            info.code.as_bytes()[3] as char,
            hundreds,
            "{} is in the wrong range",
            info.code
        );
        let doc = info.explanation();
        for section in ["## What it does", "## Why is this bad?", "## Example"] {
            assert!(doc.contains(section), "{} lacks `{section}`", info.code);
        }
        assert!(
            !info.summary.ends_with('.'),
            "{}: summary ends with a period",
            info.code
        );
    }
    assert!(check::rules().len() >= 30);
}

#[test]
fn examples_match_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for name in ["druid-analytics", "druid-lean"] {
        let text = std::fs::read_to_string(dir.join(name).join("plinth.yaml")).unwrap();
        let checked = check_spec(&text, &[]);
        let all: Vec<&Finding> = checked.report.findings.iter().collect();
        insta::assert_snapshot!(format!("example__{name}"), render(&checked, &all));
    }
}

#[test]
fn suppressions_hide_findings_with_their_reason() {
    let base = std::fs::read_to_string(fixtures().join("PLN204.yaml")).unwrap();
    let text = format!(
        "{base}checks:\n  suppressions:\n    - code: pln204\n      reason: one broker is enough for the demo\n    - code: PLN999\n      reason: a code that does not exist\n    - code: PLN101\n      reason: nothing to suppress\n"
    );
    let checked = check_spec(&text, &[]);
    let broker: Vec<_> = checked
        .report
        .findings
        .iter()
        .filter(|f| f.code == "PLN204")
        .collect();
    assert_eq!(broker.len(), 1);
    let s = broker[0].suppressed.as_ref().expect("PLN204 is suppressed");
    assert_eq!(s.reason, "one broker is enough for the demo");
    assert_eq!(s.spec, "/checks/suppressions/0");
    assert_eq!(
        checked
            .report
            .failing(Severity::Low)
            .filter(|f| f.code == "PLN204")
            .count(),
        0
    );
    let unused: Vec<_> = checked
        .report
        .unused_suppressions
        .iter()
        .map(|u| (u.code.as_str(), u.known))
        .collect();
    assert_eq!(unused, [("PLN999", false), ("PLN101", true)]);
}

#[test]
fn suppressions_can_name_resources() {
    let base = std::fs::read_to_string(fixtures().join("PLN305.yaml")).unwrap();
    let text = format!(
        "{base}checks:\n  suppressions:\n    - code: PLN305\n      reason: historicals get whole nodes on purpose\n      resources: [events-druid-historical]\n"
    );
    let checked = check_spec(&text, &[]);
    let sized: Vec<_> = checked
        .report
        .findings
        .iter()
        .filter(|f| f.code == "PLN305")
        .collect();
    assert!(
        sized.len() > 1,
        "several components are sized to whole instances"
    );
    for f in sized {
        let historical = f
            .target
            .as_ref()
            .is_some_and(|t| t.name == "StatefulSet/events-druid-historical");
        assert_eq!(f.suppressed.is_some(), historical, "{f:?}");
    }
}

#[test]
fn suppressions_need_a_reason_and_a_code() {
    let base = std::fs::read_to_string(fixtures().join("PLN204.yaml")).unwrap();
    let text = format!("{base}checks:\n  suppressions:\n    - code: broker\n      reason: \" \"\n");
    let loaded = plinth_spec::load(&text);
    let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "spec::invalid-suppression",
            "spec::suppression-without-reason"
        ]
    );
    let missing = format!("{base}checks:\n  suppressions:\n    - code: PLN204\n");
    assert!(
        plinth_spec::load(&missing).platform.is_none(),
        "a suppression without a reason is refused"
    );
}

#[test]
fn sarif_locates_results_in_the_spec() {
    let text = std::fs::read_to_string(fixtures().join("PLN101.yaml")).unwrap();
    let checked = check_spec(&text, &[]);
    let locate = |p: &str| {
        checked.spans.value(p).map(|s| {
            let (start_line, start_column) = plinth_spec::line_col(&checked.text, s.start);
            let (end_line, end_column) = plinth_spec::line_col(&checked.text, s.end);
            check::sarif::Region {
                start_line,
                start_column,
                end_line,
                end_column,
            }
        })
    };
    let log = check::sarif::log(
        &checked.report,
        check::sarif::Run {
            version: "0.0.0",
            spec_uri: "PLN101.yaml",
        },
        &locate,
    );
    let results = log["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "PLN101")
        .expect("PLN101 is a result");
    assert_eq!(r["level"], "error");
    let line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap();
    let written = text
        .lines()
        .nth(usize::try_from(line).unwrap() - 1)
        .unwrap();
    assert!(
        written.contains("endpointAccess"),
        "line {line} is `{written}`"
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
    assert_eq!(rules[index]["id"], "PLN101");
}
