//! backend-service: the internal microservice. In the cluster it sits behind an internal load
//! balancer with a private DNS name (`http://api.backend.internal`), so only the VPC reaches it.
//!
//! | route | what it does |
//! | --- | --- |
//! | `GET /api/backend/data` | the data catalogue, with the pod that served it |
//! | `POST /api/backend/process` | applies a text operation (validated; 422 with every problem) |
//! | `GET /api/info` | pod, namespace, node and pod IP from the downward API |
//!
//! plus the common `/health` (which the gateway exposes), `/ready`, `/metrics`, `/openapi.json`
//! and `/docs`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use kit::api::{DataResponse, Item, PodInfo, ProcessRequest, ProcessResponse};
use kit::error::ErrorBody;
use kit::json::Payload;
use kit::{ApiError, App, Env, Metrics};
use serde_json::{Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The app's name.
pub const NAME: &str = "backend-service";
/// The port it listens on unless `PORT` says otherwise (the seed's 3000).
pub const DEFAULT_PORT: u16 = 3000;

/// What backend-service reads from the environment besides the server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it runs.
    pub pod: PodInfo,
}

impl Config {
    /// Reads the downward-API variables.
    pub fn from_env(env: &mut Env) -> Self {
        Self {
            pod: PodInfo::from_env(env, NAME, env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The app, ready for [`kit::server::run`].
pub fn app(config: Config) -> App {
    let state = Arc::new(config.pod);
    App {
        name: NAME,
        version: env!("CARGO_PKG_VERSION"),
        description: "The internal microservice of the web-services example, reached by the \
                      gateway over an internal load balancer and private DNS.",
        routes: OpenApiRouter::new()
            .routes(routes!(data))
            .routes(routes!(process))
            .routes(routes!(info))
            .with_state(state),
        metrics: Metrics::new(NAME, env!("CARGO_PKG_VERSION")),
    }
}

/// The data catalogue, with the pod that served it.
#[utoipa::path(get, path = "/api/backend/data", tag = "backend-service",
    responses((status = 200, description = "The catalogue", body = DataResponse)))]
async fn data(State(pod): State<Arc<PodInfo>>) -> Json<DataResponse> {
    let items = catalogue();
    Json(DataResponse {
        source: NAME.to_owned(),
        count: items.len(),
        items,
        served_by: Some(PodInfo::clone(&pod)),
    })
}

/// Applies a text operation.
#[utoipa::path(post, path = "/api/backend/process", tag = "backend-service",
    request_body = ProcessRequest,
    responses(
        (status = 200, description = "The processed text", body = ProcessResponse),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
        (status = 422, description = "The body's fields are invalid; `details` lists each", body = ErrorBody)))]
async fn process(
    State(pod): State<Arc<PodInfo>>,
    Payload(body): Payload<Map<String, Value>>,
) -> Result<Json<ProcessResponse>, ApiError> {
    ProcessResponse::handle(body, NAME, pod.pod.clone()).map(Json)
}

/// Where the service runs.
#[utoipa::path(get, path = "/api/info", tag = "backend-service",
    responses((status = 200, description = "Pod, namespace, node and pod IP", body = PodInfo)))]
async fn info(State(pod): State<Arc<PodInfo>>) -> Json<PodInfo> {
    Json(PodInfo::clone(&pod))
}

fn catalogue() -> Vec<Item> {
    [
        (1, "latency-p99-ms", "slo", 42.0),
        (2, "error-budget-remaining", "slo", 0.87),
        (3, "requests-per-second", "traffic", 1520.0),
        (4, "active-sessions", "traffic", 311.0),
    ]
    .into_iter()
    .map(|(id, name, category, value)| Item {
        id,
        name: name.to_owned(),
        category: category.to_owned(),
        value,
    })
    .collect()
}
