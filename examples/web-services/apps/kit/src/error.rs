//! Errors as JSON. Every error any app returns — validation, unknown route, upstream down, a
//! panic — has the same body, [`ErrorBody`], so a client (or the gateway) handles one shape.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A stable, machine-readable code: `validation_failed`, `malformed_json`,
    /// `unsupported_media_type`, `payload_too_large`, `not_found`, `method_not_allowed`,
    /// `upstream_unavailable`, `upstream_timeout`, `bad_gateway`, `internal`.
    #[schema(example = "validation_failed")]
    pub error: String,
    /// What went wrong, for a person.
    #[schema(example = "the request body is invalid")]
    pub message: String,
    /// For upstream errors: the upstream that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "backend-app")]
    pub upstream: Option<String>,
    /// For validation errors: one entry per bad field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldError>,
}

/// A problem with one field of a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The field, as named in the JSON body (`""` for the body itself).
    #[schema(example = "operation")]
    pub field: String,
    /// What is wrong with it.
    #[schema(
        example = "unknown operation `shout`; expected one of uppercase, lowercase, reverse, titlecase"
    )]
    pub message: String,
}

/// An error response: a status and an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: code.to_owned(),
                message: message.into(),
                upstream: None,
                details: Vec::new(),
            },
        }
    }

    /// 422: the body parsed but its fields are wrong.
    pub fn validation(details: Vec<FieldError>) -> Self {
        let mut err = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "the request body is invalid",
        );
        err.body.details = details;
        err
    }

    /// Names the upstream this error is about.
    #[must_use]
    pub fn with_upstream(mut self, upstream: &str) -> Self {
        self.body.upstream = Some(upstream.to_owned());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}
