//! Axum's extractors answer bad input in plain text; these wrappers turn every rejection into
//! the API's JSON error with a stable code, so no input reaches a client as a non-JSON error.

use std::net::{IpAddr, SocketAddr};

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use csp_domain::ErrorCode;
use serde::de::DeserializeOwned;

use crate::app::AppState;
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
            format!(
                "The request body does not have the expected fields: {}",
                clip(&detail)
            ),
        ),
        _ => AppError::new(
            ErrorCode::InvalidJson,
            format!("The request body is not valid JSON: {}", clip(&detail)),
        ),
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
                AppError::bad_request(format!(
                    "The query string is not valid: {}",
                    clip(&rejection.body_text())
                ))
            })
    }
}

/// `Path<T>` with a JSON 404 `not_found`: a path whose parameters do not parse (an id that is
/// not a GUID, a month that is not `YYYY-MM`) names nothing that exists.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|rejection: PathRejection| match rejection {
                PathRejection::FailedToDeserializePathParams(_) => AppError::not_found(
                    "There is nothing at this address: a part of the path is not valid.",
                ),
                other => AppError::Internal(format!("path extraction: {}", other.body_text())),
            })
    }
}

/// The client's IP address: the connection's peer, or with `TRUST_PROXY=1` the last address
/// of `X-Forwarded-For` (the one the load balancer appended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.settings.trust_proxy {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|s| s.trim().parse::<IpAddr>().ok())
                .last();
            if let Some(ip) = forwarded {
                return Ok(ClientIp(ip.to_string()));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientIp(
            peer.map(|ip| ip.to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// Rejection details quote the input; keep them short.
fn clip(text: &str) -> String {
    const MAX: usize = 300;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}
