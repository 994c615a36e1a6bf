//! PLN117: a credential is written into a manifest in clear text.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

/// Name fragments that mark a variable or key as holding a credential.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
];

declare_rule! {
    /// ## What it does
    /// Flags container environment variables whose name says they hold a credential
    /// (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*API_KEY*`, …) but whose value is written
    /// literally instead of coming from a Secret, and ConfigMap keys with such names.
    ///
    /// ## Why is this bad?
    /// Manifests end up in Git, in Argo CD's UI, in `kubectl describe` and in support
    /// bundles. A literal credential there is readable by everyone who can read the
    /// manifest, and rotating it means redeploying. plinth generates credentials in Secrets
    /// Manager and syncs them into Secrets that variables reference.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DRUID_ADMIN_PASSWORD
    ///     value: hunter2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: DRUID_ADMIN_PASSWORD
    ///     valueFrom: {secretKeyRef: {name: druid-credentials, key: admin-password}}
    /// ```
    pub struct SecretInEnvLiteral {
        code: "PLN117",
        category: Security,
        severity: Critical,
        summary: "a credential is written into a manifest in clear text",
    }
}

impl Rule for SecretInEnvLiteral {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for o in cx.workloads() {
            for c in o.containers() {
                for e in c["env"].as_array().into_iter().flatten() {
                    let name = e["name"].as_str().unwrap_or_default();
                    let Some(value) = e.get("value").and_then(Value::as_str) else {
                        continue;
                    };
                    if secret_name(name) && !value.is_empty() && !is_reference(value) {
                        out.push(
                            Self::finding(
                                cx.origin_of_object(&o),
                                format!("{} sets `{name}` to a literal value", o.target_name()),
                            )
                            .target(o.file.path.clone(), o.target_name())
                            .help("reference a Secret with `valueFrom.secretKeyRef`"),
                        );
                    }
                }
            }
        }
        for o in cx.objects_of("ConfigMap") {
            for (key, value) in o.value["data"].as_object().into_iter().flatten() {
                let literal = value
                    .as_str()
                    .is_some_and(|v| !v.is_empty() && !is_reference(v));
                if secret_name(key) && literal {
                    out.push(
                        Self::finding(
                            cx.origin_of_object(&o),
                            format!("{} holds `{key}` in clear text", o.target_name()),
                        )
                        .target(o.file.path.clone(), o.target_name())
                        .help("move it to a Secret synced from Secrets Manager"),
                    );
                }
            }
        }
    }
}

fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// `$(VAR)` expansions and Druid's `{"type":"environment",…}` password providers name where a
/// value comes from; they are not the value.
fn is_reference(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with("$(") && v.ends_with(')')) || (v.starts_with('{') && v.contains("\"type\""))
}
