//! SARIF 2.1.0 output for code-scanning tools (GitHub, GitLab, IDEs).
//!
//! One run, plinth as the tool with every rule described; each finding is a result located in
//! the spec (where to fix it), with the synthesized file and resource as a related location.
//! Suppressed findings carry an `inSource` suppression with the spec's reason, as the
//! standard asks (OASIS SARIF 2.1.0, §3.27.23 and §3.35,
//! <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>).

use serde_json::{Value, json};

use super::{Finding, Report, RuleInfo, Severity, rules};

/// A region of the spec file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// First line.
    pub start_line: usize,
    /// First column.
    pub start_column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column after the last character.
    pub end_column: usize,
}

/// What the SARIF log says about where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// plinth's version.
    pub version: &'a str,
    /// The spec's path as given, used as the results' artifact URI.
    pub spec_uri: &'a str,
}

/// The report as a SARIF 2.1.0 log. `locate` turns a spec JSON pointer into a region.
pub fn log(report: &Report, run: Run<'_>, locate: &dyn Fn(&str) -> Option<Region>) -> Value {
    let all: Vec<RuleInfo> = rules().iter().map(|r| r.info()).collect();
    let descriptors: Vec<Value> = all.iter().map(descriptor).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, &all, run, locate))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "plinth",
                    "version": run.version,
                    "informationUri": "https://github.com/plinth-dev/plinth",
                    "rules": descriptors,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// SARIF's level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "note",
        Severity::Medium => "warning",
        Severity::High | Severity::Critical => "error",
    }
}

fn descriptor(r: &RuleInfo) -> Value {
    let explanation = r.explanation();
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": first_paragraph(&explanation) },
        "help": { "text": explanation, "markdown": explanation },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "category": r.category.as_str(),
            "severity": r.severity.as_str(),
            "tags": [r.category.as_str()],
        },
    })
}

fn result(
    f: &Finding,
    all: &[RuleInfo],
    run: Run<'_>,
    locate: &dyn Fn(&str) -> Option<Region>,
) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": run.spec_uri } });
    if let Some(r) = locate(&f.spec) {
        physical["region"] = json!({
            "startLine": r.start_line,
            "startColumn": r.start_column,
            "endLine": r.end_line,
            "endColumn": r.end_column,
        });
    }
    let mut text = f.message.clone();
    if let Some(h) = &f.help {
        text.push_str("; ");
        text.push_str(h);
    }
    let mut result = json!({
        "ruleId": f.code,
        "ruleIndex": all.iter().position(|r| r.code == f.code),
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{ "fullyQualifiedName": f.spec, "kind": "member" }],
        }],
        "properties": { "severity": f.severity.as_str(), "category": f.category.as_str() },
    });
    if let Some(t) = &f.target {
        result["relatedLocations"] = json!([{
            "id": 0,
            "physicalLocation": { "artifactLocation": { "uri": t.file, "uriBaseId": "SYNTH_OUTPUT" } },
            "message": { "text": t.name },
        }]);
    }
    if let Some(s) = &f.suppressed {
        result["suppressions"] = json!([{ "kind": "inSource", "justification": s.reason }]);
    }
    result
}

fn first_paragraph(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or_default()
        .replace('\n', " ")
}
