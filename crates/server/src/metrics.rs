//! `GET /metrics`: what an operator graphs and alerts on, in the Prometheus (OpenMetrics)
//! text format — requests by route and status with their latency, the database pool, the
//! workers' queues (cancellations waiting, the outbox's backlog and failures), sign-in
//! failures and throttled attempts, and the memory of held customer lists. Counters and
//! histograms are kept as requests happen; the rest is read when scraped.

use std::sync::atomic::{AtomicI64, AtomicU64};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use sha2::{Digest, Sha256};

use crate::http::extract::ClientIp;
use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route's template (`/api/v1/customers/{id}`), never the path itself: a bounded set.
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabels {
    pub state: String,
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Histogram>,
    pub sign_in_failures: Counter<u64, AtomicU64>,
    pub sign_ins_throttled: Counter<u64, AtomicU64>,
    pool_connections: Gauge<i64, AtomicI64>,
    pool_idle: Gauge<i64, AtomicI64>,
    cancellations: Family<StateLabels, Gauge<i64, AtomicI64>>,
    deliveries: Family<StateLabels, Gauge<i64, AtomicI64>>,
    held_lists_bytes: Gauge<i64, AtomicI64>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("csp");
        let requests = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by route template, method and status",
            requests.clone(),
        );
        let metrics = Metrics {
            requests,
            sign_in_failures: Counter::default(),
            sign_ins_throttled: Counter::default(),
            pool_connections: Gauge::default(),
            pool_idle: Gauge::default(),
            cancellations: Family::default(),
            deliveries: Family::default(),
            held_lists_bytes: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "sign_in_failures",
            "Sign-ins with a wrong password or an unknown address",
            metrics.sign_in_failures.clone(),
        );
        registry.register(
            "sign_ins_throttled",
            "Sign-ins and password checks refused by the limits before the password was checked",
            metrics.sign_ins_throttled.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Open database connections (in use and idle)",
            metrics.pool_connections.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Open database connections not in use",
            metrics.pool_idle.clone(),
        );
        registry.register(
            "cancellations",
            "Cancellations by state: pending ones wait for the worker",
            metrics.cancellations.clone(),
        );
        registry.register(
            "outbox_deliveries",
            "Mail and webhook deliveries by state: pending is the backlog, failed gave up",
            metrics.deliveries.clone(),
        );
        registry.register(
            "held_customer_lists_bytes",
            "Memory taken by customer lists held in memory",
            metrics.held_lists_bytes.clone(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }
}

/// Times every request and counts it under its route's template.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let method = request.method().as_str().to_string();
    let response = next.run(request).await;
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: response.status().as_u16(),
        })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// Whether the caller may read the metrics: from this machine (the client's address, which
/// behind a trusted proxy is the one it forwards), or with `Authorization: Bearer
/// $METRICS_TOKEN`.
fn allowed(state: &AppState, ip: &str, headers: &HeaderMap) -> bool {
    let loopback = ip
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback());
    if loopback {
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

/// `GET /metrics`.
pub async fn scrape(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Response {
    if !allowed(&state, &ip, &headers) {
        return (
            StatusCode::FORBIDDEN,
            "metrics: from this machine or with the token\n",
        )
            .into_response();
    }
    let m = &state.metrics;
    let pool = state.db.pool();
    m.pool_connections.set(i64::from(pool.size()));
    m.pool_idle.set(pool.num_idle() as i64);
    m.held_lists_bytes
        .set(state.customer_lists.held_bytes() as i64);
    if let Err(e) = queues(&state).await {
        tracing::warn!(error = %e, "metrics: the queues could not be read");
    }
    let mut body = String::new();
    if encode(&mut body, &m.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut response = body.into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// The workers' queues, read from the database.
async fn queues(state: &AppState) -> Result<(), sqlx::Error> {
    let mut conn = state.db.conn().await?;
    let m = &state.metrics;
    for (family, sql) in [
        (
            &m.cancellations,
            "SELECT state, COUNT(*) FROM cancellations GROUP BY state",
        ),
        (
            &m.deliveries,
            "SELECT state, COUNT(*) FROM deliveries GROUP BY state",
        ),
    ] {
        let rows: Vec<(String, i64)> = sqlx::query_as(sql).fetch_all(&mut *conn).await?;
        family.clear();
        for (state, count) in rows {
            family.get_or_create(&StateLabels { state }).set(count);
        }
    }
    Ok(())
}
