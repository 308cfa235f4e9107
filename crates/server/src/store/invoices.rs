//! What a month's invoice is made of: charges (orders placed in the month) and credits.

use csp_domain::{
    Currency, CustomerId, InvoiceLine, InvoiceLineKind, InvoiceMonth, Money, OrderId, PartnerId,
};

use super::{db_time, decode, read_time, Conn};

#[derive(sqlx::FromRow)]
struct ChargeRow {
    order_id: String,
    customer_id: String,
    customer_name: String,
    currency: String,
    total_minor: i64,
    tax_inclusive: i64,
    created_at: String,
    first_product: Option<String>,
    lines: i64,
}

/// The charges of `month`: one line per order placed in it, optionally of one customer.
pub async fn charges(
    conn: &mut Conn,
    partner: &PartnerId,
    month: InvoiceMonth,
    customer: Option<&CustomerId>,
) -> Result<Vec<InvoiceLine>, sqlx::Error> {
    let rows: Vec<ChargeRow> = sqlx::query_as(
        "SELECT o.id AS order_id, o.customer_id, c.company_name AS customer_name, o.currency, o.total_minor, \
                o.tax_inclusive, o.created_at, \
                (SELECT MIN(l.product_name) FROM order_lines l WHERE l.order_id = o.id) AS first_product, \
                (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id) AS lines \
         FROM orders o JOIN customers c ON c.id = o.customer_id \
         WHERE o.partner_id = $1 AND o.created_at >= $2 AND o.created_at < $3 AND ($4 IS NULL OR o.customer_id = $4) \
         ORDER BY o.created_at, o.id",
    )
    .bind(partner.as_str())
    .bind(db_time(month.start()))
    .bind(db_time(month.next().start()))
    .bind(customer.map(CustomerId::as_str))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let currency = decode("currency", &r.currency, Currency::parse)?;
            Ok(InvoiceLine {
                kind: InvoiceLineKind::Charge,
                order_id: decode("order id", &r.order_id, OrderId::parse)?,
                customer_id: decode("customer id", &r.customer_id, CustomerId::parse)?,
                customer_name: r.customer_name,
                description: match (r.first_product, r.lines) {
                    (Some(first), n) if n > 1 => format!("{first} and {} more", n - 1),
                    (first, _) => first.unwrap_or_default(),
                },
                amount: Money::from_minor(r.total_minor, currency).amount(),
                currency,
                tax_inclusive: r.tax_inclusive != 0,
                date: read_time(&r.created_at)?,
                source: None,
                source_id: None,
            })
        })
        .collect()
}
