//! Orders, their lines and idempotency keys. An order is written in one transaction with its
//! lines, the product keys of its keyed lines, and the idempotency key that asked for it.

use chrono::{DateTime, NaiveTime, Utc};
use csp_domain::cancellation::{CancellationStatus, CreditLine, OrderFacts};
use csp_domain::catalog::{Offer, ProductKind, Term};
use csp_domain::order::{OrderEvent, OrderEventKind, SupportRequestRef};
use csp_domain::order_list::{OrderCursor, OrderFilter, OrderSummary};
use csp_domain::subscription::{purchase_status, TermEnded};
use csp_domain::{
    Currency, Customer, CustomerId, IdempotencyKey, Ledger, Money, Order, OrderId, OrderLine,
    OrderStatus, Page, PageRequest, PartnerId, PurchaseId, SupportRequestId,
};

use super::cancellations::{self, StoredCancellation};
use super::credits::{self, StoredCredit};
use super::{db_time, decode, decode_error, read_time, Conn};

/// An order to write, every value decided by the caller.
pub struct NewOrder<'a> {
    pub id: &'a OrderId,
    pub partner: &'a PartnerId,
    pub customer: &'a Customer,
    pub total: Money,
    pub placed_by: &'a str,
    pub purchase_order_number: Option<&'a str>,
    pub created_at: DateTime<Utc>,
    pub cancellable_until: Option<DateTime<Utc>>,
    pub lines: Vec<NewLine<'a>>,
}

pub struct NewLine<'a> {
    /// Also the purchase id when the offer has keys.
    pub id: PurchaseId,
    pub offer: &'a Offer,
    pub product_id: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub amount: Money,
    pub term_end: Option<DateTime<Utc>>,
    /// Renews at `term_end` (`csp_domain::subscription::auto_renew_by_default` when bought).
    pub auto_renew: bool,
    pub product_keys: Vec<String>,
}

/// The order a key already stands for: the hash of the request that used it first, and the
/// order. `None` when the key is new.
pub async fn idempotency_record(
    conn: &mut Conn,
    partner: &PartnerId,
    key: &IdempotencyKey,
) -> Result<Option<(String, OrderId)>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT request_hash, order_id FROM idempotency_keys WHERE partner_id = $1 AND idempotency_key = $2",
    )
    .bind(partner.as_str())
    .bind(key.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|(hash, id)| Ok((hash, decode("order id", &id, OrderId::parse)?)))
        .transpose()
}

/// Takes `key` for `order`. `false` when another request took it first (the primary key
/// decides; on PostgreSQL this waits for that request's transaction to end).
pub async fn claim_idempotency_key(
    conn: &mut Conn,
    partner: &PartnerId,
    key: &IdempotencyKey,
    request_hash: &str,
    order: &OrderId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let claimed: Option<String> = sqlx::query_scalar(
        "INSERT INTO idempotency_keys (partner_id, idempotency_key, request_hash, order_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING order_id",
    )
    .bind(partner.as_str())
    .bind(key.as_str())
    .bind(request_hash)
    .bind(order.as_str())
    .bind(db_time(now))
    .fetch_optional(conn)
    .await?;
    Ok(claimed.is_some())
}

/// Writes the order, its lines and their product keys.
pub async fn insert(conn: &mut Conn, order: &NewOrder<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO orders (id, partner_id, customer_id, status, currency, total_minor, tax_inclusive, placed_by, \
         purchase_order_number, created_at, cancellable_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(order.id.as_str())
    .bind(order.partner.as_str())
    .bind(order.customer.id.as_str())
    .bind(OrderStatus::Completed.as_str())
    .bind(order.total.currency().code())
    .bind(order.total.minor())
    .bind(i64::from(order.customer.market.tax_inclusive()))
    .bind(order.placed_by)
    .bind(order.purchase_order_number)
    .bind(db_time(order.created_at))
    .bind(order.cancellable_until.map(db_time))
    .execute(&mut *conn)
    .await?;
    for (line_no, line) in order.lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO order_lines (id, order_id, line_no, offer_id, product_id, product_name, sku_name, kind, term, \
             quantity, unit_price_minor, amount_minor, has_keys, term_end, auto_renew) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(line.id.as_str())
        .bind(order.id.as_str())
        .bind(line_no as i64)
        .bind(line.offer.id.as_str())
        .bind(&line.product_id)
        .bind(&line.offer.product_name)
        .bind(&line.offer.sku_name)
        .bind(line.offer.kind.as_str())
        .bind(line.offer.term.map(Term::as_str).unwrap_or(""))
        .bind(i64::from(line.quantity))
        .bind(line.unit_price.minor())
        .bind(line.amount.minor())
        .bind(i64::from(line.offer.has_keys))
        .bind(line.term_end.map(db_time))
        .bind(i64::from(line.auto_renew))
        .execute(&mut *conn)
        .await?;
        for (position, key) in line.product_keys.iter().enumerate() {
            sqlx::query(
                "INSERT INTO product_keys (purchase_id, position, product_key) VALUES ($1, $2, $3)",
            )
            .bind(line.id.as_str())
            .bind(position as i64)
            .bind(key)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// The product of an offer (the catalog's id), for a new line.
pub async fn product_of(
    conn: &mut Conn,
    offer: &csp_domain::OfferId,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT product_id FROM offers WHERE id = $1")
        .bind(offer.as_str())
        .fetch_one(conn)
        .await
}

/// An order as stored, with the facts its cancellation and its credits depend on (its
/// ledger: read in the caller's transaction, after [`lock`] when it books).
#[derive(Debug, Clone)]
pub struct StoredOrder {
    pub order: Order,
    pub partner: PartnerId,
    pub facts: OrderFacts,
    /// For each line: whether it has product keys and downloads.
    pub keyed: Vec<bool>,
    /// For each line: how its term ended, once it has.
    pub term_ended: Vec<Option<TermEnded>>,
    /// For each line: the order that renewed it.
    pub renewal_orders: Vec<Option<OrderId>>,
}

impl StoredOrder {
    /// Line `line`'s status: the order's, or how its term ended.
    pub fn purchase_status(&self, line: usize) -> OrderStatus {
        purchase_status(
            &self.order.status,
            self.term_ended.get(line).copied().flatten(),
        )
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct OrderRow {
    id: String,
    partner_id: String,
    customer_id: String,
    status: String,
    currency: String,
    total_minor: i64,
    tax_inclusive: i64,
    placed_by: String,
    purchase_order_number: Option<String>,
    created_at: String,
    cancellable_until: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: String,
    order_id: String,
    offer_id: String,
    product_name: String,
    sku_name: String,
    kind: String,
    term: String,
    quantity: i64,
    unit_price_minor: i64,
    amount_minor: i64,
    has_keys: i64,
    term_end: Option<String>,
    auto_renew: i64,
    term_ended: Option<String>,
    renewal_order_id: Option<String>,
}

pub(super) const ORDER_COLUMNS: &str =
    "id, partner_id, customer_id, status, currency, total_minor, tax_inclusive, placed_by, \
                             purchase_order_number, created_at, cancellable_until";
const LINE_COLUMNS: &str =
    "id, order_id, offer_id, product_name, sku_name, kind, term, quantity, unit_price_minor, \
                            amount_minor, has_keys, term_end, auto_renew, term_ended, renewal_order_id";

/// One order of `customer`; `None` when it does not exist or belongs to another customer.
pub async fn get(
    conn: &mut Conn,
    customer: &CustomerId,
    id: &OrderId,
) -> Result<Option<StoredOrder>, sqlx::Error> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1 AND customer_id = $2");
    let row: Option<OrderRow> = sqlx::query_as(&sql)
        .bind(id.as_str())
        .bind(customer.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(assemble(conn, vec![row]).await?.pop())
}

/// One order of `partner`'s, whichever customer it is for, by its id or the id of one of its
/// purchases (what partners call a subscription ID).
pub async fn get_for_partner(
    conn: &mut Conn,
    partner: &PartnerId,
    id: &OrderId,
) -> Result<Option<StoredOrder>, sqlx::Error> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE partner_id = $2 \
         AND (id = $1 OR id = (SELECT order_id FROM order_lines WHERE id = $1))"
    );
    let row: Option<OrderRow> = sqlx::query_as(&sql)
        .bind(id.as_str())
        .bind(partner.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(assemble(conn, vec![row]).await?.pop())
}

/// Locks an order's row until the transaction ends (PostgreSQL; SQLite's write transaction
/// holds the whole database already), so credits for one order are booked one at a time.
pub async fn lock(conn: &mut Conn, id: &OrderId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET status = status WHERE id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// A page of `customer`'s orders, newest first.
pub async fn list(
    conn: &mut Conn,
    customer: &CustomerId,
    request: &PageRequest,
) -> Result<Page<StoredOrder>, sqlx::Error> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE customer_id = $1")
        .bind(customer.as_str())
        .fetch_one(&mut *conn)
        .await?;
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3");
    let rows: Vec<OrderRow> = sqlx::query_as(&sql)
        .bind(customer.as_str())
        .bind(i64::from(request.page_size()))
        .bind(request.offset() as i64)
        .fetch_all(&mut *conn)
        .await?;
    Ok(request.page_of(assemble(conn, rows).await?, total as u64))
}

/// Reads the lines, credits and cancellations of `rows` (one query each) and builds the
/// orders.
pub(super) async fn assemble(
    conn: &mut Conn,
    rows: Vec<OrderRow>,
) -> Result<Vec<StoredOrder>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let placeholders: Vec<String> = (1..=rows.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM order_lines WHERE order_id IN ({}) ORDER BY order_id, line_no",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, LineRow>(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let lines = query.fetch_all(&mut *conn).await?;
    let credits = credits::for_orders(conn, &ids).await?;
    let cancellations = cancellations::for_orders(conn, &ids).await?;
    rows.into_iter()
        .map(|row| {
            let own: Vec<&LineRow> = lines.iter().filter(|l| l.order_id == row.id).collect();
            let credits: Vec<&StoredCredit> = credits
                .iter()
                .filter(|c| c.order.as_str() == row.id)
                .collect();
            let cancellation = cancellations
                .iter()
                .find(|c| c.cancellation.order_id.as_str() == row.id);
            build(row, &own, &credits, cancellation)
        })
        .collect()
}

fn build(
    row: OrderRow,
    lines: &[&LineRow],
    credits: &[&StoredCredit],
    cancellation: Option<&StoredCancellation>,
) -> Result<StoredOrder, sqlx::Error> {
    let currency = decode("currency", &row.currency, Currency::parse)?;
    let created_at = read_time(&row.created_at)?;
    let cancellable_until = row
        .cancellable_until
        .as_deref()
        .map(read_time)
        .transpose()?;
    let status = OrderStatus::parse(&row.status);
    let mut line_items = Vec::new();
    let mut credit_lines = Vec::new();
    let mut keyed = Vec::new();
    let mut term_ended = Vec::new();
    let mut renewal_orders = Vec::new();
    for l in lines {
        let kind = ProductKind::parse(&l.kind)
            .ok_or_else(|| decode_error("product kind", &l.kind, "unknown"))?;
        let term = if l.term.is_empty() {
            None
        } else {
            Some(Term::parse(&l.term).ok_or_else(|| decode_error("term", &l.term, "unknown"))?)
        };
        let amount = Money::from_minor(l.amount_minor, currency);
        let term_end = l.term_end.as_deref().map(read_time).transpose()?;
        keyed.push(l.has_keys != 0);
        term_ended.push(l.term_ended.as_deref().and_then(TermEnded::parse));
        renewal_orders.push(
            l.renewal_order_id
                .as_deref()
                .map(|id| decode("order id", id, OrderId::parse))
                .transpose()?,
        );
        credit_lines.push(CreditLine {
            kind,
            amount,
            purchased_at: created_at,
            term_end,
        });
        line_items.push(OrderLine {
            offer_id: decode("offer id", &l.offer_id, csp_domain::OfferId::parse)?,
            product_name: l.product_name.clone(),
            sku_name: l.sku_name.clone(),
            kind,
            term,
            quantity: u32::try_from(l.quantity).unwrap_or(0),
            unit_price: Money::from_minor(l.unit_price_minor, currency).amount(),
            amount: amount.amount(),
            purchase_id: decode("purchase id", &l.id, PurchaseId::parse)?,
            term_end,
            auto_renew: l.auto_renew != 0,
        });
    }
    let paid = Money::from_minor(row.total_minor, currency);
    let credited: i64 = credits.iter().map(|c| c.amount.minor()).sum();
    let pending = cancellation
        .filter(|c| c.cancellation.status != CancellationStatus::Completed)
        .and_then(|c| c.cancellation.credit.to_money(currency).ok())
        .map_or(0, Money::minor);
    let ledger = Ledger::new(paid, credited, pending);
    let history = history(&row, paid, credits, cancellation, created_at)?;
    Ok(StoredOrder {
        keyed,
        term_ended,
        renewal_orders,
        partner: decode("partner id", &row.partner_id, PartnerId::parse)?,
        facts: OrderFacts {
            status: status.clone(),
            cancellable_until,
            lines: credit_lines,
            ledger,
        },
        order: Order {
            id: decode("order id", &row.id, OrderId::parse)?,
            customer_id: decode("customer id", &row.customer_id, CustomerId::parse)?,
            status,
            line_items,
            total: paid.amount(),
            currency,
            tax_inclusive: row.tax_inclusive != 0,
            created_at,
            placed_by: row.placed_by,
            purchase_order_number: row.purchase_order_number,
            cancellable_until,
            credit_if_cancelled_now: None,
            ledger: ledger.summary(),
            history,
        },
    })
}

/// Who did what to the order, oldest first.
fn history(
    row: &OrderRow,
    paid: Money,
    credits: &[&StoredCredit],
    cancellation: Option<&StoredCancellation>,
    created_at: DateTime<Utc>,
) -> Result<Vec<OrderEvent>, sqlx::Error> {
    let event = |at, kind, by: &str, amount: Option<Money>| OrderEvent {
        at,
        kind,
        by: by.to_string(),
        amount: amount.map(Money::amount),
        source: None,
        support_request: None,
        note: None,
    };
    let support_ref = |id: &str, number: i64| -> Result<SupportRequestRef, sqlx::Error> {
        Ok(SupportRequestRef {
            id: decode("support request id", id, SupportRequestId::parse)?,
            number,
        })
    };
    let mut events = vec![event(
        created_at,
        OrderEventKind::Placed,
        &row.placed_by,
        Some(paid),
    )];
    if let Some(c) = cancellation {
        let c = &c.cancellation;
        let credit = c.credit.to_money(paid.currency()).ok();
        match &c.support_request_id {
            None => events.push(event(
                c.requested_at,
                OrderEventKind::CancellationRequested,
                &c.requested_by,
                credit,
            )),
            Some(request) => {
                let number = credits
                    .iter()
                    .find(|k| k.source_id == request.as_str())
                    .and_then(|k| k.support_request.as_ref().map(|(n, _)| *n));
                let mut cancelled = event(
                    c.processed_at.unwrap_or(c.requested_at),
                    OrderEventKind::Cancelled,
                    &c.requested_by,
                    credit,
                );
                cancelled.support_request = number
                    .map(|n| support_ref(request.as_str(), n))
                    .transpose()?;
                events.push(cancelled);
            }
        }
        if let (None, Some(at)) = (&c.support_request_id, c.processed_at) {
            events.push(event(
                at,
                OrderEventKind::Cancelled,
                &c.requested_by,
                credit,
            ));
        }
    }
    for k in credits {
        let mut credited = event(
            k.booked_at,
            OrderEventKind::Credited,
            k.booked_by.as_deref().unwrap_or(""),
            Some(k.amount),
        );
        credited.source = Some(k.source.clone());
        if let Some((number, reason)) = &k.support_request {
            credited.support_request = Some(support_ref(&k.source_id, *number)?);
            credited.note = reason.clone();
        }
        events.push(credited);
    }
    // Stable: at one instant, the order above stands (a cancellation before its credit).
    events.sort_by_key(|e| e.at);
    Ok(events)
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    customer_id: String,
    company_name: String,
    status: String,
    currency: String,
    total_minor: i64,
    tax_inclusive: i64,
    placed_by: String,
    created_at: String,
}

/// Up to `limit` of `partner`'s orders after `cursor`, newest first, narrowed by `filter`.
/// Keyset paging on `(created_at, id)`: a deep page costs what the first does. Only the parts
/// of the filter that are set are in the statement, so each can use its index
/// (`orders_by_partner_status`, `orders_by_customer`, `orders_by_partner_newest`).
pub async fn list_for_partner(
    conn: &mut Conn,
    partner: &PartnerId,
    filter: &OrderFilter,
    cursor: Option<&OrderCursor>,
    limit: u32,
) -> Result<Vec<OrderSummary>, sqlx::Error> {
    // With a customer, its own index (`orders_by_customer`) finds its few orders; the
    // partner's is then only a check, written so that no planner walks it instead (SQLite
    // would, to skip the sort, and read the partner's every order).
    let partner_check = if filter.customer.is_some() {
        "o.partner_id || '' = $1"
    } else {
        "o.partner_id = $1"
    };
    let mut conditions = vec![partner_check.to_string()];
    let mut values = vec![partner.to_string()];
    let mut add = |condition: &str, value: String| {
        values.push(value);
        conditions.push(condition.replace('?', &format!("${}", values.len())));
    };
    if let Some(from) = filter.from {
        add(
            "o.created_at >= ?",
            db_time(from.and_time(NaiveTime::MIN).and_utc()),
        );
    }
    if let Some(after_to) = filter.to.and_then(|d| d.succ_opt()) {
        add(
            "o.created_at < ?",
            db_time(after_to.and_time(NaiveTime::MIN).and_utc()),
        );
    }
    if let Some(status) = &filter.status {
        add("o.status = ?", status.as_str().to_string());
    }
    if let Some(customer) = &filter.customer {
        add("o.customer_id = ?", customer.to_string());
    }
    if let Some(kind) = filter.kind {
        add(
            "EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.kind = ?)",
            kind.as_str().to_string(),
        );
    }
    if let Some(cursor) = cursor {
        values.push(db_time(cursor.created_at));
        values.push(cursor.id.to_string());
        let (at, id) = (values.len() - 1, values.len());
        conditions.push(format!("(o.created_at, o.id) < (${at}, ${id})"));
    }
    let sql = format!(
        "SELECT o.id, o.customer_id, c.company_name, o.status, o.currency, o.total_minor, \
         o.tax_inclusive, o.placed_by, o.created_at \
         FROM orders o JOIN customers c ON c.id = o.customer_id WHERE {} \
         ORDER BY o.created_at DESC, o.id DESC LIMIT {limit}",
        conditions.join(" AND ")
    );
    let mut query = sqlx::query_as::<_, SummaryRow>(&sql);
    for value in &values {
        query = query.bind(value.as_str());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=rows.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT order_id, product_name FROM order_lines WHERE order_id IN ({}) \
         ORDER BY order_id, line_no",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String, String)>(&sql);
    for row in &rows {
        query = query.bind(row.id.as_str());
    }
    let products = query.fetch_all(&mut *conn).await?;
    rows.into_iter()
        .map(|r| {
            let currency = decode("currency", &r.currency, Currency::parse)?;
            Ok(OrderSummary {
                products: products
                    .iter()
                    .filter(|(order, _)| *order == r.id)
                    .map(|(_, product)| product.clone())
                    .collect(),
                id: decode("order id", &r.id, OrderId::parse)?,
                customer_id: decode("customer id", &r.customer_id, CustomerId::parse)?,
                customer_name: r.company_name,
                status: OrderStatus::parse(&r.status),
                created_at: read_time(&r.created_at)?,
                total: Money::from_minor(r.total_minor, currency).amount(),
                currency,
                tax_inclusive: r.tax_inclusive != 0,
                placed_by: r.placed_by,
            })
        })
        .collect()
}
