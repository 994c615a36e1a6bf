//! The harness of the end-to-end tests: starts the apps' real binaries as child processes on
//! loopback with port 0, learns each one's address from its `listening` log line, keeps every
//! log line for assertions, and talks HTTP to them. A [`Stack`] is the three apps wired as in the
//! cluster: the frontend's `BACKEND_URL` and `BACKEND_SERVICE_URL` point at the two backends.
//!
//! The binaries are built on first use with the cargo that runs the tests (a no-op when
//! `cargo test` for the workspace has built them already), so `cargo test -p e2e` works alone.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::HeaderMap;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// How long an app may take to log `listening` or to exit before the test gives up. Not an
/// assertion on speed: a guard so a broken build fails instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A running app.
pub struct App {
    name: String,
    child: Child,
    addr: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
}

impl App {
    /// Starts `binary` (`frontend`, `backend-app` or `backend-service`) with only the given
    /// environment on top of `HOST=127.0.0.1`, `PORT=0` and `SHUTDOWN_DELAY_SECONDS=0`, and
    /// waits until it listens.
    pub fn start(binary: &str, env: &[(&str, &str)]) -> Self {
        let mut child = spawn(binary, env);
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = listening_addr(&line) {
                    let _ = tx.send(addr);
                }
                sink.lock().unwrap().push(line);
            }
        });
        let Ok(addr) = rx.recv_timeout(PATIENCE) else {
            let _ = child.kill();
            let status = child.wait();
            panic!(
                "{binary} did not start ({status:?}); its log:\n{}",
                logs.lock().unwrap().join("\n")
            );
        };
        Self {
            name: binary.to_owned(),
            child,
            addr,
            logs,
        }
    }

    /// Runs `binary` with `env`, expecting it to exit by itself (on bad configuration, say);
    /// returns its exit status and log lines.
    pub fn run_to_exit(binary: &str, env: &[(&str, &str)]) -> (ExitStatus, Vec<Value>) {
        let child = spawn(binary, env);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        let output = rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("{binary} did not exit"))
            .expect("wait for the child");
        let logs = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(parse_log_line)
            .collect();
        (output.status, logs)
    }

    /// The app's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every log line so far, parsed (each must be a JSON object).
    pub fn logs(&self) -> Vec<Value> {
        self.logs
            .lock()
            .unwrap()
            .iter()
            .map(|line| parse_log_line(line))
            .collect()
    }

    /// Waits until at least one log line satisfies `predicate` (lines reach the harness through
    /// a pipe and a reader thread, a moment after the app wrote them), then returns all that do.
    pub fn wait_for_logs(&self, predicate: impl Fn(&Value) -> bool) -> Vec<Value> {
        for _ in 0..PATIENCE.as_millis() / 10 {
            let matching: Vec<Value> = self.logs().into_iter().filter(&predicate).collect();
            if !matching.is_empty() {
                return matching;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "{} never logged the expected line; its log:\n{}",
            self.name,
            self.logs.lock().unwrap().join("\n")
        );
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {} failed", self.name);
    }

    /// Waits for the app to exit and returns its status.
    pub fn wait(&mut self) -> ExitStatus {
        for _ in 0..PATIENCE.as_millis() / 20 {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{} did not exit", self.name);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The three apps wired as in the cluster.
pub struct Stack {
    /// The gateway, wired to the other two.
    pub frontend: App,
    /// Behind `/api/backend/…`.
    pub backend_app: App,
    /// Behind `/api/backend-service/…`.
    pub backend_service: App,
}

impl Stack {
    /// Starts backend-app and backend-service (the latter with downward-API variables as a pod
    /// would have them), then the frontend pointing at both.
    pub fn start() -> Self {
        let backend_app = App::start("backend-app", &[]);
        let backend_service = App::start(
            "backend-service",
            &[
                ("POD_NAME", "backend-service-5d8f7-abcde"),
                ("POD_NAMESPACE", "apps"),
                ("NODE_NAME", "ip-10-0-1-23.ec2.internal"),
                ("POD_IP", "10.0.1.77"),
            ],
        );
        let frontend = App::start(
            "frontend",
            &[
                ("BACKEND_URL", &backend_app.url("")),
                ("BACKEND_SERVICE_URL", &backend_service.url("")),
            ],
        );
        Self {
            frontend,
            backend_app,
            backend_service,
        }
    }
}

/// A loopback address nothing listens on: bound to find a free port, then released. Connecting
/// to it is refused.
pub fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.local_addr().expect("local address")
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Bytes,
}

impl Reply {
    /// The body as JSON; panics with the body when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "{} body is not JSON ({err}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An HTTP/1 client for the tests.
#[derive(Clone)]
pub struct Http(Client<HttpConnector, Full<Bytes>>);

impl Http {
    /// A client with a fresh connection pool.
    pub fn new() -> Self {
        Self(Client::builder(TokioExecutor::new()).build(HttpConnector::new()))
    }

    /// `GET url`.
    pub async fn get(&self, url: &str) -> Reply {
        self.send(Method::GET, url, &[], "").await
    }

    /// `POST url` with a JSON body.
    pub async fn post_json(&self, url: &str, body: &str) -> Reply {
        self.send(
            Method::POST,
            url,
            &[("content-type", "application/json")],
            body,
        )
        .await
    }

    /// Any request.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_owned())))
            .expect("valid request");
        let response = self
            .0
            .request(request)
            .await
            .unwrap_or_else(|err| panic!("request to {url} failed: {err}"));
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("read the body")
            .to_bytes();
        Reply {
            status,
            headers,
            body,
        }
    }
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

fn spawn(binary: &str, env: &[(&str, &str)]) -> Child {
    let path = binaries().join(binary);
    Command::new(&path)
        .env_clear()
        .envs([
            ("HOST", "127.0.0.1"),
            ("PORT", "0"),
            ("SHUTDOWN_DELAY_SECONDS", "0"),
        ])
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {}: {err}", path.display()))
}

/// The directory with the apps' binaries, built once per test process.
fn binaries() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // This test runs from target/<profile>/deps/; the binaries land in target/<profile>/.
        let exe = std::env::current_exe().expect("the test's own path");
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>/deps/<test>")
            .to_path_buf();
        let profile = match dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "dev".to_owned(),
            Some(other) => other.to_owned(),
        };
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--profile", &profile, "--manifest-path"])
            .arg(&manifest)
            .args([
                "-p",
                "frontend",
                "-p",
                "backend-app",
                "-p",
                "backend-service",
            ])
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building the apps failed");
        dir
    })
}

fn listening_addr(line: &str) -> Option<SocketAddr> {
    let value: Value = serde_json::from_str(line).ok()?;
    if value["message"] != "listening" {
        return None;
    }
    value["addr"].as_str()?.parse().ok()
}

fn parse_log_line(line: &str) -> Value {
    serde_json::from_str(line).unwrap_or_else(|err| panic!("log line is not JSON ({err}): {line}"))
}
