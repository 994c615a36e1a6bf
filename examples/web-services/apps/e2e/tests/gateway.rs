//! Every route of the gateway, through the real binaries on loopback: the frontend relaying to
//! backend-app and backend-service as in the cluster, request ids crossing the hop, validation
//! errors passing through as 422 JSON, upstreams that are down (503) or silent (504), metrics,
//! configuration errors, and the shutdown sequence.

use std::net::TcpListener;

use e2e::{App, Http, Stack, closed_port};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn frontend_serves_index_health_readiness_and_docs() {
    let stack = Stack::start();
    let http = Http::new();
    let fe = &stack.frontend;

    let index = http.get(&fe.url("/")).await;
    assert_eq!(index.status, StatusCode::OK);
    let index = index.json();
    assert_eq!(index["service"], "frontend");
    assert_eq!(index["docs"], "/docs");
    assert_eq!(
        index["routes"]["backend-service"][3],
        "POST /api/backend-service/process"
    );

    let health = http.get(&fe.url("/health")).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["service"], "frontend");
    let ready = http.get(&fe.url("/ready")).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["status"], "ready");

    // The OpenAPI document lists every route the gateway serves, with their schemas.
    let openapi = http.get(&fe.url("/openapi.json")).await;
    assert_eq!(openapi.status, StatusCode::OK);
    let openapi = openapi.json();
    let mut paths: Vec<&str> = openapi["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/",
            "/api/backend-service/data",
            "/api/backend-service/health",
            "/api/backend-service/info",
            "/api/backend-service/process",
            "/api/backend/data",
            "/api/backend/process",
            "/api/backend/status",
            "/health",
            "/metrics",
            "/ready",
        ]
    );
    let schemas = &openapi["components"]["schemas"];
    assert_eq!(
        schemas["Operation"]["enum"],
        json!(["uppercase", "lowercase", "reverse", "titlecase"])
    );
    assert!(schemas["ErrorBody"].is_object());

    // The viewer and its assets are served by the app itself: no CDN needed.
    let docs = http.get(&fe.url("/docs")).await;
    assert!(docs.status.is_redirection(), "{}", docs.status);
    let page = http.get(&fe.url("/docs/")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("swagger-ui-bundle.js"));
    assert!(
        !page.text().contains("https://"),
        "the page loads nothing remote"
    );
    let init = http.get(&fe.url("/docs/swagger-initializer.js")).await;
    assert!(init.text().contains("\"/openapi.json\""), "{}", init.text());
    let bundle = http.get(&fe.url("/docs/swagger-ui-bundle.js")).await;
    assert_eq!(bundle.status, StatusCode::OK);
    assert!(bundle.body.len() > 100_000, "the bundle is served whole");
}

#[tokio::test]
async fn backend_app_routes_through_the_frontend() {
    let stack = Stack::start();
    let http = Http::new();
    let fe = &stack.frontend;

    let status = http.get(&fe.url("/api/backend/status")).await;
    assert_eq!(status.status, StatusCode::OK);
    let status = status.json();
    assert_eq!(status["service"], "backend-app");
    assert_eq!(status["status"], "ok");

    let data = http.get(&fe.url("/api/backend/data")).await;
    assert_eq!(data.status, StatusCode::OK);
    assert_eq!(data.header("content-type"), Some("application/json"));
    let data = data.json();
    assert_eq!(data["source"], "backend-app");
    assert_eq!(data["count"], data["items"].as_array().unwrap().len());
    // The gateway relays the upstream's body unchanged.
    let direct = http.get(&stack.backend_app.url("/api/data")).await;
    assert_eq!(data, direct.json());

    let body = r#"{"data": "test data", "operation": "uppercase"}"#;
    let processed = http.post_json(&fe.url("/api/backend/process"), body).await;
    assert_eq!(processed.status, StatusCode::OK);
    assert_eq!(
        processed.json(),
        json!({
            "operation": "uppercase",
            "input": "test data",
            "result": "TEST DATA",
            "processed_by": "backend-app",
            "pod": null,
        })
    );
}

#[tokio::test]
async fn backend_service_routes_through_the_frontend() {
    let stack = Stack::start();
    let http = Http::new();
    let fe = &stack.frontend;

    let health = http.get(&fe.url("/api/backend-service/health")).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(
        health.json(),
        json!({"status": "ok", "service": "backend-service", "version": "0.1.0"})
    );

    let pod = json!({
        "service": "backend-service",
        "version": "0.1.0",
        "pod": "backend-service-5d8f7-abcde",
        "namespace": "apps",
        "node": "ip-10-0-1-23.ec2.internal",
        "pod_ip": "10.0.1.77",
    });
    let info = http.get(&fe.url("/api/backend-service/info")).await;
    assert_eq!(info.status, StatusCode::OK);
    assert_eq!(info.json(), pod);

    let data = http.get(&fe.url("/api/backend-service/data")).await;
    assert_eq!(data.status, StatusCode::OK);
    let data = data.json();
    assert_eq!(data["source"], "backend-service");
    assert_eq!(data["served_by"], pod);

    for (operation, result) in [
        ("uppercase", "HELLO, WORLD"),
        ("lowercase", "hello, world"),
        ("reverse", "dlroW ,olleh"),
        ("titlecase", "Hello, World"),
    ] {
        let body = json!({"data": "hello, World", "operation": operation}).to_string();
        let processed = http
            .post_json(&fe.url("/api/backend-service/process"), &body)
            .await;
        assert_eq!(processed.status, StatusCode::OK, "{operation}");
        let processed = processed.json();
        assert_eq!(processed["result"], result, "{operation}");
        assert_eq!(processed["processed_by"], "backend-service");
        assert_eq!(processed["pod"], "backend-service-5d8f7-abcde");
    }
}

#[tokio::test]
async fn bad_payloads_get_json_errors_through_the_frontend() {
    let stack = Stack::start();
    let http = Http::new();
    for route in ["/api/backend/process", "/api/backend-service/process"] {
        let url = stack.frontend.url(route);

        // Well-formed JSON with bad fields: 422 listing every field.
        let reply = http
            .post_json(&url, r#"{"data": 42, "operation": "shout", "extra": 1}"#)
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{route}");
        let body = reply.json();
        assert_eq!(body["error"], "validation_failed");
        let fields: Vec<&str> = body["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["data", "operation", "extra"], "{route}");

        for (payload, field) in [
            (r#"{"operation": "reverse"}"#, "data"),
            (r#"{"data": "", "operation": "reverse"}"#, "data"),
            (r#"{"data": "x"}"#, "operation"),
            (r#"{"data": "x", "operation": null}"#, "operation"),
        ] {
            let reply = http.post_json(&url, payload).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{payload}");
            assert_eq!(reply.json()["details"][0]["field"], field, "{payload}");
        }

        // JSON that is not an object.
        let reply = http.post_json(&url, r#"["data"]"#).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.json()["error"], "validation_failed");

        // Not JSON at all: 400.
        let reply = http.post_json(&url, r#"{"data": "x", "#).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.json()["error"], "malformed_json");

        // Not sent as JSON: 415.
        let reply = http
            .send(Method::POST, &url, &[("content-type", "text/plain")], "hi")
            .await;
        assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(reply.json()["error"], "unsupported_media_type");

        // Larger than the gateway accepts (64 KiB by default): 413, never reaching upstream.
        let huge = json!({"data": "x".repeat(70_000), "operation": "reverse"}).to_string();
        let reply = http.post_json(&url, &huge).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(reply.json()["error"], "payload_too_large");

        // Within the body limit but over the 10 000-character data limit: 422 from upstream.
        let long = json!({"data": "x".repeat(10_001), "operation": "reverse"}).to_string();
        let reply = http.post_json(&url, &long).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.json()["details"][0]["field"], "data");

        // GET on a POST route.
        let reply = http.get(&url).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(reply.json()["error"], "method_not_allowed");
    }
    let reply = http.get(&stack.frontend.url("/api/nothing")).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["error"], "not_found");
}

#[tokio::test]
async fn request_ids_cross_the_hop_and_appear_in_both_logs() {
    let stack = Stack::start();
    let http = Http::new();

    // A caller's id is kept, echoed, and forwarded.
    let reply = http
        .send(
            Method::GET,
            &stack.frontend.url("/api/backend-service/data"),
            &[("x-request-id", "trace-me-123")],
            "",
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("x-request-id"), Some("trace-me-123"));

    // Without one, the frontend makes one and the backend logs the same.
    let reply = http.get(&stack.frontend.url("/api/backend/data")).await;
    let generated = reply.header("x-request-id").expect("an id").to_owned();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");

    // Each app logs a request once, when it has answered it.
    let logged = |app: &App, id: &str| -> Vec<Value> {
        app.wait_for_logs(|l| l["message"] == "request" && l["span"]["request_id"] == id)
    };
    let fe = logged(&stack.frontend, "trace-me-123");
    assert_eq!(fe.len(), 1, "{:?}", stack.frontend.logs());
    assert_eq!(fe[0]["span"]["route"], "/api/backend-service/data");
    assert_eq!(fe[0]["status"], 200);
    let be = logged(&stack.backend_service, "trace-me-123");
    assert_eq!(be.len(), 1, "{:?}", stack.backend_service.logs());
    assert_eq!(be[0]["span"]["route"], "/api/backend/data");
    assert_eq!(be[0]["level"], "INFO");
    assert!(be[0]["timestamp"].is_string());

    assert_eq!(logged(&stack.frontend, &generated).len(), 1);
    assert_eq!(logged(&stack.backend_app, &generated).len(), 1);
}

#[tokio::test]
async fn an_upstream_that_is_down_gets_503_with_a_clear_body() {
    let backend_service = App::start("backend-service", &[]);
    let down = format!("http://{}", closed_port());
    let frontend = App::start(
        "frontend",
        &[
            ("BACKEND_URL", &down),
            ("BACKEND_SERVICE_URL", &backend_service.url("")),
        ],
    );
    let http = Http::new();

    for (method, route) in [
        (Method::GET, "/api/backend/status"),
        (Method::GET, "/api/backend/data"),
        (Method::POST, "/api/backend/process"),
    ] {
        let reply = http
            .send(
                method,
                &frontend.url(route),
                &[("content-type", "application/json")],
                r#"{"data": "x", "operation": "reverse"}"#,
            )
            .await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{route}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let body = reply.json();
        assert_eq!(body["error"], "upstream_unavailable", "{route}");
        assert_eq!(body["upstream"], "backend-app");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with("backend-app is unavailable: ") && message.contains("refused"),
            "{message}"
        );
    }

    // The other upstream and the frontend itself are unaffected.
    let reply = http.get(&frontend.url("/api/backend-service/info")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        http.get(&frontend.url("/health")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        http.get(&frontend.url("/ready")).await.status,
        StatusCode::OK
    );

    let metrics = http.get(&frontend.url("/metrics")).await.text();
    assert!(
        metrics
            .contains(r#"upstream_requests_total{outcome="unavailable",upstream="backend-app"} 3"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"upstream_requests_total{outcome="200",upstream="backend-service"} 1"#)
    );
    // Logged before each answer was sent, so all three are there once the third is.
    let warned = frontend.wait_for_logs(|l| {
        l["message"] == "upstream unavailable" && l["span"]["route"] == "/api/backend/process"
    });
    assert_eq!(warned[0]["level"], "WARN");
    assert_eq!(warned[0]["upstream"], "backend-app");
    let all = frontend.wait_for_logs(|l| l["message"] == "upstream unavailable");
    assert_eq!(all.len(), 3);
}

#[tokio::test]
async fn an_upstream_that_never_answers_gets_504() {
    // Accepts connections (the kernel completes the handshake) but never reads or answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    let frontend = App::start(
        "frontend",
        &[
            ("BACKEND_URL", &silent_url),
            ("BACKEND_SERVICE_URL", &silent_url),
            ("UPSTREAM_TIMEOUT_SECONDS", "0.3"),
        ],
    );
    let http = Http::new();
    for route in ["/api/backend/data", "/api/backend-service/health"] {
        let reply = http.get(&frontend.url(route)).await;
        assert_eq!(reply.status, StatusCode::GATEWAY_TIMEOUT, "{route}");
        let body = reply.json();
        assert_eq!(body["error"], "upstream_timeout");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .ends_with("did not answer within 0.3 s"),
            "{body}"
        );
    }
    drop(silent);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let stack = Stack::start();
    let http = Http::new();
    for _ in 0..3 {
        http.get(&stack.frontend.url("/api/backend/data")).await;
    }
    http.post_json(&stack.frontend.url("/api/backend/process"), "{}")
        .await;
    http.get(&stack.frontend.url("/no/such/1")).await;
    http.get(&stack.frontend.url("/no/such/2")).await;

    let fe = http.get(&stack.frontend.url("/metrics")).await;
    assert_eq!(fe.status, StatusCode::OK);
    assert!(fe.header("content-type").unwrap().starts_with("text/plain"));
    let fe = fe.text();
    for line in [
        r#"http_requests_total{method="GET",route="/api/backend/data",status="200"} 3"#,
        r#"http_request_duration_seconds_count{method="GET",route="/api/backend/data",status="200"} 3"#,
        r#"http_requests_total{method="POST",route="/api/backend/process",status="422"} 1"#,
        r#"http_requests_total{method="GET",route="unmatched",status="404"} 2"#,
        r#"upstream_requests_total{outcome="200",upstream="backend-app"} 3"#,
        r#"upstream_requests_total{outcome="422",upstream="backend-app"} 1"#,
        r#"upstream_request_duration_seconds_count{upstream="backend-app"} 4"#,
        r#"app_build_info{service="frontend",version="0.1.0"} 1"#,
    ] {
        assert!(fe.contains(line), "missing `{line}` in:\n{fe}");
    }
    let be = http.get(&stack.backend_app.url("/metrics")).await.text();
    assert!(be.contains(r#"http_requests_total{method="GET",route="/api/data",status="200"} 3"#));
    assert!(
        be.contains(r#"http_requests_total{method="POST",route="/api/process",status="422"} 1"#)
    );
}

#[tokio::test]
async fn backends_serve_their_routes_directly() {
    let stack = Stack::start();
    let http = Http::new();
    for (app, path) in [
        (&stack.backend_app, "/api/status"),
        (&stack.backend_app, "/api/data"),
        (&stack.backend_app, "/api/info"),
        (&stack.backend_app, "/health"),
        (&stack.backend_app, "/ready"),
        (&stack.backend_service, "/api/backend/data"),
        (&stack.backend_service, "/api/info"),
        (&stack.backend_service, "/health"),
        (&stack.backend_service, "/ready"),
    ] {
        let reply = http.get(&app.url(path)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
    }
    let info = http.get(&stack.backend_app.url("/api/info")).await.json();
    assert_eq!(info["service"], "backend-app");
    assert_eq!(
        info["pod"],
        Value::Null,
        "no downward API outside a cluster"
    );
    for app in [&stack.backend_app, &stack.backend_service] {
        let openapi = http.get(&app.url("/openapi.json")).await;
        assert_eq!(openapi.status, StatusCode::OK);
        assert!(openapi.json()["paths"]["/api/info"].is_object());
    }
}

#[test]
fn bad_configuration_exits_2_naming_every_problem() {
    let (status, logs) = App::run_to_exit(
        "frontend",
        &[
            ("PORT", "eighty"),
            ("BACKEND_URL", "https://backend-app-service"),
            ("UPSTREAM_TIMEOUT_SECONDS", "-1"),
        ],
    );
    assert_eq!(status.code(), Some(2));
    let problems: Vec<&str> = logs
        .iter()
        .filter(|l| l["message"] == "invalid configuration" && l["level"] == "ERROR")
        .map(|l| l["problem"].as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 3, "{logs:?}");
    assert!(problems[0].starts_with("`PORT`"));
    assert!(problems[1].starts_with("`BACKEND_URL`: https upstreams are not supported"));
    assert!(problems[2].starts_with("`UPSTREAM_TIMEOUT_SECONDS`"));
    assert!(!logs.iter().any(|l| l["message"] == "listening"));
}

#[test]
fn a_taken_port_exits_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (status, logs) = App::run_to_exit("backend-app", &[("PORT", &port)]);
    assert_eq!(status.code(), Some(1));
    assert!(
        logs.iter().any(|l| l["message"] == "server failed"),
        "{logs:?}"
    );
}

#[tokio::test]
async fn sigterm_fails_readiness_first_then_a_second_signal_stops() {
    // A long delay: after SIGTERM the app keeps serving with readiness failing.
    let mut app = App::start("backend-app", &[("SHUTDOWN_DELAY_SECONDS", "600")]);
    let http = Http::new();
    assert_eq!(http.get(&app.url("/ready")).await.status, StatusCode::OK);

    app.terminate();
    let mut ready = http.get(&app.url("/ready")).await;
    for _ in 0..500 {
        if ready.status != StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        ready = http.get(&app.url("/ready")).await;
    }
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json()["status"], "shutting_down");
    // Still serving meanwhile.
    assert_eq!(http.get(&app.url("/api/data")).await.status, StatusCode::OK);
    assert_eq!(http.get(&app.url("/health")).await.status, StatusCode::OK);

    // The second signal skips the delay; the app drains and exits cleanly.
    app.terminate();
    let status = app.wait();
    assert!(status.success(), "{status}");
    app.wait_for_logs(|l| l["message"] == "stopped");
    let messages: Vec<String> = app
        .logs()
        .iter()
        .filter_map(|l| l["message"].as_str().map(str::to_owned))
        .collect();
    let phase = |m: &str| {
        messages
            .iter()
            .position(|x| x == m)
            .unwrap_or_else(|| panic!("no `{m}` in {messages:?}"))
    };
    assert!(
        phase("shutting down: readiness fails, still serving")
            < phase("no longer accepting connections; draining in-flight requests")
    );
    assert!(
        phase("no longer accepting connections; draining in-flight requests") < phase("stopped")
    );
}

#[tokio::test]
async fn sigterm_with_no_delay_exits_0() {
    let stack = Stack::start();
    let Stack {
        mut frontend,
        mut backend_app,
        mut backend_service,
    } = stack;
    for app in [&mut frontend, &mut backend_app, &mut backend_service] {
        app.terminate();
        let status = app.wait();
        assert!(status.success(), "{status}");
        app.wait_for_logs(|l| l["message"] == "stopped");
    }
}
