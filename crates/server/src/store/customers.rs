//! Customers, always read through a scope so one partner never sees another's (R-CUST-3).

use csp_domain::paging::PageRequest;
use csp_domain::{Customer, Page};
use sqlx::Row;

use crate::db::Db;

/// Whose customers a request may see.
#[derive(Debug, Clone)]
pub enum CustomerScope {
    /// A partner user: the partner's customers.
    Partner(String),
    /// A customer user: its own tenant only.
    Tenant(String),
}

impl CustomerScope {
    /// A WHERE clause fragment and its one bind value.
    fn condition(&self) -> (&'static str, &str) {
        match self {
            CustomerScope::Partner(id) => ("partner_id = $1", id),
            CustomerScope::Tenant(id) => ("id = $1", id),
        }
    }
}

const COLUMNS: &str = "id, company_name, tenant_id, domain, market, currency";

/// The lower-cased text searched by `q`, kept in its own column so LIKE behaves the same on
/// SQLite and PostgreSQL.
pub fn search_text(company_name: &str, domain: &str, tenant_id: &str) -> String {
    format!("{company_name} {domain} {tenant_id}").to_lowercase()
}

/// `%text%` for LIKE, with LIKE's own wildcards escaped so `50%` means 50%.
fn like_pattern(q: &str) -> String {
    let escaped = q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

pub async fn search(
    db: &Db,
    scope: &CustomerScope,
    q: Option<&str>,
    page: PageRequest,
) -> Result<Page<Customer>, sqlx::Error> {
    let (scope_sql, scope_id) = scope.condition();
    let search_sql = if q.is_some() { " AND search_text LIKE $2 ESCAPE '\\'" } else { "" };
    let pattern = q.map(like_pattern).unwrap_or_default();

    let count_sql = format!("SELECT COUNT(*) FROM customers WHERE {scope_sql}{search_sql}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(scope_id);
    if q.is_some() {
        count = count.bind(&pattern);
    }
    let total = count.fetch_one(db).await?;

    let (limit, offset) = if q.is_some() { ("$3", "$4") } else { ("$2", "$3") };
    let list_sql = format!(
        "SELECT {COLUMNS} FROM customers WHERE {scope_sql}{search_sql} \
         ORDER BY sort_name, id LIMIT {limit} OFFSET {offset}"
    );
    let mut list = sqlx::query(&list_sql).bind(scope_id);
    if q.is_some() {
        list = list.bind(&pattern);
    }
    let rows = list
        .bind(i64::from(page.page_size))
        .bind(page.offset() as i64)
        .fetch_all(db)
        .await?;
    Ok(Page {
        items: rows.iter().map(customer_from_row).collect::<Result<_, _>>()?,
        total: total as u64,
        page: page.page,
        page_size: page.page_size,
    })
}

/// One customer, or `None` when it does not exist or is outside the scope; callers answer 404
/// in both cases so ids of other partners' customers cannot be probed.
pub async fn get(db: &Db, scope: &CustomerScope, id: &str) -> Result<Option<Customer>, sqlx::Error> {
    let (scope_sql, scope_id) = scope.condition();
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE {scope_sql} AND id = $2");
    let row = sqlx::query(&sql).bind(scope_id).bind(id).fetch_optional(db).await?;
    row.as_ref().map(customer_from_row).transpose()
}

fn customer_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Customer, sqlx::Error> {
    Ok(Customer {
        id: row.try_get("id")?,
        company_name: row.try_get("company_name")?,
        tenant_id: row.try_get("tenant_id")?,
        domain: row.try_get("domain")?,
        market: row.try_get("market")?,
        currency: row.try_get("currency")?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::like_pattern("50%_A\\"), "%50\\%\\_a\\\\%");
    }
}
