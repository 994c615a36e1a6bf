//! Plans: what a deploy will do to each stack, decided from what CloudFormation reports, and
//! recorded so that `plinth deploy --plan FILE` executes exactly what was reviewed. Pure.
//!
//! A plan records, per stack, the state it was made from ([`Observed`]) and the SHA-256 of the
//! template it will deploy. Executing a plan first re-reads every stack and refuses when one
//! moved ([`Plan::stale`]); CloudFormation itself also marks a change set obsolete when its
//! stack changes underneath it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The plan file format this build reads and writes.
pub const PLAN_FORMAT: &str = "plinth.dev/plan/v1";

/// What CloudFormation reported about a stack when it was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Observed {
    /// The stack status (`CREATE_COMPLETE`, …); `None` when the stack does not exist.
    pub status: Option<String>,
    /// The stack ARN.
    pub stack_id: Option<String>,
    /// When the stack last changed (last update, else creation), RFC 3339.
    pub changed_at: Option<String>,
    /// The status reason CloudFormation gave, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Stack outputs by key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, String>,
}

impl Observed {
    /// Whether the stack exists (a deleted stack does not).
    pub fn exists(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s != "DELETE_COMPLETE")
    }

    /// The part of the observation a plan depends on: the stack, its status and when it last
    /// changed. Outputs and reasons are not compared.
    fn fingerprint(&self) -> (Option<&str>, Option<&str>, Option<&str>) {
        (
            self.stack_id.as_deref(),
            self.status.as_deref(),
            self.changed_at.as_deref(),
        )
    }
}

/// What deploy does with one stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Action {
    /// The stack does not exist: create it.
    Create,
    /// The stack exists and its change set has changes: execute it.
    Update,
    /// The stack exists and nothing differs.
    NoChange,
    /// The stack's first create failed and rolled back (or a delete failed): it can only be
    /// deleted, then created again.
    Replace {
        /// The status that forces the replacement.
        status: String,
    },
    /// An update failed and so did its rollback: continue the rollback, then update.
    ContinueRollback,
    /// CloudFormation is working on the stack: wait for it, then decide.
    Wait {
        /// The in-progress status.
        status: String,
    },
    /// plinth cannot safely act on the stack.
    Blocked {
        /// The status.
        status: String,
        /// Why, and what to do.
        reason: String,
    },
}

impl Action {
    /// The action for a stack in the observed state, before looking at its template.
    pub fn for_status(status: Option<&str>) -> Self {
        let Some(status) = status else {
            return Self::Create;
        };
        match status {
            "DELETE_COMPLETE" | "REVIEW_IN_PROGRESS" => Self::Create,
            "CREATE_COMPLETE"
            | "UPDATE_COMPLETE"
            | "UPDATE_ROLLBACK_COMPLETE"
            | "IMPORT_COMPLETE"
            | "IMPORT_ROLLBACK_COMPLETE" => Self::Update,
            "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" | "CREATE_FAILED" | "DELETE_FAILED" => {
                Self::Replace {
                    status: status.to_owned(),
                }
            }
            "UPDATE_ROLLBACK_FAILED" => Self::ContinueRollback,
            s if s.ends_with("_IN_PROGRESS") || s == "UPDATE_FAILED" => Self::Wait {
                status: s.to_owned(),
            },
            s => Self::Blocked {
                status: s.to_owned(),
                reason: format!(
                    "CloudFormation reports {s}; resolve it in the console or with the AWS CLI, \
                     then deploy again"
                ),
            },
        }
    }

    /// A short word for tables.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::NoChange => "no changes",
            Self::Replace { .. } => "replace",
            Self::ContinueRollback => "continue rollback, update",
            Self::Wait { .. } => "wait",
            Self::Blocked { .. } => "blocked",
        }
    }

    /// Whether executing this action changes the stack.
    pub fn changes_anything(&self) -> bool {
        !matches!(self, Self::NoChange)
    }
}

/// How a change set says a resource changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    /// A new resource.
    Add,
    /// An existing resource changes in place or is replaced (see [`Replacement`]).
    Modify,
    /// The resource is deleted.
    Remove,
    /// An existing resource is imported.
    Import,
    /// Decided only when the change set runs.
    Dynamic,
}

/// Whether a modified resource is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Replacement {
    /// Replaced: a new physical resource, the old one deleted.
    True,
    /// Updated in place.
    False,
    /// Depends on values known only at execution.
    Conditional,
}

/// One resource-level change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChange {
    /// Add, modify, remove, …
    pub action: ChangeKind,
    /// The template's logical ID.
    pub logical_id: String,
    /// The CloudFormation type.
    pub resource_type: String,
    /// The physical ID, for existing resources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_id: Option<String>,
    /// Whether a modification replaces the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<Replacement>,
    /// The properties (or `Tags`, `Metadata`, …) that change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<String>,
}

/// The plan for one stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackPlan {
    /// The stack name.
    pub name: String,
    /// Stacks this one waits for.
    pub depends_on: Vec<String>,
    /// SHA-256 (hex) of the template body that will be deployed.
    pub template_sha256: String,
    /// The state the plan was made from.
    pub observed: Observed,
    /// What deploy does.
    pub action: Action,
    /// The change set made for this plan, when one was made (updates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_set: Option<String>,
    /// Resource-level changes.
    pub changes: Vec<ResourceChange>,
}

/// A whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// [`PLAN_FORMAT`].
    pub format: String,
    /// The platform name.
    pub platform: String,
    /// The environment.
    pub environment: String,
    /// The AWS account.
    pub account: String,
    /// The AWS region.
    pub region: String,
    /// Stacks in creation order.
    pub stacks: Vec<StackPlan>,
}

/// Why a saved plan cannot be executed any more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The plan belongs to another platform, environment, account or region.
    OtherTarget(String),
    /// The spec now synthesizes a different template for the stack.
    TemplateChanged(String),
    /// The stack changed (or appeared, or went) since the plan was made.
    StackChanged {
        /// The stack.
        stack: String,
        /// What the plan saw.
        planned: Option<String>,
        /// What is there now.
        now: Option<String>,
    },
    /// A stack is in one and not the other.
    StacksDiffer,
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OtherTarget(what) => write!(f, "the plan was made for another {what}"),
            Self::TemplateChanged(s) => {
                write!(f, "the spec now gives a different template for {s}")
            }
            Self::StackChanged {
                stack,
                planned,
                now,
            } => write!(
                f,
                "{stack} changed since the plan was made ({} then, {} now)",
                planned.as_deref().unwrap_or("absent"),
                now.as_deref().unwrap_or("absent")
            ),
            Self::StacksDiffer => f.write_str("the plan lists other stacks than the spec"),
        }
    }
}

impl Plan {
    /// Whether any stack changes.
    pub fn has_changes(&self) -> bool {
        self.stacks.iter().any(|s| s.action.changes_anything())
    }

    /// Checks a saved plan against a fresh one made from the same spec: same target, same
    /// templates, and every stack as the plan saw it.
    pub fn stale(&self, fresh: &Plan) -> Option<Stale> {
        for (what, a, b) in [
            ("platform", &self.platform, &fresh.platform),
            ("environment", &self.environment, &fresh.environment),
            ("account", &self.account, &fresh.account),
            ("region", &self.region, &fresh.region),
        ] {
            if a != b {
                return Some(Stale::OtherTarget(what.to_owned()));
            }
        }
        if self.stacks.len() != fresh.stacks.len()
            || self
                .stacks
                .iter()
                .zip(&fresh.stacks)
                .any(|(a, b)| a.name != b.name)
        {
            return Some(Stale::StacksDiffer);
        }
        for (a, b) in self.stacks.iter().zip(&fresh.stacks) {
            if a.template_sha256 != b.template_sha256 {
                return Some(Stale::TemplateChanged(a.name.clone()));
            }
            if a.observed.fingerprint() != b.observed.fingerprint() {
                return Some(Stale::StackChanged {
                    stack: a.name.clone(),
                    planned: a.observed.status.clone(),
                    now: b.observed.status.clone(),
                });
            }
        }
        None
    }

    /// The plan for people: one block per stack, one line per resource change.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "plan for {} ({}) in account {}, {}",
            self.platform, self.environment, self.account, self.region
        );
        for s in &self.stacks {
            let _ = write!(out, "\n{}: {}", s.name, s.action.label());
            match &s.action {
                Action::Replace { status } => {
                    let _ = write!(
                        out,
                        " (the stack is {status}: deploy deletes it, then creates it again)"
                    );
                }
                Action::Wait { status } => {
                    let _ = write!(out, " (CloudFormation is busy: {status})");
                }
                Action::Blocked { reason, .. } => {
                    let _ = write!(out, " ({reason})");
                }
                _ => {}
            }
            if !s.depends_on.is_empty() {
                let _ = write!(out, "  [after {}]", s.depends_on.join(", "));
            }
            out.push('\n');
            let counts = counts(&s.changes);
            if !s.changes.is_empty() {
                let _ = writeln!(out, "  {counts}");
            }
            for c in &s.changes {
                let sign = match (c.action, c.replacement) {
                    (ChangeKind::Add | ChangeKind::Import, _) => '+',
                    (ChangeKind::Remove, _) => '-',
                    (ChangeKind::Modify, Some(Replacement::True)) => '±',
                    (ChangeKind::Modify, Some(Replacement::Conditional)) => '?',
                    (ChangeKind::Modify | ChangeKind::Dynamic, _) => '~',
                };
                let _ = write!(out, "  {sign} {:<44} {}", c.logical_id, c.resource_type);
                match c.replacement {
                    Some(Replacement::True) if c.action == ChangeKind::Modify => {
                        out.push_str("  REPLACED");
                    }
                    Some(Replacement::Conditional) => out.push_str("  may be replaced"),
                    _ => {}
                }
                if !c.properties.is_empty() {
                    let _ = write!(out, "  ({})", c.properties.join(", "));
                }
                out.push('\n');
            }
        }
        out
    }
}

/// "3 to add, 1 to change (1 replaced), 0 to remove".
pub fn counts(changes: &[ResourceChange]) -> String {
    let add = changes
        .iter()
        .filter(|c| matches!(c.action, ChangeKind::Add | ChangeKind::Import))
        .count();
    let modify = changes
        .iter()
        .filter(|c| matches!(c.action, ChangeKind::Modify | ChangeKind::Dynamic))
        .count();
    let replaced = changes
        .iter()
        .filter(|c| c.action == ChangeKind::Modify && c.replacement == Some(Replacement::True))
        .count();
    let remove = changes
        .iter()
        .filter(|c| c.action == ChangeKind::Remove)
        .count();
    if replaced > 0 {
        format!("{add} to add, {modify} to change ({replaced} replaced), {remove} to remove")
    } else {
        format!("{add} to add, {modify} to change, {remove} to remove")
    }
}

/// SHA-256 of a template body, hex.
pub fn sha256(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// The changes creating a stack makes: every resource of its template, added. Used for stacks
/// that do not exist yet, whose change sets cannot be made before the stacks they import from.
pub fn additions(template: &plinth_cfn::Template) -> Vec<ResourceChange> {
    template
        .resources
        .iter()
        .map(|(id, r)| ResourceChange {
            action: ChangeKind::Add,
            logical_id: id.clone(),
            resource_type: r.kind.to_owned(),
            physical_id: None,
            replacement: None,
            properties: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_stack_status_has_an_action() {
        // The StackStatus values of the CloudFormation API reference:
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html
        let expected = [
            ("CREATE_IN_PROGRESS", "wait"),
            ("CREATE_FAILED", "replace"),
            ("CREATE_COMPLETE", "update"),
            ("ROLLBACK_IN_PROGRESS", "wait"),
            ("ROLLBACK_FAILED", "replace"),
            ("ROLLBACK_COMPLETE", "replace"),
            ("DELETE_IN_PROGRESS", "wait"),
            ("DELETE_FAILED", "replace"),
            ("DELETE_COMPLETE", "create"),
            ("UPDATE_IN_PROGRESS", "wait"),
            ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "wait"),
            ("UPDATE_COMPLETE", "update"),
            ("UPDATE_FAILED", "wait"),
            ("UPDATE_ROLLBACK_IN_PROGRESS", "wait"),
            ("UPDATE_ROLLBACK_FAILED", "continue rollback, update"),
            ("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "wait"),
            ("UPDATE_ROLLBACK_COMPLETE", "update"),
            ("REVIEW_IN_PROGRESS", "create"),
            ("IMPORT_IN_PROGRESS", "wait"),
            ("IMPORT_COMPLETE", "update"),
            ("IMPORT_ROLLBACK_IN_PROGRESS", "wait"),
            ("IMPORT_ROLLBACK_FAILED", "blocked"),
            ("IMPORT_ROLLBACK_COMPLETE", "update"),
        ];
        for (status, label) in expected {
            assert_eq!(Action::for_status(Some(status)).label(), label, "{status}");
        }
        assert_eq!(Action::for_status(None), Action::Create);
    }

    fn plan(status: Option<&str>, sha: &str) -> Plan {
        Plan {
            format: PLAN_FORMAT.into(),
            platform: "p".into(),
            environment: "dev".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            stacks: vec![StackPlan {
                name: "p-network".into(),
                depends_on: vec![],
                template_sha256: sha.into(),
                observed: Observed {
                    status: status.map(str::to_owned),
                    stack_id: status.map(|_| "arn:stack".to_owned()),
                    changed_at: status.map(|_| "2026-11-23T10:00:00Z".to_owned()),
                    ..Observed::default()
                },
                action: Action::for_status(status),
                change_set: None,
                changes: vec![],
            }],
        }
    }

    #[test]
    fn a_plan_is_stale_when_its_stack_or_template_moved() {
        let saved = plan(Some("CREATE_COMPLETE"), "aa");
        assert_eq!(saved.stale(&saved.clone()), None);
        assert_eq!(
            saved.stale(&plan(Some("CREATE_COMPLETE"), "bb")),
            Some(Stale::TemplateChanged("p-network".into()))
        );
        let mut moved = plan(Some("UPDATE_COMPLETE"), "aa");
        moved.stacks[0].observed.changed_at = Some("2026-11-23T11:00:00Z".into());
        assert!(matches!(
            saved.stale(&moved),
            Some(Stale::StackChanged { .. })
        ));
        assert!(matches!(
            saved.stale(&plan(None, "aa")),
            Some(Stale::StackChanged { now: None, .. })
        ));
        let mut other = saved.clone();
        other.region = "eu-west-1".into();
        assert_eq!(
            saved.stale(&other),
            Some(Stale::OtherTarget("region".into()))
        );
    }

    #[test]
    fn outputs_do_not_make_a_plan_stale() {
        let saved = plan(Some("CREATE_COMPLETE"), "aa");
        let mut fresh = saved.clone();
        fresh.stacks[0]
            .observed
            .outputs
            .insert("VpcId".into(), "vpc-1".into());
        assert_eq!(saved.stale(&fresh), None);
    }

    #[test]
    fn counts_and_render_show_replacements() {
        let changes = vec![
            ResourceChange {
                action: ChangeKind::Modify,
                logical_id: "Vpc".into(),
                resource_type: "AWS::EC2::VPC".into(),
                physical_id: Some("vpc-1".into()),
                replacement: Some(Replacement::True),
                properties: vec!["CidrBlock".into()],
            },
            ResourceChange {
                action: ChangeKind::Add,
                logical_id: "FlowLogs".into(),
                resource_type: "AWS::EC2::FlowLog".into(),
                physical_id: None,
                replacement: None,
                properties: vec![],
            },
        ];
        assert_eq!(
            counts(&changes),
            "1 to add, 1 to change (1 replaced), 0 to remove"
        );
        let mut p = plan(Some("CREATE_COMPLETE"), "aa");
        p.stacks[0].changes = changes;
        let text = p.render();
        assert!(text.contains("± Vpc"), "{text}");
        assert!(text.contains("REPLACED  (CidrBlock)"), "{text}");
        assert!(text.contains("+ FlowLogs"), "{text}");
    }
}
