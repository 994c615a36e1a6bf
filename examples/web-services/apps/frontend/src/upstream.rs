//! The gateway's side of a hop: upstream base URLs, and [`Gateway::forward`], which sends one
//! request upstream with the caller's request id and answers with the upstream's status and
//! body — or, when there is no answer, with a JSON error that says which upstream failed and how:
//!
//! | what happened | status | `error` |
//! | --- | --- | --- |
//! | could not connect (refused, DNS, connect timeout) | 503 | `upstream_unavailable` |
//! | no complete response within the timeout | 504 | `upstream_timeout` |
//! | the connection broke, or the response was unreadable or too large | 502 | `bad_gateway` |
//!
//! Upstream errors with a response (a 422 from a backend, say) pass through unchanged.

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use kit::metrics::LATENCY_BUCKETS;
use kit::{ApiError, REQUEST_ID_HEADER};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

/// The largest upstream response body relayed.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// A validated upstream base URL: `http://host[:port][/base/path]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamUrl {
    authority: String,
    base_path: String,
}

impl UpstreamUrl {
    /// Parses a base URL. Only plain `http` is accepted: both hops of the example stay inside
    /// the VPC (a ClusterIP Service and an internal load balancer), and TLS between services is
    /// a mesh's job, not the app's.
    pub fn parse(value: &str) -> Result<Self, String> {
        let uri: Uri = value
            .trim()
            .parse()
            .map_err(|err| format!("not a URL: {err} (got `{value}`)"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(format!(
                    "https upstreams are not supported; use http:// inside the cluster (got `{value}`)"
                ));
            }
            _ => return Err(format!("must start with http:// (got `{value}`)")),
        }
        let Some(authority) = uri.authority().filter(|a| !a.host().is_empty()) else {
            return Err(format!("has no host (got `{value}`)"));
        };
        if authority.as_str().contains('@') {
            return Err(format!("must not contain credentials (got `{value}`)"));
        }
        if uri.query().is_some() {
            return Err(format!("must not have a query string (got `{value}`)"));
        }
        Ok(Self {
            authority: authority.as_str().to_owned(),
            base_path: uri.path().trim_end_matches('/').to_owned(),
        })
    }

    /// The URL of `path` (which starts with `/`) under this base.
    pub fn join(&self, path: &str) -> Uri {
        Uri::builder()
            .scheme("http")
            .authority(self.authority.as_str())
            .path_and_query(format!("{}{path}", self.base_path))
            .build()
            .expect("a validated base and an absolute path make a URI")
    }
}

impl std::fmt::Display for UpstreamUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "http://{}{}", self.authority, self.base_path)
    }
}

/// One upstream: its name (in errors, logs and metrics) and base URL.
#[derive(Debug, Clone)]
pub struct Upstream {
    /// `backend-app` or `backend-service`.
    pub name: &'static str,
    /// Its base URL.
    pub url: UpstreamUrl,
}

/// Timeouts of the hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To establish a TCP connection.
    pub connect: Duration,
    /// For the whole exchange: connecting, sending, and reading the complete response.
    pub request: Duration,
}

/// A pooled HTTP/1 client with the gateway's timeouts and upstream metrics.
pub struct Gateway {
    client: Client<HttpConnector, Full<Bytes>>,
    timeouts: Timeouts,
    requests: IntCounterVec,
    duration: HistogramVec,
}

impl Gateway {
    /// A client whose metrics (`upstream_requests_total{upstream, outcome}` and
    /// `upstream_request_duration_seconds{upstream}`) go to `registry`.
    pub fn new(timeouts: Timeouts, registry: &Registry) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeouts.connect));
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        let requests = IntCounterVec::new(
            Opts::new(
                "upstream_requests_total",
                "Requests sent upstream, by outcome: the response status, or unavailable, \
                 timeout or error",
            ),
            &["upstream", "outcome"],
        )
        .expect("valid metric");
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "upstream_request_duration_seconds",
                "Time from sending a request upstream to its complete response",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["upstream"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(requests.clone()))
            .expect("metric names are unique");
        registry
            .register(Box::new(duration.clone()))
            .expect("metric names are unique");
        Self {
            client,
            timeouts,
            requests,
            duration,
        }
    }

    /// Sends `method path` to `upstream` with the body and the caller's `content-type`, `accept`
    /// and request id, and answers with the upstream's response or an error as described in the
    /// module documentation.
    pub async fn forward(
        &self,
        upstream: &Upstream,
        method: Method,
        path: &str,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Response {
        let uri = upstream.url.join(path);
        let mut request = Request::builder().method(method).uri(&uri);
        for name in [header::CONTENT_TYPE, header::ACCEPT] {
            if let Some(value) = headers.get(&name) {
                request = request.header(name, value);
            }
        }
        if let Some(id) = headers.get(REQUEST_ID_HEADER) {
            request = request.header(REQUEST_ID_HEADER, id);
        }
        let request = request
            .body(Full::new(body))
            .expect("method, URI and copied headers are valid");

        let start = Instant::now();
        let outcome = tokio::time::timeout(self.timeouts.request, self.exchange(request)).await;
        let elapsed = start.elapsed();
        self.duration
            .with_label_values(&[upstream.name])
            .observe(elapsed.as_secs_f64());
        let latency_ms = (elapsed.as_secs_f64() * 1e6).round() / 1e3;
        let (label, response) = match outcome {
            Ok(Ok((status, content_type, body))) => {
                tracing::debug!(upstream = upstream.name, %uri, status = status.as_u16(), latency_ms, "upstream answered");
                let mut response = (status, body).into_response();
                if let Some(content_type) = content_type {
                    response
                        .headers_mut()
                        .insert(header::CONTENT_TYPE, content_type);
                }
                (status.as_str().to_owned(), response)
            }
            Ok(Err(Failure::Connect(cause))) => {
                tracing::warn!(upstream = upstream.name, %uri, error = cause.as_str(), latency_ms, "upstream unavailable");
                let err = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "upstream_unavailable",
                    format!("{} is unavailable: {cause}", upstream.name),
                );
                (
                    "unavailable".to_owned(),
                    err.with_upstream(upstream.name).into_response(),
                )
            }
            Ok(Err(Failure::Broken(cause))) => {
                tracing::warn!(upstream = upstream.name, %uri, error = cause.as_str(), latency_ms, "upstream failed");
                let err = ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "bad_gateway",
                    format!("{} failed to answer: {cause}", upstream.name),
                );
                (
                    "error".to_owned(),
                    err.with_upstream(upstream.name).into_response(),
                )
            }
            Err(_) => {
                let timeout = self.timeouts.request.as_secs_f64();
                tracing::warn!(upstream = upstream.name, %uri, timeout_seconds = timeout, "upstream timed out");
                let err = ApiError::new(
                    StatusCode::GATEWAY_TIMEOUT,
                    "upstream_timeout",
                    format!("{} did not answer within {timeout} s", upstream.name),
                );
                (
                    "timeout".to_owned(),
                    err.with_upstream(upstream.name).into_response(),
                )
            }
        };
        self.requests
            .with_label_values(&[upstream.name, label.as_str()])
            .inc();
        response
    }

    async fn exchange(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, Option<HeaderValue>, Bytes), Failure> {
        let response = self.client.request(request).await.map_err(|err| {
            if err.is_connect() {
                Failure::Connect(causes(&err))
            } else {
                Failure::Broken(causes(&err))
            }
        })?;
        let status = response.status();
        let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
        let body = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
            .collect()
            .await
            .map_err(|err| Failure::Broken(causes(err.as_ref())))?
            .to_bytes();
        Ok((status, content_type, body))
    }
}

enum Failure {
    Connect(String),
    Broken(String),
}

/// An error and its causes, innermost last, without the client's generic outer layer
/// ("client error (Connect)").
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut next = err.source();
    while let Some(cause) = next {
        parts.push(cause.to_string());
        next = cause.source();
    }
    if parts.is_empty() {
        parts.push(err.to_string());
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_joins_base_urls() {
        let url = UpstreamUrl::parse("http://backend-app-service").unwrap();
        assert_eq!(url.join("/api/data"), "http://backend-app-service/api/data");
        let url = UpstreamUrl::parse("http://api.backend.internal:8080/v1/").unwrap();
        assert_eq!(url.to_string(), "http://api.backend.internal:8080/v1");
        assert_eq!(
            url.join("/health"),
            "http://api.backend.internal:8080/v1/health"
        );
        let url = UpstreamUrl::parse("http://127.0.0.1:3000/").unwrap();
        assert_eq!(url.join("/api/info"), "http://127.0.0.1:3000/api/info");
    }

    #[test]
    fn rejects_what_cannot_be_an_upstream() {
        for (value, expected) in [
            (
                "https://api.backend.internal",
                "https upstreams are not supported",
            ),
            ("api.backend.internal", "must start with http://"),
            ("ftp://x", "must start with http://"),
            ("http://x/?a=1", "must not have a query string"),
            ("http://user:pw@x", "must not contain credentials"),
            ("http://", "not a URL"),
            ("not a url", "not a URL"),
        ] {
            let err = UpstreamUrl::parse(value).unwrap_err();
            assert!(err.contains(expected), "{value}: {err}");
        }
    }
}
