//! The terms of subscriptions and reservations: which have come to their end, and how each
//! ended. A term ends once: a renewal is claimed first (`term_ended = 'renewing'`, which
//! stops auto-renew from changing), and each ending is recorded only from the state it needs.

use chrono::{DateTime, Utc};
use csp_domain::subscription::TermEnded;
use csp_domain::{CustomerId, OfferId, OrderId, OrderStatus, PartnerId, PurchaseId};

use super::{db_time, decode, Conn};

/// A term that has come to its end and not been dealt with yet, or whose renewal a worker
/// claimed and did not finish (it stopped midway).
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
    /// A worker claimed its renewal (`term_ended = 'renewing'`).
    pub claimed: bool,
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
    term_ended: Option<String>,
}

/// A renewal claimed by a worker and not finished yet.
const RENEWING: &str = "renewing";

/// Up to `limit` terms to deal with at `now`: renewals claimed and not finished first, then the
/// terms that ended by `now` and still run, the first ended first; a cancellation in progress
/// is left until it is decided.
pub async fn due(
    conn: &mut Conn,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<DueTerm>, sqlx::Error> {
    const COLUMNS: &str = "l.id, l.order_id, o.status, o.partner_id, o.customer_id, l.offer_id, \
                           l.quantity, l.auto_renew, l.term_ended";
    let mut rows: Vec<DueRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE l.term_ended = $1 ORDER BY l.term_end, l.id LIMIT $2"
    ))
    .bind(RENEWING)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    let left = limit.saturating_sub(rows.len() as u32);
    if left > 0 {
        rows.extend(
            sqlx::query_as::<_, DueRow>(&format!(
                "SELECT {COLUMNS} FROM order_lines l JOIN orders o ON o.id = l.order_id \
                 WHERE l.term_ended IS NULL AND l.term_end IS NOT NULL AND l.term_end <= $1 \
                 AND o.status <> $2 ORDER BY l.term_end, l.id LIMIT $3"
            ))
            .bind(db_time(now))
            .bind(OrderStatus::CancellationPending.as_str())
            .bind(i64::from(left))
            .fetch_all(&mut *conn)
            .await?,
        );
    }
    rows.into_iter()
        .map(|r| {
            Ok(DueTerm {
                purchase: decode("purchase id", &r.id, PurchaseId::parse)?,
                order: decode("order id", &r.order_id, OrderId::parse)?,
                order_status: OrderStatus::parse(&r.status),
                partner: decode("partner id", &r.partner_id, PartnerId::parse)?,
                customer: decode("customer id", &r.customer_id, CustomerId::parse)?,
                offer: decode("offer id", &r.offer_id, OfferId::parse)?,
                quantity: u32::try_from(r.quantity).unwrap_or(0),
                auto_renew: r.auto_renew != 0,
                claimed: r.term_ended.as_deref() == Some(RENEWING),
            })
        })
        .collect()
}

/// Claims the renewal of `purchase`: only a running term that ended by `now` with auto-renew
/// on. `false` when another worker claimed it or it no longer renews; from then on auto-renew
/// cannot change and no other worker expires it.
pub async fn claim_renewal(
    conn: &mut Conn,
    purchase: &PurchaseId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE order_lines SET term_ended = $2 WHERE id = $1 AND term_ended IS NULL \
         AND auto_renew = 1 AND term_end <= $3",
    )
    .bind(purchase.as_str())
    .bind(RENEWING)
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How a term ended, as recorded, and the state it must have been in.
pub enum Ending<'a> {
    /// A claimed renewal, done: `order` continues it.
    Renewed(&'a OrderId),
    /// A claimed renewal the catalog refused (the offer is no longer sold): it expires.
    RenewalRefused,
    /// A running term with auto-renew off.
    Expired,
    /// Its order was cancelled before the end: nothing happens at the end.
    OrderCancelled,
}

/// Records how `purchase`'s term ended; `false` when it was not in the state that ending
/// needs (another worker recorded it, or auto-renew changed): the caller then does nothing
/// more.
pub async fn end_term(
    conn: &mut Conn,
    purchase: &PurchaseId,
    ending: Ending<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let (ended, renewal, was) = match ending {
        Ending::Renewed(order) => (
            TermEnded::Renewed.as_str(),
            Some(order.as_str()),
            "term_ended = 'renewing'",
        ),
        Ending::RenewalRefused => (TermEnded::Expired.as_str(), None, "term_ended = 'renewing'"),
        Ending::Expired => (
            TermEnded::Expired.as_str(),
            None,
            "term_ended IS NULL AND auto_renew = 0",
        ),
        Ending::OrderCancelled => ("cancelled", None, "term_ended IS NULL"),
    };
    let done = sqlx::query(&format!(
        "UPDATE order_lines SET term_ended = $2, term_ended_at = $3, renewal_order_id = $4 \
         WHERE id = $1 AND {was}"
    ))
    .bind(purchase.as_str())
    .bind(ended)
    .bind(db_time(now))
    .bind(renewal)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets whether `purchase` renews; `false` when its term has ended by `now`, or a worker is
/// renewing it.
pub async fn set_auto_renew(
    conn: &mut Conn,
    purchase: &PurchaseId,
    auto_renew: bool,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE order_lines SET auto_renew = $2 WHERE id = $1 AND term_ended IS NULL \
         AND (term_end IS NULL OR term_end > $3)",
    )
    .bind(purchase.as_str())
    .bind(i64::from(auto_renew))
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
