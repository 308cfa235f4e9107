//! The end of a subscription's term (SPEC §11 Subscriptions): the renewal worker renews it —
//! an order at the current catalog's price in the customer's currency, on this month's
//! invoice, with a new cancellation window and the same product keys — or lets it expire,
//! revoking its keys and downloads. Exactly once, also with several replicas and after a
//! crash: a renewal is claimed first (from then on auto-renew cannot change and no worker
//! expires it), the renewal order is placed under the purchase's own idempotency key (a
//! worker that takes over a claim gets the same order back), and each ending is recorded only
//! from the state it needs.

use chrono::{DateTime, Utc};
use csp_domain::audit::AuditAction;
use csp_domain::catalog::CancellationWindows;
use csp_domain::order::{OrderLineRequest, OrderProblem};
use csp_domain::subscription::RENEWAL_PLACED_BY;
use csp_domain::{IdempotencyKey, OrderId, OrderRequest, OrderStatus};

use crate::cases::ordering::{self, PlaceError, PlaceOrder, Placed};
use crate::notify::Outbox;
use crate::store::audit::{self, Actor, Event};
use crate::store::customers::{self, CustomerScope};
use crate::store::subscriptions::{self, DueTerm, Ending};
use crate::store::{Conn, Db};

/// Terms read at a time, and the most dealt with in one run (the rest wait for the next).
const BATCH: u32 = 50;
const MOST_PER_RUN: usize = 1_000;

/// Deals with the terms that ended by `now`, the first ended first; how many. A term that
/// fails (its database work failed) is logged and tried again at the next run, after the
/// others; the run fails only when no term of a batch could be dealt with.
pub async fn process_due(
    db: &Db,
    windows: &CancellationWindows,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let mut done = 0;
    loop {
        let due = subscriptions::due(&mut *db.conn().await?, now, BATCH).await?;
        let mut failure = None;
        let mut progressed = 0;
        for term in &due {
            match end_term(db, windows, outbox, term, now).await {
                Ok(()) => progressed += 1,
                Err(e) => {
                    tracing::warn!(purchase = %term.purchase, error = %e, "a term end failed; tried again later");
                    failure = Some(e);
                }
            }
        }
        done += progressed;
        match failure {
            Some(e) if progressed == 0 => return Err(e),
            _ if due.len() < BATCH as usize || progressed == 0 || done >= MOST_PER_RUN => {
                return Ok(done)
            }
            _ => {}
        }
    }
}

/// Renews `due` (claiming the renewal first, so it renews once and no longer changes) or lets
/// it expire.
async fn end_term(
    db: &Db,
    windows: &CancellationWindows,
    outbox: &Outbox,
    due: &DueTerm,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if due.order_status == OrderStatus::Cancelled && !due.claimed {
        let mut conn = db.conn().await?;
        subscriptions::end_term(&mut conn, &due.purchase, Ending::OrderCancelled, now).await?;
        return Ok(());
    }
    let claimed = due.claimed
        || (due.auto_renew
            && subscriptions::claim_renewal(&mut *db.conn().await?, &due.purchase, now).await?);
    if !claimed {
        if !due.auto_renew {
            expire(db, due, Ending::Expired, "auto-renew was off", now).await?;
        }
        // Otherwise another worker claimed it, or auto-renew changed meanwhile: the next run
        // reads it again.
        return Ok(());
    }
    match renew(db, windows, outbox, due, now).await {
        Ok(order) => {
            let mut tx = db.begin().await?;
            if subscriptions::end_term(&mut tx, &due.purchase, Ending::Renewed(&order), now).await?
            {
                let detail = format!("renewal order {order}");
                record(&mut tx, due, AuditAction::SubscriptionRenewed, &detail, now).await?;
                tracing::info!(purchase = %due.purchase, %order, "subscription renewed");
            }
            tx.commit().await
        }
        Err(PlaceError::Database(e)) => Err(e),
        Err(PlaceError::Problem(problem)) => {
            let why = match problem {
                OrderProblem::Unavailable(reason) => format!("not renewed: {reason}"),
                OrderProblem::Fields(_) => {
                    "not renewed: the offer no longer takes this quantity".into()
                }
            };
            expire(db, due, Ending::RenewalRefused, &why, now).await
        }
        Err(PlaceError::KeyReused) => {
            // The key holds a space no client can send: only a bug gets here.
            tracing::error!(purchase = %due.purchase, "renewal key used for another order");
            let why = "not renewed: its renewal key names another order";
            expire(db, due, Ending::RenewalRefused, why, now).await
        }
    }
}

/// Places (or finds, when placed before) the renewal order of `due`.
async fn renew(
    db: &Db,
    windows: &CancellationWindows,
    outbox: &Outbox,
    due: &DueTerm,
    now: DateTime<Utc>,
) -> Result<OrderId, PlaceError> {
    let customer = customers::get(
        &mut *db.conn().await?,
        &CustomerScope::Partner(due.partner.clone()),
        &due.customer,
    )
    .await?
    .ok_or_else(|| {
        PlaceError::Problem(OrderProblem::Unavailable(
            "the customer no longer exists".into(),
        ))
    })?;
    let request = OrderRequest {
        line_items: vec![OrderLineRequest {
            offer_id: due.offer.to_string(),
            quantity: i64::from(due.quantity),
        }],
        purchase_order_number: None,
    };
    let actor = Actor::system(&due.partner);
    let placed = ordering::place(
        db,
        windows,
        PlaceOrder {
            partner: &due.partner,
            customer: &customer,
            request: &request,
            key: &IdempotencyKey::renewal(&due.purchase),
            placed_by: RENEWAL_PLACED_BY,
            now,
            outbox,
            actor: Some(&actor),
            renewing: Some(&due.purchase),
        },
    )
    .await?;
    Ok(match placed {
        Placed::Created(order) | Placed::Replayed(order) => order,
    })
}

/// Ends `due` without renewal (`ending` says from which state): its keys and downloads answer
/// 410 from now on.
async fn expire(
    db: &Db,
    due: &DueTerm,
    ending: Ending<'_>,
    why: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    if subscriptions::end_term(&mut tx, &due.purchase, ending, now).await? {
        record(&mut tx, due, AuditAction::SubscriptionExpired, why, now).await?;
        tracing::info!(purchase = %due.purchase, why, "subscription expired");
    }
    tx.commit().await
}

/// The term's end in the partner's audit trail, by the product itself.
async fn record(
    conn: &mut Conn,
    due: &DueTerm,
    action: AuditAction,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let event = Event::new(action, "purchase", due.purchase.as_str())
        .customer(&due.customer)
        .detail(detail);
    audit::record(conn, &Actor::system(&due.partner), event, now).await
}
