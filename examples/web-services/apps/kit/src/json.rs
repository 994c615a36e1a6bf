//! [`Payload`], a JSON body extractor whose every rejection is an [`ApiError`] with a JSON body:
//! 415 without a JSON content type, 400 for text that is not JSON, 413 past the body limit, and
//! 422 for JSON of the wrong shape. (axum's own `Json` answers these in plain text.)

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

use crate::error::{ApiError, FieldError};

/// A JSON request body of type `T`.
#[derive(Debug, Clone)]
pub struct Payload<T>(pub T);

impl<S, T> FromRequest<S> for Payload<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejected(&rejection)),
        }
    }
}

/// The [`ApiError`] for a rejected JSON body.
pub fn rejected(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the request body must be JSON, sent with `Content-Type: application/json`",
        ),
        JsonRejection::JsonSyntaxError(err) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the request body is not valid JSON: {}", source_text(err)),
        ),
        JsonRejection::JsonDataError(err) => {
            ApiError::validation(vec![FieldError::new("", source_text(err))])
        }
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is larger than this service accepts",
        ),
        other => ApiError::new(other.status(), "bad_request", other.body_text()),
    }
}

/// The innermost cause of a rejection: serde's message with its line and column, without
/// axum's "Failed to …" prefix.
fn source_text(err: &dyn std::error::Error) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
