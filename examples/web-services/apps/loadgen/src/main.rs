//! `loadgen`: drives one URL with a fixed number of concurrent keep-alive workers for a bounded
//! time and request count, after an unrecorded warm-up, and prints throughput and latency
//! percentiles (one JSON object with `--json`). Exit code 1 when any response had an unexpected
//! status or any request failed, so a benchmark of a broken chain cannot pass for a fast one.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use hyper::body::Bytes;
use hyper::{Method, StatusCode, Uri};
use loadgen::{Load, run};

/// A closed-loop HTTP/1.1 load generator.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The URL to load (http:// only).
    url: Uri,
    /// Requests in flight at once.
    #[arg(short, long, default_value_t = 32)]
    concurrency: usize,
    /// Seconds to run (after the warm-up).
    #[arg(short, long, default_value_t = 10.0)]
    duration: f64,
    /// Most requests to send (after the warm-up).
    #[arg(short = 'n', long, default_value_t = 1_000_000)]
    requests: u64,
    /// Seconds of unrecorded warm-up.
    #[arg(short, long, default_value_t = 2.0)]
    warmup: f64,
    /// HTTP method.
    #[arg(short, long, default_value = "GET")]
    method: Method,
    /// Request body, sent as application/json.
    #[arg(short, long, default_value = "")]
    body: String,
    /// The status every response should have.
    #[arg(long, default_value_t = 200)]
    expect_status: u16,
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let Ok(expect_status) = StatusCode::from_u16(args.expect_status) else {
        eprintln!(
            "error: --expect-status {} is not an HTTP status",
            args.expect_status
        );
        return ExitCode::from(2);
    };
    let seconds = |s: f64, flag: &str| {
        Duration::try_from_secs_f64(s)
            .map_err(|_| format!("--{flag} must be a number of seconds ≥ 0"))
    };
    let (duration, warmup) = match (
        seconds(args.duration, "duration"),
        seconds(args.warmup, "warmup"),
    ) {
        (Ok(d), Ok(w)) => (d, w),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let load = Load {
        uri: args.url,
        method: args.method,
        body: Bytes::from(args.body),
        concurrency: args.concurrency.max(1),
        duration,
        max_requests: args.requests,
        expect_status,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("start the async runtime");
    let report = runtime.block_on(async {
        if !warmup.is_zero() {
            run(&Load {
                duration: warmup,
                max_requests: u64::MAX,
                ..load.clone()
            })
            .await;
        }
        run(&load).await
    });
    if args.json {
        println!("{}", report.to_json());
    } else {
        println!(
            "{} {}: {} responses in {:.2} s = {:.0} req/s (concurrency {}), {} unexpected status, {} failed",
            load.method,
            load.uri,
            report.responses(),
            report.elapsed.as_secs_f64(),
            report.rps(),
            load.concurrency,
            report.unexpected_status,
            report.failed,
        );
        println!(
            "latency ms: p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}",
            report.latency_ms(0.5),
            report.latency_ms(0.9),
            report.latency_ms(0.99),
            report.latency_ms(0.999),
            report.latency_ms(1.0),
        );
    }
    if report.unexpected_status + report.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
