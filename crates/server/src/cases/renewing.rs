//! The end of a subscription's term (SPEC §11 Subscriptions): the renewal worker renews it —
//! an order at the current catalog's price in the customer's currency, on this month's
//! invoice, with a new cancellation window and the same product keys — or lets it expire,
//! revoking its keys and downloads. Exactly once, also with several replicas and after a
//! crash: the renewal order is placed under an idempotency key of the purchase, and how the
//! term ended is recorded only where nothing was recorded yet.

use chrono::{DateTime, Utc};
use csp_domain::audit::AuditAction;
use csp_domain::catalog::CancellationWindows;
use csp_domain::order::{OrderLineRequest, OrderProblem};
use csp_domain::subscription::{renewal_key, RENEWAL_PLACED_BY};
use csp_domain::{OrderId, OrderRequest, OrderStatus};

use crate::cases::ordering::{self, PlaceError, PlaceOrder, Placed};
use crate::notify::Outbox;
use crate::store::audit::{self, Actor, Event};
use crate::store::customers::{self, CustomerScope};
use crate::store::subscriptions::{self, DueTerm, Ending};
use crate::store::{Conn, Db};

/// Deals with the term that ended first; `false` when no term is due.
pub async fn process_next(
    db: &Db,
    windows: &CancellationWindows,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let Some(due) = subscriptions::next_due(&mut *db.conn().await?, now).await? else {
        return Ok(false);
    };
    if due.order_status == OrderStatus::Cancelled {
        subscriptions::end_term(
            &mut *db.conn().await?,
            &due.purchase,
            Ending::OrderCancelled,
            now,
        )
        .await?;
        return Ok(true);
    }
    if !due.auto_renew {
        expire(db, &due, "auto-renew was off", now).await?;
        return Ok(true);
    }
    match renew(db, windows, outbox, &due, now).await {
        Ok(order) => {
            let mut tx = db.begin().await?;
            if subscriptions::end_term(&mut tx, &due.purchase, Ending::Renewed(&order), now).await?
            {
                let detail = format!("renewal order {order}");
                record(
                    &mut tx,
                    &due,
                    AuditAction::SubscriptionRenewed,
                    &detail,
                    now,
                )
                .await?;
                tracing::info!(purchase = %due.purchase, %order, "subscription renewed");
            }
            tx.commit().await?;
        }
        Err(PlaceError::Database(e)) => return Err(e),
        Err(PlaceError::Problem(problem)) => {
            let why = match problem {
                OrderProblem::Unavailable(reason) => format!("not renewed: {reason}"),
                OrderProblem::Fields(_) => {
                    "not renewed: the offer no longer takes this quantity".into()
                }
            };
            expire(db, &due, &why, now).await?;
        }
        Err(PlaceError::KeyReused) => {
            // The key is the purchase's own; only an order placed with it by hand gets here.
            tracing::error!(purchase = %due.purchase, "renewal key used for another order");
            expire(
                db,
                &due,
                "not renewed: its renewal key names another order",
                now,
            )
            .await?;
        }
    }
    Ok(true)
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
            key: &renewal_key(&due.purchase),
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

/// Ends `due` without renewal: its keys and downloads answer 410 from now on.
async fn expire(db: &Db, due: &DueTerm, why: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    if subscriptions::end_term(&mut tx, &due.purchase, Ending::Expired, now).await? {
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
