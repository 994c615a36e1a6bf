//! Logs: one JSON object per line on stdout, which is what the cluster's log collector expects
//! (Fluent Bit parses it and adds the pod's metadata). Every line logged while a request is
//! handled carries that request's span, and so its `request_id`, under `span`.
//!
//! `LOG_LEVEL` takes `tracing` filter directives (`info`, `warn,frontend=debug`); `LOG_FORMAT`
//! is `json` (default) or `text` for a terminal.

use tracing_subscriber::EnvFilter;

use crate::Env;

/// How and what to log.
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// Output format.
    pub format: LogFormat,
    /// A `tracing` filter directive string.
    pub filter: String,
}

/// The shape of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines, for a terminal.
    Text,
}

impl LogConfig {
    /// Reads `LOG_FORMAT` and `LOG_LEVEL`, recording bad values in `env`.
    pub fn from_env(env: &mut Env) -> Self {
        let format = match env.string("LOG_FORMAT", "json").as_str() {
            "json" => LogFormat::Json,
            "text" => LogFormat::Text,
            other => {
                env.problem(
                    "LOG_FORMAT",
                    format!("must be `json` or `text` (got `{other}`)"),
                );
                LogFormat::Json
            }
        };
        let requested = env.string("LOG_LEVEL", "info");
        let filter = match EnvFilter::try_new(&requested) {
            Ok(_) => requested,
            Err(err) => {
                env.problem("LOG_LEVEL", format!("{err} (got `{requested}`)"));
                "info".to_owned()
            }
        };
        Self { format, filter }
    }
}

/// Installs the global subscriber. Call once, first thing in `main`, so configuration problems
/// are logged in the configured format.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_new(&config.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stdout);
    match config.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => builder.with_ansi(false).init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_format_and_level() {
        let mut env = Env::from_pairs([("LOG_FORMAT", "text"), ("LOG_LEVEL", "warn,kit=debug")]);
        let config = LogConfig::from_env(&mut env);
        assert_eq!(config.format, LogFormat::Text);
        assert_eq!(config.filter, "warn,kit=debug");
        assert!(env.finish().is_ok());
    }

    #[test]
    fn bad_values_are_problems() {
        let mut env = Env::from_pairs([("LOG_FORMAT", "xml"), ("LOG_LEVEL", "[")]);
        let config = LogConfig::from_env(&mut env);
        assert_eq!(config.format, LogFormat::Json);
        assert_eq!(config.filter, "info");
        let problems = env.finish().unwrap_err().problems;
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("`LOG_FORMAT`"));
        assert!(problems[1].starts_with("`LOG_LEVEL`"));
    }
}
