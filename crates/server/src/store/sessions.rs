//! Server-side sessions. The browser holds a random 256-bit token; the table holds its SHA-256.

use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::{now_rfc3339, to_rfc3339, Db};

/// How long a sign-in lasts: one working day.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session and returns the token to put in the cookie.
pub async fn create(db: &Db, user_id: &str) -> Result<String, sqlx::Error> {
    let token = new_token();
    let now = Utc::now();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(to_rfc3339(now))
        .bind(to_rfc3339(now + SESSION_LIFETIME))
        .execute(db)
        .await?;
    Ok(token)
}

/// The user of a live session, if any.
pub async fn user_id_for(db: &Db, token: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash(token))
        .bind(now_rfc3339())
        .fetch_optional(db)
        .await
}

pub async fn delete(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
        .bind(token_hash(token))
        .bind(now_rfc3339())
        .execute(db)
        .await?;
    Ok(())
}
