//! PLN203: the metadata database has no reader to fail over to.

use plinth_spec::model::StackKind;

use crate::check::{Context, Finding, Rule, RuleInfo, Severity, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags Druid metadata stores with `readers: 0`: the Aurora cluster has one instance,
    /// in one availability zone.
    ///
    /// ## Why is this bad?
    /// When that instance or its zone fails, Aurora has no replica to promote and must create
    /// a new instance, which takes around ten minutes. Meanwhile the coordinator and overlord
    /// cannot read or write segment and task metadata: no new segments are published and
    /// ingestion stalls. A reader in another zone fails over in about a minute.
    ///
    /// ## Example
    /// ```yaml
    /// metadataStore: {engine: aurora-postgresql, version: "16.11", readers: 0}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadataStore: {engine: aurora-postgresql, version: "16.11", readers: 1}
    /// ```
    pub struct SingleInstanceDatabase {
        code: "PLN203",
        category: Reliability,
        severity: Medium,
        summary: "the metadata database has no reader to fail over to",
    }
}

impl Rule for SingleInstanceDatabase {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(d) = &cx.platform.druid else {
            return;
        };
        if d.metadata_readers > 0 {
            return;
        }
        let severity = if cx.is_production() {
            Severity::High
        } else {
            Severity::Medium
        };
        out.push(
            Self::finding(
                "/workloads/druid/metadataStore/readers",
                "the metadata database is a single instance in one zone; a failure means minutes without metadata",
            )
            .severity(severity)
            .target(cx.template_path(StackKind::Data), "MetadataCluster")
            .help("set `readers: 1` so Aurora can fail over to another zone"),
        );
    }
}
