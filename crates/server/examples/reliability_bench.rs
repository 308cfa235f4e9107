//! Measures how the server holds up, on SQLite and (when a PostgreSQL server is given) on
//! PostgreSQL: 500 support requests with files filed 8 at a time (every one must be filed);
//! how much a 50 MB upload, and 500 clients sending their headers slowly, delay a sign-in
//! made meanwhile; then a mixed soak — sign-ins, the customer list, searches, orders,
//! cancellations, uploads and key reveals on 16 connections for `SOAK_SECS` (600; 0 skips
//! it) — printing its errors (there must be none), p99 per kind and the process's memory at
//! start and end. `make bench` runs it. Not a test: it measures and prints; a failed filing
//! or a soak error is printed with its answer and makes the command fail.
//!
//! PostgreSQL: `BENCH_PG_URL` (a database to use as is) or `CSP_TEST_PG_URL` (a server on which
//! a fresh database is created, as `scripts/with-postgres.sh` provides).

mod common;

use std::time::{Duration, Instant};

use csp_server::startup::Application;
use csp_server::Config;
use reqwest::multipart::{Form, Part};
use reqwest::Client;

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
    if let Some(url) = common::postgres_url("csp_reliability").await {
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
            "{name}: sign-in alone p50 {}; during a 50 MB upload p50 {}, max {} (delay at most {}; goal 200 ms)",
            ms(alone),
            ms(during.0),
            ms(during.1),
            ms(during.1.saturating_sub(alone))
        );
        let (p50, max) = sign_in_among_slow_clients(&base).await;
        println!(
            "{name}: sign-in with {SLOW_CLIENTS} slow clients connected p50 {}, max {} (goal: within a second)",
            ms(p50),
            ms(max)
        );
        let soak_secs: u64 = std::env::var("SOAK_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(600);
        if soak_secs > 0 {
            failed |= !soak(name, &base, Duration::from_secs(soak_secs)).await;
        }
    }
    if failed {
        std::process::exit(1);
    }
}

async fn start(url: &str, dir: &std::path::Path) -> String {
    let mut config = Config::for_tests(url, dir.to_path_buf());
    config.seed_demo = true;
    config.demo_password = PASSWORD.into();
    // The soak uploads far more than a person would in an hour.
    config.uploads.per_user_per_hour = u64::MAX;
    config.uploads.max_concurrent_per_user = 16;
    config.uploads.quota_files = u64::MAX;
    config.uploads.quota_bytes = u64::MAX;
    config.cancellation_delay = Duration::from_secs(0);
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

const SLOW_CLIENTS: usize = 500;

/// Sign-in times (median and maximum of 10) while [`SLOW_CLIENTS`] connections send their
/// headers a few bytes at a time.
async fn sign_in_among_slow_clients(base: &str) -> (Duration, Duration) {
    use tokio::io::AsyncWriteExt;
    let addr = base.trim_start_matches("http://").to_string();
    let mut slow = Vec::new();
    for _ in 0..SLOW_CLIENTS {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        stream
            .write_all(b"GET /api/v1/session HTTP/1.1\r\nHo")
            .await
            .unwrap();
        slow.push(stream);
    }
    let mut times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let res = Client::new()
            .post(format!("{base}/api/v1/sessions"))
            .json(&serde_json::json!({"email": "global.admin@northwind.example", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        times.push(t.elapsed());
    }
    drop(slow);
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

/// The process's resident memory, in MB (the server and this load generator together).
fn resident_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

const KINDS: [&str; 7] = [
    "sign-in",
    "list",
    "search",
    "order",
    "cancellation",
    "upload",
    "key reveal",
];

/// A mixed load on 16 connections for `length`: prints the errors and p99 per kind, and the
/// memory at start and end. Returns whether there were no errors.
async fn soak(name: &str, base: &str, length: Duration) -> bool {
    let memory_at_start = resident_mb();
    // The purchases with keys before the soak (the soak cancels only orders it placed).
    let tenant = Client::builder().cookie_store(true).build().unwrap();
    tenant
        .post(format!("{base}/api/v1/sessions"))
        .json(&serde_json::json!({"email": "admin@contoso.onmicrosoft.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let software: serde_json::Value = tenant
        .get(format!("{base}/api/v1/tenant/software"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keyed: std::sync::Arc<Vec<String>> = std::sync::Arc::new(
        software["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["has_keys"] == true && p["status"] == "completed")
            .filter_map(|p| p["id"].as_str().map(str::to_string))
            .collect(),
    );
    let started = Instant::now();
    let workers: Vec<_> = (0..16)
        .map(|worker| {
            let (base, keyed) = (base.to_string(), keyed.clone());
            tokio::spawn(async move { soak_worker(worker, &base, &keyed, started, length).await })
        })
        .collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); KINDS.len()];
    let mut errors = Vec::new();
    for worker in workers {
        let (t, e) = worker.await.unwrap();
        for (kind, list) in t.into_iter().enumerate() {
            times[kind].extend(list);
        }
        errors.extend(e);
    }
    println!(
        "{name}: soak of {:?} on 16 connections: {} requests, {} errors; this process (server and load) {:.0} MB resident at start, {:.0} MB at end",
        length,
        times.iter().map(Vec::len).sum::<usize>(),
        errors.len(),
        memory_at_start,
        resident_mb()
    );
    for (kind, list) in KINDS.iter().zip(times.iter_mut()) {
        list.sort();
        let p99 = list
            .get((list.len() * 99 / 100).min(list.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default();
        println!("  {kind:<13} {:>7} requests  p99 {}", list.len(), ms(p99));
    }
    for error in errors.iter().take(20) {
        println!("  ERROR: {error}");
    }
    errors.is_empty()
}

async fn soak_worker(
    worker: usize,
    base: &str,
    keyed: &[String],
    started: Instant,
    length: Duration,
) -> (Vec<Vec<Duration>>, Vec<String>) {
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); KINDS.len()];
    let mut errors = Vec::new();
    let agent = signed_in(base).await;
    let tenant = Client::builder().cookie_store(true).build().unwrap();
    tenant
        .post(format!("{base}/api/v1/sessions"))
        .json(&serde_json::json!({"email": "admin@contoso.onmicrosoft.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let get = |client: &Client, path: String| {
        let request = client.get(format!("{base}{path}"));
        async move {
            let res = request.send().await.map_err(|e| e.to_string())?;
            let status = res.status();
            let body: serde_json::Value = res.json().await.map_err(|e| e.to_string())?;
            if status.is_success() {
                Ok(body)
            } else {
                Err(format!("{status} {body}"))
            }
        }
    };
    let found = get(&agent, "/api/v1/customers?q=contoso.onmicrosoft.com".into())
        .await
        .unwrap();
    let customer = found["items"][0]["id"].as_str().unwrap().to_string();
    let offers = get(&agent, format!("/api/v1/customers/{customer}/offers"))
        .await
        .unwrap();
    let offer = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["available"] == true && o["kind"] == "software_subscription")
        .unwrap()
        .clone();
    let mut placed: Vec<String> = Vec::new();
    let mut n = worker;
    while started.elapsed() < length {
        n += 1;
        // Mostly reads, as people use it; a sign-in (argon2) now and then.
        let kind = match n % 20 {
            0 => 0,
            1..=6 => 1,
            7..=10 => 2,
            11..=13 => 3,
            14 | 15 => 4,
            16 => 5,
            _ => 6,
        };
        let t = Instant::now();
        let outcome: Result<(), String> = match kind {
            0 => Client::new()
                .post(format!("{base}/api/v1/sessions"))
                .json(&serde_json::json!({"email": "account.admin@northwind.example", "password": PASSWORD}))
                .send()
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| if r.status() == 200 { Ok(()) } else { Err(format!("sign-in {}", r.status())) }),
            1 => get(&agent, format!("/api/v1/customers?page={}", 1 + n % 3)).await.map(drop),
            2 => get(&agent, format!("/api/v1/customers?q={}", ["contoso", "fab", "tailspin", "zzqx"][n % 4])).await.map(drop),
            3 => {
                let res = agent
                    .post(format!("{base}/api/v1/customers/{customer}/orders"))
                    .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                    .json(&serde_json::json!({"line_items": [{"offer_id": offer["id"], "quantity": offer["min_quantity"]}]}))
                    .send()
                    .await
                    .map_err(|e| e.to_string());
                match res {
                    Ok(res) if res.status() == 201 => {
                        let order: serde_json::Value = res.json().await.unwrap_or_default();
                        placed.extend(order["id"].as_str().map(str::to_string));
                        Ok(())
                    }
                    Ok(res) => Err(format!("order {}", res.status())),
                    Err(e) => Err(e),
                }
            }
            4 => match placed.pop() {
                None => Ok(()),
                Some(order) => agent
                    .post(format!("{base}/api/v1/customers/{customer}/orders/{order}/cancellation"))
                    .json(&serde_json::json!({"confirm": true}))
                    .send()
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| if r.status() == 202 { Ok(()) } else { Err(format!("cancellation {}", r.status())) }),
            },
            5 => agent
                .post(format!("{base}/api/v1/support-requests"))
                .multipart(billing_form(n, vec![(format!("scan-{n}.pdf"), pdf(50_000))]))
                .send()
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| if r.status() == 201 { Ok(()) } else { Err(format!("upload {}", r.status())) }),
            _ => match keyed.get(n % keyed.len().max(1)) {
                None => Ok(()),
                Some(purchase) => tenant
                    .post(format!("{base}/api/v1/tenant/software/{purchase}/key-reveals"))
                    .send()
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| if r.status() == 200 { Ok(()) } else { Err(format!("reveal {}", r.status())) }),
            },
        };
        match outcome {
            Ok(()) => times[kind].push(t.elapsed()),
            Err(e) => errors.push(format!("{}: {e}", KINDS[kind])),
        }
    }
    (times, errors)
}
