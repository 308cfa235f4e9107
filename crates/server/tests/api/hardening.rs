//! No input crashes a handler; sign-in abuse is bounded; every response carries the security
//! headers; cross-site writes are refused; sessions end when idle; shutdown is graceful.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use chrono::Duration as Span;
use reqwest::Client;
use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    no_input_crashes_a_handler,
    concurrent_guesses_are_counted_before_the_password_is_checked,
    spraying_addresses_from_one_network_is_throttled,
    a_strangers_guesses_do_not_lock_the_user_out_of_known_places,
    addresses_longer_than_254_characters_are_refused,
    every_response_carries_the_security_headers,
    cross_site_writes_are_refused,
    sessions_end_after_two_idle_hours_and_twelve_hours_in_all,
    expired_sessions_are_pruned,
);

/// Values that have crashed or confused servers: huge numbers, six-digit years, invalid
/// UTF-8 escapes, NUL, path tricks, SQL, long text. Already percent-encoded for a URL.
fn hostile_values() -> Vec<String> {
    vec![
        "99999999999999999999999999".into(),
        "-1".into(),
        "0".into(),
        "%2B262142-12-31".into(),
        "-262143-01-01".into(),
        "%FF".into(),
        "%C3%28".into(),
        "%00".into(),
        "..%2F..%2Fetc%2Fpasswd".into(),
        "%27%20OR%201%3D1%20--".into(),
        "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
        "x".repeat(8_000),
    ]
}

/// Bodies of every wrong shape, including two strings of `big` bytes each.
fn hostile_bodies(big: usize) -> Vec<(&'static str, String)> {
    let big = "a".repeat(big);
    vec![
        ("application/json", "{}".into()),
        ("application/json", "[]".into()),
        ("application/json", "null".into()),
        ("application/json", "123".into()),
        (
            "application/json",
            "{\"email\": 123, \"password\": []}".into(),
        ),
        (
            "application/json",
            format!("{{\"email\": \"{big}\", \"password\": \"{big}\"}}"),
        ),
        (
            "application/json",
            "{\"email\": \"a@b.example\", \"password\": \"x\"".into(),
        ),
        ("application/json", "\u{feff}{}".into()),
        ("text/plain", "email=a".into()),
        (
            "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--".into(),
        ),
    ]
}

/// Asserts an answer of the contract: no 5xx, and a JSON error body for any 4xx.
async fn assert_contract(what: &str, response: reqwest::Result<reqwest::Response>) {
    let response =
        response.unwrap_or_else(|e| panic!("{what}: no answer (dropped connection?): {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_string())
        .unwrap_or_default();
    let text = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("{what}: body cut off: {e}"));
    assert!(status < 500, "{what}: {status} {text}");
    if status >= 400 {
        assert!(
            content_type.starts_with("application/json"),
            "{what}: {status} with {content_type}: {text}"
        );
        let body: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{what}: {status} not JSON ({e}): {text}"));
        error_code(&body);
    }
}

async fn no_input_crashes_a_handler(backend: Backend) {
    let server = TestServer::start(backend).await;
    let clients: Vec<(&str, Client)> = vec![
        ("signed out", server.client()),
        ("partner", server.signed_in(OWNER).await),
        ("customer user", server.signed_in(CONTOSO_USER).await),
        ("support agent", server.signed_in(SUPPORT).await),
    ];
    let (_, doc) = server.get_json(&clients[0].1, "/api/v1/openapi.json").await;
    let mut requests = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let params: Vec<(String, String)> = operation["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            (
                                p["name"].as_str().unwrap().into(),
                                p["in"].as_str().unwrap().into(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let valid_path = path
                .replace(['{', '}'], "")
                .replace("id", "0f8fad5b-d9cb-469f-a165-70867728950e");
            let mut urls = vec![server.url(&valid_path)];
            for value in hostile_values() {
                for (name, location) in &params {
                    urls.push(match location.as_str() {
                        "path" => server.url(&path.replace(&format!("{{{name}}}"), &value)),
                        _ => format!("{}?{name}={value}", server.url(&valid_path)),
                    });
                }
            }
            for (who, client) in &clients {
                // Signing out would end the session the next requests use.
                let client = if *path == "/api/v1/session" && method == reqwest::Method::DELETE {
                    &clients[0].1
                } else {
                    client
                };
                for url in &urls {
                    let what = format!("{who}: {method} {}", &url[..url.len().min(140)]);
                    assert_contract(
                        &what,
                        client
                            .request(method.clone(), url)
                            .header("accept", "text/csv")
                            .send()
                            .await,
                    )
                    .await;
                    requests += 1;
                }
                if operation.get("requestBody").is_some() {
                    // Without a session the server reads no further than 1 MB of a body and
                    // then closes the connection (`a_strangers_large_body_is_not_read`), so a
                    // stranger's large body stays under that; signed-in callers send 2 MB.
                    let big = if *who == "signed out" {
                        400_000
                    } else {
                        1_000_000
                    };
                    for (content_type, body) in hostile_bodies(big) {
                        let what = format!(
                            "{who}: {method} {path} with {content_type} {}",
                            &body[..body.len().min(60)]
                        );
                        // A refused body is read to its end, so the connection lives on.
                        let request = client
                            .request(method.clone(), server.url(path))
                            .header("content-type", content_type)
                            .body(body);
                        assert_contract(&what, request.send().await).await;
                        requests += 1;
                    }
                }
            }
        }
    }
    assert!(requests > 300, "only {requests} requests were tried");
}

async fn concurrent_guesses_are_counted_before_the_password_is_checked(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let guesses = (0..30).map(|i| {
        client
            .post(server.url("/api/v1/sessions"))
            .json(&json!({"email": GLOBAL_ADMIN, "password": format!("guess-{i}")}))
            .send()
    });
    let statuses: Vec<u16> = futures_join_all(guesses)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(
        checked <= 5,
        "{checked} guesses reached the password check: {statuses:?}"
    );
    assert_eq!(checked + refused, 30, "{statuses:?}");
}

/// Runs the futures concurrently (tokio tasks), in order of the input.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// A server that reads the client address from `X-Forwarded-For`, so tests can speak from
/// several networks.
async fn behind_a_proxy(backend: Backend) -> TestServer {
    TestServer::start_with(backend, |config| config.trust_proxy = true).await
}

async fn sign_in_from(
    server: &TestServer,
    client: &Client,
    ip: &str,
    email: &str,
    password: &str,
) -> (u16, Value) {
    let res = client
        .post(server.url("/api/v1/sessions"))
        .header("x-forwarded-for", format!("10.0.0.1, {ip}"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    json_of(res).await
}

async fn spraying_addresses_from_one_network_is_throttled(backend: Backend) {
    let server = behind_a_proxy(backend).await;
    let client = server.client();
    let mut statuses = Vec::new();
    for i in 0..20 {
        let (status, _) = sign_in_from(
            &server,
            &client,
            "203.0.113.7",
            &format!("user{i}@northwind.example"),
            "guess",
        )
        .await;
        statuses.push(status);
    }
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
    // Other networks are not affected.
    assert_eq!(
        sign_in_from(&server, &client, "198.51.100.9", ADMIN_AGENT, PASSWORD)
            .await
            .0,
        200
    );
}

async fn a_strangers_guesses_do_not_lock_the_user_out_of_known_places(backend: Backend) {
    let server = behind_a_proxy(backend).await;
    let (home, stranger, new_place) = ("198.51.100.20", "203.0.113.66", "192.0.2.44");
    let user = server.client();
    assert_eq!(
        sign_in_from(&server, &user, home, ADMIN_AGENT, PASSWORD)
            .await
            .0,
        200,
        "the user's usual place"
    );

    // A stranger guesses until refused.
    let attacker = server.client();
    for _ in 0..5 {
        assert_eq!(
            sign_in_from(&server, &attacker, stranger, ADMIN_AGENT, "guess")
                .await
                .0,
            401
        );
    }
    let (status, body) = sign_in_from(&server, &attacker, stranger, ADMIN_AGENT, PASSWORD).await;
    assert_eq!(
        status, 429,
        "even the right password is refused to the guesser"
    );
    assert!(body["error"]["retry_after_seconds"].as_u64().unwrap() <= 15 * 60);

    // The user signs in from home at once; from a new place only after the window.
    assert_eq!(
        sign_in_from(&server, &server.client(), home, ADMIN_AGENT, PASSWORD)
            .await
            .0,
        200
    );
    assert_eq!(
        sign_in_from(&server, &server.client(), new_place, ADMIN_AGENT, PASSWORD)
            .await
            .0,
        429
    );
    server.clock.advance(Span::minutes(15) + Span::seconds(1));
    assert_eq!(
        sign_in_from(&server, &server.client(), new_place, ADMIN_AGENT, PASSWORD)
            .await
            .0,
        200,
        "within the promised 15 minutes"
    );
}

async fn addresses_longer_than_254_characters_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = format!("{}@northwind.example", "a".repeat(290));
    let (status, body) = server
        .post_json(
            &server.client(),
            "/api/v1/sessions",
            &json!({"email": email, "password": "x"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(error_code(&body), "validation_failed");
    assert_eq!(body["error"]["field_codes"]["email"], "too_long");
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(GLOBAL_ADMIN).await;
    let responses = [
        (
            "an app page",
            client.get(server.url("/customers")).send().await.unwrap(),
        ),
        (
            "an API answer",
            client
                .get(server.url("/api/v1/customers"))
                .send()
                .await
                .unwrap(),
        ),
        (
            "an API error",
            client
                .get(server.url("/api/v1/nothing"))
                .send()
                .await
                .unwrap(),
        ),
        (
            "a CSV export",
            client
                .get(server.url("/api/v1/activity-log?format=csv"))
                .send()
                .await
                .unwrap(),
        ),
    ];
    for (what, res) in &responses {
        let header = |name: &str| {
            res.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{what}: {csp}"
        );
        assert!(
            csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
            "{what}: {csp}"
        );
        assert!(
            csp.contains("'sha256-"),
            "{what}: the inline loader is allowed by its hash: {csp}"
        );
        assert_eq!(header("x-frame-options"), "DENY", "{what}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header("referrer-policy"), "same-origin", "{what}");
        if what.starts_with("an API") || what.starts_with("a CSV") {
            assert_eq!(header("cache-control"), "no-store", "{what}");
        }
    }
    assert!(responses[3].1.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
}

async fn cross_site_writes_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    // A form another site's page posts, and the same as multipart: refused before anything else.
    for content_type in [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
    ] {
        let res = client
            .post(server.url("/api/v1/sessions"))
            .header("origin", "https://evil.example")
            .header("content-type", content_type)
            .body("email=a%40b.example&password=x")
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(res).await;
        assert_eq!(
            (status, error_code(&body)),
            (403, "forbidden"),
            "{content_type}"
        );
    }
    let res = client
        .delete(server.url("/api/v1/session"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        403,
        "fetch metadata says another site sent it"
    );
    // The app's own requests (same origin) and scripts (no Origin) pass the check.
    let res = client
        .post(server.url("/api/v1/sessions"))
        .header("origin", server.base.clone())
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, _) = server
        .post_json(
            &server.client(),
            "/api/v1/sessions",
            &json!({"email": ADMIN_AGENT, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 200);
}

async fn sessions_end_after_two_idle_hours_and_twelve_hours_in_all(backend: Backend) {
    let server = TestServer::start(backend).await;
    let busy = server.signed_in(GLOBAL_ADMIN).await;
    let dozing = server.signed_in(ADMIN_AGENT).await;
    let idle = server.signed_in(ACCOUNT_ADMIN).await;
    for hour in 1..=12 {
        server.clock.advance(Span::hours(1));
        let expected = if hour < 12 { 200 } else { 401 };
        assert_eq!(
            server.get_json(&busy, "/api/v1/session").await.0,
            expected,
            "used every hour, {hour} h after sign-in"
        );
        match hour {
            // Used every 1 h 59 min: stays signed in.
            2 => {
                server.clock.advance(Span::minutes(-1));
                assert_eq!(
                    server.get_json(&dozing, "/api/v1/session").await.0,
                    200,
                    "idle for 1 h 59 min"
                );
                server.clock.advance(Span::minutes(1));
            }
            4 => {
                server.clock.advance(Span::minutes(-2));
                assert_eq!(
                    server.get_json(&dozing, "/api/v1/session").await.0,
                    200,
                    "idle for 1 h 58 min"
                );
                server.clock.advance(Span::minutes(2));
                assert_eq!(
                    server.get_json(&idle, "/api/v1/session").await.0,
                    401,
                    "idle for 4 h"
                );
            }
            _ => {}
        }
    }
}

async fn expired_sessions_are_pruned(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.signed_in(ADMIN_AGENT).await;
    server.signed_in(GLOBAL_ADMIN).await;
    let live = server.signed_in(CONTOSO_USER).await;
    server.clock.advance(Span::hours(3));
    assert_eq!(server.get_json(&live, "/api/v1/session").await.0, 401);
    let fresh = server.signed_in(SUPPORT).await;
    csp_server::workers::prune(server.state.clone())
        .await
        .unwrap();
    assert_eq!(
        server.count("SELECT COUNT(*) FROM sessions").await,
        1,
        "only the fresh session is left"
    );
    assert_eq!(server.get_json(&fresh, "/api/v1/session").await.0, 200);
}

/// SIGTERM while a request is half sent: the request is answered, then the process exits 0.
#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let dist = app_shell(dir.path());
    let url = format!("sqlite://{}/app.db", dir.path().display());
    let mut replica = Replica::start(&url, &dist, &[]);
    let address = replica.base.trim_start_matches("http://").to_string();

    let body = json!({"email": ADMIN_AGENT, "password": PASSWORD}).to_string();
    let mut stream = TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST /api/v1/sessions HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    // The server has taken the half-sent request's connection once it answers a later one.
    let mut probe = TcpStream::connect(&address).unwrap();
    write!(
        probe,
        "GET /api/v1/session HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    probe.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let pid = replica.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    // Shutting down, it stops taking connections: then the rest of the body goes out.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&address).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "still taking connections"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "the request in flight was answered: {response:?}"
    );
    assert!(response.contains("\"user\""), "{response}");

    let status = wait_for_exit(&mut replica.child, Duration::from_secs(15))
        .expect("the server exits after SIGTERM");
    assert!(status.success(), "exit status {status:?}");
}

fn wait_for_exit(
    child: &mut std::process::Child,
    limit: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}
