//! Starts the real server for one test through the same start-up path as `main`, on a
//! temporary SQLite file or a fresh PostgreSQL database, seeded with the demo data.

#![allow(dead_code)] // each test module uses a different part of the harness

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use chrono::Utc;
use csp_server::clock::ManualClock;
use csp_server::startup::Application;
use csp_server::store::Db;
use csp_server::{AppState, Config};
use reqwest::{Client, Response};
use serde_json::Value;
use sqlx::{Connection, Executor};

pub use csp_server::store::Backend;

pub const PASSWORD: &str = "demo-password";
pub const ADMIN_AGENT: &str = "admin.agent@northwind.example";
pub const GLOBAL_ADMIN: &str = "global.admin@northwind.example";
pub const ACCOUNT_ADMIN: &str = "account.admin@northwind.example";
pub const OWNER: &str = "owner@northwind.example";
pub const FABRIKAM_ADMIN: &str = "admin.agent@fabrikam-resellers.example";
pub const CONTOSO_USER: &str = "admin@contoso.onmicrosoft.com";
pub const SUPPORT: &str = "support@csp-support.example";

/// The built server binary, for tests that run it as a process.
pub const SERVER: &str = env!("CARGO_BIN_EXE_csp-server");

pub struct TestServer {
    pub base: String,
    pub db: Db,
    pub state: AppState,
    /// The server's clock: it stands still until a test moves it.
    pub clock: ManualClock,
    pub database_url: String,
    _dir: tempfile::TempDir,
}

/// A database for one test: a file in `dir`, or a new database on the test cluster.
pub async fn fresh_database(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}/test.db", dir.display()),
        Backend::Postgres => {
            let admin = std::env::var("CSP_TEST_PG_URL").expect(
                "CSP_TEST_PG_URL is not set: run the tests with `make test`, or wrap the command in \
                 scripts/with-postgres.sh, which starts a throwaway PostgreSQL and sets it",
            );
            sqlx::any::install_default_drivers();
            let name = format!("csp_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("connect to the test cluster");
            // CREATE DATABASE cannot run in a transaction: a plain statement on its own.
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create the test database");
            let mut url = url::Url::parse(&admin).expect("CSP_TEST_PG_URL is a URL");
            url.set_path(&format!("/{name}"));
            url.to_string()
        }
    }
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, |_| {}).await
    }

    /// Starts with the test settings changed by `configure` (e.g. `TRUST_PROXY`).
    pub async fn start_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let database_url = fresh_database(backend, dir.path()).await;
        Self::start_on_with(&database_url, dir, configure).await
    }

    /// Starts on an existing database (migrated and seeded at start, as `main` does), with
    /// its app shell in `dir`.
    pub async fn start_on(database_url: &str, dir: tempfile::TempDir) -> TestServer {
        Self::start_on_with(database_url, dir, |_| {}).await
    }

    pub async fn start_on_with(
        database_url: &str,
        dir: tempfile::TempDir,
        configure: impl FnOnce(&mut Config),
    ) -> TestServer {
        // `CSP_TEST_LOG=warn` (or any filter) shows the server's log while debugging a test.
        if let Ok(filter) = std::env::var("CSP_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        let database_url = database_url.to_string();
        let dist = app_shell(dir.path());
        let mut config = Config::for_tests(&database_url, dist);
        config.seed_demo = true;
        config.demo_password = PASSWORD.into();
        configure(&mut config);
        let clock = ManualClock::starting_at(Utc::now());
        let app = Application::build_with_clock(config, Arc::new(clock.clone()))
            .await
            .unwrap();
        let base = format!("http://{}", app.local_addr());
        let state = app.state().clone();
        let db = state.db.clone();
        tokio::spawn(app.run_until(std::future::pending()));
        TestServer {
            base,
            db,
            state,
            clock,
            database_url,
            _dir: dir,
        }
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
        self.sign_in_with(&client, email).await;
        client
    }

    /// Signs `email` in on `client` (a client with its own cookie jar).
    pub async fn sign_in_with(&self, client: &Client, email: &str) {
        let res = client
            .post(self.url("/api/v1/sessions"))
            .json(&serde_json::json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "sign-in of {email} failed");
    }

    pub async fn get_json(&self, client: &Client, path: &str) -> (u16, Value) {
        json_of(client.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post_json(&self, client: &Client, path: &str, body: &Value) -> (u16, Value) {
        json_of(client.post(self.url(path)).json(body).send().await.unwrap()).await
    }

    pub async fn patch_json(&self, client: &Client, path: &str, body: &Value) -> (u16, Value) {
        json_of(
            client
                .patch(self.url(path))
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// POSTs `body` as-is with a JSON content type, as a broken client might, and reads the answer.
    pub async fn post_raw_json(
        &self,
        client: &Client,
        path: &str,
        body: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let res = client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        json_of(res).await
    }

    /// The month the server's clock is in, `YYYY-MM`.
    pub fn clock_month(&self) -> String {
        use csp_domain::Clock;
        csp_domain::InvoiceMonth::of(self.clock.now()).to_string()
    }

    /// Today (UTC) by the server's clock, `YYYY-MM-DD`: a range of today's activity log
    /// leaves out the demo data's entries, which are older.
    pub fn today(&self) -> String {
        use csp_domain::Clock;
        self.clock.now().date_naive().to_string()
    }

    /// One text value from the database (a tenant ID, say), for what the API does not list.
    pub async fn text(&self, sql: &str) -> String {
        sqlx::query_scalar(sql)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// One `SELECT COUNT(*)`-style number, for checks the API cannot show.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }
}

/// A stand-in for the built app in `dir/dist`: an `index.html` with an inline script, as
/// the build's loader is.
pub fn app_shell(dir: &Path) -> PathBuf {
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>app shell</title><script type=\"module\">import init from '/app.js';</script>",
    )
    .unwrap();
    dist
}

/// A `csp-server` process on `database_url`, stopped when dropped.
pub struct Replica {
    pub child: Child,
    pub base: String,
}

impl Replica {
    pub fn start(
        database_url: &str,
        dist: &std::path::Path,
        extra_env: &[(&str, &str)],
    ) -> Replica {
        let mut child = Command::new(SERVER)
            .args(["--seed-demo", "--dist"])
            .arg(dist)
            .env("DATABASE_URL", database_url)
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("DEMO_PASSWORD", PASSWORD)
            .env("RUST_LOG", "warn")
            .envs(extra_env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start csp-server");
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = stdout
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split("listening on ")
                    .nth(1)
                    .map(|url| url.trim().to_string())
            })
            .expect("the replica reported its address");
        // Keep reading, so the replica never writes into a full pipe.
        std::thread::spawn(move || stdout.for_each(drop));
        Replica { child, base }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
    let message = body["error"]["message"]
        .as_str()
        .expect("error.message is a string");
    assert!(!message.is_empty(), "error message is empty: {body}");
    body["error"]["code"]
        .as_str()
        .expect("error.code is a string")
}
