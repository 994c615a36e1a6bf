//! `plinth synth`: CloudFormation templates and `synth.json`, written atomically.

use std::path::{Path, PathBuf};

use crate::Outcome;
use crate::report::{self, Style};

/// Synthesizes the spec at `path` into `out` (default `plinth.out/<environment>`).
pub fn run(path: &Path, out: Option<&Path>, style: Style) -> Outcome {
    let Some((_, loaded)) = super::load_and_report(path, style) else {
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
    let assembly = plinth_synth::synth(&platform);
    let out = out.map_or_else(
        || Path::new("plinth.out").join(&platform.metadata.environment),
        Path::to_path_buf,
    );
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
    if let Err(e) = crate::output::write_dir(&out, &files) {
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
