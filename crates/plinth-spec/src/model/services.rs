//! Validated application services and DNS zones.

use std::collections::BTreeMap;

pub use crate::raw::{AcmeChallenge, Architecture, IngressClass};

/// An application service, checked.
#[derive(Debug, Clone)]
pub struct Service {
    /// Name, unique among services.
    pub name: String,
    /// Kubernetes namespace.
    pub namespace: String,
    /// The image.
    pub image: Image,
    /// Container port (also the `PORT` variable).
    pub port: u16,
    /// Pods when not autoscaled.
    pub replicas: u32,
    /// Requests and limits.
    pub resources: Resources,
    /// Plain environment variables.
    pub env: BTreeMap<String, String>,
    /// Variables from Secrets Manager.
    pub secret_env: BTreeMap<String, SecretEnv>,
    /// Liveness probe path.
    pub liveness: String,
    /// Readiness probe path.
    pub readiness: String,
    /// How it is reached.
    pub exposure: Exposure,
    /// Port of its Service (and load balancer).
    pub service_port: u16,
    /// Autoscaling, when enabled.
    pub autoscaling: Option<Autoscaling>,
    /// Services allowed to call it, by name (sorted, unique).
    pub allow_from: Vec<String>,
    /// Prometheus metrics path.
    pub metrics_path: Option<String>,
    /// Image architecture.
    pub architecture: Architecture,
}

impl Service {
    /// Whether plinth creates the image's ECR repository.
    pub fn builds_image(&self) -> bool {
        self.image.repository.is_none()
    }
}

/// A container image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Repository; `None` for the service's own ECR repository.
    pub repository: Option<String>,
    /// Tag.
    pub tag: Option<String>,
    /// Digest (`sha256:…`).
    pub digest: Option<String>,
}

/// Requests and limits, as Kubernetes quantities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resources {
    /// CPU request.
    pub cpu: String,
    /// Memory request.
    pub memory: String,
    /// CPU limit.
    pub cpu_limit: Option<String>,
    /// Memory limit.
    pub memory_limit: String,
}

/// An environment variable from Secrets Manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretEnv {
    /// Secret ARN.
    pub secret: String,
    /// JSON key, or the whole string.
    pub key: Option<String>,
}

/// How a service is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    /// ClusterIP only.
    Cluster,
    /// An internal NLB, optionally named in a private zone.
    Internal {
        /// The private name.
        private_dns: Option<String>,
    },
    /// Internet-facing HTTPS on `host`.
    Public {
        /// ALB or ingress-nginx.
        ingress: IngressClass,
        /// Host name.
        host: String,
        /// The public zone the host is in.
        zone: PublicZone,
    },
}

/// Horizontal pod autoscaling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autoscaling {
    /// Fewest pods.
    pub min_replicas: u32,
    /// Most pods.
    pub max_replicas: u32,
    /// CPU target, percent.
    pub cpu_utilization: u32,
    /// Memory target, percent.
    pub memory_utilization: Option<u32>,
}

/// DNS zones.
#[derive(Debug, Clone, Default)]
pub struct Dns {
    /// Private zones plinth creates, sorted.
    pub private_zones: Vec<String>,
    /// Existing public zones.
    pub public_zones: Vec<PublicZone>,
}

/// An existing public hosted zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicZone {
    /// Domain.
    pub name: String,
    /// Route 53 id.
    pub hosted_zone_id: String,
}

/// Let's Encrypt through cert-manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetsEncrypt {
    /// Account contact.
    pub email: String,
    /// Whether the staging directory is used.
    pub staging: bool,
    /// The challenge `ingress: nginx` services' certificates use.
    pub challenge: AcmeChallenge,
    /// Every challenge the platform can answer (a ClusterIssuer each), sorted.
    pub issuers: Vec<AcmeChallenge>,
}

impl LetsEncrypt {
    /// The ClusterIssuer of a challenge: `letsencrypt-dns01|http01`.
    pub fn issuer(challenge: AcmeChallenge) -> &'static str {
        match challenge {
            AcmeChallenge::Dns01 => "letsencrypt-dns01",
            AcmeChallenge::Http01 => "letsencrypt-http01",
        }
    }
}
