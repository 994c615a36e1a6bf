//! backend-service's entry point: configuration from the environment, then
//! [`kit::server::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    kit::server::main(
        backend_service::DEFAULT_PORT,
        backend_service::Config::from_env,
        backend_service::app,
    )
}
