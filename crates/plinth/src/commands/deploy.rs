//! `plinth deploy`: the plan, then (with `--approve`) its stacks in dependency order and the
//! Kubernetes waves.

use std::path::Path;
use std::sync::Arc;

use plinth_deploy::engine::{self, DeployError, PlanOptions};
use plinth_deploy::kubernetes::{
    Applied, ApplyOptions, ClusterAccess, KubeError, Session, apply_waves, outputs,
};
use plinth_deploy::{Cloud, Plan};

use super::cloud::{self, CloudArgs, Lines};
use crate::Outcome;
use crate::report::Style;

/// Options of `plinth deploy`.
#[derive(Debug, Clone, clap::Args)]
pub struct DeployArgs {
    /// Apply the plan; without it deploy only shows the plan.
    #[arg(long)]
    pub approve: bool,
    /// Execute exactly this saved plan (`plinth plan -o json > FILE`); refused when a stack or
    /// the spec changed since.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<std::path::PathBuf>,
    /// Stop after the CloudFormation stacks.
    #[arg(long)]
    pub skip_kubernetes: bool,
    /// Minutes each Kubernetes wave may take to become ready.
    #[arg(long, value_name = "MINUTES", default_value_t = 15)]
    pub wave_timeout: u64,
    /// Hand the Kubernetes objects over to Argo CD: apply only its bootstrap (settings,
    /// repositories, projects, the root Application) and wait until Argo CD has synced the
    /// spec's `gitops` repository; needs `gitops` in the spec and the output of
    /// `plinth synth --gitops` committed there.
    #[arg(long)]
    pub gitops: bool,
}

/// Deploys the spec at `path`.
pub fn run(
    path: &Path,
    environment: Option<&str>,
    args: &CloudArgs,
    deploy: &DeployArgs,
    style: Style,
) -> Outcome {
    let Some((target, whole)) = cloud::target(path, environment, args, deploy.gitops, style) else {
        return Outcome::BadInput;
    };
    let saved = match &deploy.plan {
        None => None,
        Some(file) => match read_plan(file) {
            Ok(p) => Some(p),
            Err(e) => {
                err!("error: {}: {e}", file.display());
                return Outcome::BadInput;
            }
        },
    };
    let handed_over = target.handed_over.len();
    let lines = Arc::new(Lines::new());
    let result = cloud::runtime().block_on(async {
        let cloud = Cloud::connect(&args.connect(), &target.region).await;
        engine::check_account(&cloud, &target).await?;
        let plan = if let Some(p) = saved {
            engine::check_saved(&cloud, &target, &p).await?;
            p
        } else {
            let keep = deploy.approve;
            engine::plan(
                &cloud,
                &target,
                PlanOptions {
                    keep_change_sets: keep,
                },
            )
            .await?
        };
        out!("{}", plan.render().trim_end());
        if !deploy.approve {
            out!(
                "\nnothing applied; run `plinth deploy {} --approve` to apply this plan",
                path.display()
            );
            return Ok(None);
        }
        if plan.has_changes() {
            out!();
        } else {
            out!("\nno changes to the stacks");
        }
        let deployed = engine::deploy(&cloud, &target, &plan, lines.clone()).await?;
        let applied = if whole && !deploy.skip_kubernetes {
            Some(kubernetes(&cloud, &target, &deployed, deploy, &lines).await)
        } else {
            None
        };
        Ok::<_, DeployError>(Some((deployed, applied)))
    });
    match result {
        Ok(None) => Outcome::Success,
        Ok(Some((deployed, applied))) => {
            if deployed.changed.is_empty() {
                out!("stacks: no changes");
            } else {
                out!("stacks changed: {}", deployed.changed.join(", "));
            }
            match applied {
                None => {
                    out!("kubernetes: skipped (only some stacks selected, or --skip-kubernetes)");
                    Outcome::Success
                }
                Some(Ok(a)) => {
                    let total: usize = a.applied.iter().map(|(_, r)| r.len()).sum();
                    out!(
                        "kubernetes: {total} objects applied, {} changed, {} pruned",
                        a.changed.len(),
                        a.pruned.len()
                    );
                    if deploy.gitops {
                        out!(
                            "kubernetes: handed over to Argo CD, which delivers {} objects from \
                             the spec's gitops repository",
                            handed_over
                        );
                    }
                    Outcome::Success
                }
                Some(Err(e)) => {
                    err!("\nerror: {e}");
                    if deploy.gitops {
                        err!(
                            "  the root Application waits for every child: check that the \
                             output of `plinth synth {} --gitops DIR` is committed at the spec's \
                             gitops repository, revision and path, and consider a longer \
                             --wave-timeout",
                            path.display()
                        );
                    }
                    err!(
                        "  next: the stacks are deployed; fix the cause and run `plinth deploy {} --approve` again (stacks report no changes, the waves resume)",
                        path.display()
                    );
                    Outcome::Failure
                }
            }
        }
        Err(e) => {
            err!("\nerror: {e}");
            err!("{}", next_step(&e, path));
            Outcome::Failure
        }
    }
}

/// The Kubernetes phase: a client from the cluster stack's outputs, then the waves.
async fn kubernetes(
    cloud: &Cloud,
    target: &plinth_deploy::Target,
    deployed: &engine::Deployed,
    deploy: &DeployArgs,
    lines: &Lines,
) -> Result<Applied, KubeError> {
    let outputs = target
        .by_alias("cluster")
        .and_then(|s| deployed.stacks.get(&s.name))
        .map(|o| o.outputs.clone())
        .unwrap_or_default();
    let access = ClusterAccess::from_outputs(&outputs, &cloud.region)
        .ok_or_else(|| KubeError::Config("the cluster stack has no endpoint outputs".to_owned()))?;
    let session = Session::new(cloud, &access);
    let client = session.client().await?;
    let options = ApplyOptions {
        platform: target.platform.clone(),
        wave_timeout: std::time::Duration::from_secs(deploy.wave_timeout * 60),
        poll: cloud.poll,
        dry_run: false,
        handed_over: target.handed_over.clone(),
    };
    let mut stacks = target
        .stacks
        .iter()
        .filter_map(|s| {
            let o = deployed.stacks.get(&s.name)?;
            Some((s.alias.clone(), o.outputs.clone()))
        })
        .collect();
    plinth_deploy::kafka::add_bootstrap_servers(cloud, &mut stacks)
        .await
        .map_err(|e| KubeError::Config(e.to_string()))?;
    let files = outputs::resolve(&target.kubernetes, &stacks)?;
    Ok(apply_waves(&client, &files, &options, lines).await?)
}

fn read_plan(file: &Path) -> Result<Plan, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read the plan: {e}"))?;
    let plan: Plan = serde_json::from_str(&text).map_err(|e| format!("not a plinth plan: {e}"))?;
    if plan.format != plinth_deploy::plan::PLAN_FORMAT {
        return Err(format!(
            "plan format {} is not {}",
            plan.format,
            plinth_deploy::plan::PLAN_FORMAT
        ));
    }
    Ok(plan)
}

/// What to run after a failure.
fn next_step(e: &DeployError, path: &Path) -> String {
    let spec = path.display();
    match e {
        DeployError::StackFailed { stack, status, .. } if status == "ROLLBACK_COMPLETE" => format!(
            "  next: fix the cause in {spec}, then `plinth deploy {spec} --approve`; \
             {stack} is ROLLBACK_COMPLETE and will be deleted and created again"
        ),
        DeployError::StackFailed { stack, status, .. } if status == "UPDATE_ROLLBACK_FAILED" => {
            format!(
                "  next: fix what blocks the rollback (see the cause above), then \
                 `plinth deploy {spec} --approve` continues the rollback of {stack} and updates it"
            )
        }
        DeployError::StackFailed { .. } => format!(
            "  next: fix the cause, then `plinth deploy {spec} --approve` continues where \
             this deploy stopped"
        ),
        DeployError::Stale(_) => format!(
            "  next: `plinth plan {spec} -o json > plan.json`, review it, and deploy that plan"
        ),
        DeployError::WrongAccount { .. } => {
            "  next: use credentials for the spec's account (--profile or AWS_PROFILE)".to_owned()
        }
        _ => format!("  next: `plinth status {spec}` shows where each stack stands"),
    }
}
