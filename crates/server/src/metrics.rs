//! The numbers `GET /metrics` shows (`http/ops.rs` serves them), in the Prometheus
//! (OpenMetrics) text format: requests by route and status with their latency, the database
//! pool, the workers' queues (cancellations waiting, the outbox's backlog and failures),
//! sign-in failures and throttled attempts, and the memory of held customer lists. Counters and
//! histograms are kept as things happen; the gauges are set when scraped.

use std::sync::atomic::{AtomicI64, AtomicU64};

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route's template (`/api/v1/customers/{id}`), never the path itself: a bounded set.
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

type IntGauge = Gauge<i64, AtomicI64>;

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Histogram>,
    sign_in_failures: Counter<u64, AtomicU64>,
    sign_ins_throttled: Counter<u64, AtomicU64>,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    pool_waiting: IntGauge,
    cancellations: Family<StateLabels, IntGauge>,
    deliveries: Family<StateLabels, IntGauge>,
    held_lists_bytes: IntGauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("csp");
        let requests = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
        });
        let metrics = Metrics {
            registry: Registry::default(),
            requests,
            sign_in_failures: Counter::default(),
            sign_ins_throttled: Counter::default(),
            pool_connections: Gauge::default(),
            pool_idle: Gauge::default(),
            pool_waiting: Gauge::default(),
            cancellations: Family::default(),
            deliveries: Family::default(),
            held_lists_bytes: Gauge::default(),
        };
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by route template, method and status",
            metrics.requests.clone(),
        );
        registry.register(
            "sign_in_failures",
            "Sign-ins and password checks with a wrong password or an unknown address",
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
            "db_pool_waiting",
            "Callers waiting for a database connection (all in use; on SQLite, also for the write lock)",
            metrics.pool_waiting.clone(),
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

impl Metrics {
    /// One answered request: its route's template (`unmatched` outside the routes), method,
    /// status and how long it took.
    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                method: method.to_string(),
                status,
            })
            .observe(seconds);
    }

    pub fn sign_in_failed(&self) {
        self.sign_in_failures.inc();
    }

    pub fn sign_in_throttled(&self) {
        self.sign_ins_throttled.inc();
    }

    /// The gauges read when scraped.
    pub fn set_gauges(&self, now: Gauges) {
        self.pool_connections.set(now.pool_connections);
        self.pool_idle.set(now.pool_idle);
        self.pool_waiting.set(now.pool_waiting);
        self.held_lists_bytes.set(now.held_lists_bytes);
        for (family, counts) in [
            (&self.cancellations, now.cancellations),
            (&self.deliveries, now.deliveries),
        ] {
            family.clear();
            for (state, count) in counts {
                family.get_or_create(&StateLabels { state }).set(count);
            }
        }
    }

    /// Everything, in the OpenMetrics text format.
    pub fn text(&self) -> Result<String, std::fmt::Error> {
        let mut body = String::new();
        encode(&mut body, &self.registry)?;
        Ok(body)
    }
}

/// The values of the gauges at a scrape.
pub struct Gauges {
    pub pool_connections: i64,
    pub pool_idle: i64,
    pub pool_waiting: i64,
    pub held_lists_bytes: i64,
    /// (state, count) of cancellations and of deliveries.
    pub cancellations: Vec<(String, i64)>,
    pub deliveries: Vec<(String, i64)>,
}
