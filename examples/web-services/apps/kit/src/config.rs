//! Configuration from environment variables, and nothing else. An [`Env`] reads every variable
//! an app needs, falls back to documented defaults, and remembers every problem it meets, so a
//! misconfigured pod reports everything wrong with it at once and exits with code 2 instead of
//! failing on the first variable and hiding the rest.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::str::FromStr;
use std::time::Duration;

/// A snapshot of the environment being read, with the problems found so far.
#[derive(Debug, Clone)]
pub struct Env {
    /// `None` stands for a value that is not UTF-8.
    vars: BTreeMap<String, Option<String>>,
    problems: Vec<String>,
}

/// Every problem found in the environment, one line each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {}", .problems.join("; "))]
pub struct ConfigError {
    /// One message per bad variable, naming it and the value it had.
    pub problems: Vec<String>,
}

impl Env {
    /// Reads the process environment. A variable whose value is not UTF-8 is reported when (and
    /// only if) the app asks for it.
    pub fn from_process() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok())))
            .collect();
        Self {
            vars,
            problems: Vec::new(),
        }
    }

    /// An environment made of the given pairs (for tests and tools).
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), Some(v.into())))
                .collect(),
            problems: Vec::new(),
        }
    }

    /// The variable's value; unset and empty are the same (Kubernetes renders an empty value for
    /// a missing ConfigMap key).
    pub fn optional(&mut self, name: &str) -> Option<String> {
        self.raw(name).map(str::to_owned)
    }

    /// The variable's value, or `default` when it is unset or empty.
    pub fn string(&mut self, name: &str, default: &str) -> String {
        self.optional(name).unwrap_or_else(|| default.to_owned())
    }

    /// The variable parsed as `T`, or `default` when unset; a value that does not parse is
    /// recorded as a problem and `default` is returned so reading can go on.
    pub fn parse<T>(&mut self, name: &str, default: T) -> T
    where
        T: FromStr,
        T::Err: Display,
    {
        let Some(value) = self.raw(name).map(str::to_owned) else {
            return default;
        };
        match value.trim().parse() {
            Ok(parsed) => parsed,
            Err(err) => {
                self.problem(name, format!("{err} (got `{value}`)"));
                default
            }
        }
    }

    /// A duration given in seconds (`5`, `0.5`), or `default` when unset. Negative, non-finite
    /// and absurdly large values (over a day) are problems.
    pub fn seconds(&mut self, name: &str, default: Duration) -> Duration {
        let Some(value) = self.raw(name).map(str::to_owned) else {
            return default;
        };
        match value.trim().parse::<f64>() {
            Ok(secs) if secs.is_finite() && (0.0..=86_400.0).contains(&secs) => {
                Duration::from_secs_f64(secs)
            }
            Ok(_) => {
                self.problem(
                    name,
                    format!("must be a number of seconds from 0 to 86400 (got `{value}`)"),
                );
                default
            }
            Err(_) => {
                self.problem(
                    name,
                    format!("must be a number of seconds, like `5` or `0.5` (got `{value}`)"),
                );
                default
            }
        }
    }

    /// Records a problem with `name` found by the app's own checks.
    pub fn problem(&mut self, name: &str, message: impl Display) {
        self.problems.push(format!("`{name}`: {message}"));
    }

    /// Ends reading: every problem recorded, or nothing.
    pub fn finish(self) -> Result<(), ConfigError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError {
                problems: self.problems,
            })
        }
    }

    fn raw(&mut self, name: &str) -> Option<&str> {
        let Some(value) = self.vars.get(name)? else {
            self.problems.push(format!("`{name}`: is not valid UTF-8"));
            return None;
        };
        Some(value.as_str()).filter(|v| !v.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_to_unset_and_empty_variables() {
        let mut env = Env::from_pairs([("EMPTY", " ")]);
        assert_eq!(env.string("EMPTY", "d"), "d");
        assert_eq!(env.parse("UNSET", 8000_u16), 8000);
        assert_eq!(
            env.seconds("UNSET", Duration::from_secs(3)),
            Duration::from_secs(3)
        );
        assert_eq!(env.finish(), Ok(()));
    }

    #[test]
    fn values_are_parsed() {
        let mut env = Env::from_pairs([("PORT", "8080"), ("DELAY", "0.25"), ("NAME", "x")]);
        assert_eq!(env.parse("PORT", 1_u16), 8080);
        assert_eq!(
            env.seconds("DELAY", Duration::ZERO),
            Duration::from_millis(250)
        );
        assert_eq!(env.string("NAME", "d"), "x");
        assert_eq!(env.finish(), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_together() {
        let mut env = Env::from_pairs([("PORT", "eighty"), ("DELAY", "-1"), ("TIMEOUT", "soon")]);
        assert_eq!(env.parse("PORT", 1_u16), 1);
        env.seconds("DELAY", Duration::ZERO);
        env.seconds("TIMEOUT", Duration::ZERO);
        env.problem("OTHER", "is wrong");
        let err = env.finish().unwrap_err();
        assert_eq!(
            err.problems,
            [
                "`PORT`: invalid digit found in string (got `eighty`)",
                "`DELAY`: must be a number of seconds from 0 to 86400 (got `-1`)",
                "`TIMEOUT`: must be a number of seconds, like `5` or `0.5` (got `soon`)",
                "`OTHER`: is wrong",
            ]
        );
    }
}
