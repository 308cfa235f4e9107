//! The activity log (R-LOG). Append-only: this module offers no update or delete.

use csp_domain::ActivityLogEntry;
use sqlx::Row;

use crate::db::Db;

/// A partner's entries with `from <= at < until` (RFC 3339 bounds), oldest first.
pub async fn list(
    db: &Db,
    partner_id: &str,
    from: &str,
    until: &str,
) -> Result<Vec<ActivityLogEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, action, user_email, customer_id, customer_name, purchase_id, product_name \
         FROM activity_log WHERE partner_id = $1 AND at >= $2 AND at < $3 ORDER BY at, id",
    )
    .bind(partner_id)
    .bind(from)
    .bind(until)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ActivityLogEntry {
                at: row.try_get("at")?,
                action: row.try_get("action")?,
                user_email: row.try_get("user_email")?,
                customer_id: row.try_get("customer_id")?,
                customer_name: row.try_get("customer_name")?,
                purchase_id: row.try_get("purchase_id")?,
                product_name: row.try_get("product_name")?,
            })
        })
        .collect()
}

/// Records one key reveal or download.
pub async fn append(db: &Db, partner_id: &str, entry: &ActivityLogEntry) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO activity_log \
         (id, partner_id, at, action, user_email, customer_id, customer_name, purchase_id, product_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(partner_id)
    .bind(&entry.at)
    .bind(&entry.action)
    .bind(&entry.user_email)
    .bind(&entry.customer_id)
    .bind(&entry.customer_name)
    .bind(&entry.purchase_id)
    .bind(&entry.product_name)
    .execute(db)
    .await?;
    Ok(())
}
