//! The two database backends: the same schema, several replicas on one PostgreSQL database,
//! and clear one-line errors for a database that cannot be used.

use std::process::Command;

use csp_server::store::{migrate, Db, DbSettings};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut schemas = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = Db::connect(
            &fresh_database(backend, dir.path()).await,
            &DbSettings::default(),
        )
        .await
        .unwrap();
        migrate::run(&db).await.unwrap();
        migrate::run(&db)
            .await
            .expect("migrating twice changes nothing");
        let mut columns = migrate::tables_and_columns(&mut db.conn().await.unwrap(), backend)
            .await
            .unwrap();
        columns.sort();
        assert!(
            columns.contains(&("customers".into(), "tenant_id".into())),
            "{backend:?}: {columns:?}"
        );
        schemas.push(columns);
    }
    assert_eq!(
        schemas[0], schemas[1],
        "SQLite and PostgreSQL schemas differ"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_share_sessions_sign_in_limits_and_idempotency_keys() {
    let dir = tempfile::tempdir().unwrap();
    let dist = app_shell(dir.path());
    let url = fresh_database(Backend::Postgres, dir.path()).await;
    // Started together: both migrate and seed the same empty database.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| Replica::start(&url, &dist, &[]));
        let b = s.spawn(|| Replica::start(&url, &dist, &[]));
        (a.join().unwrap(), b.join().unwrap())
    });

    // A session made on one replica is valid on the other.
    let client = reqwest::Client::builder()
        .cookie_store(false)
        .build()
        .unwrap();
    let res = client
        .post(format!("{}/api/v1/sessions", a.base))
        .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let res = client
        .get(format!("{}/api/v1/session", b.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let (status, me) = json_of(res).await;
    assert_eq!(status, 200);
    assert_eq!(me["user"]["email"], ADMIN_AGENT);

    // Identical orders sent to both replicas at once with one idempotency key: one order.
    let (_, found) = json_of(
        client
            .get(format!("{}/api/v1/customers?q=fourthcoffee", a.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let customer = found["items"][0]["id"].as_str().unwrap().to_string();
    let (_, offers) = json_of(
        client
            .get(format!("{}/api/v1/customers/{customer}/offers", b.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let body = json!({"line_items": [{"offer_id": offers["items"][0]["id"], "quantity": 1}]});
    let handles: Vec<_> = (0..10)
        .map(|i| {
            let base = if i % 2 == 0 { &a.base } else { &b.base };
            let request = client
                .post(format!("{base}/api/v1/customers/{customer}/orders"))
                .header("cookie", &cookie)
                .header("idempotency-key", "one-click-two-replicas")
                .json(&body);
            tokio::spawn(async move { json_of(request.send().await.unwrap()).await })
        })
        .collect();
    let mut order_ids = Vec::new();
    for h in handles {
        let (status, order) = h.await.unwrap();
        assert!(status == 200 || status == 201, "{status} {order}");
        order_ids.push(order["id"].as_str().unwrap().to_string());
    }
    order_ids.dedup();
    assert_eq!(order_ids.len(), 1, "one order across both replicas");
    let (_, history) = json_of(
        client
            .get(format!("{}/api/v1/customers/{customer}/orders", a.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(history["total"], 1);

    // Failed sign-ins are counted across both: 3 on one, 2 on the other, then both refuse.
    let attempt = |base: &str, password: &str| {
        client
            .post(format!("{base}/api/v1/sessions"))
            .json(&json!({"email": GLOBAL_ADMIN, "password": password}))
            .send()
    };
    for base in [&a.base, &a.base, &a.base, &b.base, &b.base] {
        assert_eq!(attempt(base, "guess").await.unwrap().status(), 401);
    }
    for base in [&a.base, &b.base] {
        let (status, body) = json_of(attempt(base, PASSWORD).await.unwrap()).await;
        assert_eq!(status, 429, "{base}");
        assert_eq!(error_code(&body), "too_many_attempts");
    }
}

/// Runs the server with `database_url` and returns its exit status and what it printed to stderr.
fn start_with_database(database_url: &str) -> (Option<i32>, String) {
    let out = Command::new(SERVER)
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("DB_ACQUIRE_TIMEOUT_SECS", "2")
        .env("RUST_LOG", "off")
        .output()
        .expect("run csp-server");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_database_that_cannot_be_used_stops_the_server_with_one_line() {
    let admin = std::env::var("CSP_TEST_PG_URL")
        .expect("CSP_TEST_PG_URL is set by scripts/with-postgres.sh");
    let mut wrong_password = url::Url::parse(&admin).unwrap();
    wrong_password
        .set_password(Some("not-the-password"))
        .unwrap();
    let cases = [
        ("mysql://csp:secret@127.0.0.1/csp".to_string(), "mysql"),
        // Nothing listens on port 1.
        (
            "postgres://csp:secret@127.0.0.1:1/csp".to_string(),
            "127.0.0.1:1",
        ),
        (wrong_password.to_string(), "password"),
        (
            "sqlite:///proc/no-such-dir/app.db".to_string(),
            "/proc/no-such-dir",
        ),
    ];
    for (url, cause) in cases {
        let (code, stderr) = start_with_database(&url);
        assert_ne!(code, Some(0), "{url}: {stderr}");
        assert!(
            code.is_some(),
            "{url}: killed by a signal, not a clean exit: {stderr}"
        );
        let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{url}: one line, no stack trace: {stderr}");
        assert!(lines[0].starts_with("csp-server: "), "{stderr}");
        assert!(
            lines[0].contains(cause),
            "{url}: the cause is named: {stderr}"
        );
        assert!(
            !lines[0].contains("secret") && !lines[0].contains("not-the-password"),
            "the password is masked: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
