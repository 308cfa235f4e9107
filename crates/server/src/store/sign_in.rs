//! What the sign-in limits count (see `crate::cases::sign_in_guard`): attempts per bucket in fixed
//! windows, and the addresses each user has signed in from. In the database, so every replica
//! sees the same counts.

use chrono::{DateTime, Duration, Utc};
use csp_domain::UserId;

use super::{db_time, read_time, Conn};

/// Counts one attempt in `bucket` (starting a new window when the last one is over) and
/// returns the attempts of the current window, this one included, and when the window began.
/// One statement, so concurrent attempts each get their own count.
pub async fn claim(
    conn: &mut Conn,
    bucket: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<(u64, DateTime<Utc>), sqlx::Error> {
    let (attempts, start): (i64, String) = sqlx::query_as(
        "INSERT INTO sign_in_attempts (bucket, window_start, attempts) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket) DO UPDATE SET \
           attempts = CASE WHEN sign_in_attempts.window_start <= $3 THEN 1 ELSE sign_in_attempts.attempts + 1 END, \
           window_start = CASE WHEN sign_in_attempts.window_start <= $3 THEN $2 ELSE sign_in_attempts.window_start END \
         RETURNING attempts, window_start",
    )
    .bind(bucket)
    .bind(db_time(now))
    .bind(db_time(now - window))
    .fetch_one(conn)
    .await?;
    Ok((attempts.max(0) as u64, read_time(&start)?))
}

/// Gives back one attempt of `bucket` (it succeeded, or was never checked).
pub async fn release(conn: &mut Conn, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sign_in_attempts SET attempts = attempts - 1 WHERE bucket = $1 AND attempts > 0",
    )
    .bind(bucket)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the attempts of `bucket` (a successful sign-in clears its address's count).
pub async fn clear(conn: &mut Conn, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_attempts WHERE bucket = $1")
        .bind(bucket)
        .execute(conn)
        .await?;
    Ok(())
}

/// Notes that `user` signed in from `ip`.
pub async fn remember_source(
    conn: &mut Conn,
    user: &UserId,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sign_in_sources (user_id, ip, last_success_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, ip) DO UPDATE SET last_success_at = $3",
    )
    .bind(user.as_str())
    .bind(ip)
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether `user` signed in from `ip` since `since`.
pub async fn is_known_source(
    conn: &mut Conn,
    user: &UserId,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM sign_in_sources WHERE user_id = $1 AND ip = $2 AND last_success_at > $3",
    )
    .bind(user.as_str())
    .bind(ip)
    .bind(db_time(since))
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Drops windows that ended before `before` and sources not used since `sources_before`.
pub async fn prune(
    conn: &mut Conn,
    before: DateTime<Utc>,
    sources_before: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_attempts WHERE window_start <= $1")
        .bind(db_time(before))
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sign_in_sources WHERE last_success_at <= $1")
        .bind(db_time(sources_before))
        .execute(conn)
        .await?;
    Ok(())
}
