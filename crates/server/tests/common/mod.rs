//! Starts the real server (real router, real SQLite file, real HTTP on an ephemeral port) for
//! one test, seeded with the demo data.

#![allow(dead_code)] // each test file uses a different part of the harness

use csp_server::{db, router, seed, AppState};
use reqwest::{Client, Response};
use serde_json::Value;

pub const PASSWORD: &str = "demo-password";
pub const ADMIN_AGENT: &str = "admin.agent@northwind.example";
pub const GLOBAL_ADMIN: &str = "global.admin@northwind.example";
pub const FABRIKAM_ADMIN: &str = "admin.agent@fabrikam-resellers.example";
pub const CONTOSO_USER: &str = "admin@contoso.onmicrosoft.com";
pub const SUPPORT: &str = "support@csp-support.example";

pub struct TestServer {
    pub base: String,
    pub db: db::Db,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html><title>app shell</title>").unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = db::connect(&url).await.unwrap();
        db::migrate(&db).await.unwrap();
        seed::seed_demo(&db, PASSWORD).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(AppState::new(db.clone(), false), &dist);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TestServer { base, db, _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A fresh browser-like client with its own cookie jar.
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).build().unwrap()
    }

    /// A client signed in as `email`.
    pub async fn signed_in(&self, email: &str) -> Client {
        let client = self.client();
        let res = client
            .post(self.url("/api/v1/sessions"))
            .json(&serde_json::json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "sign-in of {email} failed");
        client
    }

    pub async fn get_json(&self, client: &Client, path: &str) -> (u16, Value) {
        json_of(client.get(self.url(path)).send().await.unwrap()).await
    }
}

impl TestServer {
    /// POSTs `body` as-is with a JSON content type, as a broken client might, and reads the answer.
    pub async fn post_raw_json(&self, client: &Client, path: &str, body: impl Into<reqwest::Body>) -> (u16, Value) {
        let res = client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        json_of(res).await
    }
}

pub async fn json_of(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{status} {content_type}: body is not JSON ({e}): {text}"));
    (status, body)
}

/// Asserts the SPEC §10 error shape and returns the code.
pub fn error_code(body: &Value) -> &str {
    let message = body["error"]["message"].as_str().expect("error.message is a string");
    assert!(!message.is_empty(), "error message is empty: {body}");
    body["error"]["code"].as_str().expect("error.code is a string")
}
