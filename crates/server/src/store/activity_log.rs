//! The activity log (R-LOG). Append-only (R-LOG-3): this module offers no update or delete.

use chrono::{DateTime, Utc};
use csp_domain::{
    ActivityAction, ActivityLogEntry, CustomerId, Email, PageRequest, PartnerId, PurchaseId,
};

use super::{db_time, decode, read_time, Conn};

#[derive(sqlx::FromRow)]
struct EntryRow {
    at: String,
    action: String,
    user_email: String,
    customer_id: String,
    customer_name: String,
    purchase_id: String,
    product_name: String,
    client_ip: String,
}

impl TryFrom<EntryRow> for ActivityLogEntry {
    type Error = sqlx::Error;
    fn try_from(row: EntryRow) -> Result<Self, sqlx::Error> {
        Ok(ActivityLogEntry {
            at: read_time(&row.at)?,
            action: ActivityAction::parse(&row.action),
            user_email: decode("email", &row.user_email, Email::parse)?,
            customer_id: decode("customer id", &row.customer_id, CustomerId::parse)?,
            customer_name: row.customer_name,
            purchase_id: decode("purchase id", &row.purchase_id, PurchaseId::parse)?,
            product_name: row.product_name,
            client_ip: row.client_ip,
        })
    }
}

/// How many entries a partner's log holds.
pub async fn count(conn: &mut Conn, partner: &PartnerId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM activity_log WHERE partner_id = $1")
        .bind(partner.as_str())
        .fetch_one(conn)
        .await
}

const FILTER: &str = "FROM activity_log WHERE partner_id = $1 AND at >= $2 AND at < $3";

/// A partner's entries with `from <= at < until`, oldest first: one page of them, or all
/// (`page: None`, the CSV export), and how many there are in the range.
pub async fn list(
    conn: &mut Conn,
    partner: &PartnerId,
    from: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    page: Option<&PageRequest>,
) -> Result<(Vec<ActivityLogEntry>, u64), sqlx::Error> {
    // The end of the calendar as text still sorts after every stored time.
    let until = until.map(db_time).unwrap_or_else(|| "~".into());
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {FILTER}"))
        .bind(partner.as_str())
        .bind(db_time(from))
        .bind(&until)
        .fetch_one(&mut *conn)
        .await?;
    let (limit, offset) = page
        .map(|p| (i64::from(p.page_size()), p.offset() as i64))
        .unwrap_or((i64::MAX, 0));
    let rows: Vec<EntryRow> = sqlx::query_as(&format!(
        "SELECT at, action, user_email, customer_id, customer_name, purchase_id, product_name, client_ip \
         {FILTER} ORDER BY at, id LIMIT $4 OFFSET $5"
    ))
    .bind(partner.as_str())
    .bind(db_time(from))
    .bind(&until)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    let items = rows
        .into_iter()
        .map(ActivityLogEntry::try_from)
        .collect::<Result<_, _>>()?;
    Ok((items, total.max(0) as u64))
}

/// Notes that `user` downloads `file` on `day` (`YYYY-MM-DD`, UTC): true the first time that
/// day, false after — a download is logged once per user, file and day, whatever its range.
pub async fn first_download_of_day(
    conn: &mut Conn,
    user: &str,
    file: &str,
    day: &str,
) -> Result<bool, sqlx::Error> {
    let noted = sqlx::query(
        "INSERT INTO download_marks (user_id, file_id, day) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, file_id, day) DO NOTHING",
    )
    .bind(user)
    .bind(file)
    .bind(day)
    .execute(conn)
    .await?;
    Ok(noted.rows_affected() == 1)
}

/// Records one key reveal or download.
pub async fn append(
    conn: &mut Conn,
    partner: &PartnerId,
    entry: &ActivityLogEntry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO activity_log \
         (id, partner_id, at, action, user_email, customer_id, customer_name, purchase_id, product_name, client_ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    // Time-ordered ids: entries of one millisecond still list in the order they happened.
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(partner.as_str())
    .bind(db_time(entry.at))
    .bind(entry.action.as_str())
    .bind(entry.user_email.as_str())
    .bind(entry.customer_id.as_str())
    .bind(&entry.customer_name)
    .bind(entry.purchase_id.as_str())
    .bind(&entry.product_name)
    .bind(&entry.client_ip)
    .execute(conn)
    .await?;
    Ok(())
}
