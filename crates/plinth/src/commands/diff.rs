//! `plinth diff OLD NEW`: what changes between two outputs, resource by resource and property
//! by property. Each side is a synth output directory or a spec (synthesized in memory, in an
//! environment of its own, so two environments of one spec compare too).
//! With `--deployed` the old side is the templates CloudFormation holds for the spec's stacks.
//! Exit 0 when they are the same, 1 when they differ, 2 when a side cannot be read.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use owo_colors::OwoColorize as _;
use plinth_cfn::sorted::to_pretty_json;
use plinth_deploy::Cloud;
use plinth_deploy::engine::{self, DeployError};
use plinth_insight::diff::{self, Document, Kind, Output};
use serde_json::{Value, json};

use super::cloud::{self, CloudArgs};
use crate::report::{self, Style};
use crate::{Format, Outcome};

/// One side of the comparison.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// A synth output directory or a spec.
    pub path: &'a Path,
    /// The environment to load a spec in, for a spec with environments.
    pub environment: Option<&'a str>,
}

impl Side<'_> {
    fn describe(&self) -> String {
        match self.environment {
            Some(e) => format!("{} ({e})", self.path.display()),
            None => self.path.display().to_string(),
        }
    }
}

/// Compares `old` with `new`.
pub fn run(old: Side<'_>, new: Side<'_>, format: Format, style: Style) -> Outcome {
    let (Some(a), Some(b)) = (read_side(old, style), read_side(new, style)) else {
        return Outcome::BadInput;
    };
    compare(&old.describe(), &new.describe(), &a, &b, format, style)
}

/// Prints the difference of two outputs; the outcome says whether they differ.
fn compare(old: &str, new: &str, a: &Output, b: &Output, format: Format, style: Style) -> Outcome {
    let d = diff::diff(a, b);
    match format {
        Format::Json => {
            let (added, removed, modified, properties) = d.counts();
            let v = json!({
                "old": old,
                "new": new,
                "same": d.is_empty(),
                "counts": { "added": added, "removed": removed, "modified": modified, "properties": properties },
                "changes": d.changes,
            });
            out!("{}", to_pretty_json(&v));
        }
        Format::Human => {
            let text = human(&d, style);
            let _ = write!(std::io::stdout().lock(), "{text}");
        }
    }
    if d.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

/// Compares the templates CloudFormation holds for the spec's stacks with the templates the
/// spec synthesizes now: what the next deploy changes, resource by resource and property by
/// property. Stacks not deployed yet show as added. Kubernetes objects are not compared (the
/// cluster holds them with server defaults); `plinth plan` dry-runs them instead.
pub fn deployed(
    path: &Path,
    environment: Option<&str>,
    args: &CloudArgs,
    format: Format,
    style: Style,
) -> Outcome {
    let Some((platform, assembly)) = cloud::synthesize(path, environment, style) else {
        return Outcome::BadInput;
    };
    let Some(target) = cloud::target_of(path, &platform, &assembly, args, false) else {
        return Outcome::BadInput;
    };
    let selected: Vec<&plinth_synth::Stack> = assembly
        .stacks
        .iter()
        .filter(|s| target.stacks.iter().any(|t| t.name == s.name))
        .collect();
    let mut spec = Output::from_assembly(&assembly);
    let paths: Vec<String> = selected.iter().map(|s| s.template_path()).collect();
    spec.files.retain(|file, _| paths.contains(file));
    let read = cloud::runtime().block_on(async {
        let cloud = Cloud::connect(&args.connect(), &target.region).await;
        engine::check_account(&cloud, &target).await?;
        let mut last = Output::default();
        for (stack, file) in selected.iter().zip(&paths) {
            let Some(body) = cloud
                .deployed_template(&stack.name)
                .await
                .map_err(DeployError::from)?
            else {
                continue;
            };
            // plinth submits JSON; a template someone replaced by hand may be YAML.
            let template: Value = serde_json::from_str(&body)
                .or_else(|_| serde_saphyr::from_str(&body))
                .map_err(|e| DeployError::Aws(aws_error(&stack.name, &e.to_string())))?;
            last.files
                .insert(file.clone(), Document::Template(template));
        }
        Ok::<_, DeployError>(last)
    });
    let last = match read {
        Ok(last) => last,
        Err(e) => {
            err!("error: cannot read the deployed stacks: {e}");
            return Outcome::BadInput;
        }
    };
    let old = format!("deployed in {}", target.region);
    compare(
        &old,
        &path.display().to_string(),
        &last,
        &spec,
        format,
        style,
    )
}

fn aws_error(stack: &str, message: &str) -> plinth_deploy::aws::AwsError {
    plinth_deploy::aws::AwsError::other(
        format!("read the template of {stack}"),
        format!("not a JSON or YAML template: {message}"),
    )
}

/// Reads one side: a directory written by `plinth synth`, or a spec to synthesize.
fn read_side(side: Side<'_>, style: Style) -> Option<Output> {
    let path = side.path;
    if path.is_dir() {
        return match read_dir(path) {
            Ok(o) => Some(o),
            Err(e) => {
                err!("error: cannot read {}: {e}", path.display());
                None
            }
        };
    }
    let (_, loaded) = super::load_and_report(path, side.environment, style)?;
    let Some(platform) = loaded.platform else {
        err!(
            "{} is invalid: {}; nothing compared",
            path.display(),
            report::counts(&loaded.diagnostics)
        );
        return None;
    };
    Some(Output::from_assembly(&plinth_synth::synth(&platform)))
}

fn read_dir(root: &Path) -> Result<Output, String> {
    let mut out = Output::default();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .expect("walked below the root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{rel}: {e}"))?;
            let extension = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let doc = if extension == "json" {
                let v: Value = serde_json::from_str(&text).map_err(|e| format!("{rel}: {e}"))?;
                if rel.starts_with("cloudformation/") {
                    Document::Template(v)
                } else {
                    Document::Other(v)
                }
            } else if extension == "yaml" || extension == "yml" {
                let docs: Vec<Value> =
                    serde_saphyr::from_multiple(&text).map_err(|e| format!("{rel}: {e}"))?;
                if rel.contains("/values/") {
                    Document::Other(docs.into_iter().next().unwrap_or(Value::Null))
                } else {
                    Document::Objects(docs.into_iter().filter(|d| !d.is_null()).collect())
                }
            } else {
                continue;
            };
            out.files.insert(rel, doc);
        }
    }
    if out.files.is_empty() {
        return Err("no templates or manifests in it (is it a `plinth synth` output?)".to_owned());
    }
    Ok(out)
}

fn human(d: &diff::Diff, style: Style) -> String {
    let paint = |kind: Kind, s: &str| -> String {
        if !style.color {
            return s.to_owned();
        }
        match kind {
            Kind::Added => s.green().to_string(),
            Kind::Removed => s.red().to_string(),
            Kind::Modified => s.yellow().to_string(),
        }
    };
    let mark = |k: Kind| match k {
        Kind::Added => "+",
        Kind::Removed => "-",
        Kind::Modified => "~",
    };
    let mut out = String::new();
    let mut file = "";
    for c in &d.changes {
        if c.file != file {
            file = &c.file;
            let _ = writeln!(
                out,
                "{}",
                if style.color {
                    c.file.bold().to_string()
                } else {
                    c.file.clone()
                }
            );
        }
        let replace = if c.type_changed { " (replacement)" } else { "" };
        let _ = writeln!(
            out,
            "  {}",
            paint(c.kind, &format!("{} {}{replace}", mark(c.kind), c.item))
        );
        for p in &c.properties {
            let line = match (&p.old, &p.new) {
                (Some(a), Some(b)) => format!("      ~ {}: {} → {}", p.path, short(a), short(b)),
                (None, Some(b)) => format!("      + {}: {}", p.path, short(b)),
                (Some(a), None) => format!("      - {}: {}", p.path, short(a)),
                (None, None) => continue,
            };
            let kind = match (&p.old, &p.new) {
                (None, _) => Kind::Added,
                (_, None) => Kind::Removed,
                _ => Kind::Modified,
            };
            let _ = writeln!(out, "{}", paint(kind, &line));
        }
    }
    let (added, removed, modified, properties) = d.counts();
    if d.is_empty() {
        out.push_str("no differences\n");
    } else {
        let _ = writeln!(
            out,
            "{added} added, {removed} removed, {modified} modified ({properties} properties)"
        );
    }
    out
}

/// A value on one line, cut at 100 characters.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 100 {
        format!("{}…", s.chars().take(99).collect::<String>())
    } else {
        s
    }
}
