//! Customer search, paging and tenant isolation (R-CUST).

use crate::helpers::*;
use csp_domain::Clock;
use serde_json::Value;

on_both_backends!(
    search_matches_name_domain_or_tenant_id,
    pages_cover_the_list_once_in_name_order,
    bad_paging_gets_a_clear_400,
    partners_never_see_each_others_customers,
    a_customer_user_sees_only_its_own_tenant,
    seeding_twice_changes_nothing
);

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["company_name"].as_str().unwrap().to_string())
        .collect()
}

async fn search_matches_name_domain_or_tenant_id(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;

    let (status, by_domain) = server
        .get_json(&client, "/api/v1/customers?q=contoso.onmicrosoft")
        .await;
    assert_eq!(status, 200);
    assert_eq!(names(&by_domain), ["Contoso Ltd"]);
    let contoso = &by_domain["items"][0];
    for field in [
        "id",
        "company_name",
        "tenant_id",
        "domain",
        "market",
        "currency",
    ] {
        assert!(contoso[field].is_string(), "customer.{field}");
    }
    assert_eq!(contoso["market"], "US");
    assert_eq!(contoso["currency"], "USD");

    let tenant = contoso["tenant_id"].as_str().unwrap();
    let (_, by_tenant) = server
        .get_json(
            &client,
            &format!("/api/v1/customers?q={}", tenant.to_uppercase()),
        )
        .await;
    assert_eq!(names(&by_tenant), ["Contoso Ltd"]);

    let (_, by_name) = server
        .get_json(&client, "/api/v1/customers?q=%20CONTOSO%20")
        .await;
    assert_eq!(names(&by_name), ["Contoso Ltd", "Contoso Pharmaceuticals"]);
    assert_eq!(by_name["total"], 2);

    // LIKE wildcards are literal text, not patterns.
    let (_, wildcard) = server.get_json(&client, "/api/v1/customers?q=%25").await;
    assert_eq!(wildcard["total"], 0);
    let (_, ampersand) = server
        .get_json(&client, "/api/v1/customers?q=power%20%26")
        .await;
    assert_eq!(names(&ampersand), ["City Power & Light"]);
}

async fn pages_cover_the_list_once_in_name_order(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(GLOBAL_ADMIN).await;
    let (_, first) = server
        .get_json(&client, "/api/v1/customers?page_size=10")
        .await;
    let total = first["total"].as_u64().unwrap();
    assert!(total >= 30, "at least 30 demo customers, got {total}");
    assert_eq!(
        (first["page"].as_u64(), first["page_size"].as_u64()),
        (Some(1), Some(10))
    );

    let mut all = Vec::new();
    let pages = total.div_ceil(10);
    for page in 1..=pages {
        let (_, body) = server
            .get_json(
                &client,
                &format!("/api/v1/customers?page={page}&page_size=10"),
            )
            .await;
        let items = names(&body);
        assert!(items.len() <= 10);
        all.extend(items);
    }
    assert_eq!(all.len() as u64, total);
    let mut sorted = all.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(all, sorted, "name order, no duplicates across pages");
    sorted.dedup();
    assert_eq!(sorted.len(), all.len());

    let (_, beyond) = server
        .get_json(
            &client,
            &format!("/api/v1/customers?page={}&page_size=10", pages + 1),
        )
        .await;
    assert_eq!(names(&beyond), Vec::<String>::new());
    assert_eq!(beyond["total"].as_u64(), Some(total));
}

async fn bad_paging_gets_a_clear_400(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    for query in ["page=0", "page_size=101", "page=abc", "page=-1"] {
        let (status, body) = server
            .get_json(&client, &format!("/api/v1/customers?{query}"))
            .await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(error_code(&body), "bad_request", "{query}");
    }
}

async fn partners_never_see_each_others_customers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let northwind = server.signed_in(ADMIN_AGENT).await;
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;

    let (_, contoso) = server
        .get_json(&northwind, "/api/v1/customers?q=contoso.onmicrosoft.com")
        .await;
    let contoso_id = contoso["items"][0]["id"].as_str().unwrap().to_string();

    let (_, theirs) = server
        .get_json(&fabrikam, "/api/v1/customers?page_size=100")
        .await;
    assert_eq!(
        names(&theirs),
        ["Datum Logistics", "Northridge Fabrics", "Tailwind Traders"]
    );
    let (_, search) = server
        .get_json(&fabrikam, "/api/v1/customers?q=contoso")
        .await;
    assert_eq!(search["total"], 0);

    let (status, body) = server
        .get_json(&fabrikam, &format!("/api/v1/customers/{contoso_id}"))
        .await;
    assert_eq!(status, 404);
    assert_eq!(error_code(&body), "not_found");
    let (status, body) = server
        .get_json(&northwind, &format!("/api/v1/customers/{contoso_id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["company_name"], "Contoso Ltd");
}

async fn a_customer_user_sees_only_its_own_tenant(backend: Backend) {
    let server = TestServer::start(backend).await;
    let contoso_user = server.signed_in(CONTOSO_USER).await;
    let (status, list) = server.get_json(&contoso_user, "/api/v1/customers").await;
    assert_eq!(status, 200);
    assert_eq!(names(&list), ["Contoso Ltd"]);
    let (status, tenant) = server.get_json(&contoso_user, "/api/v1/tenant").await;
    assert_eq!(status, 200);
    assert_eq!(tenant["domain"], "contoso.onmicrosoft.com");

    let northwind = server.signed_in(ADMIN_AGENT).await;
    let (_, other) = server
        .get_json(&northwind, "/api/v1/customers?q=adatum")
        .await;
    let other_id = other["items"][0]["id"].as_str().unwrap();
    let (status, _) = server
        .get_json(&contoso_user, &format!("/api/v1/customers/{other_id}"))
        .await;
    assert_eq!(status, 404);

    // The tenant route is for customer users; support agents see no customer list.
    let (status, _) = server.get_json(&northwind, "/api/v1/tenant").await;
    assert_eq!(status, 403);
    let support = server.signed_in(SUPPORT).await;
    let (status, body) = server.get_json(&support, "/api/v1/customers").await;
    assert_eq!(status, 403);
    assert_eq!(error_code(&body), "forbidden");
}

async fn seeding_twice_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let count = || async {
        let customers = server.count("SELECT COUNT(*) FROM customers").await;
        let users = server.count("SELECT COUNT(*) FROM users").await;
        let orders = server.count("SELECT COUNT(*) FROM orders").await;
        let offers = server.count("SELECT COUNT(*) FROM offers").await;
        (customers, users, orders, offers)
    };
    let before = count().await;
    assert!(
        before.2 >= 10 && before.3 >= 20,
        "demo orders and the catalog are there: {before:?}"
    );
    // A day later, as a restart would: the demo orders are not placed again.
    server.clock.advance(chrono::Duration::days(1));
    csp_server::seed::seed_demo(
        &server.db,
        PASSWORD,
        &Default::default(),
        server.clock.now(),
    )
    .await
    .unwrap();
    csp_server::seed::catalog::seed_catalog(&server.db)
        .await
        .unwrap();
    assert_eq!(count().await, before);
    csp_server::seed::seed_bulk_customers(&server.db, 50, server.clock.now())
        .await
        .unwrap();
    csp_server::seed::seed_bulk_customers(&server.db, 50, server.clock.now())
        .await
        .unwrap();
    assert_eq!(count().await.0, before.0 + 50);
}
