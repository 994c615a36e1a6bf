//! PLN303: nodes or databases use a previous instance generation.

use plinth_spec::model::StackKind;

use crate::check::instances::previous_generation;
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags node group instance types and the metadata database's instance class from
    /// previous generations (generation 4 and older, and `t2`).
    ///
    /// ## Why is this bad?
    /// Current generations cost the same or less per hour and do more per vCPU (Nitro,
    /// newer processors, more network bandwidth); older ones are also first to lose spot
    /// capacity and, for RDS, first to be retired.
    ///
    /// ## Example
    /// ```yaml
    /// instanceTypes: [m4.large]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// instanceTypes: [m7i.large, m6i.large]
    /// ```
    pub struct PreviousGenerationInstances {
        code: "PLN303",
        category: Cost,
        severity: Low,
        summary: "an instance type is from a previous generation",
    }
}

impl Rule for PreviousGenerationInstances {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for (i, g) in cx.platform.cluster.node_groups.iter().enumerate() {
            let old: Vec<&str> = g
                .instance_types
                .iter()
                .filter(|t| t.split('.').next().is_some_and(previous_generation))
                .map(String::as_str)
                .collect();
            if !old.is_empty() {
                out.push(
                    Self::finding(
                        format!("/cluster/nodeGroups/{i}/instanceTypes"),
                        format!(
                            "node group `{}` uses previous-generation {}",
                            g.name,
                            old.join(", ")
                        ),
                    )
                    .target(
                        cx.template_path(StackKind::Cluster),
                        format!("Nodegroup{}", plinth_cfn::pascal(&g.name)),
                    )
                    .help("use a current generation of the same family"),
                );
            }
        }
        if let Some(d) = &cx.platform.druid {
            let family = d
                .metadata_instance_class
                .split('.')
                .nth(1)
                .unwrap_or_default();
            if previous_generation(family) {
                out.push(
                    Self::finding(
                        "/workloads/druid/metadataStore/instanceClass",
                        format!(
                            "the metadata database uses previous-generation {}",
                            d.metadata_instance_class
                        ),
                    )
                    .target(cx.template_path(StackKind::Data), "MetadataWriter")
                    .help("use db.r6g or db.r7g"),
                );
            }
        }
    }
}
