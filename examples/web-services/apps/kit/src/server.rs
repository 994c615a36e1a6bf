//! The server every app runs: its API routes plus `/health`, `/ready`, `/metrics`,
//! `/openapi.json` and `/docs`; request ids, access logs and metrics around every request; JSON
//! for unknown routes, wrong methods and panics; and the shutdown sequence of
//! [`crate::shutdown`].
//!
//! Server settings come from `HOST` (default `0.0.0.0`), `PORT` (the app's default) and
//! `MAX_BODY_BYTES` (default 65536).

use std::any::Any;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tracing::{Instrument, Level};
use utoipa::openapi::{InfoBuilder, OpenApiBuilder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::{Health, Ready};
use crate::error::ApiError;
use crate::metrics::{Metrics, UNMATCHED_ROUTE};
use crate::shutdown::{Readiness, ShutdownConfig, Signals};
use crate::telemetry::{self, LogConfig};
use crate::{Env, REQUEST_ID_HEADER};

/// The log target of the access log (one line per answered request), so `LOG_LEVEL` can tune
/// it apart from the rest: `info,access=warn` keeps only failed requests.
pub const ACCESS_LOG: &str = "access";

/// Where and how to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerConfig {
    /// The address to listen on; port 0 picks a free port (the `listening` log line names it).
    pub listen: SocketAddr,
    /// Largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
    /// The shutdown phases.
    pub shutdown: ShutdownConfig,
}

impl ServerConfig {
    /// Reads `HOST`, `PORT`, `MAX_BODY_BYTES` and the shutdown settings.
    pub fn from_env(env: &mut Env, default_port: u16) -> Self {
        let host = env.parse("HOST", IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let port = env.parse("PORT", default_port);
        Self {
            listen: SocketAddr::new(host, port),
            max_body_bytes: env.parse("MAX_BODY_BYTES", 64 * 1024),
            shutdown: ShutdownConfig::from_env(env),
        }
    }
}

/// One app: its name and version, its API routes (with their OpenAPI paths), and its metrics.
pub struct App {
    /// The app's name, in logs, metrics and `/health`.
    pub name: &'static str,
    /// Its version.
    pub version: &'static str,
    /// One paragraph for the OpenAPI document.
    pub description: &'static str,
    /// The API routes, state applied.
    pub routes: OpenApiRouter,
    /// The registry the server's metrics go to; the app may have registered its own.
    pub metrics: Metrics,
}

impl App {
    /// The complete router: the app's routes, the common ones, and the middleware.
    pub fn into_router(self, readiness: Readiness, max_body_bytes: usize) -> Router {
        let common = Common {
            name: self.name,
            version: self.version,
            readiness,
            metrics: self.metrics.clone(),
        };
        let info = InfoBuilder::new()
            .title(self.name)
            .version(self.version)
            .description(Some(self.description))
            .build();
        let (router, openapi) =
            OpenApiRouter::with_openapi(OpenApiBuilder::new().info(info).build())
                .routes(routes!(health))
                .routes(routes!(ready))
                .routes(routes!(metrics))
                .with_state(common)
                .merge(self.routes)
                .split_for_parts();
        router
            .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed)
            .layer(
                ServiceBuilder::new()
                    .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                    .layer(PropagateRequestIdLayer::x_request_id())
                    .layer(middleware::from_fn_with_state(self.metrics, observe))
                    .layer(CatchPanicLayer::custom(panicked))
                    .layer(DefaultBodyLimit::max(max_body_bytes)),
            )
    }
}

/// Serves `app` until shutdown completes. Logs `listening` with the bound address first.
pub async fn run(app: App, config: ServerConfig) -> std::io::Result<()> {
    let signals = Signals::listen()?;
    let readiness = Readiness::new();
    let (name, version) = (app.name, app.version);
    let router = app.into_router(readiness.clone(), config.max_body_bytes);
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!(service = name, version, %addr, "listening");

    let draining = Arc::new(Notify::new());
    let stop_accepting = {
        let (mut signals, draining) = (signals.clone(), draining.clone());
        let delay = config.shutdown.delay;
        async move {
            signals.reached(1).await;
            readiness.fail();
            tracing::info!(
                delay_seconds = delay.as_secs_f64(),
                "shutting down: readiness fails, still serving"
            );
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = signals.reached(2) => {}
            }
            tracing::info!("no longer accepting connections; draining in-flight requests");
            draining.notify_one();
        }
    };
    let give_up = {
        let mut signals = signals.clone();
        let timeout = config.shutdown.timeout;
        async move {
            draining.notified().await;
            let seen = signals.count();
            tokio::select! {
                () = tokio::time::sleep(timeout) => tracing::warn!(
                    timeout_seconds = timeout.as_secs_f64(),
                    "drain timeout; closing the remaining connections"
                ),
                () = signals.reached(seen + 1) => tracing::warn!(
                    "signal during drain; closing the remaining connections"
                ),
            }
        }
    };
    let server = axum::serve(listener, router).with_graceful_shutdown(stop_accepting);
    tokio::select! {
        result = std::future::IntoFuture::into_future(server) => result?,
        () = give_up => {}
    }
    tracing::info!("stopped");
    Ok(())
}

/// The whole of an app's `main`: reads the environment (logging settings first, so every later
/// problem is logged in the configured format), exits with code 2 listing every configuration
/// problem, otherwise builds the app and serves it. Exit code 1 means the server failed (the
/// port was taken, say).
pub fn main<C>(
    default_port: u16,
    read_config: impl FnOnce(&mut Env) -> C,
    build: impl FnOnce(C) -> App,
) -> ExitCode {
    let mut env = Env::from_process();
    telemetry::init(&LogConfig::from_env(&mut env));
    let server = ServerConfig::from_env(&mut env, default_port);
    let config = read_config(&mut env);
    if let Err(err) = env.finish() {
        for problem in &err.problems {
            tracing::error!(problem = problem.as_str(), "invalid configuration");
        }
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(error = %err, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(build(config), server)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, addr = %server.listen, "server failed");
            ExitCode::FAILURE
        }
    }
}

/// What the common handlers need.
#[derive(Clone)]
struct Common {
    name: &'static str,
    version: &'static str,
    readiness: Readiness,
    metrics: Metrics,
}

/// Liveness: the process is up and its runtime answers.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The process is alive", body = Health)))]
async fn health(State(common): State<Common>) -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        service: common.name.to_owned(),
        version: common.version.to_owned(),
    })
}

/// Readiness: whether the app should receive traffic. Fails from the first SIGTERM on.
#[utoipa::path(get, path = "/ready", tag = "operations", responses(
    (status = 200, description = "Ready for traffic", body = Ready),
    (status = 503, description = "Shutting down", body = Ready)))]
async fn ready(State(common): State<Common>) -> (StatusCode, Json<Ready>) {
    if common.readiness.is_ready() {
        (
            StatusCode::OK,
            Json(Ready {
                status: "ready".to_owned(),
            }),
        )
    } else {
        let status = "shutting_down".to_owned();
        (StatusCode::SERVICE_UNAVAILABLE, Json(Ready { status }))
    }
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses(
    (status = 200, description = "Prometheus text format", content_type = "text/plain; version=0.0.4", body = String)))]
async fn metrics(State(common): State<Common>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        common.metrics.render(),
    )
}

/// Wraps every request in a span carrying its id, counts it, and logs it once it is answered.
/// Probe and scrape routes log at debug level so they do not drown the access log.
async fn observe(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str)
        .to_owned();
    let path = request.uri().path().to_owned();
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let span = tracing::info_span!("request", request_id, %method, route);
    let in_flight = metrics.start();
    let response = next.run(request).instrument(span.clone()).await;
    drop(in_flight);
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    metrics.observe(method.as_str(), &route, status, elapsed);
    let latency_ms = (elapsed.as_secs_f64() * 1e6).round() / 1e3;
    let level = match (route.as_str(), status) {
        (_, 500..) => Level::WARN,
        ("/health" | "/ready" | "/metrics", _) => Level::DEBUG,
        _ => Level::INFO,
    };
    span.in_scope(|| match level {
        Level::WARN => tracing::warn!(target: ACCESS_LOG, status, path, latency_ms, "request"),
        Level::DEBUG => tracing::debug!(target: ACCESS_LOG, status, path, latency_ms, "request"),
        _ => tracing::info!(target: ACCESS_LOG, status, path, latency_ms, "request"),
    });
    response
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no route for {method} {}; see /docs", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} does not accept {method}; see /docs", uri.path()),
    )
}

#[allow(clippy::needless_pass_by_value)] // the signature CatchPanicLayer::custom calls
fn panicked(payload: Box<dyn Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the server failed while handling this request",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    fn app() -> App {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        App {
            name: "test",
            version: "9.9.9",
            description: "a test app",
            routes: OpenApiRouter::new().route("/boom", axum::routing::get(boom)),
            metrics: Metrics::new("test", "9.9.9"),
        }
    }

    async fn call(router: &Router, method: &str, uri: &str) -> (StatusCode, Response) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        (response.status(), response)
    }

    async fn json(response: Response) -> serde_json::Value {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn readiness_follows_the_flag() {
        let readiness = Readiness::new();
        let router = app().into_router(readiness.clone(), 1024);
        let (status, response) = call(&router, "GET", "/ready").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json(response).await["status"], "ready");
        readiness.fail();
        let (status, response) = call(&router, "GET", "/ready").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(json(response).await["status"], "shutting_down");
        let (status, _) = call(&router, "GET", "/health").await;
        assert_eq!(status, StatusCode::OK);
    }

    #[tokio::test]
    async fn errors_are_json_and_carry_a_request_id() {
        let router = app().into_router(Readiness::new(), 1024);
        let (status, response) = call(&router, "GET", "/nope").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(response.headers().contains_key(REQUEST_ID_HEADER));
        assert_eq!(json(response).await["error"], "not_found");
        let (status, response) = call(&router, "POST", "/health").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(json(response).await["error"], "method_not_allowed");
        let (status, response) = call(&router, "GET", "/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(json(response).await["error"], "internal");
    }

    #[tokio::test]
    async fn metrics_use_route_templates() {
        let router = app().into_router(Readiness::new(), 1024);
        call(&router, "GET", "/health").await;
        call(&router, "GET", "/random/path/1").await;
        call(&router, "GET", "/random/path/2").await;
        let (_, response) = call(&router, "GET", "/metrics").await;
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(
            text.contains(r#"http_requests_total{method="GET",route="/health",status="200"} 1"#)
        );
        assert!(
            text.contains(r#"http_requests_total{method="GET",route="unmatched",status="404"} 2"#)
        );
        assert!(text.contains(r#"app_build_info{service="test",version="9.9.9"} 1"#));
    }

    #[test]
    fn server_config_defaults_and_overrides() {
        let mut env = Env::from_pairs([("HOST", "127.0.0.1"), ("SHUTDOWN_DELAY_SECONDS", "0")]);
        let config = ServerConfig::from_env(&mut env, 3000);
        assert_eq!(config.listen, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.max_body_bytes, 65536);
        assert_eq!(config.shutdown.delay, std::time::Duration::ZERO);
        assert_eq!(config.shutdown.timeout, std::time::Duration::from_secs(20));
        assert!(env.finish().is_ok());
    }
}
