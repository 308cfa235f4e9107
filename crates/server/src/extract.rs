//! Axum's JSON and query extractors answer bad input in plain text; these wrappers turn every
//! rejection into the API's JSON error with a stable code.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use csp_domain::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// `Json<T>` with JSON errors: 400 `invalid_json`, 413 `payload_too_large`,
/// 415 `unsupported_media_type`, 422 `validation_failed`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    let detail = rejection.body_text();
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::new(ErrorCode::PayloadTooLarge, "The request body is too large.")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the request body as JSON with Content-Type: application/json.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => AppError::new(
            ErrorCode::ValidationFailed,
            format!("The request body does not have the expected fields: {detail}"),
        ),
        _ => AppError::new(ErrorCode::InvalidJson, format!("The request body is not valid JSON: {detail}")),
    }
}

/// `Query<T>` with a JSON 400 `bad_request`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection: QueryRejection| {
                AppError::new(
                    ErrorCode::BadRequest,
                    format!("The query string is not valid: {}", rejection.body_text()),
                )
            })
    }
}
