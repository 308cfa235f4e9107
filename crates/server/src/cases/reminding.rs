//! Reminders before a deadline passes, through the outbox to the partner's Admin agents in each
//! one's language: 30 and 7 days before a term ends (it renews at today's price, or it
//! expires), 3 days and 1 day before a cancellation window closes. Each reminder is settled by
//! one insert; only the worker whose insert made the row records the mail, in the same
//! transaction: once, also with several replicas.

use chrono::{DateTime, Utc};
use csp_domain::catalog::CancellationWindows;
use csp_domain::notification::{DeadlineReminder, EventData};
use csp_domain::order::{price_order, OrderLineRequest};
use csp_domain::reminder::{self, Deadline};
use csp_domain::{Amount, OrderRequest};

use crate::notify::Outbox;
use crate::store::customers::{self, CustomerScope};
use crate::store::reminders::{self, Subject};
use crate::store::{catalog, Db};

/// How many terms or windows are read at a time.
const BATCH: u32 = 100;

/// Sends every reminder due at `now`; how many terms and windows were dealt with.
pub async fn remind_due(
    db: &Db,
    windows: &CancellationWindows,
    outbox: &Outbox,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let mut done = 0;
    for deadline in [Deadline::TermEnd, Deadline::CancellationWindow] {
        loop {
            let subjects = reminders::due(&mut *db.conn().await?, deadline, now, BATCH).await?;
            for subject in &subjects {
                remind(db, windows, outbox, subject, now).await?;
            }
            done += subjects.len();
            if subjects.len() < BATCH as usize {
                break;
            }
        }
    }
    Ok(done)
}

async fn remind(
    db: &Db,
    windows: &CancellationWindows,
    outbox: &Outbox,
    s: &Subject,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let due = reminder::due(s.deadline, s.at, now, &s.settled);
    let Some(kind) = due.send else {
        return Ok(());
    };
    // What happens at a term end: renewal at today's price, unless it is off or no longer sold.
    let renewal = match s.deadline {
        Deadline::TermEnd if s.auto_renew => renewal_price(db, windows, s).await?,
        _ => None,
    };
    let mut tx = db.begin().await?;
    let mut send = false;
    for settle in &due.settle {
        let sending = *settle == kind;
        send |= reminders::settle(&mut tx, &s.id, *settle, sending, now).await? && sending;
    }
    if send {
        let data = DeadlineReminder {
            deadline: s.deadline.as_str().into(),
            days_before: kind.days_before(),
            at: s.at,
            customer_id: s.customer.clone(),
            customer_name: s.customer_name.clone(),
            order_id: s.order.clone(),
            product_name: s.product_name.clone(),
            renews: (s.deadline == Deadline::TermEnd).then_some(renewal.is_some()),
            renewal_price: renewal,
            currency: s.currency,
        };
        outbox
            .record(
                &mut tx,
                Some(&s.partner),
                EventData::DeadlineReminder(data),
                now,
            )
            .await?;
        tracing::info!(subject = %s.id, reminder = kind.as_str(), "deadline reminder recorded");
    }
    tx.commit().await
}

/// What renewing `s` would cost at today's catalog price in the customer's currency; `None`
/// when the offer is no longer sold to the customer (the term will expire).
async fn renewal_price(
    db: &Db,
    windows: &CancellationWindows,
    s: &Subject,
) -> Result<Option<Amount>, sqlx::Error> {
    let mut conn = db.conn().await?;
    let scope = CustomerScope::Partner(s.partner.clone());
    let Some(customer) = customers::get(&mut conn, &scope, &s.customer).await? else {
        return Ok(None);
    };
    let offers = catalog::offers_for(&mut conn, &customer, windows).await?;
    let request = OrderRequest {
        line_items: vec![OrderLineRequest {
            offer_id: s.offer_id.clone(),
            quantity: i64::from(s.quantity),
        }],
        purchase_order_number: None,
    };
    Ok(price_order(&request, &offers, customer.currency)
        .ok()
        .map(|priced| priced.total.amount()))
}
