//! `plinth plan`: what deploy would change, stack by stack and resource by resource.

use std::path::Path;

use plinth_deploy::Cloud;
use plinth_deploy::engine::{self, PlanOptions, Quiet};
use plinth_deploy::kubernetes::{ApplyOptions, ClusterAccess, KubeError, Session, apply_waves};

use super::cloud::{self, CloudArgs, TableOrJson};
use crate::Outcome;
use crate::report::Style;

/// Plans a deploy. With `-o json` the plan is printed as JSON and its change sets are kept,
/// so that `plinth deploy --plan FILE` can execute exactly it.
pub fn run(
    path: &Path,
    environment: Option<&str>,
    args: &CloudArgs,
    output: TableOrJson,
    gitops: bool,
    style: Style,
) -> Outcome {
    let Some((target, whole)) = cloud::target(path, environment, args, gitops, style) else {
        return Outcome::BadInput;
    };
    let keep = output == TableOrJson::Json;
    let result = cloud::runtime().block_on(async {
        let cloud = Cloud::connect(&args.connect(), &target.region).await;
        engine::check_account(&cloud, &target).await?;
        let plan = engine::plan(
            &cloud,
            &target,
            PlanOptions {
                keep_change_sets: keep,
            },
        )
        .await?;
        let kube = if whole && output == TableOrJson::Table {
            Some(kubernetes(&cloud, &target, &plan).await)
        } else {
            None
        };
        Ok::<_, engine::DeployError>((plan, kube))
    });
    match result {
        Ok((plan, kube)) => {
            match output {
                TableOrJson::Json => out!(
                    "{}",
                    serde_json::to_string_pretty(&plan).expect("a plan serializes")
                ),
                TableOrJson::Table => {
                    out!("{}", plan.render().trim_end());
                    match kube {
                        Some(Ok(Some(changed))) if changed.is_empty() => {
                            out!("\nkubernetes: no changes (server-side dry run)");
                        }
                        Some(Ok(Some(changed))) => {
                            out!(
                                "\nkubernetes: {} objects would change (server-side dry run)",
                                changed.len()
                            );
                            for c in changed {
                                out!("  ~ {c}");
                            }
                        }
                        Some(Ok(None)) => {
                            out!(
                                "\nkubernetes: the cluster does not exist yet; every manifest will be applied"
                            );
                        }
                        Some(Err(e)) => out!("\nkubernetes: not compared ({e})"),
                        None => {}
                    }
                    if plan.has_changes() {
                        out!(
                            "\nrun `plinth deploy {} --approve` to apply",
                            path.display()
                        );
                    } else {
                        out!("\nno changes");
                    }
                }
            }
            Outcome::Success
        }
        Err(e) => {
            err!("error: {e}");
            Outcome::Failure
        }
    }
}

/// Prints the estimate of a first deploy (`--timeline`): pure, nothing is contacted.
pub fn timeline(
    path: &Path,
    environment: Option<&str>,
    output: TableOrJson,
    style: Style,
) -> Outcome {
    let Some((_, loaded)) = super::load_and_report(path, environment, style) else {
        return Outcome::BadInput;
    };
    let Some(platform) = loaded.platform else {
        err!(
            "{} is invalid: {}",
            path.display(),
            crate::report::counts(&loaded.diagnostics)
        );
        return Outcome::BadInput;
    };
    let assembly = plinth_synth::synth(&platform);
    match plinth_deploy::timeline::of_assembly(&assembly) {
        Ok(t) => {
            match output {
                TableOrJson::Json => out!(
                    "{}",
                    serde_json::to_string_pretty(&t).expect("a timeline serializes")
                ),
                TableOrJson::Table => out!("{}", t.render().trim_end()),
            }
            Outcome::Success
        }
        Err(e) => {
            err!("error: {e}");
            Outcome::Failure
        }
    }
}

/// What would change in the cluster, by a server-side dry run of every wave; `None` when the
/// cluster stack has no outputs yet.
async fn kubernetes(
    cloud: &Cloud,
    target: &plinth_deploy::Target,
    plan: &plinth_deploy::Plan,
) -> Result<Option<Vec<String>>, KubeError> {
    let outputs = target
        .by_alias("cluster")
        .and_then(|s| plan.stacks.iter().find(|p| p.name == s.name))
        .map(|p| p.observed.outputs.clone())
        .unwrap_or_default();
    let Some(access) = ClusterAccess::from_outputs(&outputs, &cloud.region) else {
        return Ok(None);
    };
    let client = Session::new(cloud, &access).client().await?;
    let options = ApplyOptions {
        platform: target.platform.clone(),
        wave_timeout: std::time::Duration::ZERO,
        poll: cloud.poll,
        dry_run: true,
        handed_over: target.handed_over.clone(),
    };
    // Deploy-time values from the outputs the stacks have now: a file that needs an output a
    // stack does not have yet leaves the cluster uncompared, with that reason.
    let mut stacks = target
        .stacks
        .iter()
        .filter_map(|s| {
            let p = plan.stacks.iter().find(|p| p.name == s.name)?;
            Some((s.alias.clone(), p.observed.outputs.clone()))
        })
        .collect();
    // A cluster MSK cannot describe yet leaves the value out, as a stack without outputs does.
    let _ = plinth_deploy::kafka::add_bootstrap_servers(cloud, &mut stacks).await;
    let files = plinth_deploy::kubernetes::outputs::resolve(&target.kubernetes, &stacks)?;
    let applied = apply_waves(&client, &files, &options, &Quiet).await?;
    Ok(Some(
        applied.changed.iter().map(ToString::to_string).collect(),
    ))
}
