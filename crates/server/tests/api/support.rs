//! Support requests (R-SUP): filing with files, checked field by field against the partner's
//! own data; isolation between partners and from customer users; attachments served as
//! downloads only; status changes, and an approval's credit booked exactly once and never
//! more than was paid.

use reqwest::multipart::{Form, Part};
use reqwest::Client;
use serde_json::{json, Value};

use crate::helpers::*;

on_both_backends!(
    a_refund_request_is_checked_field_by_field_and_filed_with_its_files,
    files_are_limited_in_number_size_and_kind,
    partners_see_only_their_own_requests_and_customer_users_none,
    concurrent_approvals_book_one_credit_on_next_months_invoice,
    approving_more_than_was_paid_is_refused,
    comments_and_files_while_open_and_a_history_of_who_did_what,
    the_queue_filters_searches_and_sorts,
);

/// The over-limit demo order: SQL Server 2022 Enterprise for Contoso, USD 293,440.00.
async fn over_limit_order(server: &TestServer, agent: &Client) -> (String, Value) {
    let (_, found) = server
        .get_json(agent, "/api/v1/customers?q=contoso.onmicrosoft.com")
        .await;
    let customer = found["items"][0]["id"].as_str().unwrap().to_string();
    let (_, orders) = server
        .get_json(
            agent,
            &format!("/api/v1/customers/{customer}/orders?page_size=100"),
        )
        .await;
    let order = orders["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["line_items"][0]["product_name"] == "SQL Server 2022 Enterprise")
        .unwrap()
        .clone();
    (customer, order)
}

fn refund_fields(order_id: &str, amount: &str) -> Vec<(&'static str, String)> {
    vec![
        ("problem_type", "csp_purchase_refund".into()),
        ("impact", "high".into()),
        ("title", "Refund: wrong SQL Server edition".into()),
        ("customer", "contoso.onmicrosoft.com".into()),
        ("order_id", order_id.into()),
        (
            "refund_reason",
            "The customer needed Standard, not Enterprise.".into(),
        ),
        ("amount_requested", amount.into()),
        ("contact_name", "Avery Agent".into()),
        ("contact_email", "avery@northwind.example".into()),
        ("contact_phone", "+1 (425) 555-0100".into()),
    ]
}

fn form_of(fields: &[(&'static str, String)], files: Vec<(&str, Vec<u8>)>) -> Form {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(*name, value.clone());
    }
    for (file_name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(file_name.to_string()));
    }
    form
}

async fn post_form(server: &TestServer, client: &Client, path: &str, form: Form) -> (u16, Value) {
    json_of(
        client
            .post(server.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn file_request(
    server: &TestServer,
    client: &Client,
    fields: &[(&'static str, String)],
    files: Vec<(&str, Vec<u8>)>,
) -> (u16, Value) {
    post_form(
        server,
        client,
        "/api/v1/support-requests",
        form_of(fields, files),
    )
    .await
}

async fn patch(server: &TestServer, client: &Client, id: &str, body: Value) -> (u16, Value) {
    let res = client
        .patch(server.url(&format!("/api/v1/support-requests/{id}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    json_of(res).await
}

/// A filed refund request for the over-limit order, and the order.
async fn filed(server: &TestServer, amount: &str) -> (Value, Value) {
    let agent = server.signed_in(ADMIN_AGENT).await;
    let (_, order) = over_limit_order(server, &agent).await;
    let fields = refund_fields(order["id"].as_str().unwrap(), amount);
    let (status, request) = file_request(server, &agent, &fields, vec![]).await;
    assert_eq!(status, 201, "{request}");
    (request, order)
}

fn field_code<'a>(body: &'a Value, field: &str) -> &'a str {
    body["error"]["field_codes"][field].as_str().unwrap_or("")
}

async fn a_refund_request_is_checked_field_by_field_and_filed_with_its_files(backend: Backend) {
    let server = TestServer::start(backend).await;
    let demo_requests = server.count("SELECT COUNT(*) FROM support_requests").await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let (customer, order) = over_limit_order(&server, &agent).await;
    let order_id = order["id"].as_str().unwrap();

    let (status, body) = file_request(
        &server,
        &agent,
        &[("problem_type", "csp_purchase_refund".into())],
        vec![],
    )
    .await;
    assert_eq!((status, error_code(&body)), (422, "validation_failed"));
    for field in [
        "impact",
        "title",
        "customer",
        "order_id",
        "refund_reason",
        "amount_requested",
        "contact_name",
        "contact_email",
        "contact_phone",
    ] {
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field} has a message: {body}"
        );
    }

    let with = |field: &'static str, value: &str| {
        let mut fields = refund_fields(order_id, "1000.00");
        fields.retain(|(f, _)| *f != field);
        fields.push((field, value.to_string()));
        fields
    };
    for (field, value, code) in [
        ("customer", "nobody.example", "unknown_customer"),
        (
            "order_id",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "unknown_order",
        ),
        ("amount_requested", "293440.01", "above_paid"),
        ("amount_requested", "12.345", "too_precise"),
        ("contact_email", "not an address", "invalid_email"),
        ("contact_phone", "call me", "invalid_phone"),
        ("impact", "urgent", "required"),
    ] {
        let (status, body) = file_request(&server, &agent, &with(field, value), vec![]).await;
        assert_eq!(status, 422, "{field}={value}: {body}");
        assert_eq!(field_code(&body, field), code, "{field}={value}: {body}");
    }
    // Another customer of ours with Contoso's order.
    let (status, body) = file_request(
        &server,
        &agent,
        &with("customer", "cohowinery.onmicrosoft.com"),
        vec![],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(field_code(&body, "order_id"), "other_customers_order");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM support_requests").await,
        demo_requests,
        "nothing refused was stored"
    );

    let fields = refund_fields(order_id, "293440.00");
    let (status, request) = file_request(
        &server,
        &agent,
        &fields,
        vec![
            ("C:\\scans\\invoice.pdf", b"%PDF-1.7 demo".to_vec()),
            ("notes.txt", "Customer call on Monday.".as_bytes().to_vec()),
        ],
    )
    .await;
    assert_eq!(status, 201, "{request}");
    assert_eq!(request["status"], "new");
    assert!(request["number"].as_i64().unwrap() > 1_000_000);
    assert_eq!(request["order_id"], order_id);
    assert_eq!(request["amount_requested"], "293440.00");
    assert_eq!(request["currency"], "USD");
    assert_eq!(request["order"]["customer_id"], customer);
    assert_eq!(request["order"]["ledger"]["paid"], "293440.00");
    assert_eq!(request["order"]["ledger"]["left_to_credit"], "293440.00");
    assert_eq!(request["order"]["tax_inclusive"], false);
    assert_eq!(request["history"][0]["kind"], "created");
    let files = request["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["file_name"], "invoice.pdf", "no folders kept");
    assert_eq!(files[0]["content_type"], "application/pdf");

    // The same order by the ID of its purchase (what partners call a subscription ID).
    let purchase = order["line_items"][0]["purchase_id"].as_str().unwrap();
    let by_subscription = refund_fields(purchase, "10.00");
    let (status, second) = file_request(&server, &agent, &by_subscription, vec![]).await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["order_id"], order_id);
    assert_eq!(
        second["number"].as_i64(),
        request["number"].as_i64().map(|n| n + 1)
    );

    // Another problem type needs no order.
    let other = vec![
        ("problem_type", "billing".to_string()),
        ("impact", "low".into()),
        ("title", "Question about October's invoice".into()),
        ("contact_name", "Avery Agent".into()),
        ("contact_email", "avery@northwind.example".into()),
        ("contact_phone", "+1 425 555 0100".into()),
    ];
    let (status, billing) = file_request(&server, &agent, &other, vec![]).await;
    assert_eq!(status, 201, "{billing}");
    assert!(billing["order"].is_null());

    let (status, list) = server.get_json(&agent, "/api/v1/support-requests").await;
    assert_eq!(status, 200);
    assert_eq!(
        list["total"].as_i64(),
        Some(demo_requests + 3),
        "the demo data's and these three"
    );
    assert_eq!(
        list["items"][0]["id"], billing["id"],
        "newest first for partners"
    );
}

async fn files_are_limited_in_number_size_and_kind(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let (_, order) = over_limit_order(&server, &agent).await;
    let fields = refund_fields(order["id"].as_str().unwrap(), "100.00");
    let text = |n: usize| (format!("note{n}.txt"), b"fine".to_vec());
    for (files, code) in [
        ((0..6).map(text).collect::<Vec<_>>(), "too_many_files"),
        (
            vec![(
                "page.html".to_string(),
                b"<script>alert(1)</script>".to_vec(),
            )],
            "file_type",
        ),
        (
            vec![("fake.pdf".to_string(), b"<svg onload=alert(1)>".to_vec())],
            "file_type",
        ),
        (vec![("empty.txt".to_string(), Vec::new())], "empty_file"),
        (
            vec![(
                "big.txt".to_string(),
                vec![b'a'; csp_domain::support::MAX_FILE_BYTES + 1],
            )],
            "file_too_big",
        ),
    ] {
        let files = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        let (status, body) = file_request(&server, &agent, &fields, files).await;
        assert_eq!(status, 422, "{code}: {body}");
        assert_eq!(field_code(&body, "files"), code, "{body}");
        assert!(body["error"]["fields"]["files"].is_string());
    }
    // More than the route takes at all: refused before it is read whole.
    let huge = vec![b'a'; 7 * csp_domain::support::MAX_FILE_BYTES];
    let (status, body) = file_request(&server, &agent, &fields, vec![("huge.txt", huge)]).await;
    assert_eq!((status, error_code(&body)), (413, "payload_too_large"));
    // Not multipart at all.
    let (status, body) = server
        .post_json(&agent, "/api/v1/support-requests", &json!({"title": "x"}))
        .await;
    assert_eq!((status, error_code(&body)), (415, "unsupported_media_type"));
    // A session that ended while a small file was attached: the server knows the answer
    // before the file arrives, and the partner still reads it (not a reset connection),
    // every time. (A stranger's large body is not read: see `hardening`.)
    let signed_out = server.client();
    for _ in 0..3 {
        let files = vec![("log.txt", vec![b'a'; 500_000])];
        let (status, body) = file_request(&server, &signed_out, &fields, files).await;
        assert_eq!((status, error_code(&body)), (401, "unauthenticated"));
    }
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM support_attachments")
            .await,
        0
    );

    let exactly = vec![b'a'; csp_domain::support::MAX_FILE_BYTES];
    let (status, body) = file_request(&server, &agent, &fields, vec![("limit.csv", exactly)]).await;
    assert_eq!(status, 201, "a file of exactly 10 MB is fine: {body}");
}

async fn partners_see_only_their_own_requests_and_customer_users_none(backend: Backend) {
    let server = TestServer::start(backend).await;
    let agent = server.signed_in(ADMIN_AGENT).await;
    let (_, order) = over_limit_order(&server, &agent).await;
    let fields = refund_fields(order["id"].as_str().unwrap(), "100.00");
    let (_, request) = file_request(
        &server,
        &agent,
        &fields,
        vec![("a.txt", b"secret".to_vec())],
    )
    .await;
    let id = request["id"].as_str().unwrap();
    let file = request["attachments"][0]["id"].as_str().unwrap();
    let detail = format!("/api/v1/support-requests/{id}");
    let download = format!("{detail}/attachments/{file}");

    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    for path in [&detail, &download] {
        let (status, body) = server.get_json(&fabrikam, path).await;
        assert_eq!((status, error_code(&body)), (404, "not_found"), "{path}");
    }
    let (_, list) = server.get_json(&fabrikam, "/api/v1/support-requests").await;
    assert_eq!(list["total"], 0);
    let (status, _) = post_form(
        &server,
        &fabrikam,
        &format!("{detail}/comments"),
        Form::new().text("comment", "mine now"),
    )
    .await;
    assert_eq!(status, 404);
    // Fabrikam cannot file about Northwind's customer or order either.
    let (status, body) = file_request(&server, &fabrikam, &fields, vec![]).await;
    assert_eq!(status, 422);
    assert_eq!(field_code(&body, "customer"), "unknown_customer");
    assert_eq!(field_code(&body, "order_id"), "unknown_order");

    let customer_user = server.signed_in(CONTOSO_USER).await;
    for path in ["/api/v1/support-requests", &detail, &download] {
        let (status, body) = server.get_json(&customer_user, path).await;
        assert_eq!((status, error_code(&body)), (403, "forbidden"), "{path}");
    }
    let (status, _) = file_request(&server, &customer_user, &fields, vec![]).await;
    assert_eq!(status, 403);
    let (status, _) = patch(&server, &agent, id, json!({"status": "approved"})).await;
    assert_eq!(status, 403, "partners do not decide their own requests");
    let (status, _) = server.get_json(&server.client(), &detail).await;
    assert_eq!(status, 401);

    // The partner and support agents get the file, as a download with the checked type.
    let support = server.signed_in(SUPPORT).await;
    for client in [&agent, &support] {
        let res = client.get(server.url(&download)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let headers = res.headers().clone();
        assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"a.txt\""));
        assert!(headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox"));
        assert_eq!(res.bytes().await.unwrap().as_ref(), b"secret");
    }
}

async fn concurrent_approvals_book_one_credit_on_next_months_invoice(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (request, order) = filed(&server, "20000.00").await;
    let id = request["id"].as_str().unwrap().to_string();
    let support = server.signed_in(SUPPORT).await;
    let (status, body) = patch(
        &server,
        &support,
        &id,
        json!({"status": "in_progress", "note": "Checking with billing."}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "in_progress");

    let url = server.url(&format!("/api/v1/support-requests/{id}"));
    let mut handles = Vec::new();
    for _ in 0..6 {
        let agent = server.signed_in(SUPPORT).await;
        let request = agent
            .patch(&url)
            .json(&json!({"status": "approved", "note": "Refund approved."}));
        handles.push(tokio::spawn(async move {
            json_of(request.send().await.unwrap()).await
        }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        let (status, body) = h.await.unwrap();
        if status != 200 {
            assert_eq!(error_code(&body), "invalid_status_change", "{body}");
        }
        statuses.push(status);
    }
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409]);
    let source = format!("support:{id}");
    assert_eq!(
        server
            .count(&format!(
                "SELECT COUNT(*) FROM credits WHERE source = '{source}'"
            ))
            .await,
        1
    );

    let agent = server.signed_in(ADMIN_AGENT).await;
    let (_, seen) = server
        .get_json(&agent, &format!("/api/v1/support-requests/{id}"))
        .await;
    assert_eq!(seen["status"], "approved");
    assert_eq!(seen["credited"], "20000.00");
    assert_eq!(seen["order"]["ledger"]["credited"], "20000.00");
    assert_eq!(
        seen["outcome"], "cancel_purchase",
        "a refund of a purchase cancels it"
    );
    assert_eq!(seen["order"]["status"], "cancelled");
    let approved = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "approved")
        .unwrap();
    assert_eq!(approved["note"], "Refund approved.");
    assert_eq!(approved["by"], "Sam Support");
    assert_eq!(approved["by_support"], true);

    let next_month = csp_domain::InvoiceMonth::parse(&server.clock_month())
        .unwrap()
        .next()
        .to_string();
    let (_, invoice) = server
        .get_json(&agent, &format!("/api/v1/invoices/{next_month}"))
        .await;
    let credit = invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "credit" && l["order_id"] == order["id"])
        .unwrap_or_else(|| panic!("no credit line: {invoice}"));
    assert_eq!(credit["amount"], "-20000.00");
    assert!(credit["description"]
        .as_str()
        .unwrap()
        .contains(&request["number"].to_string()));

    let (status, body) = patch(
        &server,
        &support,
        &id,
        json!({"status": "rejected", "note": "No."}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "invalid_status_change"),
        "decisions are final"
    );
}

async fn approving_more_than_was_paid_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    // Two requests for the whole order: each passes when filed, only one can be paid out.
    let (first, _) = filed(&server, "293440.00").await;
    let (second, order) = filed(&server, "293440.00").await;
    let support = server.signed_in(SUPPORT).await;
    let second_id = second["id"].as_str().unwrap();

    let (status, body) = patch(
        &server,
        &support,
        second_id,
        json!({"status": "approved", "credit": "293440.01"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(field_code(&body, "credit"), "above_maximum");
    let (_, still) = server
        .get_json(&support, &format!("/api/v1/support-requests/{second_id}"))
        .await;
    assert_eq!(still["status"], "new", "a refused approval changes nothing");

    // A goodwill credit of everything, keeping the purchase.
    let (status, body) = patch(
        &server,
        &support,
        first["id"].as_str().unwrap(),
        json!({"status": "approved", "outcome": "credit_only"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["credited"], "293440.00");
    assert_eq!(body["outcome"], "credit_only");
    assert_eq!(body["order"]["status"], "completed", "credit only keeps it");
    for outcome in ["credit_only", "cancel_purchase"] {
        let (status, body) = patch(
            &server,
            &support,
            second_id,
            json!({"status": "approved", "outcome": outcome}),
        )
        .await;
        assert_eq!(
            (status, error_code(&body)),
            (422, "nothing_to_refund"),
            "{outcome}: {body}"
        );
    }
    assert_eq!(
        server
            .count(&format!(
                "SELECT COUNT(*) FROM credits WHERE order_id = '{}'",
                order["id"].as_str().unwrap()
            ))
            .await,
        1
    );
    // A new request for it, or a cancellation of it, has nothing left to credit.
    let agent = server.signed_in(ADMIN_AGENT).await;
    let fields = refund_fields(order["id"].as_str().unwrap(), "1.00");
    let (status, body) = file_request(&server, &agent, &fields, vec![]).await;
    assert_eq!((status, error_code(&body)), (422, "nothing_to_refund"));
    let customer = order["customer_id"].as_str().unwrap();
    let (status, body) = server
        .post_json(
            &agent,
            &format!(
                "/api/v1/customers/{customer}/orders/{}/cancellation",
                order["id"].as_str().unwrap()
            ),
            &json!({"confirm": true}),
        )
        .await;
    assert_eq!((status, error_code(&body)), (422, "nothing_to_refund"));
}

async fn comments_and_files_while_open_and_a_history_of_who_did_what(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (request, _) = filed(&server, "100.00").await;
    let id = request["id"].as_str().unwrap();
    let agent = server.signed_in(ADMIN_AGENT).await;
    let support = server.signed_in(SUPPORT).await;
    let comments = format!("/api/v1/support-requests/{id}/comments");

    let (status, body) =
        post_form(&server, &agent, &comments, Form::new().text("comment", " ")).await;
    assert_eq!(status, 422, "an empty comment without files: {body}");
    assert_eq!(field_code(&body, "comment"), "required");

    let form = Form::new()
        .text("comment", "Here is the customer's e-mail.")
        .part(
            "files",
            Part::bytes(b"From: a@b\r\n\r\nHi".to_vec()).file_name("mail.eml"),
        );
    let (status, body) = post_form(&server, &agent, &comments, form).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["attachments"][0]["content_type"], "message/rfc822");
    let (status, _) = post_form(
        &server,
        &support,
        &comments,
        Form::new().text("comment", "Could you send the invoice?"),
    )
    .await;
    assert_eq!(status, 201);

    let (status, body) = patch(&server, &support, id, json!({"status": "rejected"})).await;
    assert_eq!(status, 422, "rejecting needs a reason: {body}");
    assert_eq!(field_code(&body, "note"), "required");
    let (status, body) = patch(&server, &support, id, json!({"status": "new"})).await;
    assert_eq!((status, field_code(&body, "status")), (422, "required"));
    let (status, body) = patch(
        &server,
        &support,
        id,
        json!({"status": "rejected", "note": "Outside the refund policy."}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["credited"].is_null());

    let (status, body) = post_form(
        &server,
        &agent,
        &comments,
        Form::new().text("comment", "But why?"),
    )
    .await;
    assert_eq!((status, error_code(&body)), (409, "request_closed"));

    let (_, seen) = server
        .get_json(&agent, &format!("/api/v1/support-requests/{id}"))
        .await;
    let history: Vec<(String, String, bool)> = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["by"].as_str().unwrap().to_string(),
                e["by_support"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            ("created".into(), "Avery Agent".into(), false),
            ("comment".into(), "Avery Agent".into(), false),
            ("comment".into(), "Sam Support".into(), true),
            ("status_changed".into(), "Sam Support".into(), true),
        ]
    );
    assert_eq!(seen["history"][3]["note"], "Outside the refund policy.");
    assert!(seen["updated_at"].as_str().unwrap() >= seen["created_at"].as_str().unwrap());
}

async fn the_queue_filters_searches_and_sorts(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (first, order) = filed(&server, "100.00").await;
    let (second, _) = filed(&server, "200.00").await;
    let fabrikam = server.signed_in(FABRIKAM_ADMIN).await;
    let other = vec![
        ("problem_type", "other".to_string()),
        ("impact", "medium".into()),
        ("title", "Cannot see a customer".into()),
        ("contact_name", "Fay Fabrikam".into()),
        ("contact_email", "fay@fabrikam-resellers.example".into()),
        ("contact_phone", "+44 20 7946 0000".into()),
    ];
    let (status, third) = file_request(&server, &fabrikam, &other, vec![]).await;
    assert_eq!(status, 201, "{third}");
    let support = server.signed_in(SUPPORT).await;
    patch(
        &server,
        &support,
        second["id"].as_str().unwrap(),
        json!({"status": "in_progress"}),
    )
    .await;

    // The demo data's requests are older than these three: keep to ours.
    let ours = [&first, &second, &third].map(|r| r["id"].as_str().unwrap().to_string());
    let ids = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .filter(|id| ours.contains(id))
            .collect()
    };
    let id = |r: &Value| r["id"].as_str().unwrap().to_string();
    let (_, all) = server
        .get_json(&support, "/api/v1/support-requests?page_size=100")
        .await;
    assert_eq!(
        ids(&all),
        [id(&first), id(&second), id(&third)],
        "oldest first across partners"
    );
    let third_listed = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == third["id"])
        .unwrap();
    assert_eq!(third_listed["partner_name"], "Fabrikam Resellers");
    let (_, open) = server
        .get_json(
            &support,
            "/api/v1/support-requests?status=new&page_size=100",
        )
        .await;
    assert_eq!(ids(&open), [id(&first), id(&third)]);
    assert!(
        open["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "new"),
        "{open}"
    );
    let (_, refunds) = server
        .get_json(
            &support,
            "/api/v1/support-requests?problem_type=csp_purchase_refund&sort=newest&page_size=100",
        )
        .await;
    assert_eq!(ids(&refunds), [id(&second), id(&first)]);
    for q in [
        first["number"].to_string(),
        "CONTOSO.onmicrosoft.com".to_string(),
        order["id"].as_str().unwrap().to_uppercase(),
    ] {
        let (status, found) = server
            .get_json(&support, &format!("/api/v1/support-requests?q={q}"))
            .await;
        assert_eq!(status, 200);
        assert!(ids(&found).contains(&id(&first)), "{q}: {found}");
        assert!(!ids(&found).contains(&id(&third)), "{q}");
    }
    // Paging: the newest two, then the one before them.
    let (_, paged) = server
        .get_json(
            &support,
            "/api/v1/support-requests?sort=newest&page=1&page_size=2",
        )
        .await;
    let total = all["total"].as_u64().unwrap();
    assert_eq!(
        (ids(&paged), paged["total"].as_u64()),
        (vec![id(&third), id(&second)], Some(total))
    );
    let (_, page_two) = server
        .get_json(
            &support,
            "/api/v1/support-requests?sort=newest&page=2&page_size=2",
        )
        .await;
    assert_eq!(ids(&page_two), [id(&first)]);
    for bad in ["status=open", "problem_type=x", "sort=random", "page=0"] {
        let (status, body) = server
            .get_json(&support, &format!("/api/v1/support-requests?{bad}"))
            .await;
        assert_eq!((status, error_code(&body)), (400, "bad_request"), "{bad}");
    }
}
