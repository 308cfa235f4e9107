//! Measures the orders list across customers (`GET /api/v1/orders`) over HTTP on SQLite and
//! (when a PostgreSQL server is given) on PostgreSQL side by side: one partner with 100 000
//! customers and 1 000 000 orders, the first page, a page half-way down (keyset), and
//! narrowed by status, product kind, customer and day, with 8 connections at once for a few
//! seconds each (req/s, p50, p99), beside the session lookup (the floor).
//! `make bench` runs it; `ORDERS=N` and `CUSTOMERS=N` change the sizes. Not a test: it
//! asserts nothing, it measures.

mod common;

use std::time::{Duration, Instant};

use common::{mask, ms};
use csp_domain::order_list::OrderCursor;
use csp_server::startup::Application;
use csp_server::Config;
use sqlx::{Connection, Executor};

const CONNECTIONS: usize = 8;
const DURATION: Duration = Duration::from_secs(3);
/// Who placed the generated orders, to tell them from the demo data's.
const BENCH_BUYER: &str = "bench@northwind.example";

#[tokio::main]
async fn main() {
    let size = |name: &str, default: u32| -> u32 {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (orders, customers) = (size("ORDERS", 1_000_000), size("CUSTOMERS", 100_000));
    let dir = tempfile::tempdir().unwrap();
    let mut backends = vec![(
        "SQLite",
        format!("sqlite://{}/bench.db", dir.path().display()),
    )];
    if let Some(url) = common::postgres_url("csp_orders_bench").await {
        backends.push(("PostgreSQL", url));
    }
    let mut columns = Vec::new();
    let mut labels = Vec::new();
    for (name, url) in &backends {
        let (base, client, queries) = start(url, customers, orders, dir.path()).await;
        labels = queries.iter().map(|(label, _)| label.clone()).collect();
        let paths: Vec<&str> = queries.iter().map(|(_, path)| path.as_str()).collect();
        columns.push((
            name,
            common::measure(&base, &client, &paths, CONNECTIONS, DURATION).await,
        ));
    }
    println!("{orders} orders of {customers} customers, {CONNECTIONS} connections, {DURATION:?} per request");
    print!("{:<44}", "GET");
    for (name, _) in &columns {
        print!(" {:>32}", format!("{name}: req/s  p50  p99"));
    }
    println!();
    for (i, label) in labels.iter().enumerate() {
        print!("{label:<44}");
        for (_, rows) in &columns {
            let (rate, p50, p99) = rows[i];
            print!(" {:>32}", format!("{rate:.0}  {}  {}", ms(p50), ms(p99)));
        }
        println!();
    }
}

/// A server on `url` with the demo data, `customers` more and `orders` generated orders of
/// Northwind (one line each, 30 seconds apart, one in twenty cancelled, one in ten a
/// reservation), a client signed in as its Admin agent, and what to measure.
async fn start(
    url: &str,
    customers: u32,
    orders: u32,
    dir: &std::path::Path,
) -> (String, reqwest::Client, Vec<(String, String)>) {
    let mut config = Config::for_tests(url, dir.to_path_buf());
    config.seed_demo = true;
    config.demo_password = "bench".into();
    config.seed_customers = customers;
    let started = Instant::now();
    let app = Application::build(config).await.unwrap();
    eprintln!(
        "{}: seeded {customers} customers in {:.1?}",
        mask(url),
        started.elapsed()
    );
    let started = Instant::now();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let postgres = url.starts_with("postgres");
    let partner: String =
        sqlx::query_scalar("SELECT id FROM partners ORDER BY customer_count DESC LIMIT 1")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    for statement in generate(postgres, &partner, orders) {
        conn.execute(statement.as_str())
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    if postgres {
        conn.execute("VACUUM ANALYZE orders").await.unwrap();
        conn.execute("VACUUM ANALYZE order_lines").await.unwrap();
    }
    eprintln!(
        "{}: added {orders} orders in {:.1?}",
        mask(url),
        started.elapsed()
    );

    // The order half-way down the list, for a deep page; a customer and a day to narrow to.
    let (at, id): (String, String) = sqlx::query_as(
        "SELECT created_at, id FROM orders WHERE partner_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET $2",
    )
    .bind(partner.as_str())
    .bind(i64::from(orders / 2))
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let cursor = OrderCursor {
        created_at: at.parse().unwrap(),
        id: id.parse().unwrap(),
    }
    .encode();
    let customer: String = sqlx::query_scalar(
        "SELECT customer_id FROM orders WHERE placed_by = $1 ORDER BY id LIMIT 1",
    )
    .bind(BENCH_BUYER)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let day = &at[..10];
    let queries = [
        ("session (the floor)", "/api/v1/session".to_string()),
        ("orders, first page (50)", "/api/v1/orders".into()),
        (
            "orders, half-way down (keyset)",
            format!("/api/v1/orders?cursor={}", encode(&cursor)),
        ),
        (
            "orders, cancelled only",
            "/api/v1/orders?status=cancelled".into(),
        ),
        (
            "orders, with a reservation",
            "/api/v1/orders?kind=azure_reservation".into(),
        ),
        (
            "orders, one customer",
            format!("/api/v1/orders?customer={customer}"),
        ),
        (
            "orders, one day",
            format!("/api/v1/orders?from={day}&to={day}"),
        ),
    ]
    .into_iter()
    .map(|(label, path)| (label.to_string(), path))
    .collect();

    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = common::signed_in(&base).await;
    (base, client, queries)
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The statements that add `orders` orders of `partner` (an id this program read, so written
/// into the SQL as it is): the partner's customers numbered in a table of their own, then the
/// orders and their lines, each from one generated series.
fn generate(postgres: bool, partner: &str, orders: u32) -> Vec<String> {
    let last = orders.saturating_sub(1);
    let (series, id, line_id, time) = if postgres {
        (
            format!("generate_series(0, {last}) AS n(i)"),
            "lpad(to_hex(i), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0')",
            "lpad(to_hex(i), 8, '0') || '-0000-4000-8001-' || lpad(to_hex(i), 12, '0')",
            "to_char((now() - i * interval '30 seconds') AT TIME ZONE 'UTC', \
             'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
        )
    } else {
        (
            format!(
                "(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {last}) \
                 SELECT i FROM s) AS n"
            ),
            "printf('%08x-0000-4000-8000-%012x', i, i)",
            "printf('%08x-0000-4000-8001-%012x', i, i)",
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i * 30) || ' seconds')",
        )
    };
    vec![
        format!(
            "CREATE TEMP TABLE bench_customers AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS k, \
             id FROM customers WHERE partner_id = '{partner}'"
        ),
        "CREATE INDEX bench_customers_k ON bench_customers (k)".into(),
        format!(
            "INSERT INTO orders (id, partner_id, customer_id, status, currency, total_minor, \
             tax_inclusive, placed_by, purchase_order_number, created_at, cancellable_until) \
             SELECT {id}, '{partner}', c.id, \
             CASE WHEN i % 20 = 0 THEN 'cancelled' ELSE 'completed' END, \
             'USD', 100000, 0, '{BENCH_BUYER}', NULL, {time}, NULL FROM {series} \
             JOIN bench_customers c ON c.k = i % (SELECT COUNT(*) FROM bench_customers)"
        ),
        format!(
            "INSERT INTO order_lines (id, order_id, line_no, offer_id, product_id, product_name, \
             sku_name, kind, term, quantity, unit_price_minor, amount_minor, has_keys, term_end, \
             auto_renew) \
             SELECT {line_id}, {id}, 0, f.id, f.product_id, 'Windows Server 2022 Standard', \
             '16-core pack', CASE WHEN i % 10 = 0 THEN 'azure_reservation' \
             ELSE 'software_subscription' END, 'P1Y', 1, 100000, 100000, 0, NULL, 0 \
             FROM {series} CROSS JOIN (SELECT id, product_id FROM offers ORDER BY id LIMIT 1) f"
        ),
    ]
}
