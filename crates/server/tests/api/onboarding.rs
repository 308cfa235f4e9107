//! Onboarding: a partner adds a customer (idempotent, one customer per primary domain also
//! under concurrency, in the list and search at once — held lists too), whose market rules
//! apply and whose first admin sets a password from the invitation and reaches the keys;
//! edits of the company's details recorded; the billing profile's details edited by Global
//! admins only.

use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    an_admin_agent_adds_a_customer_once_and_its_admin_reaches_its_keys,
    one_primary_domain_makes_one_customer_under_concurrency,
    only_admin_agents_and_global_admins_add_and_edit_customers,
    a_customer_of_a_table_1_market_is_not_offered_reservations,
    the_global_admin_edits_the_billing_profile_and_each_change_is_recorded,
);

fn litware(domain: &str) -> Value {
    json!({
        "company_name": "Litware Inc",
        "domain": domain,
        "market": "DE",
        "address": {"line1": "Hauptstraße 1", "city": "Berlin", "postal_code": "10115"},
        "tax_id": "DE123456789",
        "admin_name": "Lena Litware",
        "admin_email": format!("lena@{}", domain.replace(".onmicrosoft.com", ".example")),
        "agreement_accepted": true
    })
}

async fn add(
    server: &TestServer,
    client: &reqwest::Client,
    key: &str,
    body: &Value,
) -> (u16, Value) {
    let res = client
        .post(server.url("/api/v1/customers"))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    json_of(res).await
}

async fn an_admin_agent_adds_a_customer_once_and_its_admin_reaches_its_keys(backend: Backend) {
    // Every partner's list held in memory: the new customer must show there at once too.
    let server = TestServer::start_with(backend, |c| {
        c.customer_lists.from_customers = 0;
        c.customer_lists.rebuild_interval = std::time::Duration::ZERO;
    })
    .await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    // The list is held before the customer is added.
    let (status, _) = server.get_json(&agent, "/api/v1/customers?q=litware").await;
    assert_eq!(status, 200);
    let (_, before) = server.get_json(&agent, "/api/v1/customers").await;

    let (status, free) = server
        .get_json(&agent, "/api/v1/domain-availability?domain=LitwareDE")
        .await;
    assert_eq!(status, 200, "{free}");
    assert_eq!(
        free,
        json!({"domain": "litwarede.onmicrosoft.com", "available": true})
    );
    let (status, body) = server
        .get_json(&agent, "/api/v1/domain-availability?domain=lit-ware")
        .await;
    assert_eq!(
        (status, body["error"]["field_codes"]["domain"].as_str()),
        (422, Some("invalid_characters"))
    );

    let request = litware("litwarede.onmicrosoft.com");
    let (status, created) = add(&server, &agent, "add-litware", &request).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["currency"], "EUR", "the market's currency");
    assert_eq!(created["domain"], "litwarede.onmicrosoft.com");
    assert_eq!(created["tenant_id"].as_str().unwrap().len(), 36);
    let link = created["admin"]["invitation_url"]
        .as_str()
        .unwrap()
        .to_string();

    // A double click, or a retried script: the same customer, once.
    let (status, again) = add(&server, &agent, "add-litware", &request).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], id.as_str());
    assert!(
        again.get("admin").is_none(),
        "the link is never shown twice"
    );
    let mut other = request.clone();
    other["company_name"] = json!("Litware Two");
    let (status, body) = add(&server, &agent, "add-litware", &other).await;
    assert_eq!((status, error_code(&body)), (422, "idempotency_key_reused"));
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM customers WHERE domain = 'litwarede.onmicrosoft.com'")
            .await,
        1
    );
    let (_, taken) = server
        .get_json(&agent, "/api/v1/domain-availability?domain=litwarede")
        .await;
    assert_eq!(taken["available"], false);

    // In the list and in search at once, from the held list.
    let (_, after) = server.get_json(&agent, "/api/v1/customers").await;
    assert_eq!(
        after["total"].as_i64().unwrap(),
        before["total"].as_i64().unwrap() + 1
    );
    for q in [
        "litware",
        "litwarede.onmicrosoft",
        &created["tenant_id"].as_str().unwrap()[..8],
    ] {
        let (_, found) = server
            .get_json(&agent, &format!("/api/v1/customers?q={q}"))
            .await;
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == id.as_str()),
            "{q}: {found}"
        );
    }
    let (status, details) = server
        .get_json(&agent, &format!("/api/v1/customers/{id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(details["address"]["city"], "Berlin");
    assert_eq!(details["tax_id"], "DE123456789");
    assert_eq!(
        details["agreement"]["accepted_by_email"],
        "lena@litwarede.example"
    );
    assert_eq!(details["agreement"]["confirmed_by"], ADMIN_AGENT);
    assert_eq!(details["changes"][0]["field"], "created");

    // Bought for straight away; the invited admin sets a password and reaches the key.
    let (_, offers) = server
        .get_json(&agent, &format!("/api/v1/customers/{id}/offers"))
        .await;
    let windows = offers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["product_name"] == "Windows Server 2022 Standard" && o["term"] == "P1Y")
        .expect("offered")
        .clone();
    assert_eq!(windows["currency"], "EUR");
    let res = agent
        .post(server.url(&format!("/api/v1/customers/{id}/orders")))
        .header("idempotency-key", "litware-first-order")
        .json(&json!({"line_items": [{"offer_id": windows["id"], "quantity": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let lena = server.client();
    let token = link.split("token=").nth(1).unwrap();
    let res = lena
        .post(server.url("/api/v1/invitations/accept"))
        .json(&json!({"token": token, "password": "a passphrase for litware"}))
        .send()
        .await
        .unwrap();
    let (status, me) = json_of(res).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["kind"], "customer");
    assert_eq!(me["user"]["organization"], "Litware Inc");
    let (_, software) = server.get_json(&lena, "/api/v1/tenant/software").await;
    let purchase = &software["items"][0];
    assert_eq!(purchase["product_name"], "Windows Server 2022 Standard");
    let res = lena
        .post(server.url(&format!(
            "/api/v1/tenant/software/{}/key-reveals",
            purchase["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    let (status, reveal) = json_of(res).await;
    assert_eq!(status, 200, "{reveal}");
    assert_eq!(reveal["product_keys"].as_array().unwrap().len(), 1);
}

async fn one_primary_domain_makes_one_customer_under_concurrency(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let (client, url) = (agent.clone(), server.url("/api/v1/customers"));
        let mut body = litware("racer.onmicrosoft.com");
        body["admin_email"] = json!(format!("admin{n}@racer.example"));
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .header("idempotency-key", format!("racer-{n}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            json_of(res).await
        }));
    }
    let mut created = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            201 => created += 1,
            422 => assert_eq!(body["error"]["field_codes"]["domain"], "taken", "{body}"),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM customers WHERE domain = 'racer.onmicrosoft.com'")
            .await,
        1
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM users WHERE email LIKE 'admin%@racer.example'")
            .await,
        1,
        "one admin invited: the refused additions left nothing"
    );
    // A domain another partner's customer has is taken too; and so is an admin's address.
    let (status, body) = add(
        &server,
        &agent,
        "contoso-again",
        &litware("contoso.onmicrosoft.com"),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field_codes"]["domain"], "taken");
    let mut body = litware("freshdomain.onmicrosoft.com");
    body["admin_email"] = json!(CONTOSO_USER);
    let (status, answer) = add(&server, &agent, "email-taken", &body).await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["field_codes"]["admin_email"], "taken");
    // Every field's problem at once.
    let (status, answer) = add(
        &server,
        &agent,
        "all-wrong",
        &json!({"company_name": "", "domain": "a.b", "market": "ZZ", "address": {"line1": "", "city": "", "postal_code": ""},
                "admin_name": "", "admin_email": "nobody", "agreement_accepted": false}),
    )
    .await;
    assert_eq!(status, 422);
    let codes = &answer["error"]["field_codes"];
    for field in [
        "company_name",
        "domain",
        "market",
        "address.line1",
        "address.city",
        "address.postal_code",
        "admin_name",
        "admin_email",
        "agreement_accepted",
    ] {
        assert!(codes.get(field).is_some(), "{field}: {answer}");
    }
    // Without a key: refused before anything.
    let res = agent
        .post(server.url("/api/v1/customers"))
        .json(&litware("nokey.onmicrosoft.com"))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "idempotency_key_required")
    );
}

async fn only_admin_agents_and_global_admins_add_and_edit_customers(backend: Backend) {
    let server = TestServer::start(backend).await;
    for email in [ACCOUNT_ADMIN, "referral.admin@northwind.example"] {
        let client = server.signed_in(email).await;
        let (status, body) = add(&server, &client, "nope", &litware("nope.onmicrosoft.com")).await;
        assert_eq!(status, 403, "{email}: {body}");
        assert_eq!(body["error"]["permission"], "add_customers");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Admin agent or Global admin"));
    }
    let support = server.signed_in(SUPPORT).await;
    let (status, _) = add(&server, &support, "nope", &litware("nope.onmicrosoft.com")).await;
    assert_eq!(status, 403);

    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (status, created) = add(
        &server,
        &admin,
        "edit-me",
        &litware("editme.onmicrosoft.com"),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let path = format!("/api/v1/customers/{id}");
    let (status, edited) = server
        .patch_json(
            &admin,
            &path,
            &json!({"company_name": "Litware GmbH", "address": {"line1": "Unter den Linden 2", "city": "Berlin", "postal_code": "10117"}, "tax_id": "", "domain": "stolen.onmicrosoft.com"}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["company_name"], "Litware GmbH");
    assert_eq!(
        edited["domain"], "editme.onmicrosoft.com",
        "the domain never changes"
    );
    assert!(edited.get("tax_id").is_none());
    let fields: Vec<&str> = edited["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields.len(), 4, "{edited}");
    for field in ["company_name", "address", "tax_id", "created"] {
        assert!(fields.contains(&field), "{field}: {edited}");
    }
    let renamed = edited["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "company_name")
        .unwrap();
    assert_eq!(renamed["from"], "Litware Inc");
    assert_eq!(renamed["to"], "Litware GmbH");
    assert_eq!(renamed["by"], GLOBAL_ADMIN);
    let (_, found) = server.get_json(&admin, "/api/v1/customers?q=gmbh").await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id),
        "renamed in search: {found}"
    );
    let (status, body) = server
        .patch_json(&admin, &path, &json!({"company_name": "\u{0}"}))
        .await;
    assert_eq!(
        (
            status,
            body["error"]["field_codes"]["company_name"].as_str()
        ),
        (422, Some("invalid_characters"))
    );

    // Adding a customer invites its admin: it counts with the person's invitations (30 an hour).
    for n in 0..29 {
        let (status, _) = server
            .post_json(
                &admin,
                "/api/v1/users",
                &json!({"email": format!("colleague{n}@northwind.example"), "display_name": "C", "roles": []}),
            )
            .await;
        assert_eq!(status, 201);
    }
    let res = admin
        .post(server.url("/api/v1/customers"))
        .header("idempotency-key", "one-too-many")
        .json(&litware("onetoomany.onmicrosoft.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "the 31st invitation of the hour");
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM customers WHERE domain = 'onetoomany.onmicrosoft.com'")
            .await,
        0
    );

    let account_admin = server.signed_in(ACCOUNT_ADMIN).await;
    let (status, _) = server
        .patch_json(&account_admin, &path, &json!({"company_name": "Mine now"}))
        .await;
    assert_eq!(status, 403);
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let (status, _) = server
        .patch_json(&fabrikam, &path, &json!({"company_name": "Mine now"}))
        .await;
    assert_eq!(status, 404, "another partner's customer is not there");
}

async fn a_customer_of_a_table_1_market_is_not_offered_reservations(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let mut body = litware("svalbardco.onmicrosoft.com");
    body["market"] = json!("no-21");
    let (status, created) = add(&server, &agent, "svalbard", &body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["market"], "NO-21");
    assert_eq!(created["currency"], "NOK");
    let (_, offers) = server
        .get_json(
            &agent,
            &format!(
                "/api/v1/customers/{}/offers",
                created["id"].as_str().unwrap()
            ),
        )
        .await;
    let items = offers["items"].as_array().unwrap();
    let reservations: Vec<&Value> = items
        .iter()
        .filter(|o| o["kind"] == "azure_reservation")
        .collect();
    assert!(!reservations.is_empty());
    for r in reservations {
        assert_eq!(r["available"], false);
        assert_eq!(r["unavailable_code"], "azure_reservations_not_in_market");
    }
    assert!(items
        .iter()
        .any(|o| o["kind"] != "azure_reservation" && o["available"] == true));
}

async fn the_global_admin_edits_the_billing_profile_and_each_change_is_recorded(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let (status, body) = server
        .patch_json(
            &admin,
            "/api/v1/billing-profile",
            &json!({"payment_method": "Visa 4242 4242 4242 4242", "invoice_email": "not-an-address"}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["error"]["field_codes"]["payment_method"],
        "card_number"
    );
    assert_eq!(
        body["error"]["field_codes"]["invoice_email"],
        "invalid_email"
    );
    let (_, unchanged) = server.get_json(&admin, "/api/v1/billing-profile").await;
    assert!(
        unchanged["details_changes"].as_array().unwrap().is_empty(),
        "nothing of a refused change"
    );

    let (status, profile) = server
        .patch_json(
            &admin,
            "/api/v1/billing-profile",
            &json!({"payment_method": "Visa ending 4242", "address_lines": ["1 Harbour Road", "Seattle, WA 98101"], "invoice_email": "ap@northwind.example", "refund_limit": "30000"}),
        )
        .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["payment_method"], "Visa ending 4242");
    assert_eq!(
        profile["address_lines"],
        json!(["1 Harbour Road", "Seattle, WA 98101"])
    );
    assert_eq!(profile["refund_limit"], "30000.00");
    let settings: Vec<&str> = profile["details_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["setting"].as_str().unwrap())
        .collect();
    assert_eq!(settings.len(), 3, "{profile}");
    for s in ["payment_method", "address_lines", "invoice_email"] {
        assert!(settings.contains(&s), "{s}");
    }
    assert_eq!(profile["details_changes"][0]["by"], GLOBAL_ADMIN);
    assert_eq!(profile["refund_limit_changes"][0]["to"], "30000.00");

    let agent = server.signed_in(ADMIN_AGENT).await;
    let (status, body) = server
        .patch_json(
            &agent,
            "/api/v1/billing-profile",
            &json!({"payment_method": "Cash"}),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["permission"], "manage_billing_settings");
    let (status, read) = server.get_json(&agent, "/api/v1/billing-profile").await;
    assert_eq!(status, 200);
    assert_eq!(
        read["payment_method"], "Visa ending 4242",
        "other roles read it"
    );
}
