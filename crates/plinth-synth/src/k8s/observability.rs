//! In-cluster observability: kube-prometheus-stack (Prometheus, Alertmanager, Grafana,
//! node-exporter, kube-state-metrics) and Fluent Bit shipping container logs to CloudWatch
//! Logs, all in namespace `monitoring`; plinth's dashboards, alert rules and Druid's PodMonitor.
//!
//! No credential is written anywhere. Grafana's admin user comes from the Secrets Manager
//! secret the cluster stack generates (`crate::observability`): a SecretProviderClass syncs it
//! into the Secret `grafana-admin` while Grafana's pod mounts it, and the chart reads that
//! Secret (`admin.existingSecret`). Alertmanager reads Slack's webhook URL and PagerDuty's
//! routing key as files from a CSI volume (`api_url_file`, `routing_key_file`), and publishes
//! to SNS with its pod identity role (`sigv4`). Fluent Bit writes to the log group the cluster
//! stack creates with the role bound to its service account.
//!
//! Chart values were checked against the chart sources: kube-prometheus-stack's `values.yaml`
//! (prometheus-community/helm-charts `charts/kube-prometheus-stack`, the 81.x line; Grafana's
//! keys from grafana/helm-charts `charts/grafana/values.yaml`), and fluent-bit's
//! (fluent/helm-charts `charts/fluent-bit/values.yaml`). Alertmanager's receiver fields are in
//! its configuration reference (<https://prometheus.io/docs/alerting/latest/configuration/>).

use std::collections::BTreeMap;

use plinth_spec::Platform;
use plinth_spec::model::{Alerts, Prometheus};
use serde_json::{Value, json};

use super::addons::Release;
use super::dashboards;
use super::foundation::STORAGE_CLASS;
use super::labels::labels;
use super::{ManifestFile, Wave};

/// Namespace of the monitoring and logging releases (Pod Security privileged: node-exporter
/// and Fluent Bit read host paths).
pub(crate) const NAMESPACE: &str = "monitoring";
/// kube-prometheus-stack chart version: 81.6.9, the newest 81.x release (prometheus-operator
/// v0.88.1, Grafana chart 11.1.5 from grafana-community/helm-charts, kube-state-metrics chart
/// 7.1.0, prometheus-node-exporter chart 4.51.1), vendored in
/// `upstream/charts/kube-prometheus-stack/81.6.9` from prometheus-community/helm-charts at tag
/// `kube-prometheus-stack-81.6.9`. (81.4.5, pinned before, was never released.)
pub const KUBE_PROMETHEUS_STACK_CHART: &str = "81.6.9";
/// fluent-bit chart version: 0.54.0 ships Fluent Bit 4.1.0 (the chart's CHANGELOG.md), which
/// reads EKS Pod Identity credentials (fluent/fluent-bit pull request 10115, in 4.0).
pub const FLUENT_BIT_CHART: &str = "0.54.0";
/// Release name of kube-prometheus-stack; the chart names its objects after it.
pub(crate) const KPS_RELEASE: &str = "kube-prometheus-stack";
/// Grafana's service account, set explicitly in the values; the cluster stack binds it.
pub(crate) const GRAFANA_SA: &str = "kube-prometheus-stack-grafana";
/// Alertmanager's service account, set explicitly in the values.
pub(crate) const ALERTMANAGER_SA: &str = "kube-prometheus-stack-alertmanager";
/// Fluent Bit's service account, set explicitly in the values.
pub(crate) const FLUENT_BIT_SA: &str = "fluent-bit";

/// The Secret Grafana reads its admin user from, and the SecretProviderClass that syncs it.
const GRAFANA_ADMIN: &str = "grafana-admin";
/// The SecretProviderClass of Alertmanager's receiver secrets.
const ALERTMANAGER_SECRETS: &str = "alertmanager-receivers";
/// Where Alertmanager's receiver secrets are mounted.
const ALERTMANAGER_SECRETS_DIR: &str = "/mnt/secrets/alertmanager";
/// Alert rules kube-prometheus-stack ships that plinth's own rules replace, so one problem
/// raises one alert.
const REPLACED_DEFAULT_RULES: &[&str] = &[
    "KubeNodeNotReady",
    "KubePodCrashLooping",
    "KubePersistentVolumeFillingUp",
];
/// Records of Kafka lag above which a Druid supervisor is alerted on, after 15 minutes.
pub const DRUID_LAG_THRESHOLD: u64 = 100_000;

/// The Helm releases of the options the spec enables.
pub fn releases(p: &Platform) -> Vec<Release> {
    let mut out = Vec::new();
    if let Some(prometheus) = &p.observability.prometheus {
        out.push(Release {
            name: KPS_RELEASE,
            namespace: NAMESPACE,
            repo: "https://prometheus-community.github.io/helm-charts",
            chart: "kube-prometheus-stack",
            version: KUBE_PROMETHEUS_STACK_CHART.to_owned(),
            pinned_in: None,
            values: kube_prometheus_stack_values(p, prometheus),
            sync_wave: 0,
        });
    }
    if p.observability.logs.is_some() {
        out.push(Release {
            name: "fluent-bit",
            namespace: NAMESPACE,
            repo: "https://fluent.github.io/helm-charts",
            chart: "fluent-bit",
            version: FLUENT_BIT_CHART.to_owned(),
            pinned_in: None,
            values: fluent_bit_values(p),
            // After kube-prometheus-stack, whose CRDs its ServiceMonitor needs.
            sync_wave: 1,
        });
    }
    out
}

/// The workloads-wave objects: `monitoring`'s network policies, secret sync, dashboards, alert
/// rules and Druid's PodMonitor. Most need the CRDs of the addons wave (SecretProviderClass,
/// PrometheusRule, PodMonitor).
pub fn files(p: &Platform) -> Vec<ManifestFile> {
    let mut files = Vec::new();
    if p.observability.prometheus.is_some() || p.observability.logs.is_some() {
        files.push(ManifestFile::objects(
            Wave::Workloads,
            "observability-network-policies",
            network_policies(p),
        ));
    }
    let Some(prometheus) = &p.observability.prometheus else {
        return files;
    };
    let mut secrets = vec![grafana_admin_sync(p)];
    if !prometheus.alerts.secrets().is_empty() {
        secrets.push(alertmanager_secrets(p, &prometheus.alerts));
    }
    let mut rules = vec![platform_rules(p)];
    files.extend([
        ManifestFile::objects(Wave::Workloads, "observability-secrets", secrets),
        ManifestFile::objects(
            Wave::Workloads,
            "observability-dashboards",
            dashboards::config_maps(p),
        ),
    ]);
    if p.druid.is_some() {
        rules.push(druid_rules(p));
        files.push(ManifestFile::objects(
            Wave::Workloads,
            "druid-monitoring",
            vec![druid_pod_monitor(p)],
        ));
    }
    files.push(ManifestFile::objects(
        Wave::Workloads,
        "observability-rules",
        rules,
    ));
    files
}

/// Ingress to `monitoring` is denied but from its own pods (Prometheus scraping the exporters,
/// Grafana querying Prometheus, Prometheus reaching Alertmanager) and from the VPC: the
/// kubelet's probes and port-forwards come from node addresses, the API server's calls to the
/// operator's admission webhook from the control plane's network interfaces in the VPC.
/// node-exporter runs on the host network, which policies do not cover.
fn network_policies(p: &Platform) -> Vec<Value> {
    let policy = |name: &str, spec: Value| {
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": NAMESPACE, "labels": labels(p, "monitoring", "network-policy") },
            "spec": spec,
        })
    };
    vec![
        policy(
            "default-deny-ingress",
            json!({ "podSelector": {}, "policyTypes": ["Ingress"] }),
        ),
        policy(
            "monitoring-internal",
            json!({
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{ "from": [{ "podSelector": {} }] }],
            }),
        ),
        policy(
            "monitoring-from-vpc",
            json!({
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [{ "from": [{ "ipBlock": { "cidr": p.network.cidr.to_string() } }] }],
            }),
        ),
    ]
}

/// A rule of a PrometheusRule group.
pub struct AlertRule {
    /// Alert name.
    pub name: &'static str,
    /// PromQL expression.
    pub expr: String,
    /// How long it must hold before firing.
    pub hold: &'static str,
    /// `warning` or `critical`.
    pub severity: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// What it means, with `{{ $labels.x }}` placeholders.
    pub description: &'static str,
}

/// plinth's cluster alerts.
pub fn platform_alerts(p: &Platform) -> Vec<AlertRule> {
    let mut out = vec![
        AlertRule {
            name: "NodeNotReady",
            expr: r#"kube_node_status_condition{condition="Ready",status="true"} == 0"#.into(),
            hold: "10m",
            severity: "critical",
            summary: "A node is not Ready",
            description: "Node {{ $labels.node }} has not been Ready for 10 minutes; its pods are not running or not reachable.",
        },
        AlertRule {
            name: "PodCrashLooping",
            expr: r#"max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1"#.into(),
            hold: "15m",
            severity: "warning",
            summary: "A container keeps crashing",
            description: "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes.",
        },
        AlertRule {
            name: "PersistentVolumeFillingUp",
            expr: "kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.15 and predict_linear(kubelet_volume_stats_available_bytes[6h], 4 * 24 * 3600) < 0".into(),
            hold: "1h",
            severity: "warning",
            summary: "A volume will be full within four days",
            description: "Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has less than 15% free and, at the rate of the last six hours, fills up within four days.",
        },
        AlertRule {
            name: "PersistentVolumeAlmostFull",
            expr: "kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.03".into(),
            hold: "5m",
            severity: "critical",
            summary: "A volume is almost full",
            description: "Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has less than 3% free.",
        },
    ];
    if p.observability.logs.is_some() {
        out.push(AlertRule {
            name: "ContainerLogsNotShipped",
            expr: "sum by (pod) (rate(fluentbit_output_retries_failed_total[10m])) > 0".into(),
            hold: "15m",
            severity: "warning",
            summary: "Fluent Bit drops container logs",
            description: "Fluent Bit {{ $labels.pod }} gave up retrying log chunks for CloudWatch Logs; check its role and the log group.",
        });
    }
    out
}

/// Druid's alerts, on metrics of its Prometheus emitter (see `druid_pod_monitor`).
pub fn druid_alerts() -> Vec<AlertRule> {
    vec![
        AlertRule {
            name: "DruidIngestionLagHigh",
            expr: format!(
                "max by (dataSource, stream) (druid_ingest_kafka_lag) > {DRUID_LAG_THRESHOLD}"
            ),
            hold: "15m",
            severity: "warning",
            summary: "Druid's Kafka ingestion is falling behind",
            description: "Supervisor {{ $labels.dataSource }} is more than 100000 records behind topic {{ $labels.stream }} for 15 minutes; add task replicas or check the tasks' logs.",
        },
        AlertRule {
            name: "DruidTasksFailing",
            expr: "sum by (dataSource) (increase(druid_task_failed_count_total[30m])) > 0".into(),
            hold: "0m",
            severity: "warning",
            summary: "Druid ingestion tasks failed",
            description: "Tasks of data source {{ $labels.dataSource }} failed in the last 30 minutes; the overlord's task list has their logs.",
        },
        AlertRule {
            name: "DruidSegmentsUnavailable",
            expr: "sum by (dataSource) (druid_segment_unavailable_count) > 0".into(),
            hold: "30m",
            severity: "warning",
            summary: "Druid segments are not loaded",
            description: "Data source {{ $labels.dataSource }} has segments no historical serves; queries miss their data.",
        },
        AlertRule {
            name: "DruidProcessDown",
            expr: r#"up{job="druid/druid", component!="tasks"} == 0"#.into(),
            hold: "5m",
            severity: "critical",
            summary: "A Druid process does not answer",
            description: "Druid {{ $labels.component }} {{ $labels.pod }} has not answered metrics scrapes for 5 minutes.",
        },
    ]
}

fn rule_group(p: &Platform, name: &str, rules: Vec<AlertRule>) -> Value {
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|r| {
            json!({
                "alert": r.name,
                "expr": r.expr,
                "for": r.hold,
                "labels": { "severity": r.severity, "platform": p.names.platform() },
                "annotations": { "summary": r.summary, "description": r.description },
            })
        })
        .collect();
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": { "name": name, "namespace": NAMESPACE, "labels": labels(p, "monitoring", "alert-rules") },
        "spec": { "groups": [{ "name": name, "rules": rules }] },
    })
}

fn platform_rules(p: &Platform) -> Value {
    rule_group(p, "plinth-platform", platform_alerts(p))
}

fn druid_rules(p: &Platform) -> Value {
    rule_group(p, "plinth-druid", druid_alerts())
}

/// Scrapes every Druid pod, task pods included, on the emitter's port, and labels the series
/// with the component (router, broker, …, tasks).
fn druid_pod_monitor(p: &Platform) -> Value {
    json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PodMonitor",
        "metadata": { "name": "druid", "namespace": p.names.druid_namespace(), "labels": labels(p, "druid", "monitoring") },
        "spec": {
            "selector": { "matchLabels": { "app.kubernetes.io/part-of": "druid" } },
            "podMetricsEndpoints": [{
                "port": "metrics",
                "path": "/metrics",
                "interval": "30s",
                "relabelings": [{
                    "action": "replace",
                    "sourceLabels": ["__meta_kubernetes_pod_label_app_kubernetes_io_component"],
                    "targetLabel": "component",
                }],
            }],
        },
    })
}

/// Syncs the generated admin credentials into the Secret `grafana-admin` (keys `admin-user`,
/// `admin-password`) while Grafana's pod mounts the CSI volume.
fn grafana_admin_sync(p: &Platform) -> Value {
    let objects = vec![json!({
        "objectName": p.names.grafana_admin_secret(),
        "objectType": "secretsmanager",
        "jmesPath": [
            { "path": "username", "objectAlias": "admin-user" },
            { "path": "password", "objectAlias": "admin-password" },
        ],
    })];
    secret_provider_class(
        p,
        GRAFANA_ADMIN,
        &objects,
        Some(json!([{
            "secretName": GRAFANA_ADMIN,
            "type": "Opaque",
            "data": [
                { "objectName": "admin-user", "key": "admin-user" },
                { "objectName": "admin-password", "key": "admin-password" },
            ],
        }])),
    )
}

/// Mounts Slack's webhook URL and PagerDuty's routing key as files in Alertmanager's pods.
fn alertmanager_secrets(p: &Platform, alerts: &Alerts) -> Value {
    let objects: Vec<Value> = alerts
        .secrets()
        .iter()
        .map(|(purpose, arn)| {
            json!({ "objectName": arn, "objectType": "secretsmanager", "objectAlias": secret_file(purpose) })
        })
        .collect();
    secret_provider_class(p, ALERTMANAGER_SECRETS, &objects, None)
}

/// File name of a receiver's secret in Alertmanager's CSI volume.
fn secret_file(purpose: &str) -> String {
    match purpose {
        "slack" => "slack-webhook-url".to_owned(),
        other => format!("{other}-routing-key"),
    }
}

fn secret_provider_class(
    p: &Platform,
    name: &str,
    objects: &[Value],
    sync: Option<Value>,
) -> Value {
    let objects_yaml = super::provider_objects(objects);
    let mut spc = json!({
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": { "name": name, "namespace": NAMESPACE, "labels": labels(p, "monitoring", "secrets") },
        "spec": {
            "provider": "aws",
            "parameters": { "region": p.aws.region, "usePodIdentity": "true", "objects": objects_yaml },
        },
    });
    if let Some(sync) = sync {
        spc["spec"]["secretObjects"] = sync;
    }
    spc
}

fn csi_volume(name: &str, class: &str) -> Value {
    json!({
        "name": name,
        "csi": {
            "driver": "secrets-store.csi.k8s.io",
            "readOnly": true,
            "volumeAttributes": { "secretProviderClass": class },
        },
    })
}

/// kube-prometheus-stack's values.
fn kube_prometheus_stack_values(p: &Platform, prometheus: &Prometheus) -> Value {
    let cluster = p.names.cluster();
    // Prometheus deletes the oldest blocks past 90% of the volume, so a burst of series never
    // fills the disk before the time-based retention would.
    let retention_size = format!("{}GB", prometheus.storage_gib * 9 / 10);
    let disabled: BTreeMap<&str, bool> =
        REPLACED_DEFAULT_RULES.iter().map(|r| (*r, true)).collect();
    let mut alertmanager_spec = json!({
        "replicas": 2,
        "retention": "120h",
        "storage": volume_claim(2),
        "resources": resources("100m", "128Mi", "256Mi"),
    });
    if !prometheus.alerts.secrets().is_empty() {
        alertmanager_spec["volumes"] =
            json!([csi_volume("receiver-secrets", ALERTMANAGER_SECRETS)]);
        alertmanager_spec["volumeMounts"] = json!([{
            "name": "receiver-secrets",
            "mountPath": ALERTMANAGER_SECRETS_DIR,
            "readOnly": true,
        }]);
    }
    json!({
        "crds": { "enabled": true },
        "defaultRules": { "create": true, "disabled": disabled },
        // EKS runs the control plane: etcd, the scheduler and the controller manager cannot
        // be scraped, and kube-proxy's metrics listen on localhost only.
        "kubeEtcd": { "enabled": false },
        "kubeScheduler": { "enabled": false },
        "kubeControllerManager": { "enabled": false },
        "kubeProxy": { "enabled": false },
        "prometheus": { "prometheusSpec": {
            "retention": format!("{}d", prometheus.retention_days),
            "retentionSize": retention_size,
            "replicas": 1,
            "externalLabels": { "cluster": cluster },
            // Select every ServiceMonitor, PodMonitor and rule in the cluster, not only the
            // chart's own: Druid's PodMonitor and plinth's rules carry no release label.
            "serviceMonitorSelectorNilUsesHelmValues": false,
            "podMonitorSelectorNilUsesHelmValues": false,
            "ruleSelectorNilUsesHelmValues": false,
            "probeSelectorNilUsesHelmValues": false,
            "scrapeConfigSelectorNilUsesHelmValues": false,
            "storageSpec": volume_claim(prometheus.storage_gib),
            "resources": resources("500m", "2Gi", "4Gi"),
        } },
        "alertmanager": {
            "serviceAccount": { "create": true, "name": ALERTMANAGER_SA },
            "config": alertmanager_config(p, &prometheus.alerts),
            "alertmanagerSpec": alertmanager_spec,
        },
        "grafana": {
            // The generated credentials, synced by the SecretProviderClass `grafana-admin`;
            // the chart creates no Secret of its own when one is named here.
            "admin": { "existingSecret": GRAFANA_ADMIN, "userKey": "admin-user", "passwordKey": "admin-password" },
            "serviceAccount": { "create": true, "name": GRAFANA_SA },
            "extraSecretMounts": [{
                "name": GRAFANA_ADMIN,
                "mountPath": "/mnt/secrets/grafana-admin",
                "readOnly": true,
                "csi": csi_volume(GRAFANA_ADMIN, GRAFANA_ADMIN)["csi"].clone(),
            }],
            "defaultDashboardsTimezone": "utc",
            "sidecar": { "dashboards": {
                "enabled": true,
                "label": dashboards::LABEL,
                "labelValue": "1",
                "searchNamespace": "ALL",
                "folderAnnotation": dashboards::FOLDER_ANNOTATION,
                "provider": { "foldersFromFilesStructure": true },
            } },
        },
        // Node agents run on every node, whatever its taints (Druid's pools are tainted).
        "prometheus-node-exporter": { "tolerations": [{ "operator": "Exists" }] },
    })
}

fn volume_claim(gib: u32) -> Value {
    json!({ "volumeClaimTemplate": { "spec": {
        "storageClassName": STORAGE_CLASS,
        "accessModes": ["ReadWriteOnce"],
        "resources": { "requests": { "storage": format!("{gib}Gi") } },
    } } })
}

fn resources(cpu: &str, memory: &str, memory_limit: &str) -> Value {
    json!({
        "requests": { "cpu": cpu, "memory": memory },
        "limits": { "memory": memory_limit },
    })
}

/// Alertmanager's configuration: every alert but the always-firing `Watchdog` and
/// `InfoInhibitor` goes to one receiver, `platform`, with each integration the spec names;
/// critical alerts silence warnings of the same alert and namespace.
fn alertmanager_config(p: &Platform, alerts: &Alerts) -> Value {
    let mut platform = json!({ "name": "platform" });
    if alerts.sns.is_some() {
        let topic = format!(
            "arn:{}:sns:{}:{}:{}",
            p.aws.partition.as_str(),
            p.aws.region,
            p.aws.account,
            p.names.alerts_topic()
        );
        platform["sns_configs"] = json!([{
            "topic_arn": topic,
            "sigv4": { "region": p.aws.region },
            "send_resolved": true,
        }]);
    }
    if let Some(slack) = &alerts.slack {
        platform["slack_configs"] = json!([{
            "api_url_file": format!("{ALERTMANAGER_SECRETS_DIR}/{}", secret_file("slack")),
            "channel": slack.channel,
            "send_resolved": true,
        }]);
    }
    if alerts.pager_duty.is_some() {
        platform["pagerduty_configs"] = json!([{
            "routing_key_file": format!("{ALERTMANAGER_SECRETS_DIR}/{}", secret_file("pagerduty")),
            "send_resolved": true,
        }]);
    }
    let default = if alerts.any() { "platform" } else { "null" };
    json!({
        "global": { "resolve_timeout": "5m" },
        "route": {
            "receiver": default,
            "group_by": ["alertname", "namespace"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": [
                { "receiver": "null", "matchers": ["alertname = \"Watchdog\""] },
                { "receiver": "null", "matchers": ["alertname = \"InfoInhibitor\""] },
            ],
        },
        "inhibit_rules": [
            {
                "source_matchers": ["severity = critical"],
                "target_matchers": ["severity =~ warning|info"],
                "equal": ["namespace", "alertname"],
            },
            {
                "source_matchers": ["severity = warning"],
                "target_matchers": ["severity = info"],
                "equal": ["namespace", "alertname"],
            },
        ],
        "receivers": [{ "name": "null" }, platform],
        "templates": ["/etc/alertmanager/config/*.tmpl"],
    })
}

/// fluent-bit's values: a DaemonSet on every node tailing container logs, enriched with pod
/// metadata, written to the cluster stack's log group with one stream per container.
fn fluent_bit_values(p: &Platform) -> Value {
    let group = p.names.container_log_group();
    let inputs = "[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n    Exclude_Path /var/log/containers/fluent-bit-*\n    multiline.parser docker, cri\n    Tag kube.*\n    DB /var/log/flb_kube.db\n    Mem_Buf_Limit 50MB\n    Skip_Long_Lines On\n    Refresh_Interval 10\n";
    let filters = "[FILTER]\n    Name kubernetes\n    Match kube.*\n    Merge_Log On\n    Keep_Log Off\n    K8S-Logging.Parser On\n    K8S-Logging.Exclude On\n    Labels On\n    Annotations Off\n";
    // A stream per container; `log_stream_prefix` names streams of records whose metadata the
    // template cannot resolve. The group exists already, with its retention.
    let outputs = format!(
        "[OUTPUT]\n    Name cloudwatch_logs\n    Match kube.*\n    region {region}\n    log_group_name {group}\n    log_stream_template $kubernetes['namespace_name'].$kubernetes['pod_name'].$kubernetes['container_name']\n    log_stream_prefix unresolved-\n    auto_create_group Off\n    retry_limit 5\n",
        region = p.aws.region
    );
    json!({
        "kind": "DaemonSet",
        "serviceAccount": { "create": true, "name": FLUENT_BIT_SA },
        "tolerations": [{ "operator": "Exists" }],
        "priorityClassName": "system-node-critical",
        "resources": resources("50m", "64Mi", "256Mi"),
        "serviceMonitor": { "enabled": p.observability.prometheus.is_some() },
        "config": { "inputs": inputs, "filters": filters, "outputs": outputs },
    })
}
