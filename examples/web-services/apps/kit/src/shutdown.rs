//! Graceful shutdown, in the order Kubernetes needs it.
//!
//! When a pod is deleted, the kubelet sends SIGTERM while the endpoint controllers are still
//! removing the pod from Services and load balancers; a server that stops accepting at once
//! drops the requests that arrive meanwhile. So on the first SIGTERM (or SIGINT) an app:
//!
//! 1. fails readiness (`/ready` answers 503) and keeps serving, for `SHUTDOWN_DELAY_SECONDS`
//!    (default 5) — a second signal skips the wait;
//! 2. stops accepting connections and lets in-flight requests finish, for at most
//!    `SHUTDOWN_TIMEOUT_SECONDS` (default 20, inside Kubernetes' default 30 s grace period) — a
//!    further signal, or the timeout, closes what is left;
//! 3. exits with status 0.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use crate::Env;

/// How long each shutdown phase may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownConfig {
    /// Phase 1: serving with readiness failing.
    pub delay: Duration,
    /// Phase 2: draining in-flight requests.
    pub timeout: Duration,
}

impl ShutdownConfig {
    /// Reads `SHUTDOWN_DELAY_SECONDS` and `SHUTDOWN_TIMEOUT_SECONDS`.
    pub fn from_env(env: &mut Env) -> Self {
        Self {
            delay: env.seconds("SHUTDOWN_DELAY_SECONDS", Duration::from_secs(5)),
            timeout: env.seconds("SHUTDOWN_TIMEOUT_SECONDS", Duration::from_secs(20)),
        }
    }
}

/// Whether the app should receive traffic. Cheap to clone; all clones share one flag.
#[derive(Debug, Clone)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    /// A ready flag.
    pub fn new() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }

    /// Whether `/ready` answers 200.
    pub fn is_ready(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Makes `/ready` answer 503 from now on.
    pub fn fail(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

impl Default for Readiness {
    fn default() -> Self {
        Self::new()
    }
}

/// Counts SIGTERM and SIGINT deliveries. Listening starts when this is created, so a signal
/// that arrives before anyone waits is not lost.
#[derive(Debug, Clone)]
pub struct Signals(watch::Receiver<u32>);

impl Signals {
    /// Starts listening for SIGTERM and SIGINT on the current tokio runtime.
    pub fn listen() -> std::io::Result<Self> {
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let (tx, rx) = watch::channel(0_u32);
        tokio::spawn(async move {
            loop {
                let name = tokio::select! {
                    _ = term.recv() => "SIGTERM",
                    _ = int.recv() => "SIGINT",
                };
                let count = {
                    let mut count = 0;
                    tx.send_modify(|n| {
                        *n += 1;
                        count = *n;
                    });
                    count
                };
                tracing::info!(signal = name, count, "signal received");
            }
        });
        Ok(Self(rx))
    }

    /// Waits until at least `n` signals have arrived in total.
    pub async fn reached(&mut self, n: u32) {
        // The sender lives in a task that never ends while the runtime runs.
        let _ = self.0.wait_for(|count| *count >= n).await;
    }

    /// How many signals have arrived.
    pub fn count(&self) -> u32 {
        *self.0.borrow()
    }
}
