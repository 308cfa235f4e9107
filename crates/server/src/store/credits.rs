//! Credits: money given back on an invoice, at most once per source (a cancellation, an
//! approved support request) — the source is a unique key.

use chrono::{DateTime, Utc};
use csp_domain::{
    CreditId, Currency, CustomerId, InvoiceLine, InvoiceLineKind, InvoiceMonth, Money, OrderId,
    PartnerId,
};

use super::{db_time, decode, read_time, Conn};

pub struct NewCredit<'a> {
    pub id: &'a CreditId,
    pub source: &'a str,
    pub order: &'a OrderId,
    pub partner: &'a PartnerId,
    pub customer: &'a CustomerId,
    /// Positive: the amount given back.
    pub amount: Money,
    pub description: &'a str,
    pub booked_at: DateTime<Utc>,
}

/// Books the credit on the invoice of the month after `booked_at` (R-CAN-9, R-INV-1).
/// `false` when its source was credited already.
pub async fn book(conn: &mut Conn, c: &NewCredit<'_>) -> Result<bool, sqlx::Error> {
    let booked: Option<String> = sqlx::query_scalar(
        "INSERT INTO credits (id, source, order_id, partner_id, customer_id, amount_minor, currency, description, \
         booked_at, invoice_month) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (source) DO NOTHING RETURNING id",
    )
    .bind(c.id.as_str())
    .bind(c.source)
    .bind(c.order.as_str())
    .bind(c.partner.as_str())
    .bind(c.customer.as_str())
    .bind(c.amount.minor())
    .bind(c.amount.currency().code())
    .bind(c.description)
    .bind(db_time(c.booked_at))
    .bind(InvoiceMonth::of(c.booked_at).next().to_string())
    .fetch_optional(conn)
    .await?;
    Ok(booked.is_some())
}

/// What has been credited for an order so far (in its currency, minor units).
pub async fn credited_for_order(conn: &mut Conn, order: &OrderId) -> Result<i64, sqlx::Error> {
    let total: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(SUM(amount_minor) AS BIGINT) FROM credits WHERE order_id = $1",
    )
    .bind(order.as_str())
    .fetch_one(conn)
    .await?;
    Ok(total.unwrap_or(0))
}

#[derive(sqlx::FromRow)]
struct CreditRow {
    order_id: String,
    customer_id: String,
    customer_name: String,
    amount_minor: i64,
    currency: String,
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
        "SELECT k.order_id, k.customer_id, c.company_name AS customer_name, k.amount_minor, k.currency, \
                k.description, k.booked_at \
         FROM credits k JOIN customers c ON c.id = k.customer_id \
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
            Ok(InvoiceLine {
                kind: InvoiceLineKind::Credit,
                order_id: decode("order id", &r.order_id, OrderId::parse)?,
                customer_id: decode("customer id", &r.customer_id, CustomerId::parse)?,
                customer_name: r.customer_name,
                description: r.description,
                amount: Money::from_minor(-r.amount_minor, currency).amount(),
                currency,
                date: read_time(&r.booked_at)?,
            })
        })
        .collect()
}

/// How many credits a source has (tests check exactly-once with it).
pub async fn count_for_source(conn: &mut Conn, source: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM credits WHERE source = $1")
        .bind(source)
        .fetch_one(conn)
        .await
}
