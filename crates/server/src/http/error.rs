//! The API's one error type. Every failure leaves as `{"error": {"code", "message"}}` with the
//! status that goes with its code (SPEC §10); internal details go to the log, never the client.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use csp_domain::{ApiError, ApiErrorBody, ErrorCode, FieldErrors, Permission, Refusal};

/// A failure of a request.
#[derive(Debug)]
pub enum AppError {
    /// A refusal the client can act on: its code (and so its status), a message for people and,
    /// for some codes, the details that go with them on the wire.
    Refused(Refused),
    /// Something broke on our side: logged with its chain of causes, answered with a generic
    /// 500 that says nothing about them.
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// A refusal as the server holds it, before it is written as the wire's [`ApiError`].
#[derive(Debug)]
pub struct Refused {
    pub code: ErrorCode,
    pub message: String,
    /// With `validation_failed`: the problem of each field.
    pub fields: Option<FieldErrors>,
    /// With `forbidden`: what the caller may not do.
    pub permission: Option<Permission>,
    /// With `too_many_attempts`, `too_many_uploads` or `unavailable`: seconds to wait
    /// (`Retry-After`).
    pub retry_after_seconds: Option<u64>,
}

pub type ApiResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Refused(Refused {
            code,
            message: message.into(),
            fields: None,
            permission: None,
            retry_after_seconds: None,
        })
    }

    /// An internal failure, with what was being done when it happened as its context.
    pub fn internal(
        context: &'static str,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        AppError::Internal(Box::new(Context {
            context,
            cause: cause.into(),
        }))
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// 403 naming the roles that would allow it (R-ROLE-5).
    pub fn forbidden(permission: Permission) -> Self {
        let mut error = Self::new(ErrorCode::Forbidden, permission.refusal_message());
        if let AppError::Refused(refused) = &mut error {
            refused.permission = Some(permission);
        }
        error
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
        let wire = errors.to_api_error();
        let mut error = Self::new(ErrorCode::ValidationFailed, wire.message);
        if let AppError::Refused(refused) = &mut error {
            refused.fields = Some(errors.clone());
        }
        error
    }

    /// 429 with `Retry-After`.
    pub fn too_many(retry_after_seconds: u64, message: impl Into<String>) -> Self {
        let mut error = Self::new(ErrorCode::TooManyAttempts, message);
        if let AppError::Refused(refused) = &mut error {
            refused.retry_after_seconds = Some(retry_after_seconds.max(1));
        }
        error
    }

    /// 429 `too_many_uploads` with `Retry-After`.
    pub fn too_many_uploads(retry_after_seconds: u64, message: impl Into<String>) -> Self {
        let mut error = Self::new(ErrorCode::TooManyUploads, message);
        if let AppError::Refused(refused) = &mut error {
            refused.retry_after_seconds = Some(retry_after_seconds.max(1));
        }
        error
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Refused(refused) => refused.code,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }
}

/// An internal failure's cause, with what was being done.
#[derive(Debug)]
struct Context {
    context: &'static str,
    cause: Box<dyn std::error::Error + Send + Sync>,
}

impl std::fmt::Display for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.context)
    }
}

impl std::error::Error for Context {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.cause.as_ref())
    }
}

/// Seconds a client is asked to wait while the database is unavailable.
const UNAVAILABLE_RETRY_SECONDS: u64 = 5;

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if crate::store::is_unavailable(&e) {
            // Overloaded, restarting or unreachable: not broken, and not this request's fault.
            // The client may retry; the pool reconnects by itself when the database is back.
            tracing::warn!(error = %e, "database unavailable");
            let mut error = AppError::new(
                ErrorCode::Unavailable,
                "The service is unavailable for a moment. Please try again shortly.",
            );
            if let AppError::Refused(refused) = &mut error {
                refused.retry_after_seconds = Some(UNAVAILABLE_RETRY_SECONDS);
            }
            return error;
        }
        AppError::internal("database", e)
    }
}

impl From<crate::cases::uploads::UploadRefusal> for AppError {
    fn from(refusal: crate::cases::uploads::UploadRefusal) -> Self {
        use crate::cases::uploads::UploadRefusal;
        let mb = |bytes: u64| bytes.div_ceil(1024 * 1024);
        match refusal {
            UploadRefusal::Busy { mine: true } => AppError::too_many_uploads(
                5,
                "You are sending two uploads already. Wait for one to finish, then try again.",
            ),
            UploadRefusal::Busy { mine: false } => AppError::too_many_uploads(
                5,
                "The service is receiving many uploads just now. Please try again in a moment.",
            ),
            UploadRefusal::TooOften {
                retry_after_seconds,
            } => AppError::too_many_uploads(
                retry_after_seconds,
                format!(
                    "You have sent as many uploads as an hour allows. Try again in {} minutes.",
                    retry_after_seconds.div_ceil(60).max(1)
                ),
            ),
            UploadRefusal::OverQuota { used, quota } => AppError::new(
                ErrorCode::QuotaExceeded,
                format!(
                    "Your organization keeps {} files ({} MB) of at most {} files ({} MB): these \
                     files do not fit. Contact support to raise the limit.",
                    used.files,
                    mb(used.bytes),
                    quota.files,
                    mb(quota.bytes)
                ),
            ),
            UploadRefusal::Database(e) => e.into(),
            UploadRefusal::Io(e) => AppError::internal("storing an upload", e),
        }
    }
}

/// An error and each of its causes, `: `-separated, for the log.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

/// The generic text of a 500: nothing about the cause.
pub const INTERNAL_MESSAGE: &str =
    "Something went wrong on our side. Please try again; if it keeps happening, contact support.";

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let refused = match self {
            AppError::Refused(refused) => refused,
            AppError::Internal(cause) => {
                tracing::error!(error = %chain(cause.as_ref()), "internal error");
                Refused {
                    code: ErrorCode::Internal,
                    message: INTERNAL_MESSAGE.into(),
                    fields: None,
                    permission: None,
                    retry_after_seconds: None,
                }
            }
        };
        let status = StatusCode::from_u16(refused.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut error = match &refused.fields {
            Some(fields) => fields.to_api_error(),
            None => ApiError::new(refused.code, refused.message),
        };
        error.permission = refused.permission;
        error.retry_after_seconds = refused.retry_after_seconds;
        let mut response = (status, Json(ApiErrorBody { error })).into_response();
        if let Some(seconds) = refused.retry_after_seconds {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_logs_its_causes_and_tells_the_client_nothing() {
        let io = std::io::Error::other("disk full");
        let error = AppError::internal("writing the attachment", io);
        let AppError::Internal(cause) = &error else {
            panic!("internal")
        };
        assert_eq!(chain(cause.as_ref()), "writing the attachment: disk full");
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
