//! Backup and restore of a SQLite database (`csp-server backup FILE`, `csp-server restore
//! FILE`). A backup is `VACUUM INTO`: one read transaction, so it is consistent while the
//! server runs and writes, and it is a plain, compact database file. A restore replaces the
//! database file with a checked backup, only while no server uses it: every server holds a
//! shared lock on `<database>.lock` while it runs, and a restore takes it exclusively.
//! PostgreSQL has its own tools (`pg_dump`, `pg_restore`; README, Operations).

use std::fs::File;
use std::path::{Path, PathBuf};

use sqlx::{Connection, SqliteConnection};

use super::{migrate, Backend};

/// The file of a `sqlite://` URL, or why the command does not apply.
pub fn sqlite_path(url: &str) -> Result<PathBuf, String> {
    if Backend::of_url(url)? != Backend::Sqlite {
        return Err(
            "backup and restore are for SQLite; for PostgreSQL use pg_dump and pg_restore \
             (README, Operations)"
                .into(),
        );
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    if path.is_empty() || path == ":memory:" {
        return Err("the database is not a file".into());
    }
    Ok(PathBuf::from(path))
}

/// The lock a running server holds on its SQLite database (shared: replicas may share a
/// file); dropped, it is released.
pub struct InUse(#[allow(dead_code)] File);

fn lock_file(database: &Path) -> std::io::Result<File> {
    if let Some(folder) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(PathBuf::from(name))
}

/// Marks `database` as in use by this process, for as long as the value lives.
pub fn hold(database: &Path) -> Result<InUse, String> {
    let file = lock_file(database)
        .map_err(|e| format!("cannot open the lock file of {}: {e}", database.display()))?;
    file.lock_shared()
        .map_err(|e| format!("cannot lock the database: {e}"))?;
    Ok(InUse(file))
}

/// What a backup holds.
#[derive(Debug)]
pub struct Summary {
    pub migration: i64,
    pub bytes: u64,
    pub orders: i64,
    pub activity_entries: i64,
}

async fn open(path: &Path, read_only: bool) -> Result<SqliteConnection, String> {
    let mode = if read_only { "ro" } else { "rw" };
    SqliteConnection::connect(&format!("sqlite://{}?mode={mode}", path.display()))
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// Checks that `file` is a whole database of this product, of this release or an earlier.
pub async fn check(file: &Path) -> Result<Summary, String> {
    let mut conn = open(file, true).await?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| format!("{} is not a database: {e}", file.display()))?;
    if integrity != "ok" {
        return Err(format!("{} is damaged: {integrity}", file.display()));
    }
    let migration: i64 = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| format!("{} is not a CSP Software Center database", file.display()))?;
    if migration > migrate::latest() {
        return Err(format!(
            "{} comes from a newer release (schema {migration}; this one knows up to {})",
            file.display(),
            migrate::latest()
        ));
    }
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0);
    let activity_entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activity_log")
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0);
    conn.close().await.ok();
    Ok(Summary {
        migration,
        bytes: std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
        orders,
        activity_entries,
    })
}

/// Writes a consistent copy of `database` to `target` while servers may be using it.
pub async fn backup(database: &Path, target: &Path) -> Result<Summary, String> {
    if target.exists() {
        return Err(format!(
            "{} exists already: choose a new file name",
            target.display()
        ));
    }
    if !database.exists() {
        return Err(format!("there is no database at {}", database.display()));
    }
    let mut partial = target.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let mut conn = open(database, false).await?;
    // A writer may hold the lock for a moment; wait for it as the server does.
    sqlx::query("PRAGMA busy_timeout = 10000")
        .execute(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .map_err(|e| format!("the backup failed: {e}"))?;
    conn.close().await.ok();
    let summary = check(&partial).await?;
    File::open(&partial)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&partial, target))
        .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    Ok(summary)
}

/// Replaces `database` by the backup `source`, which must check out, while no server uses it.
/// The database it replaces is kept beside it as `<database>.before-restore`.
pub async fn restore(source: &Path, database: &Path) -> Result<Summary, String> {
    let summary = check(source).await?;
    let lock = lock_file(database).map_err(|e| format!("cannot open the lock file: {e}"))?;
    if lock.try_lock().is_err() {
        return Err(format!(
            "a server is running on {}: stop it first, then restore",
            database.display()
        ));
    }
    let with_suffix = |suffix: &str| {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let incoming = with_suffix(".restoring");
    std::fs::copy(source, &incoming)
        .and_then(|_| File::open(&incoming))
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
    if database.exists() {
        // The database set aside keeps its write-ahead log (what a crashed server had not
        // checkpointed), and the restored one must not read it.
        std::fs::rename(database, with_suffix(".before-restore"))
            .map_err(|e| format!("cannot set the current database aside: {e}"))?;
        if with_suffix("-wal").exists() {
            std::fs::rename(with_suffix("-wal"), with_suffix(".before-restore-wal"))
                .map_err(|e| format!("cannot set the current database's log aside: {e}"))?;
        }
        let _ = std::fs::remove_file(with_suffix("-shm"));
    }
    std::fs::rename(&incoming, database)
        .map_err(|e| format!("cannot put the backup in place: {e}"))?;
    drop(lock);
    Ok(summary)
}
