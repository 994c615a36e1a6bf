//! `plinth status`: every stack's state and outputs.

use std::path::Path;

use plinth_cfn::sorted::to_pretty_json;
use plinth_deploy::{Cloud, engine};
use serde_json::json;

use super::cloud::{self, CloudArgs, TableOrJson};
use crate::Outcome;
use crate::report::Style;

/// Shows the platform's stacks as CloudFormation reports them.
pub fn run(
    path: &Path,
    environment: Option<&str>,
    args: &CloudArgs,
    output: TableOrJson,
    style: Style,
) -> Outcome {
    let Some((target, _)) = cloud::target(path, environment, args, false, style) else {
        return Outcome::BadInput;
    };
    let result = cloud::runtime().block_on(async {
        let cloud = Cloud::connect(&args.connect(), &target.region).await;
        engine::observe(&cloud, &target).await
    });
    let observed = match result {
        Ok(o) => o,
        Err(e) => {
            err!("error: {e}");
            return Outcome::Failure;
        }
    };
    match output {
        TableOrJson::Json => {
            let stacks: Vec<_> = target
                .stacks
                .iter()
                .zip(&observed)
                .map(|(s, o)| {
                    json!({
                        "name": s.name,
                        "alias": s.alias,
                        "status": o.status,
                        "changedAt": o.changed_at,
                        "reason": o.reason,
                        "outputs": o.outputs,
                    })
                })
                .collect();
            out!(
                "{}",
                to_pretty_json(&json!({
                    "platform": target.platform,
                    "environment": target.environment,
                    "region": target.region,
                    "stacks": stacks,
                }))
            );
        }
        TableOrJson::Table => {
            out!(
                "{} ({}) in {}",
                target.platform,
                target.environment,
                target.region
            );
            for (s, o) in target.stacks.iter().zip(&observed) {
                out!(
                    "  {:<40} {:<28} {}",
                    s.name,
                    o.status.as_deref().unwrap_or("not deployed"),
                    o.changed_at.as_deref().unwrap_or("")
                );
                if let Some(r) = &o.reason {
                    out!("      reason: {r}");
                }
                for (k, v) in &o.outputs {
                    out!("      {k:<36} {v}");
                }
            }
        }
    }
    Outcome::Success
}
