//! PLN107: Kubernetes Secrets are not envelope-encrypted with a KMS key.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an EKS cluster without an `EncryptionConfig` that covers `secrets`.
    ///
    /// ## Why is this bad?
    /// Without envelope encryption, Secrets sit in etcd protected only by EKS's volume
    /// encryption; anyone with access to an etcd backup reads them. A customer-managed KMS
    /// key adds a second key you control, audit in CloudTrail, and can revoke. EKS cannot
    /// remove envelope encryption once enabled, but it can only be added after creation with
    /// an explicit update.
    ///
    /// ## Example
    /// plinth always adds the `SecretsKey`; this fires only when the cluster template lost
    /// its `EncryptionConfig`.
    pub struct UnencryptedClusterSecrets {
        code: "PLN107",
        category: Security,
        severity: High,
        summary: "Kubernetes Secrets are not envelope-encrypted with KMS",
    }
}

impl Rule for UnencryptedClusterSecrets {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for r in cx.resources_of("AWS::EKS::Cluster") {
            let covered = r
                .prop("/EncryptionConfig")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|c| {
                    crate::check::context::strings(c.get("Resources")).contains(&"secrets")
                        && c.pointer("/Provider/KeyArn").is_some()
                });
            if !covered {
                out.push(
                    Self::finding("/cluster", "the cluster does not envelope-encrypt Secrets")
                        .target(r.file(), r.id)
                        .help("regenerate the output; plinth encrypts Secrets with a rotating KMS key"),
                );
            }
        }
    }
}
