//! What operators and load balancers rely on (SPEC §11 Operations): `/healthz`, `/readyz`
//! (the database and its migrations), and an `X-Request-Id` on every response.

use serde_json::json;

use crate::helpers::*;

on_both_backends!(
    probes_say_alive_and_ready_and_not_ready_when_migrations_are_missing,
    every_response_carries_a_request_id,
);

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
