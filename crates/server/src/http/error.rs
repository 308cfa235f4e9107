//! The API's one error type. Every failure leaves as `{"error": {"code", "message"}}` with the
//! status that goes with its code (SPEC §10); internal details go to the log, never the client.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use csp_domain::{ApiError, ApiErrorBody, ErrorCode, FieldErrors, Permission, Refusal};

#[derive(Debug)]
pub enum AppError {
    /// A refusal the client can act on; the code is one of [`ErrorCode`].
    Api(ApiError),
    /// Something broke on our side; logged, answered with a generic 500.
    Internal(String),
}

pub type ApiResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Api(ApiError::new(code, message))
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// 403 naming the roles that would allow it (R-ROLE-5).
    pub fn forbidden(permission: Permission) -> Self {
        let mut error = ApiError::new(ErrorCode::Forbidden, permission.refusal_message());
        error.permission = Some(permission);
        AppError::Api(error)
    }

    pub fn refused(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Needs(permission) => Self::forbidden(permission),
            Refusal::WrongKind(area) => Self::new(ErrorCode::Forbidden, area.wrong_kind_message()),
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "Sign in to continue.")
    }

    /// 422 `validation_failed` with a message and a code per field.
    pub fn validation(errors: &FieldErrors) -> Self {
        AppError::Api(errors.to_api_error())
    }

    /// 429 with `Retry-After`.
    pub fn too_many(retry_after_seconds: u64, message: impl Into<String>) -> Self {
        let mut error = ApiError::new(ErrorCode::TooManyAttempts, message);
        error.retry_after_seconds = Some(retry_after_seconds.max(1));
        AppError::Api(error)
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Api(e) => e.known_code().unwrap_or(ErrorCode::Internal),
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            // Every connection busy for the whole acquire timeout: the service is overloaded,
            // not broken; the client may retry.
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => AppError::new(
                ErrorCode::ServiceUnavailable,
                "The service is busy. Please try again in a moment.",
            ),
            other => AppError::Internal(format!("database: {other}")),
        }
    }
}

/// The generic text of a 500: nothing about the cause.
pub const INTERNAL_MESSAGE: &str =
    "Something went wrong on our side. Please try again; if it keeps happening, contact support.";

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let error = match self {
            AppError::Api(error) => error,
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::new(ErrorCode::Internal, INTERNAL_MESSAGE)
            }
        };
        let status = error
            .known_code()
            .and_then(|c| StatusCode::from_u16(c.http_status()).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = error.retry_after_seconds;
        let mut response = (status, Json(ApiErrorBody { error })).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
