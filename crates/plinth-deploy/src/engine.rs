//! The executor: makes plans from what AWS reports, runs them stack by stack in dependency
//! order (independent stacks in parallel), waits, explains failures, and deletes in reverse.
//! It makes no decisions of its own beyond [`Action::for_status`]; the plan says what to do.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::task::JoinSet;

use crate::aws::{AwsError, ChangeSetRequest, Cloud, Event, TemplateSource};
use crate::bootstrap;
use crate::plan::{Action, Observed, PLAN_FORMAT, Plan, StackPlan, Stale};
use crate::target::{Target, TargetStack};

/// What deploy tells the person watching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Work on a stack began (`creating`, `updating`, `deleting`, …).
    Started {
        /// The stack.
        stack: String,
        /// What is being done.
        what: String,
    },
    /// A stack's status and how many of its resources are done.
    Status {
        /// The stack.
        stack: String,
        /// The stack status.
        status: String,
        /// Resources settled.
        done: usize,
        /// Resources in the stack.
        total: usize,
    },
    /// A stack finished.
    Finished {
        /// The stack.
        stack: String,
        /// `created`, `updated`, `no changes`, `deleted`, …
        result: String,
    },
    /// A stack failed.
    Failed {
        /// The stack.
        stack: String,
        /// Why.
        message: String,
    },
    /// Anything else worth a line.
    Note(String),
}

/// Receives progress; implemented by the CLI (live lines on a terminal, plain lines otherwise).
pub trait Reporter: Send + Sync {
    /// One progress event.
    fn report(&self, p: Progress);
}

/// A reporter that drops everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Reporter for Quiet {
    fn report(&self, _: Progress) {}
}

/// Why a deploy, destroy or plan stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// An AWS call failed.
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The credentials belong to another account than the spec's.
    #[error("the credentials are for account {actual}, the spec deploys to {expected}")]
    WrongAccount {
        /// The spec's account.
        expected: String,
        /// The caller's account.
        actual: String,
    },
    /// A stack failed; `cause` is the first resource that failed.
    #[error("{stack} failed ({status}){}", cause_text(.cause.as_deref()))]
    StackFailed {
        /// The stack.
        stack: String,
        /// Its final status.
        status: String,
        /// The root cause from the stack events, when one was found (boxed: an event is
        /// large, and every result carries room for the largest error).
        cause: Option<Box<Event>>,
    },
    /// plinth will not act on a stack in this state.
    #[error("{stack}: {reason}")]
    Blocked {
        /// The stack.
        stack: String,
        /// Why, and what to do.
        reason: String,
    },
    /// A selected stack needs one that is neither selected nor deployed.
    #[error("{stack} needs {dependency}, which is not deployed; deploy it first or select it too")]
    MissingDependency {
        /// The stack.
        stack: String,
        /// The missing dependency.
        dependency: String,
    },
    /// A saved plan no longer matches.
    #[error("the plan is stale: {0}; make a new plan")]
    Stale(Stale),
    /// The stacks' dependencies are broken (a bug in synthesis).
    #[error(transparent)]
    Graph(#[from] crate::graph::GraphError),
    /// Stacks were not attempted because another failed first.
    #[error("{0} stack(s) were not attempted because an earlier stack failed")]
    NotAttempted(usize),
}

fn cause_text(cause: Option<&Event>) -> String {
    cause.map_or_else(String::new, |e| {
        format!(
            ": {} {} {}: {}",
            e.logical_id,
            e.resource_type,
            e.status,
            e.reason.as_deref().unwrap_or("no reason given")
        )
    })
}

/// Refuses credentials of another account than the spec's.
pub async fn check_account(cloud: &Cloud, target: &Target) -> Result<(), DeployError> {
    let actual = cloud.account().await?;
    if actual != target.account {
        return Err(DeployError::WrongAccount {
            expected: target.account.clone(),
            actual,
        });
    }
    Ok(())
}

/// Reads every stack of the target.
pub async fn observe(cloud: &Cloud, target: &Target) -> Result<Vec<Observed>, DeployError> {
    let mut set = JoinSet::new();
    for (i, s) in target.stacks.iter().enumerate() {
        let cloud = cloud.clone();
        let name = s.name.clone();
        set.spawn(async move { (i, cloud.observe(&name).await) });
    }
    let mut observed = vec![Observed::default(); target.stacks.len()];
    while let Some(joined) = set.join_next().await {
        let (i, o) = joined.expect("observe tasks do not panic");
        observed[i] = o?;
    }
    Ok(observed)
}

/// Options for [`plan`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Keep the change sets made for updates (for `deploy --plan FILE`); otherwise they are
    /// deleted once read, leaving the stacks untouched.
    pub keep_change_sets: bool,
}

/// Makes a plan: reads every stack, decides its action, and for stacks that exist and whose
/// template differs from the deployed one, makes a change set to list the resource changes.
pub async fn plan(
    cloud: &Cloud,
    target: &Target,
    options: PlanOptions,
) -> Result<Plan, DeployError> {
    let observed = observe(cloud, target).await?;
    let bucket = observed[0].outputs.get(bootstrap::BUCKET_OUTPUT).cloned();
    let mut stacks = Vec::with_capacity(target.stacks.len());
    for (s, o) in target.stacks.iter().zip(observed) {
        for d in &s.depends_on {
            let selected = target.stacks.iter().any(|t| &t.name == d);
            if !selected && !cloud.observe(d).await?.exists() {
                return Err(DeployError::MissingDependency {
                    stack: s.name.clone(),
                    dependency: d.clone(),
                });
            }
        }
        let mut action = Action::for_status(o.status.as_deref());
        let mut change_set = None;
        let mut changes = Vec::new();
        match &action {
            Action::Create | Action::Replace { .. } => changes.clone_from(&s.additions),
            Action::Update => {
                if same_template(cloud, s).await? {
                    action = Action::NoChange;
                } else {
                    match make_change_set(cloud, target, s, false, bucket.as_deref()).await? {
                        None => action = Action::NoChange,
                        Some(cs) => {
                            changes = cs.changes;
                            if options.keep_change_sets {
                                change_set = Some(cs.id);
                            } else {
                                cloud.delete_change_set(&cs.id).await?;
                            }
                        }
                    }
                }
            }
            Action::ContinueRollback
            | Action::Wait { .. }
            | Action::Blocked { .. }
            | Action::NoChange => {}
        }
        stacks.push(StackPlan {
            name: s.name.clone(),
            depends_on: s.depends_on.clone(),
            template_sha256: s.sha256.clone(),
            observed: o,
            action,
            change_set,
            changes,
        });
    }
    Ok(Plan {
        format: PLAN_FORMAT.to_owned(),
        platform: target.platform.clone(),
        environment: target.environment.clone(),
        account: target.account.clone(),
        region: target.region.clone(),
        stacks,
    })
}

/// Checks a saved plan against the stacks as they are now, without making change sets.
pub async fn check_saved(cloud: &Cloud, target: &Target, saved: &Plan) -> Result<(), DeployError> {
    let observed = observe(cloud, target).await?;
    let fresh = Plan {
        format: PLAN_FORMAT.to_owned(),
        platform: target.platform.clone(),
        environment: target.environment.clone(),
        account: target.account.clone(),
        region: target.region.clone(),
        stacks: target
            .stacks
            .iter()
            .zip(observed)
            .map(|(s, o)| StackPlan {
                name: s.name.clone(),
                depends_on: s.depends_on.clone(),
                template_sha256: s.sha256.clone(),
                action: Action::for_status(o.status.as_deref()),
                observed: o,
                change_set: None,
                changes: Vec::new(),
            })
            .collect(),
    };
    match saved.stale(&fresh) {
        Some(s) => Err(DeployError::Stale(s)),
        None => Ok(()),
    }
}

/// What a deploy did.
#[derive(Debug, Clone, Default)]
pub struct Deployed {
    /// Each stack's state afterwards, by name.
    pub stacks: BTreeMap<String, Observed>,
    /// Stacks that changed.
    pub changed: Vec<String>,
}

/// Executes a plan: every stack once its dependencies are done, independent stacks at the
/// same time. Stops starting stacks after the first failure and reports the root cause.
pub async fn deploy(
    cloud: &Cloud,
    target: &Target,
    plan: &Plan,
    reporter: Arc<dyn Reporter>,
) -> Result<Deployed, DeployError> {
    let graph = target.graph()?;
    let needs: Vec<Vec<usize>> = (0..target.stacks.len())
        .map(|i| graph.needs(i).iter().copied().collect())
        .collect();
    let outputs: Arc<Mutex<BTreeMap<String, Observed>>> = Arc::default();
    let results = run_graph(&needs, |i| {
        let cloud = cloud.clone();
        let stack = target.stacks[i].clone();
        let sp = plan.stacks[i].clone();
        let target = target.clone();
        let outputs = outputs.clone();
        let reporter = reporter.clone();
        async move {
            let bucket = outputs
                .lock()
                .expect("not poisoned")
                .get(&target.stacks[0].name)
                .and_then(|o| o.outputs.get(bootstrap::BUCKET_OUTPUT).cloned());
            let r = deploy_stack(&cloud, &target, &stack, &sp, bucket.as_deref(), &*reporter).await;
            match &r {
                Ok((o, _)) => {
                    outputs
                        .lock()
                        .expect("not poisoned")
                        .insert(stack.name.clone(), o.clone());
                }
                Err(e) => reporter.report(Progress::Failed {
                    stack: stack.name.clone(),
                    message: e.to_string(),
                }),
            }
            r
        }
    })
    .await;
    let mut deployed = Deployed::default();
    for (i, (o, changed)) in settled(results)? {
        if changed {
            deployed.changed.push(target.stacks[i].name.clone());
        }
        deployed.stacks.insert(target.stacks[i].name.clone(), o);
    }
    Ok(deployed)
}

async fn deploy_stack(
    cloud: &Cloud,
    target: &Target,
    stack: &TargetStack,
    planned: &StackPlan,
    bucket: Option<&str>,
    reporter: &dyn Reporter,
) -> Result<(Observed, bool), DeployError> {
    let name = stack.name.as_str();
    let mut action = planned.action.clone();
    let mut change_set = planned.change_set.clone();
    // At most: wait, then replace or continue, then create or update.
    for _ in 0..4 {
        match action {
            Action::NoChange => {
                reporter.report(Progress::Finished {
                    stack: name.to_owned(),
                    result: "no changes".to_owned(),
                });
                return Ok((cloud.observe(name).await?, false));
            }
            Action::Blocked { reason, .. } => {
                return Err(DeployError::Blocked {
                    stack: name.to_owned(),
                    reason,
                });
            }
            Action::Wait { status } => {
                reporter.report(Progress::Started {
                    stack: name.to_owned(),
                    what: format!("waiting for {status} to finish"),
                });
                let o = settle(cloud, name, reporter).await?;
                action = Action::for_status(o.status.as_deref());
                change_set = None;
            }
            Action::Replace { status } => {
                reporter.report(Progress::Started {
                    stack: name.to_owned(),
                    what: format!("deleting ({status})"),
                });
                let token = token(name, "replace");
                cloud.delete_stack(name, &token).await?;
                let o = settle(cloud, name, reporter).await?;
                if o.exists() {
                    return Err(failed(cloud, name, &token, o).await);
                }
                action = Action::Create;
            }
            Action::ContinueRollback => {
                reporter.report(Progress::Started {
                    stack: name.to_owned(),
                    what: "continuing the failed rollback".to_owned(),
                });
                let token = token(name, "continue");
                cloud.continue_rollback(name, &token).await?;
                let o = settle(cloud, name, reporter).await?;
                if o.status.as_deref() != Some("UPDATE_ROLLBACK_COMPLETE") {
                    return Err(failed(cloud, name, &token, o).await);
                }
                action = Action::Update;
                change_set = None;
            }
            Action::Create | Action::Update => {
                let create = action == Action::Create;
                let id = if let Some(id) = change_set.take() {
                    id
                } else {
                    if !create && same_template(cloud, stack).await? {
                        action = Action::NoChange;
                        continue;
                    }
                    if let Some(cs) = make_change_set(cloud, target, stack, create, bucket).await? {
                        cs.id
                    } else {
                        action = Action::NoChange;
                        continue;
                    }
                };
                reporter.report(Progress::Started {
                    stack: name.to_owned(),
                    what: if create { "creating" } else { "updating" }.to_owned(),
                });
                let token = token(name, &stack.sha256[..12]);
                cloud.execute(&id, &token).await?;
                let o = settle(cloud, name, reporter).await?;
                let good = if create {
                    "CREATE_COMPLETE"
                } else {
                    "UPDATE_COMPLETE"
                };
                if o.status.as_deref() != Some(good) {
                    return Err(failed(cloud, name, &token, o).await);
                }
                reporter.report(Progress::Finished {
                    stack: name.to_owned(),
                    result: if create { "created" } else { "updated" }.to_owned(),
                });
                return Ok((o, true));
            }
        }
    }
    Err(DeployError::Blocked {
        stack: name.to_owned(),
        reason: "the stack kept changing state; run deploy again".to_owned(),
    })
}

/// Whether the deployed template equals ours (as JSON, ignoring formatting).
async fn same_template(cloud: &Cloud, stack: &TargetStack) -> Result<bool, DeployError> {
    let Some(deployed) = cloud.deployed_template(&stack.name).await? else {
        return Ok(false);
    };
    let ours: serde_json::Value =
        serde_json::from_str(&stack.body).expect("plinth's templates are JSON");
    Ok(serde_json::from_str::<serde_json::Value>(&deployed).is_ok_and(|d| d == ours))
}

async fn make_change_set(
    cloud: &Cloud,
    target: &Target,
    stack: &TargetStack,
    create: bool,
    bucket: Option<&str>,
) -> Result<Option<crate::aws::ChangeSet>, DeployError> {
    let url;
    let template = if stack.body.len() <= bootstrap::INLINE_TEMPLATE_LIMIT {
        TemplateSource::Body(&stack.body)
    } else {
        let Some(bucket) = bucket else {
            return Err(DeployError::Blocked {
                stack: stack.name.clone(),
                reason: "the template is over the inline limit and the bootstrap bucket is \
                         not deployed"
                    .to_owned(),
            });
        };
        url = cloud
            .upload_template(
                bucket,
                &bootstrap::template_key(&stack.name, &stack.sha256),
                &stack.body,
            )
            .await?;
        TemplateSource::Url(&url)
    };
    let name = format!("plinth-{}-{}", &stack.sha256[..12], unix_now());
    Ok(cloud
        .change_set(&ChangeSetRequest {
            stack: &stack.name,
            name: &name,
            create,
            template,
            capabilities: &stack.capabilities,
            tags: &target.tags,
        })
        .await?)
}

/// Polls a stack until no operation is in progress, reporting as it goes.
async fn settle(
    cloud: &Cloud,
    stack: &str,
    reporter: &dyn Reporter,
) -> Result<Observed, DeployError> {
    loop {
        let o = cloud.observe(stack).await?;
        let Some(status) = o.status.clone() else {
            return Ok(o);
        };
        if !(status.ends_with("_IN_PROGRESS") || status == "UPDATE_FAILED") {
            return Ok(o);
        }
        let (done, total) = cloud.resource_progress(stack).await.unwrap_or((0, 0));
        reporter.report(Progress::Status {
            stack: stack.to_owned(),
            status,
            done,
            total,
        });
        tokio::time::sleep(cloud.poll).await;
    }
}

/// The failure of an operation, with its root cause from the stack events.
async fn failed(cloud: &Cloud, stack: &str, token: &str, o: Observed) -> DeployError {
    let events = cloud.events(stack, token).await.unwrap_or_default();
    DeployError::StackFailed {
        stack: stack.to_owned(),
        status: o.status.unwrap_or_else(|| "DELETE_COMPLETE".to_owned()),
        cause: root_cause(&events).cloned().map(Box::new),
    }
}

/// The first resource that failed, skipping the cancellations that follow it. Events are
/// oldest first.
pub fn root_cause(events: &[Event]) -> Option<&Event> {
    let failed = |e: &&Event| e.status.ends_with("_FAILED");
    let cancelled = |e: &&Event| {
        e.reason
            .as_deref()
            .is_some_and(|r| r.contains("cancelled") || r.contains("canceled"))
    };
    events
        .iter()
        .filter(failed)
        .find(|e| !cancelled(e))
        .or_else(|| events.iter().find(failed))
}

/// What destroy did.
#[derive(Debug, Clone, Default)]
pub struct Destroyed {
    /// Stacks deleted.
    pub deleted: Vec<String>,
    /// Stacks that did not exist.
    pub absent: Vec<String>,
    /// Resources kept by their deletion policy, as "stack: logical id (type)".
    pub retained: Vec<String>,
}

/// Deletes the target's stacks: a stack once every stack that needs it is gone, independent
/// stacks at the same time, the bootstrap stack (emptied first) last. `before` runs for a
/// stack just before it is deleted (to clean up what controllers made outside CloudFormation).
pub async fn destroy<F, Fut>(
    cloud: &Cloud,
    target: &Target,
    reporter: Arc<dyn Reporter>,
    before: F,
) -> Result<Destroyed, DeployError>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let graph = target.graph()?;
    let observed = observe(cloud, target).await?;
    let waits: Vec<Vec<usize>> = (0..target.stacks.len())
        .map(|i| graph.needed_by(i).into_iter().collect())
        .collect();
    let before = Arc::new(before);
    let results = run_graph(&waits, |i| {
        let cloud = cloud.clone();
        let stack = target.stacks[i].clone();
        let o = observed[i].clone();
        let reporter = reporter.clone();
        let before = before.clone();
        async move {
            if !o.exists() {
                return Ok(false);
            }
            before(stack.alias.clone()).await;
            if stack.alias == "bootstrap"
                && let Some(bucket) = o.outputs.get(bootstrap::BUCKET_OUTPUT)
            {
                let n = cloud.empty_bucket(bucket).await?;
                reporter.report(Progress::Note(format!(
                    "emptied s3://{bucket} ({n} templates)"
                )));
            }
            reporter.report(Progress::Started {
                stack: stack.name.clone(),
                what: "deleting".to_owned(),
            });
            let token = token(&stack.name, "destroy");
            cloud.delete_stack(&stack.name, &token).await?;
            let after = settle(&cloud, &stack.name, &*reporter).await?;
            if after.exists() {
                let e = failed(&cloud, &stack.name, &token, after).await;
                reporter.report(Progress::Failed {
                    stack: stack.name.clone(),
                    message: e.to_string(),
                });
                return Err(e);
            }
            reporter.report(Progress::Finished {
                stack: stack.name.clone(),
                result: "deleted".to_owned(),
            });
            Ok(true)
        }
    })
    .await;
    let mut out = Destroyed::default();
    for (i, deleted) in settled(results)? {
        let s = &target.stacks[i];
        if deleted {
            out.deleted.push(s.name.clone());
            out.retained.extend(
                s.retained
                    .iter()
                    .map(|(id, kind)| format!("{}: {id} ({kind})", s.name)),
            );
        } else {
            out.absent.push(s.name.clone());
        }
    }
    Ok(out)
}

/// The results of a graph run as (node, value), or its first error; nodes that never started
/// because of it count as not attempted when nothing else failed.
fn settled<T>(
    results: Vec<Option<Result<T, DeployError>>>,
) -> Result<Vec<(usize, T)>, DeployError> {
    let mut done = Vec::with_capacity(results.len());
    let mut first_error = None;
    let mut not_attempted = 0;
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Some(Ok(v)) => done.push((i, v)),
            Some(Err(e)) => {
                first_error.get_or_insert(e);
            }
            None => not_attempted += 1,
        }
    }
    match first_error {
        Some(e) => Err(e),
        None if not_attempted > 0 => Err(DeployError::NotAttempted(not_attempted)),
        None => Ok(done),
    }
}

/// Runs `job(i)` for every node once the nodes in `waits[i]` have succeeded, as many at a
/// time as are ready. After a failure no new job starts; running ones finish. The result for
/// a node that never started is `None`.
async fn run_graph<T, F, Fut>(waits: &[Vec<usize>], job: F) -> Vec<Option<Result<T, DeployError>>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T, DeployError>> + Send + 'static,
{
    let n = waits.len();
    let mut results: Vec<Option<Result<T, DeployError>>> = (0..n).map(|_| None).collect();
    let mut started = vec![false; n];
    let mut succeeded = vec![false; n];
    let mut failed = false;
    let mut set = JoinSet::new();
    loop {
        if !failed {
            for i in 0..n {
                if !started[i] && waits[i].iter().all(|&d| succeeded[d]) {
                    started[i] = true;
                    let fut = job(i);
                    set.spawn(async move { (i, fut.await) });
                }
            }
        }
        let Some(joined) = set.join_next().await else {
            break;
        };
        let (i, r) = joined.expect("deploy tasks do not panic");
        match &r {
            Ok(_) => succeeded[i] = true,
            Err(_) => failed = true,
        }
        results[i] = Some(r);
    }
    results
}

/// A client request token: names the operation in stack events. At most 128 characters of
/// `[a-zA-Z0-9-]`.
fn token(stack: &str, what: &str) -> String {
    let mut t = format!("plinth-{what}-{}-{stack}", unix_now());
    t.retain(|c| c.is_ascii_alphanumeric() || c == '-');
    t.truncate(128);
    t
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, status: &str, reason: &str) -> Event {
        Event {
            logical_id: id.into(),
            resource_type: "AWS::EC2::NatGateway".into(),
            status: status.into(),
            reason: Some(reason.into()),
            at: None,
        }
    }

    #[test]
    fn the_root_cause_is_the_first_failure_that_is_not_a_cancellation() {
        let events = vec![
            event("Vpc", "CREATE_COMPLETE", ""),
            event("NatA", "CREATE_FAILED", "Resource creation cancelled"),
            event(
                "NatB",
                "CREATE_FAILED",
                "The maximum number of addresses has been reached",
            ),
            event(
                "Stack",
                "ROLLBACK_IN_PROGRESS",
                "The following resource(s) failed to create",
            ),
        ];
        assert_eq!(root_cause(&events).unwrap().logical_id, "NatB");
        assert_eq!(root_cause(&events[..2]).unwrap().logical_id, "NatA");
        assert!(root_cause(&events[..1]).is_none());
    }

    #[tokio::test]
    async fn the_graph_runs_dependents_after_their_needs_and_stops_after_a_failure() {
        let order = Arc::new(Mutex::new(Vec::new()));
        let waits = vec![vec![], vec![0], vec![0], vec![1, 2]];
        let o = order.clone();
        let results = run_graph(&waits, move |i| {
            let o = o.clone();
            async move {
                o.lock().unwrap().push(i);
                if i == 2 {
                    Err(DeployError::NotAttempted(0))
                } else {
                    Ok(i)
                }
            }
        })
        .await;
        let order = order.lock().unwrap().clone();
        assert_eq!(order[0], 0);
        assert!(order.contains(&1) && order.contains(&2));
        assert!(!order.contains(&3), "3 needs the failed 2");
        assert!(matches!(results[0], Some(Ok(0))));
        assert!(matches!(results[2], Some(Err(_))));
        assert!(results[3].is_none());
    }

    #[test]
    fn tokens_fit_cloudformation_rules() {
        let t = token(&"x".repeat(200), "replace");
        assert!(t.len() <= 128);
        assert!(t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }
}
