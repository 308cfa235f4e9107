//! The workers' queues as `GET /metrics` shows them.

use super::Conn;

/// (state, count) of the cancellations, and of the outbox's deliveries.
pub type ByState = Vec<(String, i64)>;

pub async fn by_state(conn: &mut Conn) -> Result<(ByState, ByState), sqlx::Error> {
    let cancellations = sqlx::query_as("SELECT state, COUNT(*) FROM cancellations GROUP BY state")
        .fetch_all(&mut *conn)
        .await?;
    let deliveries = sqlx::query_as("SELECT state, COUNT(*) FROM deliveries GROUP BY state")
        .fetch_all(&mut *conn)
        .await?;
    Ok((cancellations, deliveries))
}
