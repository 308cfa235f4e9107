//! The catalog: products, their offers (SKU × term) and a price list per currency. Reference
//! data, written at start-up from `seed::catalog`.

use csp_domain::catalog::{availability, CancellationWindows, Offer, ProductKind, Term};
use csp_domain::{Customer, FileId, Money, OfferId};

use super::{decode, decode_error, Conn};

#[derive(sqlx::FromRow)]
struct OfferRow {
    id: String,
    product_name: String,
    sku_name: String,
    kind: String,
    term: String,
    min_quantity: i64,
    max_quantity: i64,
    unit: String,
    description: String,
    has_keys: i64,
    azure_hybrid_benefit: i64,
    unit_price_minor: Option<i64>,
}

/// The catalog as `customer` may buy from it: every offer, priced in the customer's currency,
/// with the market rules applied (R-CAT-2, R-CAT-3) and each kind's cancellation window.
pub async fn offers_for(
    conn: &mut Conn,
    customer: &Customer,
    windows: &CancellationWindows,
) -> Result<Vec<Offer>, sqlx::Error> {
    let rows: Vec<OfferRow> = sqlx::query_as(
        "SELECT o.id, p.name AS product_name, o.sku_name, p.kind, o.term, o.min_quantity, o.max_quantity, \
                p.unit, p.description, p.has_keys, p.azure_hybrid_benefit, pr.unit_price_minor \
         FROM offers o JOIN products p ON p.id = o.product_id \
         LEFT JOIN offer_prices pr ON pr.offer_id = o.id AND pr.currency = $1 \
         ORDER BY p.sort_order, o.sort_order",
    )
    .bind(customer.currency.code())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            let kind = ProductKind::parse(&row.kind)
                .ok_or_else(|| decode_error("product kind", &row.kind, "unknown"))?;
            let term = match row.term.as_str() {
                "" => None,
                t => Some(Term::parse(t).ok_or_else(|| decode_error("term", t, "unknown"))?),
            };
            let verdict = availability(kind, &customer.market, row.unit_price_minor.is_some());
            let price = Money::from_minor(row.unit_price_minor.unwrap_or(0), customer.currency);
            Ok(Offer {
                id: decode("offer id", &row.id, OfferId::parse)?,
                product_name: row.product_name,
                sku_name: row.sku_name,
                kind,
                term,
                unit_price: price.amount(),
                currency: customer.currency,
                tax_inclusive: customer.market.tax_inclusive(),
                available: verdict.is_ok(),
                unavailable_reason: verdict.err().map(|r| r.message(&customer.market)),
                unavailable_code: verdict.err(),
                cancellation_window_days: windows.days(kind),
                min_quantity: u32::try_from(row.min_quantity).unwrap_or(1),
                max_quantity: u32::try_from(row.max_quantity).unwrap_or(1),
                unit: row.unit,
                description: row.description,
                has_keys: row.has_keys != 0,
                azure_hybrid_benefit: row.azure_hybrid_benefit != 0,
            })
        })
        .collect()
}

/// A product of the catalog, as seeded.
pub struct ProductRecord<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kind: ProductKind,
    pub description: &'a str,
    pub unit: &'a str,
    pub has_keys: bool,
    pub azure_hybrid_benefit: bool,
    pub sort_order: i64,
}

/// Writes a product; a changed name or description replaces the old one.
pub async fn upsert_product(conn: &mut Conn, p: &ProductRecord<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO products (id, name, kind, description, unit, has_keys, azure_hybrid_benefit, sort_order) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (id) DO UPDATE SET name = $2, kind = $3, description = $4, unit = $5, has_keys = $6, \
           azure_hybrid_benefit = $7, sort_order = $8",
    )
    .bind(p.id)
    .bind(p.name)
    .bind(p.kind.as_str())
    .bind(p.description)
    .bind(p.unit)
    .bind(i64::from(p.has_keys))
    .bind(i64::from(p.azure_hybrid_benefit))
    .bind(p.sort_order)
    .execute(conn)
    .await?;
    Ok(())
}

pub struct OfferRecord<'a> {
    pub id: &'a OfferId,
    pub product_id: &'a str,
    pub sku_name: &'a str,
    pub term: Option<Term>,
    pub min_quantity: u32,
    pub max_quantity: u32,
    pub sort_order: i64,
}

pub async fn upsert_offer(conn: &mut Conn, o: &OfferRecord<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO offers (id, product_id, sku_name, term, min_quantity, max_quantity, sort_order) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (id) DO UPDATE SET sku_name = $3, min_quantity = $5, max_quantity = $6, sort_order = $7",
    )
    .bind(o.id.as_str())
    .bind(o.product_id)
    .bind(o.sku_name)
    .bind(o.term.map(Term::as_str).unwrap_or(""))
    .bind(i64::from(o.min_quantity))
    .bind(i64::from(o.max_quantity))
    .bind(o.sort_order)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets the price of an offer in one currency.
pub async fn upsert_price(
    conn: &mut Conn,
    offer: &OfferId,
    price: Money,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO offer_prices (offer_id, currency, unit_price_minor) VALUES ($1, $2, $3) \
         ON CONFLICT (offer_id, currency) DO UPDATE SET unit_price_minor = $3",
    )
    .bind(offer.as_str())
    .bind(price.currency().code())
    .bind(price.minor())
    .execute(conn)
    .await?;
    Ok(())
}

/// A download of a product, as seeded.
pub struct FileRecord<'a> {
    pub id: &'a FileId,
    pub product_id: &'a str,
    pub file_name: &'a str,
    pub version: &'a str,
    pub language: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
}

/// Stores a download unless a file with this id exists.
pub async fn insert_file(conn: &mut Conn, f: &FileRecord<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO software_files (id, product_id, file_name, version, language, size_bytes, sha256, content) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
    )
    .bind(f.id.as_str())
    .bind(f.product_id)
    .bind(f.file_name)
    .bind(f.version)
    .bind(f.language)
    .bind(f.content.len() as i64)
    .bind(f.sha256)
    .bind(f.content)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether a file with this id is stored (so seeding skips generating its content).
pub async fn has_file(conn: &mut Conn, id: &FileId) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM software_files WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}
