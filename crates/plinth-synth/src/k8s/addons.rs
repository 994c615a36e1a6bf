//! Addons wave: each platform addon as an Argo CD `Application` with a pinned Helm chart and
//! its values inline, plus the same values as a file for `helm`, so either tool installs the
//! same thing:
//!
//! ```text
//! helm upgrade --install cert-manager cert-manager --repo https://charts.jetstack.io \
//!   --version v1.19.1 -n cert-manager -f kubernetes/20-addons/values/cert-manager.yaml
//! ```
//!
//! Namespaces come from the foundation wave (with their Pod Security labels), so Applications
//! do not create them.

use std::collections::BTreeMap;

use plinth_spec::Platform;
use serde_json::{Value, json};

use super::labels::labels;
use super::services::{
    EXTERNAL_DNS_NAMESPACE, INGRESS_NGINX_NAMESPACE, external_dns_instances, external_dns_values,
    ingress_nginx_values,
};
use super::{Content, ManifestFile, Wave};
use super::{argocd, monitoring};

/// metrics-server chart version (kubernetes-sigs/metrics-server chart 3.13.0, app v0.8.0).
pub const METRICS_SERVER_CHART: &str = "3.13.0";

/// One Helm release of an addon.
#[derive(Debug, Clone)]
pub struct Release {
    /// Release and Application name.
    pub name: &'static str,
    /// Namespace it installs into.
    pub namespace: &'static str,
    /// Chart repository (HTTPS, or an OCI registry path without scheme).
    pub repo: &'static str,
    /// Chart name.
    pub chart: &'static str,
    /// Pinned chart version.
    pub version: String,
    /// The spec field that pins the version (a JSON pointer), or `None` for plinth's default.
    pub pinned_in: Option<&'static str>,
    /// Helm values.
    pub values: Value,
    /// Order among addons: CRD charts before their controllers.
    pub sync_wave: i32,
}

/// The Helm releases the spec enables.
pub fn releases(p: &Platform) -> Vec<Release> {
    let mut out = Vec::new();
    let a = &p.addons;
    if let Some(v) = &a.cert_manager {
        out.push(Release {
            name: "cert-manager",
            namespace: "cert-manager",
            repo: "https://charts.jetstack.io",
            chart: "cert-manager",
            version: v.clone(),
            pinned_in: Some("/addons/certManager/version"),
            values: json!({
                "crds": { "enabled": true, "keep": true },
                "replicaCount": 2,
                "podDisruptionBudget": { "enabled": true, "minAvailable": 1 },
                "webhook": { "replicaCount": 2, "podDisruptionBudget": { "enabled": true, "minAvailable": 1 } },
                "cainjector": { "replicaCount": 2, "podDisruptionBudget": { "enabled": true, "minAvailable": 1 } },
                "prometheus": { "enabled": true },
            }),
            sync_wave: 0,
        });
    }
    if let Some(k) = &p.cluster.karpenter {
        out.push(Release {
            name: "karpenter-crd",
            namespace: "kube-system",
            repo: "public.ecr.aws/karpenter",
            chart: "karpenter-crd",
            version: k.version.clone(),
            pinned_in: Some("/cluster/karpenter/version"),
            values: json!({}),
            sync_wave: -1,
        });
        out.push(Release {
            name: "karpenter",
            namespace: "kube-system",
            repo: "public.ecr.aws/karpenter",
            chart: "karpenter",
            version: k.version.clone(),
            pinned_in: Some("/cluster/karpenter/version"),
            values: json!({
                // The role and queue come from the cluster stack; pod identity binds the role
                // to this service account.
                "serviceAccount": { "name": "karpenter" },
                "settings": {
                    "clusterName": p.names.cluster(),
                    "interruptionQueue": p.names.karpenter_queue(),
                },
                "replicas": 2,
                "podDisruptionBudget": { "name": "karpenter", "maxUnavailable": 1 },
                "controller": { "resources": {
                    "requests": { "cpu": "500m", "memory": "512Mi" },
                    "limits": { "cpu": "1", "memory": "1Gi" },
                } },
            }),
            sync_wave: 0,
        });
    }
    if let Some(v) = &a.secrets_store_csi {
        out.push(Release {
            name: "secrets-store-csi",
            namespace: "aws-secrets-store",
            repo: "https://aws.github.io/secrets-store-csi-driver-provider-aws",
            chart: "secrets-store-csi-driver-provider-aws",
            version: v.clone(),
            pinned_in: Some("/addons/secretsStoreCsi/version"),
            values: json!({
                // The provider chart installs the driver too; syncing into Kubernetes Secrets
                // is what lets workloads read credentials as environment variables.
                "secrets-store-csi-driver": {
                    "install": true,
                    "syncSecret": { "enabled": true },
                    "enableSecretRotation": true,
                },
            }),
            sync_wave: 0,
        });
    }
    if let Some(v) = &a.aws_load_balancer_controller {
        out.push(Release {
            name: "aws-load-balancer-controller",
            namespace: "aws-load-balancer",
            repo: "https://aws.github.io/eks-charts",
            chart: "aws-load-balancer-controller",
            version: v.clone(),
            pinned_in: Some("/addons/awsLoadBalancerController/version"),
            values: json!({
                "clusterName": p.names.cluster(),
                "region": p.aws.region,
                "serviceAccount": { "create": true, "name": "aws-load-balancer-controller" },
                "replicaCount": 2,
            }),
            sync_wave: 1,
        });
    }
    if let Some(g) = &p.observability.grafana_cloud {
        // The operator first: it installs the Alloy CRD, which k8s-monitoring checks for when
        // it renders, and runs the Alloy instances k8s-monitoring declares.
        out.push(Release {
            name: "alloy-operator",
            namespace: monitoring::NAMESPACE,
            repo: monitoring::GRAFANA_CHARTS,
            chart: "alloy-operator",
            version: monitoring::ALLOY_OPERATOR_CHART.to_owned(),
            pinned_in: None,
            values: monitoring::alloy_operator_values(),
            sync_wave: 0,
        });
        out.push(Release {
            name: monitoring::RELEASE,
            namespace: monitoring::NAMESPACE,
            repo: monitoring::GRAFANA_CHARTS,
            chart: "k8s-monitoring",
            version: monitoring::K8S_MONITORING_CHART.to_owned(),
            pinned_in: None,
            values: monitoring::k8s_monitoring_values(p, g),
            sync_wave: 1,
        });
    }
    if let Some(v) = &a.ingress_nginx {
        out.push(Release {
            name: "ingress-nginx",
            namespace: INGRESS_NGINX_NAMESPACE,
            repo: "https://kubernetes.github.io/ingress-nginx",
            chart: "ingress-nginx",
            version: v.clone(),
            pinned_in: Some("/addons/ingressNginx/version"),
            values: ingress_nginx_values(p),
            // Its NLB comes from the Load Balancer Controller's webhook and controller.
            sync_wave: 2,
        });
    }
    if let Some(v) = &a.external_dns {
        for e in external_dns_instances(p) {
            out.push(Release {
                name: e.release,
                namespace: EXTERNAL_DNS_NAMESPACE,
                repo: "https://kubernetes-sigs.github.io/external-dns/",
                chart: "external-dns",
                version: v.clone(),
                pinned_in: Some("/addons/externalDns/version"),
                values: external_dns_values(p, &e),
                sync_wave: 0,
            });
        }
    }
    out.extend(super::observability::releases(p));
    out.extend(super::kafka::releases(p));
    out.extend(super::spark::releases(p));
    out.extend(super::airflow::releases(p));
    out.extend(super::mongodb::releases(p));
    out.extend(super::vpa::releases(p));
    out.push(Release {
        name: "metrics-server",
        namespace: "kube-system",
        repo: "https://kubernetes-sigs.github.io/metrics-server/",
        chart: "metrics-server",
        version: METRICS_SERVER_CHART.to_owned(),
        pinned_in: None,
        values: json!({ "replicas": 2, "podDisruptionBudget": { "enabled": true, "minAvailable": 1 } }),
        sync_wave: 0,
    });
    out
}

/// The addons wave: one Application per release, and each release's values as a file.
pub fn files(p: &Platform) -> Vec<ManifestFile> {
    let releases = releases(p);
    let mut files: Vec<ManifestFile> = releases
        .iter()
        .map(|r| ManifestFile {
            path: format!("kubernetes/{}/values/{}.yaml", Wave::Addons.dir(), r.name),
            wave: Wave::Addons,
            content: Content::Values(r.values.clone()),
        })
        .collect();
    let apps = releases.iter().map(|r| application(p, r)).collect();
    files.push(ManifestFile::objects(Wave::Addons, "applications", apps));
    files
}

/// Charts whose `crds/` a separate release installs and owns (`karpenter-crd` for
/// `karpenter`, so CRD upgrades follow the chart, which Helm never does for `crds/`): their
/// Applications skip the chart's CRDs, and no object has two owners.
const CRDS_FROM_OWN_RELEASE: &[&str] = &["karpenter"];

/// The Helm part of an Application's source.
fn helm_source(p: &Platform, r: &Release) -> Value {
    let mut helm = json!({ "releaseName": r.name, "valuesObject": r.values });
    if CRDS_FROM_OWN_RELEASE.contains(&r.chart) || is_second_instance(p, r) {
        helm["skipCrds"] = json!(true);
    }
    helm
}

/// A release of a chart installed more than once whose `crds/` the first release installs:
/// external-dns runs once per zone type, and only the first owns the `DNSEndpoint` CRD.
fn is_second_instance(p: &Platform, r: &Release) -> bool {
    r.chart == "external-dns"
        && external_dns_instances(p)
            .first()
            .is_some_and(|first| first.release != r.name)
}

/// The Argo CD Application of a release. Its sync wave is the addons wave's plus the
/// release's order among addons, so an app-of-apps orders it as plinth's waves do.
pub fn application(p: &Platform, r: &Release) -> Value {
    let wave = Wave::Addons.sync_wave() + r.sync_wave;
    json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": r.name,
            "namespace": argocd::NAMESPACE,
            "labels": labels(p, r.name, "addon"),
            "annotations": BTreeMap::from([("argocd.argoproj.io/sync-wave", wave.to_string())]),
            "finalizers": ["resources-finalizer.argocd.argoproj.io"],
        },
        "spec": {
            "project": argocd::platform_project(p),
            "source": {
                "repoURL": r.repo,
                "chart": r.chart,
                "targetRevision": r.version,
                "helm": helm_source(p, r),
            },
            "destination": argocd::destination(Some(r.namespace)),
            "syncPolicy": {
                "automated": { "prune": true, "selfHeal": true },
                "syncOptions": ["ServerSideApply=true"],
                "retry": { "limit": 5, "backoff": { "duration": "10s", "factor": 2, "maxDuration": "5m" } },
            },
        },
    })
}
