//! The activity log (R-LOG). Append-only (R-LOG-3): this module offers no update or delete.

use chrono::{DateTime, Utc};
use csp_domain::{ActivityAction, ActivityLogEntry, CustomerId, Email, PartnerId, PurchaseId};

use super::{db_time, decode, read_time, Conn};

#[derive(sqlx::FromRow)]
struct EntryRow {
    at: String,
    action: String,
    user_email: String,
    customer_id: String,
    customer_name: String,
    purchase_id: String,
    product_name: String,
}

impl TryFrom<EntryRow> for ActivityLogEntry {
    type Error = sqlx::Error;
    fn try_from(row: EntryRow) -> Result<Self, sqlx::Error> {
        Ok(ActivityLogEntry {
            at: read_time(&row.at)?,
            action: ActivityAction::parse(&row.action),
            user_email: decode("email", &row.user_email, Email::parse)?,
            customer_id: decode("customer id", &row.customer_id, CustomerId::parse)?,
            customer_name: row.customer_name,
            purchase_id: decode("purchase id", &row.purchase_id, PurchaseId::parse)?,
            product_name: row.product_name,
        })
    }
}

/// A partner's entries with `from <= at < until`, oldest first.
pub async fn list(
    conn: &mut Conn,
    partner: &PartnerId,
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
) -> Result<Vec<ActivityLogEntry>, sqlx::Error> {
    // The end of the calendar as text still sorts after every stored time.
    let until = until.map(db_time).unwrap_or_else(|| "~".into());
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT at, action, user_email, customer_id, customer_name, purchase_id, product_name \
         FROM activity_log WHERE partner_id = $1 AND at >= $2 AND at < $3 ORDER BY at, id",
    )
    .bind(partner.as_str())
    .bind(db_time(from))
    .bind(until)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(ActivityLogEntry::try_from).collect()
}

/// Records one key reveal or download.
pub async fn append(
    conn: &mut Conn,
    partner: &PartnerId,
    entry: &ActivityLogEntry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO activity_log \
         (id, partner_id, at, action, user_email, customer_id, customer_name, purchase_id, product_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(partner.as_str())
    .bind(db_time(entry.at))
    .bind(entry.action.as_str())
    .bind(entry.user_email.as_str())
    .bind(entry.customer_id.as_str())
    .bind(&entry.customer_name)
    .bind(entry.purchase_id.as_str())
    .bind(&entry.product_name)
    .execute(conn)
    .await?;
    Ok(())
}
