//! PLN116: pods run in a namespace without a default-deny NetworkPolicy.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags every namespace where the Kubernetes output runs pods but no NetworkPolicy with
    /// an empty `podSelector` denies ingress by default.
    ///
    /// ## Why is this bad?
    /// Without a default deny, every pod in the cluster can connect to every port of these
    /// pods. A compromised addon or a debugging pod reaches Druid's internal APIs directly;
    /// allow-lists only mean something on top of a deny.
    ///
    /// ## Example
    /// plinth writes a default deny and allow rules for Druid; this fires only when the output
    /// runs pods in a namespace without one.
    pub struct WorkloadWithoutNetworkPolicy {
        code: "PLN116",
        category: Security,
        severity: Medium,
        summary: "pods run in a namespace without a default-deny NetworkPolicy",
    }
}

impl Rule for WorkloadWithoutNetworkPolicy {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let denied: BTreeSet<&str> = cx
            .objects_of("NetworkPolicy")
            .filter(|p| {
                let empty_selector = p
                    .value
                    .pointer("/spec/podSelector")
                    .and_then(Value::as_object)
                    .is_some_and(|s| {
                        s.values()
                            .all(|v| v.as_object().is_some_and(serde_json::Map::is_empty))
                    });
                let ingress = crate::check::context::strings(p.value.pointer("/spec/policyTypes"))
                    .contains(&"Ingress");
                empty_selector && ingress
            })
            .map(|p| p.namespace())
            .collect();
        let mut seen = BTreeSet::new();
        for o in cx.workloads() {
            let ns = o.namespace();
            if denied.contains(ns) || !seen.insert(ns) {
                continue;
            }
            out.push(
                Self::finding(
                    cx.origin_of_object(&o),
                    format!("namespace `{ns}` runs {} but has no default-deny NetworkPolicy", o.target_name()),
                )
                .target(o.file.path.clone(), o.target_name())
                .help("add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]`, then allow what is needed"),
            );
        }
    }
}
