//! Cancelling an order (R-CAN): the request the API accepts, and the processing a background
//! worker does later — exactly once, even with several server processes, double clicks, or a
//! crash in between. The rules (window, proration, refund limit) are the domain's `assess`.

use chrono::{DateTime, Duration, Utc};
use csp_domain::cancellation::{assess, Assessment};
use csp_domain::{Customer, Email, Money, OrderId, PartnerId};

use crate::store::cancellations::{self, NewCancellation, StoredCancellation};
use crate::store::credits::{self, NewCredit};
use crate::store::{billing, new_id, orders, Db};

/// How long a worker may hold a cancellation before another may take it over.
pub const LEASE: Duration = Duration::seconds(60);

#[derive(Debug)]
pub enum CancelError {
    NotFound,
    /// The product can never be cancelled (SUSE and Red Hat plans, R-CAN-2).
    NotCancellable,
    WindowPassed(DateTime<Utc>),
    /// The credit is above the partner's self-service limit: `(credit, limit)`.
    NeedsSupportRequest(Money, Money),
    AlreadyCancelled,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for CancelError {
    fn from(e: sqlx::Error) -> Self {
        CancelError::Database(e)
    }
}

pub struct CancelOrder<'a> {
    pub partner: &'a PartnerId,
    pub customer: &'a Customer,
    pub order: &'a OrderId,
    pub requested_by: &'a Email,
    pub now: DateTime<Utc>,
    /// How long after the request the worker processes it (a setting).
    pub delay: Duration,
}

/// Accepts a cancellation: the order becomes `cancellation_pending` and the credit it will
/// book is fixed now. At most one per order: a second (or a concurrent) one is refused.
pub async fn request(db: &Db, input: CancelOrder<'_>) -> Result<StoredCancellation, CancelError> {
    let mut tx = db.begin().await?;
    let stored = orders::get(&mut tx, &input.customer.id, input.order)
        .await?
        .ok_or(CancelError::NotFound)?;
    let limit = billing::refund_limit(&mut tx, input.partner, input.customer.currency).await?;
    let credit = match assess(&stored.facts, input.now, limit) {
        Assessment::Cancellable { credit, .. } => credit,
        Assessment::NeedsSupportRequest { credit, limit } => {
            let currency = input.customer.currency;
            let money =
                |a: &csp_domain::Amount| a.to_money(currency).unwrap_or(Money::zero(currency));
            return Err(CancelError::NeedsSupportRequest(
                money(&credit),
                money(&limit),
            ));
        }
        Assessment::WindowPassed { until } => return Err(CancelError::WindowPassed(until)),
        Assessment::NotCancellable => return Err(CancelError::NotCancellable),
        Assessment::AlreadyCancelled => return Err(CancelError::AlreadyCancelled),
    };
    let credit = credit
        .to_money(stored.order.currency)
        .map_err(|_| CancelError::NotCancellable)?;
    let id = new_id();
    let record = NewCancellation {
        id: &id,
        order: input.order,
        partner: input.partner,
        customer: &input.customer.id,
        requested_by: input.requested_by.as_str(),
        requested_at: input.now,
        credit,
        due_at: input.now + input.delay,
    };
    if !cancellations::insert(&mut tx, &record).await? {
        return Err(CancelError::AlreadyCancelled);
    }
    let stored = cancellations::for_order(&mut tx, input.order)
        .await?
        .ok_or(CancelError::NotFound)?;
    tx.commit().await?;
    Ok(stored)
}

/// Processes the next due cancellation, if any: revokes the order's keys and downloads (its
/// status becomes `cancelled`, R-CAN-8) and books its credit on the next month's invoice
/// (R-CAN-9), in one transaction. Returns whether there was one.
pub async fn process_next(db: &Db, worker: &str, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let claimed = cancellations::claim_next(&mut *db.conn().await?, worker, now, LEASE).await?;
    let Some(claimed) = claimed else {
        return Ok(false);
    };
    let c = &claimed.cancellation;
    let mut tx = db.begin().await?;
    if !cancellations::complete(&mut tx, &c.id, worker, now).await? {
        // The lease ran out and another worker took it over: it does the work.
        tx.rollback().await?;
        return Ok(true);
    }
    let product = orders::get(&mut tx, &claimed.customer, &c.order_id)
        .await?
        .and_then(|o| o.order.line_items.first().map(|l| l.product_name.clone()))
        .unwrap_or_default();
    let amount = c
        .credit
        .to_money(c.currency)
        .unwrap_or(Money::zero(c.currency));
    let source = format!("cancellation:{}", c.id);
    let description = format!("Cancellation: {product}");
    let credit = NewCredit {
        id: &new_id(),
        source: &source,
        order: &c.order_id,
        partner: &claimed.partner,
        customer: &claimed.customer,
        amount,
        description: &description,
        booked_at: now,
    };
    if amount.minor() > 0 {
        credits::book(&mut tx, &credit).await?;
    }
    tx.commit().await?;
    tracing::info!(cancellation = %c.id, order = %c.order_id, credit = %amount, "cancellation processed");
    Ok(true)
}
