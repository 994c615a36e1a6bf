//! frontend: the web-services example's public entry point and API gateway. It answers `/` and
//! the common routes itself and relays the `/api/…` routes to the two backends:
//!
//! | route | upstream |
//! | --- | --- |
//! | `GET /api/backend/status` | `{BACKEND_URL}/api/status` |
//! | `GET /api/backend/data` | `{BACKEND_URL}/api/data` |
//! | `POST /api/backend/process` | `{BACKEND_URL}/api/process` |
//! | `GET /api/backend-service/health` | `{BACKEND_SERVICE_URL}/health` |
//! | `GET /api/backend-service/data` | `{BACKEND_SERVICE_URL}/api/backend/data` |
//! | `GET /api/backend-service/info` | `{BACKEND_SERVICE_URL}/api/info` |
//! | `POST /api/backend-service/process` | `{BACKEND_SERVICE_URL}/api/backend/process` |
//!
//! Environment: `BACKEND_URL` (default `http://backend-app-service`, the ClusterIP Service),
//! `BACKEND_SERVICE_URL` (default `http://api.backend.internal`, the private DNS name of the
//! internal load balancer), `UPSTREAM_TIMEOUT_SECONDS` (10) and
//! `UPSTREAM_CONNECT_TIMEOUT_SECONDS` (2). [`upstream`] says what the gateway answers when an
//! upstream is down or slow.

pub mod upstream;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use kit::api::{DataResponse, Health, PodInfo, ProcessRequest, ProcessResponse, Status};
use kit::error::ErrorBody;
use kit::{ApiError, App, Env, Metrics};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::upstream::{Gateway, Timeouts, Upstream, UpstreamUrl};

/// The app's name.
pub const NAME: &str = "frontend";
/// The port it listens on unless `PORT` says otherwise (the seed's 8000).
pub const DEFAULT_PORT: u16 = 8000;

/// What the gateway reads from the environment besides the server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// backend-app's base URL.
    pub backend_url: UpstreamUrl,
    /// backend-service's base URL.
    pub backend_service_url: UpstreamUrl,
    /// The hop's timeouts.
    pub timeouts: Timeouts,
}

impl Config {
    /// Reads `BACKEND_URL`, `BACKEND_SERVICE_URL` and the timeouts.
    pub fn from_env(env: &mut Env) -> Self {
        Self {
            backend_url: upstream_url(env, "BACKEND_URL", "http://backend-app-service"),
            backend_service_url: upstream_url(
                env,
                "BACKEND_SERVICE_URL",
                "http://api.backend.internal",
            ),
            timeouts: Timeouts {
                connect: env.seconds("UPSTREAM_CONNECT_TIMEOUT_SECONDS", Duration::from_secs(2)),
                request: env.seconds("UPSTREAM_TIMEOUT_SECONDS", Duration::from_secs(10)),
            },
        }
    }
}

/// The app, ready for [`kit::server::run`].
pub fn app(config: Config) -> App {
    let metrics = Metrics::new(NAME, env!("CARGO_PKG_VERSION"));
    let state = Arc::new(Routes {
        gateway: Gateway::new(config.timeouts, metrics.registry()),
        backend: Upstream {
            name: "backend-app",
            url: config.backend_url,
        },
        service: Upstream {
            name: "backend-service",
            url: config.backend_service_url,
        },
    });
    App {
        name: NAME,
        version: env!("CARGO_PKG_VERSION"),
        description: "The public entry point of the web-services example: an API gateway in \
                      front of backend-app (ClusterIP) and backend-service (internal load \
                      balancer, private DNS). Upstream failures are JSON errors: 503 when an \
                      upstream cannot be reached, 504 when it does not answer in time, 502 \
                      when its answer is broken.",
        routes: OpenApiRouter::new()
            .routes(routes!(index))
            .routes(routes!(backend_status))
            .routes(routes!(backend_data))
            .routes(routes!(backend_process))
            .routes(routes!(service_health))
            .routes(routes!(service_data))
            .routes(routes!(service_info))
            .routes(routes!(service_process))
            .with_state(state),
        metrics,
    }
}

/// `GET /`: what this gateway serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Index {
    /// The app.
    #[schema(example = "frontend")]
    pub service: String,
    /// Its version.
    #[schema(example = "0.1.0")]
    pub version: String,
    /// The API viewer.
    #[schema(example = "/docs")]
    pub docs: String,
    /// The OpenAPI document.
    #[schema(example = "/openapi.json")]
    pub openapi: String,
    /// The relayed routes, by upstream.
    pub routes: BTreeMap<String, Vec<String>>,
}

struct Routes {
    gateway: Gateway,
    backend: Upstream,
    service: Upstream,
}

type Shared = State<Arc<Routes>>;

/// What this gateway serves.
#[utoipa::path(get, path = "/", tag = "frontend",
    responses((status = 200, description = "Service, version and routes", body = Index)))]
async fn index() -> Json<Index> {
    let routes = [
        (
            "backend-app",
            [
                "GET /api/backend/status",
                "GET /api/backend/data",
                "POST /api/backend/process",
            ]
            .as_slice(),
        ),
        (
            "backend-service",
            &[
                "GET /api/backend-service/health",
                "GET /api/backend-service/data",
                "GET /api/backend-service/info",
                "POST /api/backend-service/process",
            ],
        ),
    ];
    Json(Index {
        service: NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        docs: "/docs".to_owned(),
        openapi: "/openapi.json".to_owned(),
        routes: routes
            .into_iter()
            .map(|(upstream, routes)| {
                let routes = routes.iter().map(|r| (*r).to_owned()).collect();
                (upstream.to_owned(), routes)
            })
            .collect(),
    })
}

/// backend-app's status (`/api/status`).
#[utoipa::path(get, path = "/api/backend/status", tag = "backend-app", responses(
    (status = 200, description = "backend-app is up", body = Status),
    (status = 503, description = "backend-app cannot be reached", body = ErrorBody),
    (status = 504, description = "backend-app did not answer in time", body = ErrorBody)))]
async fn backend_status(State(r): Shared, headers: HeaderMap) -> Response {
    r.gateway
        .forward(
            &r.backend,
            Method::GET,
            "/api/status",
            &headers,
            Bytes::new(),
        )
        .await
}

/// backend-app's data catalogue (`/api/data`).
#[utoipa::path(get, path = "/api/backend/data", tag = "backend-app", responses(
    (status = 200, description = "The catalogue", body = DataResponse),
    (status = 503, description = "backend-app cannot be reached", body = ErrorBody),
    (status = 504, description = "backend-app did not answer in time", body = ErrorBody)))]
async fn backend_data(State(r): Shared, headers: HeaderMap) -> Response {
    r.gateway
        .forward(&r.backend, Method::GET, "/api/data", &headers, Bytes::new())
        .await
}

/// Text processing by backend-app (`/api/process`).
#[utoipa::path(post, path = "/api/backend/process", tag = "backend-app",
    request_body = ProcessRequest, responses(
    (status = 200, description = "The processed text", body = ProcessResponse),
    (status = 400, description = "The body is not JSON", body = ErrorBody),
    (status = 413, description = "The body is too large", body = ErrorBody),
    (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
    (status = 422, description = "The body's fields are invalid; `details` lists each", body = ErrorBody),
    (status = 503, description = "backend-app cannot be reached", body = ErrorBody),
    (status = 504, description = "backend-app did not answer in time", body = ErrorBody)))]
async fn backend_process(
    State(r): Shared,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match body {
        Ok(body) => {
            r.gateway
                .forward(&r.backend, Method::POST, "/api/process", &headers, body)
                .await
        }
        Err(rejection) => body_rejected(&rejection),
    }
}

/// backend-service's health (`/health`).
#[utoipa::path(get, path = "/api/backend-service/health", tag = "backend-service", responses(
    (status = 200, description = "backend-service is alive", body = Health),
    (status = 503, description = "backend-service cannot be reached", body = ErrorBody),
    (status = 504, description = "backend-service did not answer in time", body = ErrorBody)))]
async fn service_health(State(r): Shared, headers: HeaderMap) -> Response {
    r.gateway
        .forward(&r.service, Method::GET, "/health", &headers, Bytes::new())
        .await
}

/// backend-service's data catalogue (`/api/backend/data`).
#[utoipa::path(get, path = "/api/backend-service/data", tag = "backend-service", responses(
    (status = 200, description = "The catalogue and the pod that served it", body = DataResponse),
    (status = 503, description = "backend-service cannot be reached", body = ErrorBody),
    (status = 504, description = "backend-service did not answer in time", body = ErrorBody)))]
async fn service_data(State(r): Shared, headers: HeaderMap) -> Response {
    r.gateway
        .forward(
            &r.service,
            Method::GET,
            "/api/backend/data",
            &headers,
            Bytes::new(),
        )
        .await
}

/// Where backend-service runs (`/api/info`).
#[utoipa::path(get, path = "/api/backend-service/info", tag = "backend-service", responses(
    (status = 200, description = "Pod, namespace, node and pod IP", body = PodInfo),
    (status = 503, description = "backend-service cannot be reached", body = ErrorBody),
    (status = 504, description = "backend-service did not answer in time", body = ErrorBody)))]
async fn service_info(State(r): Shared, headers: HeaderMap) -> Response {
    r.gateway
        .forward(&r.service, Method::GET, "/api/info", &headers, Bytes::new())
        .await
}

/// Text processing by backend-service (`/api/backend/process`).
#[utoipa::path(post, path = "/api/backend-service/process", tag = "backend-service",
    request_body = ProcessRequest, responses(
    (status = 200, description = "The processed text", body = ProcessResponse),
    (status = 400, description = "The body is not JSON", body = ErrorBody),
    (status = 413, description = "The body is too large", body = ErrorBody),
    (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
    (status = 422, description = "The body's fields are invalid; `details` lists each", body = ErrorBody),
    (status = 503, description = "backend-service cannot be reached", body = ErrorBody),
    (status = 504, description = "backend-service did not answer in time", body = ErrorBody)))]
async fn service_process(
    State(r): Shared,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match body {
        Ok(body) => {
            r.gateway
                .forward(
                    &r.service,
                    Method::POST,
                    "/api/backend/process",
                    &headers,
                    body,
                )
                .await
        }
        Err(rejection) => body_rejected(&rejection),
    }
}

fn upstream_url(env: &mut Env, name: &str, default: &str) -> UpstreamUrl {
    let value = env.string(name, default);
    UpstreamUrl::parse(&value).unwrap_or_else(|problem| {
        env.problem(name, problem);
        UpstreamUrl::parse(default).expect("the default is valid")
    })
}

fn body_rejected(rejection: &BytesRejection) -> Response {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is larger than this service accepts",
        )
    } else {
        ApiError::new(rejection.status(), "bad_request", rejection.body_text())
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_in_cluster_names() {
        let mut env = Env::from_pairs::<_, String, String>([]);
        let config = Config::from_env(&mut env);
        assert!(env.finish().is_ok());
        assert_eq!(config.backend_url.to_string(), "http://backend-app-service");
        assert_eq!(
            config.backend_service_url.to_string(),
            "http://api.backend.internal"
        );
        assert_eq!(config.timeouts.request, Duration::from_secs(10));
        assert_eq!(config.timeouts.connect, Duration::from_secs(2));
    }

    #[test]
    fn bad_urls_and_timeouts_are_reported_together() {
        let mut env = Env::from_pairs([
            ("BACKEND_URL", "https://backend"),
            ("BACKEND_SERVICE_URL", "api.backend.internal"),
            ("UPSTREAM_TIMEOUT_SECONDS", "ten"),
        ]);
        Config::from_env(&mut env);
        let problems = env.finish().unwrap_err().problems;
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("`BACKEND_URL`: https upstreams are not supported"));
        assert!(problems[1].starts_with("`BACKEND_SERVICE_URL`: must start with http://"));
        assert!(problems[2].starts_with("`UPSTREAM_TIMEOUT_SECONDS`"));
    }
}
