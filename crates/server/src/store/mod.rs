//! The store: all SQL of the product lives in this module, one file per group of tables.
//! Routes and workers call these functions and never write SQL, and the functions run on
//! SQLite and PostgreSQL alike: portable SQL (`$n` placeholders, TEXT ids, RFC 3339 UTC text
//! times, integer money) through sqlx's `Any` driver; where the two differ (schema DDL,
//! locking) this module picks by [`Backend`].
//!
//! Functions take `&mut AnyConnection`, so the caller decides whether a call runs on its own
//! (`&mut db.conn().await?`) or inside a transaction with others (`&mut tx`).

pub mod accounts;
pub mod activity_log;
pub mod audit;
pub mod backup;
pub mod billing;
pub mod cancellations;
pub mod catalog;
pub mod credits;
pub mod customers;
pub mod files;
pub mod invoices;
pub mod migrate;
pub mod onboarding;
pub mod orders;
pub mod outbox;
pub mod partners;
pub mod queues;
pub mod reminders;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod software;
pub mod sso;
pub mod subscriptions;
pub mod support_requests;
pub mod two_step;
pub mod users;
pub mod webhooks;

use std::fmt::Display;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, ConnectOptions, Executor};

pub use sqlx::AnyConnection as Conn;

/// A transaction: pass `&mut tx` where a store function wants a connection.
pub type Tx = sqlx::Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a `DATABASE_URL` names, or why it names none this build supports.
    pub fn of_url(url: &str) -> Result<Backend, String> {
        let scheme = url
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default();
        match scheme.as_str() {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            "" => Err("not a database URL; use sqlite://PATH or postgres://USER:PASSWORD@HOST/DB".into()),
            other => Err(format!("the {other}: scheme is not supported; use sqlite://PATH or postgres://USER:PASSWORD@HOST/DB")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// Pool and timeout settings (see README, Configuration).
#[derive(Debug, Clone)]
pub struct DbSettings {
    /// Connections in the pool; 0 picks a default per backend.
    pub max_connections: u32,
    /// How long a request waits for a free connection (and start-up for the first one).
    pub acquire_timeout: Duration,
    /// PostgreSQL: the longest a statement may run.
    pub statement_timeout: Duration,
    /// How long a write waits for a lock: SQLite's busy timeout, PostgreSQL's lock_timeout.
    pub lock_timeout: Duration,
}

impl Default for DbSettings {
    fn default() -> Self {
        DbSettings {
            max_connections: 0,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(10),
            lock_timeout: Duration::from_secs(5),
        }
    }
}

/// The database: a connection pool and which backend it is.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// Callers waiting for a connection now (sqlx does not count them).
    waiting: Arc<AtomicI64>,
}

/// Counts one caller waiting for a connection while it lives: also when the wait is given up
/// (a request timed out or its client left).
struct Waiting<'a>(&'a AtomicI64);

impl<'a> Waiting<'a> {
    fn start(count: &'a AtomicI64) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Db {
    /// Connects to `url`, creating a SQLite file (and its folder) on first start. The error is
    /// one line naming the URL with its password masked.
    pub async fn connect(url: &str, settings: &DbSettings) -> Result<Db, String> {
        let fail = |cause: &dyn Display| {
            let cause = cause.to_string().replace(['\n', '\r'], " ");
            format!("cannot open database {}: {cause}", mask_password(url))
        };
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).map_err(|e| fail(&e))?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url).map_err(|e| fail(&e))?,
            Backend::Postgres => url.to_string(),
        };
        let options: AnyConnectOptions = url.parse().map_err(|e| fail(&e))?;
        let options = options.disable_statement_logging();
        let max = match (settings.max_connections, backend) {
            (0, Backend::Sqlite) => 8,
            (0, Backend::Postgres) => 10,
            (n, _) => n,
        };
        let lock_ms = settings.lock_timeout.as_millis();
        let statement_ms = settings.statement_timeout.as_millis();
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(settings.acquire_timeout)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    let setup = match backend {
                        // WAL lets readers go on while a write commits; the busy timeout makes
                        // writers queue instead of failing. Recursive triggers: the rows that
                        // `INSERT OR REPLACE` removes fire the delete triggers too (counts,
                        // list versions, the search index).
                        Backend::Sqlite => format!(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {lock_ms}; \
                             PRAGMA recursive_triggers = ON;"
                        ),
                        Backend::Postgres => format!(
                            "SET statement_timeout = {statement_ms}; SET lock_timeout = {lock_ms}; \
                             SET idle_in_transaction_session_timeout = 60000; SET TIME ZONE 'UTC';"
                        ),
                    };
                    conn.execute(sqlx::raw_sql(&setup)).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| fail(&e))?;
        Ok(Db {
            pool,
            backend,
            waiting: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Callers waiting for a connection at this moment.
    pub fn waiting(&self) -> i64 {
        self.waiting.load(Ordering::Relaxed)
    }

    /// A connection for statements that stand alone.
    pub async fn conn(&self) -> Result<PoolConnection<Any>, sqlx::Error> {
        let _waiting = Waiting::start(&self.waiting);
        self.pool.acquire().await
    }

    /// A transaction for writes that belong together. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`), so two writers queue instead of one failing at commit.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let _waiting = Waiting::start(&self.waiting);
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `sqlite://PATH` with `mode=rwc` (create the file) and the folder of PATH created.
fn prepare_sqlite_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        return Err("no file name; use sqlite://data/app.db".into());
    }
    if path != ":memory:" {
        if let Some(parent) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create folder {}: {e}", parent.display()))?;
        }
    }
    let query = if query.split('&').any(|kv| kv.starts_with("mode=")) {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".to_string()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

/// Whether `error` means the database cannot be used just now — unreachable, restarting,
/// read-only, out of disk, or too busy for the time allowed — rather than a fault in this
/// request: the client may retry, and the pool reconnects by itself when it is back.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLite (extended codes; the primary code is the low byte): BUSY, READONLY,
                // IOERR, FULL, CANTOPEN.
                code.parse::<i64>()
                    .is_ok_and(|n| matches!(n & 0xff, 5 | 8 | 10 | 13 | 14))
            } else {
                // PostgreSQL SQLSTATE: connection exceptions, shutting down or starting up,
                // out of resources (disk full), read-only, a statement or lock timeout.
                code.starts_with("08")
                    || code.starts_with("53")
                    || matches!(
                        code.as_ref(),
                        "57P01" | "57P02" | "57P03" | "25006" | "57014" | "55P03"
                    )
            }
        }
        _ => false,
    }
}

/// The URL with any password replaced by `***`, for messages and logs.
pub fn mask_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_string(),
        // Not a URL we can parse: hide everything between "://" and "@" to be safe.
        Err(_) => match (url.find("://"), url.rfind('@')) {
            (Some(start), Some(at)) if at > start => {
                format!("{}***{}", &url[..start + 3], &url[at..])
            }
            _ => url.to_string(),
        },
    }
}

/// Times are stored as RFC 3339 UTC text with millisecond precision and fixed width, so text
/// order is time order on both backends.
pub fn db_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn read_time(text: &str) -> Result<DateTime<Utc>, sqlx::Error> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| decode_error("time", text, e))
}

/// A stored value that does not parse as its domain type: the database holds something this
/// build did not write.
pub fn decode_error(what: &str, value: &str, cause: impl Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored {what} {value:?}: {cause}").into())
}

/// Parses a stored value into its domain type.
pub fn decode<T, E: Display>(
    what: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, sqlx::Error> {
    parse(value).map_err(|e| decode_error(what, value, e))
}

/// A fresh random id for a new row.
pub fn new_id<T: std::str::FromStr>() -> T
where
    T::Err: std::fmt::Debug,
{
    uuid::Uuid::new_v4()
        .to_string()
        .parse()
        .expect("a v4 UUID is a GUID")
}

/// A fresh id that sorts after every id made before it (UUID v7), for rows listed in the
/// order they were written, such as a request's files and history.
pub fn new_ordered_id<T: std::str::FromStr>() -> T
where
    T::Err: std::fmt::Debug,
{
    uuid::Uuid::now_v7()
        .to_string()
        .parse()
        .expect("a v7 UUID is a GUID")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            mask_password("postgres://csp:s3cret@db.example:5432/csp"),
            "postgres://csp:***@db.example:5432/csp"
        );
        assert_eq!(
            mask_password("postgres://db.example/csp"),
            "postgres://db.example/csp"
        );
        assert_eq!(
            mask_password("sqlite://data/app.db"),
            "sqlite://data/app.db"
        );
        assert!(!mask_password("pg://u:p%zz@h/d").contains("p%zz"));
    }

    #[test]
    fn schemes_other_than_sqlite_and_postgres_are_refused() {
        assert_eq!(Backend::of_url("sqlite://x.db"), Ok(Backend::Sqlite));
        assert_eq!(Backend::of_url("postgresql://h/d"), Ok(Backend::Postgres));
        assert!(Backend::of_url("mysql://h/d")
            .unwrap_err()
            .contains("mysql"));
        assert!(Backend::of_url("data/app.db").is_err());
    }

    #[test]
    fn sqlite_urls_create_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/sub/app.db", dir.path().display());
        let prepared = prepare_sqlite_url(&url).unwrap();
        assert!(prepared.ends_with("/sub/app.db?mode=rwc"), "{prepared}");
        assert!(dir.path().join("sub").is_dir());
        assert!(prepare_sqlite_url("sqlite://x.db?mode=ro")
            .unwrap()
            .ends_with("?mode=ro"));
    }

    /// Real SQLite errors of a database that cannot be written just now (read-only, full)
    /// are outages (503), a broken statement is not.
    #[tokio::test]
    async fn a_read_only_or_full_database_is_unavailable_not_broken() {
        use sqlx::Connection;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut rw =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", path.display()))
                .await
                .unwrap();
        sqlx::query("CREATE TABLE t (v BLOB)")
            .execute(&mut rw)
            .await
            .unwrap();
        let mut ro =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", path.display()))
                .await
                .unwrap();
        let read_only = sqlx::query("INSERT INTO t VALUES (x'00')")
            .execute(&mut ro)
            .await
            .unwrap_err();
        assert!(is_unavailable(&read_only), "{read_only}");
        sqlx::query("PRAGMA max_page_count = 2")
            .execute(&mut rw)
            .await
            .unwrap();
        let full = sqlx::query("INSERT INTO t VALUES (zeroblob(100000))")
            .execute(&mut rw)
            .await
            .unwrap_err();
        assert!(is_unavailable(&full), "{full}");
        let broken = sqlx::query("INSERT INTO no_such_table VALUES (1)")
            .execute(&mut rw)
            .await
            .unwrap_err();
        assert!(!is_unavailable(&broken), "{broken}");
    }

    #[test]
    fn stored_times_sort_as_text() {
        let a = db_time("2026-01-02T03:04:05Z".parse().unwrap());
        let b = db_time("2026-01-02T03:04:05.5Z".parse().unwrap());
        assert_eq!(a, "2026-01-02T03:04:05.000Z");
        assert!(a < b);
        assert_eq!(
            read_time(&b).unwrap(),
            "2026-01-02T03:04:05.500Z".parse::<DateTime<Utc>>().unwrap()
        );
    }
}
