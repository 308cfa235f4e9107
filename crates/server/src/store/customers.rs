//! Customers, always read through a scope so one partner never sees another's (R-CUST-3).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use csp_domain::paging::SEARCH_COUNT_CAP;
use csp_domain::subscription::CustomerDeadline;
use csp_domain::{
    Currency, Customer, CustomerId, Market, OrderStatus, Page, PageRequest, PartnerId, Principal,
    TenantId,
};

use super::{db_time, decode, Conn};

/// A customer's place in the list: (sort_name, id, search_text).
pub type ListRow = (String, String, String);

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

    /// A WHERE clause fragment on `customers c` and its one bind value.
    fn condition(&self) -> (&'static str, &str) {
        match self {
            CustomerScope::Partner(id) => ("c.partner_id = $1", id.as_str()),
            CustomerScope::Tenant(id) => ("c.id = $1", id.as_str()),
        }
    }
}

const COLUMNS: &str = "c.id, c.company_name, c.tenant_id, c.domain, c.market, c.currency";

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

/// How names and searches are compared on every path (the held lists, LIKE, the trigram
/// indexes): lower-cased, with the final sigma (ς) as σ, so a Greek fragment matches whether
/// or not it ended a word where it was typed.
pub fn search_fold(text: &str) -> String {
    text.to_lowercase().replace('ς', "σ")
}

/// The folded text searched by `q`, kept in its own column so LIKE behaves the same on
/// SQLite and PostgreSQL.
pub fn search_text(company_name: &str, domain: &str, tenant_id: &TenantId) -> String {
    search_fold(&format!("{company_name} {domain} {tenant_id}"))
}

/// LIKE's own wildcards escaped, so `50%` means 50%.
fn like_escaped(q: &str) -> String {
    q.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// An FTS5 phrase: the text in double quotes (doubled inside), so nothing in it is syntax.
fn fts_phrase(q: &str) -> String {
    format!("\"{}\"", q.replace('"', "\"\""))
}

/// Shorter searches than this cannot use a trigram index and read the partner's rows instead.
const TRIGRAM: usize = 3;

/// How a search finds the rows that contain its text.
struct Contains {
    /// The FROM clause; the customers table is always `c`.
    from: &'static str,
    /// The condition, with the search as `$2`.
    condition: &'static str,
    /// The value bound to `$2`.
    value: String,
}

impl Contains {
    /// Through SQLite's FTS5 trigram table (driven from it: `CROSS JOIN` keeps SQLite from
    /// scanning the customers first) for 3 characters or more; through LIKE otherwise, which
    /// PostgreSQL's pg_trgm index serves directly.
    fn new(conn: &Conn, q: &str) -> Contains {
        if conn.backend_name() != "PostgreSQL" && q.chars().count() >= TRIGRAM {
            Contains {
                from: "customers_search s CROSS JOIN customers c ON c.rowid = s.rowid",
                condition: "s.customers_search MATCH $2",
                value: fts_phrase(q),
            }
        } else {
            Contains::like(q)
        }
    }

    /// LIKE on the partner's rows; read in name order, the fastest way to the first page of a
    /// search that matches thousands.
    fn like(q: &str) -> Contains {
        Contains {
            from: "customers c",
            condition: "c.search_text LIKE $2 ESCAPE '\\'",
            value: format!("%{}%", like_escaped(q)),
        }
    }
}

/// A page of the customers in `scope`, in name order; with a search, the customers whose name,
/// domain or tenant ID contain it, names that start with it first (R-CUST-2) — from SQL: the
/// unfiltered list
/// reads the partner's kept count (`total`, when the caller has it); a search counts its
/// matches only up to [`SEARCH_COUNT_CAP`] and one more. A search with at most that many
/// matches is found through the trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) and
/// sorted; a broader one is read in name order through the name index — names starting with
/// the text, then the others — and stops at the page.
pub async fn search(
    conn: &mut Conn,
    scope: &CustomerScope,
    request: &PageRequest,
    total: Option<i64>,
) -> Result<Page<Customer>, sqlx::Error> {
    let (scope_sql, scope_id) = scope.condition();
    let Some(q) = request.search() else {
        let total = match (scope, total) {
            (_, Some(total)) => total,
            (CustomerScope::Partner(partner), None) => list_version(conn, partner).await?.0,
            (CustomerScope::Tenant(_), None) => {
                let sql = format!("SELECT COUNT(*) FROM customers c WHERE {scope_sql}");
                sqlx::query_scalar::<_, i64>(&sql)
                    .bind(scope_id)
                    .fetch_one(&mut *conn)
                    .await?
            }
        };
        // The page's ids first, from the name index alone (an index-only scan on PostgreSQL),
        // then their rows: a deep page skips index entries, not table rows.
        let sql = format!(
            "SELECT {COLUMNS} FROM customers c JOIN (SELECT c.id FROM customers c \
             WHERE {scope_sql} ORDER BY c.sort_name, c.id LIMIT $2 OFFSET $3) AS page \
             ON page.id = c.id ORDER BY c.sort_name, c.id"
        );
        let rows: Vec<CustomerRow> = sqlx::query_as(&sql)
            .bind(scope_id)
            .bind(i64::from(request.page_size()))
            .bind(request.offset() as i64)
            .fetch_all(&mut *conn)
            .await?;
        return Ok(request.page_of(to_customers(rows)?, total as u64));
    };
    // sort_name is the folded name: a name starts with the text when it lies in
    // [text, text + U+10FFFF), a range of the name index.
    let q = search_fold(q);
    let starts = (q.clone(), format!("{q}\u{10FFFF}"));

    let contains = Contains::new(conn, &q);
    let count_sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE {scope_sql} AND {} LIMIT {}) AS found",
        contains.from,
        contains.condition,
        SEARCH_COUNT_CAP + 1
    );
    let counted: i64 = sqlx::query_scalar(&count_sql)
        .bind(scope_id)
        .bind(&contains.value)
        .fetch_one(&mut *conn)
        .await?;

    let rows = if request.offset() >= counted as u64 {
        // No match, or past the last page: nothing more to read.
        Vec::new()
    } else if counted as u64 <= SEARCH_COUNT_CAP {
        let sql = format!(
            "SELECT {COLUMNS} FROM {} WHERE {scope_sql} AND {} \
             ORDER BY CASE WHEN c.sort_name >= $3 AND c.sort_name < $4 THEN 0 ELSE 1 END, \
             c.sort_name, c.id LIMIT $5 OFFSET $6",
            contains.from, contains.condition
        );
        sqlx::query_as(&sql)
            .bind(scope_id)
            .bind(&contains.value)
            .bind(&starts.0)
            .bind(&starts.1)
            .bind(i64::from(request.page_size()))
            .bind(request.offset() as i64)
            .fetch_all(&mut *conn)
            .await?
    } else {
        broad_search_rows(conn, scope, &q, &starts, request).await?
    };
    Ok(request.search_page_of(to_customers(rows)?, counted as u64))
}

/// A page of a search with more matches than the cap: the names that start with the text (a
/// range of the name index), then the other matches, each in name order.
async fn broad_search_rows(
    conn: &mut Conn,
    scope: &CustomerScope,
    q: &str,
    starts: &(String, String),
    request: &PageRequest,
) -> Result<Vec<CustomerRow>, sqlx::Error> {
    let (scope_sql, scope_id) = scope.condition();
    let starting = "c.sort_name >= $2 AND c.sort_name < $3";
    let (size, offset) = (i64::from(request.page_size()), request.offset() as i64);
    let sql = format!(
        "SELECT {COLUMNS} FROM customers c WHERE {scope_sql} AND {starting} \
         ORDER BY c.sort_name, c.id LIMIT $4 OFFSET $5"
    );
    let mut rows: Vec<CustomerRow> = sqlx::query_as(&sql)
        .bind(scope_id)
        .bind(&starts.0)
        .bind(&starts.1)
        .bind(size)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    if rows.len() as i64 == size {
        return Ok(rows);
    }
    // How many names start with the text: known when this page holds the last of them,
    // counted (a range of the name index) when the page lies beyond them all.
    let starting_count = if rows.is_empty() {
        let sql = format!("SELECT COUNT(*) FROM customers c WHERE {scope_sql} AND {starting}");
        sqlx::query_scalar::<_, i64>(&sql)
            .bind(scope_id)
            .bind(&starts.0)
            .bind(&starts.1)
            .fetch_one(&mut *conn)
            .await?
    } else {
        offset + rows.len() as i64
    };
    let like = Contains::like(q);
    let sql = format!(
        "SELECT {COLUMNS} FROM customers c WHERE {scope_sql} AND {} \
         AND NOT (c.sort_name >= $3 AND c.sort_name < $4) \
         ORDER BY c.sort_name, c.id LIMIT $5 OFFSET $6",
        like.condition
    );
    let others: Vec<CustomerRow> = sqlx::query_as(&sql)
        .bind(scope_id)
        .bind(&like.value)
        .bind(&starts.0)
        .bind(&starts.1)
        .bind(size - rows.len() as i64)
        .bind((offset - starting_count).max(0))
        .fetch_all(&mut *conn)
        .await?;
    rows.extend(others);
    Ok(rows)
}

fn to_customers(rows: Vec<CustomerRow>) -> Result<Vec<Customer>, sqlx::Error> {
    rows.into_iter().map(Customer::try_from).collect()
}

/// A partner's number of customers and the version of its list, read together (both kept
/// by triggers at every change to its customers: migration 0008).
pub async fn list_version(conn: &mut Conn, partner: &PartnerId) -> Result<(i64, i64), sqlx::Error> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT customer_count, customers_version FROM partners WHERE id = $1")
            .bind(partner.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(row.unwrap_or((0, 0)))
}

/// Every customer of the partner as the held list keeps it: (sort_name, id, search_text).
pub async fn list_rows(conn: &mut Conn, partner: &PartnerId) -> Result<Vec<ListRow>, sqlx::Error> {
    sqlx::query_as("SELECT sort_name, id, search_text FROM customers WHERE partner_id = $1")
        .bind(partner.as_str())
        .fetch_all(conn)
        .await
}

/// The partner's customers with these ids, in the order of `ids`, read together with the
/// partner's list version: `None` when that is no longer `version` (a change came in since
/// the ids were picked, so they may no longer be the page).
pub async fn rows_by_id(
    conn: &mut Conn,
    partner: &PartnerId,
    version: i64,
    ids: &[String],
) -> Result<Option<Vec<Customer>>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Versioned {
        #[sqlx(flatten)]
        row: CustomerRow,
        partner_id: String,
        list_version: i64,
    }
    if ids.is_empty() {
        let current = list_version(conn, partner).await?.1;
        return Ok((current == version).then(Vec::new));
    }
    // By primary key alone: with the partner in the condition, SQLite would rather read the
    // partner's whole name index. The owner is checked here instead.
    let marks: Vec<String> = (2..ids.len() + 2).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT {COLUMNS}, c.partner_id, \
         (SELECT p.customers_version FROM partners p WHERE p.id = $1) AS list_version \
         FROM customers c WHERE c.id IN ({})",
        marks.join(", ")
    );
    let mut query = sqlx::query_as::<_, Versioned>(&sql).bind(partner.as_str());
    for id in ids {
        query = query.bind(id.as_str());
    }
    let found = query.fetch_all(conn).await?;
    if found.len() != ids.len() || found.iter().any(|v| v.list_version != version) {
        return Ok(None);
    }
    let mut rows: HashMap<String, CustomerRow> = found
        .into_iter()
        .filter(|v| v.partner_id == partner.as_str())
        .map(|v| (v.row.id.clone(), v.row))
        .collect();
    Ok(Some(to_customers(
        ids.iter().filter_map(|id| rows.remove(id)).collect(),
    )?))
}

/// One customer, or `None` when it does not exist or is outside the scope; callers answer 404
/// in both cases so ids of other partners' customers cannot be probed.
pub async fn get(
    conn: &mut Conn,
    scope: &CustomerScope,
    id: &CustomerId,
) -> Result<Option<Customer>, sqlx::Error> {
    let (scope_sql, scope_id) = scope.condition();
    let sql = format!("SELECT {COLUMNS} FROM customers c WHERE {scope_sql} AND c.id = $2");
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
        "SELECT {COLUMNS} FROM customers c WHERE c.partner_id = $1 AND (c.tenant_id = $2 OR LOWER(c.domain) = $2)"
    );
    let row: Option<CustomerRow> = sqlx::query_as(&sql)
        .bind(partner.as_str())
        .bind(text.trim().to_lowercase())
        .fetch_optional(conn)
        .await?;
    row.map(Customer::try_from).transpose()
}

/// The customer whose tenant (its directory at Microsoft Entra ID) has this ID, of any
/// partner, with its partner.
pub async fn of_tenant(
    conn: &mut Conn,
    tenant: &str,
) -> Result<Option<(CustomerId, PartnerId)>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT id, partner_id FROM customers WHERE tenant_id = $1")
            .bind(tenant.trim().to_lowercase())
            .fetch_optional(conn)
            .await?;
    row.map(|(id, partner)| {
        Ok((
            decode("customer id", &id, CustomerId::parse)?,
            decode("partner id", &partner, PartnerId::parse)?,
        ))
    })
    .transpose()
}

/// Adds a customer of `partner` unless one with this id exists. A trigger counts it and moves
/// the partner's list version on, in the caller's transaction.
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
    .bind(search_fold(&customer.company_name))
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

/// A page of `partner`'s customers with a deadline near `now` (`deadline`), in name order,
/// narrowed by the search as the list is (by LIKE: such customers are few).
pub async fn with_deadline(
    conn: &mut Conn,
    partner: &PartnerId,
    deadline: CustomerDeadline,
    now: DateTime<Utc>,
    request: &PageRequest,
) -> Result<Page<Customer>, sqlx::Error> {
    let completed = OrderStatus::Completed.as_str();
    let near = match deadline {
        CustomerDeadline::WindowClosing => format!(
            "SELECT o.customer_id FROM orders o WHERE o.partner_id = $1 AND o.status = '{completed}' \
             AND o.cancellable_until IS NOT NULL AND o.cancellable_until > $3 \
             AND o.cancellable_until <= $4"
        ),
        CustomerDeadline::Renewing => format!(
            "SELECT o.customer_id FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE o.partner_id = $1 AND o.status = '{completed}' AND l.term_ended IS NULL \
             AND l.auto_renew = 1 AND l.term_end IS NOT NULL AND l.term_end > $3 AND l.term_end <= $4"
        ),
    };
    let condition = format!(
        "c.partner_id = $1 AND ($2 = '' OR c.search_text LIKE $2 ESCAPE '\\') AND c.id IN ({near})"
    );
    let searched = request
        .search()
        .map(|q| Contains::like(&search_fold(q)).value)
        .unwrap_or_default();
    let (from, until) = (db_time(now), db_time(now + deadline.within()));
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM customers c WHERE {condition}"
    ))
    .bind(partner.as_str())
    .bind(&searched)
    .bind(&from)
    .bind(&until)
    .fetch_one(&mut *conn)
    .await?;
    let rows: Vec<CustomerRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM customers c WHERE {condition} \
         ORDER BY c.sort_name, c.id LIMIT $5 OFFSET $6"
    ))
    .bind(partner.as_str())
    .bind(&searched)
    .bind(&from)
    .bind(&until)
    .bind(i64::from(request.page_size()))
    .bind(request.offset() as i64)
    .fetch_all(&mut *conn)
    .await?;
    Ok(request.page_of(to_customers(rows)?, total as u64))
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::like_escaped("50%_a\\"), "50\\%\\_a\\\\");
    }

    #[test]
    fn fts_phrases_quote_everything() {
        assert_eq!(
            super::fts_phrase(r#"say "hi" OR x*"#),
            r#""say ""hi"" OR x*""#
        );
    }
}
