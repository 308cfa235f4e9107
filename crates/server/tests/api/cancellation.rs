//! Cancelling purchases (R-CAN, R-INV-1): every refusal with its code, exactly one
//! cancellation and one credit under concurrency and across a crash, revocation, and the
//! credit on the next month's invoice.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    each_refusal_has_its_code,
    eight_concurrent_cancels_give_one_cancellation_and_one_credit,
    a_processed_cancellation_revokes_keys_and_downloads_and_credits_next_month,
    perpetual_software_gets_everything_back_and_subscriptions_are_prorated,
    the_demo_data_has_last_months_cancellation_on_this_months_invoice,
);

async fn contoso(server: &TestServer, client: &reqwest::Client) -> String {
    let (_, found) = server
        .get_json(client, "/api/v1/customers?q=contoso.onmicrosoft.com")
        .await;
    found["items"][0]["id"].as_str().unwrap().to_string()
}

/// Contoso's demo order of `product`.
async fn order_of(
    server: &TestServer,
    client: &reqwest::Client,
    customer: &str,
    product: &str,
) -> Value {
    let (_, orders) = server
        .get_json(
            client,
            &format!("/api/v1/customers/{customer}/orders?page_size=100"),
        )
        .await;
    orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["line_items"][0]["product_name"] == product)
        .unwrap_or_else(|| panic!("no {product} order"))
        .clone()
}

async fn cancel(
    server: &TestServer,
    client: &reqwest::Client,
    customer: &str,
    order: &Value,
    body: Value,
) -> (u16, Value) {
    let url = format!(
        "/api/v1/customers/{customer}/orders/{}/cancellation",
        order["id"].as_str().unwrap()
    );
    server.post_json(client, &url, &body).await
}

async fn each_refusal_has_its_code(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let customer = contoso(&server, &agent).await;
    let recent = order_of(&server, &agent, &customer, "Windows Server 2022 Datacenter").await;
    for email in [GLOBAL_ADMIN, ACCOUNT_ADMIN] {
        let client = server.signed_in(email).await;
        let (status, body) = cancel(
            &server,
            &client,
            &customer,
            &recent,
            json!({"confirm": true}),
        )
        .await;
        assert_eq!((status, error_code(&body)), (403, "forbidden"), "{email}");
        assert_eq!(body["error"]["permission"], "cancel_purchase");
    }
    for body in [json!({}), json!({"confirm": false})] {
        let (status, answer) = cancel(&server, &agent, &customer, &recent, body).await;
        assert_eq!(
            (status, error_code(&answer)),
            (422, "confirmation_required")
        );
    }
    for (product, code) in [
        (
            "Windows Server 2022 Standard (perpetual)",
            "cancellation_window_passed",
        ),
        ("SUSE Linux Enterprise Server Priority", "not_cancellable"),
        ("SQL Server 2022 Enterprise", "needs_support_request"),
    ] {
        let order = order_of(&server, &agent, &customer, product).await;
        let (status, body) =
            cancel(&server, &agent, &customer, &order, json!({"confirm": true})).await;
        assert_eq!(
            (status, error_code(&body)),
            (422, code),
            "{product}: {body}"
        );
    }
    let over = order_of(&server, &agent, &customer, "SQL Server 2022 Enterprise").await;
    let (_, body) = cancel(&server, &agent, &customer, &over, json!({"confirm": true})).await;
    let message = body["error"]["message"].as_str().unwrap();
    // 3 of 1,096 days of the three-year term used: USD 293,440.00 × 1,093 / 1,096.
    assert!(
        message.contains("USD 292,636.79") && message.contains("USD 25,000.00"),
        "{message}"
    );

    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let (status, _) = cancel(
        &server,
        &fabrikam,
        &customer,
        &recent,
        json!({"confirm": true}),
    )
    .await;
    assert_eq!(status, 404, "another partner's order is not found");

    let (status, accepted) = cancel(
        &server,
        &agent,
        &customer,
        &recent,
        json!({"confirm": true}),
    )
    .await;
    assert_eq!(status, 202, "{accepted}");
    assert_eq!(accepted["status"], "pending");
    assert_eq!(accepted["order_id"], recent["id"]);
    let (status, body) = cancel(
        &server,
        &agent,
        &customer,
        &recent,
        json!({"confirm": true}),
    )
    .await;
    assert_eq!((status, error_code(&body)), (409, "already_cancelled"));
}

async fn eight_concurrent_cancels_give_one_cancellation_and_one_credit(backend: Backend) {
    let server =
        TestServer::start_with(backend, |c| c.cancellation_delay = Duration::from_secs(0)).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let customer = contoso(&server, &agent).await;
    let order = order_of(&server, &agent, &customer, "Windows Server 2022 Datacenter").await;
    let url = server.url(&format!(
        "/api/v1/customers/{customer}/orders/{}/cancellation",
        order["id"].as_str().unwrap()
    ));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let request = agent.post(&url).json(&json!({"confirm": true}));
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [202, 409, 409, 409, 409, 409, 409, 409]);
    wait_for_status(&server, &agent, &customer, &order, "cancelled").await;
    assert_eq!(
        server
            .count(&format!(
                "SELECT COUNT(*) FROM cancellations WHERE order_id = '{}'",
                order["id"].as_str().unwrap()
            ))
            .await,
        1
    );
    assert_eq!(
        server
            .count(&format!(
                "SELECT COUNT(*) FROM credits WHERE order_id = '{}'",
                order["id"].as_str().unwrap()
            ))
            .await,
        1
    );
}

/// Waits (up to 15 s) until the order has `status`.
async fn wait_for_status(
    server: &TestServer,
    client: &reqwest::Client,
    customer: &str,
    order: &Value,
    status: &str,
) -> Value {
    let url = format!(
        "/api/v1/customers/{customer}/orders/{}",
        order["id"].as_str().unwrap()
    );
    for _ in 0..150 {
        let (_, now) = server.get_json(client, &url).await;
        if now["status"] == status {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the order never became {status}");
}

async fn a_processed_cancellation_revokes_keys_and_downloads_and_credits_next_month(
    backend: Backend,
) {
    let server =
        TestServer::start_with(backend, |c| c.cancellation_delay = Duration::from_secs(0)).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let customer = contoso(&server, &agent).await;
    let order = order_of(&server, &agent, &customer, "Windows Server 2022 Datacenter").await;
    let credit = order["credit_if_cancelled_now"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(order["cancellable_until"].is_string());

    let user = server.signed_in(CONTOSO_USER).await;
    let purchase = order["line_items"][0]["purchase_id"].as_str().unwrap();
    let (_, list) = server.get_json(&user, "/api/v1/tenant/software").await;
    let file = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == purchase)
        .unwrap()["downloads"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let download = server.url(&format!(
        "/api/v1/tenant/software/{purchase}/downloads/{file}"
    ));
    let reveal = server.url(&format!("/api/v1/tenant/software/{purchase}/key-reveals"));
    assert_eq!(
        user.post(&reveal).send().await.unwrap().status(),
        200,
        "keys work before"
    );

    let (status, _) = cancel(&server, &agent, &customer, &order, json!({"confirm": true})).await;
    assert_eq!(status, 202);
    let cancelled = wait_for_status(&server, &agent, &customer, &order, "cancelled").await;
    assert!(cancelled["credit_if_cancelled_now"].is_null());

    let (status, body) = json_of(user.post(&reveal).send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (410, "revoked"));
    let (status, body) = json_of(user.get(&download).send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (410, "revoked"));
    let (_, list) = server.get_json(&user, "/api/v1/tenant/software").await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == purchase)
        .unwrap()
        .clone();
    assert_eq!(
        (item["status"].as_str(), item["revoked"].as_bool()),
        (Some("cancelled"), Some(true)),
        "still listed, without keys"
    );
    assert_eq!(
        (
            item["key_count"].as_u64(),
            item["downloads"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );

    let next_month = csp_domain::InvoiceMonth::parse(&server.clock_month())
        .unwrap()
        .next();
    let (_, invoice) = server
        .get_json(
            &agent,
            &format!("/api/v1/invoices/{next_month}?customer_id={customer}"),
        )
        .await;
    let line = invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["order_id"] == order["id"])
        .expect("the credit is on next month's invoice");
    assert_eq!(line["kind"], "credit");
    assert_eq!(line["amount"], format!("-{credit}"));
    let usd = invoice["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["currency"] == "USD")
        .unwrap();
    assert_eq!(usd["credits"], format!("-{credit}"));
    let (_, this_month) = server
        .get_json(
            &agent,
            &format!(
                "/api/v1/invoices/{}?customer_id={customer}",
                server.clock_month()
            ),
        )
        .await;
    assert!(
        this_month["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["kind"] != "credit"),
        "not on this month's"
    );
}

async fn perpetual_software_gets_everything_back_and_subscriptions_are_prorated(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let customer = contoso(&server, &agent).await;
    let perpetual = order_of(
        &server,
        &agent,
        &customer,
        "SQL Server 2022 Standard (perpetual)",
    )
    .await;
    assert_eq!(
        perpetual["credit_if_cancelled_now"], perpetual["total"],
        "100% for perpetual software"
    );
    let subscription = order_of(&server, &agent, &customer, "Windows Server 2022 Datacenter").await;
    let credit: f64 = subscription["credit_if_cancelled_now"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let total: f64 = subscription["total"].as_str().unwrap().parse().unwrap();
    assert!(
        credit < total && credit > total * 0.9,
        "prorated for 5 of 365 days: {credit} of {total}"
    );
    let days = 5.0;
    assert!(
        (credit - total * (365.0 - days) / 365.0).abs() < 0.02,
        "{credit}"
    );
    let (_, software) = server
        .get_json(&agent, &format!("/api/v1/customers/{customer}/software"))
        .await;
    let listed = software["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["order_id"] == subscription["id"])
        .unwrap()
        .clone();
    assert_eq!(
        listed["credit_if_cancelled_now"],
        subscription["credit_if_cancelled_now"]
    );
    assert_eq!(
        listed["cancellable_until"],
        subscription["cancellable_until"]
    );
}

async fn the_demo_data_has_last_months_cancellation_on_this_months_invoice(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (_, invoice) = server
        .get_json(
            &admin,
            &format!("/api/v1/invoices/{}", server.clock_month()),
        )
        .await;
    let credit = invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "credit")
        .expect("a credit from last month");
    assert_eq!(credit["customer_name"], "Alpine Ski House");
    assert!(credit["amount"].as_str().unwrap().starts_with('-'));
    let eur = invoice["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["currency"] == "EUR")
        .unwrap();
    assert_eq!(eur["credits"], credit["amount"]);
}

/// SIGKILL with a cancellation pending: after a restart it completes, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancellation_pending_at_a_crash_completes_once_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let dist = app_shell(dir.path());
    let url = format!("sqlite://{}/crash.db", dir.path().display());
    let delay = [("CANCELLATION_DELAY_SECS", "2")];
    let mut first = Replica::start(&url, &dist, &delay);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let base = first.base.clone();
    client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let (_, found) = json_of(
        client
            .get(format!("{base}/api/v1/customers?q=contoso.onmicrosoft.com"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let customer = found["items"][0]["id"].as_str().unwrap().to_string();
    let (_, orders) = json_of(
        client
            .get(format!(
                "{base}/api/v1/customers/{customer}/orders?page_size=100"
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let order = orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["line_items"][0]["product_name"] == "Windows Server 2022 Datacenter")
        .unwrap()
        .clone();
    let order_id = order["id"].as_str().unwrap().to_string();
    let res = client
        .post(format!(
            "{base}/api/v1/customers/{customer}/orders/{order_id}/cancellation"
        ))
        .json(&json!({"confirm": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    first.child.kill().unwrap(); // SIGKILL, before the worker's turn
    first.child.wait().unwrap();

    let second = Replica::start(&url, &dist, &delay);
    let base = second.base.clone();
    client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"email": ADMIN_AGENT, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let mut status = Value::Null;
    for _ in 0..100 {
        let (_, now) = json_of(
            client
                .get(format!(
                    "{base}/api/v1/customers/{customer}/orders/{order_id}"
                ))
                .send()
                .await
                .unwrap(),
        )
        .await;
        status = now["status"].clone();
        if status == "cancelled" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        status, "cancelled",
        "the restarted server finished the pending cancellation"
    );
    let db = csp_server::store::Db::connect(&url, &Default::default())
        .await
        .unwrap();
    let credits: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM credits WHERE order_id = '{order_id}'"
    ))
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(credits, 1, "one credit");
}
