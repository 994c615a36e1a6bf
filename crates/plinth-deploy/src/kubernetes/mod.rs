//! The Kubernetes edge: a client for the EKS cluster from the cluster stack's outputs and an
//! EKS token, server-side apply of the manifests wave by wave with readiness waits, pruning of
//! objects plinth applied before that are no longer in the spec, and the cleanup destroy needs.

pub mod apply;
pub mod outputs;
pub mod token;

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::provider::ProvideCredentials as _;
use base64::Engine as _;
use tokio::sync::Mutex;

use crate::aws::Cloud;
use crate::engine::{Progress, Reporter};

pub use apply::{Applied, ApplyError, ApplyOptions, ObjectRef, apply_waves};

/// What it takes to reach the cluster: from the cluster stack's outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterAccess {
    /// The EKS cluster name.
    pub name: String,
    /// The API server endpoint.
    pub endpoint: String,
    /// The cluster CA, base64 PEM as EKS reports it.
    pub certificate_authority: String,
    /// The region (for the token).
    pub region: String,
}

impl ClusterAccess {
    /// Reads the access from the cluster stack's outputs; `None` when the stack has none.
    pub fn from_outputs(outputs: &BTreeMap<String, String>, region: &str) -> Option<Self> {
        Some(Self {
            name: outputs.get("EksClusterName")?.clone(),
            endpoint: outputs.get("EksClusterEndpoint")?.clone(),
            certificate_authority: outputs.get("EksClusterCertificateAuthority")?.clone(),
            region: region.to_owned(),
        })
    }

    /// The CA certificates as DER.
    pub fn ca_der(&self) -> Result<Vec<Vec<u8>>, KubeError> {
        let pem = base64::engine::general_purpose::STANDARD
            .decode(self.certificate_authority.trim())
            .map_err(|e| KubeError::Config(format!("the cluster CA is not base64: {e}")))?;
        let pem = String::from_utf8(pem)
            .map_err(|_| KubeError::Config("the cluster CA is not PEM text".to_owned()))?;
        let mut certs = Vec::new();
        let mut body = None::<String>;
        for line in pem.lines() {
            let line = line.trim();
            if line.starts_with("-----BEGIN CERTIFICATE") {
                body = Some(String::new());
            } else if line.starts_with("-----END CERTIFICATE") {
                let b = body.take().unwrap_or_default();
                certs.push(
                    base64::engine::general_purpose::STANDARD
                        .decode(b)
                        .map_err(|e| KubeError::Config(format!("a bad CA certificate: {e}")))?,
                );
            } else if let Some(b) = body.as_mut() {
                b.push_str(line);
            }
        }
        if certs.is_empty() {
            return Err(KubeError::Config(
                "the cluster CA holds no certificate".to_owned(),
            ));
        }
        Ok(certs)
    }
}

/// Reaching or talking to the cluster failed.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    /// The cluster outputs or credentials are unusable.
    #[error("cluster access: {0}")]
    Config(String),
    /// The API server refused or failed a request.
    #[error("kubernetes: {0}")]
    Api(#[from] kube::Error),
    /// Applying failed.
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// A deploy-time value names a stack output that does not exist.
    #[error(transparent)]
    Output(#[from] outputs::MissingOutput),
}

/// A client that renews its EKS token before it expires (tokens last 15 minutes; deploy
/// waits can take longer).
pub struct Session {
    cloud: Cloud,
    access: ClusterAccess,
    current: Mutex<Option<(Instant, kube::Client)>>,
}

/// Tokens are renewed after this long.
const TOKEN_RENEW: Duration = Duration::from_secs(10 * 60);

impl Session {
    /// A session for the cluster.
    pub fn new(cloud: &Cloud, access: &ClusterAccess) -> Self {
        Self {
            cloud: cloud.clone(),
            access: access.clone(),
            current: Mutex::new(None),
        }
    }

    /// A client with a fresh enough token.
    pub async fn client(&self) -> Result<kube::Client, KubeError> {
        let mut current = self.current.lock().await;
        if let Some((made, client)) = current.as_ref()
            && made.elapsed() < TOKEN_RENEW
        {
            return Ok(client.clone());
        }
        let client = self.connect().await?;
        *current = Some((Instant::now(), client.clone()));
        Ok(client)
    }

    async fn connect(&self) -> Result<kube::Client, KubeError> {
        let provider = self
            .cloud
            .credentials
            .clone()
            .ok_or_else(|| KubeError::Config("no AWS credentials".to_owned()))?;
        let creds = provider
            .provide_credentials()
            .await
            .map_err(|e| KubeError::Config(format!("AWS credentials: {e}")))?;
        let token = token::token(
            &creds,
            &self.access.name,
            &self.access.region,
            SystemTime::now(),
        )
        .map_err(|e| KubeError::Config(e.to_string()))?;
        self.access.client(token)
    }
}

impl ClusterAccess {
    /// A client for the cluster's API server over TLS, trusting only the cluster's CA and
    /// authenticating with `token`. Makes no request.
    pub fn client(&self, token: String) -> Result<kube::Client, KubeError> {
        let uri: http::Uri = self
            .endpoint
            .parse()
            .map_err(|e| KubeError::Config(format!("the cluster endpoint: {e}")))?;
        let mut config = kube::Config::new(uri);
        config.root_cert = Some(self.ca_der()?);
        config.auth_info.token = Some(token.into());
        config.connect_timeout = Some(Duration::from_secs(20));
        config.read_timeout = Some(Duration::from_secs(60));
        Ok(kube::Client::try_from(config)?)
    }
}

/// Before the cluster stack is deleted: stop Argo CD from recreating anything, delete
/// LoadBalancer Services and Ingresses and wait until their controllers have removed the load
/// balancers, then delete Karpenter's NodePools and wait for its nodes to go.
pub async fn drain_for_destroy(
    cloud: &Cloud,
    access: &ClusterAccess,
    reporter: &dyn Reporter,
) -> Result<(), KubeError> {
    let session = Session::new(cloud, access);
    let client = session.client().await?;
    apply::drain(&client, reporter, Duration::from_secs(15 * 60), cloud.poll).await?;
    reporter.report(Progress::Note(
        "cluster cleaned up: load balancers and Karpenter nodes removed".to_owned(),
    ));
    Ok(())
}
