//! PLN213: Druid's deep storage can be lost with its stack or by an overwrite.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags the Druid deep-storage bucket when it is not retained on stack deletion
    /// (`DeletionPolicy: Retain`) or not versioned.
    ///
    /// ## Why is this bad?
    /// Deep storage is the only durable copy of every ingested segment; historicals only cache
    /// it. Losing the bucket loses the data, and without versioning a bad compaction or a
    /// mistaken kill task overwrites or deletes segments with no way back.
    ///
    /// ## Example
    /// plinth retains and versions deep storage; this fires only on a regressed or edited
    /// output.
    pub struct DeepStorageNotRetained {
        code: "PLN213",
        category: Reliability,
        severity: High,
        summary: "deep storage is not retained or not versioned",
    }
}

impl Rule for DeepStorageNotRetained {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(r) = cx.resource(plinth_spec::model::StackKind::Data, "DeepStorageBucket") else {
            return;
        };
        let retained = r.resource.deletion_policy == Some(plinth_cfn::Policy::Retain);
        let versioned = r
            .prop("/VersioningConfiguration/Status")
            .and_then(Value::as_str)
            == Some("Enabled");
        let mut missing = Vec::new();
        if !retained {
            missing.push("retained on deletion");
        }
        if !versioned {
            missing.push("versioned");
        }
        if !missing.is_empty() {
            out.push(
                Self::finding(
                    "/workloads/druid",
                    format!("the deep-storage bucket is not {}", missing.join(" or ")),
                )
                .target(r.file(), r.id)
                .help("retain the bucket and enable versioning"),
            );
        }
    }
}
