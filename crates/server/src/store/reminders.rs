//! Reminders before deadlines: the terms and cancellation windows whose next reminder is due,
//! and the record that settles each reminder once.

use chrono::{DateTime, Duration, Utc};
use csp_domain::reminder::{Deadline, ReminderKind};
use csp_domain::{Currency, CustomerId, OrderId, OrderStatus, PartnerId};

use super::{db_time, decode, read_time, Conn};

/// A term or a window with a reminder due.
#[derive(Debug, Clone)]
pub struct Subject {
    pub deadline: Deadline,
    /// The purchase (a term end) or the order (a window).
    pub id: String,
    pub at: DateTime<Utc>,
    pub order: OrderId,
    pub partner: PartnerId,
    pub customer: CustomerId,
    pub customer_name: String,
    pub product_name: String,
    /// For a term end: the offer and quantity a renewal would buy, and whether it renews.
    pub offer_id: String,
    pub quantity: u32,
    pub auto_renew: bool,
    pub currency: Currency,
    /// The reminders settled before.
    pub settled: Vec<ReminderKind>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    at: String,
    order_id: String,
    partner_id: String,
    customer_id: String,
    company_name: String,
    product_name: String,
    offer_id: String,
    quantity: i64,
    auto_renew: i64,
    currency: String,
    early_settled: i64,
}

/// Up to `limit` terms (or windows) of `deadline` that end after `now` and have a reminder due
/// that was not settled: the first one's moment has come and it is unsettled, or the last
/// one's has. Soonest first.
pub async fn due(
    conn: &mut Conn,
    deadline: Deadline,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Subject>, sqlx::Error> {
    let (early, late) = match deadline.reminders() {
        [early, late] => (*early, *late),
        _ => unreachable!("every deadline has two reminders"),
    };
    let days = |k: ReminderKind| Duration::days(i64::from(k.days_before()));
    let settled = |id: &str, kind: &str| {
        format!("EXISTS (SELECT 1 FROM reminders r WHERE r.subject_id = {id} AND r.kind = {kind})")
    };
    let sql = match deadline {
        Deadline::TermEnd => format!(
            "SELECT l.id, l.term_end AS at, o.id AS order_id, o.partner_id, o.customer_id, \
             c.company_name, l.product_name, l.offer_id, l.quantity, l.auto_renew, o.currency, \
             CAST(CASE WHEN {early} THEN 1 ELSE 0 END AS BIGINT) AS early_settled \
             FROM order_lines l JOIN orders o ON o.id = l.order_id \
             JOIN customers c ON c.id = o.customer_id \
             WHERE l.term_ended IS NULL AND l.term_end IS NOT NULL \
             AND l.term_end > $1 AND l.term_end <= $2 AND o.status = $3 \
             AND NOT {late} AND (l.term_end <= $4 OR NOT {early}) \
             ORDER BY l.term_end, l.id LIMIT $5",
            early = settled("l.id", "$6"),
            late = settled("l.id", "$7"),
        ),
        Deadline::CancellationWindow => format!(
            "SELECT o.id, o.cancellable_until AS at, o.id AS order_id, o.partner_id, \
             o.customer_id, c.company_name, \
             (SELECT l.product_name FROM order_lines l WHERE l.order_id = o.id \
              ORDER BY l.line_no LIMIT 1) AS product_name, \
             '' AS offer_id, CAST(0 AS BIGINT) AS quantity, CAST(0 AS BIGINT) AS auto_renew, \
             o.currency, CAST(CASE WHEN {early} THEN 1 ELSE 0 END AS BIGINT) AS early_settled \
             FROM orders o JOIN customers c ON c.id = o.customer_id \
             WHERE o.cancellable_until IS NOT NULL \
             AND o.cancellable_until > $1 AND o.cancellable_until <= $2 AND o.status = $3 \
             AND NOT {late} AND (o.cancellable_until <= $4 OR NOT {early}) \
             ORDER BY o.cancellable_until, o.id LIMIT $5",
            early = settled("o.id", "$6"),
            late = settled("o.id", "$7"),
        ),
    };
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(db_time(now))
        .bind(db_time(now + days(early)))
        .bind(OrderStatus::Completed.as_str())
        .bind(db_time(now + days(late)))
        .bind(i64::from(limit))
        .bind(early.as_str())
        .bind(late.as_str())
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Subject {
                deadline,
                at: read_time(&r.at)?,
                order: decode("order id", &r.order_id, OrderId::parse)?,
                partner: decode("partner id", &r.partner_id, PartnerId::parse)?,
                customer: decode("customer id", &r.customer_id, CustomerId::parse)?,
                customer_name: r.company_name,
                product_name: r.product_name,
                offer_id: r.offer_id,
                quantity: u32::try_from(r.quantity).unwrap_or(0),
                auto_renew: r.auto_renew != 0,
                currency: decode("currency", &r.currency, Currency::parse)?,
                settled: if r.early_settled != 0 {
                    vec![early]
                } else {
                    Vec::new()
                },
                id: r.id,
            })
        })
        .collect()
}

/// Settles reminder `kind` of `subject`; `false` when it was settled before (by another
/// worker): then nothing is sent for it.
pub async fn settle(
    conn: &mut Conn,
    subject: &str,
    kind: ReminderKind,
    sent: bool,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO reminders (subject_id, kind, settled_at, sent) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(subject)
    .bind(kind.as_str())
    .bind(db_time(now))
    .bind(i64::from(sent))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
