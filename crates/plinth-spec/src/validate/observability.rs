//! Checks of the in-cluster observability options: Prometheus with Alertmanager and Grafana,
//! and container logs to CloudWatch Logs.
//!
//! Both run with pod identity roles, and Grafana's admin password and Alertmanager's webhook
//! secrets arrive through the Secrets Store CSI driver, so they need those addons; Prometheus
//! keeps its data on the EBS CSI driver's encrypted volumes.

use super::{Cx, is_email};
use crate::model::{Alerts, AwsTarget, Logs, Observability, Prometheus, SlackAlerts};
use crate::raw::{self, RawSpec};

/// Days Prometheus keeps samples when the spec says nothing.
const DEFAULT_RETENTION_DAYS: u32 = 15;
/// Size of Prometheus's volume when the spec says nothing, GiB.
const DEFAULT_STORAGE_GIB: u32 = 50;
/// Days CloudWatch keeps container logs when the spec says nothing.
const DEFAULT_LOG_RETENTION_DAYS: u32 = 30;

/// Components of these options that use EKS Pod Identity, for the agent check.
pub(super) fn pod_identity_users(raw: &RawSpec) -> Vec<&'static str> {
    let o = raw.observability.as_ref();
    let mut out = Vec::new();
    if o.is_some_and(|o| o.prometheus.is_some()) {
        out.push("Grafana and Alertmanager");
    }
    if o.is_some_and(|o| o.logs.is_some()) {
        out.push("Fluent Bit");
    }
    out
}

impl Cx<'_> {
    /// Validates `observability.prometheus` and `observability.logs` into `out`.
    pub(super) fn in_cluster_observability(
        &mut self,
        raw: &RawSpec,
        aws: &AwsTarget,
        out: &mut Observability,
    ) {
        let Some(o) = raw.observability.as_ref() else {
            return;
        };
        if let Some(p) = &o.prometheus {
            out.prometheus = Some(self.prometheus(raw, p, aws));
        }
        if let Some(l) = &o.logs {
            let retention_days = l.retention_days.unwrap_or(DEFAULT_LOG_RETENTION_DAYS);
            self.retention("/observability/logs/retentionDays", retention_days);
            if o.container_insights {
                self.warning(
                    "spec::logs-shipped-twice",
                    "/observability/logs",
                    "Container Insights ships container logs too, so every line is stored twice",
                )
                .help =
                    Some("keep one of them: drop `logs`, or turn `containerInsights` off".into());
            }
            out.logs = Some(Logs { retention_days });
        }
    }

    fn prometheus(&mut self, raw: &RawSpec, p: &raw::Prometheus, aws: &AwsTarget) -> Prometheus {
        let at = "/observability/prometheus";
        let o = raw.observability.as_ref();
        if o.is_some_and(|o| o.grafana_cloud.is_some()) {
            self.error(
                "spec::conflicting-observability",
                at,
                "`prometheus` and `grafanaCloud` both install node-exporter and kube-state-metrics",
            )
            .help = Some(
                "choose one: in-cluster Prometheus and Grafana, or shipping to Grafana Cloud"
                    .into(),
            );
        }
        if !raw.cluster.addons.contains_key("aws-ebs-csi-driver") {
            self.error(
                "spec::prometheus-needs-storage",
                at,
                "Prometheus keeps its data on an EBS volume, but the aws-ebs-csi-driver addon is missing",
            )
            .help = Some(
                "add `aws-ebs-csi-driver` to cluster.addons, e.g. `v1.51.1-eksbuild.1`".into(),
            );
        }
        if raw
            .addons
            .as_ref()
            .is_none_or(|a| a.secrets_store_csi.is_none())
        {
            self.error(
                "spec::prometheus-needs-addon",
                at,
                "in-cluster Prometheus needs the `secretsStoreCsi` addon",
            )
            .help = Some("add `addons.secretsStoreCsi` with a version: it delivers Grafana's generated admin password (and Alertmanager's webhook secrets)".into());
        }
        let retention_days = p.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS);
        if !(1..=3650).contains(&retention_days) {
            self.error(
                "spec::invalid-retention",
                &format!("{at}/retentionDays"),
                format!("Prometheus retention of {retention_days} days is outside 1 to 3650"),
            );
        }
        let storage_gib = p.storage_gib.unwrap_or(DEFAULT_STORAGE_GIB);
        if !(10..=16_384).contains(&storage_gib) {
            self.error(
                "spec::invalid-size",
                &format!("{at}/storageGib"),
                format!("storageGib {storage_gib} must be between 10 and 16384"),
            )
            .help = Some("gp3 volumes are 1 GiB to 16 TiB; Prometheus needs at least 10".into());
        }
        let alerts = self.alerts(p.alerts.as_ref(), aws);
        if !alerts.any() {
            self.warning(
                "spec::no-alert-receiver",
                at,
                "Alertmanager has no receiver: alerts fire but reach nobody",
            )
            .help = Some("add `alerts` with `sns`, `slack` or `pagerDuty`".into());
        }
        Prometheus {
            retention_days,
            storage_gib,
            alerts,
        }
    }

    fn alerts(&mut self, a: Option<&raw::Alerts>, aws: &AwsTarget) -> Alerts {
        let Some(a) = a else {
            return Alerts::default();
        };
        let at = "/observability/prometheus/alerts";
        let sns = a.sns.as_ref().map(|s| {
            for (i, email) in s.emails.iter().enumerate() {
                if !is_email(email) {
                    self.error(
                        "spec::invalid-email",
                        &format!("{at}/sns/emails/{i}"),
                        format!("`{email}` is not an email address"),
                    )
                    .help = Some("write it as name@example.com".into());
                }
            }
            s.emails.clone()
        });
        let slack = a.slack.as_ref().map(|s| {
            let channel_ok = s.channel.len() > 1
                && s.channel.len() <= 81
                && (s.channel.starts_with('#') || s.channel.starts_with('@'))
                && !s.channel.chars().any(char::is_whitespace);
            if !channel_ok {
                self.error(
                    "spec::invalid-value",
                    &format!("{at}/slack/channel"),
                    format!("`{}` is not a Slack channel", s.channel),
                )
                .help = Some("quote it with its `#`: channel: \"#platform-alerts\"".into());
            }
            self.receiver_secret(&format!("{at}/slack/webhookSecret"), &s.webhook_secret, aws);
            SlackAlerts {
                channel: s.channel.clone(),
                webhook_secret: s.webhook_secret.clone(),
            }
        });
        let pager_duty = a.pager_duty.as_ref().map(|p| {
            self.receiver_secret(
                &format!("{at}/pagerDuty/routingKeySecret"),
                &p.routing_key_secret,
                aws,
            );
            p.routing_key_secret.clone()
        });
        Alerts {
            sns,
            slack,
            pager_duty,
        }
    }

    /// A receiver's secret: a Secrets Manager ARN in the platform's region, where the one
    /// SecretProviderClass of Alertmanager's secrets reads.
    fn receiver_secret(&mut self, pointer: &str, arn: &str, aws: &AwsTarget) {
        let errors = self.diags.len();
        self.secret_arn(pointer, arn, aws);
        let well_formed = !self.diags[errors..]
            .iter()
            .any(crate::diagnostic::Diagnostic::is_error);
        let region = arn.split(':').nth(3).unwrap_or_default();
        if well_formed && self.region_known && region != aws.region {
            self.error(
                "spec::receiver-secret-region",
                pointer,
                format!(
                    "Alertmanager reads its secrets in {}, not {region}",
                    aws.region
                ),
            )
            .help = Some(format!(
                "replicate the secret to {} and name that copy",
                aws.region
            ));
        }
    }
}
