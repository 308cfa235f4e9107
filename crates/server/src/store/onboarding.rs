//! Customers added in the product: the company's details (address, tax ID, the agreement's
//! acceptance), their changes, and the idempotency keys of `POST /api/v1/customers`.

use chrono::{DateTime, Utc};
use csp_domain::onboarding::{
    Address, AgreementAcceptance, CheckedEdit, CustomerChange, NewCustomer,
};
use csp_domain::{Customer, CustomerId, IdempotencyKey, PartnerId};

use super::customers::{search_fold, search_text};
use super::{db_time, decode, new_ordered_id, read_time, Conn};

/// Adds the customer with its company's details and the agreement's acceptance. `false` when
/// its primary domain (or tenant ID) is taken: the unique index decides, so of concurrent
/// additions of one domain exactly one is written (on PostgreSQL the others wait for it).
pub async fn insert(
    conn: &mut Conn,
    partner: &PartnerId,
    customer: &Customer,
    new: &NewCustomer,
    confirmed_by: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let added: Option<String> = sqlx::query_scalar(
        "INSERT INTO customers (id, partner_id, company_name, tenant_id, domain, market, currency, \
         search_text, sort_name, created_at, address_line1, address_line2, city, region, postal_code, \
         tax_id, agreement_accepted_by_name, agreement_accepted_by_email, agreement_accepted_at, \
         agreement_confirmed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $10, $19) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(customer.id.as_str())
    .bind(partner.as_str())
    .bind(&customer.company_name)
    .bind(customer.tenant_id.as_str())
    .bind(&customer.domain)
    .bind(customer.market.code())
    .bind(customer.currency.code())
    .bind(search_text(&customer.company_name, &customer.domain, &customer.tenant_id))
    .bind(search_fold(&customer.company_name))
    .bind(db_time(now))
    .bind(&new.address.line1)
    .bind(&new.address.line2)
    .bind(&new.address.city)
    .bind(&new.address.region)
    .bind(&new.address.postal_code)
    .bind(&new.tax_id)
    .bind(&new.admin_name)
    .bind(new.admin_email.as_str())
    .bind(confirmed_by)
    .fetch_optional(conn)
    .await?;
    Ok(added.is_some())
}

/// Whether a customer of any partner has this primary domain.
pub async fn domain_taken(conn: &mut Conn, domain: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM customers WHERE domain = $1")
        .bind(domain)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

#[derive(sqlx::FromRow)]
struct DetailsRow {
    address_line1: Option<String>,
    address_line2: Option<String>,
    city: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    tax_id: Option<String>,
    agreement_accepted_by_name: Option<String>,
    agreement_accepted_by_email: Option<String>,
    agreement_accepted_at: Option<String>,
    agreement_confirmed_by: Option<String>,
}

/// The company's details of a customer (read after its scope was checked).
pub struct Details {
    pub address: Option<Address>,
    pub tax_id: Option<String>,
    pub agreement: Option<AgreementAcceptance>,
}

pub async fn details(conn: &mut Conn, customer: &CustomerId) -> Result<Details, sqlx::Error> {
    let row: DetailsRow = sqlx::query_as(
        "SELECT address_line1, address_line2, city, region, postal_code, tax_id, \
         agreement_accepted_by_name, agreement_accepted_by_email, agreement_accepted_at, \
         agreement_confirmed_by FROM customers WHERE id = $1",
    )
    .bind(customer.as_str())
    .fetch_one(conn)
    .await?;
    let address = match (row.address_line1, row.city, row.postal_code) {
        (Some(line1), Some(city), Some(postal_code)) => Some(Address {
            line1,
            line2: row.address_line2,
            city,
            region: row.region,
            postal_code,
        }),
        _ => None,
    };
    let agreement = match (
        row.agreement_accepted_by_name,
        row.agreement_accepted_by_email,
        row.agreement_accepted_at,
        row.agreement_confirmed_by,
    ) {
        (Some(name), Some(email), Some(at), Some(by)) => Some(AgreementAcceptance {
            accepted_by_name: name,
            accepted_by_email: email,
            accepted_at: read_time(&at)?,
            confirmed_by: by,
        }),
        _ => None,
    };
    Ok(Details {
        address,
        tax_id: row.tax_id,
        agreement,
    })
}

/// Applies an edit of the company's details and records each field that changed (from what,
/// to what, by whom), in the caller's transaction. Returns how many fields changed.
pub async fn update(
    conn: &mut Conn,
    customer: &Customer,
    edit: &CheckedEdit,
    by: &str,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let before = details(conn, &customer.id).await?;
    let mut changed = 0;
    if let Some(name) = edit
        .company_name
        .as_ref()
        .filter(|n| **n != customer.company_name)
    {
        sqlx::query(
            "UPDATE customers SET company_name = $2, search_text = $3, sort_name = $4 WHERE id = $1",
        )
        .bind(customer.id.as_str())
        .bind(name)
        .bind(search_text(name, &customer.domain, &customer.tenant_id))
        .bind(search_fold(name))
        .execute(&mut *conn)
        .await?;
        record(
            conn,
            &customer.id,
            "company_name",
            Some(&customer.company_name),
            name,
            by,
            now,
        )
        .await?;
        changed += 1;
    }
    if let Some(address) = edit
        .address
        .as_ref()
        .filter(|a| Some(*a) != before.address.as_ref())
    {
        sqlx::query(
            "UPDATE customers SET address_line1 = $2, address_line2 = $3, city = $4, region = $5, \
             postal_code = $6 WHERE id = $1",
        )
        .bind(customer.id.as_str())
        .bind(&address.line1)
        .bind(&address.line2)
        .bind(&address.city)
        .bind(&address.region)
        .bind(&address.postal_code)
        .execute(&mut *conn)
        .await?;
        let old = before.address.as_ref().map(|a| a.lines().join(", "));
        record(
            conn,
            &customer.id,
            "address",
            old.as_deref(),
            &address.lines().join(", "),
            by,
            now,
        )
        .await?;
        changed += 1;
    }
    if let Some(tax_id) = edit.tax_id.as_ref().filter(|t| **t != before.tax_id) {
        sqlx::query("UPDATE customers SET tax_id = $2 WHERE id = $1")
            .bind(customer.id.as_str())
            .bind(tax_id)
            .execute(&mut *conn)
            .await?;
        let new = tax_id.as_deref().unwrap_or("");
        record(
            conn,
            &customer.id,
            "tax_id",
            before.tax_id.as_deref(),
            new,
            by,
            now,
        )
        .await?;
        changed += 1;
    }
    Ok(changed)
}

/// Records a change of a customer's details.
pub async fn record(
    conn: &mut Conn,
    customer: &CustomerId,
    field: &str,
    from: Option<&str>,
    to: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO customer_changes (id, customer_id, field, old_value, new_value, changed_by, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_ordered_id::<uuid::Uuid>().to_string())
    .bind(customer.as_str())
    .bind(field)
    .bind(from)
    .bind(to)
    .bind(by)
    .bind(db_time(at))
    .execute(conn)
    .await?;
    Ok(())
}

/// The changes of a customer's details, newest first (the latest 50).
pub async fn changes(
    conn: &mut Conn,
    customer: &CustomerId,
) -> Result<Vec<CustomerChange>, sqlx::Error> {
    let rows: Vec<(String, String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT field, changed_by, old_value, new_value, changed_at FROM customer_changes \
         WHERE customer_id = $1 ORDER BY changed_at DESC, id DESC LIMIT 50",
    )
    .bind(customer.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(field, by, from, to, at)| {
            Ok(CustomerChange {
                at: read_time(&at)?,
                by,
                field,
                from,
                to,
            })
        })
        .collect()
}

/// The customer a key already stands for: the hash of the request that used it first, and
/// the customer. `None` when the key is new.
pub async fn key_record(
    conn: &mut Conn,
    partner: &PartnerId,
    key: &IdempotencyKey,
) -> Result<Option<(String, CustomerId)>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT request_hash, customer_id FROM customer_keys WHERE partner_id = $1 AND idempotency_key = $2",
    )
    .bind(partner.as_str())
    .bind(key.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|(hash, id)| Ok((hash, decode("customer id", &id, CustomerId::parse)?)))
        .transpose()
}

/// Takes `key` for `customer` (written in the same transaction). `false` when another request
/// took it first.
pub async fn claim_key(
    conn: &mut Conn,
    partner: &PartnerId,
    key: &IdempotencyKey,
    request_hash: &str,
    customer: &CustomerId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let claimed: Option<String> = sqlx::query_scalar(
        "INSERT INTO customer_keys (partner_id, idempotency_key, request_hash, customer_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING customer_id",
    )
    .bind(partner.as_str())
    .bind(key.as_str())
    .bind(request_hash)
    .bind(customer.as_str())
    .bind(db_time(now))
    .fetch_optional(conn)
    .await?;
    Ok(claimed.is_some())
}
