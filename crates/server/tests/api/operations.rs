//! What operators and load balancers rely on (SPEC §11 Operations): `/healthz`, `/readyz`
//! (the database and its migrations), and an `X-Request-Id` on every response.

use serde_json::json;

use crate::helpers::*;

on_both_backends!(
    probes_say_alive_and_ready_and_not_ready_when_migrations_are_missing,
    every_response_carries_a_request_id,
    metrics_count_requests_and_answer_this_machine_or_the_token,
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
