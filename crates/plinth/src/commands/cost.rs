//! `plinth cost`: the platform's monthly cost from the offline price table, with every
//! assumption it makes, as a table (like seed 003's TCO breakdown) or JSON.

use std::path::Path;

use plinth_cfn::sorted::to_pretty_json;
use plinth_insight::cost::{self, prices};
use serde_json::json;

use crate::report::{self, Style};
use crate::{Format, Outcome};

/// Estimates the spec at `path` (in `environment`, for a spec with environments).
pub fn run(path: &Path, environment: Option<&str>, format: Format, style: Style) -> Outcome {
    let Some((_, loaded)) = super::load_and_report(path, environment, style) else {
        return Outcome::BadInput;
    };
    let Some(platform) = loaded.platform else {
        err!(
            "{} is invalid: {}; nothing estimated",
            path.display(),
            report::counts(&loaded.diagnostics)
        );
        return Outcome::BadInput;
    };
    let assembly = plinth_synth::synth(&platform);
    let estimate = match cost::estimate(&platform, &assembly) {
        Ok(e) => e,
        Err(e) => {
            err!("error: {e}");
            return Outcome::BadInput;
        }
    };
    match format {
        Format::Json => {
            let mut v = serde_json::to_value(&estimate).expect("an estimate serializes");
            v["platform"] = json!(assembly.manifest.platform);
            v["currency"] = json!("USD");
            v["sources"] = json!(
                prices::SOURCES
                    .iter()
                    .map(|(what, url)| json!({ "prices": what, "url": url }))
                    .collect::<Vec<_>>()
            );
            v["byComponent"] = json!(
                estimate
                    .by_component()
                    .into_iter()
                    .map(|(c, monthly, percent)| json!({ "component": c, "monthly": round(monthly), "percent": round(percent) }))
                    .collect::<Vec<_>>()
            );
            out!("{}", to_pretty_json(&v));
        }
        Format::Human => print_table(&assembly.manifest.platform, &estimate),
    }
    Outcome::Success
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn print_table(platform: &str, e: &cost::Estimate) {
    out!(
        "{platform} in {}: about ${:.0} a month (USD, list prices of {})\n",
        e.region,
        e.total,
        e.prices_date
    );
    out!("| Component | Monthly | Share |");
    out!("| --- | ---: | ---: |");
    for (component, monthly, percent) in e.by_component() {
        out!("| {component} | ${monthly:.2} | {percent:.0}% |");
    }
    out!("| **Total** | **${:.2}** | 100% |\n", e.total);
    out!("| Component | Item | Monthly | Basis |");
    out!("| --- | --- | ---: | --- |");
    for l in &e.lines {
        out!(
            "| {} | {} | ${:.2} | {} |",
            l.component,
            l.item,
            l.monthly,
            l.basis
        );
    }
    out!("\nassumptions (override under `cost.assumptions` in the spec):");
    for a in &e.assumptions {
        out!(
            "  {:<20} {:>8}  {}{}",
            a.name,
            a.value,
            a.meaning,
            if a.from_spec { " (from the spec)" } else { "" }
        );
    }
    out!("\nnot included: {}", e.excluded.join("; "));
    out!(
        "prices: {}",
        prices::SOURCES
            .iter()
            .map(|(what, url)| format!("{what} {url}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}
