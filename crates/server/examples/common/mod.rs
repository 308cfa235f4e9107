//! What the benches share. Each bench compiles its own copy and uses part of it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use sqlx::{Connection, Executor};

/// The PostgreSQL database to measure on: `BENCH_PG_URL` as it is, or a fresh database named
/// `<prefix>_<pid>` on the server of `CSP_TEST_PG_URL` (as `scripts/with-postgres.sh` gives).
pub async fn postgres_url(prefix: &str) -> Option<String> {
    if let Ok(url) = std::env::var("BENCH_PG_URL") {
        return Some(url);
    }
    let admin = std::env::var("CSP_TEST_PG_URL").ok()?;
    sqlx::any::install_default_drivers();
    let name = format!("{prefix}_{}", std::process::id());
    let mut conn = sqlx::AnyConnection::connect(&admin).await.ok()?;
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .ok()?;
    let mut url = url::Url::parse(&admin).ok()?;
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

/// Requests per second, p50 and p99 of a GET of each of `paths` under `base`, asked on
/// `connections` connections at once for `duration` each.
pub async fn measure(
    base: &str,
    client: &reqwest::Client,
    paths: &[&str],
    connections: usize,
    duration: Duration,
) -> Vec<(f64, Duration, Duration)> {
    let mut results = Vec::new();
    for path in paths {
        let url = format!("{base}{path}");
        let started = Instant::now();
        let workers: Vec<_> = (0..connections)
            .map(|_| {
                let (client, url) = (client.clone(), url.clone());
                tokio::spawn(async move {
                    let mut times = Vec::new();
                    while started.elapsed() < duration {
                        let t = Instant::now();
                        let res = client.get(&url).send().await.unwrap();
                        assert!(res.status().is_success(), "{url}: {}", res.status());
                        res.bytes().await.unwrap();
                        times.push(t.elapsed());
                    }
                    times
                })
            })
            .collect();
        let mut times = Vec::new();
        for worker in workers {
            times.extend(worker.await.unwrap());
        }
        let rate = times.len() as f64 / started.elapsed().as_secs_f64();
        times.sort();
        let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
        results.push((rate, pct(50), pct(99)));
    }
    results
}

/// A client signed in to `base` as Northwind's Admin agent (the benches seed the demo data with
/// the password `bench`).
pub async fn signed_in(base: &str) -> reqwest::Client {
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
    client
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn mask(url: &str) -> String {
    csp_server::store::mask_password(url)
}
