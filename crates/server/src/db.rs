//! Opening the database and bringing its schema up to date.
//!
//! Migrations are embedded in the binary and applied in order, each in its own transaction,
//! so a deployed server needs no files beside it and a failed migration leaves nothing half done.

use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::SqlitePool;

pub type Db = SqlitePool;

/// (version, name, SQL). Append new files; never edit one that has shipped.
const MIGRATIONS: &[(i64, &str, &str)] =
    &[(1, "skeleton", include_str!("../migrations/0001_skeleton.sql"))];

/// Connects to `DATABASE_URL`, creating the SQLite file (and its folder) on first start.
pub async fn connect(database_url: &str) -> Result<Db, String> {
    if database_url.starts_with("postgres") {
        return Err("PostgreSQL is not supported yet by this build; use a sqlite:// URL \
                    (see README, \"Running against PostgreSQL\")."
            .into());
    }
    let options = SqliteConnectOptions::from_str(database_url)
        .map_err(|e| format!("DATABASE_URL {database_url:?} is not a valid SQLite URL: {e}"))?
        .create_if_missing(true)
        .foreign_keys(true)
        // WAL lets readers go on while a write commits.
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(std::time::Duration::from_secs(5));
    if let Some(parent) = options.get_filename().parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create database folder {}: {e}", parent.display()))?;
        }
    }
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open database {database_url}: {e}"))
}

/// Applies the migrations the database has not seen yet.
pub async fn migrate(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations \
         (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(db)
    .await?;
    for &(version, name, sql) in MIGRATIONS {
        let mut tx = db.begin().await?;
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
        if applied.is_some() {
            continue;
        }
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(version)
            .bind(name)
            .bind(now_rfc3339())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version, name, "applied migration");
    }
    Ok(())
}

/// Times are stored as RFC 3339 UTC text with fixed width, so text order is time order.
pub fn now_rfc3339() -> String {
    to_rfc3339(chrono::Utc::now())
}

pub fn to_rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
