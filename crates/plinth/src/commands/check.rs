//! `plinth check`: policy rules over the spec and what plinth synthesizes from it, reported
//! for people (grouped by category, each finding underlined in the spec), as JSON, or as
//! SARIF 2.1.0; `--explain CODE` prints a rule's documentation.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use plinth_cfn::sorted::to_pretty_json;
use plinth_insight::check::{self, Finding, Report, Severity, sarif};
use plinth_spec::yaml::SpanIndex;
use plinth_spec::{Diagnostic, Span, line_col};
use serde_json::json;

use crate::Outcome;
use crate::report::{self, Source, Style};

/// Output formats of `plinth check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// For people: grouped by category, located in the spec.
    Human,
    /// For programs.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// `--severity`: the lowest severity reported, and the one that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    /// Everything.
    Low,
    /// Medium and above.
    Medium,
    /// High and critical.
    High,
    /// Critical only.
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

/// Prints the documentation of the rule `code`.
pub fn explain(code: &str) -> Outcome {
    let Some(rule) = check::rule(code) else {
        err!("error: no rule has the code `{code}`; `plinth check --list` shows them all");
        return Outcome::BadInput;
    };
    let info = rule.info();
    out!(
        "{} {} ({}, {})\n\n{}",
        info.code,
        info.name,
        info.category,
        info.severity,
        info.explanation()
    );
    Outcome::Success
}

/// Prints every rule, one per line.
pub fn list() -> Outcome {
    for rule in check::rules() {
        let i = rule.info();
        out!(
            "{}  {:<13} {:<8} {:<36} {}",
            i.code,
            i.category.as_str(),
            i.severity.as_str(),
            i.name,
            i.summary
        );
    }
    Outcome::Success
}

/// Checks the spec at `path`: exit 1 when an unsuppressed finding reaches `threshold`.
pub fn run(
    path: &Path,
    environment: Option<&str>,
    format: CheckFormat,
    threshold: Severity,
    style: Style,
) -> Outcome {
    let Some((file, loaded)) = super::load_and_report(path, environment, style) else {
        return Outcome::BadInput;
    };
    let Some(platform) = loaded.platform else {
        err!(
            "{} is invalid: {}; nothing checked",
            path.display(),
            report::counts(&loaded.diagnostics)
        );
        return Outcome::BadInput;
    };
    let assembly = plinth_synth::synth(&platform);
    let report = check::run(&platform, &assembly);
    // The loaded document's spans: for an environment, the merged document's, so a finding
    // about a value the overlay set points into the overlay.
    let spans = loaded.spans;
    let located = Located {
        path,
        text: &file.text,
        spans: &spans,
    };
    match format {
        CheckFormat::Human => {
            let s = human(&located, &report, threshold, style);
            let _ = write!(std::io::stdout().lock(), "{s}");
        }
        CheckFormat::Json => out!("{}", to_pretty_json(&to_json(&located, &report, threshold))),
        CheckFormat::Sarif => {
            let uri = path.display().to_string();
            let log = sarif::log(
                &report,
                sarif::Run {
                    version: env!("CARGO_PKG_VERSION"),
                    spec_uri: &uri,
                },
                &|p| located.region(p),
            );
            out!("{}", to_pretty_json(&log));
        }
    }
    if report.failing(threshold).next().is_some() {
        Outcome::Failure
    } else {
        Outcome::Success
    }
}

/// The spec as read, with its spans.
struct Located<'a> {
    path: &'a Path,
    text: &'a str,
    spans: &'a SpanIndex,
}

impl Located<'_> {
    /// The spec value at `pointer` (or its nearest written ancestor), cut to its first line so
    /// a default inside a large section underlines the section's start, not all of it.
    fn span(&self, pointer: &str) -> Option<Span> {
        self.spans.value(pointer).map(|s| {
            let first_line = self.text[s.start..s.end]
                .find('\n')
                .map_or(s.end, |i| s.start + i);
            Span::new(s.start, first_line)
        })
    }

    fn region(&self, pointer: &str) -> Option<sarif::Region> {
        self.span(pointer).map(|s| {
            let (start_line, start_column) = line_col(self.text, s.start);
            let (end_line, end_column) = line_col(self.text, s.end);
            sarif::Region {
                start_line,
                start_column,
                end_line,
                end_column,
            }
        })
    }

    fn at(&self, pointer: &str) -> String {
        self.span(pointer).map_or_else(
            || self.path.display().to_string(),
            |s| {
                let (l, c) = line_col(self.text, s.start);
                format!("{}:{l}:{c}", self.path.display())
            },
        )
    }
}

fn human(l: &Located<'_>, report: &Report, threshold: Severity, style: Style) -> String {
    let source = Source {
        path: l.path,
        text: l.text,
    };
    let mut out = String::new();
    let shown: Vec<&Finding> = report.failing(threshold).collect();
    let mut categories: Vec<_> = shown.iter().map(|f| f.category).collect();
    categories.sort();
    categories.dedup();
    for category in categories {
        let group: Vec<Diagnostic> = shown
            .iter()
            .filter(|f| f.category == category)
            .map(|f| diagnostic(l, f))
            .collect();
        let _ = writeln!(out, "── {category} ({}) ──\n", group.len());
        out.push_str(&report::human(&source, &group, style));
    }
    let suppressed: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .collect();
    if !suppressed.is_empty() {
        let _ = writeln!(out, "── suppressed ({}) ──\n", suppressed.len());
        for f in &suppressed {
            let s = f.suppressed.as_ref().expect("filtered on suppressed");
            let target = f
                .target
                .as_ref()
                .map_or(String::new(), |t| format!(" {}", t.name));
            let _ = writeln!(
                out,
                "  {}{target}: {} ({})",
                f.code,
                s.reason,
                l.at(&s.spec)
            );
        }
        out.push('\n');
    }
    for u in &report.unused_suppressions {
        let why = if u.known {
            "it matches no finding"
        } else {
            "no rule has this code"
        };
        let _ = writeln!(
            out,
            "warning: the suppression of {} at {} is unused: {why}",
            u.code,
            l.at(&u.spec)
        );
    }
    let below = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none() && f.severity < threshold)
        .count();
    let _ = write!(
        out,
        "{}: {}",
        l.path.display(),
        summary(&shown, suppressed.len())
    );
    if below > 0 {
        let _ = write!(out, ", {below} below --severity {threshold} not shown");
    }
    out.push('\n');
    out
}

fn summary(shown: &[&Finding], suppressed: usize) -> String {
    if shown.is_empty() {
        return format!("no findings ({suppressed} suppressed)");
    }
    let by: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = shown.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    format!(
        "{} finding{} ({}), {suppressed} suppressed",
        shown.len(),
        if shown.len() == 1 { "" } else { "s" },
        by.join(", ")
    )
}

fn diagnostic(l: &Located<'_>, f: &Finding) -> Diagnostic {
    let mut d = if f.severity >= Severity::High {
        Diagnostic::error(f.code, format!("{}: {}", f.severity, f.message))
    } else {
        Diagnostic::warning(f.code, format!("{}: {}", f.severity, f.message))
    };
    d = d.at(l.span(&f.spec));
    if let Some(t) = &f.target {
        d = d.label(format!("{} in {}", t.name, t.file));
    }
    let explain = format!("`plinth check --explain {}`", f.code);
    d.help(match &f.help {
        Some(h) => format!("{h}; {explain}"),
        None => explain,
    })
}

fn to_json(l: &Located<'_>, report: &Report, threshold: Severity) -> serde_json::Value {
    let location = |pointer: &str| {
        l.region(pointer).map(|r| {
            json!({ "line": r.start_line, "column": r.start_column, "endLine": r.end_line, "endColumn": r.end_column })
        })
    };
    let findings: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            let mut v = serde_json::to_value(f).expect("a finding serializes");
            v["location"] = json!(location(&f.spec));
            v
        })
        .collect();
    let unused: Vec<_> = report
        .unused_suppressions
        .iter()
        .map(|u| {
            let mut v = serde_json::to_value(u).expect("a suppression serializes");
            v["location"] = json!(location(&u.spec));
            v
        })
        .collect();
    let mut counts = serde_json::Map::new();
    for s in Severity::ALL {
        let n = report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity == s)
            .count();
        counts.insert(s.as_str().to_owned(), json!(n));
    }
    counts.insert(
        "suppressed".to_owned(),
        json!(
            report
                .findings
                .iter()
                .filter(|f| f.suppressed.is_some())
                .count()
        ),
    );
    json!({
        "spec": l.path.display().to_string(),
        "threshold": threshold.as_str(),
        "failed": report.failing(threshold).next().is_some(),
        "counts": counts,
        "findings": findings,
        "unusedSuppressions": unused,
    })
}
