//! Cancelling an order (R-CAN): the request the API accepts, and the processing a background
//! worker does later — exactly once, even with several server processes, double clicks, or a
//! crash in between. The rules (window, proration, refund limit, what is left to credit) are
//! the domain's; both steps apply them to the order as it stands inside their transaction,
//! with the order's row locked, so a refund approved meanwhile is counted.

use crate::store::audit::{self, Event};
use chrono::{DateTime, Duration, Utc};
use csp_domain::audit::AuditAction;
use csp_domain::cancellation::{assess, Assessment};
use csp_domain::notification::{CancellationCompleted, CancellationRequested, EventData};
use csp_domain::{CreditSource, Customer, Email, Money, Order, OrderId, PartnerId, RefundLimit};

use crate::notify::{self, Outbox};
use crate::store::cancellations::{self, NewCancellation, StoredCancellation};
use crate::store::credits::{self, NewCredit};
use crate::store::customers::{self, CustomerScope};
use crate::store::orders::{self, StoredOrder};
use crate::store::{billing, new_id, Conn, Db};

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
    /// Everything paid was credited already (an approved refund).
    NothingToRefund,
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
    /// Where the `cancellation.requested` event goes.
    pub outbox: &'a Outbox,
    /// Who, for the audit trail (none for demo data).
    pub actor: Option<&'a audit::Actor>,
}

/// The order of a customer with its ledger as it stands, its row locked until the
/// transaction ends.
pub async fn locked_order(
    conn: &mut Conn,
    customer: &csp_domain::CustomerId,
    order: &OrderId,
) -> Result<Option<StoredOrder>, sqlx::Error> {
    orders::lock(&mut *conn, order).await?;
    orders::get(conn, customer, order).await
}

/// What cancelling a partner's orders at one moment would do: the domain's `assess` with the
/// partner's refund limit, read once — what the dialog shows, what the API's orders and
/// purchases say (`credit_if_cancelled_now`), and what a cancellation request books.
pub struct Quote {
    limit: RefundLimit,
    now: DateTime<Utc>,
}

impl Quote {
    pub async fn for_partner(
        conn: &mut Conn,
        partner: &PartnerId,
        now: DateTime<Utc>,
    ) -> Result<Quote, sqlx::Error> {
        Ok(Quote {
            limit: billing::refund_limit(conn, partner).await?,
            now,
        })
    }

    pub fn assess(&self, order: &StoredOrder) -> Assessment {
        assess(&order.facts, self.now, self.limit)
    }

    /// The order as the API returns it: with the credit a cancellation now would give, while
    /// it may be cancelled (also when above the limit, with a support request).
    pub fn order(&self, stored: StoredOrder) -> Order {
        let credit = match self.assess(&stored) {
            Assessment::Cancellable { credit, .. }
            | Assessment::NeedsSupportRequest { credit, .. } => Some(credit),
            _ => None,
        };
        let mut order = stored.order;
        order.credit_if_cancelled_now = credit;
        order
    }
}

/// Accepts a cancellation: the order becomes `cancellation_pending` and the credit it will
/// book is fixed now (at most what is left to credit). At most one per order: a second (or a
/// concurrent) one is refused.
pub async fn request(db: &Db, input: CancelOrder<'_>) -> Result<StoredCancellation, CancelError> {
    let mut tx = db.begin().await?;
    let order = locked_order(&mut tx, &input.customer.id, input.order)
        .await?
        .ok_or(CancelError::NotFound)?;
    let currency = order.order.currency;
    let money = |a: &csp_domain::Amount| a.to_money(currency).unwrap_or(Money::zero(currency));
    let quote = Quote::for_partner(&mut tx, input.partner, input.now).await?;
    let credit = match quote.assess(&order) {
        Assessment::Cancellable { credit, .. } => money(&credit),
        Assessment::NeedsSupportRequest { credit, limit } => {
            return Err(CancelError::NeedsSupportRequest(
                money(&credit),
                money(&limit),
            ));
        }
        Assessment::WindowPassed { until } => return Err(CancelError::WindowPassed(until)),
        Assessment::NotCancellable => return Err(CancelError::NotCancellable),
        Assessment::AlreadyCancelled => return Err(CancelError::AlreadyCancelled),
        Assessment::NothingToRefund => return Err(CancelError::NothingToRefund),
    };
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
    let event = CancellationRequested {
        cancellation_id: id,
        order_id: input.order.clone(),
        customer_id: input.customer.id.clone(),
        customer_name: input.customer.company_name.clone(),
        product_name: product_of(&order),
        requested_by: input.requested_by.as_str().to_string(),
        credit: credit.amount(),
        currency,
    };
    input
        .outbox
        .record(
            &mut tx,
            Some(input.partner),
            EventData::CancellationRequested(event),
            input.now,
        )
        .await?;
    audit::record_by(
        &mut tx,
        input.actor,
        Event::new(
            AuditAction::CancellationRequested,
            "order",
            input.order.as_str(),
        )
        .customer(&input.customer.id)
        .detail(format!("credit {credit}")),
        input.now,
    )
    .await?;
    tx.commit().await?;
    Ok(stored)
}

/// The product an order is about, for messages: its first line's.
pub fn product_of(order: &StoredOrder) -> String {
    order
        .order
        .line_items
        .first()
        .map(|l| l.product_name.clone())
        .unwrap_or_default()
}

/// Processes the next due cancellation, if any: revokes the order's keys and downloads (its
/// status becomes `cancelled`, R-CAN-8) and books its credit on the next month's invoice
/// (R-CAN-9) — what it promised, but never more than is left to credit now — in one
/// transaction. Returns whether there was one.
pub async fn process_next(
    db: &Db,
    outbox: &Outbox,
    worker: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let claimed = cancellations::claim_next(&mut *db.conn().await?, worker, now, LEASE).await?;
    let Some(claimed) = claimed else {
        return Ok(false);
    };
    let c = &claimed.cancellation;
    let mut tx = db.begin().await?;
    let Some(order) = locked_order(&mut tx, &claimed.customer, &c.order_id).await? else {
        tx.rollback().await?;
        return Ok(true);
    };
    let promised = c
        .credit
        .to_money(c.currency)
        .unwrap_or(Money::zero(c.currency));
    let (_, booked) = order.facts.ledger.settle_pending(promised);
    if !cancellations::complete(&mut tx, &c.id, worker, booked, now).await? {
        // The lease ran out and another worker took it over: it does the work.
        tx.rollback().await?;
        return Ok(true);
    }
    let product = product_of(&order);
    let description = format!("Cancellation: {product}");
    if booked.minor() > 0 {
        let credit = NewCredit {
            id: &new_id(),
            source: CreditSource::Cancellation,
            source_id: c.id.as_str(),
            order: &c.order_id,
            partner: &claimed.partner,
            customer: &claimed.customer,
            amount: booked,
            description: &description,
            booked_by: &c.requested_by,
            booked_at: now,
        };
        if credits::book(&mut tx, &credit).await? {
            outbox
                .record(
                    &mut tx,
                    Some(&claimed.partner),
                    notify::credit_created(&credit),
                    now,
                )
                .await?;
        }
    }
    let customer_name = customers::get(
        &mut tx,
        &CustomerScope::Partner(claimed.partner.clone()),
        &claimed.customer,
    )
    .await?
    .map(|c| c.company_name)
    .unwrap_or_default();
    let completed = CancellationCompleted {
        cancellation_id: c.id.clone(),
        order_id: c.order_id.clone(),
        customer_id: claimed.customer.clone(),
        customer_name,
        product_name: product,
        credit: booked.amount(),
        currency: booked.currency(),
        support_request_id: None,
    };
    outbox
        .record(
            &mut tx,
            Some(&claimed.partner),
            EventData::CancellationCompleted(completed),
            now,
        )
        .await?;
    audit::record(
        &mut tx,
        &audit::Actor::system(&claimed.partner),
        Event::new(
            AuditAction::CancellationCompleted,
            "order",
            c.order_id.as_str(),
        )
        .customer(&claimed.customer)
        .detail(format!("credit {booked}")),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(cancellation = %c.id, order = %c.order_id, credit = %booked, "cancellation processed");
    Ok(true)
}
