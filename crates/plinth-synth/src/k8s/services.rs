//! Application services (`workloads.services`): one file per service in the workloads wave.
//!
//! Each service gets a service account (no API token mounted), a Deployment (non-root,
//! read-only root filesystem, every capability dropped, RuntimeDefault seccomp, spread over
//! zones and hosts, liveness and readiness probes, `PORT` and the downward-API variables set),
//! a Service, a PodDisruptionBudget, a NetworkPolicy admitting only the callers the spec names
//! (plus its load balancers and, for metrics, `monitoring`), and as the spec asks an
//! autoscaler, a SecretProviderClass syncing its secret variables from Secrets Manager, an
//! internal NLB (`internal`) or an internet-facing ALB Ingress (`public`). Every namespace
//! holding services denies ingress by default.
//!
//! Load balancers come from the AWS Load Balancer Controller; names from external-dns, which
//! reads the `external-dns.alpha.kubernetes.io/hostname` annotation of an internal Service and
//! the host rules of an Ingress.

use std::collections::{BTreeMap, BTreeSet};

use plinth_spec::Platform;
use plinth_spec::model::{
    AcmeChallenge, Architecture, Exposure, IngressClass, LetsEncrypt, Service,
};
use serde_json::{Value, json};

use super::labels::labels;
use super::{ManifestFile, Wave};
use crate::services::ZoneRef;

/// Namespace external-dns runs in.
pub const EXTERNAL_DNS_NAMESPACE: &str = "external-dns";
/// Namespace ingress-nginx runs in.
pub const INGRESS_NGINX_NAMESPACE: &str = "ingress-nginx";
/// Namespace and service account of cert-manager's controller (the chart's defaults for the
/// `cert-manager` release), which answers DNS-01 challenges.
pub const CERT_MANAGER: (&str, &str) = ("cert-manager", "cert-manager");
/// Port cert-manager's HTTP-01 solver pods listen on.
const HTTP01_SOLVER_PORT: u16 = 8089;
/// User and group services run as: distroless's `nonroot` (65532), so images built on it need
/// nothing else.
pub const SERVICE_UID: u32 = 65532;
/// `app.kubernetes.io/part-of` of every service object.
const PART_OF: &str = "services";
/// The container port's name, which probes, Services and policies refer to.
const PORT_NAME: &str = "http";
/// Where the Secrets Store CSI volume is mounted; the driver syncs the Secret only while a
/// pod mounts it.
const SECRETS_DIR: &str = "/mnt/secrets";

/// An external-dns release: one per zone type the platform has.
#[derive(Debug, Clone)]
pub struct ExternalDns {
    /// Release, service account and Application name: `external-dns-private|public`.
    pub release: &'static str,
    /// `private` or `public`.
    pub zone_type: &'static str,
    /// Zone names it manages (its domain filter).
    pub domains: Vec<String>,
    /// The zones it may change, for its role.
    pub zone_ids: Vec<ZoneRef>,
}

/// The external-dns releases the platform needs: with the externalDns addon, one for the
/// private zones and one for the public zones, each when there are any.
pub fn external_dns_instances(p: &Platform) -> Vec<ExternalDns> {
    if p.addons.external_dns.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if !p.dns.private_zones.is_empty() {
        out.push(ExternalDns {
            release: "external-dns-private",
            zone_type: "private",
            domains: p.dns.private_zones.clone(),
            zone_ids: p
                .dns
                .private_zones
                .iter()
                .map(|z| ZoneRef::private(z))
                .collect(),
        });
    }
    if !p.dns.public_zones.is_empty() {
        out.push(ExternalDns {
            release: "external-dns-public",
            zone_type: "public",
            domains: p.dns.public_zones.iter().map(|z| z.name.clone()).collect(),
            zone_ids: p
                .dns
                .public_zones
                .iter()
                .map(|z| ZoneRef::Known(z.hosted_zone_id.clone()))
                .collect(),
        });
    }
    out
}

/// Helm values of an external-dns release (kubernetes-sigs/external-dns chart): the AWS
/// provider limited to its zone type and domains, records kept in sync (and deleted with
/// their Service or Ingress), TXT ownership records naming this cluster so environments
/// sharing a zone leave each other's records alone.
pub fn external_dns_values(p: &Platform, e: &ExternalDns) -> Value {
    json!({
        "provider": { "name": "aws" },
        "env": [{ "name": "AWS_DEFAULT_REGION", "value": p.aws.region }],
        "serviceAccount": { "create": true, "name": e.release },
        "sources": ["service", "ingress"],
        "domainFilters": e.domains,
        "policy": "sync",
        "registry": "txt",
        "txtOwnerId": p.names.cluster(),
        "extraArgs": [format!("--aws-zone-type={}", e.zone_type)],
        "resources": {
            "requests": { "cpu": "50m", "memory": "64Mi" },
            "limits": { "memory": "128Mi" },
        },
    })
}

/// Helm values of ingress-nginx (kubernetes/ingress-nginx chart): two or more controllers
/// spread over zones behind one internet-facing NLB of the Load Balancer Controller (IP
/// targets, proxy protocol v2 so nginx sees client addresses), its own `nginx` IngressClass
/// (not the default), configuration snippets off, metrics on.
pub fn ingress_nginx_values(p: &Platform) -> Value {
    let selector = json!({ "matchLabels": {
        "app.kubernetes.io/name": "ingress-nginx",
        "app.kubernetes.io/component": "controller",
    } });
    let spread = |key: &str| json!({ "maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": selector });
    json!({
        "controller": {
            "replicaCount": 2,
            "minAvailable": 1,
            "ingressClassResource": { "name": "nginx", "enabled": true, "default": false },
            "config": {
                "use-proxy-protocol": "true",
                "allow-snippet-annotations": "false",
                "server-tokens": "false",
                "hsts": "true",
                "ssl-protocols": "TLSv1.2 TLSv1.3",
            },
            "service": {
                "type": "LoadBalancer",
                "loadBalancerClass": "service.k8s.aws/nlb",
                "annotations": {
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                    "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol": "*",
                    "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
                    "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": platform_tags(p, "ingress-nginx"),
                },
            },
            "topologySpreadConstraints": [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
            "resources": {
                "requests": { "cpu": "100m", "memory": "128Mi" },
                "limits": { "memory": "512Mi" },
            },
            "metrics": { "enabled": true },
        },
    })
}

/// The ClusterIssuers of Let's Encrypt, one per challenge the platform can answer: DNS-01 with
/// a Route 53 solver per public zone (cert-manager's ambient credentials, its pod identity
/// role), HTTP-01 through the `nginx` IngressClass.
pub fn cluster_issuers(p: &Platform, le: &LetsEncrypt) -> Vec<Value> {
    let server = if le.staging {
        "https://acme-staging-v02.api.letsencrypt.org/directory"
    } else {
        "https://acme-v02.api.letsencrypt.org/directory"
    };
    le.issuers
        .iter()
        .map(|&challenge| {
            let name = LetsEncrypt::issuer(challenge);
            let solvers: Vec<Value> = match challenge {
                AcmeChallenge::Dns01 => p
                    .dns
                    .public_zones
                    .iter()
                    .map(|z| {
                        json!({
                            "selector": { "dnsZones": [z.name] },
                            "dns01": { "route53": { "region": p.aws.region, "hostedZoneID": z.hosted_zone_id } },
                        })
                    })
                    .collect(),
                AcmeChallenge::Http01 => {
                    vec![json!({ "http01": { "ingress": { "ingressClassName": "nginx" } } })]
                }
            };
            json!({
                "apiVersion": "cert-manager.io/v1",
                "kind": "ClusterIssuer",
                "metadata": { "name": name, "labels": labels(p, "cert-manager", "issuer") },
                "spec": {
                    "acme": {
                        "server": server,
                        "email": le.email,
                        "privateKeySecretRef": { "name": format!("{name}-account") },
                        "solvers": solvers,
                    },
                },
            })
        })
        .collect()
}

/// The secrets a service reads, by ARN, sorted.
pub fn secret_arns(s: &Service) -> Vec<String> {
    let set: BTreeSet<&String> = s.secret_env.values().map(|v| &v.secret).collect();
    set.into_iter().cloned().collect()
}

/// Namespaces of applications, sorted: those holding services and those GitOps teams deploy
/// to. Each is restricted and denies ingress by default.
pub fn namespaces(p: &Platform) -> Vec<String> {
    let teams = p.gitops.iter().flat_map(|g| &g.teams);
    let set: BTreeSet<&String> = p
        .services
        .iter()
        .map(|s| &s.namespace)
        .chain(teams.flat_map(|t| &t.namespaces))
        .collect();
    set.into_iter().cloned().collect()
}

pub fn files(p: &Platform) -> Vec<ManifestFile> {
    if namespaces(p).is_empty() {
        return Vec::new();
    }
    let mut files: Vec<ManifestFile> = p
        .services
        .iter()
        .map(|s| {
            ManifestFile::objects(
                Wave::Workloads,
                &format!("service-{}", s.name),
                objects(p, s),
            )
        })
        .collect();
    let deny: Vec<Value> = namespaces(p)
        .into_iter()
        .map(|ns| {
            json!({
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": { "name": "default-deny-ingress", "namespace": ns, "labels": labels(p, PART_OF, "network-policy") },
                "spec": { "podSelector": {}, "policyTypes": ["Ingress"] },
            })
        })
        .collect();
    let mut network = deny;
    // cert-manager answers HTTP-01 from solver pods in the Ingress's namespace, which the
    // default deny would hide from ingress-nginx.
    if p.lets_encrypt
        .as_ref()
        .is_some_and(|le| le.issuers.contains(&AcmeChallenge::Http01))
    {
        for ns in namespaces(p) {
            network.push(json!({
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": { "name": "acme-http01-solver", "namespace": ns, "labels": labels(p, PART_OF, "network-policy") },
                "spec": {
                    "podSelector": { "matchLabels": { "acme.cert-manager.io/http01-solver": "true" } },
                    "policyTypes": ["Ingress"],
                    "ingress": [{
                        "from": [{ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": INGRESS_NGINX_NAMESPACE } } }],
                        "ports": [{ "protocol": "TCP", "port": HTTP01_SOLVER_PORT }],
                    }],
                },
            }));
        }
    }
    files.push(ManifestFile::objects(
        Wave::Workloads,
        "services-network",
        network,
    ));
    files
}

/// The Let's Encrypt ClusterIssuers, in the workloads wave (cert-manager's CRDs come with its
/// chart in the addons wave).
pub fn issuer_files(p: &Platform) -> Vec<ManifestFile> {
    p.lets_encrypt
        .as_ref()
        .filter(|le| !le.issuers.is_empty())
        .map(|le| {
            ManifestFile::objects(
                Wave::Workloads,
                "cert-manager-issuers",
                cluster_issuers(p, le),
            )
        })
        .into_iter()
        .collect()
}

/// Labels that select a service's pods.
fn selector(s: &Service) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), s.name.clone()),
        ("app.kubernetes.io/part-of".to_owned(), PART_OF.to_owned()),
    ])
}

fn meta(p: &Platform, s: &Service, name: &str, component: &str) -> Value {
    let mut l = labels(p, PART_OF, component);
    l.insert("app.kubernetes.io/name".into(), s.name.clone());
    json!({ "name": name, "namespace": s.namespace, "labels": l })
}

/// Every object of one service, in apply order.
fn objects(p: &Platform, s: &Service) -> Vec<Value> {
    let mut out = vec![json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": meta(p, s, &s.name, "service-account"),
        "automountServiceAccountToken": false,
    })];
    if !s.secret_env.is_empty() {
        out.push(secret_provider_class(p, s));
    }
    out.push(deployment(p, s));
    out.push(service(p, s));
    if let Exposure::Public { ingress, host, .. } = &s.exposure {
        out.push(match ingress {
            IngressClass::Alb => alb_ingress(p, s, host),
            IngressClass::Nginx => nginx_ingress(p, s, host),
        });
    }
    if let Some(a) = &s.autoscaling {
        let mut metrics = vec![utilization("cpu", a.cpu_utilization)];
        if let Some(m) = a.memory_utilization {
            metrics.push(utilization("memory", m));
        }
        out.push(json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": meta(p, s, &s.name, "autoscaler"),
            "spec": {
                "scaleTargetRef": { "apiVersion": "apps/v1", "kind": "Deployment", "name": s.name },
                "minReplicas": a.min_replicas,
                "maxReplicas": a.max_replicas,
                "metrics": metrics,
            },
        }));
    }
    out.push(json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta(p, s, &s.name, "disruption-budget"),
        "spec": { "maxUnavailable": 1, "selector": { "matchLabels": selector(s) } },
    }));
    if let Some(policy) = network_policy(p, s) {
        out.push(policy);
    }
    out
}

fn utilization(resource: &str, percent: u32) -> Value {
    json!({
        "type": "Resource",
        "resource": { "name": resource, "target": { "type": "Utilization", "averageUtilization": percent } },
    })
}

/// The Kubernetes Secret the CSI driver syncs a service's secret variables into.
fn secret_name(s: &Service) -> String {
    format!("{}-secrets", s.name)
}

/// One object per secret ARN; a whole-string variable is mounted under its own alias, each
/// JSON key under the variable's name, and the synced Secret has one key per variable.
fn secret_provider_class(p: &Platform, s: &Service) -> Value {
    let mut objects = Vec::new();
    for arn in secret_arns(s) {
        let users: Vec<(&String, &Option<String>)> = s
            .secret_env
            .iter()
            .filter(|(_, v)| v.secret == arn)
            .map(|(k, v)| (k, &v.key))
            .collect();
        let mut object = json!({ "objectName": arn, "objectType": "secretsmanager" });
        if let Some((var, _)) = users.iter().find(|(_, key)| key.is_none()) {
            object["objectAlias"] = json!(var);
        }
        let paths: Vec<Value> = users
            .iter()
            .filter_map(|(var, key)| {
                key.as_ref()
                    .map(|k| json!({ "path": k, "objectAlias": var }))
            })
            .collect();
        if !paths.is_empty() {
            object["jmesPath"] = Value::Array(paths);
        }
        objects.push(object);
    }
    let objects_yaml = super::provider_objects(&objects);
    // A whole-string secret used by two variables is mounted once, under the first one's name.
    let file_of = |var: &String| -> String {
        let v = &s.secret_env[var];
        if v.key.is_some() {
            return var.clone();
        }
        s.secret_env
            .iter()
            .find(|(_, o)| o.secret == v.secret && o.key.is_none())
            .map_or_else(|| var.clone(), |(k, _)| k.clone())
    };
    let data: Vec<Value> = s
        .secret_env
        .keys()
        .map(|var| json!({ "objectName": file_of(var), "key": var }))
        .collect();
    json!({
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": meta(p, s, &secret_name(s), "secrets"),
        "spec": {
            "provider": "aws",
            "parameters": { "region": p.aws.region, "usePodIdentity": "true", "objects": objects_yaml },
            "secretObjects": [{ "secretName": secret_name(s), "type": "Opaque", "data": data }],
        },
    })
}

/// The image reference: `repository[:tag][@digest]`, the repository being the service's ECR
/// repository when it builds its own image.
pub fn image(p: &Platform, s: &Service) -> String {
    let repository = s.image.repository.clone().unwrap_or_else(|| {
        let suffix = match p.aws.partition {
            plinth_spec::model::Partition::AwsCn => "amazonaws.com.cn",
            _ => "amazonaws.com",
        };
        format!(
            "{}.dkr.ecr.{}.{suffix}/{}",
            p.aws.account,
            p.aws.region,
            p.names.ecr_repository(&s.name)
        )
    });
    let mut out = repository;
    if let Some(t) = &s.image.tag {
        out.push(':');
        out.push_str(t);
    }
    if let Some(d) = &s.image.digest {
        out.push('@');
        out.push_str(d);
    }
    out
}

fn deployment(p: &Platform, s: &Service) -> Value {
    let field = |path: &str| json!({ "fieldRef": { "fieldPath": path } });
    let mut env = vec![
        json!({ "name": "PORT", "value": s.port.to_string() }),
        json!({ "name": "POD_NAME", "valueFrom": field("metadata.name") }),
        json!({ "name": "POD_NAMESPACE", "valueFrom": field("metadata.namespace") }),
        json!({ "name": "NODE_NAME", "valueFrom": field("spec.nodeName") }),
        json!({ "name": "POD_IP", "valueFrom": field("status.podIP") }),
    ];
    env.extend(s.env.iter().map(|(k, v)| json!({ "name": k, "value": v })));
    env.extend(s.secret_env.keys().map(|k| {
        json!({ "name": k, "valueFrom": { "secretKeyRef": { "name": secret_name(s), "key": k } } })
    }));
    let probe = |path: &str, period: u32, failures: u32| {
        json!({
            "httpGet": { "path": path, "port": PORT_NAME },
            "periodSeconds": period,
            "timeoutSeconds": 2,
            "failureThreshold": failures,
        })
    };
    let mut resources = json!({
        "requests": { "cpu": s.resources.cpu, "memory": s.resources.memory },
        "limits": { "memory": s.resources.memory_limit },
    });
    if let Some(cpu) = &s.resources.cpu_limit {
        resources["limits"]["cpu"] = json!(cpu);
    }
    let mut volumes = vec![json!({ "name": "tmp", "emptyDir": { "sizeLimit": "256Mi" } })];
    let mut mounts = vec![json!({ "name": "tmp", "mountPath": "/tmp" })];
    if !s.secret_env.is_empty() {
        volumes.push(json!({
            "name": "secrets",
            "csi": { "driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": { "secretProviderClass": secret_name(s) } },
        }));
        mounts.push(json!({ "name": "secrets", "mountPath": SECRETS_DIR, "readOnly": true }));
    }
    let spread = |key: &str| {
        json!({
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": { "matchLabels": selector(s) },
        })
    };
    let arch = match s.architecture {
        Architecture::Amd64 => "amd64",
        Architecture::Arm64 => "arm64",
    };
    let mut pod_labels = labels(p, PART_OF, "service");
    pod_labels.extend(selector(s));
    let mut pod_meta = json!({ "labels": pod_labels });
    if let Some(path) = &s.metrics_path {
        pod_meta["annotations"] = json!({
            "prometheus.io/scrape": "true",
            "prometheus.io/port": s.port.to_string(),
            "prometheus.io/path": path,
        });
    }
    let mut spec = json!({
        "revisionHistoryLimit": 5,
        "selector": { "matchLabels": selector(s) },
        "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxUnavailable": 0, "maxSurge": "25%" } },
        "template": {
            "metadata": pod_meta,
            "spec": {
                "serviceAccountName": s.name,
                "automountServiceAccountToken": false,
                "securityContext": {
                    "runAsNonRoot": true,
                    "runAsUser": SERVICE_UID,
                    "runAsGroup": SERVICE_UID,
                    "fsGroup": SERVICE_UID,
                    "seccompProfile": { "type": "RuntimeDefault" },
                },
                "nodeSelector": { "kubernetes.io/arch": arch, "kubernetes.io/os": "linux" },
                "topologySpreadConstraints": [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
                "terminationGracePeriodSeconds": 30,
                "containers": [{
                    "name": s.name,
                    "image": image(p, s),
                    "imagePullPolicy": "IfNotPresent",
                    "ports": [{ "name": PORT_NAME, "containerPort": s.port, "protocol": "TCP" }],
                    "env": env,
                    "resources": resources,
                    "securityContext": {
                        "allowPrivilegeEscalation": false,
                        "readOnlyRootFilesystem": true,
                        "runAsNonRoot": true,
                        "capabilities": { "drop": ["ALL"] },
                        "seccompProfile": { "type": "RuntimeDefault" },
                    },
                    "startupProbe": probe(&s.liveness, 2, 30),
                    "livenessProbe": probe(&s.liveness, 10, 3),
                    "readinessProbe": probe(&s.readiness, 5, 2),
                    "volumeMounts": mounts,
                }],
                "volumes": volumes,
            },
        },
    });
    // With an autoscaler the replica count is its to set; writing one here would fight it on
    // every apply.
    if s.autoscaling.is_none() {
        spec["replicas"] = json!(s.replicas);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(p, s, &s.name, "service"),
        "spec": spec,
    })
}

fn service(p: &Platform, s: &Service) -> Value {
    let mut spec = json!({
        "selector": selector(s),
        "ports": [{ "name": PORT_NAME, "port": s.service_port, "targetPort": PORT_NAME, "protocol": "TCP" }],
    });
    let mut metadata = meta(p, s, &s.name, "service");
    if let Exposure::Internal { private_dns } = &s.exposure {
        // An internal NLB by the Load Balancer Controller, targeting pod IPs, health-checked
        // on the readiness path:
        // https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
        spec["type"] = json!("LoadBalancer");
        spec["loadBalancerClass"] = json!("service.k8s.aws/nlb");
        let mut annotations = BTreeMap::from([
            (
                "service.beta.kubernetes.io/aws-load-balancer-scheme",
                "internal".to_owned(),
            ),
            (
                "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type",
                "ip".to_owned(),
            ),
            (
                "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol",
                "http".to_owned(),
            ),
            (
                "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path",
                s.readiness.clone(),
            ),
            (
                "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port",
                "traffic-port".to_owned(),
            ),
            (
                "service.beta.kubernetes.io/aws-load-balancer-attributes",
                "load_balancing.cross_zone.enabled=true".to_owned(),
            ),
            (
                "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags",
                resource_tags(p, s),
            ),
        ]);
        if let Some(name) = private_dns {
            annotations.insert("external-dns.alpha.kubernetes.io/hostname", name.clone());
        }
        metadata["annotations"] = json!(annotations);
    }
    json!({ "apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec })
}

/// Tags the Load Balancer Controller puts on a service's load balancer, like plinth's tags on
/// the resources it creates.
fn resource_tags(p: &Platform, s: &Service) -> String {
    platform_tags(p, &s.name)
}

fn platform_tags(p: &Platform, component: &str) -> String {
    let m = &p.metadata;
    let d = &m.domain;
    [
        format!("{d}:managed-by=plinth"),
        format!("{d}:environment={}", m.environment),
        format!("{d}:part-of={}.{}.{}", m.organization, m.name, m.alias),
        format!("{d}:component={component}"),
    ]
    .join(",")
}

/// A public service behind the shared ingress-nginx: its host with a Let's Encrypt certificate
/// cert-manager requests for the Ingress (the `cert-manager.io/cluster-issuer` annotation),
/// HTTP redirected to HTTPS by nginx.
fn nginx_ingress(p: &Platform, s: &Service, host: &str) -> Value {
    let challenge = p
        .lets_encrypt
        .as_ref()
        .map_or(AcmeChallenge::Dns01, |le| le.challenge);
    let annotations = BTreeMap::from([
        (
            "cert-manager.io/cluster-issuer",
            LetsEncrypt::issuer(challenge).to_owned(),
        ),
        (
            "nginx.ingress.kubernetes.io/force-ssl-redirect",
            "true".to_owned(),
        ),
    ]);
    let tls = json!({ "hosts": [host], "secretName": format!("{}-tls", s.name) });
    ingress(p, s, host, "nginx", &annotations, &tls)
}

/// An internet-facing ALB for a public service: HTTPS with the ACM certificate the services
/// stack issues for the host (the controller finds it by host name), HTTP redirected, pod IPs
/// as targets:
/// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/
fn alb_ingress(p: &Platform, s: &Service, host: &str) -> Value {
    let annotations = BTreeMap::from([
        (
            "alb.ingress.kubernetes.io/scheme",
            "internet-facing".to_owned(),
        ),
        ("alb.ingress.kubernetes.io/target-type", "ip".to_owned()),
        (
            "alb.ingress.kubernetes.io/listen-ports",
            r#"[{"HTTP": 80}, {"HTTPS": 443}]"#.to_owned(),
        ),
        ("alb.ingress.kubernetes.io/ssl-redirect", "443".to_owned()),
        // TLS 1.3 and 1.2 only.
        (
            "alb.ingress.kubernetes.io/ssl-policy",
            "ELBSecurityPolicy-TLS13-1-2-2021-06".to_owned(),
        ),
        (
            "alb.ingress.kubernetes.io/healthcheck-path",
            s.readiness.clone(),
        ),
        ("alb.ingress.kubernetes.io/tags", resource_tags(p, s)),
    ]);
    ingress(p, s, host, "alb", &annotations, &json!({ "hosts": [host] }))
}

/// The Ingress of a public service: every path of `host` to the service's port, through the
/// ingress class, with its annotations and TLS entry.
fn ingress(
    p: &Platform,
    s: &Service,
    host: &str,
    class: &str,
    annotations: &BTreeMap<&str, String>,
    tls: &Value,
) -> Value {
    let mut metadata = meta(p, s, &s.name, "ingress");
    metadata["annotations"] = json!(annotations);
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": {
            "ingressClassName": class,
            "tls": [tls],
            "rules": [{
                "host": host,
                "http": { "paths": [{
                    "path": "/",
                    "pathType": "Prefix",
                    "backend": { "service": { "name": s.name, "port": { "name": PORT_NAME } } },
                }] },
            }],
        },
    })
}

/// Who may reach a service's pods: the callers the spec names, its load balancers (their
/// nodes and health checks come from the VPC's addresses), and `monitoring` for metrics.
fn network_policy(p: &Platform, s: &Service) -> Option<Value> {
    let port = json!([{ "protocol": "TCP", "port": PORT_NAME }]);
    let mut rules = Vec::new();
    let callers: Vec<Value> = s
        .allow_from
        .iter()
        .filter_map(|c| p.services.iter().find(|o| &o.name == c))
        .map(|c| {
            json!({
                "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": c.namespace } },
                "podSelector": { "matchLabels": selector(c) },
            })
        })
        .collect();
    if !callers.is_empty() {
        rules.push(json!({ "from": callers, "ports": port }));
    }
    match &s.exposure {
        Exposure::Cluster => {}
        Exposure::Internal { .. }
        | Exposure::Public {
            ingress: IngressClass::Alb,
            ..
        } => rules.push(json!({
            "from": [{ "ipBlock": { "cidr": p.network.cidr.to_string() } }],
            "ports": port,
        })),
        Exposure::Public {
            ingress: IngressClass::Nginx,
            ..
        } => rules.push(json!({
            "from": [{ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
            "ports": port,
        })),
    }
    if s.metrics_path.is_some() {
        rules.push(json!({
            "from": [{ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "monitoring" } } }],
            "ports": port,
        }));
    }
    (!rules.is_empty()).then(|| {
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta(p, s, &s.name, "network-policy"),
            "spec": {
                "podSelector": { "matchLabels": selector(s) },
                "policyTypes": ["Ingress"],
                "ingress": rules,
            },
        })
    })
}
