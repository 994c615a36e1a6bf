//! `plinth versions`: every pinned component of the platform, where its pin comes from and
//! the upstream it is checked against, as a table or JSON.

use std::path::Path;

use plinth_cfn::sorted::to_pretty_json;
use plinth_insight::versions::{self, Kind, Pin};
use serde_json::json;

use crate::report::{self, Style};
use crate::{Format, Outcome};

/// Lists the pins of the spec at `path` (in `environment`, for a spec with environments).
pub fn run(path: &Path, environment: Option<&str>, format: Format, style: Style) -> Outcome {
    let Some((_, loaded)) = super::load_and_report(path, environment, style) else {
        return Outcome::BadInput;
    };
    let Some(platform) = loaded.platform else {
        err!(
            "{} is invalid: {}; nothing listed",
            path.display(),
            report::counts(&loaded.diagnostics)
        );
        return Outcome::BadInput;
    };
    let assembly = plinth_synth::synth(&platform);
    let pins = versions::pins(&platform, &assembly);
    match format {
        Format::Json => {
            let v = json!({ "platform": assembly.manifest.platform, "pins": pins });
            out!("{}", to_pretty_json(&v));
        }
        Format::Human => print_table(&assembly.manifest.platform, &pins),
    }
    Outcome::Success
}

fn print_table(platform: &str, pins: &[Pin]) {
    out!("{platform}: {} pinned components\n", pins.len());
    out!("| Component | Name | Version | Pinned in | Checked against |");
    out!("| --- | --- | --- | --- | --- |");
    for p in pins {
        let kind = match p.kind {
            Kind::Kubernetes => "kubernetes",
            Kind::EksAddon => "eks addon",
            Kind::Chart => "chart",
            Kind::Image => "image",
            Kind::Library => "library",
        };
        let pinned = p
            .pinned_in
            .as_deref()
            .map_or_else(|| "plinth default".to_owned(), |ptr| format!("spec {ptr}"));
        let checked = p.upstream.map_or_else(
            || p.checked.to_owned(),
            |u| {
                format!(
                    "{} {} ({})",
                    u.repository,
                    u.tag,
                    &u.commit[..u.commit.len().min(12)]
                )
            },
        );
        out!(
            "| {kind} | {} | {} | {pinned} | {checked} |",
            p.name,
            p.version
        );
    }
}
