//! `plinth man`: man pages generated from the clap definition (clap_mangen) — `plinth.1` and
//! one page per subcommand (`plinth-synth.1`, `plinth-import-cdk-context.1`, …). Pages carry no
//! date, so the same plinth gives the same pages.

use std::io::Write as _;
use std::path::Path;

use clap::CommandFactory as _;

use crate::Outcome;
use crate::output::{self, Existing};

/// Prints `plinth.1`, or writes every page into `out` (created if needed; other files there
/// are left alone).
pub fn run(out: Option<&Path>) -> Outcome {
    let pages = match pages() {
        Ok(p) => p,
        Err(e) => {
            err!("error: cannot render the man pages: {e}");
            return Outcome::Failure;
        }
    };
    let Some(dir) = out else {
        let (_, top) = &pages[0];
        let _ = write!(std::io::stdout().lock(), "{top}");
        return Outcome::Success;
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        err!("error[io::unwritable]: {}: {e}", dir.display());
        return Outcome::Failure;
    }
    for (name, page) in &pages {
        let path = dir.join(name);
        if let Err(e) = output::write_file(&path, page, Existing::Replace) {
            err!("error[io::unwritable]: {}: {e}", path.display());
            return Outcome::Failure;
        }
    }
    err!("wrote {} man pages to {}", pages.len(), dir.display());
    Outcome::Success
}

/// Every page as (file name, roff), `plinth.1` first, then its subcommands depth first.
fn pages() -> std::io::Result<Vec<(String, String)>> {
    let mut cmd = crate::Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(cmd, &mut pages)?;
    Ok(pages)
}

fn collect(cmd: clap::Command, pages: &mut Vec<(String, String)>) -> std::io::Result<()> {
    let subcommands: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let man = clap_mangen::Man::new(cmd).manual("plinth manual");
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    pages.push((
        man.get_filename(),
        String::from_utf8(roff).map_err(std::io::Error::other)?,
    ));
    for sub in subcommands {
        collect(sub, pages)?;
    }
    Ok(())
}
