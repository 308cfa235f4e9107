//! The life of a subscription (SPEC §11 Subscriptions), with the server's clock moved past a
//! term end: a subscription renews once — a new order at the catalog's price, on that month's
//! invoice, with a new cancellation window and the same keys — or, with auto-renew off,
//! expires and its keys answer 410; two servers on one database renew it once.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    a_subscription_renews_once_at_its_term_end_with_a_new_window_and_that_months_charge,
    with_auto_renew_off_a_subscription_expires_and_its_keys_answer_410,
    two_servers_on_one_database_renew_a_subscription_once,
    the_customer_list_finds_windows_closing_and_subscriptions_renewing_soon,
);

struct Bought {
    customer: String,
    purchase: Value,
    offer: Value,
}

/// Contoso buys one 1-year software subscription with keys; the purchase as the Software tab
/// lists it.
async fn buy_subscription(server: &TestServer, agent: &reqwest::Client, key: &str) -> Bought {
    buy(server, agent, key, |o| {
        o["kind"] == "software_subscription" && o["term"] == "P1Y" && o["has_keys"] == true
    })
    .await
}

/// Contoso buys two of the first available offer that `wanted` accepts.
async fn buy(
    server: &TestServer,
    agent: &reqwest::Client,
    key: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Bought {
    let (_, found) = server
        .get_json(agent, "/api/v1/customers?q=contoso.onmicrosoft.com")
        .await;
    let customer = found["items"][0]["id"].as_str().unwrap().to_string();
    let (_, offers) = server
        .get_json(agent, &format!("/api/v1/customers/{customer}/offers"))
        .await;
    let offer = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["available"] == true && wanted(o))
        .expect("such an offer for Contoso")
        .clone();
    let res = agent
        .post(server.url(&format!("/api/v1/customers/{customer}/orders")))
        .header("idempotency-key", key)
        .json(&json!({"line_items": [{"offer_id": offer["id"], "quantity": 2}]}))
        .send()
        .await
        .unwrap();
    let (status, order) = json_of(res).await;
    assert_eq!(status, 201, "{order}");
    let purchase_id = order["line_items"][0]["purchase_id"].clone();
    let purchase = purchase_of(server, agent, &customer, purchase_id.as_str().unwrap()).await;
    Bought {
        customer,
        purchase,
        offer,
    }
}

async fn purchase_of(
    server: &TestServer,
    client: &reqwest::Client,
    customer: &str,
    id: &str,
) -> Value {
    let (status, page) = server
        .get_json(
            client,
            &format!("/api/v1/customers/{customer}/software?page_size=100"),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no purchase {id} in {page}"))
        .clone()
}

fn time(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

/// Waits (up to 20 s: the worker looks every 2 s) until the purchase has `status`.
async fn wait_for(
    server: &TestServer,
    client: &reqwest::Client,
    customer: &str,
    id: &str,
    status: &str,
) -> Value {
    for _ in 0..200 {
        let purchase = purchase_of(server, client, customer, id).await;
        if purchase["status"] == status {
            return purchase;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("purchase {id} never became {status}");
}

/// How many purchases carry the product keys of `purchase`: the purchase and its renewals.
async fn orders_with_its_keys(server: &TestServer, purchase: &str) -> i64 {
    server
        .count(&format!(
            "SELECT COUNT(DISTINCT purchase_id) FROM product_keys WHERE product_key IN \
             (SELECT product_key FROM product_keys WHERE purchase_id = '{purchase}')"
        ))
        .await
}

async fn reveal(server: &TestServer, tenant: &reqwest::Client, id: &str) -> (u16, Value) {
    json_of(
        tenant
            .post(server.url(&format!("/api/v1/tenant/software/{id}/key-reveals")))
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn a_subscription_renews_once_at_its_term_end_with_a_new_window_and_that_months_charge(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let bought = buy_subscription(&server, &agent, "renews").await;
    let purchase = &bought.purchase;
    let id = purchase["id"].as_str().unwrap();
    assert_eq!(
        purchase["auto_renew"], true,
        "subscriptions renew by default"
    );
    assert_eq!(purchase["status"], "completed");
    let term_end = time(&purchase["term_end"]);
    assert_eq!(
        term_end,
        csp_domain::Term::P1Y.end(time(&purchase["purchased_at"]))
    );
    let tenant = server.signed_in(CONTOSO_USER).await;
    let (status, keys) = reveal(&server, &tenant, id).await;
    assert_eq!(status, 200, "{keys}");

    // One second past the term end (sessions have ended by then: sign in again).
    let renewed_at = term_end + chrono::Duration::seconds(1);
    server.clock.set(renewed_at);
    let agent = server.signed_in(ADMIN_AGENT).await;
    let old = wait_for(&server, &agent, &bought.customer, id, "renewed").await;
    let renewal_id = old["renewal_order_id"].as_str().expect("the renewal order");
    let (status, renewal) = server
        .get_json(
            &agent,
            &format!("/api/v1/customers/{}/orders/{renewal_id}", bought.customer),
        )
        .await;
    assert_eq!(status, 200, "{renewal}");
    assert_eq!(renewal["placed_by"], "automatic renewal");
    assert_eq!(renewal["status"], "completed");
    let placed = time(&renewal["created_at"]);
    assert!(placed >= term_end, "{renewal}");
    assert_eq!(
        time(&renewal["cancellable_until"]),
        placed + chrono::Duration::days(60),
        "a new cancellation window"
    );
    let line = &renewal["line_items"][0];
    assert_eq!(line["offer_id"], bought.offer["id"]);
    assert_eq!(line["quantity"], 2);
    assert_eq!(line["auto_renew"], true);
    assert_eq!(
        time(&line["term_end"]),
        csp_domain::Term::P1Y.end(placed),
        "a new term"
    );
    // Priced from the catalog now, in the customer's currency.
    let (_, offers) = server
        .get_json(
            &agent,
            &format!("/api/v1/customers/{}/offers", bought.customer),
        )
        .await;
    let price_now = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == bought.offer["id"])
        .unwrap()["unit_price"]
        .clone();
    assert_eq!(line["unit_price"], price_now);
    assert_eq!(renewal["currency"], bought.offer["currency"]);

    // Charged on this month's invoice.
    let month = renewed_at.format("%Y-%m").to_string();
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (status, invoice) = server
        .get_json(&admin, &format!("/api/v1/invoices/{month}"))
        .await;
    assert_eq!(status, 200, "{invoice}");
    assert!(
        invoice["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["kind"] == "charge" && l["order_id"] == renewal_id),
        "{invoice}"
    );

    // The customer's keys go on working under the renewal.
    let tenant = server.signed_in(CONTOSO_USER).await;
    let renewed_purchase = line["purchase_id"].as_str().unwrap();
    let (status, renewed_keys) = reveal(&server, &tenant, renewed_purchase).await;
    assert_eq!(status, 200, "{renewed_keys}");
    assert_eq!(renewed_keys["product_keys"], keys["product_keys"]);
    // The renewed purchase hands out nothing itself: its keys are the renewal's, and end with it.
    let (status, body) = reveal(&server, &tenant, id).await;
    assert_eq!((status, error_code(&body)), (410, "revoked"), "{body}");
    let (_, list) = server.get_json(&tenant, "/api/v1/tenant/software").await;
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap();
    assert_eq!(
        (&listed["status"], &listed["revoked"]),
        (&json!("renewed"), &json!(true))
    );

    // Once: the worker keeps looking, nothing more happens (the demo data's subscriptions
    // renew too: only this purchase is counted).
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        orders_with_its_keys(&server, id).await,
        2,
        "bought, renewed"
    );
    let (_, trail) = server
        .get_json(
            &admin,
            "/api/v1/audit-log?action=subscription_renewed&page_size=500",
        )
        .await;
    let entries: Vec<&Value> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target_id"] == id)
        .collect();
    assert_eq!(entries.len(), 1, "{trail}");
    assert_eq!(entries[0]["actor_kind"], "system");
    assert_eq!(entries[0]["target_id"], id);
}

async fn with_auto_renew_off_a_subscription_expires_and_its_keys_answer_410(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let bought = buy_subscription(&server, &agent, "expires").await;
    let id = bought.purchase["id"].as_str().unwrap();
    let path = format!("/api/v1/customers/{}/software/{id}", bought.customer);

    // Only the roles that buy change it, and only to a boolean.
    let account_admin = server.signed_in(ACCOUNT_ADMIN).await;
    let (status, body) = server
        .patch_json(&account_admin, &path, &json!({"auto_renew": false}))
        .await;
    assert_eq!((status, error_code(&body)), (403, "forbidden"), "{body}");
    let (status, body) = server
        .patch_json(&agent, &path, &json!({"auto_renew": "no"}))
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, changed) = server
        .patch_json(&agent, &path, &json!({"auto_renew": false}))
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["auto_renew"], false);
    assert_eq!(
        purchase_of(&server, &agent, &bought.customer, id).await["auto_renew"],
        false
    );

    // A perpetual licence has no term to renew.
    let perpetual = buy(&server, &agent, "perpetual", |o| {
        o["kind"] == "perpetual_software"
    })
    .await
    .purchase;
    assert_eq!(perpetual["auto_renew"], false);
    assert_eq!(perpetual["term_end"], Value::Null);
    let (status, body) = server
        .patch_json(
            &agent,
            &format!(
                "/api/v1/customers/{}/software/{}",
                bought.customer,
                perpetual["id"].as_str().unwrap()
            ),
            &json!({"auto_renew": true}),
        )
        .await;
    assert_eq!((status, error_code(&body)), (422, "not_renewable"));

    server
        .clock
        .set(time(&bought.purchase["term_end"]) + chrono::Duration::seconds(1));
    let agent = server.signed_in(ADMIN_AGENT).await;
    let expired = wait_for(&server, &agent, &bought.customer, id, "expired").await;
    assert_eq!(expired["renewal_order_id"], Value::Null);
    let (status, body) = server
        .patch_json(&agent, &path, &json!({"auto_renew": true}))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "subscription_ended"),
        "{body}"
    );

    let tenant = server.signed_in(CONTOSO_USER).await;
    let (status, body) = reveal(&server, &tenant, id).await;
    assert_eq!((status, error_code(&body)), (410, "revoked"), "{body}");
    let (_, list) = server.get_json(&tenant, "/api/v1/tenant/software").await;
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap();
    assert_eq!(listed["status"], "expired");
    assert_eq!(listed["revoked"], true);
    assert_eq!(listed["downloads"], json!([]));
    assert_eq!(orders_with_its_keys(&server, id).await, 1, "not renewed");

    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (_, trail) = server
        .get_json(&admin, "/api/v1/audit-log?page_size=500")
        .await;
    let items = trail["items"].as_array().unwrap();
    let of = |action: &str| {
        items
            .iter()
            .filter(|e| e["action"] == action && e["target_id"] == id)
            .count()
    };
    assert_eq!(of("auto_renew_changed"), 1, "{trail}");
    assert_eq!(of("subscription_expired"), 1, "{trail}");
}

async fn two_servers_on_one_database_renew_a_subscription_once(backend: Backend) {
    let first = TestServer::start(backend).await;
    let agent = first.signed_in(ADMIN_AGENT).await;
    let bought = buy_subscription(&first, &agent, "two-servers").await;
    let id = bought.purchase["id"].as_str().unwrap();
    let second = TestServer::start_on(&first.database_url, tempfile::tempdir().unwrap()).await;
    let after = time(&bought.purchase["term_end"]) + chrono::Duration::seconds(1);
    first.clock.set(after);
    second.clock.set(after);
    let agent = second.signed_in(ADMIN_AGENT).await;
    wait_for(&second, &agent, &bought.customer, id, "renewed").await;
    // Both workers keep looking for a while.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        orders_with_its_keys(&first, id).await,
        2,
        "bought, renewed once"
    );
    assert_eq!(
        first
            .count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'subscription_renewed' \
                 AND target_id = '{id}'"
            ))
            .await,
        1
    );
}

async fn the_customer_list_finds_windows_closing_and_subscriptions_renewing_soon(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    // A new customer with one subscription: nothing else of theirs can have a deadline.
    let res = agent
        .post(server.url("/api/v1/customers"))
        .header("idempotency-key", "deadlines")
        .json(&json!({
            "company_name": "Deadline Toys",
            "domain": "deadlinetoys.onmicrosoft.com",
            "market": "US",
            "address": {"line1": "1 Main St", "city": "Redmond", "postal_code": "98052",
                "region": "WA"},
            "admin_name": "Wen Wingtip",
            "admin_email": "wen@deadlinetoys.example",
            "agreement_accepted": true
        }))
        .send()
        .await
        .unwrap();
    let (status, wingtip) = json_of(res).await;
    assert_eq!(status, 201, "{wingtip}");
    let customer = wingtip["id"].as_str().unwrap().to_string();
    let (_, offers) = server
        .get_json(&agent, &format!("/api/v1/customers/{customer}/offers"))
        .await;
    let offer = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| {
            o["available"] == true && o["kind"] == "software_subscription" && o["term"] == "P1Y"
        })
        .unwrap()
        .clone();
    let res = agent
        .post(server.url(&format!("/api/v1/customers/{customer}/orders")))
        .header("idempotency-key", "deadlines-order")
        .json(&json!({"line_items": [{"offer_id": offer["id"], "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    let (status, order) = json_of(res).await;
    assert_eq!(status, 201, "{order}");
    let window_end = time(&order["cancellable_until"]);
    let term_end = time(&order["line_items"][0]["term_end"]);

    let listed = |deadline: &'static str| {
        let (server, customer) = (&server, customer.clone());
        async move {
            let agent = server.signed_in(ADMIN_AGENT).await;
            let (status, page) = server
                .get_json(
                    &agent,
                    &format!("/api/v1/customers?deadline={deadline}&page_size=100"),
                )
                .await;
            assert_eq!(status, 200, "{page}");
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == customer.as_str())
        }
    };
    assert!(!listed("window_closing").await, "60 days left");
    assert!(!listed("renewing").await, "a year left");
    server.clock.set(window_end - chrono::Duration::days(6));
    assert!(listed("window_closing").await, "6 days left");
    server.clock.set(window_end + chrono::Duration::seconds(1));
    assert!(!listed("window_closing").await, "closed");
    server.clock.set(term_end - chrono::Duration::days(29));
    assert!(listed("renewing").await, "renews in 29 days");
    // A search narrows the list as it narrows the whole one.
    let agent = server.signed_in(ADMIN_AGENT).await;
    for (q, found) in [
        ("deadline toys", true),
        ("DEADLINETOYS.onmicrosoft", true),
        ("contoso", false),
    ] {
        let (_, page) = server
            .get_json(
                &agent,
                &format!(
                    "/api/v1/customers?deadline=renewing&q={}",
                    q.replace(' ', "%20")
                ),
            )
            .await;
        let ids: Vec<&Value> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["id"])
            .collect();
        assert_eq!(
            ids.contains(&&Value::from(customer.as_str())),
            found,
            "{q}: {page}"
        );
    }
    // With auto-renew off it does not renew: not listed.
    let purchase = order["line_items"][0]["purchase_id"].as_str().unwrap();
    let (status, body) = server
        .patch_json(
            &agent,
            &format!("/api/v1/customers/{customer}/software/{purchase}"),
            &json!({"auto_renew": false}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(!listed("renewing").await, "expires instead");

    // An unknown deadline is refused; a customer's user has none.
    let (status, body) = server
        .get_json(&agent, "/api/v1/customers?deadline=tomorrow")
        .await;
    assert_eq!((status, error_code(&body)), (400, "bad_request"), "{body}");
    let tenant = server.signed_in(CONTOSO_USER).await;
    let (status, _) = server
        .get_json(&tenant, "/api/v1/customers?deadline=renewing")
        .await;
    assert_eq!(status, 403);
}
