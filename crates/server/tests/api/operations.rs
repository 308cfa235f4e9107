//! What operators and load balancers rely on (SPEC §11 Operations): `/healthz`, `/readyz`
//! (the database and its migrations), `/metrics`, and an `X-Request-Id` on every response.

use serde_json::json;

use crate::helpers::*;

on_both_backends!(
    probes_say_alive_and_ready_and_not_ready_when_migrations_are_missing,
    every_response_carries_a_request_id,
    metrics_count_requests_and_answer_this_machine_or_the_token,
    the_pool_gauge_counts_callers_waiting_for_a_connection,
);

/// Checks the text is the Prometheus (OpenMetrics) text format: `# HELP`/`# TYPE` lines,
/// samples `name{labels} value`, and `# EOF` at the end; returns the samples.
fn samples(text: &str) -> Vec<(String, f64)> {
    assert!(text.ends_with("# EOF\n"), "{text}");
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("# HELP ")
            || line.starts_with("# TYPE ")
            || line.starts_with("# UNIT ")
            || line == "# EOF"
        {
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line}"));
        let name = series.split('{').next().unwrap();
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad metric name: {line}"
        );
        if let Some(labels) = series.strip_prefix(name) {
            assert!(
                labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                "{line}"
            );
        }
        let value: f64 = if value == "+Inf" {
            f64::INFINITY
        } else {
            value
                .parse()
                .unwrap_or_else(|_| panic!("bad value: {line}"))
        };
        out.push((series.to_string(), value));
    }
    out
}

fn value(samples: &[(String, f64)], series: &str) -> f64 {
    samples
        .iter()
        .find(|(s, _)| s == series)
        .unwrap_or_else(|| panic!("no {series} in {samples:?}"))
        .1
}

async fn metrics_count_requests_and_answer_this_machine_or_the_token(backend: Backend) {
    let server = TestServer::start_with(backend, |c| {
        c.trust_proxy = true;
        c.metrics_token = Some("scrape-me".into());
    })
    .await;
    let client = server.client();
    assert_eq!(server.get_json(&client, "/api/v1/customers").await.0, 401);
    let res = client
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": ADMIN_AGENT, "password": "not the password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    let res = client.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200, "from this machine");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let all = samples(&res.text().await.unwrap());
    assert_eq!(
        value(
            &all,
            r#"csp_http_request_duration_seconds_count{route="/api/v1/customers",method="GET",status="401"}"#
        ),
        1.0
    );
    assert_eq!(value(&all, "csp_sign_in_failures_total"), 1.0);
    assert_eq!(value(&all, "csp_sign_ins_throttled_total"), 0.0);
    assert!(value(&all, "csp_db_pool_connections") >= 1.0);
    assert!(
        all.iter().any(|(s, _)| s.starts_with("csp_cancellations{")),
        "the seeded cancellations: {all:?}"
    );
    assert!(all
        .iter()
        .any(|(s, _)| s == "csp_held_customer_lists_bytes"));

    // From elsewhere (the trusted proxy forwards another client): only with the token.
    let from_far = |token: Option<&str>| {
        let mut req = client
            .get(server.url("/metrics"))
            .header("x-forwarded-for", "203.0.113.9");
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send()
    };
    assert_eq!(from_far(None).await.unwrap().status(), 403);
    assert_eq!(from_far(Some("guess")).await.unwrap().status(), 403);
    assert_eq!(from_far(Some("scrape-me")).await.unwrap().status(), 200);
}

async fn probes_say_alive_and_ready_and_not_ready_when_migrations_are_missing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let res = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let (status, body) = json_of(res).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));
    let (status, ready) = server.get_json(&client, "/readyz").await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["status"], "ready");
    let latest = ready["migrations"].as_i64().unwrap();
    assert!(latest >= 19, "{ready}");

    // A database an older release left (its newest migration missing): not ready.
    sqlx::query("DELETE FROM schema_migrations WHERE version = $1")
        .bind(latest)
        .execute(server.db.pool())
        .await
        .unwrap();
    let (status, ready) = server.get_json(&client, "/readyz").await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["status"], "not_ready");
    assert!(
        ready["reason"].as_str().unwrap().contains("migrations"),
        "{ready}"
    );
    let (status, _) = server.get_json(&client, "/healthz").await;
    assert_eq!(status, 200, "alive all the same");
}

async fn every_response_carries_a_request_id(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let mut seen = Vec::new();
    for path in [
        "/api/v1/customers",
        "/api/v1/nowhere",
        "/customers",
        "/healthz",
        "/readyz",
    ] {
        let res = client.get(server.url(path)).send().await.unwrap();
        let id = res
            .headers()
            .get("x-request-id")
            .unwrap_or_else(|| panic!("{path}: no X-Request-Id"))
            .to_str()
            .unwrap()
            .to_string();
        assert!(id.len() >= 16, "{path}: {id}");
        assert!(!seen.contains(&id), "one id per request");
        seen.push(id);
    }
    // A caller's own id is not taken (the server is not behind a trusted proxy here).
    let res = client
        .get(server.url("/healthz"))
        .header("x-request-id", "spoofed-id")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "spoofed-id");

    // Behind a trusted proxy its id is kept, when it is one.
    let proxied = TestServer::start_with(backend, |c| c.trust_proxy = true).await;
    let res = client
        .get(proxied.url("/healthz"))
        .header("x-request-id", "lb-7f3a.2")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "lb-7f3a.2");
    let res = client
        .get(proxied.url("/healthz"))
        .header("x-request-id", "two words")
        .send()
        .await
        .unwrap();
    assert_ne!(
        res.headers()["x-request-id"],
        "two words",
        "not an id: one of ours instead"
    );
}

/// The server binary with `LOG_FORMAT=json` and everything logged (`RUST_LOG=debug`): each log
/// line is one JSON object, request lines carry their request's id, and no line holds a
/// password, a session cookie or a product key — after sign-ins (one wrong), a key revealed
/// and a password changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_request_ids_and_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let dist = app_shell(dir.path());
    let mut child = std::process::Command::new(SERVER)
        .args(["--seed-demo", "--dist"])
        .arg(&dist)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("logs.db").display()),
        )
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("DEMO_PASSWORD", PASSWORD)
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (base_tx, base_rx) = std::sync::mpsc::channel::<String>();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let (lines, base_tx) = (lines.clone(), base_tx.clone());
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stream)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(url) = line.split("listening on ").nth(1) {
                    let _ = base_tx.send(url.trim().to_string());
                }
                lines.lock().unwrap().push(line);
            }
        });
    }
    let base = base_rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the server started");
    let url = |p: &str| format!("{base}{p}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = client
        .post(url("/api/v1/sessions"))
        .json(&json!({"email": CONTOSO_USER, "password": "a wrong password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = client
        .post(url("/api/v1/sessions"))
        .json(&json!({"email": CONTOSO_USER, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap()
        .to_string();
    let (_, software) = json_of(
        client
            .get(url("/api/v1/tenant/software"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let purchase = software["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["has_keys"] == true || p["product_name"].as_str().unwrap_or("").contains("Windows")
        })
        .expect("a keyed purchase")
        .clone();
    let (status, reveal) = json_of(
        client
            .post(url(&format!(
                "/api/v1/tenant/software/{}/key-reveals",
                purchase["id"].as_str().unwrap()
            )))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{reveal}");
    let key = reveal["product_keys"][0].as_str().unwrap().to_string();
    let new_password = "a brand new passphrase for logs";
    let res = client
        .post(url("/api/v1/session/password"))
        .json(&json!({"current_password": PASSWORD, "new_password": new_password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let _ = child.kill();
    let _ = child.wait();

    let lines = lines.lock().unwrap().clone();
    let logs: Vec<&String> = lines.iter().filter(|l| l.starts_with('{')).collect();
    assert!(logs.len() > 10, "{lines:?}");
    let mut with_ids = 0;
    for line in &logs {
        let entry: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        let spans = entry["spans"].as_array().cloned().unwrap_or_default();
        if spans.iter().any(|s| s["request_id"].is_string()) {
            with_ids += 1;
        }
        for secret in [
            PASSWORD,
            "a wrong password",
            new_password,
            key.as_str(),
            cookie.as_str(),
        ] {
            assert!(!line.contains(secret), "a secret in the log: {line}");
        }
    }
    assert!(
        with_ids >= 5,
        "request lines carry the request id: {logs:?}"
    );
}

async fn the_pool_gauge_counts_callers_waiting_for_a_connection(backend: Backend) {
    let server = TestServer::start_with(backend, |c| {
        c.db.acquire_timeout = std::time::Duration::from_secs(2);
    })
    .await;
    let client = server.client();
    let scrape = || async {
        let res = client.get(server.url("/metrics")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        value(&samples(&res.text().await.unwrap()), "csp_db_pool_waiting")
    };
    // Right after start the workers' first connections are being opened: they wait briefly.
    let mut at_rest = f64::NAN;
    for _ in 0..50 {
        at_rest = scrape().await;
        if at_rest == 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(at_rest, 0.0, "nobody waits at rest");

    // Every connection taken (straight from the pool, so these do not count), then one caller
    // of the server's own kind waits, and a scrape reads the gauge while it does.
    let pool = server.state.db.pool();
    let mut held = Vec::new();
    for _ in 0..pool.options().get_max_connections() {
        held.push(pool.acquire().await.unwrap());
    }
    let db = server.state.db.clone();
    let waiter = tokio::spawn(async move { db.conn().await.map(drop) });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let during = tokio::spawn({
        let res = client.get(server.url("/metrics")).send();
        async move { res.await.unwrap().text().await.unwrap() }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(held);
    waiter
        .await
        .unwrap()
        .expect("the waiter gets a connection once they are back");
    let during = samples(&during.await.unwrap());
    assert!(value(&during, "csp_db_pool_waiting") >= 1.0, "{during:?}");
    assert_eq!(scrape().await, 0.0);
}
