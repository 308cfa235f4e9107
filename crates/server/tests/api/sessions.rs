//! Signing in and out (SPEC §10 sessions).

use crate::helpers::*;
use serde_json::json;

on_both_backends!(
    sign_in_returns_the_user_and_an_http_only_cookie,
    wrong_password_and_unknown_email_get_the_same_refusal,
    empty_fields_are_named,
    signed_out_requests_get_401_json,
    sign_out_ends_the_session_on_the_server,
    every_audience_can_sign_in,
    repeated_failures_lock_the_address_for_a_while,
    a_user_sees_where_they_are_signed_in_and_ends_the_other_sessions,
);

/// Signs `email` in from a browser that says it is `user_agent`.
async fn signed_in_as_browser(
    server: &TestServer,
    email: &str,
    user_agent: &str,
) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(user_agent)
        .build()
        .unwrap();
    server.sign_in_with(&client, email).await;
    client
}

async fn a_user_sees_where_they_are_signed_in_and_ends_the_other_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = "admin.agent@northwind.example";
    let laptop = signed_in_as_browser(
        &server,
        user,
        "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Edg/120.0",
    )
    .await;
    let phone = signed_in_as_browser(
        &server,
        user,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1",
    )
    .await;
    let tablet = signed_in_as_browser(
        &server,
        user,
        "Mozilla/5.0 (Linux; Android 14) Chrome/120.0",
    )
    .await;
    let someone_else = server.signed_in("owner@northwind.example").await;

    let (status, list) = server.get_json(&laptop, "/api/v1/sessions").await;
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "only this user's sessions: {list}");
    let current: Vec<&serde_json::Value> = items.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert!(current[0]["user_agent"].as_str().unwrap().contains("Edg/"));
    assert_eq!(current[0]["client_ip"], "127.0.0.1");
    let phone_id = items
        .iter()
        .find(|s| s["user_agent"].as_str().unwrap().contains("iPhone"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Another user cannot end it; its owner can, and the phone is signed out.
    let res = someone_else
        .delete(server.url(&format!("/api/v1/sessions/{phone_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let (status, _) = server.get_json(&phone, "/api/v1/session").await;
    assert_eq!(status, 200);
    let res = laptop
        .delete(server.url(&format!("/api/v1/sessions/{phone_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, _) = server.get_json(&phone, "/api/v1/session").await;
    assert_eq!(status, 401, "the phone's session ended");
    let (_, list) = server.get_json(&laptop, "/api/v1/sessions").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // Everywhere else: the tablet ends, the laptop and the other user go on.
    let res = laptop
        .delete(server.url("/api/v1/sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, _) = server.get_json(&tablet, "/api/v1/session").await;
    assert_eq!(status, 401);
    let (status, _) = server.get_json(&laptop, "/api/v1/session").await;
    assert_eq!(status, 200);
    let (status, _) = server.get_json(&someone_else, "/api/v1/session").await;
    assert_eq!(status, 200);
    let (_, list) = server.get_json(&laptop, "/api/v1/sessions").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

async fn sign_in_returns_the_user_and_an_http_only_cookie(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let res = client
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": "Owner@Northwind.example ", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("csp_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (status, body) = json_of(res).await;
    assert_eq!(status, 200);
    let user = &body["user"];
    assert_eq!(user["email"], "owner@northwind.example");
    assert_eq!(user["kind"], "partner");
    assert_eq!(user["roles"], json!(["admin_agent", "global_admin"]));
    assert_eq!(user["organization"], "Northwind Partners");
    assert!(user["id"].as_str().unwrap().len() == 36);

    let (status, me) = server.get_json(&client, "/api/v1/session").await;
    assert_eq!(status, 200);
    assert_eq!(me["user"], *user);
}

async fn wrong_password_and_unknown_email_get_the_same_refusal(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let mut messages = Vec::new();
    for email in [ADMIN_AGENT, "nobody@northwind.example"] {
        let res = client
            .post(server.url("/api/v1/sessions"))
            .json(&json!({"email": email, "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert!(res.headers().get("set-cookie").is_none());
        let (status, body) = json_of(res).await;
        assert_eq!(status, 401);
        assert_eq!(error_code(&body), "invalid_credentials");
        messages.push(body["error"]["message"].clone());
    }
    assert_eq!(messages[0], messages[1]);
    let (status, _) = server.get_json(&client, "/api/v1/session").await;
    assert_eq!(status, 401);
}

async fn empty_fields_are_named(backend: Backend) {
    let server = TestServer::start(backend).await;
    let res = server
        .client()
        .post(server.url("/api/v1/sessions"))
        .json(&json!({"email": " ", "password": ""}))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(status, 422);
    assert_eq!(error_code(&body), "validation_failed");
    assert!(body["error"]["fields"]["email"].is_string());
    assert!(body["error"]["fields"]["password"].is_string());
}

async fn signed_out_requests_get_401_json(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    for path in [
        "/api/v1/session",
        "/api/v1/customers",
        "/api/v1/activity-log",
        "/api/v1/support-requests",
    ] {
        let (status, body) = server.get_json(&client, path).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(error_code(&body), "unauthenticated", "{path}");
    }
    // A made-up session token is no better than none.
    let res = client
        .get(server.url("/api/v1/customers"))
        .header("cookie", "csp_session=00ff")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn sign_out_ends_the_session_on_the_server(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.signed_in(ADMIN_AGENT).await;
    let before = server.count("SELECT COUNT(*) FROM sessions").await;
    assert_eq!(before, 1);
    let res = client
        .delete(server.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let (status, _) = server.get_json(&client, "/api/v1/customers").await;
    assert_eq!(status, 401);
    let left = server.count("SELECT COUNT(*) FROM sessions").await;
    assert_eq!(
        left, 0,
        "the session row is gone, so the old cookie is useless"
    );
}

async fn every_audience_can_sign_in(backend: Backend) {
    let server = TestServer::start(backend).await;
    for (email, kind, org, roles) in [
        (CONTOSO_USER, "customer", "Contoso Ltd", json!([])),
        // The demo's support agent is the support organisation's lead.
        (SUPPORT, "support", "CSP Support", json!(["support_lead"])),
        (
            FABRIKAM_ADMIN,
            "partner",
            "Fabrikam Resellers",
            json!(["admin_agent", "global_admin"]),
        ),
    ] {
        let client = server.signed_in(email).await;
        let (_, me) = server.get_json(&client, "/api/v1/session").await;
        assert_eq!(me["user"]["kind"], kind);
        assert_eq!(me["user"]["organization"], org);
        assert_eq!(me["user"]["roles"], roles, "{email}");
    }
}

async fn repeated_failures_lock_the_address_for_a_while(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let attempt = |password: &'static str| {
        client
            .post(server.url("/api/v1/sessions"))
            .json(&json!({"email": GLOBAL_ADMIN, "password": password}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("guess").await.unwrap().status(), 401);
    }
    // Even the right password is refused now, so guessing cannot go on.
    let (status, body) = json_of(attempt(PASSWORD).await.unwrap()).await;
    assert_eq!(status, 429);
    assert_eq!(error_code(&body), "too_many_attempts");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Try again in 15 minutes"));
    // Other addresses are not affected.
    server.signed_in(ADMIN_AGENT).await;
}
