//! Customers, always read through a scope so one partner never sees another's (R-CUST-3).

use chrono::{DateTime, Utc};
use csp_domain::{
    Currency, Customer, CustomerId, Market, Page, PageRequest, PartnerId, Principal, TenantId,
};

use super::{db_time, decode, Conn};

/// Whose customers a request may see. Built from the caller, so a partner's scope exists only
/// for a partner user and a tenant's only for that tenant's user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerScope {
    /// A partner user: the partner's customers.
    Partner(PartnerId),
    /// A customer user: its own tenant only.
    Tenant(CustomerId),
}

impl CustomerScope {
    /// The scope of a caller; support agents have none.
    pub fn of(principal: &Principal) -> Option<CustomerScope> {
        match principal {
            Principal::Partner { partner, .. } => Some(CustomerScope::Partner(partner.clone())),
            Principal::Customer { customer, .. } => Some(CustomerScope::Tenant(customer.clone())),
            Principal::Support { .. } => None,
        }
    }

    /// A WHERE clause fragment and its one bind value.
    fn condition(&self) -> (&'static str, &str) {
        match self {
            CustomerScope::Partner(id) => ("partner_id = $1", id.as_str()),
            CustomerScope::Tenant(id) => ("id = $1", id.as_str()),
        }
    }
}

const COLUMNS: &str = "id, company_name, tenant_id, domain, market, currency";

#[derive(sqlx::FromRow)]
struct CustomerRow {
    id: String,
    company_name: String,
    tenant_id: String,
    domain: String,
    market: String,
    currency: String,
}

impl TryFrom<CustomerRow> for Customer {
    type Error = sqlx::Error;
    fn try_from(row: CustomerRow) -> Result<Customer, sqlx::Error> {
        Ok(Customer {
            id: decode("customer id", &row.id, CustomerId::parse)?,
            company_name: row.company_name,
            tenant_id: decode("tenant id", &row.tenant_id, TenantId::parse)?,
            domain: row.domain,
            market: decode("market", &row.market, Market::parse)?,
            currency: decode("currency", &row.currency, Currency::parse)?,
        })
    }
}

/// The lower-cased text searched by `q`, kept in its own column so LIKE behaves the same on
/// SQLite and PostgreSQL.
pub fn search_text(company_name: &str, domain: &str, tenant_id: &TenantId) -> String {
    format!("{company_name} {domain} {tenant_id}").to_lowercase()
}

/// `%text%` for LIKE, with LIKE's own wildcards escaped so `50%` means 50%.
fn like_pattern(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub async fn search(
    conn: &mut Conn,
    scope: &CustomerScope,
    request: &PageRequest,
) -> Result<Page<Customer>, sqlx::Error> {
    let (scope_sql, scope_id) = scope.condition();
    let q = request.search();
    let search_sql = if q.is_some() {
        " AND search_text LIKE $2 ESCAPE '\\'"
    } else {
        ""
    };
    let pattern = q.map(like_pattern).unwrap_or_default();

    let count_sql = format!("SELECT COUNT(*) FROM customers WHERE {scope_sql}{search_sql}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(scope_id);
    if q.is_some() {
        count = count.bind(&pattern);
    }
    let total = count.fetch_one(&mut *conn).await?;

    let (limit, offset) = if q.is_some() {
        ("$3", "$4")
    } else {
        ("$2", "$3")
    };
    let list_sql = format!(
        "SELECT {COLUMNS} FROM customers WHERE {scope_sql}{search_sql} \
         ORDER BY sort_name, id LIMIT {limit} OFFSET {offset}"
    );
    let mut list = sqlx::query_as::<_, CustomerRow>(&list_sql).bind(scope_id);
    if q.is_some() {
        list = list.bind(&pattern);
    }
    let rows = list
        .bind(i64::from(request.page_size()))
        .bind(request.offset() as i64)
        .fetch_all(&mut *conn)
        .await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(Customer::try_from)
            .collect::<Result<_, _>>()?,
        total: total as u64,
        page: request.page(),
        page_size: request.page_size(),
    })
}

/// One customer, or `None` when it does not exist or is outside the scope; callers answer 404
/// in both cases so ids of other partners' customers cannot be probed.
pub async fn get(
    conn: &mut Conn,
    scope: &CustomerScope,
    id: &CustomerId,
) -> Result<Option<Customer>, sqlx::Error> {
    let (scope_sql, scope_id) = scope.condition();
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE {scope_sql} AND id = $2");
    let row: Option<CustomerRow> = sqlx::query_as(&sql)
        .bind(scope_id)
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.map(Customer::try_from).transpose()
}

/// A customer of `partner` by its tenant ID or primary domain (any case), as people type them.
pub async fn find_by_tenant_or_domain(
    conn: &mut Conn,
    partner: &PartnerId,
    text: &str,
) -> Result<Option<Customer>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM customers WHERE partner_id = $1 AND (tenant_id = $2 OR LOWER(domain) = $2)"
    );
    let row: Option<CustomerRow> = sqlx::query_as(&sql)
        .bind(partner.as_str())
        .bind(text.trim().to_lowercase())
        .fetch_optional(conn)
        .await?;
    row.map(Customer::try_from).transpose()
}

/// Adds a customer of `partner` unless one with this id exists.
pub async fn insert(
    conn: &mut Conn,
    partner: &PartnerId,
    customer: &Customer,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO customers (id, partner_id, company_name, tenant_id, domain, market, currency, \
         search_text, sort_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT DO NOTHING",
    )
    .bind(customer.id.as_str())
    .bind(partner.as_str())
    .bind(&customer.company_name)
    .bind(customer.tenant_id.as_str())
    .bind(&customer.domain)
    .bind(customer.market.code())
    .bind(customer.currency.code())
    .bind(search_text(&customer.company_name, &customer.domain, &customer.tenant_id))
    .bind(customer.company_name.to_lowercase())
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// How many customers there are in all (tests and the bench check seeding with it).
pub async fn count_all(conn: &mut Conn) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(conn)
        .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::like_pattern("50%_A\\"), "%50\\%\\_a\\\\%");
    }
}
