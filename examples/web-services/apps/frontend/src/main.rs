//! frontend's entry point: configuration from the environment, then [`kit::server::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    kit::server::main(
        frontend::DEFAULT_PORT,
        frontend::Config::from_env,
        frontend::app,
    )
}
