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
