//! Support requests (R-SUP): listing for now; filing them arrives with the support chapter.

use csp_domain::{PartnerId, ProblemType, SupportRequestId, SupportRequestSummary, SupportStatus};

use super::{decode, read_time, Conn};

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    number: i64,
    title: String,
    problem_type: String,
    status: String,
    customer: String,
    created_at: String,
    partner_name: String,
}

/// `Some(partner)` for a partner's own requests, `None` for all (support agents).
pub async fn list(
    conn: &mut Conn,
    partner: Option<&PartnerId>,
) -> Result<Vec<SupportRequestSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT r.id, r.number, r.title, r.problem_type, r.status, r.customer, r.created_at, \
                p.name AS partner_name \
         FROM support_requests r JOIN partners p ON p.id = r.partner_id \
         WHERE $1 IS NULL OR r.partner_id = $1 \
         ORDER BY r.created_at DESC, r.number DESC",
    )
    .bind(partner.map(PartnerId::as_str))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(SupportRequestSummary {
                id: decode("support request id", &row.id, SupportRequestId::parse)?,
                number: row.number,
                title: row.title,
                problem_type: ProblemType::parse(&row.problem_type),
                status: SupportStatus::parse(&row.status),
                partner_name: row.partner_name,
                customer: row.customer,
                created_at: read_time(&row.created_at)?,
            })
        })
        .collect()
}
