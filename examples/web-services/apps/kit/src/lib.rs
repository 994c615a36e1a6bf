//! Shared plumbing of the web-services reference apps (frontend, backend-app, backend-service):
//! configuration from environment variables, JSON logs that carry a request id across hops,
//! Prometheus metrics by route and status, health and readiness endpoints, an OpenAPI document
//! with an offline viewer at `/docs`, JSON errors, and graceful shutdown on SIGTERM. An app
//! declares its API routes as an [`utoipa_axum::router::OpenApiRouter`] and hands them to
//! [`server::run`]; everything else is the same in all three.

pub mod api;
pub mod config;
pub mod error;
pub mod json;
pub mod metrics;
pub mod server;
pub mod shutdown;
pub mod telemetry;

pub use config::{ConfigError, Env};
pub use error::ApiError;
pub use metrics::Metrics;
pub use server::{App, ServerConfig};

/// The header that carries a request's id: set by the first app that sees the request (when the
/// client did not send one), echoed in the response, and forwarded by the gateway to upstreams.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
