//! Rendering diagnostics for people (miette's graphical reports) and programs (JSON).

use std::fmt::{self, Write as _};
use std::io::IsTerminal;
use std::path::Path;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use plinth_spec::{Diagnostic, Severity, line_col};
use serde_json::json;

use crate::Color;

/// Terminal styling decided once per run.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to use color.
    pub color: bool,
}

impl Style {
    /// Resolves `--color` against the terminal and `NO_COLOR`.
    pub fn new(color: Color) -> Self {
        let color = match color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Self { color }
    }
}

/// A spec file as read, for locating diagnostics.
pub struct Source<'a> {
    /// Path as the user gave it.
    pub path: &'a Path,
    /// Its text.
    pub text: &'a str,
}

/// Renders every diagnostic plus a summary line.
pub fn human(source: &Source<'_>, diagnostics: &[Diagnostic], style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let name = source.path.display().to_string();
    let mut out = String::new();
    for d in diagnostics {
        let report = Report {
            diagnostic: d,
            source: NamedSource::new(&name, source.text.to_owned()),
        };
        if handler.render_report(&mut out, &report).is_err() {
            let _ = writeln!(out, "{}: {}", d.severity, d.message);
        }
        out.push('\n');
    }
    out
}

/// `N errors, M warnings` for a summary line.
pub fn counts(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Diagnostics as JSON, with 1-based line and column.
pub fn json(source: &Source<'_>, diagnostics: &[Diagnostic]) -> serde_json::Value {
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let location = d.span.map(|s| {
                let (line, column) = line_col(source.text, s.start);
                let (end_line, end_column) = line_col(source.text, s.end);
                json!({ "line": line, "column": column, "endLine": end_line, "endColumn": end_column })
            });
            json!({
                "code": d.code,
                "severity": d.severity.to_string(),
                "message": d.message,
                "file": source.path.display().to_string(),
                "location": location,
                "label": d.label,
                "help": d.help,
                "environments": d.environments,
            })
        })
        .collect();
    json!({ "diagnostics": items })
}

struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)?;
        match self.diagnostic.environments.as_slice() {
            [] => Ok(()),
            [one] => write!(f, " (environment `{one}`)"),
            many => write!(f, " (environments `{}`)", many.join("`, `")),
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.diagnostic
            .span
            .map(|_| &self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.diagnostic.span?;
        let label = LabeledSpan::new_with_span(
            self.diagnostic.label.clone(),
            SourceSpan::new(span.start.into(), span.len()),
        );
        Some(Box::new(std::iter::once(label)))
    }
}
