//! Server-side sessions. The browser holds a random 256-bit token; the table holds its SHA-256,
//! so a leaked database holds no usable session.

use chrono::{DateTime, Duration, Utc};
use csp_domain::UserId;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{db_time, decode, read_time, Conn};

/// How long a session lives: at most `lifetime` after sign-in, and at most `idle` after the
/// last request.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub lifetime: Duration,
    pub idle: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            lifetime: Duration::hours(12),
            idle: Duration::hours(2),
        }
    }
}

/// A request refreshes `last_seen_at` only when it is older than this: one write a minute
/// per active session instead of one per request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Where a session is used from: the client's address and its browser's `User-Agent`.
#[derive(Debug, Clone, Default)]
pub struct Device {
    pub client_ip: String,
    pub user_agent: String,
    /// The request (its `X-Request-Id`), for the audit trail; not stored with the session.
    pub request_id: String,
}

/// How a session was signed in: at an identity provider (its id), and whether that passed a
/// second factor the operator trusts.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub sso_provider: Option<String>,
    pub provider_mfa: bool,
}

/// Starts a session and returns the token to put in the cookie.
pub async fn create(
    conn: &mut Conn,
    user: &UserId,
    device: &Device,
    policy: SessionPolicy,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let token = new_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, client_ip, user_agent, provider_mfa, sso_provider_id) \
         VALUES ($1, $2, $3, $4, $3, $5, $6, $7, $8)",
    )
    .bind(token_hash(&token))
    .bind(user.as_str())
    .bind(db_time(now))
    .bind(db_time(now + policy.lifetime))
    .bind(&device.client_ip)
    .bind(&device.user_agent)
    .bind(i64::from(origin.provider_mfa))
    .bind(origin.sso_provider.as_deref())
    .execute(conn)
    .await?;
    Ok(token)
}

/// The characters of a session's token hash that name it to its user (`GET /api/v1/sessions`):
/// enough to tell sessions apart, and no way to use one.
const ID_CHARS: usize = 32;

/// The id a session is shown under.
pub fn session_id(token: &str) -> String {
    token_hash(token)[..ID_CHARS].to_string()
}

/// A live session of a user, as they see it.
pub struct LiveSession {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub device: Device,
}

/// The user's live sessions, most recently used first.
pub async fn list_live(
    conn: &mut Conn,
    user: &UserId,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Vec<LiveSession>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT substr(token_hash, 1, 32), created_at, last_seen_at, client_ip, user_agent FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(user.as_str())
    .bind(db_time(now))
    .bind(db_time(now - policy.idle))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, created, seen, client_ip, user_agent)| {
            Ok(LiveSession {
                id,
                created_at: read_time(&created)?,
                last_seen_at: read_time(&seen)?,
                device: Device {
                    client_ip,
                    user_agent,
                    request_id: String::new(),
                },
            })
        })
        .collect()
}

/// Ends the user's session shown under `id`; false when they have none such. An id that is
/// not [`ID_CHARS`] lower-case hex digits names no session and is not looked up.
pub async fn end_by_id(conn: &mut Conn, user: &UserId, id: &str) -> Result<bool, sqlx::Error> {
    let well_formed =
        id.len() == ID_CHARS && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !well_formed {
        return Ok(false);
    }
    let done =
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND substr(token_hash, 1, 32) = $2")
            .bind(user.as_str())
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// The user of a live session, if any, and whether its sign-in passed a second factor at an
/// identity provider; notes the request for the idle timeout.
pub async fn user_for(
    conn: &mut Conn,
    token: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Option<(UserId, bool)>, sqlx::Error> {
    let hash = token_hash(token);
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT user_id, last_seen_at, provider_mfa FROM sessions WHERE token_hash = $1 AND expires_at > $2 AND last_seen_at > $3",
    )
    .bind(&hash)
    .bind(db_time(now))
    .bind(db_time(now - policy.idle))
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user, last_seen, provider_mfa)) = row else {
        return Ok(None);
    };
    if read_time(&last_seen)? < now - TOUCH_EVERY {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(&hash)
            .bind(db_time(now))
            .execute(&mut *conn)
            .await?;
    }
    decode("user id", &user, UserId::parse).map(|u| Some((u, provider_mfa != 0)))
}

/// Ends one session (sign-out), by its token's hash only; returns the identity provider it was
/// signed in at, if any.
pub async fn delete(conn: &mut Conn, token: &str) -> Result<Option<String>, sqlx::Error> {
    let provider: Option<Option<String>> =
        sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING sso_provider_id")
            .bind(token_hash(token))
            .fetch_optional(conn)
            .await?;
    Ok(provider.flatten())
}

/// Removes sessions that can no longer be used; returns how many.
pub async fn prune(
    conn: &mut Conn,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(db_time(now))
        .bind(db_time(now - policy.idle))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Sessions stored, live or not (tests check sign-out and pruning with it).
pub async fn count(conn: &mut Conn) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(conn)
        .await
}
