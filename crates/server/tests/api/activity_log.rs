//! The activity log: who may read it, date ranges, isolation, CSV (R-LOG, SPEC §10).

use crate::helpers::*;
use csp_domain::{ActivityAction, ActivityLogEntry, Email, PartnerId};
use csp_server::seed::stable_id;
use csp_server::store::activity_log;

on_both_backends!(
    admin_agents_are_refused_with_the_roles_named,
    entries_in_the_inclusive_range_of_the_own_partner_only,
    inverted_overlong_or_malformed_ranges_are_400,
    csv_export_has_the_same_rows,
    support_request_lists_follow_the_audience
);

async fn log(server: &TestServer, partner: &str, at: &str, customer: &str) {
    let partner_id: PartnerId = stable_id(partner);
    let entry = ActivityLogEntry {
        at: at.parse().unwrap(),
        action: ActivityAction::KeyRevealed,
        user_email: Email::parse(&format!("admin@{customer}")).unwrap(),
        customer_id: stable_id(customer),
        customer_name: customer.into(),
        purchase_id: stable_id("purchase 1"),
        product_name: "Windows Server 2025 Standard".into(),
        client_ip: "198.51.100.1".into(),
    };
    activity_log::append(&mut server.db.conn().await.unwrap(), &partner_id, &entry)
        .await
        .unwrap();
}

async fn admin_agents_are_refused_with_the_roles_named(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let (status, body) = server.get_json(&client, "/api/v1/activity-log").await;
    assert_eq!(status, 403);
    assert_eq!(error_code(&body), "forbidden");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("Global admin") && message.contains("Account admin"),
        "{message}"
    );
    for email in [CONTOSO_USER, SUPPORT] {
        let client = server.signed_in(email).await;
        assert_eq!(
            server.get_json(&client, "/api/v1/activity-log").await.0,
            403,
            "{email}"
        );
    }
}

async fn entries_in_the_inclusive_range_of_the_own_partner_only(backend: Backend) {
    let server = TestServer::start(backend).await;
    log(
        &server,
        "Northwind Partners",
        "2025-11-01T00:00:00.000Z",
        "contoso.onmicrosoft.com",
    )
    .await;
    log(
        &server,
        "Northwind Partners",
        "2025-11-10T23:59:59.999Z",
        "adatum.onmicrosoft.com",
    )
    .await;
    log(
        &server,
        "Northwind Partners",
        "2025-11-11T00:00:00.000Z",
        "relecloud.onmicrosoft.com",
    )
    .await;
    log(
        &server,
        "Fabrikam Resellers",
        "2025-11-05T12:00:00.000Z",
        "tailwindtraders.onmicrosoft.com",
    )
    .await;

    for email in [
        GLOBAL_ADMIN,
        "account.admin@northwind.example",
        "owner@northwind.example",
    ] {
        let client = server.signed_in(email).await;
        let (status, body) = server
            .get_json(
                &client,
                "/api/v1/activity-log?from=2025-11-01&to=2025-11-10",
            )
            .await;
        assert_eq!(status, 200, "{email}");
        let customers: Vec<_> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["customer_name"].clone())
            .collect();
        assert_eq!(
            customers,
            ["contoso.onmicrosoft.com", "adatum.onmicrosoft.com"],
            "{email}"
        );
        assert_eq!(body["items"][0]["action"], "key_revealed");
        assert_eq!(
            (body["from"].as_str(), body["to"].as_str()),
            (Some("2025-11-01"), Some("2025-11-10"))
        );
    }
}

async fn inverted_overlong_or_malformed_ranges_are_400(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(GLOBAL_ADMIN).await;
    for query in [
        "from=2025-11-10&to=2025-11-01",
        "from=2025-01-01&to=2025-11-01",
        "from=yesterday",
        "to=2026-02-30",
    ] {
        let (status, body) = server
            .get_json(&client, &format!("/api/v1/activity-log?{query}"))
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(error_code(&body), "invalid_date_range", "{query}");
    }
    let (status, _) = server
        .get_json(
            &client,
            "/api/v1/activity-log?from=2025-08-13&to=2025-11-10",
        )
        .await;
    assert_eq!(status, 200, "exactly 90 days is allowed");
}

async fn csv_export_has_the_same_rows(backend: Backend) {
    let server = TestServer::start(backend).await;
    log(
        &server,
        "Northwind Partners",
        "2025-11-03T08:30:00.000Z",
        "contoso.onmicrosoft.com",
    )
    .await;
    let client = server.signed_in(GLOBAL_ADMIN).await;
    for request in [
        client
            .get(server.url("/api/v1/activity-log?from=2025-11-01&to=2025-11-30"))
            .header("accept", "text/csv"),
        client.get(server.url("/api/v1/activity-log?from=2025-11-01&to=2025-11-30&format=csv")),
    ] {
        let res = request.send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let csv = res.text().await.unwrap();
        let lines: Vec<_> = csv.lines().collect();
        assert_eq!(lines.len(), 2, "{csv}");
        assert!(lines[0].starts_with("at,action,user_email"));
        assert!(
            lines[1].contains("\"key_revealed\"") && lines[1].contains("contoso.onmicrosoft.com")
        );
    }
}

async fn support_request_lists_follow_the_audience(backend: Backend) {
    let server = TestServer::start(backend).await;
    for email in [ADMIN_AGENT, SUPPORT] {
        let client = server.signed_in(email).await;
        let (status, body) = server.get_json(&client, "/api/v1/support-requests").await;
        assert_eq!(status, 200, "{email}");
        assert!(body["items"].is_array());
    }
    let customer = server.signed_in(CONTOSO_USER).await;
    assert_eq!(
        server
            .get_json(&customer, "/api/v1/support-requests")
            .await
            .0,
        403
    );
}
