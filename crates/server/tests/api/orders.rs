//! Buying software for a customer (R-BUY, R-CAT): the catalog per market, paid idempotent
//! orders, the order history and the invoice's charges; every order across the customers.

use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    an_admin_agent_buys_for_an_australian_customer_with_tax_included_prices,
    azure_reservations_are_not_offered_or_sold_in_china,
    only_admin_agents_and_global_admins_may_buy,
    bad_quantities_and_unknown_offers_are_named_by_field,
    another_partners_customer_is_not_found,
    a_replay_returns_the_same_order_and_a_reused_key_is_refused,
    twenty_identical_requests_at_once_place_one_order,
    prices_sent_by_the_client_are_ignored,
    yen_orders_have_no_decimals,
    the_demo_data_has_orders_and_invoices_on_first_start,
    invoices_have_charges_and_totals_per_currency,
    the_billing_profile_is_the_partners,
    every_order_across_customers_pages_by_keyset_and_filters,
    the_orders_list_refuses_bad_filters_and_other_kinds_of_user,
);

/// The id of a demo customer, by domain prefix.
async fn customer_id(server: &TestServer, client: &reqwest::Client, prefix: &str) -> String {
    let (_, found) = server
        .get_json(
            client,
            &format!("/api/v1/customers?q={prefix}.onmicrosoft.com"),
        )
        .await;
    found["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no customer {prefix}"))
        .to_string()
}

async fn offers(server: &TestServer, client: &reqwest::Client, customer: &str) -> Vec<Value> {
    let (status, body) = server
        .get_json(client, &format!("/api/v1/customers/{customer}/offers"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

/// The offer of `product` with `term` ("P1Y", "P3Y" or null).
fn offer<'a>(offers: &'a [Value], product: &str, term: Value) -> &'a Value {
    offers
        .iter()
        .find(|o| o["product_name"] == product && o["term"] == term)
        .unwrap_or_else(|| panic!("no offer {product} {term}"))
}

async fn order(
    server: &TestServer,
    client: &reqwest::Client,
    customer: &str,
    key: &str,
    body: &Value,
) -> (u16, Value) {
    let res = client
        .post(server.url(&format!("/api/v1/customers/{customer}/orders")))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    json_of(res).await
}

fn one_line(offer_id: &Value, quantity: i64) -> Value {
    json!({"line_items": [{"offer_id": offer_id, "quantity": quantity}]})
}

async fn an_admin_agent_buys_for_an_australian_customer_with_tax_included_prices(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let coho = customer_id(&server, &client, "cohowinery").await;
    let catalog = offers(&server, &client, &coho).await;
    let standard = offer(&catalog, "Windows Server 2022 Standard", json!("P1Y"));
    assert_eq!(standard["currency"], "AUD");
    assert_eq!(
        standard["tax_inclusive"], true,
        "R-CAT-3: Australian prices include tax"
    );
    assert_eq!(standard["kind"], "software_subscription");
    assert_eq!(standard["cancellation_window_days"], 60);
    assert_eq!(standard["azure_hybrid_benefit"], true, "R-CAT-5");
    assert_eq!(standard["available"], true);
    assert_eq!(standard["unit_price"], "722.30");

    let (status, placed) = order(
        &server,
        &client,
        &coho,
        "wizard-draft-1",
        &one_line(&standard["id"], 3),
    )
    .await;
    assert_eq!(status, 201, "{placed}");
    assert_eq!(placed["status"], "completed");
    assert_eq!(placed["total"], "2166.90");
    assert_eq!(placed["currency"], "AUD");
    assert_eq!(placed["tax_inclusive"], true);
    assert_eq!(placed["placed_by"], ADMIN_AGENT);
    assert_eq!(placed["line_items"][0]["quantity"], 3);
    assert_eq!(placed["line_items"][0]["amount"], "2166.90");
    assert!(
        placed["line_items"][0]["purchase_id"].is_string(),
        "a keyed line is a software purchase"
    );
    assert!(placed["line_items"][0]["term_end"].is_string());
    assert!(placed["cancellable_until"].is_string());
    assert_eq!(
        placed["credit_if_cancelled_now"], "2166.90",
        "cancelled today: everything back"
    );
    assert!(
        !placed.to_string().contains("XXXXX"),
        "no key material in the order"
    );

    let (_, history) = server
        .get_json(&client, &format!("/api/v1/customers/{coho}/orders"))
        .await;
    assert_eq!(history["items"][0]["id"], placed["id"], "newest first");
    let (status, fetched) = server
        .get_json(
            &client,
            &format!(
                "/api/v1/customers/{coho}/orders/{}",
                placed["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(fetched, placed);

    let month = server.clock_month();
    let (status, invoice) = server
        .get_json(
            &client,
            &format!("/api/v1/invoices/{month}?customer_id={coho}"),
        )
        .await;
    assert_eq!(status, 200, "{invoice}");
    let charge = invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["order_id"] == placed["id"])
        .expect("the charge is on this month's invoice");
    assert_eq!(
        (charge["kind"].as_str(), charge["amount"].as_str()),
        (Some("charge"), Some("2166.90"))
    );
}

async fn azure_reservations_are_not_offered_or_sold_in_china(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(OWNER).await;
    let wwi = customer_id(&server, &client, "wideworldimporters").await;
    let catalog = offers(&server, &client, &wwi).await;
    let reservations: Vec<_> = catalog
        .iter()
        .filter(|o| o["kind"] == "azure_reservation")
        .collect();
    assert!(!reservations.is_empty());
    for r in &reservations {
        assert_eq!(r["available"], false);
        assert_eq!(
            r["unavailable_reason"],
            "Azure reservations are not available in China."
        );
        assert_eq!(r["unavailable_code"], "azure_reservations_not_in_market");
    }
    let (status, body) = order(
        &server,
        &client,
        &wwi,
        "cn-1",
        &one_line(&reservations[0]["id"], 1),
    )
    .await;
    assert_eq!((status, error_code(&body)), (422, "offer_unavailable"));
    assert_eq!(
        body["error"]["message"],
        "Azure reservations are not available in China."
    );
    // The rest of the catalog is sold there.
    let windows = offer(&catalog, "Windows Server 2022 Standard", json!("P1Y"));
    assert_eq!(windows["available"], true);
    assert_eq!(
        order(&server, &client, &wwi, "cn-2", &one_line(&windows["id"], 1))
            .await
            .0,
        201
    );
}

async fn only_admin_agents_and_global_admins_may_buy(backend: Backend) {
    let server = TestServer::start(backend).await;
    let account_admin = server.signed_in(ACCOUNT_ADMIN).await;
    let contoso = customer_id(&server, &account_admin, "contoso").await;
    let catalog = offers(&server, &account_admin, &contoso).await;
    let line = one_line(
        &offer(&catalog, "Windows Server 2022 Standard", json!("P1Y"))["id"],
        1,
    );
    let (status, body) = order(&server, &account_admin, &contoso, "k1", &line).await;
    assert_eq!((status, error_code(&body)), (403, "forbidden"));
    assert_eq!(body["error"]["permission"], "buy_software");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Admin agent or Global admin"));
    for email in [GLOBAL_ADMIN, ADMIN_AGENT] {
        let client = server.signed_in(email).await;
        assert_eq!(
            order(&server, &client, &contoso, &format!("key-{email}"), &line)
                .await
                .0,
            201,
            "{email}"
        );
    }
    let customer_user = server.signed_in(CONTOSO_USER).await;
    assert_eq!(
        order(&server, &customer_user, &contoso, "k3", &line)
            .await
            .0,
        403
    );
    assert_eq!(
        server
            .get_json(
                &customer_user,
                &format!("/api/v1/customers/{contoso}/offers")
            )
            .await
            .0,
        403
    );
}

async fn bad_quantities_and_unknown_offers_are_named_by_field(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let contoso = customer_id(&server, &client, "contoso").await;
    let catalog = offers(&server, &client, &contoso).await;
    let sql = offer(&catalog, "SQL Server 2022 Standard", json!("P1Y"));
    assert_eq!(
        (sql["min_quantity"].as_u64(), sql["max_quantity"].as_u64()),
        (Some(2), Some(200))
    );
    for quantity in [0, 1, 201, -5] {
        let (status, body) = order(
            &server,
            &client,
            &contoso,
            &format!("q{quantity}"),
            &one_line(&sql["id"], quantity),
        )
        .await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "validation_failed"),
            "{quantity}"
        );
        assert_eq!(
            body["error"]["field_codes"]["line_items[0].quantity"],
            "out_of_range"
        );
        assert_eq!(
            body["error"]["fields"]["line_items[0].quantity"],
            "Enter a quantity from 2 to 200."
        );
    }
    let (status, body) = order(
        &server,
        &client,
        &contoso,
        "unknown",
        &one_line(&json!("0f8fad5b-d9cb-469f-a165-70867728950e"), 1),
    )
    .await;
    assert_eq!((status, error_code(&body)), (422, "validation_failed"));
    assert_eq!(
        body["error"]["field_codes"]["line_items[0].offer_id"],
        "unknown_offer"
    );
    let (status, body) = order(
        &server,
        &client,
        &contoso,
        "empty",
        &json!({"line_items": []}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field_codes"]["line_items"].as_str()),
        (422, Some("required"))
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key IN ('q0', 'unknown', 'empty')").await, 0, "refused orders keep no key");
}

async fn another_partners_customer_is_not_found(backend: Backend) {
    let server = TestServer::start(backend).await;
    let northwind = server.signed_in(ADMIN_AGENT).await;
    let contoso = customer_id(&server, &northwind, "contoso").await;
    let catalog = offers(&server, &northwind, &contoso).await;
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    assert_eq!(
        server
            .get_json(&fabrikam, &format!("/api/v1/customers/{contoso}/offers"))
            .await
            .0,
        404
    );
    assert_eq!(
        server
            .get_json(&fabrikam, &format!("/api/v1/customers/{contoso}/orders"))
            .await
            .0,
        404
    );
    let (status, body) = order(
        &server,
        &fabrikam,
        &contoso,
        "x",
        &one_line(&catalog[0]["id"], 1),
    )
    .await;
    assert_eq!((status, error_code(&body)), (404, "not_found"));
    let (_, orders) = server
        .get_json(&northwind, &format!("/api/v1/customers/{contoso}/orders"))
        .await;
    let some_order = orders["items"][0]["id"].as_str().unwrap();
    let tailwind = customer_id(&server, &fabrikam, "tailwindtraders").await;
    assert_eq!(
        server
            .get_json(
                &fabrikam,
                &format!("/api/v1/customers/{tailwind}/orders/{some_order}")
            )
            .await
            .0,
        404
    );
}

async fn a_replay_returns_the_same_order_and_a_reused_key_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let adatum = customer_id(&server, &client, "adatum").await;
    let catalog = offers(&server, &client, &adatum).await;
    let line = one_line(
        &offer(&catalog, "Windows Server 2022 Datacenter", json!("P3Y"))["id"],
        2,
    );
    let before = server.count("SELECT COUNT(*) FROM orders").await;
    let (first_status, first) = order(&server, &client, &adatum, "retry-me", &line).await;
    let (again_status, again) = order(&server, &client, &adatum, "retry-me", &line).await;
    assert_eq!((first_status, again_status), (201, 200));
    assert_eq!(first, again, "the same order, not charged twice");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM orders").await,
        before + 1
    );

    let other = one_line(
        &offer(&catalog, "Windows Server 2022 Datacenter", json!("P3Y"))["id"],
        3,
    );
    let (status, body) = order(&server, &client, &adatum, "retry-me", &other).await;
    assert_eq!((status, error_code(&body)), (422, "idempotency_key_reused"));
    let contoso = customer_id(&server, &client, "contoso").await;
    let (status, body) = order(&server, &client, &contoso, "retry-me", &line).await;
    assert_eq!(
        (status, error_code(&body)),
        (422, "idempotency_key_reused"),
        "a key belongs to one customer's order"
    );

    let res = client
        .post(server.url(&format!("/api/v1/customers/{adatum}/orders")))
        .json(&line)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "idempotency_key_required")
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Idempotency-Key"));
    assert_eq!(
        server.count("SELECT COUNT(*) FROM orders").await,
        before + 1
    );
}

async fn twenty_identical_requests_at_once_place_one_order(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let relecloud = customer_id(&server, &client, "relecloud").await;
    let catalog = offers(&server, &client, &relecloud).await;
    let line = one_line(
        &offer(&catalog, "SQL Server 2022 Enterprise", json!("P1Y"))["id"],
        4,
    );
    let before = server.count("SELECT COUNT(*) FROM orders").await;
    let url = server.url(&format!("/api/v1/customers/{relecloud}/orders"));
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let request = client
                .post(&url)
                .header("idempotency-key", "double-click")
                .json(&line);
            tokio::spawn(async move { json_of(request.send().await.unwrap()).await })
        })
        .collect();
    let mut ids = Vec::new();
    let mut created = 0;
    for h in handles {
        let (status, body) = h.await.unwrap();
        assert!(status == 201 || status == 200, "{status} {body}");
        created += usize::from(status == 201);
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every answer is the same order");
    assert_eq!(created, 1, "exactly one request created it");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM orders").await,
        before + 1
    );
}

async fn prices_sent_by_the_client_are_ignored(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let contoso = customer_id(&server, &client, "contoso").await;
    let catalog = offers(&server, &client, &contoso).await;
    let windows = offer(&catalog, "Windows Server 2022 Standard", json!("P1Y"));
    let body = json!({"line_items": [{"offer_id": windows["id"], "quantity": 2, "unit_price": "0.01"}], "total": "0.02", "currency": "JPY"});
    let (status, placed) = order(&server, &client, &contoso, "cheap", &body).await;
    assert_eq!(status, 201);
    assert_eq!(
        (placed["total"].as_str(), placed["currency"].as_str()),
        (Some("864.00"), Some("USD"))
    );
}

async fn yen_orders_have_no_decimals(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let litware = customer_id(&server, &client, "litware").await;
    let catalog = offers(&server, &client, &litware).await;
    let sql = offer(&catalog, "SQL Server 2022 Standard", json!("P1Y"));
    assert_eq!(
        (sql["currency"].as_str(), sql["unit_price"].as_str()),
        (Some("JPY"), Some("212700"))
    );
    let (status, placed) = order(&server, &client, &litware, "yen", &one_line(&sql["id"], 4)).await;
    assert_eq!(status, 201);
    assert_eq!(placed["total"], "850800");
}

async fn the_demo_data_has_orders_and_invoices_on_first_start(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(GLOBAL_ADMIN).await;
    for (prefix, currency, tax_inclusive) in [
        ("contoso", "USD", false),
        ("cohowinery", "AUD", true),
        ("litware", "JPY", false),
    ] {
        let id = customer_id(&server, &client, prefix).await;
        let (_, orders) = server
            .get_json(&client, &format!("/api/v1/customers/{id}/orders"))
            .await;
        assert!(orders["total"].as_u64().unwrap() >= 1, "{prefix}");
        let first = &orders["items"][0];
        assert_eq!(
            (first["currency"].as_str(), first["tax_inclusive"].as_bool()),
            (Some(currency), Some(tax_inclusive)),
            "{prefix}"
        );
    }
    let contoso = customer_id(&server, &client, "contoso").await;
    let (_, orders) = server
        .get_json(
            &client,
            &format!("/api/v1/customers/{contoso}/orders?page_size=100"),
        )
        .await;
    let kinds: Vec<_> = orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["line_items"][0]["kind"].as_str().unwrap().to_string())
        .collect();
    for kind in [
        "software_subscription",
        "perpetual_software",
        "software_plan",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    // The order of three days ago is on the invoice of its month.
    let recent = orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["line_items"][0]["product_name"] == "SQL Server 2022 Enterprise")
        .unwrap();
    let month = &recent["created_at"].as_str().unwrap()[..7];
    let (status, invoice) = server
        .get_json(&client, &format!("/api/v1/invoices/{month}"))
        .await;
    assert_eq!(status, 200);
    assert!(
        invoice["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["order_id"] == recent["id"]),
        "{invoice}"
    );
}

async fn invoices_have_charges_and_totals_per_currency(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let catalog_for = |id: String| {
        let server = &server;
        let client = &client;
        async move { (id.clone(), offers(server, client, &id).await) }
    };
    let (contoso, us) = catalog_for(customer_id(&server, &client, "contoso").await).await;
    let (litware, jp) = catalog_for(customer_id(&server, &client, "litware").await).await;
    // Two months on at least: a month without demo orders or the credits booked after them.
    server.clock.advance(chrono::Duration::days(70));
    let month = server.clock_month();
    let client = server.signed_in(ADMIN_AGENT).await; // the session before ended long ago
    order(
        &server,
        &client,
        &contoso,
        "inv-1",
        &one_line(
            &offer(&us, "Windows Server 2022 Standard", json!("P1Y"))["id"],
            2,
        ),
    )
    .await;
    order(
        &server,
        &client,
        &contoso,
        "inv-2",
        &one_line(
            &offer(&us, "Windows Server 2022 Standard", json!("P3Y"))["id"],
            1,
        ),
    )
    .await;
    order(
        &server,
        &client,
        &litware,
        "inv-3",
        &one_line(
            &offer(&jp, "SQL Server 2022 Standard", json!("P1Y"))["id"],
            2,
        ),
    )
    .await;

    let (status, invoice) = server
        .get_json(&client, &format!("/api/v1/invoices/{month}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(invoice["month"], month);
    let lines = invoice["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "{invoice}");
    assert!(lines.iter().all(|l| l["kind"] == "charge"));
    let totals = invoice["totals"].as_array().unwrap();
    let usd = totals.iter().find(|t| t["currency"] == "USD").unwrap();
    assert_eq!(
        (
            usd["charges"].as_str(),
            usd["credits"].as_str(),
            usd["net"].as_str()
        ),
        (Some("2030.00"), Some("0.00"), Some("2030.00"))
    );
    let jpy = totals.iter().find(|t| t["currency"] == "JPY").unwrap();
    assert_eq!(jpy["charges"], "425400");

    let (_, share) = server
        .get_json(
            &client,
            &format!("/api/v1/invoices/{month}?customer_id={litware}"),
        )
        .await;
    assert_eq!(
        share["lines"].as_array().unwrap().len(),
        1,
        "the customer's share"
    );
    for bad in ["2026-13", "26-11", "now", "%2B2026-11"] {
        let (status, body) = server
            .get_json(&client, &format!("/api/v1/invoices/{bad}"))
            .await;
        assert_eq!((status, error_code(&body)), (404, "not_found"), "{bad}");
    }
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let (_, theirs) = server
        .get_json(&fabrikam, &format!("/api/v1/invoices/{month}"))
        .await;
    assert!(
        theirs["lines"].as_array().unwrap().is_empty(),
        "another partner's invoice has none of these"
    );
    let customer_user = server.signed_in(CONTOSO_USER).await;
    assert_eq!(
        server
            .get_json(&customer_user, &format!("/api/v1/invoices/{month}"))
            .await
            .0,
        403
    );
}

async fn the_billing_profile_is_the_partners(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, profile) = server
        .get_json(
            &server.signed_in(ACCOUNT_ADMIN).await,
            "/api/v1/billing-profile",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(profile["company_name"], "Northwind Partners Ltd");
    assert!(profile["payment_method"]
        .as_str()
        .unwrap()
        .contains("Bank transfer"));
    let (_, theirs) = server
        .get_json(
            &server.signed_in(FABRIKAM_ADMIN).await,
            "/api/v1/billing-profile",
        )
        .await;
    assert_eq!(theirs["payment_method"], "Visa ending 4242");
    assert_eq!(
        server
            .get_json(&server.signed_in(SUPPORT).await, "/api/v1/billing-profile")
            .await
            .0,
        403
    );
}

/// Every page of `GET /api/v1/orders{query}` (`page_size` 4), followed by `next_cursor`.
async fn all_pages(server: &TestServer, client: &reqwest::Client, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let after = cursor
            .as_deref()
            .map(|c| format!("&cursor={}", urlencoding(c)))
            .unwrap_or_default();
        let (status, page) = server
            .get_json(client, &format!("/api/v1/orders?page_size=4{query}{after}"))
            .await;
        assert_eq!(status, 200, "{page}");
        let got = page["items"].as_array().unwrap();
        assert!(got.len() <= 4);
        items.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return items,
        }
    }
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn every_order_across_customers_pages_by_keyset_and_filters(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let contoso = customer_id(&server, &agent, "contoso").await;
    let offers = offers(&server, &agent, &contoso).await;
    let subscription = offers
        .iter()
        .find(|o| o["available"] == true && o["kind"] == "software_subscription")
        .unwrap();
    // Nine orders in the same instant (the test clock stands still): the id orders them.
    for n in 0..9 {
        let (status, body) = order(
            &server,
            &agent,
            &contoso,
            &format!("list-{n}"),
            &one_line(&subscription["id"], 1),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }

    let all = all_pages(&server, &agent, "").await;
    let partner_orders = server
        .count(&format!(
            "SELECT COUNT(*) FROM orders WHERE partner_id = \
             (SELECT partner_id FROM customers WHERE id = '{contoso}')"
        ))
        .await;
    assert_eq!(all.len() as i64, partner_orders, "every order once");
    let mut ids: Vec<&str> = all.iter().map(|o| o["id"].as_str().unwrap()).collect();
    let keys: Vec<(String, String)> = all
        .iter()
        .map(|o| {
            (
                o["created_at"].as_str().unwrap().to_string(),
                o["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(keys, sorted, "newest first, then by id");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "no order on two pages");
    let newest = &all[0];
    assert_eq!(newest["customer_id"], contoso.as_str());
    assert_eq!(newest["customer_name"], "Contoso Ltd");
    assert_eq!(newest["products"][0], subscription["product_name"]);
    assert_eq!(newest["placed_by"], ADMIN_AGENT);

    // Filters: one customer, one status, one product kind, a day range.
    let theirs = all_pages(&server, &agent, &format!("&customer={contoso}")).await;
    assert!(theirs.len() >= 9 && theirs.iter().all(|o| o["customer_id"] == contoso.as_str()));
    let cancelled = all_pages(&server, &agent, "&status=cancelled").await;
    assert!(!cancelled.is_empty(), "the demo's cancelled order");
    assert!(cancelled.iter().all(|o| o["status"] == "cancelled"));
    let reservations = all_pages(&server, &agent, "&kind=azure_reservation").await;
    let with_reservations = server
        .count(&format!(
            "SELECT COUNT(DISTINCT o.id) FROM orders o JOIN order_lines l ON l.order_id = o.id \
             WHERE l.kind = 'azure_reservation' AND o.partner_id = \
             (SELECT partner_id FROM customers WHERE id = '{contoso}')"
        ))
        .await;
    assert!(with_reservations > 0, "the demo's reservations");
    assert_eq!(reservations.len() as i64, with_reservations);
    let today = server.today();
    let todays = all_pages(&server, &agent, &format!("&from={today}&to={today}")).await;
    assert!(todays.len() >= 9);
    assert!(todays
        .iter()
        .all(|o| o["created_at"].as_str().unwrap().starts_with(&today)));

    // As CSV: every order, the export recorded.
    let res = agent
        .get(server.url("/api/v1/orders"))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("created_at,order_id,customer_id,"));
    assert_eq!(lines.count() as i64, partner_orders);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM audit_events WHERE action = 'orders_exported'")
            .await,
        1
    );
}

async fn the_orders_list_refuses_bad_filters_and_other_kinds_of_user(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    for (query, code) in [
        ("status=shipped", "bad_request"),
        ("status=expired", "bad_request"),
        ("kind=hardware", "bad_request"),
        ("customer=contoso", "bad_request"),
        ("cursor=yesterday", "bad_request"),
        ("page_size=0", "bad_request"),
        ("page_size=201", "bad_request"),
        ("from=2026-12-31&to=2026-12-01", "invalid_date_range"),
        ("from=31.12.2026", "invalid_date_range"),
    ] {
        let (status, body) = server
            .get_json(&agent, &format!("/api/v1/orders?{query}"))
            .await;
        assert_eq!((status, error_code(&body)), (400, code), "{query}: {body}");
    }
    // Another partner's orders are not in the list.
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let (status, page) = server
        .get_json(&fabrikam, "/api/v1/orders?page_size=200")
        .await;
    assert_eq!(status, 200, "{page}");
    let contoso = customer_id(&server, &agent, "contoso").await;
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["customer_id"] != contoso.as_str()));
    for who in [CONTOSO_USER, SUPPORT] {
        let client = server.signed_in(who).await;
        let (status, body) = server.get_json(&client, "/api/v1/orders").await;
        assert_eq!(
            (status, error_code(&body)),
            (403, "forbidden"),
            "{who}: {body}"
        );
    }
}
