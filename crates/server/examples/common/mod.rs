//! What the benches share.

use sqlx::{Connection, Executor};

/// The PostgreSQL database to measure on: `BENCH_PG_URL` as it is, or a fresh database named
/// `<prefix>_<pid>` on the server of `CSP_TEST_PG_URL` (as `scripts/with-postgres.sh` gives).
pub async fn postgres_url(prefix: &str) -> Option<String> {
    if let Ok(url) = std::env::var("BENCH_PG_URL") {
        return Some(url);
    }
    let admin = std::env::var("CSP_TEST_PG_URL").ok()?;
    sqlx::any::install_default_drivers();
    let name = format!("{prefix}_{}", std::process::id());
    let mut conn = sqlx::AnyConnection::connect(&admin).await.ok()?;
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .ok()?;
    let mut url = url::Url::parse(&admin).ok()?;
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}
