//! Policy checks: rules over a validated platform and the assembly synthesized from it.
//!
//! Each rule lives in its own file under `rules/`, named after the pattern it flags, with a
//! stable code (`PLN101`), a default [`Severity`] and a doc comment in three parts — *What it
//! does*, *Why is this bad?*, *Example* — that `plinth check --explain CODE` prints. A rule
//! reports [`Finding`]s that name the spec value causing them (a JSON pointer the binary turns
//! into file:line:col) and the synthesized resource or object they concern.
//!
//! Codes are grouped by [`Category`]: 1xx security, 2xx reliability, 3xx cost, 4xx cross-layer
//! version compatibility. Codes are never reused or renumbered.
//!
//! [`run`] applies every rule, then the spec's suppressions: a suppressed finding stays in the
//! report with its reason, and a suppression that matched nothing is reported as unused.

pub mod apis;
pub mod compat;
pub(crate) mod context;
pub mod instances;
pub mod rules;
pub mod sarif;

use std::fmt;
use std::str::FromStr;

use plinth_spec::Platform;
use plinth_synth::Assembly;
use serde::Serialize;

pub use context::{Context, Object, Res};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; rarely urgent.
    Low,
    /// Should be fixed before production.
    Medium,
    /// Fix before deploying anything that matters.
    High,
    /// Exposes data or the cluster now.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown severity `{s}` (low, medium, high, critical)"))
    }
}

/// What a rule protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Exposure, encryption, least privilege (PLN1xx).
    Security,
    /// Availability and recoverability (PLN2xx).
    Reliability,
    /// Money spent for nothing (PLN3xx).
    Cost,
    /// Versions across layers that must agree (PLN4xx).
    Compatibility,
}

impl Category {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::Reliability => "reliability",
            Category::Cost => "cost",
            Category::Compatibility => "compatibility",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What every rule declares about itself.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleInfo {
    /// Stable code, e.g. `PLN101`.
    pub code: &'static str,
    /// The pattern flagged, e.g. `PublicClusterEndpoint`.
    pub name: &'static str,
    /// What it protects.
    pub category: Category,
    /// Severity of its findings unless the rule raises it (e.g. in production).
    pub severity: Severity,
    /// One line: what is wrong when it fires.
    pub summary: &'static str,
    /// The rule's documentation: What it does / Why is this bad? / Example (Markdown).
    #[serde(skip)]
    pub doc: &'static str,
}

impl RuleInfo {
    /// The documentation as Markdown, with the doc-comment indentation removed.
    pub fn explanation(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_owned() + "\n"
    }
}

/// A policy rule.
pub trait Rule: Sync {
    /// Its code, name, category, severity and documentation.
    fn info(&self) -> RuleInfo;

    /// Appends a finding for every occurrence of the pattern.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// The synthesized resource or Kubernetes object a finding concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Target {
    /// File inside the synth output, e.g. `cloudformation/x-cluster.template.json`.
    pub file: String,
    /// Logical id of a CloudFormation resource, or `Kind/name` of a Kubernetes object.
    pub name: String,
}

/// One occurrence of a flagged pattern.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Rule code.
    pub code: &'static str,
    /// Rule name.
    pub rule: &'static str,
    /// Category of the rule.
    pub category: Category,
    /// Severity of this finding.
    pub severity: Severity,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// JSON pointer of the spec value that causes it (the nearest written ancestor is shown
    /// when the value is a default).
    pub spec: String,
    /// The synthesized resource or object it concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Why it is accepted, when a suppression in the spec matched it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
}

impl Finding {
    /// A finding of `rule` at the spec value `pointer`.
    pub fn new(rule: &RuleInfo, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: rule.code,
            rule: rule.name,
            category: rule.category,
            severity: rule.severity,
            message: message.into(),
            spec: pointer.into(),
            target: None,
            help: None,
            suppressed: None,
        }
    }

    /// Names the resource or object concerned.
    #[must_use]
    pub fn target(mut self, file: impl Into<String>, name: impl Into<String>) -> Self {
        self.target = Some(Target {
            file: file.into(),
            name: name.into(),
        });
        self
    }

    /// Attaches what to do about it.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the severity (rules raise it for production environments).
    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// The suppression that accepted a finding.
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    /// The reason written in the spec.
    pub reason: String,
    /// JSON pointer of the suppression in the spec.
    pub spec: String,
}

/// A suppression in the spec that matched no finding.
#[derive(Debug, Clone, Serialize)]
pub struct UnusedSuppression {
    /// The code it names.
    pub code: String,
    /// JSON pointer of the suppression in the spec.
    pub spec: String,
    /// Whether any rule has that code.
    pub known: bool,
}

/// Everything `plinth check` found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Findings, most severe first, then by code and target.
    pub findings: Vec<Finding>,
    /// Suppressions that matched nothing.
    pub unused_suppressions: Vec<UnusedSuppression>,
}

impl Report {
    /// Unsuppressed findings at or above `threshold`.
    pub fn failing(&self, threshold: Severity) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| f.suppressed.is_none() && f.severity >= threshold)
    }
}

/// Every rule, in code order.
pub fn rules() -> &'static [&'static dyn Rule] {
    rules::ALL
}

/// The rule with `code` (case-insensitive).
pub fn rule(code: &str) -> Option<&'static dyn Rule> {
    rules()
        .iter()
        .copied()
        .find(|r| r.info().code.eq_ignore_ascii_case(code))
}

/// Runs every rule over `platform` and `assembly` (synthesized from it), then applies the
/// spec's suppressions.
pub fn run(platform: &Platform, assembly: &Assembly) -> Report {
    let cx = Context::new(platform, assembly);
    let mut findings = Vec::new();
    for rule in rules() {
        rule.check(&cx, &mut findings);
    }
    findings.sort_by(|a, b| {
        (b.severity, a.code, &a.target, &a.spec, &a.message)
            .cmp(&(a.severity, b.code, &b.target, &b.spec, &b.message))
    });
    findings.dedup_by(|a, b| {
        a.code == b.code && a.target == b.target && a.message == b.message && a.spec == b.spec
    });
    let mut used = vec![false; platform.checks.suppressions.len()];
    for f in &mut findings {
        let matched = platform
            .checks
            .suppressions
            .iter()
            .enumerate()
            .find(|(_, s)| {
                s.code.eq_ignore_ascii_case(f.code)
                    && s.matches(f.target.as_ref().map(|t| t.name.as_str()))
            });
        if let Some((i, s)) = matched {
            used[i] = true;
            f.suppressed = Some(Suppressed {
                reason: s.reason.clone(),
                spec: format!("/checks/suppressions/{i}"),
            });
        }
    }
    let unused_suppressions = platform
        .checks
        .suppressions
        .iter()
        .enumerate()
        .filter(|(i, _)| !used[*i])
        .map(|(i, s)| UnusedSuppression {
            code: s.code.clone(),
            spec: format!("/checks/suppressions/{i}"),
            known: rule(&s.code).is_some(),
        })
        .collect();
    Report {
        findings,
        unused_suppressions,
    }
}

/// Declares a rule: a unit struct carrying the doc comment, and its [`RuleInfo`].
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            code: $code:literal,
            category: $category:ident,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            /// What the rule declares about itself.
            pub const INFO: $crate::check::RuleInfo = $crate::check::RuleInfo {
                code: $code,
                name: stringify!($name),
                category: $crate::check::Category::$category,
                severity: $crate::check::Severity::$severity,
                summary: $summary,
                doc: concat!($($doc, "\n"),+),
            };

            /// A finding of this rule at the spec value `pointer`.
            #[allow(dead_code)]
            fn finding(
                pointer: impl Into<String>,
                message: impl Into<String>,
            ) -> $crate::check::Finding {
                $crate::check::Finding::new(&Self::INFO, pointer, message)
            }
        }
    };
}
pub(crate) use declare_rule;
