//! Support requests (R-SUP): listing for now; filing them arrives with the support chapter.

use csp_domain::SupportRequestSummary;
use sqlx::Row;

use crate::db::Db;

/// `Some(partner)` for a partner's own requests, `None` for all (support agents).
pub async fn list(db: &Db, partner_id: Option<&str>) -> Result<Vec<SupportRequestSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.number, r.title, r.problem_type, r.status, r.customer, r.created_at, \
                p.name AS partner_name \
         FROM support_requests r JOIN partners p ON p.id = r.partner_id \
         WHERE $1 IS NULL OR r.partner_id = $1 \
         ORDER BY r.created_at DESC, r.number DESC",
    )
    .bind(partner_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SupportRequestSummary {
                id: row.try_get("id")?,
                number: row.try_get("number")?,
                title: row.try_get("title")?,
                problem_type: row.try_get("problem_type")?,
                status: row.try_get("status")?,
                partner_name: row.try_get("partner_name")?,
                customer: row.try_get("customer")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}
