//! The terms of subscriptions and reservations: which have come to their end, and how each
//! ended. A term ends once: the update that records it only changes a term still running.

use chrono::{DateTime, Utc};
use csp_domain::subscription::TermEnded;
use csp_domain::{CustomerId, OfferId, OrderId, OrderStatus, PartnerId, PurchaseId};

use super::{db_time, decode, Conn};

/// A term that has come to its end and not been dealt with yet.
#[derive(Debug, Clone)]
pub struct DueTerm {
    pub purchase: PurchaseId,
    pub order: OrderId,
    pub order_status: OrderStatus,
    pub partner: PartnerId,
    pub customer: CustomerId,
    pub offer: OfferId,
    pub quantity: u32,
    pub auto_renew: bool,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: String,
    order_id: String,
    status: String,
    partner_id: String,
    customer_id: String,
    offer_id: String,
    quantity: i64,
    auto_renew: i64,
}

/// The term that ended first of those ended by `now` and still running; a cancellation in
/// progress is left until it is decided.
pub async fn next_due(conn: &mut Conn, now: DateTime<Utc>) -> Result<Option<DueTerm>, sqlx::Error> {
    let row: Option<DueRow> = sqlx::query_as(
        "SELECT l.id, l.order_id, o.status, o.partner_id, o.customer_id, l.offer_id, l.quantity, \
         l.auto_renew FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE l.term_ended IS NULL AND l.term_end IS NOT NULL AND l.term_end <= $1 \
         AND o.status <> $2 ORDER BY l.term_end, l.id LIMIT 1",
    )
    .bind(db_time(now))
    .bind(OrderStatus::CancellationPending.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(DueTerm {
            purchase: decode("purchase id", &r.id, PurchaseId::parse)?,
            order: decode("order id", &r.order_id, OrderId::parse)?,
            order_status: OrderStatus::parse(&r.status),
            partner: decode("partner id", &r.partner_id, PartnerId::parse)?,
            customer: decode("customer id", &r.customer_id, CustomerId::parse)?,
            offer: decode("offer id", &r.offer_id, OfferId::parse)?,
            quantity: u32::try_from(r.quantity).unwrap_or(0),
            auto_renew: r.auto_renew != 0,
        })
    })
    .transpose()
}

/// How a term ended, as recorded.
pub enum Ending<'a> {
    Renewed(&'a OrderId),
    Expired,
    /// Its order was cancelled before the end: nothing happens at the end.
    OrderCancelled,
}

/// Records how `purchase`'s term ended; `false` when it was recorded before (by another
/// worker): the caller then does nothing more.
pub async fn end_term(
    conn: &mut Conn,
    purchase: &PurchaseId,
    ending: Ending<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let (ended, renewal) = match ending {
        Ending::Renewed(order) => (TermEnded::Renewed.as_str(), Some(order.as_str())),
        Ending::Expired => (TermEnded::Expired.as_str(), None),
        Ending::OrderCancelled => ("cancelled", None),
    };
    let done = sqlx::query(
        "UPDATE order_lines SET term_ended = $2, term_ended_at = $3, renewal_order_id = $4 \
         WHERE id = $1 AND term_ended IS NULL",
    )
    .bind(purchase.as_str())
    .bind(ended)
    .bind(db_time(now))
    .bind(renewal)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets whether `purchase` renews; `false` when its term has ended meanwhile.
pub async fn set_auto_renew(
    conn: &mut Conn,
    purchase: &PurchaseId,
    auto_renew: bool,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE order_lines SET auto_renew = $2 WHERE id = $1 AND term_ended IS NULL")
            .bind(purchase.as_str())
            .bind(i64::from(auto_renew))
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
