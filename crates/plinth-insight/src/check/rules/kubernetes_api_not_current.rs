//! PLN404: an object uses a Kubernetes API the cluster's version deprecates or no longer serves.

use crate::check::apis::{self, Status};
use crate::check::{Context, Finding, Rule, RuleInfo, Severity, declare_rule};

declare_rule! {
    /// ## What it does
    /// Looks up the `apiVersion` and `kind` of every Kubernetes object plinth writes in the
    /// table of built-in APIs vendored from Kubernetes (`upstream/kubernetes/apis.json`, with
    /// its provenance) and flags, for `cluster.version`, an API that is deprecated (medium),
    /// and one that is removed, not served yet or alpha (high). Custom resources are not
    /// judged here; the manifest tests validate them against their CRDs.
    ///
    /// ## Why is this bad?
    /// An API server rejects an object whose API it does not serve: the sync fails on deploy,
    /// or on the first apply after an upgrade. A deprecated API still works, but is removed in
    /// a later minor and blocks that upgrade; moving now is a one-line change.
    ///
    /// ## Example
    /// ```yaml
    /// manifests:
    ///   - apiVersion: policy/v1beta1   # removed in Kubernetes 1.25
    ///     kind: PodDisruptionBudget
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   - apiVersion: policy/v1
    ///     kind: PodDisruptionBudget
    /// ```
    pub struct KubernetesApiNotCurrent {
        code: "PLN404",
        category: Compatibility,
        severity: Medium,
        summary: "an object uses a deprecated or unserved Kubernetes API",
    }
}

impl Rule for KubernetesApiNotCurrent {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let k = cx.platform.cluster.version_minor;
        for o in cx.objects() {
            let (Some(api_version), kind) = (o.value["apiVersion"].as_str(), o.kind()) else {
                continue;
            };
            if !apis::is_builtin_group(api_version) {
                continue;
            }
            let api = apis::lookup(api_version, kind);
            let status = api.map_or(Status::Unknown, |a| a.status(k));
            let (message, severity) = match status {
                Status::Current => continue,
                Status::Deprecated { since, removal } => (
                    format!(
                        "{api_version} {kind} is deprecated since Kubernetes 1.{since}{}",
                        removal.map_or_else(String::new, |r| format!(" and removed in 1.{r}"))
                    ),
                    Severity::Medium,
                ),
                Status::Removed { removed } => (
                    format!(
                        "{api_version} {kind} was removed in Kubernetes 1.{removed}; the cluster runs 1.{k}"
                    ),
                    Severity::High,
                ),
                Status::NotYet { first } => (
                    format!(
                        "{api_version} {kind} is served from Kubernetes 1.{first}; the cluster runs 1.{k}"
                    ),
                    Severity::High,
                ),
                Status::Alpha => (
                    format!("{api_version} {kind} is an alpha API, which EKS does not serve"),
                    Severity::High,
                ),
                Status::Unknown => (
                    format!("{api_version} {kind} is not an API Kubernetes 1.{k} serves"),
                    Severity::High,
                ),
            };
            let help = api.and_then(apis::Api::instead).map_or_else(
                || "use an apiVersion the cluster's Kubernetes version serves".to_owned(),
                |instead| format!("use {instead}"),
            );
            out.push(
                Self::finding(cx.origin_of_object(&o), message)
                    .severity(severity)
                    .target(o.file.path.clone(), o.target_name())
                    .help(help),
            );
        }
    }
}
