//! A closed-loop HTTP/1.1 load generator, in the spirit of wrk: `concurrency` workers share a
//! keep-alive connection pool, and each sends its next request as soon as the previous response
//! has been read whole. A run stops at its deadline or after `max_requests`, whichever comes
//! first, so a benchmark is bounded in both time and count. Latency (send to last body byte) is
//! recorded in an HDR histogram with three significant digits.
//!
//! Being closed-loop, it measures what the server sustains at that concurrency; it does not
//! correct for coordinated omission (a stalled server also stalls the load), so its tail
//! latencies are those of the requests that were sent, not of a fixed arrival rate.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// What to send, and how much.
#[derive(Debug, Clone)]
pub struct Load {
    /// The target.
    pub uri: Uri,
    /// The method.
    pub method: Method,
    /// The body; when not empty it is sent as `application/json`.
    pub body: Bytes,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Stop sending after this long.
    pub duration: Duration,
    /// Stop sending after this many requests.
    pub max_requests: u64,
    /// The status a successful response has.
    pub expect_status: StatusCode,
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Report {
    /// Responses with the expected status.
    pub ok: u64,
    /// Responses with another status.
    pub unexpected_status: u64,
    /// Requests that got no response (connection errors).
    pub failed: u64,
    /// From the first request sent to the last response read.
    pub elapsed: Duration,
    /// Latency of every response, in microseconds.
    pub latency_us: Histogram<u64>,
}

impl Report {
    /// Responses of any status.
    pub fn responses(&self) -> u64 {
        self.ok + self.unexpected_status
    }

    /// Responses per second of wall time.
    pub fn rps(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        let responses = self.responses() as f64;
        responses / self.elapsed.as_secs_f64()
    }

    /// The latency at quantile `q` (0.5, 0.99, …), in milliseconds.
    pub fn latency_ms(&self, q: f64) -> f64 {
        #[allow(clippy::cast_precision_loss)] // microseconds far below 2^52
        let us = self.latency_us.value_at_quantile(q) as f64;
        us / 1000.0
    }

    /// The report as one JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "responses": self.responses(),
            "ok": self.ok,
            "unexpected_status": self.unexpected_status,
            "failed": self.failed,
            "elapsed_s": round3(self.elapsed.as_secs_f64()),
            "rps": round3(self.rps()),
            "latency_ms": {
                "p50": self.latency_ms(0.5),
                "p90": self.latency_ms(0.9),
                "p99": self.latency_ms(0.99),
                "p99.9": self.latency_ms(0.999),
                "max": self.latency_ms(1.0),
            },
        })
    }
}

/// Runs `load` and reports what it measured.
pub async fn run(load: &Load) -> Report {
    let mut client = Client::builder(TokioExecutor::new());
    client.pool_max_idle_per_host(load.concurrency);
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client = client.build(connector);
    let issued = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + load.duration;
    let workers: Vec<_> = (0..load.concurrency.max(1))
        .map(|_| {
            let (client, issued, load) = (client.clone(), issued.clone(), load.clone());
            tokio::spawn(async move { worker(&client, &issued, &load, deadline).await })
        })
        .collect();
    let mut total = Tally::new();
    for worker in workers {
        let tally = worker.await.expect("a worker panicked");
        total.ok += tally.ok;
        total.unexpected_status += tally.unexpected_status;
        total.failed += tally.failed;
        total
            .latency
            .add(&tally.latency)
            .expect("histograms with the same bounds");
    }
    Report {
        ok: total.ok,
        unexpected_status: total.unexpected_status,
        failed: total.failed,
        elapsed: start.elapsed(),
        latency_us: total.latency,
    }
}

struct Tally {
    ok: u64,
    unexpected_status: u64,
    failed: u64,
    latency: Histogram<u64>,
}

impl Tally {
    fn new() -> Self {
        Self {
            ok: 0,
            unexpected_status: 0,
            failed: 0,
            // 1 µs to 10 minutes, three significant digits.
            latency: Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid bounds"),
        }
    }
}

async fn worker(
    client: &Client<HttpConnector, Full<Bytes>>,
    issued: &AtomicU64,
    load: &Load,
    deadline: Instant,
) -> Tally {
    let mut tally = Tally::new();
    while Instant::now() < deadline && issued.fetch_add(1, Ordering::Relaxed) < load.max_requests {
        let mut request = Request::builder()
            .method(load.method.clone())
            .uri(load.uri.clone());
        if !load.body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        let request = request
            .body(Full::new(load.body.clone()))
            .expect("valid request");
        let sent = Instant::now();
        let Ok(response) = client.request(request).await else {
            tally.failed += 1;
            continue;
        };
        let status = response.status();
        if response.into_body().collect().await.is_err() {
            tally.failed += 1;
            continue;
        }
        let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
        tally.latency.saturating_record(micros.max(1));
        if status == load.expect_status {
            tally.ok += 1;
        } else {
            tally.unexpected_status += 1;
        }
    }
    tally
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// A keep-alive HTTP/1.1 server that answers every request with `status` and `ok`.
    async fn server(status: &'static str) -> Uri {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0_u8; 4096];
                    loop {
                        let Ok(n) = socket.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        // Requests here have no body: each ends with an empty line.
                        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            buf.drain(..end + 4);
                            let reply = format!("HTTP/1.1 {status}\r\ncontent-length: 2\r\n\r\nok");
                            if socket.write_all(reply.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
        format!("http://{addr}/").parse().unwrap()
    }

    fn load(uri: Uri, max_requests: u64, duration: Duration) -> Load {
        Load {
            uri,
            method: Method::GET,
            body: Bytes::new(),
            concurrency: 4,
            duration,
            max_requests,
            expect_status: StatusCode::OK,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stops_at_the_request_count() {
        let uri = server("200 OK").await;
        let report = run(&load(uri, 500, Duration::from_secs(600))).await;
        assert_eq!(report.ok, 500);
        assert_eq!(report.unexpected_status + report.failed, 0);
        assert_eq!(report.latency_us.len(), 500);
        assert!(report.rps() > 0.0);
        let json = report.to_json();
        assert_eq!(json["responses"], 500);
        assert!(
            json["latency_ms"]["p99"].as_f64().unwrap()
                >= json["latency_ms"]["p50"].as_f64().unwrap()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn stops_at_the_deadline() {
        let uri = server("200 OK").await;
        let report = run(&load(uri, u64::MAX, Duration::from_millis(200))).await;
        assert!(report.ok > 0);
        assert_eq!(report.latency_us.len(), report.ok);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn counts_unexpected_statuses_and_failures() {
        let uri = server("503 Service Unavailable").await;
        let report = run(&load(uri, 40, Duration::from_secs(600))).await;
        assert_eq!((report.ok, report.unexpected_status), (0, 40));

        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let uri: Uri = format!("http://{}/", closed.local_addr().unwrap())
            .parse()
            .unwrap();
        drop(closed);
        let report = run(&load(uri, 40, Duration::from_secs(600))).await;
        assert_eq!((report.ok, report.failed), (0, 40));
        assert_eq!(report.latency_us.len(), 0);
    }
}
