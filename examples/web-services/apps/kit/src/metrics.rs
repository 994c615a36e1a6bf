//! Prometheus metrics, served at `/metrics` in the text exposition format.
//!
//! Every app exports `http_requests_total` and `http_request_duration_seconds` labelled by
//! method, route and status, `http_requests_in_flight`, and `app_build_info`. The `route` label
//! is the route *template* (`/api/data`, never a raw path) and `unmatched` for requests no route
//! took, so a scanner probing random paths cannot blow up the number of series. Apps register
//! their own metrics (the gateway's upstream metrics) in [`Metrics::registry`].

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// Latency buckets in seconds, from 1 ms (a loopback hop) to 10 s (the gateway's default
/// upstream timeout).
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The `route` label of requests that matched no route.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// An app's metric registry with the HTTP server metrics every app has. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    in_flight: IntGauge,
}

impl Metrics {
    /// A registry holding the HTTP server metrics and `app_build_info{service, version} 1`.
    pub fn new(service: &str, version: &str) -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests handled"),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from receiving a request to its response headers",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let in_flight = IntGauge::new("http_requests_in_flight", "HTTP requests being handled")
            .expect("valid metric");
        let build_info = IntGaugeVec::new(
            Opts::new("app_build_info", "Always 1; labels name the running app"),
            &["service", "version"],
        )
        .expect("valid metric");
        build_info.with_label_values(&[service, version]).set(1);
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(duration.clone()),
            Box::new(in_flight.clone()),
            Box::new(build_info),
        ] {
            registry
                .register(collector)
                .expect("metric names are unique");
        }
        Self {
            registry,
            requests,
            duration,
            in_flight,
        }
    }

    /// The registry, for an app's own metrics.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Counts one finished request and its latency.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.duration
            .with_label_values(&labels)
            .observe(elapsed.as_secs_f64());
    }

    /// Marks a request as started; the guard marks it finished when dropped.
    pub fn start(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// Every metric in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("encoding to memory cannot fail");
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}

/// A request in flight; dropping it (even on panic or cancellation) decrements the gauge.
#[must_use = "the request counts as in flight until this is dropped"]
pub struct InFlight(IntGauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_histograms_and_build_info() {
        let metrics = Metrics::new("svc", "1.2.3");
        metrics.observe("GET", "/a", 200, Duration::from_millis(3));
        metrics.observe("GET", "/a", 200, Duration::from_millis(30));
        metrics.observe("POST", "/a", 422, Duration::from_millis(1));
        let guard = metrics.start();
        let text = metrics.render();
        drop(guard);
        assert!(text.contains(r#"http_requests_total{method="GET",route="/a",status="200"} 2"#));
        assert!(text.contains(r#"http_requests_total{method="POST",route="/a",status="422"} 1"#));
        assert!(text.contains(
            r#"http_request_duration_seconds_bucket{method="GET",route="/a",status="200",le="0.005"} 1"#
        ));
        assert!(text.contains(
            r#"http_request_duration_seconds_count{method="GET",route="/a",status="200"} 2"#
        ));
        assert!(text.contains("http_requests_in_flight 1"));
        assert!(text.contains(r#"app_build_info{service="svc",version="1.2.3"} 1"#));
        assert!(metrics.render().contains("http_requests_in_flight 0"));
    }
}
