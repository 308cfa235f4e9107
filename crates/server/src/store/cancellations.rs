//! Cancellations of orders (R-CAN): at most one per order (a unique key), and claimed by one
//! worker at a time with a lease, so N server processes never process one twice.

use chrono::{DateTime, Duration, Utc};
use csp_domain::cancellation::{Cancellation, CancellationStatus, PROCESSING_PROMISE_MINUTES};
use csp_domain::{
    CancellationId, Currency, CustomerId, Money, OrderId, OrderStatus, PartnerId, SupportRequestId,
};

use super::{db_time, decode, read_time, Conn};

pub struct NewCancellation<'a> {
    pub id: &'a CancellationId,
    pub order: &'a OrderId,
    pub partner: &'a PartnerId,
    pub customer: &'a CustomerId,
    pub requested_by: &'a str,
    pub requested_at: DateTime<Utc>,
    pub credit: Money,
    pub due_at: DateTime<Utc>,
}

/// Records a cancellation that a support agent's approval did at once (R-SUP-6 with
/// `cancel_purchase`): completed, its order cancelled. `false` when the order already has a
/// cancellation or is no longer `completed`.
pub async fn insert_completed(
    conn: &mut Conn,
    c: &NewCancellation<'_>,
    support_request: &SupportRequestId,
) -> Result<bool, sqlx::Error> {
    let inserted: Option<String> = sqlx::query_scalar(
        "INSERT INTO cancellations (id, order_id, partner_id, customer_id, requested_by, requested_at, credit_minor, \
         currency, state, due_at, processed_at, support_request_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'completed', $9, $9, $10) \
         ON CONFLICT (order_id) DO NOTHING RETURNING id",
    )
    .bind(c.id.as_str())
    .bind(c.order.as_str())
    .bind(c.partner.as_str())
    .bind(c.customer.as_str())
    .bind(c.requested_by)
    .bind(db_time(c.requested_at))
    .bind(c.credit.minor())
    .bind(c.credit.currency().code())
    .bind(db_time(c.due_at))
    .bind(support_request.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    if inserted.is_none() {
        return Ok(false);
    }
    let updated = sqlx::query("UPDATE orders SET status = $2 WHERE id = $1 AND status = $3")
        .bind(c.order.as_str())
        .bind(OrderStatus::Cancelled.as_str())
        .bind(OrderStatus::Completed.as_str())
        .execute(conn)
        .await?;
    Ok(updated.rows_affected() == 1)
}

/// Records the cancellation and marks its order pending. `false` when the order already has
/// one, or is no longer `completed` (a concurrent cancel got there first).
pub async fn insert(conn: &mut Conn, c: &NewCancellation<'_>) -> Result<bool, sqlx::Error> {
    let inserted: Option<String> = sqlx::query_scalar(
        "INSERT INTO cancellations (id, order_id, partner_id, customer_id, requested_by, requested_at, credit_minor, \
         currency, state, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) \
         ON CONFLICT (order_id) DO NOTHING RETURNING id",
    )
    .bind(c.id.as_str())
    .bind(c.order.as_str())
    .bind(c.partner.as_str())
    .bind(c.customer.as_str())
    .bind(c.requested_by)
    .bind(db_time(c.requested_at))
    .bind(c.credit.minor())
    .bind(c.credit.currency().code())
    .bind(db_time(c.due_at))
    .fetch_optional(&mut *conn)
    .await?;
    if inserted.is_none() {
        return Ok(false);
    }
    let updated = sqlx::query("UPDATE orders SET status = $2 WHERE id = $1 AND status = $3")
        .bind(c.order.as_str())
        .bind(OrderStatus::CancellationPending.as_str())
        .bind(OrderStatus::Completed.as_str())
        .execute(conn)
        .await?;
    Ok(updated.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    order_id: String,
    partner_id: String,
    customer_id: String,
    requested_by: String,
    requested_at: String,
    credit_minor: i64,
    currency: String,
    state: String,
    processed_at: Option<String>,
    support_request_id: Option<String>,
}

const COLUMNS: &str =
    "id, order_id, partner_id, customer_id, requested_by, requested_at, credit_minor, \
                       currency, state, processed_at, support_request_id";

/// A stored cancellation, with whom it concerns.
#[derive(Debug, Clone)]
pub struct StoredCancellation {
    pub cancellation: Cancellation,
    pub partner: PartnerId,
    pub customer: CustomerId,
}

impl TryFrom<Row> for StoredCancellation {
    type Error = sqlx::Error;
    fn try_from(r: Row) -> Result<Self, sqlx::Error> {
        let currency = decode("currency", &r.currency, Currency::parse)?;
        let requested_at = read_time(&r.requested_at)?;
        Ok(StoredCancellation {
            partner: decode("partner id", &r.partner_id, PartnerId::parse)?,
            customer: decode("customer id", &r.customer_id, CustomerId::parse)?,
            cancellation: Cancellation {
                id: decode("cancellation id", &r.id, CancellationId::parse)?,
                order_id: decode("order id", &r.order_id, OrderId::parse)?,
                status: if r.state == "completed" {
                    CancellationStatus::Completed
                } else {
                    CancellationStatus::Pending
                },
                requested_at,
                requested_by: r.requested_by,
                credit: Money::from_minor(r.credit_minor, currency).amount(),
                currency,
                expected_by: requested_at + Duration::minutes(PROCESSING_PROMISE_MINUTES),
                processed_at: r.processed_at.as_deref().map(read_time).transpose()?,
                support_request_id: r
                    .support_request_id
                    .as_deref()
                    .map(|id| decode("support request id", id, SupportRequestId::parse))
                    .transpose()?,
            },
        })
    }
}

pub async fn for_order(
    conn: &mut Conn,
    order: &OrderId,
) -> Result<Option<StoredCancellation>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM cancellations WHERE order_id = $1"
    ))
    .bind(order.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(StoredCancellation::try_from).transpose()
}

/// The cancellations of `orders` (at most one each).
pub async fn for_orders(
    conn: &mut Conn,
    orders: &[&str],
) -> Result<Vec<StoredCancellation>, sqlx::Error> {
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=orders.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM cancellations WHERE order_id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for order in orders {
        query = query.bind(*order);
    }
    query
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(StoredCancellation::try_from)
        .collect()
}

/// Takes the next cancellation that is due (or whose worker's lease ran out) for `worker`
/// until `now + lease`. The outer condition is checked again on the row itself, so two
/// workers racing for one row cannot both get it; on PostgreSQL, locked rows are skipped.
pub async fn claim_next(
    conn: &mut Conn,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<StoredCancellation>, sqlx::Error> {
    let claimable =
        "(state = 'pending' AND due_at <= $2) OR (state = 'processing' AND claimed_until <= $2)";
    let skip_locked = if conn.backend_name() == "PostgreSQL" {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE cancellations SET state = 'processing', claimed_by = $1, claimed_until = $3 \
         WHERE id = (SELECT id FROM cancellations WHERE {claimable} ORDER BY due_at LIMIT 1{skip_locked}) \
         AND ({claimable}) RETURNING {COLUMNS}"
    );
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(worker)
        .bind(db_time(now))
        .bind(db_time(now + lease))
        .fetch_optional(conn)
        .await?;
    row.map(StoredCancellation::try_from).transpose()
}

/// Marks a claimed cancellation completed with the credit it booked, and its order
/// cancelled. `false` when the claim was lost (the lease ran out and another worker took
/// it): then nothing changes.
pub async fn complete(
    conn: &mut Conn,
    id: &CancellationId,
    worker: &str,
    booked: Money,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE cancellations SET state = 'completed', processed_at = $3, claimed_until = NULL, credit_minor = $4 \
         WHERE id = $1 AND state = 'processing' AND claimed_by = $2",
    )
    .bind(id.as_str())
    .bind(worker)
    .bind(db_time(now))
    .bind(booked.minor())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE orders SET status = $2 WHERE id = (SELECT order_id FROM cancellations WHERE id = $1)")
        .bind(id.as_str())
        .bind(OrderStatus::Cancelled.as_str())
        .execute(conn)
        .await?;
    Ok(true)
}

/// How many cancellations there are in a state (tests check exactly-once with it).
pub async fn count_in_state(conn: &mut Conn, state: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM cancellations WHERE state = $1")
        .bind(state)
        .fetch_one(conn)
        .await
}
