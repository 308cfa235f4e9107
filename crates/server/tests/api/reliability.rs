//! Keeps working under abuse and faults: upload quotas, caps and allowances; slow clients and
//! strangers' large bodies; sign-in limits by network; deep links from the public URL only;
//! an old database upgraded with its files; SQLite backup and restore under load; PostgreSQL
//! stopped and started again under a running server; pg_dump and pg_restore as the README
//! gives them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::Duration as Span;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use sqlx::{Connection, Executor};

use crate::helpers::*;

on_both_backends!(
    uploads_beyond_the_quota_are_refused_while_other_partners_upload,
    an_upload_beyond_the_concurrency_cap_is_refused_at_once,
    a_user_uploads_at_most_the_hourly_allowance,
    slow_clients_are_cut_off_and_keep_nobody_out,
    a_strangers_large_body_is_not_read,
    sign_in_limits_count_networks_not_addresses,
    failures_from_everywhere_slow_sign_ins_but_lock_nobody_out,
    deep_links_come_from_the_public_url_only,
    an_old_database_is_upgraded_with_its_files,
    over_https_the_cookie_is_secure_and_answers_carry_hsts,
);

/// Behind a TLS-terminating balancer (an `https://` PUBLIC_URL): the session cookie is
/// `Secure` with the `__Host-` prefix, and every answer asks browsers to keep to HTTPS; over
/// plain HTTP neither.
async fn over_https_the_cookie_is_secure_and_answers_carry_hsts(backend: Backend) {
    let sign_in = |server: &TestServer| {
        server
            .client()
            .post(server.url("/api/v1/sessions"))
            .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
            .send()
    };
    let https = TestServer::start_with(backend, |config| {
        config.public_url = Some("https://csp.example.com".into());
        config.cookie_secure = true;
    })
    .await;
    let res = sign_in(&https).await.unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-csp_session=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let page = https
        .client()
        .get(https.url("/sign-in"))
        .send()
        .await
        .unwrap();
    assert!(page.headers().contains_key("strict-transport-security"));

    let plain = TestServer::start(backend).await;
    let res = sign_in(&plain).await.unwrap();
    assert!(!res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
    assert!(!res.headers().contains_key("strict-transport-security"));
}

mod sqlite_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_backup_taken_under_load_restores_the_same_orders_credits_and_log() {
        super::backup_under_load_then_restore().await
    }
}

mod postgres_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_stopped_mid_run_answers_503_then_recovers_by_itself() {
        super::postgres_outage().await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_readmes_pg_dump_and_pg_restore_commands_carry_everything_over() {
        super::pg_dump_and_restore().await
    }
}

const FABRIKAM: &str = "fabrikam-resellers.example";

fn billing_form(title: &str, files: Vec<(&str, Vec<u8>)>) -> Form {
    let mut form = Form::new()
        .text("problem_type", "billing")
        .text("impact", "low")
        .text("title", title.to_string())
        .text("contact_name", "Avery Agent")
        .text("contact_email", "avery@northwind.example")
        .text("contact_phone", "+1 425 555 0100");
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_string()));
    }
    form
}

async fn file(server: &TestServer, client: &reqwest::Client, form: Form) -> (u16, Value) {
    json_of(
        client
            .post(server.url("/api/v1/support-requests"))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(size, b'x');
    bytes
}

async fn uploads_beyond_the_quota_are_refused_while_other_partners_upload(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.uploads.quota_bytes = 1_000_000;
        config.uploads.quota_files = 3;
    })
    .await;
    let files_before = server.count("SELECT COUNT(*) FROM stored_files").await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let form = billing_form(
        "Two scans",
        vec![("a.pdf", pdf(400_000)), ("b.pdf", pdf(400_000))],
    );
    let (status, body) = file(&server, &agent, form).await;
    assert_eq!(status, 201, "{body}");
    // 800 000 bytes kept: one more of 400 000 does not fit.
    let (status, body) = file(
        &server,
        &agent,
        billing_form("A third", vec![("c.pdf", pdf(400_000))]),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "quota_exceeded"),
        "{body}"
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("MB"));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM stored_files").await,
        files_before + 2,
        "nothing of the refused upload stays stored"
    );
    // A request without files, and a small file that fits, still go through.
    let (status, _) = file(&server, &agent, billing_form("No files", vec![])).await;
    assert_eq!(status, 201);
    let (status, _) = file(
        &server,
        &agent,
        billing_form("Small", vec![("d.txt", b"fits".to_vec())]),
    )
    .await;
    assert_eq!(status, 201);
    // The count counts too: a fourth file does not fit, however small.
    let (status, body) = file(
        &server,
        &agent,
        billing_form("Tiny", vec![("e.txt", b"x".to_vec())]),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "quota_exceeded"),
        "{body}"
    );
    // Another partner has its own quota.
    let fabrikam = server.signed_in(&format!("admin.agent@{FABRIKAM}")).await;
    let form = billing_form("Fabrikam's scan", vec![("f.pdf", pdf(400_000))]);
    let (status, body) = file(&server, &fabrikam, form).await;
    assert_eq!(status, 201, "{body}");
}

/// The session cookie of a fresh sign-in, for raw requests.
async fn session_cookie(server: &TestServer, email: &str) -> String {
    let res = reqwest::Client::new()
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

fn address(server: &TestServer) -> String {
    server.base.trim_start_matches("http://").to_string()
}

/// A multipart body with one file of `size` bytes, and its boundary.
fn multipart_body(size: usize) -> (String, Vec<u8>) {
    let boundary = "csp-test-boundary".to_string();
    let mut body = Vec::new();
    for (name, value) in [
        ("problem_type", "billing"),
        ("impact", "low"),
        ("title", "Held open"),
        ("contact_name", "Avery Agent"),
        ("contact_email", "avery@northwind.example"),
        ("contact_phone", "+1 425 555 0100"),
    ] {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"held.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        )
        .bytes(),
    );
    body.extend(pdf(size));
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (boundary, body)
}

/// Reads one HTTP response from `stream` (headers and a Content-Length body).
fn read_response(stream: &mut TcpStream) -> (u16, String, String) {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "the connection closed before an answer: {:?}",
            String::from_utf8_lossy(&raw)
        );
        raw.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&raw).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if body.len() >= length {
                let status = head.split(' ').nth(1).unwrap().parse().unwrap();
                return (status, head.to_string(), body[..length].to_string());
            }
        }
    }
}

async fn an_upload_beyond_the_concurrency_cap_is_refused_at_once(backend: Backend) {
    let server = TestServer::start_with(backend, |config| config.uploads.max_concurrent = 1).await;
    let cookie = session_cookie(&server, ADMIN_AGENT).await;
    let (boundary, body) = multipart_body(300_000);
    let addr = address(&server);
    // One upload arrives slowly: its headers and half its body, then nothing for a while.
    let held = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "POST /api/v1/support-requests HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        let half = body.len() / 2;
        stream.write_all(&body[..half]).unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        stream.write_all(&body[half..]).unwrap();
        read_response(&mut stream)
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Meanwhile another user's upload is refused at once, with when to retry…
    let global = server.signed_in(GLOBAL_ADMIN).await;
    let res = global
        .post(server.url("/api/v1/support-requests"))
        .multipart(billing_form("Second", vec![("b.txt", b"second".to_vec())]))
        .send()
        .await
        .unwrap();
    assert!(res.headers().contains_key("retry-after"));
    let (status, body) = json_of(res).await;
    assert_eq!(
        (status, error_code(&body)),
        (429, "too_many_uploads"),
        "{body}"
    );
    // …while everything else goes on.
    let (status, _) = server.get_json(&global, "/api/v1/support-requests").await;
    assert_eq!(status, 200);
    let (status, _, body) = tokio::task::spawn_blocking(move || held.join().unwrap())
        .await
        .unwrap();
    assert_eq!(status, 201, "the held upload finishes: {body}");
    // And with the slot free again, the second goes through.
    let (status, body) = file(
        &server,
        &global,
        billing_form("Second", vec![("b.txt", b"second".to_vec())]),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

async fn a_user_uploads_at_most_the_hourly_allowance(backend: Backend) {
    let server =
        TestServer::start_with(backend, |config| config.uploads.per_user_per_hour = 2).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    for n in 0..2 {
        let (status, body) = file(
            &server,
            &agent,
            billing_form("Scan", vec![("a.txt", format!("{n}").into_bytes())]),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let res = agent
        .post(server.url("/api/v1/support-requests"))
        .multipart(billing_form("Third", vec![("c.txt", b"three".to_vec())]))
        .send()
        .await
        .unwrap();
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    let (status, body) = json_of(res).await;
    assert_eq!(
        (status, error_code(&body)),
        (429, "too_many_uploads"),
        "{body}"
    );
    // A request without files is not an upload; another user has an allowance of their own.
    let (status, _) = file(&server, &agent, billing_form("No files", vec![])).await;
    assert_eq!(status, 201);
    let owner = server.signed_in(OWNER).await;
    let (status, _) = file(
        &server,
        &owner,
        billing_form("Owner's", vec![("o.txt", b"o".to_vec())]),
    )
    .await;
    assert_eq!(status, 201);
    // An hour later the user may upload again.
    server.clock.advance(Span::minutes(61));
    let agent = server.signed_in(ADMIN_AGENT).await;
    let (status, body) = file(
        &server,
        &agent,
        billing_form("Later", vec![("d.txt", b"later".to_vec())]),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// Whether the server closed `stream` (a read returns 0 or fails) within `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

async fn slow_clients_are_cut_off_and_keep_nobody_out(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.serving.header_timeout = Duration::from_secs(1);
        config.serving.body_idle_timeout = Duration::from_secs(1);
    })
    .await;
    let addr = address(&server);
    // 200 clients that send their headers a few bytes at a time, and then nothing.
    let slow: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut stream = TcpStream::connect(&addr).unwrap();
            stream
                .write_all(b"GET /api/v1/session HTTP/1.1\r\nHo")
                .unwrap();
            stream
        })
        .collect();
    // A real user signs in meanwhile.
    let user = server.signed_in(ADMIN_AGENT).await;
    let (status, _) = server.get_json(&user, "/api/v1/customers").await;
    assert_eq!(status, 200);
    // The slow ones are closed once their time is up.
    let closed = tokio::task::spawn_blocking(move || {
        slow.into_iter()
            .filter_map(|mut s| closed_within(&mut s, Duration::from_secs(5)).then_some(()))
            .count()
    })
    .await
    .unwrap();
    assert_eq!(closed, 200, "every slow client was cut off");

    // A body that stops arriving is answered 408, for JSON and for uploads alike.
    let cookie = session_cookie(&server, ADMIN_AGENT).await;
    for (path, content_type) in [
        ("/api/v1/sessions", "application/json".to_string()),
        (
            "/api/v1/support-requests",
            "multipart/form-data; boundary=csp-test-boundary".to_string(),
        ),
    ] {
        let mut stream = TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nContent-Type: {content_type}\r\n\
             Content-Length: 100000\r\n\r\n--csp-test-boundary\r\n"
        )
        .unwrap();
        let (status, _, body) = tokio::task::spawn_blocking(move || read_response(&mut stream))
            .await
            .unwrap();
        assert_eq!(status, 408, "{path}: {body}");
        assert!(body.contains("\"request_timeout\""), "{body}");
    }
}

async fn a_strangers_large_body_is_not_read(backend: Backend) {
    let server = TestServer::start(backend).await;
    // Refused for want of a session (401), or for a route that is not there (404): either
    // way the stranger has no session, and the server does not read on.
    for (path, expected) in [("/api/v1/support-requests", 401), ("/api/nowhere", 404)] {
        let addr = address(&server);
        let (boundary, _) = multipart_body(0);
        let read = tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(addr).unwrap();
            let announced = 30 * 1024 * 1024;
            write!(
                stream,
                "POST {path} HTTP/1.1\r\nHost: x\r\n\
                 Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {announced}\r\n\r\n"
            )
            .unwrap();
            // The answer comes before the body, and says the connection will close.
            let (status, head, body) = read_response(&mut stream);
            // The server reads a little more, then no more: writing the rest fails long
            // before 30 MB (what the kernel buffers on both sides is a few MB at most).
            let chunk = vec![b'a'; 64 * 1024];
            let mut sent = 0;
            stream.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
            while sent < announced {
                match stream.write(&chunk) {
                    Ok(n) => sent += n,
                    Err(_) => break,
                }
            }
            (status, head, body, sent)
        })
        .await
        .unwrap();
        let (status, head, body, sent) = read;
        assert_eq!(status, expected, "{path}: {body}");
        assert!(
            head.to_ascii_lowercase().contains("connection: close"),
            "{path}: {head}"
        );
        assert!(
            sent < 16 * 1024 * 1024,
            "{path}: the server read {sent} bytes of a stranger's body"
        );
    }
}

/// A server that reads the client address from `X-Forwarded-For`.
async fn behind_a_proxy(
    backend: Backend,
    configure: impl FnOnce(&mut csp_server::Config),
) -> TestServer {
    TestServer::start_with(backend, |config| {
        config.trust_proxy = true;
        configure(config);
    })
    .await
}

async fn sign_in_from(server: &TestServer, ip: &str, email: &str, password: &str) -> u16 {
    server
        .client()
        .post(server.url("/api/v1/sessions"))
        .header("x-forwarded-for", ip)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn sign_in_limits_count_networks_not_addresses(backend: Backend) {
    let server = behind_a_proxy(backend, |_| {}).await;
    // Spraying accounts from 20 addresses of one /24 is one network spraying.
    let mut statuses = Vec::new();
    for i in 0..20 {
        let ip = format!("203.0.113.{}", i + 1);
        statuses
            .push(sign_in_from(&server, &ip, &format!("user{i}@northwind.example"), "guess").await);
    }
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
    // Guessing one account by walking through an IPv6 /64 is guessing from one place.
    let mut statuses = Vec::new();
    for i in 0..7 {
        let ip = format!("2001:db8:77:1:{:x}::{:x}", i * 7919 + 1, i + 1);
        statuses.push(sign_in_from(&server, &ip, ACCOUNT_ADMIN, "guess").await);
    }
    assert_eq!(&statuses[..5], &[401; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    // Another /64 and another /24 are other places.
    assert_eq!(
        sign_in_from(&server, "2001:db8:77:2::1", OWNER, PASSWORD).await,
        200
    );
    assert_eq!(
        sign_in_from(&server, "203.0.114.9", ADMIN_AGENT, PASSWORD).await,
        200
    );
}

async fn failures_from_everywhere_slow_sign_ins_but_lock_nobody_out(backend: Backend) {
    let server = behind_a_proxy(backend, |config| {
        config.sign_in.alert_from_unknown_networks = 20;
        config.sign_in.slow_down = Duration::from_millis(200);
    })
    .await;
    // A distributed attack: 40 failures from 40 networks, on many addresses.
    for i in 0..40 {
        let ip = format!("198.18.{i}.7");
        let status = sign_in_from(
            &server,
            &ip,
            &format!("victim{i}@northwind.example"),
            "guess",
        )
        .await;
        assert_eq!(status, 401, "attempt {i} is checked, slowed or not");
    }
    // Far past the alert: a real user still signs in from a network never seen before.
    assert_eq!(
        sign_in_from(&server, "192.0.2.200", GLOBAL_ADMIN, PASSWORD).await,
        200
    );
    assert_eq!(
        sign_in_from(&server, "2001:db8:99::5", ADMIN_AGENT, PASSWORD).await,
        200
    );
}

async fn deep_links_come_from_the_public_url_only(backend: Backend) {
    let server = TestServer::start_with(backend, |config| {
        config.public_url = Some("https://csp.example.com/".into());
        config.cookie_secure = false; // the test speaks plain HTTP
    })
    .await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let (_, found) = server
        .get_json(&agent, "/api/v1/customers?q=contoso.onmicrosoft.com")
        .await;
    let contoso = found["items"][0]["id"].as_str().unwrap().to_string();
    let res = agent
        .get(server.url(&format!("/api/v1/customers/{contoso}/deep-link")))
        .header("host", "evil.example")
        .header("x-forwarded-proto", "http")
        .send()
        .await
        .unwrap();
    let (status, link) = json_of(res).await;
    assert_eq!(status, 200);
    let url = link["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://csp.example.com/admin-center/"),
        "{url}"
    );
}

/// A database of the release before streamed files (migration 11), which kept a file's bytes
/// in its attachment row, upgraded by this one.
async fn an_old_database_is_upgraded_with_its_files(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(backend, dir.path()).await;
    let db = csp_server::store::Db::connect(&url, &Default::default())
        .await
        .unwrap();
    csp_server::store::migrate::run_up_to(&db, 10)
        .await
        .unwrap();
    // A partner of the old release with a support request and its file, as that schema kept
    // them (the file's bytes in the attachment row).
    let content: Vec<u8> = "an old invoice, 发票\n".repeat(1000).into_bytes();
    let mut conn = db.conn().await.unwrap();
    for sql in [
        "INSERT INTO partners (id, name, created_at) VALUES ('0a0a0a0a-0000-4000-8000-000000000001', 'Old Partner', '2025-01-01T00:00:00.000Z')",
        "INSERT INTO support_requests (id, number, partner_id, problem_type, title, status, customer, created_at, impact, updated_at) \
         VALUES ('0a0a0a0a-0000-4000-8000-000000000002', 9000001, '0a0a0a0a-0000-4000-8000-000000000001', 'billing', 'From the old release', 'new', '', '2025-01-02T00:00:00.000Z', 'low', '2025-01-02T00:00:00.000Z')",
    ] {
        conn.execute(sql).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO support_attachments (id, request_id, file_name, content_type, size_bytes, content, uploaded_by, uploaded_at) \
         VALUES ('0a0a0a0a-0000-4000-8000-000000000003', '0a0a0a0a-0000-4000-8000-000000000002', 'old.txt', 'text/plain; charset=utf-8', $1, $2, 'Old User', '2025-01-02T00:00:00.000Z')",
    )
    .bind(content.len() as i64)
    .bind(content.clone())
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    db.close().await;

    // The current release opens it, migrates it and serves the old file whole.
    let server = TestServer::start_on(&url, dir).await;
    assert_eq!(
        server
            .count("SELECT MAX(version) FROM schema_migrations")
            .await,
        csp_server::store::migrate::latest()
    );
    let agent = server.signed_in(SUPPORT).await;
    let (status, request) = server
        .get_json(
            &agent,
            "/api/v1/support-requests/0a0a0a0a-0000-4000-8000-000000000002",
        )
        .await;
    assert_eq!(status, 200, "{request}");
    assert_eq!(request["title"], "From the old release");
    let res = agent
        .get(server.url("/api/v1/support-requests/0a0a0a0a-0000-4000-8000-000000000002/attachments/0a0a0a0a-0000-4000-8000-000000000003"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), content);
}

/// `csp-server SUBCOMMAND ARGS` on `url`: its exit status and what it printed.
fn run_server_command(args: &[&str], url: &str) -> (bool, String) {
    let out = Command::new(SERVER)
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// What a database holds that a backup must carry over: for orders, credits, activity log
/// entries and support requests, how many and a digest of their ids.
async fn contents(url: &str) -> Vec<(String, usize, String)> {
    use sha2::{Digest, Sha256};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let mut all = Vec::new();
    for table in ["orders", "credits", "activity_log", "support_requests"] {
        let ids: Vec<String> =
            sqlx::query_scalar(&format!("SELECT CAST(id AS TEXT) FROM {table} ORDER BY 1"))
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let digest = hex::encode(Sha256::digest(ids.join(",").as_bytes()));
        all.push((table.to_string(), ids.len(), digest[..16].to_string()));
    }
    all
}

/// Places orders, cancels some (credits) and reveals keys (activity log) until told to stop.
async fn write_load(base: String, stop: tokio::sync::watch::Receiver<bool>) -> usize {
    // A client of the replica at `base`, signed in as `email`, and a GET read as JSON.
    let signed_in = |email: &'static str| {
        let base = base.clone();
        async move {
            let client = reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap();
            client
                .post(format!("{base}/api/v1/sessions"))
                .json(&json!({"email": email, "password": PASSWORD}))
                .send()
                .await
                .unwrap();
            client
        }
    };
    let get = |client: &reqwest::Client, path: String| {
        let request = client.get(format!("{base}{path}"));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let agent = signed_in(ADMIN_AGENT).await;
    let found = get(&agent, "/api/v1/customers?q=contoso.onmicrosoft.com".into()).await;
    let customer = found["items"][0]["id"].as_str().unwrap().to_string();
    let offers = get(&agent, format!("/api/v1/customers/{customer}/offers")).await;
    let offer = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| {
            o["available"] == true
                && o["cancellation_window_days"].is_number()
                && o["kind"] == "software_subscription"
        })
        .unwrap()
        .clone();
    // The customer's admin reveals a product key (an activity-log row) with each order.
    let customer_admin = signed_in("admin@contoso.onmicrosoft.com").await;
    let software = get(&customer_admin, "/api/v1/tenant/software".into()).await;
    let keyed = software["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["has_keys"] == true)
        .expect("Contoso has a purchase with keys")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut written = 0;
    while !*stop.borrow() {
        let res = customer_admin
            .post(format!("{base}/api/v1/tenant/software/{keyed}/key-reveals"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "a key revealed");
        let res = agent
            .post(format!("{base}/api/v1/customers/{customer}/orders"))
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(&json!({"line_items": [{"offer_id": offer["id"], "quantity": offer["min_quantity"]}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let order: Value = res.json().await.unwrap();
        written += 1;
        if written % 2 == 0 {
            let res = agent
                .post(format!(
                    "{base}/api/v1/customers/{customer}/orders/{}/cancellation",
                    order["id"].as_str().unwrap()
                ))
                .json(&json!({"confirm": true}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 202);
        }
    }
    written
}

async fn backup_under_load_then_restore() {
    let dir = tempfile::tempdir().unwrap();
    let dist = app_shell(dir.path());
    let database = dir.path().join("live.db");
    let url = format!("sqlite://{}", database.display());
    let replica = Replica::start(&url, &dist, &[("CANCELLATION_DELAY_SECS", "0")]);
    let seeded = contents(&url).await;
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let load = tokio::spawn(write_load(replica.base.clone(), stopping));
    tokio::time::sleep(Duration::from_millis(800)).await;
    // The backup is taken while orders, cancellations and credits are being written.
    let backup = dir.path().join("backup.db");
    let command_url = url.clone();
    let backup_path = backup.clone();
    let (ok, printed) = tokio::task::spawn_blocking(move || {
        run_server_command(&["backup", backup_path.to_str().unwrap()], &command_url)
    })
    .await
    .unwrap();
    assert!(ok, "{printed}");
    assert!(printed.contains("Backed up"), "{printed}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = stop.send(true);
    let written = load.await.unwrap();
    assert!(written >= 4, "the load wrote {written} orders");
    let backup_url = format!("sqlite://{}?mode=ro", backup.display());
    let saved = contents(&backup_url).await;
    assert!(
        saved[0].1 > seeded[0].1 && saved[1].1 > 0 && saved[2].1 > seeded[2].1,
        "orders and key reveals written under load, and credits, are in the backup: {seeded:?} → {saved:?}"
    );
    let live = contents(&url).await;
    assert_ne!(saved, live, "writes went on after the backup");

    // A restore is refused while a server runs on the database…
    let (ok, printed) = run_server_command(&["restore", backup.to_str().unwrap()], &url);
    assert!(!ok && printed.contains("stop it first"), "{printed}");
    // …and done once it stopped: the database is the backup, and a server starts on it.
    drop(replica);
    let (ok, printed) = run_server_command(&["restore", backup.to_str().unwrap()], &url);
    assert!(ok, "{printed}");
    assert_eq!(contents(&url).await, saved);
    assert!(dir.path().join("live.db.before-restore").exists());
    let restarted = Replica::start(&url, &dist, &[]);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = client
        .post(format!("{}/api/v1/sessions", restarted.base))
        .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // A file that is not a database is refused, and the database stays as it was (the
    // restarted server booked the credits of the cancellations the backup held pending).
    drop(restarted);
    let before = contents(&url).await;
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let (ok, printed) = run_server_command(&["restore", junk.to_str().unwrap()], &url);
    assert!(!ok && printed.contains("junk.db"), "{printed}");
    assert_eq!(contents(&url).await, before);
}

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts")
}

/// `scripts/pg-cluster.sh COMMAND DIR`: its output's last line (the URL for init and start).
/// The cluster keeps PostgreSQL's durability: a commit survives an abrupt stop.
fn pg_cluster(command: &str, dir: &Path) -> String {
    let out = Command::new(scripts().join("pg-cluster.sh"))
        .arg(command)
        .arg(dir)
        .env("PG_DURABLE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pg-cluster.sh {command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .lines()
        .last()
        .unwrap_or("")
        .to_string()
}

async fn postgres_outage() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = dir.path().join("pg");
    let url = pg_cluster("init", &cluster);
    // Requests wait a second for a connection before they are answered 503 (10 by default).
    let server = TestServer::start_on_with(&url, tempfile::tempdir().unwrap(), |config| {
        config.db.acquire_timeout = Duration::from_secs(1);
    })
    .await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let (status, _) = server.get_json(&agent, "/api/v1/customers").await;
    assert_eq!(status, 200);

    // The database goes away (as a crash or a failover would take it).
    pg_cluster("stop", &cluster);
    for path in [
        "/api/v1/session",
        "/api/v1/support-requests",
        "/api/v1/invoices/2026-01",
    ] {
        let res = agent.get(server.url(path)).send().await.unwrap();
        assert!(res.headers().contains_key("retry-after"), "{path}");
        let (status, body) = json_of(res).await;
        assert_eq!(
            (status, error_code(&body)),
            (503, "unavailable"),
            "{path}: {body}"
        );
    }
    let res = server
        .client()
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": GLOBAL_ADMIN, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!((status, error_code(&body)), (503, "unavailable"), "{body}");
    // A load balancer is told: alive, not ready.
    let (status, _) = server.get_json(&server.client(), "/healthz").await;
    assert_eq!(status, 200);
    let (status, ready) = server.get_json(&server.client(), "/readyz").await;
    assert_eq!(
        (status, &ready["status"]),
        (503, &json!("not_ready")),
        "{ready}"
    );

    // It comes back: the same server answers again, without a restart, and the session
    // signed in before the outage still holds.
    pg_cluster("start", &cluster);
    let mut statuses = Vec::new();
    for _ in 0..50 {
        let (status, _) = server.get_json(&agent, "/api/v1/customers").await;
        statuses.push(status);
        if status != 503 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        statuses.last(),
        Some(&200),
        "the server recovered by itself: {statuses:?}"
    );
    let (status, _) = server.get_json(&server.client(), "/readyz").await;
    assert_eq!(status, 200, "ready again");
    let global = server.signed_in(GLOBAL_ADMIN).await;
    let (status, _) = server.get_json(&global, "/api/v1/billing-profile").await;
    assert_eq!(status, 200);
    drop(server);
    pg_cluster("remove", &cluster);
}

async fn pg_dump_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let source_url = fresh_database(Backend::Postgres, dir.path()).await;
    let server = TestServer::start_on(&source_url, tempfile::tempdir().unwrap()).await;
    // Some writes of every kind worth keeping.
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let load = tokio::spawn(write_load(server.base.clone(), stopping));
    tokio::time::sleep(Duration::from_millis(600)).await;
    let _ = stop.send(true);
    load.await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await; // the credits of the cancellations
    let saved = contents(&source_url).await;

    // The README's commands: pg_dump in the custom format, pg_restore into an empty database.
    let bin = PathBuf::from(pg_cluster_bin());
    let dump = dir.path().join("csp.dump");
    let status = Command::new(bin.join("pg_dump"))
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(&dump)
        .arg(&source_url)
        .status()
        .unwrap();
    assert!(status.success());
    let target_url = fresh_database(Backend::Postgres, dir.path()).await;
    let status = Command::new(bin.join("pg_restore"))
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&target_url)
        .arg(&dump)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(contents(&target_url).await, saved);
    // A server starts on the restored database and signs people in.
    let restored = TestServer::start_on(&target_url, tempfile::tempdir().unwrap()).await;
    let agent = restored.signed_in(ADMIN_AGENT).await;
    let (status, _) = restored.get_json(&agent, "/api/v1/customers").await;
    assert_eq!(status, 200);
}

fn pg_cluster_bin() -> String {
    let out = Command::new(scripts().join("pg-cluster.sh"))
        .arg("bin")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
