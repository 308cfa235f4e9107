//! The API's one error type. Every failure leaves as `{"error": {"code", "message"}}` with the
//! status that goes with its code (SPEC §10); internal details go to the log, never the client.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use csp_domain::{ApiErrorBody, ErrorCode, Permission};

#[derive(Debug)]
pub enum AppError {
    /// A refusal the client can act on.
    Client { code: ErrorCode, message: String },
    /// A refusal with an error code beyond the common ones (e.g. `invalid_date_range`).
    Custom { status: StatusCode, code: &'static str, message: String },
    /// 422 `validation_failed` with a message per field.
    Validation(BTreeMap<String, String>),
    /// Something broke on our side; logged, answered with a generic 500.
    Internal(String),
}

pub type ApiResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Client { code, message: message.into() }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn forbidden(permission: Permission) -> Self {
        Self::new(ErrorCode::Forbidden, permission.refusal_message())
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "Sign in to continue.")
    }

    pub fn custom(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        AppError::Custom { status, code, message: message.into() }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(BTreeMap::from([(field.to_string(), message.into())]))
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(format!("database: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            AppError::Client { code, message } => (
                StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
                ApiErrorBody::new(code, message),
            ),
            AppError::Custom { status, code, message } => {
                let mut body = ApiErrorBody::new(ErrorCode::BadRequest, message);
                body.error.code = code.into();
                (status, body)
            }
            AppError::Validation(fields) => {
                let summary = fields.values().cloned().collect::<Vec<_>>().join(" ");
                let mut body = ApiErrorBody::new(ErrorCode::ValidationFailed, summary);
                body.error.fields = Some(fields);
                (StatusCode::UNPROCESSABLE_ENTITY, body)
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiErrorBody::new(
                        ErrorCode::Internal,
                        "Something went wrong on our side. Please try again; if it keeps \
                         happening, contact support.",
                    ),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
