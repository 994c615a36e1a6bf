//! What plan, deploy, status and destroy share: AWS connection flags, the async runtime, the
//! synthesized target, and progress lines (live on a terminal, plain otherwise).

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use plinth_deploy::{Connect, Progress, Reporter, Target};
use plinth_spec::Platform;
use plinth_synth::Assembly;

use crate::report::{self, Style};

/// Flags every command that talks to AWS takes.
#[derive(Debug, Clone, clap::Args)]
pub struct CloudArgs {
    /// AWS profile (default: the standard credential chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (default: the spec's).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Send every AWS call to this endpoint (an emulator such as moto server).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Only these stacks, by short name (bootstrap, network, cluster, data, bindings).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub stacks: Vec<String>,
}

impl CloudArgs {
    /// The connection settings.
    pub fn connect(&self) -> Connect {
        Connect {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
        }
    }
}

/// Loads the spec and synthesizes the target; `None` when the spec is unusable (reported).
/// With `gitops` the Kubernetes phase is handed over to Argo CD ([`Target::hand_over`]).
pub fn target(
    path: &Path,
    environment: Option<&str>,
    args: &CloudArgs,
    gitops: bool,
    style: Style,
) -> Option<(Target, bool)> {
    let (platform, assembly) = synthesize(path, environment, style)?;
    let target = target_of(path, &platform, &assembly, args, gitops)?;
    let whole = target.is_whole(&assembly);
    Some((target, whole))
}

/// Loads and synthesizes the spec; `None` when it is invalid (reported).
pub fn synthesize(
    path: &Path,
    environment: Option<&str>,
    style: Style,
) -> Option<(Platform, Assembly)> {
    let (_, loaded) = super::load_and_report(path, environment, style)?;
    let Some(platform) = loaded.platform else {
        err!(
            "{} is invalid: {}",
            path.display(),
            report::counts(&loaded.diagnostics)
        );
        return None;
    };
    let assembly = plinth_synth::synth(&platform);
    if !super::fits_quotas(&assembly, environment) {
        return None;
    }
    Some((platform, assembly))
}

/// The target of a synthesized spec, with the region and stacks the flags choose.
pub fn target_of(
    path: &Path,
    platform: &Platform,
    assembly: &Assembly,
    args: &CloudArgs,
    gitops: bool,
) -> Option<Target> {
    let mut target = Target::new(assembly);
    if gitops {
        let Some(layout) = plinth_synth::gitops::layout(platform, &assembly.kubernetes) else {
            err!(
                "error: --gitops hands the Kubernetes objects over to Argo CD, but {} has no \
                 `gitops` section (README: GitOps)",
                path.display()
            );
            return None;
        };
        if let Err(e) = target.hand_over(&layout) {
            err!("error: {e}");
            return None;
        }
    }
    if let Some(r) = &args.region {
        target.region.clone_from(r);
    }
    if let Err(e) = target.select(&args.stacks) {
        err!("error: {e}");
        return None;
    }
    Some(target)
}

/// A runtime for one command.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("the async runtime starts")
}

/// Progress for people: one live line per stack on a terminal, a plain line per change of
/// state otherwise (CI logs).
pub struct Lines {
    live: Option<(MultiProgress, Mutex<BTreeMap<String, ProgressBar>>)>,
    start: Instant,
    last: Mutex<BTreeMap<String, String>>,
}

impl Lines {
    /// Live lines when stderr is a terminal.
    pub fn new() -> Self {
        let live = std::io::stderr().is_terminal().then(|| {
            (
                MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
                Mutex::new(BTreeMap::new()),
            )
        });
        Self {
            live,
            start: Instant::now(),
            last: Mutex::new(BTreeMap::new()),
        }
    }

    fn bar(&self, stack: &str) -> Option<ProgressBar> {
        let (multi, bars) = self.live.as_ref()?;
        let mut bars = bars.lock().expect("not poisoned");
        Some(
            bars.entry(stack.to_owned())
                .or_insert_with(|| {
                    let b = multi.add(ProgressBar::new_spinner());
                    b.set_style(
                        ProgressStyle::with_template("{spinner} {prefix:<36} {msg} [{elapsed}]")
                            .expect("a valid template"),
                    );
                    b.set_prefix(stack.to_owned());
                    b.enable_steady_tick(Duration::from_millis(200));
                    b
                })
                .clone(),
        )
    }

    fn plain(&self, stack: &str, text: &str) {
        let mut last = self.last.lock().expect("not poisoned");
        if last.get(stack).map(String::as_str) == Some(text) {
            return;
        }
        last.insert(stack.to_owned(), text.to_owned());
        let t = self.start.elapsed().as_secs();
        err!("[{:>2}:{:02}] {stack:<36} {text}", t / 60, t % 60);
    }
}

impl Reporter for Lines {
    fn report(&self, p: Progress) {
        let (stack, text, done) = match p {
            Progress::Started { stack, what } => (stack, what, false),
            Progress::Status {
                stack,
                status,
                done,
                total,
            } => {
                let text = if total > 0 {
                    format!("{status} ({done}/{total} resources)")
                } else {
                    status
                };
                (stack, text, false)
            }
            Progress::Finished { stack, result } => (stack, result, true),
            Progress::Failed { stack, message } => (stack, format!("FAILED: {message}"), true),
            Progress::Note(text) => {
                match &self.live {
                    Some((multi, _)) => {
                        let _ = multi.println(&text);
                    }
                    None => self.plain("", &text),
                }
                return;
            }
        };
        match self.bar(&stack) {
            Some(bar) if done => bar.finish_with_message(text),
            Some(bar) => bar.set_message(text),
            None => self.plain(&stack, &text),
        }
    }
}

/// Output format of the cloud commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableOrJson {
    /// For people.
    Table,
    /// For programs.
    Json,
}
