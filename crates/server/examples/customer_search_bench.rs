//! Measures customer-list latency over HTTP against a large seeded data set and prints it.
//! `make bench` runs it; `CUSTOMERS=N` changes the size (default 100000). Not a test: it asserts
//! nothing, it measures.

use std::time::{Duration, Instant};

use csp_server::{db, router, seed, AppState};

const RUNS: usize = 40;

#[tokio::main]
async fn main() {
    let customers: u32 = std::env::var("CUSTOMERS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let db = db::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await.unwrap();
    db::migrate(&db).await.unwrap();
    seed::seed_demo(&db, "bench").await.unwrap();
    let started = Instant::now();
    seed::seed_bulk_customers(&db, customers).await.unwrap();
    println!("seeded {customers} customers in {:.1?}", started.elapsed());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = router(AppState::new(db, false), dir.path());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    client
        .post(format!("{base}/api/v1/sessions"))
        .json(&serde_json::json!({"email": "admin.agent@northwind.example", "password": "bench"}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();

    println!("{:<44} {:>9} {:>9} {:>9}", "GET /api/v1/customers", "p50", "p95", "max");
    let last_page = (customers + 33) / 25;
    for (label, query) in [
        ("first page, no search", "page=1".to_string()),
        ("last page, no search", format!("page={last_page}")),
        ("search by domain fragment", "q=bulk04999".to_string()),
        ("search by name, many matches", "q=falcon".to_string()),
        ("search, no match", "q=zz-no-such".to_string()),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let res = client.get(format!("{base}/api/v1/customers?{query}")).send().await.unwrap();
            assert!(res.status().is_success());
            res.bytes().await.unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
        println!("{label:<44} {:>9} {:>9} {:>9}", ms(pct(50)), ms(pct(95)), ms(*times.last().unwrap()));
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
