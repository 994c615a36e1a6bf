//! `plinth validate`: every problem in a spec, located, at once — in every environment of a
//! spec with `environments`, unless `--environment` picks one.

use std::path::Path;

use plinth_cfn::sorted::to_pretty_json;
use plinth_spec::{Diagnostic, Platform};

use crate::report::{self, Source, Style};
use crate::{Format, Outcome};

/// An environment's name (none for a spec without environments) and its platform, if valid.
type Named = (Option<String>, Option<Platform>);

/// Validates the spec at `path`: the environment given, or every one the spec defines.
pub fn run(path: &Path, environment: Option<&str>, format: Format, style: Style) -> Outcome {
    let file = match super::read_spec(path) {
        Ok(f) => f,
        Err(e) => {
            match format {
                Format::Json => out!("{}", to_pretty_json(&e.json(path))),
                Format::Human => err!("{}", e.human(path)),
            }
            return Outcome::BadInput;
        }
    };
    let source = Source {
        path,
        text: &file.text,
    };
    // Every environment, unless one is chosen.
    let each = match environment {
        None => plinth_spec::load_each(&file.text),
        Some(_) => None,
    };
    let every = each.is_some();
    let (diagnostics, platforms): (Vec<Diagnostic>, Vec<Named>) = if let Some(each) = each {
        let platforms = each
            .environments
            .into_iter()
            .map(|(n, l)| (Some(n), l.platform))
            .collect();
        (each.diagnostics, platforms)
    } else {
        let l = plinth_spec::load_environment(&file.text, environment);
        (l.diagnostics, vec![(l.environment, l.platform)])
    };
    let diagnostics = diagnostics.as_slice();
    let valid =
        !diagnostics.iter().any(Diagnostic::is_error) && platforms.iter().all(|(_, p)| p.is_some());
    // A valid spec can still make a template CloudFormation refuses (too many resources in
    // one stack); synthesis is cheap, so validate checks that too.
    let valid = valid
        && platforms.iter().fold(true, |fits, (name, p)| {
            let assembly = plinth_synth::synth(p.as_ref().expect("checked above"));
            super::fits_quotas(&assembly, name.as_deref()) && fits
        });
    if format == Format::Json {
        let mut out = report::json(&source, diagnostics);
        out["valid"] = serde_json::Value::Bool(valid);
        if every {
            out["environments"] = platforms
                .iter()
                .map(|(n, p)| (n.clone().unwrap_or_default(), p.is_some().into()))
                .collect::<serde_json::Map<_, _>>()
                .into();
        }
        out!("{}", to_pretty_json(&out));
        return if valid {
            Outcome::Success
        } else {
            Outcome::BadInput
        };
    }
    if !diagnostics.is_empty() {
        use std::io::Write as _;
        let _ = write!(
            std::io::stderr().lock(),
            "{}",
            report::human(&source, diagnostics, style)
        );
    }
    if !valid {
        err!(
            "{} is invalid: {}",
            path.display(),
            report::counts(diagnostics)
        );
        return Outcome::BadInput;
    }
    if let (false, [(name, Some(p))]) = (every, platforms.as_slice()) {
        let name = name
            .as_ref()
            .map(|n| format!(" in environment {n}"))
            .unwrap_or_default();
        out!(
            "{} is valid{name} ({}): {}",
            path.display(),
            report::counts(diagnostics),
            summary(p)
        );
        return Outcome::Success;
    }
    out!(
        "{} is valid in {} ({}):",
        path.display(),
        match platforms.len() {
            1 => "1 environment".to_owned(),
            n => format!("{n} environments"),
        },
        report::counts(diagnostics)
    );
    for (name, p) in &platforms {
        if let (Some(name), Some(p)) = (name, p) {
            out!("  {name}: {}", summary(p));
        }
    }
    Outcome::Success
}

/// One line on what a valid platform is.
fn summary(p: &Platform) -> String {
    let n = &p.network;
    format!(
        "platform {}, {} zones, network {} with {} addresses left after {} subnets",
        p.names.platform(),
        n.zones.len(),
        n.cidr,
        n.free_addresses,
        n.zones.len() * 2,
    )
}
