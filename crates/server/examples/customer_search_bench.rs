//! Measures over HTTP, on SQLite and (when a PostgreSQL server is given) on PostgreSQL side by
//! side: the customer list and search against a large seeded data set with 8 connections at
//! once for a few seconds each (req/s, p50, p99; the session lookup is the floor), and placing
//! orders one after another from one client (orders/s, p50/p95).
//! `make bench` runs it; `CUSTOMERS=N` changes the size (default 100000). Not a test: it asserts
//! nothing, it measures.
//!
//! PostgreSQL: `BENCH_PG_URL` (a database to use as is) or `CSP_TEST_PG_URL` (a server on which
//! a fresh database is created, as `scripts/with-postgres.sh` provides).

mod common;

use common::{mask, ms};

use std::time::{Duration, Instant};

use csp_server::startup::Application;
use csp_server::Config;
use sqlx::{Connection, Executor};

/// Connections at once, and how long each request is repeated on them.
const CONNECTIONS: usize = 8;
const DURATION: Duration = Duration::from_secs(3);

#[tokio::main]
async fn main() {
    let customers: u32 = std::env::var("CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let mut backends = vec![(
        "SQLite",
        format!("sqlite://{}/bench.db", dir.path().display()),
    )];
    if let Some(url) = common::postgres_url("csp_bench").await {
        backends.push(("PostgreSQL", url));
    }
    let mut columns = Vec::new();
    let mut orders = Vec::new();
    for (name, url) in &backends {
        let (base, client, lists) = start(url, customers, dir.path()).await;
        columns.push((name, measure(&base, &client).await));
        // The rows above are of held lists only if none of their requests fell back to SQL.
        let answered = lists.answered();
        eprintln!(
            "{name}: list requests answered from the held list {}, from SQL {}",
            answered.from_held_lists, answered.from_sql
        );
        orders.push((name, measure_orders(&base, &client).await));
    }

    println!("{customers} customers, {CONNECTIONS} connections, {DURATION:?} per request");
    print!("{:<40}", "GET");
    for (name, _) in &columns {
        print!(" {:>32}", format!("{name}: req/s  p50  p99"));
    }
    println!();
    for (i, label) in QUERIES.iter().map(|(label, _)| label).enumerate() {
        print!("{label:<40}");
        for (_, rows) in &columns {
            let (rate, p50, p99) = rows[i];
            print!(" {:>32}", format!("{rate:.0}  {}  {}", ms(p50), ms(p99)));
        }
        println!();
    }
    println!();
    println!("{ORDERS} orders placed one after another by one client (POST /api/v1/customers/{{id}}/orders)");
    for (name, (rate, p50, p95)) in &orders {
        println!(
            "{name:<12} {rate:>8.0} orders/s   p50 {}   p95 {}",
            ms(*p50),
            ms(*p95)
        );
    }
}

const ORDERS: usize = 300;

/// What is measured: a label and a path.
const QUERIES: [(&str, &str); 11] = [
    ("session (the floor)", "/api/v1/session"),
    ("a static file", "/favicon.svg"),
    ("customers, first page", "/api/v1/customers"),
    ("customers, page 2000", "/api/v1/customers?page=2000"),
    (
        "search: domain fragment (1 hit)",
        "/api/v1/customers?q=bulk04999",
    ),
    ("search: tenant ID fragment", "/api/v1/customers?q=0b2c-4"),
    ("search: name, few hits", "/api/v1/customers?q=contoso"),
    ("search: name, 23 438 hits", "/api/v1/customers?q=falcon"),
    (
        "search: in every name (1 000+)",
        "/api/v1/customers?q=holdings",
    ),
    ("search: 2 characters", "/api/v1/customers?q=ze"),
    ("search: no match", "/api/v1/customers?q=zzqx"),
];

/// A server on `url` with the demo data and `customers` more, and a client signed in to it as
/// Northwind's Admin agent.
async fn start(
    url: &str,
    customers: u32,
    dir: &std::path::Path,
) -> (
    String,
    reqwest::Client,
    std::sync::Arc<csp_server::customer_lists::CustomerLists>,
) {
    // A 212-byte file in place of the app's favicon, to measure static files.
    std::fs::write(
        dir.join("favicon.svg"),
        format!("<svg>{}</svg>", " ".repeat(201)),
    )
    .unwrap();
    let mut config = Config::for_tests(url, dir.to_path_buf());
    config.seed_demo = true;
    config.demo_password = "bench".into();
    let started = Instant::now();
    config.seed_customers = customers;
    let app = Application::build(config).await.unwrap();
    eprintln!(
        "{}: seeded {customers} customers in {:.1?}",
        mask(url),
        started.elapsed()
    );
    if url.starts_with("postgres") {
        // What autovacuum does within a minute of a bulk load: the visibility map (index-only
        // scans) and the planner's statistics. Measuring before it would measure the load.
        let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
        conn.execute("VACUUM ANALYZE customers").await.unwrap();
    }
    // The partner's list, held in memory as the first request would have it built.
    let db = app.state().db.clone();
    let partner: String =
        sqlx::query_scalar("SELECT id FROM partners ORDER BY customer_count DESC LIMIT 1")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let started = Instant::now();
    let lists = app.state().customer_lists.clone();
    lists.refresh(&db, &partner.parse().unwrap()).await.unwrap();
    eprintln!(
        "{}: held the customer list in {:.1?} ({:.1} MB)",
        mask(url),
        started.elapsed(),
        lists.held_bytes() as f64 / 1e6
    );
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));

    let client = common::signed_in(&base).await;
    (base, client, lists)
}

/// Requests per second, p50 and p99 of each of [`QUERIES`], asked on [`CONNECTIONS`]
/// connections at once for [`DURATION`].
async fn measure(base: &str, client: &reqwest::Client) -> Vec<(f64, Duration, Duration)> {
    let paths: Vec<&str> = QUERIES.iter().map(|(_, path)| *path).collect();
    common::measure(base, client, &paths, CONNECTIONS, DURATION).await
}

/// Orders per second, p50 and p95 of [`ORDERS`] orders of one offer for Contoso, each with its
/// own idempotency key.
async fn measure_orders(base: &str, client: &reqwest::Client) -> (f64, Duration, Duration) {
    let get = |path: String| async move {
        client
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    let found = get("/api/v1/customers?q=contoso.onmicrosoft.com".into()).await;
    let customer = found["items"][0]["id"].as_str().unwrap().to_string();
    let offers = get(format!("/api/v1/customers/{customer}/offers")).await;
    let offer = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["available"] == true)
        .unwrap()
        .clone();
    let body = serde_json::json!({"line_items": [{"offer_id": offer["id"], "quantity": offer["min_quantity"]}]});
    let url = format!("{base}/api/v1/customers/{customer}/orders");
    let mut times = Vec::with_capacity(ORDERS);
    let all = Instant::now();
    for _ in 0..ORDERS {
        let t = Instant::now();
        let res = client
            .post(&url)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "order refused");
        res.bytes().await.unwrap();
        times.push(t.elapsed());
    }
    let rate = ORDERS as f64 / all.elapsed().as_secs_f64();
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    (rate, pct(50), pct(95))
}
