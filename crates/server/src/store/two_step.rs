//! Two-step sign-in: each user's authenticator secret and the last time step used, recovery
//! codes (hashes only), and sign-ins waiting for their code (hashes of their tokens). Every
//! use of a code is one conditional update, so the same code cannot pass twice, also when two
//! requests carry it at once.

use chrono::{DateTime, Utc};
use csp_domain::UserId;

use super::sessions::{new_token, token_hash};
use super::{db_time, decode, read_time, Conn};

/// A user's two-step record.
#[derive(Debug, Clone)]
pub struct TwoStep {
    /// Base32, as the authenticator app has it.
    pub secret: String,
    /// On: a code of the secret was confirmed.
    pub confirmed: bool,
    pub paused_until: Option<DateTime<Utc>>,
}

pub async fn find(conn: &mut Conn, user: &UserId) -> Result<Option<TwoStep>, sqlx::Error> {
    let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT secret, confirmed_at, paused_until FROM two_step WHERE user_id = $1",
    )
    .bind(user.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|(secret, confirmed_at, paused_until)| {
        Ok(TwoStep {
            secret,
            confirmed: confirmed_at.is_some(),
            paused_until: paused_until.as_deref().map(read_time).transpose()?,
        })
    })
    .transpose()
}

/// Keeps a new secret waiting for its first code, replacing one that was never confirmed.
/// False when two-step sign-in is on already (the secret stays as it is).
pub async fn start(
    conn: &mut Conn,
    user: &UserId,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO two_step (user_id, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, \
         last_step = NULL, wrong_codes = 0, paused_until = NULL \
         WHERE two_step.confirmed_at IS NULL",
    )
    .bind(user.as_str())
    .bind(secret)
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns two-step sign-in on with the step of the code that confirmed it (that code is used).
/// False when it was on already.
pub async fn confirm(
    conn: &mut Conn,
    user: &UserId,
    secret: &str,
    step: u64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    // Only the secret the code was checked against: a setup started again meanwhile (another
    // tab) is not turned on by the old one's code.
    let done = sqlx::query(
        "UPDATE two_step SET confirmed_at = $3, last_step = $2, wrong_codes = 0 \
         WHERE user_id = $1 AND confirmed_at IS NULL AND secret = $4",
    )
    .bind(user.as_str())
    .bind(step as i64)
    .bind(db_time(now))
    .bind(secret)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses the code of time step `step`: only if no code of this or a later step was used, and
/// the wrong codes in a row start again from none.
pub async fn use_step(conn: &mut Conn, user: &UserId, step: u64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE two_step SET last_step = $2, wrong_codes = 0, paused_until = NULL \
         WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < $2)",
    )
    .bind(user.as_str())
    .bind(step as i64)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts a try of the second step unless it is paused (false then). The `max`-th try since
/// the last right code, and every one after it, pauses the next ones until `pause_until`: after
/// five wrong codes, one guess per pause. A right code starts the count again.
pub async fn count_try(
    conn: &mut Conn,
    user: &UserId,
    max: i64,
    now: DateTime<Utc>,
    pause_until: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE two_step SET wrong_codes = wrong_codes + 1, \
         paused_until = CASE WHEN wrong_codes + 1 >= $2 THEN $4 ELSE paused_until END \
         WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (paused_until IS NULL OR paused_until <= $3)",
    )
    .bind(user.as_str())
    .bind(max)
    .bind(db_time(now))
    .bind(db_time(pause_until))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns two-step sign-in off: the secret, the recovery codes and the remembered browsers go.
pub async fn remove(conn: &mut Conn, user: &UserId) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *conn)
        .await?;
    forget_devices(conn, user).await?;
    let done = sqlx::query("DELETE FROM two_step WHERE user_id = $1 AND confirmed_at IS NOT NULL")
        .bind(user.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The user's recovery codes become these (hashes), all unused.
pub async fn replace_recovery_codes(
    conn: &mut Conn,
    user: &UserId,
    hashes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *conn)
        .await?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user.as_str())
            .bind(hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Uses a recovery code (by its hash) if it is the user's and unused.
pub async fn use_recovery_code(
    conn: &mut Conn,
    user: &UserId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user.as_str())
    .bind(hash)
    .bind(db_time(now))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        sqlx::query("UPDATE two_step SET wrong_codes = 0, paused_until = NULL WHERE user_id = $1")
            .bind(user.as_str())
            .execute(conn)
            .await?;
    }
    Ok(done.rows_affected() == 1)
}

pub async fn recovery_codes_left(conn: &mut Conn, user: &UserId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.as_str())
        .fetch_one(conn)
        .await
}

/// The tables that hold a cookie's token (its hash) for a user until it expires.
#[derive(Clone, Copy)]
enum TokenTable {
    /// Sign-ins waiting for their code.
    Challenges,
    /// Browsers not asked for a code for a while.
    RememberedDevices,
}

/// Stores a new token for `user` in `table` until `expires_at`; returns it for the cookie.
async fn insert_token(
    conn: &mut Conn,
    table: TokenTable,
    user: &UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let sql = match table {
        TokenTable::Challenges => {
            "INSERT INTO sign_in_challenges (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"
        }
        TokenTable::RememberedDevices => {
            "INSERT INTO remembered_devices (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"
        }
    };
    let token = new_token();
    sqlx::query(sql)
        .bind(token_hash(&token))
        .bind(user.as_str())
        .bind(db_time(now))
        .bind(db_time(expires_at))
        .execute(conn)
        .await?;
    Ok(token)
}

/// A sign-in waiting for its code; returns the token for its cookie.
pub async fn create_challenge(
    conn: &mut Conn,
    user: &UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    insert_token(conn, TokenTable::Challenges, user, now, expires_at).await
}

/// Marks a challenge as the second step of a sign-in at an identity provider: the session it
/// ends in keeps the provider (signing out offers the provider's own sign-out).
pub async fn mark_challenge_sso(
    conn: &mut Conn,
    token: &str,
    provider_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sign_in_challenges SET sso_provider_id = $2 WHERE token_hash = $1")
        .bind(token_hash(token))
        .bind(provider_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A live challenge: whose sign-in it completes, and the identity provider it came through.
pub struct Challenge {
    pub user: UserId,
    pub sso_provider: Option<String>,
}

/// The live challenge of `token`.
pub async fn challenge_user(
    conn: &mut Conn,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Challenge>, sqlx::Error> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT user_id, sso_provider_id FROM sign_in_challenges \
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(db_time(now))
    .fetch_optional(conn)
    .await?;
    row.map(|(user, sso_provider)| {
        Ok(Challenge {
            user: decode("user id", &user, UserId::parse)?,
            sso_provider,
        })
    })
    .transpose()
}

/// Ends a challenge (its code was right); false when it had ended already.
pub async fn end_challenge(conn: &mut Conn, token: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes challenges and remembered browsers that have expired; returns how many.
pub async fn prune_challenges(conn: &mut Conn, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at <= $1")
        .bind(db_time(now))
        .execute(&mut *conn)
        .await?;
    let forgotten = sqlx::query("DELETE FROM remembered_devices WHERE expires_at <= $1")
        .bind(db_time(now))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() + forgotten.rows_affected())
}

/// Remembers a browser for `user` until `expires_at`; returns the token for its cookie.
pub async fn remember_device(
    conn: &mut Conn,
    user: &UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    insert_token(conn, TokenTable::RememberedDevices, user, now, expires_at).await
}

/// Whether the browser with this token is remembered for `user` (and not expired).
pub async fn is_remembered(
    conn: &mut Conn,
    user: &UserId,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM remembered_devices WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3",
    )
    .bind(token_hash(token))
    .bind(user.as_str())
    .bind(db_time(now))
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Forgets every browser remembered for `user` (a new password, two-step sign-in off).
pub async fn forget_devices(conn: &mut Conn, user: &UserId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM remembered_devices WHERE user_id = $1")
        .bind(user.as_str())
        .execute(conn)
        .await?;
    Ok(())
}
