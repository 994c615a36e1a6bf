//! The API the two backends serve and the gateway documents: health, status, pod information
//! from the Kubernetes downward API, the data catalogue, and the text-processing operation with
//! its validation. Kept in one place so the gateway's OpenAPI document describes exactly what the
//! backends return.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use unicode_segmentation::UnicodeSegmentation;
use utoipa::ToSchema;

use crate::Env;
use crate::error::{ApiError, FieldError};

/// The longest `data` a process request may carry, in characters.
pub const MAX_DATA_CHARS: usize = 10_000;

/// `GET /health`: the process is alive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    #[schema(example = "ok")]
    pub status: String,
    /// The app answering.
    #[schema(example = "backend-service")]
    pub service: String,
    /// Its version.
    #[schema(example = "0.1.0")]
    pub version: String,
}

/// `GET /ready`: whether the app takes traffic (`ready`), or is shutting down
/// (`shutting_down`, with status 503).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Ready {
    /// `ready` or `shutting_down`.
    #[schema(example = "ready")]
    pub status: String,
}

/// Where an app runs, from the Kubernetes downward API (`POD_NAME`, `POD_NAMESPACE`,
/// `NODE_NAME`, `POD_IP`); a field is null when its variable is not set, as outside a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PodInfo {
    /// The app.
    #[schema(example = "backend-service")]
    pub service: String,
    /// Its version.
    #[schema(example = "0.1.0")]
    pub version: String,
    /// The pod's name.
    #[schema(example = "backend-service-7d9c8b6f5-x2k4q")]
    pub pod: Option<String>,
    /// The pod's namespace.
    #[schema(example = "apps")]
    pub namespace: Option<String>,
    /// The node the pod runs on.
    #[schema(example = "ip-10-0-12-34.us-west-2.compute.internal")]
    pub node: Option<String>,
    /// The pod's IP address.
    #[schema(example = "10.0.12.77")]
    pub pod_ip: Option<String>,
}

impl PodInfo {
    /// Reads the downward-API variables.
    pub fn from_env(env: &mut Env, service: &str, version: &str) -> Self {
        Self {
            service: service.to_owned(),
            version: version.to_owned(),
            pod: env.optional("POD_NAME"),
            namespace: env.optional("POD_NAMESPACE"),
            node: env.optional("NODE_NAME"),
            pod_ip: env.optional("POD_IP"),
        }
    }
}

/// `GET /api/status` of the backend app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Status {
    /// The app.
    #[schema(example = "backend-app")]
    pub service: String,
    /// Always `ok` when the app answers.
    #[schema(example = "ok")]
    pub status: String,
    /// Its version.
    #[schema(example = "0.1.0")]
    pub version: String,
    /// Seconds since the process started.
    #[schema(example = 3600)]
    pub uptime_seconds: u64,
    /// The pod answering, when known.
    pub pod: Option<String>,
}

/// One entry of the data catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Item {
    /// Stable id.
    #[schema(example = 1)]
    pub id: u32,
    /// Name.
    #[schema(example = "orders")]
    pub name: String,
    /// Category.
    #[schema(example = "sales")]
    pub category: String,
    /// A measured value.
    #[schema(example = 1250.5)]
    pub value: f64,
}

/// `GET …/data`: the catalogue, and which app (and pod) served it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DataResponse {
    /// The app that served the data.
    #[schema(example = "backend-app")]
    pub source: String,
    /// Number of items.
    #[schema(example = 3)]
    pub count: usize,
    /// The items.
    pub items: Vec<Item>,
    /// The pod that served them (backend-service only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<PodInfo>,
}

/// A text operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// `Hello World` → `HELLO WORLD`.
    Uppercase,
    /// `Hello World` → `hello world`.
    Lowercase,
    /// `Hello World` → `dlroW olleH` (by grapheme cluster, so accents and emoji stay whole).
    Reverse,
    /// `hello wORLD` → `Hello World`.
    Titlecase,
}

impl Operation {
    /// Every operation, in the order error messages list them.
    pub const ALL: [Operation; 4] = [
        Operation::Uppercase,
        Operation::Lowercase,
        Operation::Reverse,
        Operation::Titlecase,
    ];

    /// The operation's name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Uppercase => "uppercase",
            Operation::Lowercase => "lowercase",
            Operation::Reverse => "reverse",
            Operation::Titlecase => "titlecase",
        }
    }

    /// The operation with this JSON name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

    /// Applies the operation.
    pub fn apply(self, text: &str) -> String {
        match self {
            Operation::Uppercase => text.to_uppercase(),
            Operation::Lowercase => text.to_lowercase(),
            Operation::Reverse => text.graphemes(true).rev().collect(),
            Operation::Titlecase => text
                .split_word_bounds()
                .map(|word| {
                    let mut chars = word.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first
                            .to_uppercase()
                            .chain(chars.flat_map(char::to_lowercase))
                            .collect()
                    })
                })
                .collect(),
        }
    }
}

/// `POST …/process`: text and what to do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessRequest {
    /// The text, 1 to 10 000 characters.
    #[schema(example = "test data", min_length = 1, max_length = 10000)]
    pub data: String,
    /// What to do with it.
    pub operation: Operation,
}

impl ProcessRequest {
    /// Checks a JSON object field by field and reports every problem at once: `data` must be a
    /// non-empty string of at most [`MAX_DATA_CHARS`] characters, `operation` one of
    /// [`Operation::ALL`], and no other field may be present (a misspelt field is an error, not
    /// silently ignored).
    pub fn from_json(mut body: Map<String, Value>) -> Result<Self, ApiError> {
        let mut problems = Vec::new();
        let data = match body.remove("data") {
            None | Some(Value::Null) => {
                problems.push(FieldError::new("data", "is required"));
                None
            }
            Some(Value::String(s)) if s.is_empty() => {
                problems.push(FieldError::new("data", "must not be empty"));
                None
            }
            Some(Value::String(s)) if s.chars().count() > MAX_DATA_CHARS => {
                problems.push(FieldError::new(
                    "data",
                    format!("must be at most {MAX_DATA_CHARS} characters"),
                ));
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                problems.push(FieldError::new(
                    "data",
                    format!("must be a string (got {})", kind(&other)),
                ));
                None
            }
        };
        let expected = Operation::ALL.map(Operation::name).join(", ");
        let operation = match body.remove("operation") {
            None | Some(Value::Null) => {
                problems.push(FieldError::new(
                    "operation",
                    format!("is required; one of {expected}"),
                ));
                None
            }
            Some(Value::String(name)) => Operation::from_name(&name).or_else(|| {
                problems.push(FieldError::new(
                    "operation",
                    format!("unknown operation `{name}`; expected one of {expected}"),
                ));
                None
            }),
            Some(other) => {
                problems.push(FieldError::new(
                    "operation",
                    format!("must be a string, one of {expected} (got {})", kind(&other)),
                ));
                None
            }
        };
        for field in body.keys() {
            problems.push(FieldError::new(
                field,
                "unknown field; expected `data` and `operation`",
            ));
        }
        match (data, operation) {
            (Some(data), Some(operation)) if problems.is_empty() => Ok(Self { data, operation }),
            _ => Err(ApiError::validation(problems)),
        }
    }
}

/// `POST …/process` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProcessResponse {
    /// The operation applied.
    pub operation: Operation,
    /// The text received.
    #[schema(example = "test data")]
    pub input: String,
    /// The text after the operation.
    #[schema(example = "TEST DATA")]
    pub result: String,
    /// The app that did the work.
    #[schema(example = "backend-app")]
    pub processed_by: String,
    /// The pod that did the work, when known.
    pub pod: Option<String>,
}

impl ProcessResponse {
    /// Validates a process request body ([`ProcessRequest::from_json`]) and applies its
    /// operation on behalf of `processed_by`.
    pub fn handle(
        body: Map<String, Value>,
        processed_by: &str,
        pod: Option<String>,
    ) -> Result<Self, ApiError> {
        let request = ProcessRequest::from_json(body)?;
        Ok(Self {
            result: request.operation.apply(&request.data),
            operation: request.operation,
            input: request.data,
            processed_by: processed_by.to_owned(),
            pod,
        })
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use serde_json::json;

    use super::*;

    fn parse(body: &Value) -> Result<ProcessRequest, ApiError> {
        ProcessRequest::from_json(body.as_object().unwrap().clone())
    }

    #[test]
    fn operations() {
        let text = "héllo wORLD 👋🏽";
        assert_eq!(Operation::Uppercase.apply(text), "HÉLLO WORLD 👋🏽");
        assert_eq!(Operation::Lowercase.apply(text), "héllo world 👋🏽");
        assert_eq!(Operation::Titlecase.apply(text), "Héllo World 👋🏽");
        // The decomposed é (e + U+0301) and the skin-toned emoji stay whole.
        assert_eq!(
            Operation::Reverse.apply("he\u{301}llo 👋🏽"),
            "👋🏽 olle\u{301}h"
        );
        assert_eq!(Operation::Uppercase.apply("straße"), "STRASSE");
    }

    #[test]
    fn names_round_trip() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(op));
            assert_eq!(serde_json::to_value(op).unwrap(), json!(op.name()));
        }
        assert_eq!(Operation::from_name("Uppercase"), None);
    }

    #[test]
    fn a_valid_request_parses() {
        let request = parse(&json!({"data": "test data", "operation": "reverse"})).unwrap();
        assert_eq!(
            request,
            ProcessRequest {
                data: "test data".into(),
                operation: Operation::Reverse
            }
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let err = parse(&json!({"data": 5, "operation": "shout", "extra": true})).unwrap_err();
        assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(err.body.error, "validation_failed");
        let fields: Vec<_> = err.body.details.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["data", "operation", "extra"]);
        assert_eq!(
            err.body.details[0].message,
            "must be a string (got a number)"
        );
        assert_eq!(
            err.body.details[1].message,
            "unknown operation `shout`; expected one of uppercase, lowercase, reverse, titlecase"
        );
    }

    #[test]
    fn missing_empty_and_oversized_data() {
        let missing = parse(&json!({"operation": "uppercase"})).unwrap_err();
        assert_eq!(
            missing.body.details,
            [FieldError::new("data", "is required")]
        );
        let empty = parse(&json!({"data": "", "operation": "uppercase"})).unwrap_err();
        assert_eq!(
            empty.body.details,
            [FieldError::new("data", "must not be empty")]
        );
        let long = "x".repeat(MAX_DATA_CHARS + 1);
        let oversized = parse(&json!({"data": long, "operation": "uppercase"})).unwrap_err();
        assert_eq!(oversized.body.details[0].field, "data");
        let at_limit = "é".repeat(MAX_DATA_CHARS);
        assert!(parse(&json!({"data": at_limit, "operation": "uppercase"})).is_ok());
        let no_op = parse(&json!({"data": "x"})).unwrap_err();
        assert_eq!(no_op.body.details[0].field, "operation");
    }
}
