//! What operators and load balancers ask the server: `GET /healthz` (the process answers),
//! `GET /readyz` (the database answers and has every migration of this build), `GET /metrics`
//! (`crate::metrics`, for this machine or with `METRICS_TOKEN`), and the `X-Request-Id` every
//! response carries — the id of the request's log lines.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use tracing::Instrument;

use crate::metrics::Gauges;
use crate::state::AppState;
use crate::store::{migrate, queues};
use sha2::{Digest, Sha256};

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
        Ok(Ok(applied)) => {
            tracing::warn!(applied, latest = migrate::latest(), "migrations behind");
            (false, json!("migrations behind"))
        }
        Ok(Err(e)) => {
            // The cause goes to the log, never to an unauthenticated caller.
            tracing::warn!(error = %e, "readiness: database");
            (false, json!("database unavailable"))
        }
        Err(_) => (false, json!("database unavailable")),
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
/// The request's id, as `X-Request-Id` answers it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

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
    // The audit trail names the request of each action.
    let mut request = request;
    request.extensions_mut().insert(RequestId(id.clone()));
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert(&REQUEST_ID, value);
    }
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// Times every request and counts it under its route's template.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    // The standard methods by name; any made-up one is counted as `other` (a bounded set).
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    }
    .to_string();
    let response = next.run(request).await;
    state.metrics.observe_request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Whether the caller may read the metrics: a scraper on this machine (a loopback connection
/// that no proxy forwarded: a proxy on this machine would make every client look local), or
/// anyone with `Authorization: Bearer $METRICS_TOKEN`.
fn may_read_metrics(state: &AppState, peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
    let forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    if !forwarded && peer.is_some_and(|ip| ip.to_canonical().is_loopback()) {
        return true;
    }
    let Some(token) = state.settings.metrics_token.as_deref() else {
        return false;
    };
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as hashes: equal length, so the time taken says nothing of the token.
    Sha256::digest(given.as_bytes()) == Sha256::digest(token.as_bytes())
}

/// `GET /metrics`: 403 for others than this machine and holders of the token.
pub async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if !may_read_metrics(&state, peer, request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "metrics: from this machine or with the token\n",
        )
            .into_response();
    }
    let pool = state.db.pool();
    // Before this scrape's own wait for a connection.
    let pool_waiting = state.db.waiting();
    let (cancellations, deliveries) = match state.db.conn().await {
        Ok(mut conn) => queues::by_state(&mut conn).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "metrics: the queues could not be read");
            Default::default()
        }),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: no database connection");
            Default::default()
        }
    };
    state.metrics.set_gauges(Gauges {
        pool_connections: i64::from(pool.size()),
        pool_idle: pool.num_idle() as i64,
        pool_waiting,
        held_lists_bytes: state.customer_lists.held_bytes() as i64,
        cancellations,
        deliveries,
    });
    let Ok(body) = state.metrics.text() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut response = body.into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}
