//! Measures over HTTP, on SQLite and (when a PostgreSQL server is given) on PostgreSQL side by
//! side: customer-list latency against a large seeded data set, and placing orders one after
//! another from one client (orders/s, p50/p95).
//! `make bench` runs it; `CUSTOMERS=N` changes the size (default 100000). Not a test: it asserts
//! nothing, it measures.
//!
//! PostgreSQL: `BENCH_PG_URL` (a database to use as is) or `CSP_TEST_PG_URL` (a server on which
//! a fresh database is created, as `scripts/with-postgres.sh` provides).

use std::time::{Duration, Instant};

use csp_server::startup::Application;
use csp_server::Config;
use sqlx::{Connection, Executor};

const RUNS: usize = 40;

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
    if let Some(url) = postgres_url().await {
        backends.push(("PostgreSQL", url));
    }
    let mut columns = Vec::new();
    let mut orders = Vec::new();
    for (name, url) in &backends {
        let (base, client) = start(url, customers, dir.path()).await;
        columns.push((name, measure(&base, &client).await));
        orders.push((name, measure_orders(&base, &client).await));
    }

    print!(
        "{:<44}",
        format!("GET /api/v1/customers, {customers} customers")
    );
    for (name, _) in &columns {
        print!(" {:>22}", format!("{name} p50 / p95"));
    }
    println!();
    for (i, label) in QUERIES.iter().map(|(label, _)| label).enumerate() {
        print!("{label:<44}");
        for (_, rows) in &columns {
            let (p50, p95) = rows[i];
            print!(" {:>22}", format!("{} / {}", ms(p50), ms(p95)));
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

const QUERIES: [(&str, &str); 5] = [
    ("first page, no search", "page=1"),
    ("page 2000, no search", "page=2000"),
    ("search by domain fragment", "q=bulk04999"),
    ("search by name, many matches", "q=falcon"),
    ("search, no match", "q=zz-no-such"),
];

async fn postgres_url() -> Option<String> {
    if let Ok(url) = std::env::var("BENCH_PG_URL") {
        return Some(url);
    }
    let admin = std::env::var("CSP_TEST_PG_URL").ok()?;
    sqlx::any::install_default_drivers();
    let name = format!("csp_bench_{}", std::process::id());
    let mut conn = sqlx::AnyConnection::connect(&admin).await.ok()?;
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .ok()?;
    let mut url = url::Url::parse(&admin).ok()?;
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

/// A server on `url` with the demo data and `customers` more, and a client signed in to it as
/// Northwind's Admin agent.
async fn start(url: &str, customers: u32, dir: &std::path::Path) -> (String, reqwest::Client) {
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
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    client
        .post(format!("{base}/api/v1/sessions"))
        .json(&serde_json::json!({"email": "admin.agent@northwind.example", "password": "bench"}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    (base, client)
}

/// p50 and p95 of each query of [`QUERIES`].
async fn measure(base: &str, client: &reqwest::Client) -> Vec<(Duration, Duration)> {
    let mut results = Vec::new();
    for (_, query) in QUERIES {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let res = client
                .get(format!("{base}/api/v1/customers?{query}"))
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success(), "{query}: {}", res.status());
            res.bytes().await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
        results.push((pct(50), pct(95)));
    }
    results
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

fn mask(url: &str) -> String {
    csp_server::store::mask_password(url)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
