//! `plinth completions SHELL`: a completion script for bash, zsh, fish, PowerShell or elvish,
//! generated from the same clap definition that parses the arguments, so it never drifts.

use clap::CommandFactory as _;
use clap_complete::Shell;

use crate::Outcome;

/// Prints the completion script for `shell`.
pub fn run(shell: Shell) -> Outcome {
    let mut cmd = crate::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "plinth", &mut script);
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), &script);
    Outcome::Success
}
