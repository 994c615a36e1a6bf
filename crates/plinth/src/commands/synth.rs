//! `plinth synth`: CloudFormation templates and `synth.json`, written atomically.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use plinth_spec::Platform;

use crate::Outcome;
use crate::report::{self, Source, Style};

/// Which environments to synthesize.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// The spec as written, or the one environment named.
    One(Option<&'a str>),
    /// Every environment the spec defines.
    All,
}

/// Synthesizes the spec at `path` into `out`: by default `plinth.out/<environment>`, where
/// the environment is the one chosen with `--environment` or else `metadata.environment`.
/// With every environment, each goes to `<out>/<environment>` (default `plinth.out/…`), and
/// nothing is written unless all of them are valid.
pub fn run(path: &Path, which: Which<'_>, out: Option<&Path>, style: Style) -> Outcome {
    let environment = match which {
        Which::One(environment) => environment,
        Which::All => return run_all(path, out, style),
    };
    let Some((_, loaded)) = super::load_and_report(path, environment, style) else {
        return Outcome::BadInput;
    };
    let Some(platform) = loaded.platform else {
        err!(
            "{} is invalid: {}; nothing written",
            path.display(),
            report::counts(&loaded.diagnostics)
        );
        return Outcome::BadInput;
    };
    let out = out.map_or_else(
        || Path::new("plinth.out").join(environment.unwrap_or(&platform.metadata.environment)),
        Path::to_path_buf,
    );
    write(&platform, &out)
}

fn run_all(path: &Path, out: Option<&Path>, style: Style) -> Outcome {
    let file = match super::read_spec(path) {
        Ok(f) => f,
        Err(e) => {
            err!("{}", e.human(path));
            return Outcome::BadInput;
        }
    };
    let Some(each) = plinth_spec::load_each(&file.text) else {
        err!(
            "error: {} defines no environments; run `plinth synth` without --all-environments",
            path.display()
        );
        return Outcome::BadInput;
    };
    if !each.diagnostics.is_empty() {
        let source = Source {
            path,
            text: &file.text,
        };
        let _ = write!(
            std::io::stderr().lock(),
            "{}",
            report::human(&source, &each.diagnostics, style)
        );
    }
    if each.has_errors() {
        err!(
            "{} is invalid: {}; nothing written",
            path.display(),
            report::counts(&each.diagnostics)
        );
        return Outcome::BadInput;
    }
    let base = out.unwrap_or(Path::new("plinth.out"));
    for (name, loaded) in &each.environments {
        let platform = loaded
            .platform
            .as_ref()
            .expect("an environment without errors has a platform");
        if let outcome @ (Outcome::Failure | Outcome::BadInput) = write(platform, &base.join(name))
        {
            return outcome;
        }
    }
    Outcome::Success
}

/// Synthesizes one platform and writes it to `out` atomically, listing what was written.
fn write(platform: &Platform, out: &Path) -> Outcome {
    let assembly = plinth_synth::synth(platform);
    let mut files: Vec<(PathBuf, String)> = assembly
        .stacks
        .iter()
        .map(|s| (PathBuf::from(s.template_path()), s.template.to_json()))
        .collect();
    files.extend(
        assembly
            .kubernetes
            .iter()
            .map(|f| (PathBuf::from(&f.path), f.to_yaml())),
    );
    let mut manifest =
        serde_json::to_string_pretty(&assembly.manifest).expect("the manifest serializes");
    manifest.push('\n');
    files.push((PathBuf::from("synth.json"), manifest));
    if let Err(e) = crate::output::write_dir(out, &files) {
        err!("error: cannot write {}: {e}", out.display());
        return Outcome::Failure;
    }
    out!(
        "synthesized {} into {}",
        assembly.manifest.platform,
        out.display()
    );
    for s in &assembly.stacks {
        out!(
            "  {:<40} {:>3} resources  {}",
            s.name,
            s.template.resources.len(),
            s.template_path()
        );
    }
    for f in &assembly.kubernetes {
        let what = match &f.content {
            plinth_synth::k8s::Content::Objects(o) => format!("{:>3} objects", o.len()),
            plinth_synth::k8s::Content::Values(_) => "helm values".to_owned(),
        };
        out!(
            "  {:<40} {what:<13}  {}",
            format!("kubernetes, wave {}", f.wave.dir()),
            f.path
        );
    }
    out!("  synth.json");
    Outcome::Success
}
