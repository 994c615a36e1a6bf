//! The raw form of application services (`workloads.services`) and the DNS zones they publish
//! names in (`dns`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An application service: a Deployment with its Service, probes, disruption budget, network
/// policy and, optionally, autoscaling, secrets and a load balancer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Service {
    /// Name, unique among services (lowercase letters, digits, `-`): the Deployment, Service
    /// and service account are named after it, and other services reach it as
    /// `http://{name}.{namespace}`.
    pub name: String,
    /// Kubernetes namespace (default `apps`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The container image.
    pub image: Image,
    /// Port the container listens on, given to it as the `PORT` variable (default 8080).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Pods, when not autoscaled (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// CPU and memory (default requests 100m and 128Mi; the memory limit defaults to the
    /// request; no CPU limit unless given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Environment variables.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Environment variables read from Secrets Manager (through the Secrets Store CSI driver;
    /// the service gets a role that may read exactly these secrets).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secret_env: BTreeMap<String, SecretEnv>,
    /// Probe paths (default liveness `/health`, readiness `/ready`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<Health>,
    /// Who can reach the service (default `cluster`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose: Option<Expose>,
    /// Horizontal pod autoscaling on CPU and memory use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
    /// Services that may call this one; everything else in the cluster is refused by its
    /// network policy (load balancers of an exposed service are always admitted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_from: Vec<String>,
    /// Path of Prometheus metrics on the service's port; scraped from `monitoring`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_path: Option<String>,
    /// CPU architecture the image is built for (default `amd64`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
}

/// A container image: a repository and a tag or digest.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Image {
    /// Repository, e.g. `ghcr.io/acme/frontend`. Leave it out for an image the service builds
    /// itself: plinth creates its ECR repository `{id}/{name}` (scan on push, immutable tags,
    /// a lifecycle policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Tag, e.g. `1.4.2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Digest, e.g. `sha256:…` (64 hex digits). With a tag too, the image is
    /// `repository:tag@digest`: the digest decides what runs, the tag is for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// CPU and memory of a service's container.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    /// What the scheduler reserves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<Quantities>,
    /// The most the container may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Quantities>,
}

/// Kubernetes quantities.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Quantities {
    /// CPU, e.g. `250m` or `1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    /// Memory, e.g. `256Mi` or `1Gi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
}

/// An environment variable from Secrets Manager.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretEnv {
    /// ARN of the secret (never the value).
    pub secret: String,
    /// Key of a JSON secret to read; the whole secret string when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Probe paths.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Health {
    /// Liveness: the container is restarted when this fails (default `/health`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<String>,
    /// Readiness: the pod gets traffic only while this succeeds (default `/ready`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<String>,
}

/// How a service is reached.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Expose {
    /// `public` (internet-facing, HTTPS on `host`), `internal` (an internal NLB in the VPC) or
    /// `cluster` (a ClusterIP Service only).
    #[serde(rename = "type")]
    pub kind: ExposeType,
    /// For `public`: the internet-facing entry, `alb` (an ALB by the Load Balancer Controller,
    /// the default) or `nginx` (ingress-nginx behind an NLB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<IngressClass>,
    /// For `public`: the host name, in one of `dns.publicZones`; its certificate and record
    /// are managed for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// For `internal`: a name in one of `dns.privateZones` that resolves to the load balancer
    /// inside the VPC, e.g. `api.backend.internal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns: Option<String>,
    /// Port of the Service and load balancer (default 80).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// Who can reach a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExposeType {
    /// From the internet, over HTTPS.
    Public,
    /// From the VPC, through an internal network load balancer.
    Internal,
    /// From inside the cluster only.
    Cluster,
}

/// The internet-facing entry of a public service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IngressClass {
    /// An Application Load Balancer per service, by the AWS Load Balancer Controller, with an
    /// ACM certificate.
    Alb,
    /// The shared ingress-nginx controller behind one NLB, with a cert-manager certificate.
    Nginx,
}

/// Horizontal pod autoscaling.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Autoscaling {
    /// Fewest pods.
    pub min_replicas: u32,
    /// Most pods.
    pub max_replicas: u32,
    /// Target average CPU use, percent of the request (default 70).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_utilization: Option<u32>,
    /// Target average memory use, percent of the request (none unless given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_utilization: Option<u32>,
}

/// CPU architecture of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Architecture {
    /// x86-64.
    Amd64,
    /// 64-bit ARM (Graviton).
    Arm64,
}

/// DNS zones.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Dns {
    /// Private hosted zones plinth creates and associates with the VPC, e.g. `backend.internal`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_zones: Vec<String>,
    /// Existing public hosted zones that public services' names and certificates live in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_zones: Vec<PublicZone>,
}

/// An existing public hosted zone.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PublicZone {
    /// The zone's domain, e.g. `shop.example.com`.
    pub name: String,
    /// Its Route 53 id, e.g. `Z0123456789ABCDEFGHIJ`.
    pub hosted_zone_id: String,
}

/// Certificates plinth has issued inside the cluster.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Tls {
    /// Let's Encrypt through cert-manager: ClusterIssuers for the ACME challenges the platform
    /// can answer, used by `ingress: nginx` services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lets_encrypt: Option<LetsEncrypt>,
}

/// Let's Encrypt settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LetsEncrypt {
    /// Contact for expiry and account notices.
    pub email: String,
    /// `production` (default) or `staging` (untrusted certificates, generous rate limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<AcmeServer>,
    /// How services' certificates are validated: `dns01` (a TXT record in the public zone,
    /// the default when there are public zones) or `http01` (a path served by ingress-nginx).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<AcmeChallenge>,
}

/// A Let's Encrypt directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AcmeServer {
    /// Trusted certificates.
    Production,
    /// Test certificates from the staging directory.
    Staging,
}

/// An ACME challenge type.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AcmeChallenge {
    /// DNS-01 through Route 53.
    Dns01,
    /// HTTP-01 through ingress-nginx.
    Http01,
}
