//! backend-app's entry point: configuration from the environment, then [`kit::server::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    kit::server::main(
        backend_app::DEFAULT_PORT,
        backend_app::Config::from_env,
        backend_app::app,
    )
}
