//! `plinth destroy`: the stacks in reverse dependency order, after cleaning up what
//! controllers created outside CloudFormation.

use std::path::Path;
use std::sync::Arc;

use plinth_deploy::{Cloud, engine};

use super::cloud::{self, CloudArgs, Lines};
use crate::Outcome;
use crate::report::Style;

/// Destroys the platform (with `--approve`; otherwise shows what would go).
pub fn run(
    path: &Path,
    environment: Option<&str>,
    args: &CloudArgs,
    approve: bool,
    style: Style,
) -> Outcome {
    let Some((target, _)) = cloud::target(path, environment, args, false, style) else {
        return Outcome::BadInput;
    };
    let lines = Arc::new(Lines::new());
    let result = cloud::runtime().block_on(async {
        let cloud = Cloud::connect(&args.connect(), &target.region).await;
        engine::check_account(&cloud, &target).await?;
        let observed = engine::observe(&cloud, &target).await?;
        let existing: Vec<&str> = target
            .stacks
            .iter()
            .zip(&observed)
            .filter(|(_, o)| o.exists())
            .map(|(s, _)| s.name.as_str())
            .collect();
        if existing.is_empty() {
            out!("nothing to destroy: no stack of {} exists", target.platform);
            return Ok::<_, plinth_deploy::DeployError>(None);
        }
        out!("destroy deletes, in reverse dependency order:");
        for s in existing.iter().rev() {
            out!("  - {s}");
        }
        if !approve {
            out!(
                "\nnothing deleted; run `plinth destroy {} --approve` to delete",
                path.display()
            );
            return Ok(None);
        }
        let cleanup =
            plinth_deploy::cleanup::Cleanup::new(&cloud, &target, &observed, lines.clone());
        let destroyed = engine::destroy(&cloud, &target, lines.clone(), move |alias| {
            let cleanup = cleanup.clone();
            async move { cleanup.before_delete(&alias).await }
        })
        .await?;
        Ok(Some(destroyed))
    });
    match result {
        Ok(None) => Outcome::Success,
        Ok(Some(d)) => {
            out!(
                "deleted: {}",
                if d.deleted.is_empty() {
                    "nothing".to_owned()
                } else {
                    d.deleted.join(", ")
                }
            );
            if !d.retained.is_empty() {
                out!("kept by their deletion policy (delete them yourself when no longer needed):");
                for r in &d.retained {
                    out!("  - {r}");
                }
            }
            Outcome::Success
        }
        Err(e) => {
            err!("\nerror: {e}");
            err!(
                "  next: fix the cause, then `plinth destroy {} --approve` again",
                path.display()
            );
            Outcome::Failure
        }
    }
}
