//! backend-app: the primary backend API. In the cluster the gateway reaches it through a
//! ClusterIP Service (`http://backend-app-service`); its routes sit under `/api`.
//!
//! | route | what it does |
//! | --- | --- |
//! | `GET /api/status` | the app's status, version and uptime |
//! | `GET /api/data` | the data catalogue |
//! | `POST /api/process` | applies a text operation (validated; 422 with every problem) |
//! | `GET /api/info` | pod, namespace and node from the downward API |
//!
//! plus the common `/health`, `/ready`, `/metrics`, `/openapi.json` and `/docs`.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use kit::api::{DataResponse, Item, PodInfo, ProcessRequest, ProcessResponse, Status};
use kit::error::ErrorBody;
use kit::json::Payload;
use kit::{ApiError, App, Env, Metrics};
use serde_json::{Map, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The app's name.
pub const NAME: &str = "backend-app";
/// The port it listens on unless `PORT` says otherwise (the seed's 8000).
pub const DEFAULT_PORT: u16 = 8000;

/// What backend-app reads from the environment besides the server settings.
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
    let state = Arc::new(AppState {
        pod: config.pod,
        started: Instant::now(),
    });
    App {
        name: NAME,
        version: env!("CARGO_PKG_VERSION"),
        description: "The primary backend API of the web-services example, reached by the \
                      gateway over a ClusterIP Service.",
        routes: OpenApiRouter::new()
            .routes(routes!(status))
            .routes(routes!(data))
            .routes(routes!(process))
            .routes(routes!(info))
            .with_state(state),
        metrics: Metrics::new(NAME, env!("CARGO_PKG_VERSION")),
    }
}

struct AppState {
    pod: PodInfo,
    started: Instant,
}

/// The app's status, version and uptime.
#[utoipa::path(get, path = "/api/status", tag = "backend-app",
    responses((status = 200, description = "The app is up", body = Status)))]
async fn status(State(state): State<Arc<AppState>>) -> Json<Status> {
    Json(Status {
        service: NAME.to_owned(),
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        uptime_seconds: state.started.elapsed().as_secs(),
        pod: state.pod.pod.clone(),
    })
}

/// The data catalogue.
#[utoipa::path(get, path = "/api/data", tag = "backend-app",
    responses((status = 200, description = "The catalogue", body = DataResponse)))]
async fn data() -> Json<DataResponse> {
    let items = catalogue();
    Json(DataResponse {
        source: NAME.to_owned(),
        count: items.len(),
        items,
        served_by: None,
    })
}

/// Applies a text operation.
#[utoipa::path(post, path = "/api/process", tag = "backend-app", request_body = ProcessRequest,
    responses(
        (status = 200, description = "The processed text", body = ProcessResponse),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
        (status = 422, description = "The body's fields are invalid; `details` lists each", body = ErrorBody)))]
async fn process(
    State(state): State<Arc<AppState>>,
    Payload(body): Payload<Map<String, Value>>,
) -> Result<Json<ProcessResponse>, ApiError> {
    ProcessResponse::handle(body, NAME, state.pod.pod.clone()).map(Json)
}

/// Where the app runs.
#[utoipa::path(get, path = "/api/info", tag = "backend-app",
    responses((status = 200, description = "Pod, namespace and node", body = PodInfo)))]
async fn info(State(state): State<Arc<AppState>>) -> Json<PodInfo> {
    Json(state.pod.clone())
}

fn catalogue() -> Vec<Item> {
    [
        (1, "orders", "sales", 1250.5),
        (2, "customers", "sales", 342.0),
        (3, "inventory", "operations", 87.25),
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
