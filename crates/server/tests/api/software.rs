//! Software, keys and downloads (R-SW, R-KEY, R-LOG): what partners see (never a key), the
//! deep link, the customer admin center, and the activity log they fill.

use serde_json::Value;

use crate::helpers::*;

on_both_backends!(
    partners_list_a_customers_purchases_without_keys,
    only_admin_agents_get_the_deep_link,
    a_customer_user_reveals_keys_and_downloads_files_and_the_log_records_it,
    downloads_resume_with_range,
    a_download_that_starts_past_byte_zero_is_logged,
    tenants_never_reach_each_others_purchases,
    no_partner_role_gets_key_material_or_file_bytes_from_any_route,
    the_activity_log_pages_and_exports_the_whole_range,
);

async fn customer_id(server: &TestServer, client: &reqwest::Client, prefix: &str) -> String {
    let (_, found) = server
        .get_json(
            client,
            &format!("/api/v1/customers?q={prefix}.onmicrosoft.com"),
        )
        .await;
    found["items"][0]["id"].as_str().unwrap().to_string()
}

/// The keyed purchases of Contoso as its customer user sees them.
async fn contoso_software(server: &TestServer) -> (reqwest::Client, Vec<Value>) {
    let user = server.signed_in(CONTOSO_USER).await;
    let (status, list) = server.get_json(&user, "/api/v1/tenant/software").await;
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().unwrap().clone();
    (user, items)
}

fn keyed(items: &[Value]) -> Vec<&Value> {
    items.iter().filter(|i| i["has_keys"] == true).collect()
}

async fn partners_list_a_customers_purchases_without_keys(backend: Backend) {
    let server = TestServer::start(backend).await;
    let partner = server.signed_in(ACCOUNT_ADMIN).await;
    let contoso = customer_id(&server, &partner, "contoso").await;
    let (status, page) = server
        .get_json(&partner, &format!("/api/v1/customers/{contoso}/software"))
        .await;
    assert_eq!(status, 200);
    let items = page["items"].as_array().unwrap();
    assert_eq!(page["total"], 6, "every purchase of the demo orders");
    let dates: Vec<&str> = items
        .iter()
        .map(|i| i["purchased_at"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    for item in items {
        for field in [
            "id",
            "order_id",
            "product_name",
            "sku_name",
            "kind",
            "purchased_at",
            "status",
            "quantity",
        ] {
            assert!(!item[field].is_null(), "{field} in {item}");
        }
        assert_eq!(item["status"], "completed");
    }
    let suse = items.iter().find(|i| i["kind"] == "software_plan").unwrap();
    assert!(
        suse["cancellable_until"].is_null(),
        "SUSE plans can never be cancelled"
    );
    let text = page.to_string();
    assert!(!has_product_key(&text), "no key material in {text}");

    let (_, sql) = server
        .get_json(
            &partner,
            &format!("/api/v1/customers/{contoso}/software?q=SQL%20server"),
        )
        .await;
    assert_eq!(sql["total"], 3);
    let order = items[0]["order_id"].as_str().unwrap();
    let (_, by_order) = server
        .get_json(
            &partner,
            &format!("/api/v1/customers/{contoso}/software?q={}", &order[..8]),
        )
        .await;
    assert_eq!(by_order["items"][0]["order_id"], order);
    let (_, second) = server
        .get_json(
            &partner,
            &format!("/api/v1/customers/{contoso}/software?page=2&page_size=4"),
        )
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 2);
}

/// Whether `text` contains something in the product key format.
fn has_product_key(text: &str) -> bool {
    let bytes: Vec<char> = text.chars().collect();
    bytes.windows(29).any(|w| {
        let s: String = w.iter().collect();
        csp_domain::software::is_product_key(&s)
    })
}

async fn only_admin_agents_get_the_deep_link(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let contoso = customer_id(&server, &agent, "contoso").await;
    let (_, customer) = server
        .get_json(&agent, &format!("/api/v1/customers/{contoso}"))
        .await;
    let (status, link) = server
        .get_json(&agent, &format!("/api/v1/customers/{contoso}/deep-link"))
        .await;
    assert_eq!(status, 200);
    let tenant = customer["tenant_id"].as_str().unwrap();
    assert_eq!(link["tenant_id"], tenant);
    assert_eq!(
        link["url"],
        format!(
            "{}/admin-center/billing/products/software?tenant={tenant}",
            server.base
        )
    );
    for email in [GLOBAL_ADMIN, ACCOUNT_ADMIN] {
        let other = server.signed_in(email).await;
        let (status, body) = server
            .get_json(&other, &format!("/api/v1/customers/{contoso}/deep-link"))
            .await;
        assert_eq!((status, error_code(&body)), (403, "forbidden"), "{email}");
        assert_eq!(body["error"]["permission"], "copy_software_deep_link");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Admin agent"));
    }
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    assert_eq!(
        server
            .get_json(&fabrikam, &format!("/api/v1/customers/{contoso}/deep-link"))
            .await
            .0,
        404
    );
}

async fn a_customer_user_reveals_keys_and_downloads_files_and_the_log_records_it(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.trust_proxy = true).await;
    let (user, items) = contoso_software(&server).await;
    let purchases = keyed(&items);
    assert!(purchases.len() >= 4, "{items:?}");
    let purchase = purchases[0];
    assert_eq!(purchase["key_count"], 1);
    assert_eq!(purchase["revoked"], false);
    let downloads = purchase["downloads"].as_array().unwrap();
    assert!(!downloads.is_empty());
    let plan = items.iter().find(|i| i["kind"] == "software_plan").unwrap();
    assert_eq!(
        (
            plan["key_count"].as_u64(),
            plan["downloads"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );

    let id = purchase["id"].as_str().unwrap();
    let res = user
        .post(server.url(&format!("/api/v1/tenant/software/{id}/key-reveals")))
        .header("x-forwarded-for", "198.51.100.77")
        .send()
        .await
        .unwrap();
    let (status, reveal) = json_of(res).await;
    assert_eq!(status, 200, "{reveal}");
    let keys = reveal["product_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert!(
        csp_domain::software::is_product_key(keys[0].as_str().unwrap()),
        "{keys:?}"
    );

    let file = &downloads[0];
    let res = user
        .get(server.url(&format!(
            "/api/v1/tenant/software/{id}/downloads/{}",
            file["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\""));
    assert_eq!(
        headers["content-length"].to_str().unwrap(),
        file["size_bytes"].to_string()
    );
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, file["size_bytes"].as_u64().unwrap());
    use sha2::Digest;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&bytes)),
        file["sha256"].as_str().unwrap(),
        "the bytes are the file"
    );

    // Both are in the partner's activity log, with who, what, when and from where.
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let today = server.today();
    let (_, log) = server
        .get_json(
            &admin,
            &format!("/api/v1/activity-log?from={today}&to={today}"),
        )
        .await;
    let entries = log["items"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["key_revealed", "software_downloaded"], "{log}");
    for entry in entries {
        assert_eq!(entry["user_email"], CONTOSO_USER);
        assert_eq!(entry["customer_name"], "Contoso Ltd");
        assert_eq!(entry["purchase_id"], id);
        assert_eq!(entry["product_name"], purchase["product_name"]);
    }
    assert_eq!(entries[0]["client_ip"], "198.51.100.77");
    assert!(
        !log.to_string().contains(keys[0].as_str().unwrap()),
        "the log never holds keys"
    );
}

/// Contoso's customer user and the address of its first keyed purchase's first download.
async fn first_download(server: &TestServer) -> (reqwest::Client, String) {
    let (user, items) = contoso_software(server).await;
    let purchase = keyed(&items)[0];
    let file = &purchase["downloads"][0];
    let url = server.url(&format!(
        "/api/v1/tenant/software/{}/downloads/{}",
        purchase["id"].as_str().unwrap(),
        file["id"].as_str().unwrap()
    ));
    (user, url)
}

/// A download manager that starts past byte 0 (or a client that only ever asks for parts)
/// still leaves its entry: once per user, file and day (R-KEY-2).
async fn a_download_that_starts_past_byte_zero_is_logged(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (user, url) = first_download(&server).await;
    let logged = |day: String| {
        let server = &server;
        async move {
            let admin = server.signed_in(GLOBAL_ADMIN).await;
            let (_, log) = server
                .get_json(&admin, &format!("/api/v1/activity-log?from={day}&to={day}"))
                .await;
            log["total"].as_u64().unwrap()
        }
    };
    for range in ["bytes=1-", "bytes=500-999", "bytes=-10"] {
        let res = user.get(&url).header("range", range).send().await.unwrap();
        assert_eq!(res.status(), 206, "{range}");
    }
    assert_eq!(logged(server.today()).await, 1, "the first part logged it");
    // The next day (a new session: the last one has ended), the first fetch logs again.
    server.clock.advance(chrono::Duration::days(1));
    let user = server.signed_in(CONTOSO_USER).await;
    let res = user
        .get(&url)
        .header("range", "bytes=2-")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(logged(server.today()).await, 1);
}

async fn downloads_resume_with_range(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (user, url) = first_download(&server).await;
    let whole = user.get(&url).send().await.unwrap().bytes().await.unwrap();
    let size = whole.len();
    let res = user
        .get(&url)
        .header("range", "bytes=1000-")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 206);
    assert_eq!(
        res.headers()["content-range"].to_str().unwrap(),
        format!("bytes 1000-{}/{size}", size - 1)
    );
    let rest = res.bytes().await.unwrap();
    assert_eq!(
        &rest[..],
        &whole[1000..],
        "the resumed part continues the file"
    );
    let res = user
        .get(&url)
        .header("range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (res.status().as_u16(), res.bytes().await.unwrap().to_vec()),
        (206, whole[..10].to_vec())
    );
    let res = user
        .get(&url)
        .header("range", format!("bytes={size}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["content-range"].to_str().unwrap(),
        format!("bytes */{size}")
    );
    let (status, body) = json_of(res).await;
    assert_eq!((status, error_code(&body)), (416, "range_not_satisfiable"));
    // A changed file (another ETag) is sent whole, not resumed.
    let res = user
        .get(&url)
        .header("range", "bytes=1000-")
        .header("if-range", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let today = server.today();
    let (_, log) = server
        .get_json(
            &admin,
            &format!("/api/v1/activity-log?from={today}&to={today}"),
        )
        .await;
    // Logged once for the user, the file and the day, however many parts were fetched.
    assert_eq!(log["total"], 1, "{log}");
    // The download's address is bound to the session: after signing out it answers 401, also
    // for a resume, and nothing more is logged.
    let res = user
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    for range in ["bytes=0-", "bytes=1000-"] {
        let res = user.get(&url).header("range", range).send().await.unwrap();
        let (status, body) = json_of(res).await;
        assert_eq!(
            (status, error_code(&body)),
            (401, "unauthenticated"),
            "{range}"
        );
    }
    let today = server.today();
    let (_, log) = server
        .get_json(
            &admin,
            &format!("/api/v1/activity-log?from={today}&to={today}"),
        )
        .await;
    assert_eq!(log["total"], 1, "{log}");
}

async fn tenants_never_reach_each_others_purchases(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, contoso_items) = contoso_software(&server).await;
    let purchase = keyed(&contoso_items)[0];
    let id = purchase["id"].as_str().unwrap();
    let file = purchase["downloads"][0]["id"].as_str().unwrap();
    let adatum = server.signed_in("admin@adatum.onmicrosoft.com").await;
    let (status, body) = json_of(
        adatum
            .post(server.url(&format!("/api/v1/tenant/software/{id}/key-reveals")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, error_code(&body)), (404, "not_found"));
    let res = adatum
        .get(server.url(&format!("/api/v1/tenant/software/{id}/downloads/{file}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let (_, theirs) = server.get_json(&adatum, "/api/v1/tenant/software").await;
    assert!(theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["id"] != id));
    // Partners and support agents cannot reveal or download at all.
    for email in [ADMIN_AGENT, GLOBAL_ADMIN, SUPPORT] {
        let client = server.signed_in(email).await;
        let (status, _) = json_of(
            client
                .post(server.url(&format!("/api/v1/tenant/software/{id}/key-reveals")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 403, "{email}");
        assert_eq!(
            client
                .get(server.url(&format!("/api/v1/tenant/software/{id}/downloads/{file}")))
                .send()
                .await
                .unwrap()
                .status(),
            403,
            "{email}"
        );
    }
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let today = server.today();
    let (_, log) = server
        .get_json(
            &admin,
            &format!("/api/v1/activity-log?from={today}&to={today}"),
        )
        .await;
    assert_eq!(log["total"], 0, "refused attempts leave no entry");
}

async fn no_partner_role_gets_key_material_or_file_bytes_from_any_route(backend: Backend) {
    let server = TestServer::start(backend).await;
    // What a leak would look like: the keys and some bytes of a file.
    let (user, items) = contoso_software(&server).await;
    let mut keys = Vec::new();
    for purchase in keyed(&items) {
        let (_, reveal) = json_of(
            user.post(server.url(&format!(
                "/api/v1/tenant/software/{}/key-reveals",
                purchase["id"].as_str().unwrap()
            )))
            .send()
            .await
            .unwrap(),
        )
        .await;
        keys.extend(
            reveal["product_keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap().to_string()),
        );
    }
    let purchase = keyed(&items)[0];
    let file = purchase["downloads"][0]["id"].as_str().unwrap().to_string();
    let bytes = user
        .get(server.url(&format!(
            "/api/v1/tenant/software/{}/downloads/{file}",
            purchase["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let sample = bytes[4096..4160].to_vec();

    let anyone = server.client();
    let (_, doc) = server.get_json(&anyone, "/api/v1/openapi.json").await;
    let contoso = customer_id(&server, &server.signed_in(ADMIN_AGENT).await, "contoso").await;
    let ids = [
        ("{id}", contoso.clone()),
        (
            "{order_id}",
            purchase["order_id"].as_str().unwrap().to_string(),
        ),
        (
            "{purchase_id}",
            purchase["id"].as_str().unwrap().to_string(),
        ),
        ("{file_id}", file.clone()),
        ("{month}", server.clock_month()),
    ];
    let mut checked = 0;
    for email in [
        ADMIN_AGENT,
        GLOBAL_ADMIN,
        ACCOUNT_ADMIN,
        "referral.admin@northwind.example",
        "marketing.admin@northwind.example",
        OWNER,
        SUPPORT,
    ] {
        let client = server.signed_in(email).await;
        for (path, operations) in doc["paths"].as_object().unwrap() {
            for method in operations.as_object().unwrap().keys() {
                if path == "/api/v1/session" && method == "delete" {
                    continue;
                }
                let mut url = path.clone();
                for (name, value) in &ids {
                    url = url.replace(name, value);
                }
                let request =
                    client.request(method.to_uppercase().parse().unwrap(), server.url(&url));
                let request = if method == "post" {
                    request
                        .header("content-type", "application/json")
                        .body("{}")
                } else {
                    request
                };
                let body = request.send().await.unwrap().bytes().await.unwrap();
                let text = String::from_utf8_lossy(&body);
                for key in &keys {
                    assert!(
                        !text.contains(key.as_str()),
                        "{email}: {method} {url} leaked a key"
                    );
                }
                assert!(
                    !body.windows(sample.len()).any(|w| w == sample.as_slice()),
                    "{email}: {method} {url} leaked file bytes"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} requests checked");
}

async fn the_activity_log_pages_and_exports_the_whole_range(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (user, items) = contoso_software(&server).await;
    let id = keyed(&items)[0]["id"].as_str().unwrap().to_string();
    for _ in 0..30 {
        let res = user
            .post(server.url(&format!("/api/v1/tenant/software/{id}/key-reveals")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let admin = server.signed_in(GLOBAL_ADMIN).await;
    let today = server.today();
    let (_, first) = server
        .get_json(
            &admin,
            &format!("/api/v1/activity-log?from={today}&to={today}&page_size=10"),
        )
        .await;
    assert_eq!(
        (
            first["total"].as_u64(),
            first["items"].as_array().unwrap().len()
        ),
        (Some(30), 10)
    );
    let (_, last) = server
        .get_json(
            &admin,
            &format!("/api/v1/activity-log?from={today}&to={today}&page=3&page_size=10"),
        )
        .await;
    assert_eq!(last["items"].as_array().unwrap().len(), 10);
    let csv = admin
        .get(server.url(&format!(
            "/api/v1/activity-log?from={today}&to={today}&format=csv&page_size=10"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv.lines().count(),
        31,
        "the CSV has the whole range, not a page"
    );
}
