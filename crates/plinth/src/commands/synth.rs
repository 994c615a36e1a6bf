//! `plinth synth`: CloudFormation templates, Kubernetes manifests and `synth.json`, and on
//! request the GitOps repository layout; each directory is written atomically.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use plinth_spec::Platform;
use plinth_synth::Assembly;

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

/// Where to write.
#[derive(Debug, Clone, Copy)]
pub struct Dirs<'a> {
    /// The output directory, when given.
    pub out: Option<&'a Path>,
    /// The GitOps layout's directory, when asked for.
    pub gitops: Option<&'a Path>,
}

/// Synthesizes the spec at `path` into `dirs.out`: by default `plinth.out/<environment>`,
/// where the environment is the one chosen with `--environment` or else
/// `metadata.environment`; and the GitOps layout into `dirs.gitops` when given. With every
/// environment, each goes to `<dir>/<environment>` (default `plinth.out/…`), and nothing is
/// written unless all of them are valid.
pub fn run(path: &Path, which: Which<'_>, dirs: Dirs<'_>, style: Style) -> Outcome {
    let environment = match which {
        Which::One(environment) => environment,
        Which::All => return run_all(path, dirs, style),
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
    let out = dirs.out.map_or_else(
        || Path::new("plinth.out").join(environment.unwrap_or(&platform.metadata.environment)),
        Path::to_path_buf,
    );
    if dirs.gitops.is_some() && platform.gitops.is_none() {
        err!(
            "error: {} has no `gitops` section, so there is no layout for --gitops; nothing written",
            path.display()
        );
        return Outcome::BadInput;
    }
    if let Some(gitops) = dirs.gitops
        && overlaps(&out, gitops)
    {
        return overlap_error(&out, gitops);
    }
    let assembly = plinth_synth::synth(&platform);
    if !super::fits_quotas(&assembly, None) {
        err!(
            "{} is too large for CloudFormation; nothing written",
            path.display()
        );
        return Outcome::BadInput;
    }
    write(&platform, &assembly, &out, dirs.gitops)
}

fn run_all(path: &Path, dirs: Dirs<'_>, style: Style) -> Outcome {
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
    let base = dirs.out.unwrap_or(Path::new("plinth.out"));
    let platforms = each
        .platforms()
        .expect("every environment of a spec without errors has a platform");
    if let Some(gitops) = dirs.gitops {
        let without: Vec<&str> = platforms
            .iter()
            .filter(|(_, p)| p.gitops.is_none())
            .map(|(name, _)| *name)
            .collect();
        if !without.is_empty() {
            err!(
                "error: environment {} of {} has no `gitops` section, so there is no layout for --gitops; nothing written",
                without.join(", "),
                path.display()
            );
            return Outcome::BadInput;
        }
        if overlaps(base, gitops) {
            return overlap_error(base, gitops);
        }
    }
    let assemblies: Vec<(&str, &Platform, Assembly)> = platforms
        .into_iter()
        .map(|(name, platform)| (name, platform, plinth_synth::synth(platform)))
        .collect();
    // Every environment fits CloudFormation's quotas before any is written.
    let mut fits = true;
    for (name, _, assembly) in &assemblies {
        fits &= super::fits_quotas(assembly, Some(name));
    }
    if !fits {
        err!(
            "{} is too large for CloudFormation; nothing written",
            path.display()
        );
        return Outcome::BadInput;
    }
    for (name, platform, assembly) in &assemblies {
        let gitops = dirs.gitops.map(|d| d.join(name));
        if let outcome @ (Outcome::Failure | Outcome::BadInput) =
            write(platform, assembly, &base.join(name), gitops.as_deref())
        {
            return outcome;
        }
    }
    Outcome::Success
}

/// Whether one directory is the other or inside it: writing one would replace the other.
fn overlaps(a: &Path, b: &Path) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

fn overlap_error(out: &Path, gitops: &Path) -> Outcome {
    err!(
        "error: the GitOps directory {} and the output directory {} overlap; give --gitops a directory of its own",
        gitops.display(),
        out.display()
    );
    Outcome::BadInput
}

/// Synthesizes one platform and writes it to `out` atomically, and its GitOps layout to
/// `gitops`, listing what was written.
fn write(platform: &Platform, assembly: &Assembly, out: &Path, gitops: Option<&Path>) -> Outcome {
    let files: Vec<(PathBuf, String)> = assembly
        .files()
        .into_iter()
        .map(|(path, text)| (PathBuf::from(path), text))
        .collect();
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
    match gitops {
        Some(dir) => write_layout(platform, assembly, dir),
        None => Outcome::Success,
    }
}

/// Writes the GitOps layout of an assembly to `dir` atomically, listing what was written.
fn write_layout(platform: &Platform, assembly: &plinth_synth::Assembly, dir: &Path) -> Outcome {
    let layout = plinth_synth::gitops::layout(platform, &assembly.kubernetes)
        .expect("a platform with `gitops` has a layout");
    let files: Vec<(PathBuf, String)> = layout
        .files
        .iter()
        .map(|f| (PathBuf::from(&f.path), f.to_yaml()))
        .collect();
    if let Err(e) = crate::output::write_dir(dir, &files) {
        err!("error: cannot write {}: {e}", dir.display());
        return Outcome::Failure;
    }
    let g = platform
        .gitops
        .as_ref()
        .expect("a platform with a layout has `gitops`");
    out!(
        "wrote the GitOps layout of {} into {} (commit it to {} at {}/, revision {})",
        assembly.manifest.platform,
        dir.display(),
        g.repository,
        g.path,
        g.revision
    );
    for f in &layout.files {
        let what = match f.role {
            plinth_synth::gitops::FileRole::Bootstrap => "bootstrap",
            plinth_synth::gitops::FileRole::App => "application",
            plinth_synth::gitops::FileRole::Manifests => "manifests",
        };
        out!("  {what:<12} {:>3} objects  {}", f.objects.len(), f.path);
    }
    Outcome::Success
}
