//! Notifications (the outbox): every change is one event, delivered to a real webhook receiver
//! started here (signature checked, retries after 500s, one success per event id) and as mail
//! to a real SMTP server (maildev from npm) in each recipient's language; deliveries survive a
//! SIGKILL, two replicas send each once, and endpoints on private addresses are refused;
//! reminders before a term ends or a cancellation window closes reach the Admin agents once.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use csp_domain::Clock;
use hmac::{Hmac, Mac};
use reqwest::multipart::Form;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::*;

on_both_backends!(
    every_change_is_one_signed_event_and_a_refused_change_none,
    a_failing_receiver_gets_retries_and_one_success_per_event,
    an_endpoint_that_keeps_failing_is_switched_off_and_its_admins_are_told,
    mail_reaches_each_recipient_in_their_language_unless_switched_off,
    two_replicas_deliver_each_event_once,
    only_global_admins_manage_endpoints_and_never_on_private_addresses,
    a_delivery_cut_by_sigkill_is_made_again_after_restart,
    deadline_reminders_reach_the_admin_agents_once_in_their_language,
);

// ---- a webhook receiver ----

#[derive(Debug, Clone)]
struct Received {
    event_id: String,
    signature: String,
    body: String,
    answered: u16,
}

#[derive(Default)]
struct Behaviour {
    /// Answer 500 to the first N attempts of each event.
    fail_first: u32,
    /// Answer 500 always.
    fail_always: bool,
    /// Wait this long before answering.
    delay: Duration,
}

#[derive(Clone, Default)]
struct Receiver {
    /// Requests that arrived, answered or not.
    arrived: Arc<std::sync::atomic::AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

impl Receiver {
    /// Listens on loopback; returns the receiver and the URL to register.
    async fn start() -> (Receiver, String) {
        let receiver = Receiver::default();
        let app = axum::Router::new()
            .route("/hook", post(receive))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, url)
    }

    fn set(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.behaviour.lock().unwrap());
    }

    fn arrivals(&self) -> usize {
        self.arrived.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The bodies answered 2xx, as JSON.
    fn delivered(&self) -> Vec<Value> {
        self.all()
            .iter()
            .filter(|r| r.answered == 200)
            .map(|r| serde_json::from_str(&r.body).unwrap())
            .collect()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let event_id = header("webhook-id");
    receiver
        .arrived
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let (fail_first, fail_always, delay) = {
        let b = receiver.behaviour.lock().unwrap();
        (b.fail_first, b.fail_always, b.delay)
    };
    tokio::time::sleep(delay).await;
    let mut received = receiver.received.lock().unwrap();
    let earlier = received.iter().filter(|r| r.event_id == event_id).count() as u32;
    let answered = if fail_always || earlier < fail_first {
        500
    } else {
        200
    };
    received.push(Received {
        event_id,
        signature: header("webhook-signature"),
        body: String::from_utf8(body.to_vec()).unwrap(),
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}

/// Checks `signature` (`t=…,v1=…[,v1=…]`) against `body` as a receiver would: one of the
/// `v1` values is the HMAC-SHA256 of "<t>.<body>" with `secret`.
fn signed_with(secret: &str, signature: &str, body: &str) -> bool {
    let mut t = None;
    let mut candidates = Vec::new();
    for part in signature.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = Some(v.to_string()),
            Some(("v1", v)) => candidates.push(v.to_string()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    candidates.contains(&expected)
}

/// Waits (up to 20 s) until `check` passes.
async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(found) = check() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

const ALL_TYPES: [&str; 6] = [
    "order.created",
    "cancellation.requested",
    "cancellation.completed",
    "credit.created",
    "support_request.created",
    "support_request.updated",
];

/// Registers `url` for `events` as a Global admin of Northwind; returns the endpoint.
async fn register(
    server: &TestServer,
    admin: &reqwest::Client,
    url: &str,
    events: &[&str],
) -> Value {
    let (status, body) = server
        .post_json(
            admin,
            "/api/v1/webhooks",
            &json!({"url": url, "events": events}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body["secret"].as_str().unwrap().starts_with("whsec_"),
        "{body}"
    );
    body
}

async fn contoso(server: &TestServer, client: &reqwest::Client) -> String {
    let (_, found) = server
        .get_json(client, "/api/v1/customers?q=contoso.onmicrosoft.com")
        .await;
    found["items"][0]["id"].as_str().unwrap().to_string()
}

/// Places a one-line order of Windows Server 2022 Standard (1 year) for `customer`.
async fn place_order(
    server: &TestServer,
    client: &reqwest::Client,
    customer: &str,
) -> (u16, Value) {
    let (_, offers) = server
        .get_json(client, &format!("/api/v1/customers/{customer}/offers"))
        .await;
    let offer = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["product_name"] == "Windows Server 2022 Standard" && o["term"] == "P1Y")
        .unwrap()
        .clone();
    let res = client
        .post(server.url(&format!("/api/v1/customers/{customer}/orders")))
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&json!({"line_items": [{"offer_id": offer["id"], "quantity": 2}]}))
        .send()
        .await
        .unwrap();
    json_of(res).await
}

async fn cancel(
    server: &TestServer,
    client: &reqwest::Client,
    customer: &str,
    order: &str,
) -> (u16, Value) {
    server
        .post_json(
            client,
            &format!("/api/v1/customers/{customer}/orders/{order}/cancellation"),
            &json!({"confirm": true}),
        )
        .await
}

async fn file_request(server: &TestServer, client: &reqwest::Client, title: &str) -> Value {
    let form = Form::new()
        .text("problem_type", "billing")
        .text("impact", "low")
        .text("title", title.to_string())
        .text("contact_name", "Avery Agent")
        .text("contact_email", "avery@northwind.example")
        .text("contact_phone", "+1 425 555 0100");
    let res = client
        .post(server.url("/api/v1/support-requests"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(status, 201, "{body}");
    body
}

async fn every_change_is_one_signed_event_and_a_refused_change_none(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (receiver, url) = Receiver::start().await;
    let owner = server.signed_in(OWNER).await;
    let hook = register(&server, &owner, &url, &ALL_TYPES).await;
    let secret = hook["secret"].as_str().unwrap().to_string();

    // An order, its cancellation (processed by the worker once due), a support request, a
    // status change and a comment by support.
    let customer = contoso(&server, &owner).await;
    let (status, order) = place_order(&server, &owner, &customer).await;
    assert_eq!(status, 201, "{order}");
    let order_id = order["id"].as_str().unwrap();
    let (status, body) = cancel(&server, &owner, &customer, order_id).await;
    assert_eq!(status, 202, "{body}");
    // Refused changes record nothing: a second cancellation, an order of an unknown offer.
    let (status, _) = cancel(&server, &owner, &customer, order_id).await;
    assert_eq!(status, 409);
    let res = owner
        .post(server.url(&format!("/api/v1/customers/{customer}/orders")))
        .header("idempotency-key", "refused-order")
        .json(&json!({"line_items": [{"offer_id": uuid::Uuid::new_v4(), "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    server.clock.advance(chrono::Duration::seconds(10));

    let request = file_request(&server, &owner, "Invoice question").await;
    let request_id = request["id"].as_str().unwrap();
    let support = server.signed_in(SUPPORT).await;
    let (status, body) = server
        .patch_json(
            &support,
            &format!("/api/v1/support-requests/{request_id}"),
            &json!({"status": "in_progress", "note": "Looking into it"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let comment = Form::new().text("comment", "Which invoice do you mean?");
    let res = support
        .post(server.url(&format!("/api/v1/support-requests/{request_id}/comments")))
        .multipart(comment)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());

    let expected = [
        "order.created",
        "cancellation.requested",
        "cancellation.completed",
        "credit.created",
        "support_request.created",
        "support_request.updated",
        "support_request.updated",
    ];
    let delivered = eventually("seven deliveries", || {
        let d = receiver.delivered();
        (d.len() >= expected.len()).then_some(d)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let delivered = {
        let again = receiver.delivered();
        assert_eq!(
            again.len(),
            delivered.len(),
            "no more than one delivery per event"
        );
        again
    };
    let mut types: Vec<&str> = delivered
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    types.sort();
    let mut want = expected.to_vec();
    want.sort();
    assert_eq!(types, want);
    for r in receiver.all() {
        assert!(
            signed_with(&secret, &r.signature, &r.body),
            "bad signature on {}",
            r.body
        );
        let event: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(event["id"], r.event_id, "Webhook-Id is the event id");
        assert!(event["created_at"].as_str().is_some());
    }
    let of = |t: &str| delivered.iter().find(|e| e["type"] == t).unwrap().clone();
    assert_eq!(of("order.created")["data"]["order_id"], order_id);
    assert_eq!(of("order.created")["data"]["customer_name"], "Contoso Ltd");
    assert_eq!(of("cancellation.completed")["data"]["order_id"], order_id);
    assert_eq!(of("credit.created")["data"]["source"], "cancellation");
    assert_eq!(
        of("credit.created")["data"]["amount"],
        of("cancellation.completed")["data"]["credit"]
    );
    assert_eq!(
        of("support_request.created")["data"]["title"],
        "Invoice question"
    );
    let updates: Vec<Value> = delivered
        .iter()
        .filter(|e| e["type"] == "support_request.updated")
        .cloned()
        .collect();
    assert!(updates
        .iter()
        .any(|u| u["data"]["change"] == "status_changed"
            && u["data"]["status"] == "in_progress"
            && u["data"]["note"] == "Looking into it"));
    assert!(updates
        .iter()
        .any(|u| u["data"]["change"] == "comment" && u["data"]["by_support"] == true));

    // The delivery log shows them, with the receiver's answer.
    let (status, log) = server
        .get_json(
            &owner,
            &format!(
                "/api/v1/webhooks/{}/deliveries",
                hook["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(status, 200, "{log}");
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), expected.len());
    assert!(
        items.iter().all(|d| d["state"] == "delivered"
            && d["response_status"] == 200
            && d["attempts"] == 1),
        "{log}"
    );
}

async fn a_failing_receiver_gets_retries_and_one_success_per_event(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (receiver, url) = Receiver::start().await;
    receiver.set(|b| b.fail_first = 2);
    let owner = server.signed_in(OWNER).await;
    let hook = register(&server, &owner, &url, &["order.created"]).await;
    let id = hook["id"].as_str().unwrap().to_string();
    let (status, sent) = server
        .post_json(&owner, &format!("/api/v1/webhooks/{id}/test"), &json!({}))
        .await;
    assert_eq!(status, 202, "{sent}");
    let customer = contoso(&server, &owner).await;
    place_order(&server, &owner, &customer).await;

    // First attempts fail at once; the next wait for the back-off (30 s, then 60 s).
    eventually("two first attempts", || {
        (receiver.all().len() >= 2).then_some(())
    })
    .await;
    let (_, log) = server
        .get_json(&owner, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["state"] == "pending"
                && d["response_status"] == 500
                && d["error"] == "HTTP 500"
                && d["next_attempt_at"].is_string()),
        "{log}"
    );
    for _ in 0..2 {
        server.clock.advance(chrono::Duration::seconds(70));
        let before = receiver.all().len();
        eventually("a retry of each", || {
            (receiver.all().len() >= before + 2).then_some(())
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let all = receiver.all();
    assert_eq!(all.len(), 6, "three attempts of two events");
    let mut successes: HashMap<String, u32> = HashMap::new();
    for r in all.iter().filter(|r| r.answered == 200) {
        *successes.entry(r.event_id.clone()).or_default() += 1;
    }
    assert_eq!(successes.len(), 2);
    assert!(successes.values().all(|n| *n == 1), "{successes:?}");
    let (_, log) = server
        .get_json(&owner, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["state"] == "delivered" && d["attempts"] == 3),
        "{log}"
    );
    assert_eq!(
        sent["event_id"], log["items"][1]["event_id"],
        "the log is newest first, the test event sent first"
    );
    assert_eq!(log["items"][1]["event_type"], "webhook.test");
}

async fn an_endpoint_that_keeps_failing_is_switched_off_and_its_admins_are_told(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.notifications.retry.max_attempts = 3).await;
    let (receiver, url) = Receiver::start().await;
    receiver.set(|b| b.fail_always = true);
    let owner = server.signed_in(OWNER).await;
    let hook = register(&server, &owner, &url, &["order.created"]).await;
    let id = hook["id"].as_str().unwrap().to_string();
    let customer = contoso(&server, &owner).await;
    place_order(&server, &owner, &customer).await;
    for attempt in 1..=3 {
        eventually("an attempt", || {
            (receiver.all().len() >= attempt).then_some(())
        })
        .await;
        server.clock.advance(chrono::Duration::seconds(70));
    }
    let hook = eventually_async(|| async {
        let (_, list) = server.get_json(&owner, "/api/v1/webhooks").await;
        let hook = list["items"][0].clone();
        (hook["active"] == false).then_some(hook)
    })
    .await;
    assert!(
        hook["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("HTTP 500"),
        "{hook}"
    );
    assert_eq!(receiver.all().len(), 3, "no attempt after the last");
    let (_, log) = server
        .get_json(&owner, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(log["items"][0]["state"], "failed", "{log}");
    // The admins' mail is in the outbox (no SMTP server here: recorded, not sent).
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM outbox_events WHERE type = 'webhook.disabled'")
            .await,
        1
    );

    // Switched on again, it receives new events.
    receiver.set(|b| b.fail_always = false);
    let (status, body) = server
        .patch_json(
            &owner,
            &format!("/api/v1/webhooks/{id}"),
            &json!({"active": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["disabled_reason"], Value::Null);
    place_order(&server, &owner, &customer).await;
    eventually("a delivery after switching on", || {
        (!receiver.delivered().is_empty()).then_some(())
    })
    .await;
}

async fn eventually_async<T, F, Fut>(mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..200 {
        if let Some(found) = check().await {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out");
}

// ---- a real SMTP server ----

/// maildev (npm), with SMTP authentication, on free ports; stopped when dropped.
struct MailCatcher {
    child: Child,
    pub smtp_port: u16,
    web: String,
}

const SMTP_USER: &str = "csp";
const SMTP_PASSWORD: &str = "s3cret-smtp";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl MailCatcher {
    async fn start() -> MailCatcher {
        let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../node_modules/.bin/maildev");
        assert!(
            bin.exists(),
            "{} is missing: run scripts/setup-toolchain.sh (make test does)",
            bin.display()
        );
        for _ in 0..5 {
            let (smtp_port, web_port) = (free_port(), free_port());
            let child = Command::new(&bin)
                .args([
                    "--ip",
                    "127.0.0.1",
                    "--smtp",
                    &smtp_port.to_string(),
                    "--web",
                    &web_port.to_string(),
                ])
                .args([
                    "--incoming-user",
                    SMTP_USER,
                    "--incoming-pass",
                    SMTP_PASSWORD,
                    "--silent",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start maildev");
            let mut catcher = MailCatcher {
                child,
                smtp_port,
                web: format!("http://127.0.0.1:{web_port}"),
            };
            for _ in 0..100 {
                if catcher.child.try_wait().unwrap().is_some() {
                    break; // a port was taken meanwhile: try others
                }
                if reqwest::get(format!("{}/email", catcher.web))
                    .await
                    .is_ok_and(|r| r.status() == 200)
                    && std::net::TcpStream::connect(("127.0.0.1", smtp_port)).is_ok()
                {
                    return catcher;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        panic!("maildev did not start");
    }

    fn smtp_url(&self) -> String {
        format!(
            "smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{}",
            self.smtp_port
        )
    }

    async fn mails(&self) -> Vec<Value> {
        reqwest::get(format!("{}/email", self.web))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The mails to `to` whose subject starts with `subject`, once there are at least `n`.
    async fn wait_for_about(&self, to: &str, subject: &str, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let found: Vec<Value> = self
                .wait_for(to, 0)
                .await
                .into_iter()
                .filter(|m| {
                    m["subject"]
                        .as_str()
                        .unwrap_or_default()
                        .starts_with(subject)
                })
                .collect();
            if found.len() >= n {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail to {to} about {subject}");
    }

    /// The mails to `to`, once there are at least `n`.
    async fn wait_for(&self, to: &str, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let found: Vec<Value> = self
                .mails()
                .await
                .into_iter()
                .filter(|m| {
                    m["to"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|a| a["address"] == to)
                })
                .collect();
            if found.len() >= n {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail to {to}");
    }
}

impl Drop for MailCatcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn mail_reaches_each_recipient_in_their_language_unless_switched_off(backend: Backend) {
    let mail = MailCatcher::start().await;
    let smtp = mail.smtp_url();
    let server = TestServer::start_with(backend, |c| {
        c.notifications.smtp_url = Some(smtp);
        c.notifications.mail_from = Some("CSP Software Center <notifications@csp.example>".into());
    })
    .await;
    let owner = server.signed_in(OWNER).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    // Contoso's admin reads Chinese; the Admin agent wants no order confirmations.
    let contoso_user = server.signed_in(CONTOSO_USER).await;
    let (status, profile) = server
        .patch_json(
            &contoso_user,
            "/api/v1/profile",
            &json!({"language": "zh-CN"}),
        )
        .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["language"], "zh-CN");
    let (status, body) = server
        .patch_json(&contoso_user, "/api/v1/profile", &json!({"language": "fr"}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["error"]["field_codes"]["language"], "unknown_value",
        "{body}"
    );
    let (status, _) = server
        .patch_json(
            &agent,
            "/api/v1/profile",
            &json!({"order_confirmations": false}),
        )
        .await;
    assert_eq!(status, 200);

    let customer = contoso(&server, &owner).await;
    let (_, order) = place_order(&server, &owner, &customer).await;
    let (_, _) = place_order(&server, &agent, &customer).await;
    let order_id = order["id"].as_str().unwrap();
    let (status, body) = cancel(&server, &owner, &customer, order_id).await;
    assert_eq!(status, 202, "{body}");
    server.clock.advance(chrono::Duration::seconds(10));
    file_request(&server, &agent, "Where is my invoice?").await;

    // The buyer's confirmation, in English, with the order ID, total and a link. (The demo
    // data's cancellation windows that close soon are reminded of to the Admin agents too.)
    let confirmations = mail.wait_for_about(OWNER, "Order confirmed", 1).await;
    let confirmation = &confirmations[0];
    assert!(
        confirmation["subject"]
            .as_str()
            .unwrap()
            .starts_with("Order confirmed for Contoso Ltd: USD "),
        "{confirmation}"
    );
    let text = confirmation["text"].as_str().unwrap();
    assert!(text.contains(order_id), "{text}");
    assert!(
        text.contains(&format!(
            "{}/customers/{customer}/orders/{order_id}",
            server.base
        )),
        "{text}"
    );
    assert!(
        confirmation["html"].as_str().unwrap().contains("<a href="),
        "an HTML part too"
    );
    assert_eq!(
        confirmation["from"][0]["address"],
        "notifications@csp.example"
    );

    // Contoso's admin is told in Chinese that the keys stopped working.
    let cancelled = mail.wait_for(CONTOSO_USER, 1).await;
    assert_eq!(
        cancelled[0]["subject"],
        "你购买的 Windows Server 2022 Standard 已取消"
    );
    assert!(cancelled[0]["text"].as_str().unwrap().contains("不再有效"));

    // The support queue (every agent, no queue address configured) hears of the request.
    let queue = mail.wait_for(SUPPORT, 1).await;
    assert!(
        queue[0]["subject"]
            .as_str()
            .unwrap()
            .contains("Where is my invoice?"),
        "{}",
        queue[0]
    );

    // The Admin agent switched order confirmations off: nothing for its order.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let to_agent: Vec<Value> = mail
        .mails()
        .await
        .into_iter()
        .filter(|m| {
            m["to"][0]["address"] == ADMIN_AGENT
                && m["subject"]
                    .as_str()
                    .unwrap()
                    .starts_with("Order confirmed")
        })
        .collect();
    assert!(to_agent.is_empty(), "{to_agent:?}");
    assert_eq!(
        mail.wait_for_about(OWNER, "Order confirmed", 1).await.len(),
        1,
        "one confirmation, not one per attempt"
    );
}

async fn two_replicas_deliver_each_event_once(backend: Backend) {
    let first = TestServer::start(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let second = TestServer::start_on(&first.database_url, dir).await;
    second.clock.set(first.clock.now());
    let (receiver, url) = Receiver::start().await;
    receiver.set(|b| b.delay = Duration::from_millis(20));
    let owner = first.signed_in(OWNER).await;
    let hook = register(&first, &owner, &url, &["order.created"]).await;
    let id = hook["id"].as_str().unwrap().to_string();
    let mut events = Vec::new();
    for _ in 0..40 {
        let (status, sent) = first
            .post_json(&owner, &format!("/api/v1/webhooks/{id}/test"), &json!({}))
            .await;
        assert_eq!(status, 202, "{sent}");
        events.push(sent["event_id"].as_str().unwrap().to_string());
    }
    eventually("40 deliveries", || {
        (receiver.all().len() >= 40).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut seen: Vec<String> = receiver.all().into_iter().map(|r| r.event_id).collect();
    seen.sort();
    events.sort();
    assert_eq!(seen, events, "each event once");
}

async fn only_global_admins_manage_endpoints_and_never_on_private_addresses(backend: Backend) {
    let server = TestServer::start(backend).await;
    let owner = server.signed_in(OWNER).await;
    let refused = |body: &Value| {
        body["error"]["field_codes"]["url"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    for (url, code) in [
        ("https://10.0.0.8/hook", "private_address"),
        ("https://169.254.169.254/latest", "private_address"),
        ("https://[fd00::1]/hook", "private_address"),
        ("http://hooks.example.com/x", "https_required"),
        ("https://user:pw@hooks.example.com/x", "invalid_url"),
        ("not a url", "invalid_url"),
    ] {
        let (status, body) = server
            .post_json(
                &owner,
                "/api/v1/webhooks",
                &json!({"url": url, "events": ["order.created"]}),
            )
            .await;
        assert_eq!(status, 422, "{url}: {body}");
        assert_eq!(refused(&body), code, "{url}: {body}");
    }
    let (status, body) = server
        .post_json(
            &owner,
            "/api/v1/webhooks",
            &json!({"url": "https://hooks.example.com/x", "events": []}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["field_codes"]["events"], "required", "{body}");
    let (status, body) = server
        .post_json(
            &owner,
            "/api/v1/webhooks",
            &json!({"url": "https://hooks.example.com/x", "events": ["webhook.test"]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");

    let hook = register(
        &server,
        &owner,
        "https://hooks.example.com/csp",
        &["order.created"],
    )
    .await;
    let id = hook["id"].as_str().unwrap();
    // An Admin agent (not a Global admin) neither sees nor changes endpoints: a URL may carry
    // a token of the receiving system.
    let agent = server.signed_in(ADMIN_AGENT).await;
    let (status, body) = server.get_json(&agent, "/api/v1/webhooks").await;
    assert_eq!((status, error_code(&body)), (403, "forbidden"));
    let (status, _) = server
        .get_json(&agent, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(status, 403);
    let (_, list) = server.get_json(&owner, "/api/v1/webhooks").await;
    assert!(
        list["items"][0].get("secret").is_none(),
        "secrets are never listed: {list}"
    );
    let (status, body) = server
        .post_json(
            &agent,
            "/api/v1/webhooks",
            &json!({"url": "https://hooks.example.com/y", "events": ["order.created"]}),
        )
        .await;
    assert_eq!((status, error_code(&body)), (403, "forbidden"));
    let (status, _) = server
        .post_json(&agent, &format!("/api/v1/webhooks/{id}/test"), &json!({}))
        .await;
    assert_eq!(status, 403);
    // Another partner cannot see or touch it.
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let (_, theirs) = server.get_json(&fabrikam, "/api/v1/webhooks").await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);
    let (status, _) = server
        .get_json(&fabrikam, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(status, 404);
    let res = fabrikam
        .delete(server.url(&format!("/api/v1/webhooks/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Customer users and support agents have no webhooks.
    let customer = server.signed_in(CONTOSO_USER).await;
    let (status, _) = server.get_json(&customer, "/api/v1/webhooks").await;
    assert_eq!(status, 403);

    // Rotation: a new secret, the old one still signs for a day.
    let (status, rotated) = server
        .post_json(
            &owner,
            &format!("/api/v1/webhooks/{id}/rotate-secret"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    assert_ne!(rotated["secret"], hook["secret"]);
    assert!(rotated["previous_secret_expires_at"].is_string());
    let res = owner
        .delete(server.url(&format!("/api/v1/webhooks/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (_, list) = server.get_json(&owner, "/api/v1/webhooks").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}

/// A replica killed (SIGKILL) while a delivery is in flight: the next process sends it again
/// once the lease runs out — delivered at least once, and the receiver sees the same event id.
async fn a_delivery_cut_by_sigkill_is_made_again_after_restart(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database(backend, dir.path()).await;
    let dist = app_shell(dir.path());
    let (receiver, url) = Receiver::start().await;
    receiver.set(|b| b.delay = Duration::from_secs(30));
    // A short lease (an attempt may take half of it) and quick retries, so the restarted
    // process takes over within the test's patience whether the cut attempt was recorded or not.
    let env = [("NOTIFY_LEASE_SECS", "4"), ("NOTIFY_RETRY_BASE_MS", "500")];
    let mut replica = Replica::start(&database_url, &dist, &env);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = client
        .post(format!("{}/api/v1/sessions", replica.base))
        .json(&json!({"email": OWNER, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (status, hook) = json_of(
        client
            .post(format!("{}/api/v1/webhooks", replica.base))
            .json(&json!({"url": url, "events": ["order.created"]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{hook}");
    let (status, sent) = json_of(
        client
            .post(format!(
                "{}/api/v1/webhooks/{}/test",
                replica.base,
                hook["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 202, "{sent}");
    // The receiver holds the first attempt; the process dies meanwhile.
    eventually("the first attempt", || {
        (receiver.arrivals() >= 1).then_some(())
    })
    .await;
    replica.child.kill().unwrap();
    replica.child.wait().unwrap();
    receiver.set(|b| b.delay = Duration::ZERO);

    let _restarted = Replica::start(&database_url, &dist, &env);
    let delivered = eventually("the delivery after the restart", || {
        let d = receiver.delivered();
        (!d.is_empty()).then_some(d)
    })
    .await;
    assert_eq!(delivered[0]["id"], sent["event_id"]);
    assert!(
        receiver.arrivals() >= 2,
        "the cut attempt, then the one after the restart"
    );
}

async fn deadline_reminders_reach_the_admin_agents_once_in_their_language(backend: Backend) {
    let mail = MailCatcher::start().await;
    let smtp = mail.smtp_url();
    let server = TestServer::start_with(backend, |c| {
        c.notifications.smtp_url = Some(smtp);
        c.notifications.mail_from = Some("CSP Software Center <notifications@csp.example>".into());
    })
    .await;
    // The owner is an Admin agent too, and reads Chinese.
    let owner = server.signed_in(OWNER).await;
    let (status, _) = server
        .patch_json(&owner, "/api/v1/profile", &json!({"language": "zh-CN"}))
        .await;
    assert_eq!(status, 200);
    let agent = server.signed_in(ADMIN_AGENT).await;
    let customer = contoso(&server, &agent).await;
    let (status, order) = place_order(&server, &agent, &customer).await;
    assert_eq!(status, 201, "{order}");
    let order_id = order["id"].as_str().unwrap().to_string();
    let placed: chrono::DateTime<chrono::Utc> =
        order["created_at"].as_str().unwrap().parse().unwrap();
    let window_end: chrono::DateTime<chrono::Utc> = order["cancellable_until"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let term_end: chrono::DateTime<chrono::Utc> = order["line_items"][0]["term_end"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(placed < window_end && window_end < term_end);

    // The reminders about this order to `to` (the demo data's own deadlines are reminded of
    // too; the buyer's order confirmation names the order as well).
    let about_it = |to: &'static str| {
        let (mail, order_id) = (&mail, order_id.clone());
        async move {
            mail.mails()
                .await
                .into_iter()
                .filter(|m| {
                    m["to"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|a| a["address"] == to)
                        && m["text"].as_str().unwrap_or_default().contains(&order_id)
                        && !m["subject"]
                            .as_str()
                            .unwrap_or_default()
                            .starts_with("Order confirmed")
                })
                .collect::<Vec<Value>>()
        }
    };
    let wait_for = |to: &'static str, n: usize| {
        let about_it = &about_it;
        async move {
            for _ in 0..200 {
                let found = about_it(to).await;
                if found.len() >= n {
                    return found;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            panic!("fewer than {n} reminders to {to}: {:?}", about_it(to).await);
        }
    };
    let second = chrono::Duration::seconds(1);
    let day = chrono::Duration::days(1);
    // 3 days and 1 day before the window closes; a tick between them sends nothing new.
    server.clock.set(window_end - day * 3 + second);
    let first = wait_for(ADMIN_AGENT, 1).await;
    assert!(
        first[0]["subject"]
            .as_str()
            .unwrap()
            .contains("cancellation window"),
        "{first:?}"
    );
    server.clock.set(window_end - day * 2);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        about_it(ADMIN_AGENT).await.len(),
        1,
        "nothing new between reminders"
    );
    server.clock.set(window_end - day + second);
    wait_for(ADMIN_AGENT, 2).await;
    // 30 and 7 days before the term ends: it renews, at today's price.
    server.clock.set(term_end - day * 30 + second);
    let renews = wait_for(ADMIN_AGENT, 3).await;
    let renewal = renews
        .iter()
        .find(|m| m["subject"].as_str().unwrap().contains("renews on"))
        .expect("the 30-day reminder");
    assert!(
        renewal["text"]
            .as_str()
            .unwrap()
            .contains("today's price of USD"),
        "{renewal}"
    );
    server.clock.set(term_end - day * 7 + second);
    wait_for(ADMIN_AGENT, 4).await;

    // Each once, to each Admin agent, in their language.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(about_it(ADMIN_AGENT).await.len(), 4);
    let chinese = wait_for(OWNER, 4).await;
    assert_eq!(chinese.len(), 4);
    assert!(
        chinese
            .iter()
            .any(|m| m["subject"].as_str().unwrap().contains("续订")),
        "{chinese:?}"
    );
    assert_eq!(
        server
            .count(&format!(
                "SELECT COUNT(*) FROM outbox_events WHERE type = 'deadline.reminder' \
                 AND data LIKE '%{order_id}%'"
            ))
            .await,
        4
    );
    // Not to those who neither buy nor cancel.
    assert!(about_it(ACCOUNT_ADMIN).await.is_empty());
}
