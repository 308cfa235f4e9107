//! One credit rule (SPEC §11, Money): whatever path credits an order — a cancellation, a
//! support agent's approval — in whatever order or at the same moment, its credits never
//! exceed what was paid and it is cancelled at most once; a refund after a cancellation is
//! refused; an approved refund of a purchase cancels it and revokes its keys. Also the
//! settings that decide money (windows, refund limit), invoices with their reconciliation
//! file, and the activity log the database keeps append-only.

use std::time::Duration;

use chrono::DateTime;
use reqwest::multipart::Form;
use reqwest::Client;
use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    every_order_of_refund_approval_cancellation_and_worker_credits_once,
    racing_approval_cancellation_filing_and_worker_cancel_once_and_credit_once,
    an_approved_refund_cancels_the_purchase_revokes_its_keys_and_is_on_the_invoice,
    a_goodwill_credit_keeps_the_purchase_and_a_later_cancellation_credits_the_rest,
    windows_and_refund_limit_other_than_the_defaults_are_applied,
    only_global_admins_change_the_refund_limit_within_the_operators_bound,
    the_activity_log_cannot_be_changed_even_with_sql,
    invoices_have_a_number_dates_tax_labels_and_a_reconciliation_file,
    a_support_request_retried_with_its_key_is_filed_once,
    the_demo_data_shows_every_state_on_first_start,
);

struct Fixture {
    server: TestServer,
    agent: Client,
    support: Client,
    customer_user: Client,
    customer: String,
}

impl Fixture {
    /// A server whose cancellations wait for [`Fixture::run_worker`], so tests decide when
    /// the worker runs.
    async fn start(backend: Backend) -> Fixture {
        Fixture::start_with(backend, |_| {}).await
    }

    async fn start_with(
        backend: Backend,
        configure: impl FnOnce(&mut csp_server::Config),
    ) -> Fixture {
        let server = TestServer::start_with(backend, |c| {
            c.cancellation_delay = Duration::from_secs(900);
            configure(c);
        })
        .await;
        let agent = server.signed_in(ADMIN_AGENT).await;
        let support = server.signed_in(SUPPORT).await;
        let customer_user = server.signed_in(CONTOSO_USER).await;
        let (_, found) = server
            .get_json(&agent, "/api/v1/customers?q=contoso.onmicrosoft.com")
            .await;
        let customer = found["items"][0]["id"].as_str().unwrap().to_string();
        Fixture {
            server,
            agent,
            support,
            customer_user,
            customer,
        }
    }

    async fn offer(&self, product: &str, term: Value) -> Value {
        let (_, offers) = self
            .server
            .get_json(
                &self.agent,
                &format!("/api/v1/customers/{}/offers", self.customer),
            )
            .await;
        offers["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["product_name"] == product && o["term"] == term)
            .unwrap_or_else(|| panic!("no offer {product} {term}"))
            .clone()
    }

    /// A new order of `quantity` × `product` for Contoso.
    async fn buy(&self, product: &str, term: Value, quantity: i64) -> Value {
        let offer = self.offer(product, term).await;
        let res = self
            .agent
            .post(
                self.server
                    .url(&format!("/api/v1/customers/{}/orders", self.customer)),
            )
            .header("idempotency-key", uuid::Uuid::new_v4().to_string())
            .json(&json!({"line_items": [{"offer_id": offer["id"], "quantity": quantity}]}))
            .send()
            .await
            .unwrap();
        let (status, order) = json_of(res).await;
        assert_eq!(status, 201, "{order}");
        order
    }

    /// Windows Server 2022 Datacenter, one pack for a year: USD 2,462.00, below the limit.
    async fn datacenter(&self) -> Value {
        self.buy("Windows Server 2022 Datacenter", json!("P1Y"), 1)
            .await
    }

    async fn order(&self, order: &Value) -> Value {
        let (status, body) = self
            .server
            .get_json(
                &self.agent,
                &format!(
                    "/api/v1/customers/{}/orders/{}",
                    self.customer,
                    order["id"].as_str().unwrap()
                ),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn file_refund(&self, order: &Value, amount: &str) -> (u16, Value) {
        self.file_refund_with(order, amount, None).await
    }

    async fn file_refund_with(
        &self,
        order: &Value,
        amount: &str,
        key: Option<&str>,
    ) -> (u16, Value) {
        let fields = [
            ("problem_type", "csp_purchase_refund"),
            ("impact", "high"),
            ("title", "Refund: bought by mistake"),
            ("customer", "contoso.onmicrosoft.com"),
            ("order_id", order["id"].as_str().unwrap()),
            ("refund_reason", "The customer ordered the wrong product."),
            ("amount_requested", amount),
            ("contact_name", "Avery Agent"),
            ("contact_email", "avery@northwind.example"),
            ("contact_phone", "+1 (425) 555-0100"),
        ];
        let mut form = Form::new();
        for (name, value) in fields {
            form = form.text(name, value.to_string());
        }
        let mut request = self
            .agent
            .post(self.server.url("/api/v1/support-requests"))
            .multipart(form);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        json_of(request.send().await.unwrap()).await
    }

    async fn approve(&self, request: &str, body: Value) -> (u16, Value) {
        let res = self
            .support
            .patch(
                self.server
                    .url(&format!("/api/v1/support-requests/{request}")),
            )
            .json(&body)
            .send()
            .await
            .unwrap();
        json_of(res).await
    }

    async fn cancel(&self, order: &Value) -> (u16, Value) {
        self.cancel_as(&self.agent, order).await
    }

    async fn cancel_as(&self, agent: &Client, order: &Value) -> (u16, Value) {
        self.server
            .post_json(
                agent,
                &format!(
                    "/api/v1/customers/{}/orders/{}/cancellation",
                    self.customer,
                    order["id"].as_str().unwrap()
                ),
                &json!({"confirm": true}),
            )
            .await
    }

    /// Runs the cancellation worker until nothing is due (an hour from the server's clock).
    async fn run_worker(&self, name: &str) {
        use csp_domain::Clock;
        let due = self.server.clock.now() + chrono::Duration::hours(1);
        while csp_server::cases::cancelling::process_next(
            &self.server.db,
            &self.server.state.settings.outbox,
            name,
            due,
        )
        .await
        .unwrap()
        {}
    }

    /// The order's credits and cancellations as stored: (credits, sum of credits, cancellations).
    async fn booked(&self, order: &Value) -> (i64, i64, i64) {
        let id = order["id"].as_str().unwrap();
        let credits = self
            .server
            .count(&format!(
                "SELECT COUNT(*) FROM credits WHERE order_id = '{id}'"
            ))
            .await;
        let sum = self
            .server
            .count(&format!(
                "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM credits WHERE order_id = '{id}'"
            ))
            .await;
        let cancellations = self
            .server
            .count(&format!(
                "SELECT COUNT(*) FROM cancellations WHERE order_id = '{id}'"
            ))
            .await;
        (credits, sum, cancellations)
    }

    /// The rule for every order: credits ≤ paid, at most one cancellation, the API's ledger
    /// the same as what is stored, and a cancelled order's keys revoked.
    async fn assert_ledger_holds(&self, order: &Value) -> Value {
        let now = self.order(order).await;
        let (_, sum, cancellations) = self.booked(order).await;
        let paid = minor(&now["total"]);
        assert!(sum <= paid, "credited {sum} of {paid} paid: {now}");
        assert!(cancellations <= 1, "{cancellations} cancellations");
        assert_eq!(minor(&now["ledger"]["credited"]), sum, "{now}");
        assert_eq!(minor(&now["ledger"]["paid"]), paid);
        assert!(minor(&now["ledger"]["left_to_credit"]) >= 0);
        if now["status"] == "cancelled" {
            let purchase = now["line_items"][0]["purchase_id"].as_str().unwrap();
            let (status, body) = json_of(
                self.customer_user
                    .post(
                        self.server
                            .url(&format!("/api/v1/tenant/software/{purchase}/key-reveals")),
                    )
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!((status, error_code(&body)), (410, "revoked"));
        }
        now
    }
}

/// A decimal amount in cents.
fn minor(amount: &Value) -> i64 {
    let text = amount
        .as_str()
        .unwrap_or_else(|| panic!("not an amount: {amount}"));
    let (whole, cents) = text.split_once('.').unwrap_or((text, "00"));
    whole.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    /// File a refund request for everything paid.
    Refund,
    /// Approve the request filed before (the default: cancel the purchase).
    Approve,
    /// Cancel the order in the dashboard's way.
    Cancel,
    /// Run the cancellation worker.
    Work,
}

/// All 24 orders of the four steps, each on its own new order: in every one the order ends
/// cancelled exactly once, credited exactly once with what was paid (a new order's credit is
/// 100 %), and each step is answered as the state it found says.
async fn every_order_of_refund_approval_cancellation_and_worker_credits_once(backend: Backend) {
    let fx = Fixture::start(backend).await;
    let steps = [Step::Refund, Step::Approve, Step::Cancel, Step::Work];
    let mut sequences = Vec::new();
    for a in 0..4 {
        for b in 0..4 {
            for c in 0..4 {
                for d in 0..4 {
                    let picked = [a, b, c, d];
                    if (0..4).all(|i| picked.contains(&i)) {
                        sequences.push(picked.map(|i| steps[i]));
                    }
                }
            }
        }
    }
    assert_eq!(sequences.len(), 24);
    for sequence in sequences {
        let order = fx.datacenter().await;
        let paid = order["total"].as_str().unwrap().to_string();
        let mut request: Option<String> = None;
        // Whether a cancellation (the partner's, or an approval's) took the order.
        let mut taken = false;
        let mut cancelled_by_partner = false;
        for step in sequence {
            match step {
                Step::Refund => {
                    let (status, body) = fx.file_refund(&order, &paid).await;
                    if taken {
                        assert_eq!(
                            (status, error_code(&body)),
                            (409, "already_cancelled"),
                            "{sequence:?}: a refund after a cancellation"
                        );
                    } else {
                        assert_eq!(status, 201, "{sequence:?}: {body}");
                        request = Some(body["id"].as_str().unwrap().to_string());
                    }
                }
                Step::Approve => {
                    let Some(id) = &request else { continue };
                    let (status, body) = fx.approve(id, json!({"status": "approved"})).await;
                    if taken {
                        assert_eq!(
                            (status, error_code(&body)),
                            (409, "already_cancelled"),
                            "{sequence:?}: an approval after a cancellation"
                        );
                    } else {
                        assert_eq!(status, 200, "{sequence:?}: {body}");
                        assert_eq!(body["outcome"], "cancel_purchase");
                        assert_eq!(body["order"]["status"], "cancelled");
                        taken = true;
                    }
                }
                Step::Cancel => {
                    let (status, body) = fx.cancel(&order).await;
                    if taken {
                        assert_eq!(
                            (status, error_code(&body)),
                            (409, "already_cancelled"),
                            "{sequence:?}"
                        );
                    } else {
                        assert_eq!(status, 202, "{sequence:?}: {body}");
                        assert_eq!(body["credit"], paid.as_str(), "day 0: everything");
                        taken = true;
                        cancelled_by_partner = true;
                    }
                }
                Step::Work => fx.run_worker("test-worker").await,
            }
            fx.assert_ledger_holds(&order).await;
        }
        fx.run_worker("test-worker").await;
        let now = fx.assert_ledger_holds(&order).await;
        assert_eq!(now["status"], "cancelled", "{sequence:?}");
        assert_eq!(
            fx.booked(&order).await,
            (1, minor(&order["total"]), 1),
            "{sequence:?}: one credit of everything paid, one cancellation"
        );
        assert_eq!(now["ledger"]["left_to_credit"], "0.00");
        if let (Some(id), true) = (&request, cancelled_by_partner) {
            // Filed before the partner cancelled: the console shows what was credited since.
            let (_, seen) = fx
                .server
                .get_json(&fx.support, &format!("/api/v1/support-requests/{id}"))
                .await;
            assert_eq!(
                seen["order"]["credited_since_filed"],
                paid.as_str(),
                "{sequence:?}"
            );
            assert_eq!(seen["order"]["ledger"]["left_to_credit"], "0.00");
        }
    }
}

/// An approval, a cancellation, a second filing and the worker, all at once, eight times:
/// one of the approval and the cancellation wins, the other is refused, and the order is
/// credited once.
async fn racing_approval_cancellation_filing_and_worker_cancel_once_and_credit_once(
    backend: Backend,
) {
    let fx = std::sync::Arc::new(Fixture::start(backend).await);
    for round in 0..8 {
        let order = fx.datacenter().await;
        let paid = order["total"].as_str().unwrap().to_string();
        let (status, filed) = fx.file_refund(&order, &paid).await;
        assert_eq!(status, 201, "{filed}");
        let id = filed["id"].as_str().unwrap().to_string();
        let approve = {
            let (fx, id) = (fx.clone(), id.clone());
            tokio::spawn(async move { fx.approve(&id, json!({"status": "approved"})).await })
        };
        let cancel = {
            let (fx, order) = (fx.clone(), order.clone());
            tokio::spawn(async move { fx.cancel(&order).await })
        };
        let refile = {
            let (fx, order, paid) = (fx.clone(), order.clone(), paid.clone());
            tokio::spawn(async move { fx.file_refund(&order, &paid).await })
        };
        let work = {
            let fx = fx.clone();
            tokio::spawn(async move {
                for _ in 0..3 {
                    fx.run_worker("racing-worker").await;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        };
        let (approved, approved_body) = approve.await.unwrap();
        let (cancelled, cancelled_body) = cancel.await.unwrap();
        let (refiled, refiled_body) = refile.await.unwrap();
        work.await.unwrap();
        fx.run_worker("test-worker").await;
        match (approved, cancelled) {
            (200, 409) => assert_eq!(error_code(&cancelled_body), "already_cancelled"),
            (409, 202) => assert_eq!(error_code(&approved_body), "already_cancelled"),
            other => panic!("round {round}: approval and cancellation answered {other:?}: {approved_body} {cancelled_body}"),
        }
        assert!(
            refiled == 201 || (refiled == 409 && error_code(&refiled_body) == "already_cancelled"),
            "round {round}: {refiled} {refiled_body}"
        );
        fx.assert_ledger_holds(&order).await;
        assert_eq!(
            fx.booked(&order).await,
            (1, minor(&order["total"]), 1),
            "round {round}"
        );
    }
}

async fn an_approved_refund_cancels_the_purchase_revokes_its_keys_and_is_on_the_invoice(
    backend: Backend,
) {
    let fx = Fixture::start(backend).await;
    let order = fx.datacenter().await;
    let purchase = order["line_items"][0]["purchase_id"].as_str().unwrap();
    let reveal = fx
        .server
        .url(&format!("/api/v1/tenant/software/{purchase}/key-reveals"));
    assert_eq!(
        fx.customer_user
            .post(&reveal)
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "the key works before"
    );
    let (_, list) = fx
        .server
        .get_json(&fx.customer_user, "/api/v1/tenant/software")
        .await;
    let file = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == purchase)
        .unwrap()["downloads"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (status, filed) = fx.file_refund(&order, "2000.00").await;
    assert_eq!(status, 201, "{filed}");
    let id = filed["id"].as_str().unwrap();
    let (status, body) = fx
        .approve(
            id,
            json!({"status": "approved", "note": "Bought by mistake; refunded.", "credit": "1500.00"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["credited"], "1500.00");
    assert_eq!(body["outcome"], "cancel_purchase");

    let now = fx.assert_ledger_holds(&order).await;
    assert_eq!(now["status"], "cancelled");
    assert!(now["credit_if_cancelled_now"].is_null());
    assert_eq!(now["ledger"]["credited"], "1500.00");
    assert_eq!(now["ledger"]["left_to_credit"], "962.00");
    let kinds: Vec<&str> = now["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["placed", "cancelled", "credited"], "{now}");
    let cancelled = &now["history"][1];
    assert_eq!(cancelled["by"], "Sam Support");
    assert_eq!(cancelled["support_request"]["number"], filed["number"]);
    let credited = &now["history"][2];
    assert_eq!(
        (credited["amount"].as_str(), credited["source"].as_str()),
        (Some("1500.00"), Some("support_request"))
    );
    assert_eq!(credited["note"], "The customer ordered the wrong product.");

    let (status, body) = json_of(fx.customer_user.post(&reveal).send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (410, "revoked"));
    let (status, body) = json_of(
        fx.customer_user
            .get(fx.server.url(&format!(
                "/api/v1/tenant/software/{purchase}/downloads/{file}"
            )))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error_code(&body)), (410, "revoked"));
    let (_, list) = fx
        .server
        .get_json(&fx.customer_user, "/api/v1/tenant/software")
        .await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == purchase)
        .unwrap();
    assert_eq!(
        (
            item["status"].as_str(),
            item["revoked"].as_bool(),
            item["key_count"].as_u64()
        ),
        (Some("cancelled"), Some(true), Some(0)),
        "still listed, without a key"
    );

    let next = csp_domain::InvoiceMonth::parse(&fx.server.clock_month())
        .unwrap()
        .next();
    let (_, invoice) = fx
        .server
        .get_json(&fx.agent, &format!("/api/v1/invoices/{next}"))
        .await;
    let line = invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["order_id"] == order["id"])
        .expect("the credit is on next month's invoice");
    assert_eq!(
        (
            line["kind"].as_str(),
            line["amount"].as_str(),
            line["source"].as_str(),
            line["source_id"].as_str()
        ),
        (
            Some("credit"),
            Some("-1500.00"),
            Some("support_request"),
            Some(id)
        )
    );
    let csv = fx
        .agent
        .get(fx.server.url(&format!("/api/v1/invoices/{next}")))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = csv
        .lines()
        .find(|l| l.contains(order["id"].as_str().unwrap()))
        .unwrap_or_else(|| panic!("no row for the order: {csv}"));
    assert!(
        row.contains("\"-1500.00\"") && row.ends_with(&format!("\"support_request\",\"{id}\"")),
        "{row}"
    );
}

async fn a_goodwill_credit_keeps_the_purchase_and_a_later_cancellation_credits_the_rest(
    backend: Backend,
) {
    let fx = Fixture::start(backend).await;
    let order = fx.datacenter().await;
    let (status, filed) = fx.file_refund(&order, "500.00").await;
    assert_eq!(status, 201, "{filed}");
    fx.server.clock.advance(chrono::Duration::minutes(1));
    let (status, body) = fx
        .approve(
            filed["id"].as_str().unwrap(),
            json!({"status": "approved", "outcome": "credit_only", "note": "Goodwill for the delay."}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["credited"].as_str(), body["outcome"].as_str()),
        (Some("500.00"), Some("credit_only"))
    );
    let now = fx.assert_ledger_holds(&order).await;
    assert_eq!(now["status"], "completed", "the purchase is kept");
    assert_eq!(now["ledger"]["left_to_credit"], "1962.00");
    assert_eq!(
        now["credit_if_cancelled_now"], "1962.00",
        "a cancellation would credit only what is left"
    );
    let purchase = order["line_items"][0]["purchase_id"].as_str().unwrap();
    let reveal = fx
        .server
        .url(&format!("/api/v1/tenant/software/{purchase}/key-reveals"));
    assert_eq!(
        fx.customer_user
            .post(&reveal)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // A second request for more than is left is refused field by field.
    let (status, body) = fx.file_refund(&order, "1962.01").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["error"]["field_codes"]["amount_requested"],
        "above_paid"
    );
    assert!(body["error"]["fields"]["amount_requested"]
        .as_str()
        .unwrap()
        .contains("USD 1,962.00"));

    fx.server.clock.advance(chrono::Duration::minutes(1));
    let (status, cancellation) = fx.cancel(&order).await;
    assert_eq!(status, 202, "{cancellation}");
    assert_eq!(cancellation["credit"], "1962.00");
    let pending = fx.assert_ledger_holds(&order).await;
    assert_eq!(
        (
            pending["ledger"]["pending_credit"].as_str(),
            pending["ledger"]["left_to_credit"].as_str()
        ),
        (Some("1962.00"), Some("0.00"))
    );
    let (status, body) = fx.file_refund(&order, "1.00").await;
    assert_eq!((status, error_code(&body)), (409, "already_cancelled"));
    fx.run_worker("test-worker").await;
    let done = fx.assert_ledger_holds(&order).await;
    assert_eq!(done["status"], "cancelled");
    assert_eq!(fx.booked(&order).await, (2, 246_200, 1));
    let kinds: Vec<&str> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "placed",
            "credited",
            "cancellation_requested",
            "cancelled",
            "credited"
        ],
        "{done}"
    );
}

async fn windows_and_refund_limit_other_than_the_defaults_are_applied(backend: Backend) {
    let fx = Fixture::start_with(backend, |c| {
        c.cancellation_windows.software_subscription = 7;
        c.cancellation_windows.perpetual_software = 30;
    })
    .await;
    let subscription = fx.offer("Windows Server 2022 Standard", json!("P1Y")).await;
    assert_eq!(subscription["cancellation_window_days"], 7);
    let perpetual = fx
        .offer("Windows Server 2022 Standard (perpetual)", Value::Null)
        .await;
    assert_eq!(perpetual["cancellation_window_days"], 30);
    let reservation = fx.offer("Azure Reserved VM Instances", json!("P1Y")).await;
    assert_eq!(reservation["cancellation_window_days"], 60);
    assert_eq!(
        fx.server
            .count(
                "SELECT COUNT(*) FROM setting_changes WHERE partner_id IS NULL AND changed_by = 'operator' \
                 AND setting = 'cancellation_window_days.software_subscription' AND new_value = '7'"
            )
            .await,
        1,
        "the operator's window is recorded with when it took effect"
    );

    let global = fx.server.signed_in(GLOBAL_ADMIN).await;
    let res = global
        .patch(fx.server.url("/api/v1/billing-profile"))
        .json(&json!({"refund_limit": "1000.00"}))
        .send()
        .await
        .unwrap();
    let (status, profile) = json_of(res).await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["refund_limit"], "1000.00");

    // Two packs of Standard, USD 864.00: under the limit, cancellable for 7 × 24 hours.
    let small = fx
        .buy("Windows Server 2022 Standard", json!("P1Y"), 2)
        .await;
    let placed: DateTime<chrono::Utc> = small["created_at"].as_str().unwrap().parse().unwrap();
    let until: DateTime<chrono::Utc> = small["cancellable_until"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(until - placed, chrono::Duration::days(7));
    let late = fx
        .buy("Windows Server 2022 Standard", json!("P1Y"), 2)
        .await;
    // One pack of Datacenter, USD 2,462.00: above 1,000.00.
    let big = fx.datacenter().await;
    let (status, body) = fx.cancel(&big).await;
    assert_eq!((status, error_code(&body)), (422, "needs_support_request"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("USD 1,000.00"),
        "{body}"
    );
    let perpetual_order = fx
        .buy("Windows Server 2022 Standard (perpetual)", Value::Null, 1)
        .await;
    assert_eq!(minor(&perpetual_order["total"]), 106_900);

    // Sessions last 12 hours: sign in again after each jump of the clock.
    fx.server
        .clock
        .advance(chrono::Duration::days(7) - chrono::Duration::minutes(1));
    let agent = fx.server.signed_in(ADMIN_AGENT).await;
    let (status, body) = fx.cancel_as(&agent, &small).await;
    assert_eq!(status, 202, "the last minute of day 7: {body}");
    fx.server.clock.advance(chrono::Duration::minutes(1));
    let (status, body) = fx.cancel_as(&agent, &late).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "cancellation_window_passed"),
        "7 × 24 hours after the purchase"
    );
    // Perpetual software: 30 days, and above the limit (USD 1,069.00) needs support.
    fx.server.clock.advance(chrono::Duration::days(22));
    let agent = fx.server.signed_in(ADMIN_AGENT).await;
    let (status, body) = fx.cancel_as(&agent, &perpetual_order).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "needs_support_request"),
        "day 29 of 30"
    );
    fx.server.clock.advance(chrono::Duration::days(1));
    let agent = fx.server.signed_in(ADMIN_AGENT).await;
    let (status, body) = fx.cancel_as(&agent, &perpetual_order).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "cancellation_window_passed"),
        "day 30"
    );
}

async fn only_global_admins_change_the_refund_limit_within_the_operators_bound(backend: Backend) {
    let server = TestServer::start_with(backend, |c| {
        c.refund_limit_max = csp_domain::RefundLimit::parse("50000").unwrap();
    })
    .await;
    let patch = |client: &Client, limit: &str| {
        client
            .patch(server.url("/api/v1/billing-profile"))
            .json(&json!({"refund_limit": limit}))
            .send()
    };
    for email in [ADMIN_AGENT, ACCOUNT_ADMIN] {
        let client = server.signed_in(email).await;
        let (status, body) = json_of(patch(&client, "1000.00").await.unwrap()).await;
        assert_eq!((status, error_code(&body)), (403, "forbidden"), "{email}");
        assert_eq!(body["error"]["permission"], "manage_billing_settings");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Global admin"));
    }
    let global = server.signed_in(GLOBAL_ADMIN).await;
    for (limit, code) in [
        ("50000.01", "above_maximum"),
        ("-1", "invalid_amount"),
        ("12.345", "invalid_amount"),
        ("lots", "invalid_amount"),
    ] {
        let (status, body) = json_of(patch(&global, limit).await.unwrap()).await;
        assert_eq!(status, 422, "{limit}: {body}");
        assert_eq!(
            body["error"]["field_codes"]["refund_limit"], code,
            "{limit}"
        );
    }
    let (_, before) = server.get_json(&global, "/api/v1/billing-profile").await;
    assert_eq!(
        before["refund_limit"], "25000.00",
        "a refused change changes nothing"
    );
    assert_eq!(before["refund_limit_max"], "50000.00");
    let owner = server.signed_in(OWNER).await;
    let (status, body) = json_of(patch(&owner, "7500.5").await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["refund_limit"], "7500.50");
    let (status, body) = json_of(patch(&global, "50000").await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let changes = body["refund_limit_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{body}");
    assert_eq!(
        (
            changes[0]["by"].as_str(),
            changes[0]["from"].as_str(),
            changes[0]["to"].as_str()
        ),
        (Some(GLOBAL_ADMIN), Some("7500.50"), Some("50000.00")),
        "newest first, with who"
    );
    assert_eq!(changes[1]["by"], OWNER);
    // Another partner's limit is its own.
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let (_, theirs) = server.get_json(&fabrikam, "/api/v1/billing-profile").await;
    assert_eq!(theirs["refund_limit"], "25000.00");
    assert_eq!(theirs["refund_limit_changes"], json!([]));
}

async fn the_activity_log_cannot_be_changed_even_with_sql(backend: Backend) {
    let fx = Fixture::start(backend).await;
    let order = fx.datacenter().await;
    let purchase = order["line_items"][0]["purchase_id"].as_str().unwrap();
    let res = fx
        .customer_user
        .post(
            fx.server
                .url(&format!("/api/v1/tenant/software/{purchase}/key-reveals")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let count = "SELECT COUNT(*) FROM activity_log";
    let before = fx.server.count(count).await;
    assert!(before >= 1);
    for statement in [
        "UPDATE activity_log SET user_email = 'someone.else@example.com'",
        "DELETE FROM activity_log",
    ] {
        let result = sqlx::query(statement).execute(fx.server.db.pool()).await;
        let error = result.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    if backend == Backend::Postgres {
        let result = sqlx::query("TRUNCATE activity_log")
            .execute(fx.server.db.pool())
            .await;
        assert!(result.is_err(), "TRUNCATE is refused too");
    }
    assert_eq!(fx.server.count(count).await, before);
    let (_, log) = fx
        .server
        .get_json(
            &fx.server.signed_in(GLOBAL_ADMIN).await,
            "/api/v1/activity-log",
        )
        .await;
    assert!(log["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["user_email"] != "someone.else@example.com"));
}

async fn invoices_have_a_number_dates_tax_labels_and_a_reconciliation_file(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let month = server.clock_month();
    // An Australian order this month: its prices include tax.
    let (_, found) = server
        .get_json(&admin, "/api/v1/customers?q=cohowinery")
        .await;
    let coho = found["items"][0]["id"].as_str().unwrap();
    let (_, offers) = server
        .get_json(&admin, &format!("/api/v1/customers/{coho}/offers"))
        .await;
    let standard = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["product_name"] == "Windows Server 2022 Standard" && o["term"] == "P1Y")
        .unwrap()
        .clone();
    let res = admin
        .post(server.url(&format!("/api/v1/customers/{coho}/orders")))
        .header("idempotency-key", "invoice-test-coho")
        .json(&json!({"line_items": [{"offer_id": standard["id"], "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let (status, invoice) = server
        .get_json(&admin, &format!("/api/v1/invoices/{month}"))
        .await;
    assert_eq!(status, 200, "{invoice}");
    let number = invoice["number"].as_str().unwrap();
    assert!(
        number.starts_with(&format!("INV-{}-", month.replace('-', ""))) && number.len() == 19,
        "{number}"
    );
    let next = csp_domain::InvoiceMonth::parse(&month).unwrap().next();
    assert_eq!(invoice["issued_on"], format!("{next}-01"));
    let issued: chrono::NaiveDate = invoice["issued_on"].as_str().unwrap().parse().unwrap();
    let due: chrono::NaiveDate = invoice["due_on"].as_str().unwrap().parse().unwrap();
    assert_eq!((due - issued).num_days(), 30);
    let lines = invoice["lines"].as_array().unwrap();
    assert!(lines.iter().all(|l| l["tax_inclusive"].is_boolean()));
    assert!(
        lines
            .iter()
            .any(|l| l["customer_name"] == "Coho Winery" && l["tax_inclusive"] == true),
        "Australian charges include tax"
    );
    let credit = lines
        .iter()
        .find(|l| l["kind"] == "credit")
        .expect("last month's demo cancellation");
    assert_eq!(credit["source"], "cancellation");
    let cancellation = credit["source_id"].as_str().unwrap();
    let totals = invoice["totals"].as_array().unwrap();
    let aud = totals
        .iter()
        .find(|t| t["currency"] == "AUD")
        .expect("AUD totals");
    assert_eq!(aud["tax_inclusive"], true);
    assert!(totals
        .iter()
        .all(|t| t["tax_inclusive"] == (t["currency"] == "AUD" || t["currency"] == "BRL")));

    for request in [
        admin
            .get(server.url(&format!("/api/v1/invoices/{month}")))
            .header("accept", "text/csv"),
        admin.get(server.url(&format!("/api/v1/invoices/{month}?format=csv"))),
    ] {
        let res = request.send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(number));
        let csv = res.text().await.unwrap();
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(
            rows[0],
            "invoice_number,month,kind,date,customer_id,customer_name,order_id,description,amount,currency,tax_inclusive,source,source_id"
        );
        assert_eq!(rows.len(), lines.len() + 1, "one row per charge and credit");
        assert!(rows
            .iter()
            .any(|r| r.ends_with(&format!("\"cancellation\",\"{cancellation}\""))));
    }
    let (status, body) = server
        .get_json(&admin, &format!("/api/v1/invoices/{month}?format=pdf"))
        .await;
    assert_eq!((status, error_code(&body)), (400, "bad_request"));
}

async fn a_support_request_retried_with_its_key_is_filed_once(backend: Backend) {
    let fx = Fixture::start(backend).await;
    let order = fx.datacenter().await;
    let key = uuid::Uuid::new_v4().to_string();
    let (first, created) = fx.file_refund_with(&order, "100.00", Some(&key)).await;
    assert_eq!(first, 201, "{created}");
    let (again, replayed) = fx.file_refund_with(&order, "100.00", Some(&key)).await;
    assert_eq!(again, 200, "{replayed}");
    assert_eq!(replayed["id"], created["id"]);
    assert_eq!(replayed["number"], created["number"]);
    let (status, body) = fx.file_refund_with(&order, "200.00", Some(&key)).await;
    assert_eq!((status, error_code(&body)), (422, "idempotency_key_reused"));
    let (status, body) = fx.file_refund_with(&order, "100.00", Some("bad key")).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "idempotency_key_required")
    );
    assert_eq!(
        fx.server
            .count(&format!(
                "SELECT COUNT(*) FROM support_requests WHERE order_id = '{}'",
                order["id"].as_str().unwrap()
            ))
            .await,
        1
    );
    // Without a key, a second filing is a second request.
    let (status, _) = fx.file_refund(&order, "100.00").await;
    assert_eq!(status, 201);
}

/// `--seed-demo`: support requests in every state, an order refunded by approval, recent key
/// access, a Red Hat plan and a Brazilian order.
async fn the_demo_data_shows_every_state_on_first_start(backend: Backend) {
    let server = TestServer::start(backend).await;
    let support = server.signed_in(SUPPORT).await;
    let (_, queue) = server
        .get_json(&support, "/api/v1/support-requests?page_size=100")
        .await;
    let items = queue["items"].as_array().unwrap();
    for status in ["new", "in_progress", "approved", "rejected"] {
        assert!(
            items.iter().any(|r| r["status"] == status),
            "{status}: {queue}"
        );
    }
    let mut outcomes = Vec::new();
    for approved in items.iter().filter(|r| r["status"] == "approved") {
        let (_, detail) = server
            .get_json(
                &support,
                &format!(
                    "/api/v1/support-requests/{}",
                    approved["id"].as_str().unwrap()
                ),
            )
            .await;
        assert!(
            detail["credited"].is_string(),
            "an approval with its credit: {detail}"
        );
        outcomes.push(detail["outcome"].as_str().unwrap().to_string());
    }
    outcomes.sort();
    assert_eq!(outcomes, ["cancel_purchase", "credit_only"]);

    let agent = server.signed_in(ADMIN_AGENT).await;
    let orders_of = |prefix: &'static str| {
        let (server, agent) = (&server, &agent);
        async move {
            let (_, found) = server
                .get_json(
                    agent,
                    &format!("/api/v1/customers?q={prefix}.onmicrosoft.com"),
                )
                .await;
            let id = found["items"][0]["id"].as_str().unwrap().to_string();
            let (_, orders) = server
                .get_json(
                    agent,
                    &format!("/api/v1/customers/{id}/orders?page_size=100"),
                )
                .await;
            orders["items"].as_array().unwrap().clone()
        }
    };
    let tailspin = orders_of("tailspintoys").await;
    let refunded = &tailspin[0];
    assert_eq!(refunded["status"], "cancelled");
    assert!(refunded["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "cancelled" && e["support_request"]["number"].is_number()));
    assert_eq!(refunded["ledger"]["left_to_credit"], "0.00");
    let adatum = orders_of("adatum").await;
    let red_hat = adatum
        .iter()
        .find(|o| o["line_items"][0]["product_name"] == "Red Hat Enterprise Linux")
        .expect("a Red Hat plan");
    assert!(red_hat["cancellable_until"].is_null() && red_hat["credit_if_cancelled_now"].is_null());
    let proseware = orders_of("proseware").await;
    assert_eq!(proseware[0]["currency"], "BRL");
    assert_eq!(proseware[0]["tax_inclusive"], true);

    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (_, log) = server
        .get_json(&admin, "/api/v1/activity-log?page_size=100")
        .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"key_revealed") && actions.contains(&"software_downloaded"),
        "{log}"
    );
    assert!(log["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["user_email"].as_str().unwrap().starts_with("admin@")));
}
