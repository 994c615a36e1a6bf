//! `plinth graph`: the platform as a Mermaid flowchart or a Graphviz DOT digraph.

use std::io::Write as _;
use std::path::Path;

use crate::Outcome;
use crate::report::{self, Style};

/// Diagram languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Mermaid flowchart (renders in GitHub, GitLab and most Markdown viewers).
    Mermaid,
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
}

/// Prints the diagram of the spec at `path` (in `environment`, for a spec with environments).
pub fn run(path: &Path, environment: Option<&str>, format: GraphFormat, style: Style) -> Outcome {
    let Some((_, loaded)) = super::load_and_report(path, environment, style) else {
        return Outcome::BadInput;
    };
    let Some(platform) = loaded.platform else {
        err!(
            "{} is invalid: {}; nothing drawn",
            path.display(),
            report::counts(&loaded.diagnostics)
        );
        return Outcome::BadInput;
    };
    let assembly = plinth_synth::synth(&platform);
    let graph = plinth_insight::graph::build(&platform, &assembly);
    let text = match format {
        GraphFormat::Mermaid => graph.mermaid(),
        GraphFormat::Dot => graph.dot(),
    };
    let _ = write!(std::io::stdout().lock(), "{text}");
    Outcome::Success
}
