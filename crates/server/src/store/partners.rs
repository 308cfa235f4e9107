//! Partner organisations.

use chrono::{DateTime, Utc};
use csp_domain::PartnerId;

use super::{db_time, Conn};

/// Adds a partner unless one with this id exists (seeding is idempotent).
pub async fn insert(
    conn: &mut Conn,
    id: &PartnerId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO partners (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(id.as_str())
    .bind(name)
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the partner requires two-step sign-in of every user.
pub async fn two_step_for_everyone(
    conn: &mut Conn,
    partner: &PartnerId,
) -> Result<bool, sqlx::Error> {
    let flag: Option<i64> =
        sqlx::query_scalar("SELECT two_step_for_everyone FROM partners WHERE id = $1")
            .bind(partner.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(flag.unwrap_or(0) != 0)
}

pub async fn set_two_step_for_everyone(
    conn: &mut Conn,
    partner: &PartnerId,
    required: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE partners SET two_step_for_everyone = $2 WHERE id = $1")
        .bind(partner.as_str())
        .bind(i64::from(required))
        .execute(conn)
        .await?;
    Ok(())
}
