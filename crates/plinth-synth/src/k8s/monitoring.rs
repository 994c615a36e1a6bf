//! Grafana Cloud monitoring: the Alloy operator and Grafana's k8s-monitoring chart (3.x) in
//! namespace `monitoring`, shipping metrics, logs, traces and profiles to the spec's Grafana
//! Cloud endpoints, and the SecretProviderClass that brings the API key from Secrets Manager.
//!
//! No key is written anywhere. The chart's destinations read their password from the Kubernetes
//! Secret `grafana-cloud`, which the chart does not create (`secret.create: false`): the Secrets
//! Store CSI driver syncs it from the spec's Secrets Manager secret. The driver syncs only while
//! a pod mounts the CSI volume, so every Alloy collector mounts it, runs as a service account
//! this module names, and the cluster stack binds each of those service accounts to the Grafana
//! Cloud role by pod identity (`crate::grafana`). Mounting it in every collector means none of
//! them depends on another collector's pods for the sync.
//!
//! Every values key below was checked against the chart sources (grafana/k8s-monitoring-helm,
//! grafana/alloy, grafana/alloy-operator); each group cites the files it was checked in. The
//! top-level keys are in the values table of k8s-monitoring's README at 3.6.1 itself; the
//! nested ones in the cited files as of a neighbouring 3.x release, where they were unchanged
//! across the versions seen.

use plinth_spec::Platform;
use plinth_spec::model::GrafanaCloud;
use serde_json::{Value, json};

use super::labels::labels;
use super::{ManifestFile, Wave};

/// Namespace of both releases, created by the foundation wave (Pod Security privileged: the log
/// and profile collectors read host paths and processes).
pub(crate) const NAMESPACE: &str = "monitoring";
/// Grafana's chart repository.
pub(crate) const GRAFANA_CHARTS: &str = "https://grafana.github.io/helm-charts";
/// alloy-operator chart version: the one k8s-monitoring 3.6.1 itself depends on
/// (`charts/k8s-monitoring/README.md` of 3.6.1, "Requirements").
pub const ALLOY_OPERATOR_CHART: &str = "0.3.12";
/// k8s-monitoring chart version.
pub const K8S_MONITORING_CHART: &str = "3.6.1";
/// Release name of k8s-monitoring; the chart names its collectors after it.
pub(crate) const RELEASE: &str = "k8s-monitoring";

/// The SecretProviderClass and the Kubernetes Secret it syncs, which every destination reads.
const SECRET: &str = "grafana-cloud";
/// Key of the API key in that Secret (the destinations' `auth.passwordKey`).
const PASSWORD_KEY: &str = "password";
/// File name of the API key in the CSI volume, and the object the Secret's key is synced from.
const API_KEY_OBJECT: &str = "grafana-cloud-api-key";
/// The CSI volume in each collector pod, and where it is mounted.
const VOLUME: &str = "grafana-cloud";
const MOUNT_PATH: &str = "/mnt/secrets/grafana-cloud";

/// The chart's Alloy collectors that plinth enables, by their values key
/// (`charts/k8s-monitoring/templates/collectors/_collector_helpers.tpl`, `collectors.list`).
pub(crate) const COLLECTORS: &[&str] = &[
    "alloy-metrics",
    "alloy-singleton",
    "alloy-logs",
    "alloy-receiver",
    "alloy-profiles",
];

/// The service account a collector's pods run as, set explicitly in its values.
///
/// It is the name the chart would pick anyway: k8s-monitoring names each Alloy instance
/// `{release}-{collector}` (`collector.alloy.fullname` in
/// `charts/k8s-monitoring/templates/collectors/_collector_helpers.tpl`), and the Alloy chart
/// uses `serviceAccount.name` when set, its full name otherwise (`alloy.serviceAccountName` in
/// grafana/alloy `operations/helm/charts/alloy/templates/_helpers.tpl`).
pub(crate) fn service_account(collector: &str) -> String {
    format!("{RELEASE}-{collector}")
}

/// alloy-operator's values: the chart's defaults, which deploy the Alloy CRD
/// (`crds.deployAlloyCRD`, grafana/alloy-operator `charts/alloy-operator/README.md`).
pub(crate) fn alloy_operator_values() -> Value {
    json!({})
}

/// The SecretProviderClass, in the workloads wave: it needs the Secrets Store CSI driver's CRD
/// from the addons wave. Collector pods created before it exists wait in their volume mount,
/// which the kubelet retries.
pub fn files(p: &Platform) -> Vec<ManifestFile> {
    let Some(g) = &p.observability.grafana_cloud else {
        return Vec::new();
    };
    vec![ManifestFile::objects(
        Wave::Workloads,
        "monitoring",
        vec![secret_provider_class(p, g)],
    )]
}

/// Syncs the API key from Secrets Manager into the Secret `grafana-cloud`, key `password`.
///
/// `objectName` is the spec's ARN as written (Secrets Manager accepts an ARN without its random
/// suffix as a secret id); the alias keeps colons out of the file name. The region is the
/// secret's own, from its ARN. The secret's value is the key itself, as plain text.
fn secret_provider_class(p: &Platform, g: &GrafanaCloud) -> Value {
    let objects = vec![json!({
        "objectName": g.api_key_secret,
        "objectType": "secretsmanager",
        "objectAlias": API_KEY_OBJECT,
    })];
    let objects_yaml = super::provider_objects(&objects);
    let region = g
        .api_key_secret
        .split(':')
        .nth(3)
        .unwrap_or(&p.aws.region)
        .to_owned();
    json!({
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": {
            "name": SECRET,
            "namespace": NAMESPACE,
            "labels": labels(p, "monitoring", "secrets"),
        },
        "spec": {
            "provider": "aws",
            "parameters": { "region": region, "usePodIdentity": "true", "objects": objects_yaml },
            "secretObjects": [{
                "secretName": SECRET,
                "type": "Opaque",
                "data": [{ "objectName": API_KEY_OBJECT, "key": PASSWORD_KEY }],
            }],
        },
    })
}

/// k8s-monitoring's values, in the chart's 3.x schema. Top-level keys (`cluster.name`,
/// `destinations`, `alloy-operator.deploy`, the features' `enabled`, the collectors' `enabled`,
/// `applicationObservability.receivers`, `alloy-receiver.alloy.extraPorts`) are in the values
/// table of `charts/k8s-monitoring/README.md` at 3.6.1.
pub(crate) fn k8s_monitoring_values(p: &Platform, g: &GrafanaCloud) -> Value {
    let (otlp_grpc, otlp_http) = (4317, 4318);
    let mut values = json!({
        "cluster": { "name": p.names.cluster() },
        "destinations": destinations(g),
        // The alloy-operator release above runs the operator; a second one from this chart
        // would reconcile the same Alloy instances.
        "alloy-operator": { "deploy": false },
        // Kubelet, cAdvisor, kube-state-metrics and node metrics.
        "clusterMetrics": { "enabled": true },
        // Pods that carry Prometheus scrape annotations, Druid's among them (its pods say
        // prometheus.io/scrape, port and path). Keys from
        // `charts/k8s-monitoring/charts/feature-annotation-autodiscovery/values.yaml`.
        "annotationAutodiscovery": {
            "enabled": true,
            "annotations": {
                "scrape": "prometheus.io/scrape",
                "metricsPath": "prometheus.io/path",
                "metricsPortNumber": "prometheus.io/port",
            },
        },
        "clusterEvents": { "enabled": true },
        "podLogs": { "enabled": true },
        // Traces (and OTLP metrics and logs) from applications, over OTLP gRPC and HTTP
        // (`receivers.otlp.{grpc,http}` in
        // `charts/k8s-monitoring/charts/feature-application-observability/values.yaml`).
        "applicationObservability": {
            "enabled": true,
            "receivers": { "otlp": {
                "grpc": { "enabled": true, "port": otlp_grpc },
                "http": { "enabled": true, "port": otlp_http },
            } },
        },
        "profiling": { "enabled": true },
    });
    for collector in COLLECTORS {
        values[*collector] = collector_values(collector);
    }
    // The receiver must expose each enabled receiver's port: the chart fails to render
    // otherwise (`collectors.require_extra_port` in `_collector_helpers.tpl`).
    values["alloy-receiver"]["alloy"]["extraPorts"] = json!([
        { "name": "otlp-grpc", "port": otlp_grpc, "targetPort": otlp_grpc, "protocol": "TCP" },
        { "name": "otlp-http", "port": otlp_http, "targetPort": otlp_http, "protocol": "TCP" },
    ]);
    values
}

/// One destination per Grafana Cloud service, each with basic auth: the username is the
/// instance id, the password the `password` key of the synced Secret.
///
/// Keys from `charts/k8s-monitoring/docs/destinations/{prometheus,loki,otlp,pyroscope}.md`.
/// With `secret.create: false` the chart reads *every* credential of a destination from the
/// named Secret, a literal `auth.username` included (`secrets.read` in
/// `charts/k8s-monitoring/templates/secrets/_helpers.tpl`), and the Secret holds only the key;
/// so the username is given as `usernameFrom`, raw Alloy configuration: a quoted string literal.
fn destinations(g: &GrafanaCloud) -> Value {
    let host = |h: &str| h.trim_end_matches('/').to_owned();
    let auth = json!({
        "type": "basic",
        "usernameFrom": format!("\"{}\"", g.instance_id),
        "passwordKey": PASSWORD_KEY,
    });
    let secret = json!({ "create": false, "name": SECRET, "namespace": NAMESPACE });
    let destination = |name: &str, kind: &str, url: String| json!({ "name": name, "type": kind, "url": url, "auth": auth, "secret": secret });
    let mut traces = destination(
        "grafana-cloud-traces",
        "otlp",
        tempo_grpc_endpoint(&g.tempo_host),
    );
    // Grafana Cloud Traces takes OTLP over gRPC at the host's port 443: the chart refuses to
    // render any other protocol for a `tempo-*.grafana.net` URL
    // (`charts/k8s-monitoring/templates/destinations/_destination_otlp_validations.tpl`), and its
    // tail-sampling example sets `tempo-prod-04-prod-us-east-0.grafana.net:443`. Metrics and
    // logs go to Prometheus and Loki, not here.
    traces["protocol"] = json!("grpc");
    traces["metrics"] = json!({ "enabled": false });
    traces["logs"] = json!({ "enabled": false });
    traces["traces"] = json!({ "enabled": true });
    json!([
        destination(
            "grafana-cloud-metrics",
            "prometheus",
            format!("{}/api/prom/push", host(&g.prometheus_host)),
        ),
        destination(
            "grafana-cloud-logs",
            "loki",
            format!("{}/loki/api/v1/push", host(&g.loki_host)),
        ),
        traces,
        destination(
            "grafana-cloud-profiles",
            "pyroscope",
            host(&g.pyroscope_host)
        ),
    ])
}

/// The OTLP gRPC endpoint of a Grafana Cloud Tempo host as the spec gives it (the stack page's
/// URL, `https://tempo-prod-000-prod-us-west-0.grafana.net/tempo`): the host and port, 443 unless
/// the URL names one.
fn tempo_grpc_endpoint(tempo_host: &str) -> String {
    let rest = tempo_host.split_once("://").map_or(tempo_host, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:443")
    }
}

/// A collector: enabled, running as its named service account, mounting the CSI volume that
/// syncs the API key. `serviceAccount`, `alloy.mounts.extra` and `controller.volumes.extra`
/// are Alloy chart values (grafana/alloy `operations/helm/charts/alloy/values.yaml`), which
/// k8s-monitoring passes through to each Alloy instance (`charts/k8s-monitoring/docs/Collectors.md`).
fn collector_values(collector: &str) -> Value {
    json!({
        "enabled": true,
        "serviceAccount": { "create": true, "name": service_account(collector) },
        "alloy": { "mounts": { "extra": [
            { "name": VOLUME, "mountPath": MOUNT_PATH, "readOnly": true },
        ] } },
        "controller": { "volumes": { "extra": [{
            "name": VOLUME,
            "csi": {
                "driver": "secrets-store.csi.k8s.io",
                "readOnly": true,
                "volumeAttributes": { "secretProviderClass": SECRET },
            },
        }] } },
    })
}

#[cfg(test)]
mod tests {
    use super::tempo_grpc_endpoint;

    #[test]
    fn tempo_is_reached_over_grpc_at_the_hosts_port() {
        assert_eq!(
            tempo_grpc_endpoint("https://tempo-prod-000-prod-us-west-0.grafana.net/tempo"),
            "tempo-prod-000-prod-us-west-0.grafana.net:443"
        );
        assert_eq!(
            tempo_grpc_endpoint("https://tempo.example.net:4317"),
            "tempo.example.net:4317"
        );
    }
}
