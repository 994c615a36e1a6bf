//! `plinth`: one YAML spec to a production-grade AWS EKS data platform.
//!
//! The binary is thin: it parses arguments, reads the spec, calls the pure core and writes
//! what the core returns. One module per subcommand lives in `commands/`.
//!
//! Exit codes: 0 success; 1 the command ran but failed (e.g. output could not be written);
//! 2 unusable input or usage (an invalid spec, a missing file, bad flags).

/// `println!` that stops quietly when stdout is closed (e.g. piped into `head`).
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

/// `eprintln!` that never panics on a closed stderr.
macro_rules! err {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($t)*);
    }};
}

mod commands;
mod output;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// One YAML spec to a production-grade AWS EKS data platform.
#[derive(Debug, Parser)]
#[command(name = "plinth", version, about, propagate_version = true)]
struct Cli {
    /// When to color output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// The environment to use, for a spec with `environments` (its overlay is merged onto
    /// the base).
    #[arg(long, short = 'e', global = true, value_name = "NAME")]
    environment: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a spec and report every problem, located, at once (every environment unless
    /// `--environment` picks one).
    Validate {
        /// The platform spec.
        spec: PathBuf,
        /// Output format.
        #[arg(long, short = 'o', value_enum, default_value_t = Format::Human)]
        output: Format,
    },
    /// Write CloudFormation templates and synth.json for a spec.
    Synth {
        /// The platform spec.
        spec: PathBuf,
        /// Output directory (default: `plinth.out/ENVIRONMENT`; with `--all-environments`,
        /// one directory per environment inside it)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Synthesize every environment of the spec, each into its own directory.
        #[arg(long, conflicts_with = "environment")]
        all_environments: bool,
        /// Also write the GitOps repository layout Argo CD syncs (the spec's `gitops`) into
        /// DIR, the checkout's copy of `gitops.path`; with `--all-environments`, one
        /// directory per environment inside it.
        #[arg(long, value_name = "DIR")]
        gitops: Option<PathBuf>,
    },
    /// Print the JSON Schema of the spec (for editors: yaml-language-server).
    Schema,
    /// Estimate the platform's monthly cost from plinth's offline price table.
    Cost {
        /// The platform spec.
        spec: PathBuf,
        /// Output format.
        #[arg(long, short = 'o', value_enum, default_value_t = Format::Human)]
        output: Format,
    },
    /// List every pinned component (Kubernetes, EKS addons, charts, images) with where its
    /// pin comes from and the upstream it is checked against.
    Versions {
        /// The platform spec.
        spec: PathBuf,
        /// Output format.
        #[arg(long, short = 'o', value_enum, default_value_t = Format::Human)]
        output: Format,
    },
    /// Draw the platform: network, cluster, Druid, data stores and data flows.
    Graph {
        /// The platform spec.
        spec: PathBuf,
        /// Diagram language.
        #[arg(long, short = 'f', value_enum, default_value_t = commands::graph::GraphFormat::Mermaid)]
        format: commands::graph::GraphFormat,
    },
    /// Show what changes between two outputs: each a synth output directory or a spec, two
    /// environments of one spec (`plinth diff SPEC --from staging --to prod`), or the deployed
    /// stacks and the spec (`plinth diff SPEC --deployed`).
    Diff {
        /// The old side: a directory written by `plinth synth`, or a spec.
        old: PathBuf,
        /// The new side (default: OLD again, for comparing two environments of one spec).
        #[arg(
            required_unless_present_all = ["from", "to"],
            required_unless_present_any = ["deployed"],
            conflicts_with = "deployed"
        )]
        new: Option<PathBuf>,
        /// Compare the templates CloudFormation holds for the spec's stacks (the last deploy)
        /// with the templates the spec synthesizes now.
        #[arg(long, conflicts_with_all = ["from", "to"])]
        deployed: bool,
        #[command(flatten)]
        cloud: commands::cloud::CloudArgs,
        /// Environment of the old side, when it is a spec with environments.
        #[arg(long, value_name = "ENV")]
        from: Option<String>,
        /// Environment of the new side, when it is a spec with environments.
        #[arg(long, value_name = "ENV")]
        to: Option<String>,
        /// Output format.
        #[arg(long, short = 'o', value_enum, default_value_t = Format::Human)]
        output: Format,
    },
    /// Check the platform against policy rules: security, reliability, cost, versions.
    #[command(arg_required_else_help = true)]
    Check {
        /// The platform spec.
        #[arg(required_unless_present_any = ["explain", "list"])]
        spec: Option<PathBuf>,
        /// Output format.
        #[arg(long, short = 'o', value_enum, default_value_t = commands::check::CheckFormat::Human)]
        output: commands::check::CheckFormat,
        /// Report findings of this severity and above; exit 1 when any remain unsuppressed.
        #[arg(long, value_enum, default_value_t = commands::check::SeverityArg::Low)]
        severity: commands::check::SeverityArg,
        /// Print the documentation of a rule, e.g. `--explain PLN101`.
        #[arg(long, value_name = "CODE", conflicts_with_all = ["spec", "list"])]
        explain: Option<String>,
        /// List every rule.
        #[arg(long, conflicts_with = "spec")]
        list: bool,
    },
    /// Convert another tool's configuration into a plinth spec.
    #[command(subcommand)]
    Import(Import),
    /// Print a shell completion script, e.g. `plinth completions bash > /etc/bash_completion.d/plinth`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page `plinth.1`, or write one page per command into a directory.
    Man {
        /// Write `plinth.1`, `plinth-validate.1` and the rest into this directory (created if
        /// needed).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Show what deploy would change: CloudFormation change sets per stack.
    Plan {
        /// The platform spec.
        spec: PathBuf,
        #[command(flatten)]
        cloud: commands::cloud::CloudArgs,
        /// `json` prints a plan file for `plinth deploy --plan` (its change sets are kept).
        #[arg(long, short = 'o', value_enum, default_value_t = commands::cloud::TableOrJson::Table)]
        output: commands::cloud::TableOrJson,
        /// Estimate how long a first deploy takes, one stack at a time against plinth's
        /// parallel order, from typical creation times; contacts nothing.
        #[arg(long)]
        timeline: bool,
        /// Plan a deploy that hands the Kubernetes objects over to Argo CD (`deploy --gitops`).
        #[arg(long, conflicts_with = "timeline")]
        gitops: bool,
    },
    /// Deploy the platform: stacks in dependency order, then the Kubernetes waves.
    Deploy {
        /// The platform spec.
        spec: PathBuf,
        #[command(flatten)]
        cloud: commands::cloud::CloudArgs,
        #[command(flatten)]
        deploy: commands::deploy::DeployArgs,
    },
    /// Show the platform's stacks, their states and outputs.
    Status {
        /// The platform spec.
        spec: PathBuf,
        #[command(flatten)]
        cloud: commands::cloud::CloudArgs,
        /// Output format.
        #[arg(long, short = 'o', value_enum, default_value_t = commands::cloud::TableOrJson::Table)]
        output: commands::cloud::TableOrJson,
    },
    /// Delete the platform: Kubernetes load balancers and nodes first, then the stacks in
    /// reverse order, then leftovers in the VPC.
    Destroy {
        /// The platform spec.
        spec: PathBuf,
        #[command(flatten)]
        cloud: commands::cloud::CloudArgs,
        /// Delete; without it destroy only lists what would go.
        #[arg(long)]
        approve: bool,
    },
}

/// What `plinth import` converts.
#[derive(Debug, Subcommand)]
enum Import {
    /// Convert the reference CDK project's `cdk.context.json` into a spec.
    ///
    /// Identity, account, region, administrators, users, Grafana Cloud and the Druid release
    /// come from the file, the rest from plinth's reference platform; the spec's opening
    /// comment says which is which. The Grafana Cloud API key is never written: the spec
    /// names a Secrets Manager secret, and plinth prints the command that stores the key.
    CdkContext {
        /// The context file.
        file: PathBuf,
        /// Write the spec to this file (atomically) instead of stdout.
        #[arg(long, value_name = "SPEC")]
        out: Option<PathBuf>,
        /// Replace the `--out` file if it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
}

/// When to color output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Color when writing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// Output format of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Human,
    /// For programs.
    Json,
}

/// How a command ended.
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the command ran and found problems or could not finish.
    Failure,
    /// Exit 2: the input or usage is unusable.
    BadInput,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let style = report::Style::new(cli.color);
    let env = cli.environment.as_deref();
    let outcome = match cli.command {
        Command::Validate { spec, output } => commands::validate::run(&spec, env, output, style),
        Command::Synth {
            spec,
            out,
            all_environments,
            gitops,
        } => {
            let which = if all_environments {
                commands::synth::Which::All
            } else {
                commands::synth::Which::One(env)
            };
            let dirs = commands::synth::Dirs {
                out: out.as_deref(),
                gitops: gitops.as_deref(),
            };
            commands::synth::run(&spec, which, dirs, style)
        }
        Command::Schema => commands::schema::run(),
        Command::Cost { spec, output } => commands::cost::run(&spec, env, output, style),
        Command::Versions { spec, output } => commands::versions::run(&spec, env, output, style),
        Command::Graph { spec, format } => commands::graph::run(&spec, env, format, style),
        Command::Diff {
            old,
            deployed: true,
            cloud,
            output,
            ..
        } => commands::diff::deployed(&old, env, &cloud, output, style),
        Command::Diff {
            old,
            new,
            from,
            to,
            output,
            ..
        } => {
            let new = new.unwrap_or_else(|| old.clone());
            let old_side = commands::diff::Side {
                path: &old,
                environment: from.as_deref().or(env),
            };
            let new_side = commands::diff::Side {
                path: &new,
                environment: to.as_deref().or(env),
            };
            commands::diff::run(old_side, new_side, output, style)
        }
        Command::Check {
            spec,
            output,
            severity,
            explain,
            list,
        } => match (spec, explain) {
            (_, Some(code)) => commands::check::explain(&code),
            (Some(spec), None) if !list => {
                commands::check::run(&spec, env, output, severity.into(), style)
            }
            _ => commands::check::list(),
        },
        Command::Import(Import::CdkContext { file, out, force }) => {
            let target = commands::import::Target {
                out: out.as_deref(),
                force,
            };
            commands::import::cdk_context(&file, &target, style)
        }
        Command::Completions { shell } => commands::completions::run(shell),
        Command::Man { out } => commands::man::run(out.as_deref()),
        Command::Plan {
            spec,
            output,
            timeline: true,
            ..
        } => commands::plan::timeline(&spec, env, output, style),
        Command::Plan {
            spec,
            cloud,
            output,
            timeline: false,
            gitops,
        } => commands::plan::run(&spec, env, &cloud, output, gitops, style),
        Command::Deploy {
            spec,
            cloud,
            deploy,
        } => commands::deploy::run(&spec, env, &cloud, &deploy, style),
        Command::Status {
            spec,
            cloud,
            output,
        } => commands::status::run(&spec, env, &cloud, output, style),
        Command::Destroy {
            spec,
            cloud,
            approve,
        } => commands::destroy::run(&spec, env, &cloud, approve, style),
    };
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::Failure => ExitCode::from(1),
        Outcome::BadInput => ExitCode::from(2),
    }
}
