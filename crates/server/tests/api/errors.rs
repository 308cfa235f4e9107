//! Bad input gets a clear JSON error (SPEC §10 error shape), and routing keeps API and app apart.

use crate::helpers::*;

on_both_backends!(
    malformed_json_is_400_invalid_json,
    missing_fields_and_wrong_content_type_are_named,
    oversized_bodies_are_refused_with_413_json,
    unknown_api_routes_are_json_404_and_app_routes_get_the_app,
    openapi_document_lists_the_routes
);

async fn malformed_json_is_400_invalid_json(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, body) = server
        .post_raw_json(
            &server.client(),
            "/api/v1/sessions",
            r#"{"email": "a@b.example", "password": "#,
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "invalid_json");
}

async fn missing_fields_and_wrong_content_type_are_named(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    let (status, body) = server
        .post_raw_json(&client, "/api/v1/sessions", r#"{"email": "a@b.example"}"#)
        .await;
    assert_eq!(status, 422);
    assert_eq!(error_code(&body), "validation_failed");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("password"));

    let res = client
        .post(server.url("/api/v1/sessions"))
        .body("email=a")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(status, 415);
    assert_eq!(error_code(&body), "unsupported_media_type");
}

async fn oversized_bodies_are_refused_with_413_json(backend: Backend) {
    let server = TestServer::start(backend).await;
    let huge = format!(
        r#"{{"email": "{}", "password": "x"}}"#,
        "a".repeat(200 * 1024)
    );
    let (status, body) = server
        .post_raw_json(&server.client(), "/api/v1/sessions", huge)
        .await;
    assert_eq!(status, 413);
    assert_eq!(error_code(&body), "payload_too_large");
}

async fn unknown_api_routes_are_json_404_and_app_routes_get_the_app(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.client();
    for path in ["/api/v1/no-such", "/api/v2/customers", "/api"] {
        let (status, body) = server.get_json(&client, path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(error_code(&body), "not_found", "{path}");
    }
    let res = client
        .delete(server.url("/api/v1/customers"))
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(res).await;
    assert_eq!(status, 405);
    assert_eq!(error_code(&body), "method_not_allowed");

    for path in ["/customers/123/orders", "/no/such/page", "/"] {
        let res = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            res.text().await.unwrap().contains("app shell"),
            "{path} serves index.html"
        );
    }
}

async fn openapi_document_lists_the_routes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, doc) = server
        .get_json(&server.client(), "/api/v1/openapi.json")
        .await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/sessions",
        "/api/v1/session",
        "/api/v1/customers",
        "/api/v1/customers/{id}",
        "/api/v1/activity-log",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from openapi.json"
        );
    }
    assert!(doc["components"]["schemas"]["Customer"]["properties"]["tenant_id"].is_object());
}
