//! Placing an order: the one path the API and the demo data both use. The checks and prices
//! come from the domain (`price_order`); this module makes it happen exactly once per
//! idempotency key, in one transaction with its lines, keys and the key itself.

use crate::store::audit::{self, Event};
use chrono::{DateTime, Utc};
use csp_domain::audit::AuditAction;
use csp_domain::cancellation::cancellable_until;
use csp_domain::catalog::CancellationWindows;
use csp_domain::notification::{EventData, EventOrderLine, OrderCreated};
use csp_domain::order::{price_order, OrderProblem};
use csp_domain::subscription::{auto_renew_by_default, renewable};
use csp_domain::{Customer, IdempotencyKey, OrderId, OrderRequest, PartnerId, PurchaseId};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::notify::Outbox;
use crate::store::orders::{self, NewLine, NewOrder};
use crate::store::{catalog, new_id, software, Db};

/// What happened to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// A new order.
    Created(OrderId),
    /// The key was used before with the same request: that order, not charged again.
    Replayed(OrderId),
}

#[derive(Debug)]
pub enum PlaceError {
    Problem(OrderProblem),
    /// The key was used before with another request (`idempotency_key_reused`).
    KeyReused,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for PlaceError {
    fn from(e: sqlx::Error) -> Self {
        PlaceError::Database(e)
    }
}

pub struct PlaceOrder<'a> {
    pub partner: &'a PartnerId,
    pub customer: &'a Customer,
    pub request: &'a OrderRequest,
    pub key: &'a IdempotencyKey,
    /// The user's address, or `subscription::RENEWAL_PLACED_BY`.
    pub placed_by: &'a str,
    pub now: DateTime<Utc>,
    /// Where the `order.created` event goes.
    pub outbox: &'a Outbox,
    /// Who, for the audit trail (none for demo data).
    pub actor: Option<&'a audit::Actor>,
    /// The purchase this order renews: its keyed line carries that purchase's product keys on,
    /// so the customer's keys keep working.
    pub renewing: Option<&'a PurchaseId>,
}

/// Places the order unless its key already stands for one.
pub async fn place(
    db: &Db,
    windows: &CancellationWindows,
    input: PlaceOrder<'_>,
) -> Result<Placed, PlaceError> {
    let hash = request_hash(input.customer, input.request);
    let mut tx = db.begin().await?;
    if let Some(found) = replay(&mut tx, &input, &hash).await? {
        return found;
    }
    let offers = catalog::offers_for(&mut tx, input.customer, windows).await?;
    let priced = price_order(input.request, &offers, input.customer.currency)
        .map_err(PlaceError::Problem)?;
    let order_id: OrderId = new_id();
    if !orders::claim_idempotency_key(
        &mut tx,
        input.partner,
        input.key,
        &hash,
        &order_id,
        input.now,
    )
    .await?
    {
        // Another request with this key committed while we were checking: answer as it did.
        tx.rollback().await?;
        let mut conn = db.conn().await?;
        return replay(&mut conn, &input, &hash)
            .await?
            .unwrap_or(Err(PlaceError::KeyReused));
    }
    let event = OrderCreated {
        order_id: order_id.clone(),
        customer_id: input.customer.id.clone(),
        customer_name: input.customer.company_name.clone(),
        placed_by: input.placed_by.to_string(),
        line_items: priced
            .lines
            .iter()
            .map(|l| EventOrderLine {
                product_name: l.offer.product_name.clone(),
                sku_name: l.offer.sku_name.clone(),
                quantity: l.quantity,
                amount: l.amount.amount(),
            })
            .collect(),
        total: priced.total.amount(),
        currency: priced.total.currency(),
        tax_inclusive: input.customer.market.tax_inclusive(),
    };
    let carried_keys = match input.renewing {
        Some(purchase) => software::product_keys(&mut tx, purchase).await?,
        None => Vec::new(),
    };
    let mut lines = Vec::new();
    // The order can be cancelled until its earliest line's window closes; never, if a line never can.
    let mut until = Some(None);
    for line in &priced.lines {
        let line_until = cancellable_until(input.now, line.offer.cancellation_window_days);
        until = match (until, line_until) {
            (Some(None), Some(u)) => Some(Some(u)),
            (Some(Some(a)), Some(b)) => Some(Some(a.min(b))),
            _ => None,
        };
        lines.push(NewLine {
            id: new_id(),
            offer: &line.offer,
            product_id: orders::product_of(&mut tx, &line.offer.id).await?,
            quantity: line.quantity,
            unit_price: line.unit_price,
            amount: line.amount,
            term_end: line.offer.term.map(|t| t.end(input.now)),
            // A renewal renews again; a new purchase as its kind does by default.
            auto_renew: if input.renewing.is_some() {
                renewable(line.offer.kind, line.offer.term)
            } else {
                auto_renew_by_default(line.offer.kind, line.offer.term)
            },
            product_keys: match (line.offer.has_keys, carried_keys.is_empty()) {
                (false, _) => Vec::new(),
                (true, true) => vec![product_key()],
                (true, false) => carried_keys.clone(),
            },
        });
    }
    orders::insert(
        &mut tx,
        &NewOrder {
            id: &order_id,
            partner: input.partner,
            customer: input.customer,
            total: priced.total,
            placed_by: input.placed_by,
            purchase_order_number: priced.purchase_order_number.as_deref(),
            created_at: input.now,
            cancellable_until: until.flatten(),
            lines,
        },
    )
    .await?;
    input
        .outbox
        .record(
            &mut tx,
            Some(input.partner),
            EventData::OrderCreated(event),
            input.now,
        )
        .await?;
    audit::record_by(
        &mut tx,
        input.actor,
        Event::new(AuditAction::OrderPlaced, "order", order_id.as_str())
            .customer(&input.customer.id)
            .detail(format!("total {}", priced.total)),
        input.now,
    )
    .await?;
    tx.commit().await?;
    Ok(Placed::Created(order_id))
}

async fn replay(
    conn: &mut crate::store::Conn,
    input: &PlaceOrder<'_>,
    hash: &str,
) -> Result<Option<Result<Placed, PlaceError>>, PlaceError> {
    Ok(orders::idempotency_record(conn, input.partner, input.key)
        .await?
        .map(|(stored, order)| {
            if stored == hash {
                Ok(Placed::Replayed(order))
            } else {
                Err(PlaceError::KeyReused)
            }
        }))
}

/// What makes two requests "the same": the customer, the lines as sent, the PO number.
fn request_hash(customer: &Customer, request: &OrderRequest) -> String {
    let mut canonical = format!("customer={}\n", customer.id);
    for line in &request.line_items {
        canonical += &format!(
            "line={}:{}\n",
            line.offer_id.trim().to_ascii_lowercase(),
            line.quantity
        );
    }
    canonical += &format!(
        "po={}\n",
        request
            .purchase_order_number
            .as_deref()
            .unwrap_or("")
            .trim()
    );
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// The characters of product keys: no vowels or look-alikes (as Microsoft's keys).
const KEY_ALPHABET: &[u8] = b"BCDFGHJKMPQRTVWXY2346789";

/// A new product key, `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX` (R-KEY-1).
pub fn product_key() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..5)
        .map(|_| {
            (0..5)
                .map(|_| KEY_ALPHABET[rng.gen_range(0..KEY_ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_keys_have_the_five_by_five_format() {
        for _ in 0..100 {
            let key = product_key();
            assert!(csp_domain::software::is_product_key(&key), "{key}");
        }
        assert_ne!(product_key(), product_key());
    }
}
