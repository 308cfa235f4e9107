//! Credits: money given back on an invoice, at most once per source (a cancellation, an
//! approved support request) — the source is a unique key. How much an order may still be
//! credited is the domain's `Ledger`, read from here inside the booking transaction.

use chrono::{DateTime, Utc};
use csp_domain::{
    CreditId, CreditSource, Currency, CustomerId, InvoiceLine, InvoiceLineKind, InvoiceMonth,
    Money, OrderId, PartnerId,
};

use super::{db_time, decode, decode_error, read_time, Conn};

pub struct NewCredit<'a> {
    pub id: &'a CreditId,
    pub source: CreditSource,
    /// The cancellation's or the support request's id.
    pub source_id: &'a str,
    pub order: &'a OrderId,
    pub partner: &'a PartnerId,
    pub customer: &'a CustomerId,
    /// Positive: the amount given back.
    pub amount: Money,
    pub description: &'a str,
    /// Who booked it: the partner user who cancelled, or the agent who approved.
    pub booked_by: &'a str,
    pub booked_at: DateTime<Utc>,
}

/// The unique key of a credit's source, as stored: `cancellation:<id>` or `support:<id>`.
fn source_key(source: &CreditSource, id: &str) -> String {
    match source {
        CreditSource::SupportRequest => format!("support:{id}"),
        _ => format!("cancellation:{id}"),
    }
}

/// The source and its id back from a stored key.
fn parse_source(key: &str) -> Result<(CreditSource, String), sqlx::Error> {
    match key.split_once(':') {
        Some(("cancellation", id)) => Ok((CreditSource::Cancellation, id.to_string())),
        Some(("support", id)) => Ok((CreditSource::SupportRequest, id.to_string())),
        _ => Err(decode_error("credit source", key, "unknown kind")),
    }
}

/// Books the credit on the invoice of the month after `booked_at` (R-CAN-9, R-INV-1).
/// `false` when its source was credited already. The caller has checked the amount against
/// the order's ledger in the same transaction.
pub async fn book(conn: &mut Conn, c: &NewCredit<'_>) -> Result<bool, sqlx::Error> {
    let booked: Option<String> = sqlx::query_scalar(
        "INSERT INTO credits (id, source, order_id, partner_id, customer_id, amount_minor, currency, description, \
         booked_at, invoice_month, booked_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (source) DO NOTHING RETURNING id",
    )
    .bind(c.id.as_str())
    .bind(source_key(&c.source, c.source_id))
    .bind(c.order.as_str())
    .bind(c.partner.as_str())
    .bind(c.customer.as_str())
    .bind(c.amount.minor())
    .bind(c.amount.currency().code())
    .bind(c.description)
    .bind(db_time(c.booked_at))
    .bind(InvoiceMonth::of(c.booked_at).next().to_string())
    .bind(c.booked_by)
    .fetch_optional(conn)
    .await?;
    Ok(booked.is_some())
}

/// What other sources credited for `order` from `since` on (minor units): what a support
/// agent sees was credited after a request was filed.
pub async fn credited_since(
    conn: &mut Conn,
    order: &OrderId,
    since: DateTime<Utc>,
    except_support_request: &str,
) -> Result<i64, sqlx::Error> {
    let total: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM credits \
         WHERE order_id = $1 AND booked_at >= $2 AND source <> $3",
    )
    .bind(order.as_str())
    .bind(db_time(since))
    .bind(source_key(
        &CreditSource::SupportRequest,
        except_support_request,
    ))
    .fetch_one(conn)
    .await?;
    Ok(total.unwrap_or(0))
}

/// A credit as an order's history shows it.
#[derive(Debug, Clone)]
pub struct StoredCredit {
    pub order: OrderId,
    pub source: CreditSource,
    pub source_id: String,
    pub amount: Money,
    pub booked_by: Option<String>,
    pub booked_at: DateTime<Utc>,
    /// With an approved refund: the request's number and its reason.
    pub support_request: Option<(i64, Option<String>)>,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    order_id: String,
    source: String,
    amount_minor: i64,
    currency: String,
    booked_by: Option<String>,
    booked_at: String,
    number: Option<i64>,
    refund_reason: Option<String>,
}

/// The credits of `orders`, oldest first.
pub async fn for_orders(
    conn: &mut Conn,
    orders: &[&str],
) -> Result<Vec<StoredCredit>, sqlx::Error> {
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=orders.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT k.order_id, k.source, k.amount_minor, k.currency, k.booked_by, k.booked_at, \
                s.number, s.refund_reason \
         FROM credits k LEFT JOIN support_requests s \
              ON k.source LIKE 'support:%' AND s.id = substr(k.source, 9) \
         WHERE k.order_id IN ({}) ORDER BY k.booked_at, k.id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, HistoryRow>(&sql);
    for order in orders {
        query = query.bind(*order);
    }
    query
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| {
            let (source, source_id) = parse_source(&r.source)?;
            Ok(StoredCredit {
                order: decode("order id", &r.order_id, OrderId::parse)?,
                source,
                source_id,
                amount: Money::from_minor(
                    r.amount_minor,
                    decode("currency", &r.currency, Currency::parse)?,
                ),
                booked_by: r.booked_by,
                booked_at: read_time(&r.booked_at)?,
                support_request: r.number.map(|n| (n, r.refund_reason)),
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct CreditRow {
    order_id: String,
    customer_id: String,
    customer_name: String,
    source: String,
    amount_minor: i64,
    currency: String,
    tax_inclusive: i64,
    description: String,
    booked_at: String,
}

/// The credits on `month`'s invoice, as negative invoice lines.
pub async fn for_invoice(
    conn: &mut Conn,
    partner: &PartnerId,
    month: InvoiceMonth,
    customer: Option<&CustomerId>,
) -> Result<Vec<InvoiceLine>, sqlx::Error> {
    let rows: Vec<CreditRow> = sqlx::query_as(
        "SELECT k.order_id, k.customer_id, c.company_name AS customer_name, k.source, k.amount_minor, \
                k.currency, o.tax_inclusive, k.description, k.booked_at \
         FROM credits k JOIN customers c ON c.id = k.customer_id JOIN orders o ON o.id = k.order_id \
         WHERE k.partner_id = $1 AND k.invoice_month = $2 AND ($3 IS NULL OR k.customer_id = $3) \
         ORDER BY k.booked_at, k.id",
    )
    .bind(partner.as_str())
    .bind(month.to_string())
    .bind(customer.map(CustomerId::as_str))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let currency = decode("currency", &r.currency, Currency::parse)?;
            let (source, source_id) = parse_source(&r.source)?;
            Ok(InvoiceLine {
                kind: InvoiceLineKind::Credit,
                order_id: decode("order id", &r.order_id, OrderId::parse)?,
                customer_id: decode("customer id", &r.customer_id, CustomerId::parse)?,
                customer_name: r.customer_name,
                description: r.description,
                amount: Money::from_minor(-r.amount_minor, currency).amount(),
                currency,
                tax_inclusive: r.tax_inclusive != 0,
                date: read_time(&r.booked_at)?,
                source: Some(source),
                source_id: Some(source_id),
            })
        })
        .collect()
}
