//! What operators and load balancers ask the server: `GET /healthz` (the process answers),
//! `GET /readyz` (the database answers and has every migration of this build), and the
//! `X-Request-Id` every response carries — the id of the request's log lines.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use tracing::Instrument;

use crate::state::AppState;
use crate::store::migrate;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How long readiness waits for the database before it says "not ready".
const READY_WAIT: Duration = Duration::from_secs(2);

/// 200 while the process serves requests.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// 200 when the database answers and has every migration this build knows; 503 otherwise (a
/// load balancer then sends requests elsewhere until it is back).
pub async fn readyz(State(state): State<AppState>) -> Response {
    let check = async {
        let mut conn = state.db.conn().await?;
        migrate::applied(&mut conn).await
    };
    let (ready, detail) = match tokio::time::timeout(READY_WAIT, check).await {
        Ok(Ok(applied)) if applied >= migrate::latest() => (true, json!(applied)),
        Ok(Ok(applied)) => (
            false,
            json!(format!("migrations at {applied} of {}", migrate::latest())),
        ),
        Ok(Err(e)) => (false, json!(format!("database: {e}"))),
        Err(_) => (false, json!("database: no answer")),
    };
    let status = if ready {
        StatusCode::OK
    } else {
        tracing::warn!(%detail, "not ready");
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = if ready {
        json!({"status": "ready", "migrations": detail})
    } else {
        json!({"status": "not_ready", "reason": detail})
    };
    (status, Json(body)).into_response()
}

/// An id for each request, in its log lines (a span around everything else) and in the
/// `X-Request-Id` response header. Behind a trusted proxy (`TRUST_PROXY`) the proxy's id is
/// kept when it is one (1 to 64 letters, digits, `-`, `_`, `.`), so its logs and ours agree.
pub async fn request_id(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            state.settings.trust_proxy
                && (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .map(str::to_string);
    let id = given.unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    let span = tracing::info_span!("http", request_id = %id);
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}
