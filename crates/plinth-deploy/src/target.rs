//! What deploy works on: the assembly's stacks as template bodies with their hashes and
//! dependencies, with the bootstrap stack in front. Pure.

use std::collections::{BTreeMap, BTreeSet};

use plinth_synth::Assembly;
use plinth_synth::gitops::Layout;

use crate::bootstrap;
use crate::graph::{GraphError, StackGraph};
use crate::kubernetes::{ApplyError, ObjectRef};
use crate::plan::{self, ResourceChange};

/// One stack to deploy.
#[derive(Debug, Clone)]
pub struct TargetStack {
    /// The stack name.
    pub name: String,
    /// The short name users select it by (`network`, `cluster`, `bootstrap`, …).
    pub alias: String,
    /// Stacks it waits for.
    pub depends_on: Vec<String>,
    /// The template body.
    pub body: String,
    /// SHA-256 of `body`.
    pub sha256: String,
    /// Capabilities the template needs.
    pub capabilities: Vec<String>,
    /// Every resource, as additions (what creating the stack does).
    pub additions: Vec<ResourceChange>,
    /// Resources kept when the stack is deleted (`DeletionPolicy: Retain`), as (logical id, type).
    pub retained: Vec<(String, String)>,
}

/// Everything deploy works on.
#[derive(Debug, Clone)]
pub struct Target {
    /// The platform name (stack name prefix).
    pub platform: String,
    /// The environment.
    pub environment: String,
    /// The AWS account the spec names.
    pub account: String,
    /// The AWS region.
    pub region: String,
    /// Stacks in creation order; the bootstrap stack first.
    pub stacks: Vec<TargetStack>,
    /// Tags on every stack.
    pub tags: BTreeMap<String, String>,
    /// The Kubernetes manifests, by wave.
    pub kubernetes: Vec<plinth_synth::k8s::ManifestFile>,
    /// The EKS cluster's name, as its template sets it; destroy looks for what controllers
    /// left tagged with it.
    pub cluster_name: Option<String>,
    /// What Argo CD delivers after [`Target::hand_over`]; plinth leaves it alone.
    pub handed_over: BTreeSet<ObjectRef>,
}

/// A stack selection names a stack the platform does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no stack `{0}` in this platform (stacks: {1})")]
pub struct UnknownStack(pub String, pub String);

impl Target {
    /// The target for an assembly: its stacks after the bootstrap stack, each depending on it.
    pub fn new(assembly: &Assembly) -> Self {
        let m = &assembly.manifest;
        let bootstrap_name = bootstrap::stack_name(&m.platform);
        let boot = bootstrap::template(&m.platform);
        let mut stacks = vec![stack(
            bootstrap_name.clone(),
            "bootstrap".to_owned(),
            Vec::new(),
            &boot,
            Vec::new(),
        )];
        for (s, sm) in assembly.stacks.iter().zip(&m.stacks) {
            let mut depends_on = vec![bootstrap_name.clone()];
            depends_on.extend(sm.depends_on.iter().cloned());
            let alias = s
                .name
                .strip_prefix(&format!("{}-", m.platform))
                .unwrap_or(&s.name)
                .to_owned();
            stacks.push(stack(
                s.name.clone(),
                alias,
                depends_on,
                &s.template,
                sm.capabilities.iter().map(|c| (*c).to_owned()).collect(),
            ));
        }
        Self {
            platform: m.platform.clone(),
            environment: m.environment.clone(),
            account: m.account.clone(),
            region: m.region.clone(),
            stacks,
            tags: BTreeMap::from([
                ("plinth:platform".to_owned(), m.platform.clone()),
                ("plinth:environment".to_owned(), m.environment.clone()),
            ]),
            kubernetes: assembly.kubernetes.clone(),
            cluster_name: assembly.stacks.iter().find_map(|s| {
                s.template
                    .resources
                    .values()
                    .find(|r| r.kind == "AWS::EKS::Cluster")
                    .and_then(|r| r.properties.get("Name")?.as_str())
                    .map(str::to_owned)
            }),
            handed_over: BTreeSet::new(),
        }
    }

    /// Hands the Kubernetes phase over to Argo CD: plinth applies only the layout's bootstrap
    /// (Argo CD's settings, repositories and projects, then the root Application) and records
    /// everything else the layout holds as delivered by Argo CD.
    ///
    /// # Errors
    /// When a layout object has no identity (a synthesis bug).
    pub fn hand_over(&mut self, layout: &Layout) -> Result<(), ApplyError> {
        self.handed_over = layout
            .delivered()
            .map(ObjectRef::of)
            .collect::<Result<_, _>>()?;
        self.kubernetes = layout.handover();
        Ok(())
    }

    /// The dependency graph of the stacks.
    pub fn graph(&self) -> Result<StackGraph, GraphError> {
        StackGraph::new(
            self.stacks
                .iter()
                .map(|s| (s.name.as_str(), s.depends_on.as_slice())),
        )
    }

    /// Keeps the bootstrap stack and the stacks named by alias or name. Dependencies on
    /// stacks left out stay recorded: deploy requires them to exist already.
    pub fn select(&mut self, names: &[String]) -> Result<(), UnknownStack> {
        if names.is_empty() {
            return Ok(());
        }
        for n in names {
            if !self.stacks.iter().any(|s| &s.alias == n || &s.name == n) {
                let all: Vec<&str> = self.stacks.iter().map(|s| s.alias.as_str()).collect();
                return Err(UnknownStack(n.clone(), all.join(", ")));
            }
        }
        self.stacks.retain(|s| {
            s.alias == "bootstrap" || names.iter().any(|n| n == &s.alias || n == &s.name)
        });
        Ok(())
    }

    /// Whether every stack of the platform is selected.
    pub fn is_whole(&self, assembly: &Assembly) -> bool {
        self.stacks.len() == assembly.stacks.len() + 1
    }

    /// A stack by alias.
    pub fn by_alias(&self, alias: &str) -> Option<&TargetStack> {
        self.stacks.iter().find(|s| s.alias == alias)
    }
}

fn stack(
    name: String,
    alias: String,
    depends_on: Vec<String>,
    template: &plinth_cfn::Template,
    capabilities: Vec<String>,
) -> TargetStack {
    let body = template.to_json();
    let retained = template
        .resources
        .iter()
        .filter(|(_, r)| r.deletion_policy == Some(plinth_cfn::Policy::Retain))
        .map(|(id, r)| (id.clone(), r.kind.to_owned()))
        .collect();
    TargetStack {
        sha256: plan::sha256(&body),
        additions: plan::additions(template),
        name,
        alias,
        depends_on,
        body,
        capabilities,
        retained,
    }
}
