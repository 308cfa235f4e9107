//! Measures how the server holds up, on SQLite and (when a PostgreSQL server is given) on
//! PostgreSQL: 500 support requests with files filed 8 at a time (every one must be filed),
//! and how much a 50 MB upload delays a sign-in made meanwhile.
//! `make bench` runs it. Not a test: it measures and prints; a failed filing is printed with
//! its answer and makes the command fail.
//!
//! PostgreSQL: `BENCH_PG_URL` (a database to use as is) or `CSP_TEST_PG_URL` (a server on which
//! a fresh database is created, as `scripts/with-postgres.sh` provides).

use std::time::{Duration, Instant};

use csp_server::startup::Application;
use csp_server::Config;
use reqwest::multipart::{Form, Part};
use reqwest::Client;
use sqlx::{Connection, Executor};

const FILINGS: usize = 500;
const AT_ONCE: usize = 8;
const PASSWORD: &str = "bench";
const AGENT: &str = "admin.agent@northwind.example";

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut backends = vec![(
        "SQLite",
        format!("sqlite://{}/bench.db", dir.path().display()),
    )];
    if let Some(url) = postgres_url().await {
        backends.push(("PostgreSQL", url));
    }
    let mut failed = false;
    for (name, url) in &backends {
        let base = start(url, dir.path()).await;
        let (filed, took, p99, failures) = file_many(&base).await;
        println!(
            "{name}: {filed}/{FILINGS} support requests with 2 files filed, {AT_ONCE} at a time, in {:.1?} (p99 {})",
            took,
            ms(p99)
        );
        for failure in &failures {
            println!("  FAILED: {failure}");
        }
        failed |= !failures.is_empty();
        let (alone, during) = sign_in_during_upload(&base).await;
        println!(
            "{name}: sign-in alone p50 {}; during a 50 MB upload p50 {}, max {} (delay at most {})",
            ms(alone),
            ms(during.0),
            ms(during.1),
            ms(during.1.saturating_sub(alone))
        );
    }
    if failed {
        std::process::exit(1);
    }
}

async fn postgres_url() -> Option<String> {
    if let Ok(url) = std::env::var("BENCH_PG_URL") {
        return Some(url);
    }
    let admin = std::env::var("CSP_TEST_PG_URL").ok()?;
    sqlx::any::install_default_drivers();
    let name = format!("csp_reliability_{}", std::process::id());
    let mut conn = sqlx::AnyConnection::connect(&admin).await.ok()?;
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .ok()?;
    let mut url = url::Url::parse(&admin).ok()?;
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

async fn start(url: &str, dir: &std::path::Path) -> String {
    let mut config = Config::for_tests(url, dir.to_path_buf());
    config.seed_demo = true;
    config.demo_password = PASSWORD.into();
    let app = Application::build(config).await.unwrap();
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    base
}

async fn signed_in(base: &str) -> Client {
    let client = Client::builder().cookie_store(true).build().unwrap();
    client
        .post(format!("{base}/api/v1/sessions"))
        .json(&serde_json::json!({"email": AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    client
}

fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(size, b'x');
    bytes
}

fn billing_form(n: usize, files: Vec<(String, Vec<u8>)>) -> Form {
    let mut form = Form::new()
        .text("problem_type", "billing")
        .text("impact", "low")
        .text("title", format!("Invoice question {n}"))
        .text("customer", "contoso.onmicrosoft.com")
        .text("contact_name", "Avery Agent")
        .text("contact_email", "avery@northwind.example")
        .text("contact_phone", "+1 425 555 0100");
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name));
    }
    form
}

/// Files [`FILINGS`] requests, [`AT_ONCE`] at a time, each on its own connection.
async fn file_many(base: &str) -> (usize, Duration, Duration, Vec<String>) {
    let started = Instant::now();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers: Vec<_> = (0..AT_ONCE)
        .map(|_| {
            let (base, next) = (base.to_string(), next.clone());
            tokio::spawn(async move {
                let client = signed_in(&base).await;
                let mut times = Vec::new();
                let mut failures = Vec::new();
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= FILINGS {
                        break;
                    }
                    let files = vec![
                        (format!("invoice-{n}.pdf"), pdf(200_000 + n)),
                        (
                            format!("notes-{n}.txt"),
                            format!("note {n}\n").repeat(500).into_bytes(),
                        ),
                    ];
                    let t = Instant::now();
                    let res = client
                        .post(format!("{base}/api/v1/support-requests"))
                        .multipart(billing_form(n, files))
                        .send()
                        .await;
                    match res {
                        Ok(res) if res.status() == 201 => {
                            res.bytes().await.unwrap();
                            times.push(t.elapsed());
                        }
                        Ok(res) => {
                            let status = res.status();
                            failures.push(format!(
                                "#{n}: {status} {}",
                                res.text().await.unwrap_or_default()
                            ));
                        }
                        Err(e) => failures.push(format!("#{n}: {e}")),
                    }
                }
                (times, failures)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut failures = Vec::new();
    for worker in workers {
        let (t, f) = worker.await.unwrap();
        times.extend(t);
        failures.extend(f);
    }
    let took = started.elapsed();
    times.sort();
    let p99 = times
        .get((times.len() * 99 / 100).min(times.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default();
    (times.len(), took, p99, failures)
}

/// Sign-in times alone (median of 10), then while 5 files of 10 MB are uploaded and stored
/// (median and maximum).
async fn sign_in_during_upload(base: &str) -> (Duration, (Duration, Duration)) {
    let sign_in = |base: String| async move {
        let client = Client::new();
        let t = Instant::now();
        let res = client
            .post(format!("{base}/api/v1/sessions"))
            .json(&serde_json::json!({"email": "global.admin@northwind.example", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        t.elapsed()
    };
    let mut alone = Vec::new();
    for _ in 0..10 {
        alone.push(sign_in(base.to_string()).await);
    }
    alone.sort();
    let uploader = signed_in(base).await;
    let files = (0..5)
        .map(|i| (format!("scan-{i}.pdf"), pdf(10 * 1024 * 1024 - 1024)))
        .collect();
    let upload = tokio::spawn(
        uploader
            .post(format!("{base}/api/v1/support-requests"))
            .multipart(billing_form(0, files))
            .send(),
    );
    let mut during = Vec::new();
    while !upload.is_finished() {
        during.push(sign_in(base.to_string()).await);
    }
    let status = upload.await.unwrap().unwrap().status();
    assert_eq!(status, 201, "the 50 MB upload was refused");
    during.sort();
    let max = during.last().copied().unwrap_or_default();
    let p50 = during.get(during.len() / 2).copied().unwrap_or_default();
    (alone[alone.len() / 2], (p50, max))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
