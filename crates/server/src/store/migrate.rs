//! Brings a database's schema up to date at start-up.
//!
//! Migrations are embedded in the binary, one list per backend with the same versions and
//! names (the DDL differs; a test checks that both schemas have the same tables and columns).
//! Each runs in its own transaction, so a failed migration leaves nothing half done; on
//! PostgreSQL an advisory lock keeps two replicas that start together from both migrating.

use sqlx::{Connection, Executor};

use super::{db_time, Backend, Conn, Db};

type Migration = (i64, &'static str, &'static str);

/// Append new files at the end of both lists; never edit one that has shipped.
const SQLITE: &[Migration] = &[
    (
        1,
        "skeleton",
        include_str!("../../migrations/sqlite/0001_skeleton.sql"),
    ),
    (
        2,
        "sessions_and_sign_in_limits",
        include_str!("../../migrations/sqlite/0002_sessions_and_sign_in_limits.sql"),
    ),
    (
        3,
        "catalog_and_orders",
        include_str!("../../migrations/sqlite/0003_catalog_and_orders.sql"),
    ),
    (
        4,
        "software_access",
        include_str!("../../migrations/sqlite/0004_software_access.sql"),
    ),
    (
        5,
        "cancellations_and_credits",
        include_str!("../../migrations/sqlite/0005_cancellations_and_credits.sql"),
    ),
    (
        6,
        "support_requests",
        include_str!("../../migrations/sqlite/0006_support_requests.sql"),
    ),
    (
        7,
        "customer_search_index",
        include_str!("../../migrations/sqlite/0007_customer_search_index.sql"),
    ),
    (
        8,
        "customer_list_versions",
        include_str!("../../migrations/sqlite/0008_customer_list_versions.sql"),
    ),
    (
        9,
        "exact_search",
        include_str!("../../migrations/sqlite/0009_exact_search.sql"),
    ),
    (
        10,
        "one_credit_rule",
        include_str!("../../migrations/sqlite/0010_one_credit_rule.sql"),
    ),
    (
        11,
        "streamed_files_and_download_marks",
        include_str!("../../migrations/sqlite/0011_streamed_files_and_download_marks.sql"),
    ),
    (
        12,
        "notifications",
        include_str!("../../migrations/sqlite/0012_notifications.sql"),
    ),
    (
        13,
        "accounts",
        include_str!("../../migrations/sqlite/0013_accounts.sql"),
    ),
    (
        14,
        "two_step",
        include_str!("../../migrations/sqlite/0014_two_step.sql"),
    ),
    (
        15,
        "session_devices",
        include_str!("../../migrations/sqlite/0015_session_devices.sql"),
    ),
    (
        16,
        "remembered_devices",
        include_str!("../../migrations/sqlite/0016_remembered_devices.sql"),
    ),
    (
        17,
        "partner_two_step",
        include_str!("../../migrations/sqlite/0017_partner_two_step.sql"),
    ),
    (
        18,
        "onboarding",
        include_str!("../../migrations/sqlite/0018_onboarding.sql"),
    ),
    (
        19,
        "sso",
        include_str!("../../migrations/sqlite/0019_sso.sql"),
    ),
    (
        20,
        "customer_sso_and_jit",
        include_str!("../../migrations/sqlite/0020_customer_sso_and_jit.sql"),
    ),
    (
        21,
        "audit_trail",
        include_str!("../../migrations/sqlite/0021_audit_trail.sql"),
    ),
    (
        22,
        "subscription_lifecycle",
        include_str!("../../migrations/sqlite/0022_subscription_lifecycle.sql"),
    ),
];
const POSTGRES: &[Migration] = &[
    (
        1,
        "skeleton",
        include_str!("../../migrations/postgres/0001_skeleton.sql"),
    ),
    (
        2,
        "sessions_and_sign_in_limits",
        include_str!("../../migrations/postgres/0002_sessions_and_sign_in_limits.sql"),
    ),
    (
        3,
        "catalog_and_orders",
        include_str!("../../migrations/postgres/0003_catalog_and_orders.sql"),
    ),
    (
        4,
        "software_access",
        include_str!("../../migrations/postgres/0004_software_access.sql"),
    ),
    (
        5,
        "cancellations_and_credits",
        include_str!("../../migrations/postgres/0005_cancellations_and_credits.sql"),
    ),
    (
        6,
        "support_requests",
        include_str!("../../migrations/postgres/0006_support_requests.sql"),
    ),
    (
        7,
        "customer_search_index",
        include_str!("../../migrations/postgres/0007_customer_search_index.sql"),
    ),
    (
        8,
        "customer_list_versions",
        include_str!("../../migrations/postgres/0008_customer_list_versions.sql"),
    ),
    (
        9,
        "exact_search",
        include_str!("../../migrations/postgres/0009_exact_search.sql"),
    ),
    (
        10,
        "one_credit_rule",
        include_str!("../../migrations/postgres/0010_one_credit_rule.sql"),
    ),
    (
        11,
        "streamed_files_and_download_marks",
        include_str!("../../migrations/postgres/0011_streamed_files_and_download_marks.sql"),
    ),
    (
        12,
        "notifications",
        include_str!("../../migrations/postgres/0012_notifications.sql"),
    ),
    (
        13,
        "accounts",
        include_str!("../../migrations/postgres/0013_accounts.sql"),
    ),
    (
        14,
        "two_step",
        include_str!("../../migrations/postgres/0014_two_step.sql"),
    ),
    (
        15,
        "session_devices",
        include_str!("../../migrations/postgres/0015_session_devices.sql"),
    ),
    (
        16,
        "remembered_devices",
        include_str!("../../migrations/postgres/0016_remembered_devices.sql"),
    ),
    (
        17,
        "partner_two_step",
        include_str!("../../migrations/postgres/0017_partner_two_step.sql"),
    ),
    (
        18,
        "onboarding",
        include_str!("../../migrations/postgres/0018_onboarding.sql"),
    ),
    (
        19,
        "sso",
        include_str!("../../migrations/postgres/0019_sso.sql"),
    ),
    (
        20,
        "customer_sso_and_jit",
        include_str!("../../migrations/postgres/0020_customer_sso_and_jit.sql"),
    ),
    (
        21,
        "audit_trail",
        include_str!("../../migrations/postgres/0021_audit_trail.sql"),
    ),
    (
        22,
        "subscription_lifecycle",
        include_str!("../../migrations/postgres/0022_subscription_lifecycle.sql"),
    ),
];

/// Any number, the same in every replica: the key of the migration lock.
const LOCK_KEY: i64 = 0x4353_5053_4331; // "CSPSC1"

fn migrations(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

/// Applies the migrations the database has not seen yet.
pub async fn run(db: &Db) -> Result<(), sqlx::Error> {
    run_up_to(db, i64::MAX).await
}

/// The newest migration the database has (0 for a new one).
pub async fn applied(conn: &mut super::Conn) -> Result<i64, sqlx::Error> {
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(conn)
        .await?;
    Ok(newest.unwrap_or(0))
}

/// The newest migration this build knows.
pub fn latest() -> i64 {
    SQLITE.len() as i64
}

/// Applies the migrations up to `last` the database has not seen yet: what an earlier
/// release did (the upgrade tests start there).
pub async fn run_up_to(db: &Db, last: i64) -> Result<(), sqlx::Error> {
    let mut conn = db.conn().await?;
    let backend = db.backend();
    if backend == Backend::Postgres {
        // Session-level lock, held on this connection until unlocked; returns one row.
        conn.execute(
            sqlx::query("SELECT 1 FROM (SELECT pg_advisory_lock($1)) AS locked").bind(LOCK_KEY),
        )
        .await?;
    }
    let result = apply(&mut conn, backend, last).await;
    if backend == Backend::Postgres {
        conn.execute(
            sqlx::query("SELECT 1 FROM (SELECT pg_advisory_unlock($1)) AS unlocked").bind(LOCK_KEY),
        )
        .await?;
    }
    result
}

async fn apply(conn: &mut Conn, backend: Backend, last: i64) -> Result<(), sqlx::Error> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations \
         (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    for &(version, name, sql) in migrations(backend).iter().filter(|(v, _, _)| *v <= last) {
        let mut tx = match backend {
            Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => conn.begin().await?,
        };
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
        if applied.is_some() {
            continue;
        }
        tx.execute(sqlx::raw_sql(sql)).await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(version)
        .bind(name)
        .bind(db_time(chrono::Utc::now()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(version, name, backend = backend.name(), "applied migration");
    }
    Ok(())
}

/// `(table, column)` pairs of the schema, sorted: what the schema test compares across backends.
pub async fn tables_and_columns(
    conn: &mut Conn,
    backend: Backend,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = match backend {
        Backend::Sqlite => {
            // Ordinary tables only: the search index (FTS5's virtual and shadow tables) is an
            // index, as pg_trgm's is on PostgreSQL.
            "SELECT t.name AS table_name, p.name AS column_name \
             FROM pragma_table_list t JOIN pragma_table_info(t.name) p \
             WHERE t.schema = 'main' AND t.type = 'table' AND t.name NOT LIKE 'sqlite_%' \
             ORDER BY 1, 2"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) AS table_name, CAST(column_name AS TEXT) AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2"
        }
    };
    sqlx::query_as(sql).fetch_all(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |list: &[Migration]| list.iter().map(|(v, n, _)| (*v, *n)).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
        for (i, (version, _, _)) in SQLITE.iter().enumerate() {
            assert_eq!(
                *version,
                i as i64 + 1,
                "versions count up from 1 without gaps"
            );
        }
    }
}
