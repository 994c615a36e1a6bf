//! The plinth spec: from YAML text to a validated [`Platform`], with every problem located.
//!
//! ```text
//! text ─ yaml::parse ─▶ Document (JSON + spans) ─ structure::check ─▶ RawSpec ─ validate ─▶ Platform
//! ```
//!
//! Parsing never stops at the first problem: [`load`] returns the platform when the spec is
//! usable and all diagnostics either way. A spec with `environments` is loaded one environment
//! at a time ([`load_environment`]), or all of them together ([`load_each`]); see
//! [`environments`] for the merge rules. [`import`] writes specs from other tools'
//! configuration. This crate does no IO.

pub mod diagnostic;
pub mod environments;
pub mod facts;
pub mod import;
pub mod model;
pub mod names;
pub mod raw;
pub mod structure;
mod suggest;
pub mod validate;
pub mod yaml;

pub use diagnostic::{Diagnostic, Severity, Span, line_col};
pub use model::Platform;
pub use structure::json_schema;

/// Largest spec plinth reads, in bytes. Real specs are a few kilobytes.
pub const MAX_SPEC_BYTES: usize = 1024 * 1024;

/// What loading a spec produced.
#[derive(Debug)]
pub struct Loaded {
    /// The validated platform, when no error was found.
    pub platform: Option<Platform>,
    /// Every problem found, errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The environment whose overlay was merged in, if one was chosen.
    pub environment: Option<String>,
    /// Every environment the spec defines, sorted.
    pub environments: Vec<String>,
    /// Where each node of the loaded document (merged, for an environment) came from in the
    /// source, for locating later findings by JSON pointer; empty when the YAML did not parse.
    pub spans: yaml::SpanIndex,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and validates a spec that has no `environments`. A spec with environments is
/// reported as needing one chosen; see [`load_environment`].
pub fn load(source: &str) -> Loaded {
    load_environment(source, None)
}

/// Parses and validates a spec with the overlay of `environment` merged onto its base.
///
/// `None` loads a spec without environments; for a spec that has some it reports
/// `spec::environment-required` (a base is not meant to be deployed on its own, and may leave
/// fields such as the account to its environments). A name the spec does not define is
/// reported as `spec::unknown-environment`.
pub fn load_environment(source: &str, environment: Option<&str>) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut environments = Vec::new();
    let mut spans = yaml::SpanIndex::default();
    let platform = load_into(
        source,
        environment,
        &mut environments,
        &mut spans,
        &mut diagnostics,
    );
    sort(&mut diagnostics);
    Loaded {
        platform,
        diagnostics,
        environment: environment.map(str::to_owned),
        environments,
        spans,
    }
}

/// Every environment of a spec, each loaded on its own, with their problems brought together.
#[derive(Debug)]
pub struct EachLoaded {
    /// Each environment by name, in name order, with what loading it produced.
    pub environments: Vec<(String, Loaded)>,
    /// Every problem once, in source order. A problem found in only some environments lists
    /// them in [`Diagnostic::environments`]; one found in all of them lists none. Problems
    /// between environments (two of them deploying the same names into one account and
    /// region) are here too.
    pub diagnostics: Vec<Diagnostic>,
}

impl EachLoaded {
    /// Whether any environment, or the environments together, have an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Each environment's platform by name, in name order; `None` unless every environment
    /// loaded into one (as they all do when [`Self::has_errors`] is false).
    pub fn platforms(&self) -> Option<Vec<(&str, &Platform)>> {
        self.environments
            .iter()
            .map(|(name, loaded)| Some((name.as_str(), loaded.platform.as_ref()?)))
            .collect()
    }
}

/// The environments a spec defines, sorted; empty when it defines none or cannot be parsed.
pub fn environment_names(source: &str) -> Vec<String> {
    if source.len() > MAX_SPEC_BYTES {
        return Vec::new();
    }
    let (doc, _) = yaml::parse(source, yaml::Limits::default());
    let Some(mut doc) = doc else {
        return Vec::new();
    };
    environments::split(&mut doc, &mut Vec::new())
        .into_keys()
        .collect()
}

/// Loads every environment of a spec; `None` when the spec defines none.
pub fn load_each(source: &str) -> Option<EachLoaded> {
    let names = environment_names(source);
    if names.is_empty() {
        return None;
    }
    let loaded: Vec<(String, Loaded)> = names
        .iter()
        .map(|n| (n.clone(), load_environment(source, Some(n))))
        .collect();
    let mut found: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    for (name, l) in &loaded {
        for d in &l.diagnostics {
            match found.iter_mut().find(|(f, _)| f == d) {
                Some((_, envs)) => envs.push(name.clone()),
                None => found.push((d.clone(), vec![name.clone()])),
            }
        }
    }
    let mut diagnostics: Vec<Diagnostic> = found
        .into_iter()
        .map(|(mut d, envs)| {
            if envs.len() < names.len() {
                d.environments = envs;
            }
            d
        })
        .collect();
    let (doc, _) = yaml::parse(source, yaml::Limits::default());
    if let Some(doc) = doc {
        diagnostics.extend(environments::collisions(&doc, &loaded));
    }
    sort(&mut diagnostics);
    Some(EachLoaded {
        environments: loaded,
        diagnostics,
    })
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.span.map(|s| s.start), d.severity != Severity::Error));
}

fn load_into(
    source: &str,
    environment: Option<&str>,
    names: &mut Vec<String>,
    spans: &mut yaml::SpanIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Platform> {
    if source.len() > MAX_SPEC_BYTES {
        diagnostics.push(
            Diagnostic::error(
                "spec::too-large",
                format!(
                    "the spec is {} bytes; plinth reads at most {MAX_SPEC_BYTES}",
                    source.len()
                ),
            )
            .at(Some(Span::new(0, 0)))
            .help("a platform spec is a few kilobytes; this file is not one"),
        );
        return None;
    }
    let (doc, yaml_diags) = yaml::parse(source, yaml::Limits::default());
    let yaml_failed = yaml_diags.iter().any(Diagnostic::is_error);
    diagnostics.extend(yaml_diags);
    let mut doc = doc?;
    let overlays = environments::split(&mut doc, diagnostics);
    names.extend(overlays.keys().cloned());
    match (environment, overlays.is_empty()) {
        (None, true) => {}
        (None, false) => {
            diagnostics.push(environments::required(&doc, names));
            return None;
        }
        (Some(name), _) => {
            let Some(overlay) = overlays.get(name) else {
                diagnostics.push(environments::unknown(&doc, name, names));
                return None;
            };
            doc = environments::merge(&doc, name, overlay, diagnostics);
        }
    }
    spans.clone_from(&doc.spans);
    let structure = structure::check(&doc, source);
    diagnostics.extend(structure.diagnostics);
    if structure.blocking {
        return None;
    }
    // Every repair has been reported; applying them lets the semantic checks run in the same
    // pass, so one run shows every problem.
    for repair in &structure.repairs {
        match repair {
            structure::Repair::Remove(pointer) => {
                remove(&mut doc.value, pointer);
            }
            structure::Repair::Replace(pointer, v) => {
                if let Some(slot) = doc.value.pointer_mut(pointer) {
                    *slot = v.clone();
                }
            }
            structure::Repair::Rename { from, to } => {
                if let Some(v) = remove(&mut doc.value, from) {
                    insert(&mut doc.value, to, v);
                }
            }
        }
    }
    let raw: raw::RawSpec = match serde_json::from_value(doc.value) {
        Ok(raw) => raw,
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                "spec::invalid",
                format!("the spec does not match its schema: {e}"),
            ));
            return None;
        }
    };
    let (platform, semantic) = validate::validate(&raw, &doc.spans);
    diagnostics.extend(semantic);
    if yaml_failed || diagnostics.iter().any(Diagnostic::is_error) {
        return None;
    }
    platform
}

fn remove(value: &mut serde_json::Value, pointer: &str) -> Option<serde_json::Value> {
    let (parent, key) = pointer.rsplit_once('/')?;
    let key = key.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(serde_json::Value::Object(map)) => map.remove(&key),
        _ => None,
    }
}

fn insert(value: &mut serde_json::Value, pointer: &str, v: serde_json::Value) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    if let Some(serde_json::Value::Object(map)) = value.pointer_mut(parent) {
        map.insert(key, v);
    }
}
