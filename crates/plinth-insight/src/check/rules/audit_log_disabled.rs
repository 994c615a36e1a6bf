//! PLN105: the control plane's audit log is not sent to CloudWatch.

use plinth_spec::model::{LogType, StackKind};

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a cluster whose `cluster.logging` does not include `audit` (or `authenticator`).
    ///
    /// ## Why is this bad?
    /// The Kubernetes audit log is the only record of who read a Secret, exec'd into a pod or
    /// changed RBAC; the authenticator log maps those requests to IAM identities. EKS keeps
    /// neither unless they are enabled, and they cannot be recovered afterwards.
    ///
    /// ## Example
    /// ```yaml
    /// cluster:
    ///   logging: [api]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// cluster:
    ///   logging: [api, audit, authenticator]
    /// ```
    pub struct AuditLogDisabled {
        code: "PLN105",
        category: Security,
        severity: Medium,
        summary: "the control plane's audit or authenticator log is off",
    }
}

impl Rule for AuditLogDisabled {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let logging = &cx.platform.cluster.logging;
        let missing: Vec<&str> = [
            (LogType::Audit, "audit"),
            (LogType::Authenticator, "authenticator"),
        ]
        .into_iter()
        .filter(|(t, _)| !logging.contains(t))
        .map(|(_, n)| n)
        .collect();
        if missing.is_empty() {
            return;
        }
        out.push(
            Self::finding(
                "/cluster/logging",
                format!("control-plane logging leaves out {}", missing.join(" and ")),
            )
            .target(cx.template_path(StackKind::Cluster), "Cluster")
            .help(format!("add {} to `cluster.logging`", missing.join(", "))),
        );
    }
}
