//! Support requests (R-SUP): the request as filed, its files, its history, and the status an
//! agent moves it to. A status change is a conditional update on the status it was read with,
//! so two agents deciding one request at the same moment cannot both succeed.

use chrono::{DateTime, Utc};
use csp_domain::support::{
    ApprovalOutcome, Attachment, Impact, SupportEvent, SupportEventKind, SupportRequestSummary,
};
use csp_domain::{
    AttachmentId, Currency, CustomerId, Email, IdempotencyKey, Money, OrderId, PartnerId,
    ProblemType, SupportRequestId, SupportStatus,
};

use super::{db_time, decode, read_time, Conn};

/// The next request number (1000001, 1000002, …), taken in the caller's transaction.
pub async fn next_number(conn: &mut Conn) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO counters (name, value) VALUES ('support_request', 1000001) \
         ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .fetch_one(conn)
    .await
}

pub struct NewRequest<'a> {
    pub id: &'a SupportRequestId,
    pub number: i64,
    pub partner: &'a PartnerId,
    pub problem_type: &'a ProblemType,
    pub impact: &'a Impact,
    pub title: &'a str,
    /// As the partner typed it: a tenant ID or a domain.
    pub customer_text: &'a str,
    pub customer: Option<&'a CustomerId>,
    pub order: Option<&'a OrderId>,
    pub refund_reason: Option<&'a str>,
    pub amount_requested: Option<Money>,
    pub contact_name: &'a str,
    pub contact_email: &'a Email,
    pub contact_phone: &'a str,
    pub created_by: &'a str,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut Conn, r: &NewRequest<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO support_requests (id, number, partner_id, problem_type, impact, title, status, customer, \
         customer_id, order_id, refund_reason, amount_requested_minor, currency, contact_name, contact_email, \
         contact_phone, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)",
    )
    .bind(r.id.as_str())
    .bind(r.number)
    .bind(r.partner.as_str())
    .bind(r.problem_type.as_str())
    .bind(r.impact.as_str())
    .bind(r.title)
    .bind(SupportStatus::New.as_str())
    .bind(r.customer_text)
    .bind(r.customer.map(CustomerId::as_str))
    .bind(r.order.map(OrderId::as_str))
    .bind(r.refund_reason)
    .bind(r.amount_requested.map(Money::minor))
    .bind(r.amount_requested.map(|m| m.currency().code().to_string()))
    .bind(r.contact_name)
    .bind(r.contact_email.as_str())
    .bind(r.contact_phone)
    .bind(r.created_by)
    .bind(db_time(r.created_at))
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewAttachment<'a> {
    pub id: &'a AttachmentId,
    pub request: &'a SupportRequestId,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: u64,
    /// Its bytes, stored already (`store::files`).
    pub stored_file: &'a str,
    pub uploaded_by: &'a str,
    pub uploaded_at: DateTime<Utc>,
}

pub async fn insert_attachment(conn: &mut Conn, a: &NewAttachment<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO support_attachments (id, request_id, file_name, content_type, size_bytes, \
         stored_file_id, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(a.id.as_str())
    .bind(a.request.as_str())
    .bind(a.file_name)
    .bind(a.content_type)
    .bind(i64::try_from(a.size_bytes).unwrap_or(i64::MAX))
    .bind(a.stored_file)
    .bind(a.uploaded_by)
    .bind(db_time(a.uploaded_at))
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewEvent<'a> {
    pub request: &'a SupportRequestId,
    pub kind: SupportEventKind,
    pub actor: &'a str,
    pub by_support: bool,
    pub status: Option<&'a SupportStatus>,
    pub note: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Adds an entry to a request's history and marks the request updated.
pub async fn record(conn: &mut Conn, e: &NewEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO support_events (id, request_id, at, kind, actor, by_support, status, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    // Time-ordered ids keep events of one millisecond in the order they happened.
    .bind(super::new_ordered_id::<csp_domain::SupportEventId>().as_str())
    .bind(e.request.as_str())
    .bind(db_time(e.at))
    .bind(e.kind.as_str())
    .bind(e.actor)
    .bind(i64::from(e.by_support))
    .bind(e.status.map(SupportStatus::as_str))
    .bind(e.note)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE support_requests SET updated_at = $2 WHERE id = $1")
        .bind(e.request.as_str())
        .bind(db_time(e.at))
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a request from `from` to `to`. `false` when the request is no longer in `from`
/// (another agent changed it first): then nothing changes.
pub async fn change_status(
    conn: &mut Conn,
    id: &SupportRequestId,
    from: &SupportStatus,
    to: &SupportStatus,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE support_requests SET status = $3 WHERE id = $1 AND status = $2")
        .bind(id.as_str())
        .bind(from.as_str())
        .bind(to.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets the credit an approval booked and what it did with the purchase (in the same
/// transaction as the status change).
pub async fn set_credited(
    conn: &mut Conn,
    id: &SupportRequestId,
    credited: Money,
    outcome: &ApprovalOutcome,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE support_requests SET credited_minor = $2, outcome = $3 WHERE id = $1")
        .bind(id.as_str())
        .bind(credited.minor())
        .bind(outcome.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// The request an idempotency key filed, with the hash of what was sent then; `None` when
/// the key is new.
pub async fn idempotency_record(
    conn: &mut Conn,
    partner: &PartnerId,
    key: &IdempotencyKey,
) -> Result<Option<(String, SupportRequestId)>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT request_hash, support_request_id FROM support_request_keys \
         WHERE partner_id = $1 AND idempotency_key = $2",
    )
    .bind(partner.as_str())
    .bind(key.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|(hash, id)| {
        Ok((
            hash,
            decode("support request id", &id, SupportRequestId::parse)?,
        ))
    })
    .transpose()
}

/// Takes `key` for `request`. `false` when another filing took it first (the primary key
/// decides; on PostgreSQL this waits for that filing's transaction to end).
pub async fn claim_idempotency_key(
    conn: &mut Conn,
    partner: &PartnerId,
    key: &IdempotencyKey,
    request_hash: &str,
    request: &SupportRequestId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let claimed: Option<String> = sqlx::query_scalar(
        "INSERT INTO support_request_keys (partner_id, idempotency_key, request_hash, support_request_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING support_request_id",
    )
    .bind(partner.as_str())
    .bind(key.as_str())
    .bind(request_hash)
    .bind(request.as_str())
    .bind(db_time(now))
    .fetch_optional(conn)
    .await?;
    Ok(claimed.is_some())
}

/// What the list filters by; every value already checked.
#[derive(Debug, Default)]
pub struct ListFilter {
    pub status: Option<SupportStatus>,
    pub problem_type: Option<ProblemType>,
    /// A request number, or a tenant ID, domain or order ID (matched exactly, any case).
    pub q: Option<String>,
    pub oldest_first: bool,
    pub limit: u32,
    pub offset: u64,
}

const SUMMARY_COLUMNS: &str = "r.id, r.number, r.title, r.problem_type, r.impact, r.status, \
    r.customer, r.order_id, r.created_at, r.updated_at, p.name AS partner_name";

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    number: i64,
    title: String,
    problem_type: String,
    impact: String,
    status: String,
    customer: String,
    order_id: Option<String>,
    created_at: String,
    updated_at: String,
    partner_name: String,
}

impl TryFrom<SummaryRow> for SupportRequestSummary {
    type Error = sqlx::Error;
    fn try_from(row: SummaryRow) -> Result<Self, sqlx::Error> {
        let created_at = read_time(&row.created_at)?;
        Ok(SupportRequestSummary {
            id: decode("support request id", &row.id, SupportRequestId::parse)?,
            number: row.number,
            title: row.title,
            problem_type: ProblemType::parse(&row.problem_type),
            impact: Impact::parse(&row.impact),
            status: SupportStatus::parse(&row.status),
            partner_name: row.partner_name,
            customer: row.customer,
            order_id: row
                .order_id
                .as_deref()
                .map(|id| decode("order id", id, OrderId::parse))
                .transpose()?,
            created_at,
            updated_at: if row.updated_at.is_empty() {
                created_at
            } else {
                read_time(&row.updated_at)?
            },
        })
    }
}

/// A page of requests and how many match: `Some(partner)` for a partner's own, `None` for all
/// (support agents).
pub async fn list(
    conn: &mut Conn,
    partner: Option<&PartnerId>,
    filter: &ListFilter,
) -> Result<(Vec<SupportRequestSummary>, u64), sqlx::Error> {
    let q = filter.q.as_deref().map(str::to_lowercase);
    let number = q.as_deref().and_then(|q| q.parse::<i64>().ok());
    // One statement for both backends: a NULL parameter switches its condition off.
    let conditions = "($1 IS NULL OR r.partner_id = $1) AND ($2 IS NULL OR r.status = $2) \
        AND ($3 IS NULL OR r.problem_type = $3) \
        AND ($4 IS NULL OR r.number = $5 OR LOWER(r.customer) = $4 OR r.order_id = $4 \
             OR c.tenant_id = $4 OR LOWER(c.domain) = $4)";
    let from = "support_requests r JOIN partners p ON p.id = r.partner_id \
        LEFT JOIN customers c ON c.id = r.customer_id";
    let count_sql = format!("SELECT COUNT(*) FROM {from} WHERE {conditions}");
    let total: i64 = sqlx::query_scalar(&count_sql)
        .bind(partner.map(PartnerId::as_str))
        .bind(filter.status.as_ref().map(SupportStatus::as_str))
        .bind(filter.problem_type.as_ref().map(ProblemType::as_str))
        .bind(q.as_deref())
        .bind(number.unwrap_or(-1))
        .fetch_one(&mut *conn)
        .await?;
    let order = if filter.oldest_first {
        "r.created_at ASC, r.number ASC"
    } else {
        "r.created_at DESC, r.number DESC"
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM {from} WHERE {conditions} ORDER BY {order} LIMIT $6 OFFSET $7"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql)
        .bind(partner.map(PartnerId::as_str))
        .bind(filter.status.as_ref().map(SupportStatus::as_str))
        .bind(filter.problem_type.as_ref().map(ProblemType::as_str))
        .bind(q.as_deref())
        .bind(number.unwrap_or(-1))
        .bind(i64::from(filter.limit))
        .bind(filter.offset as i64)
        .fetch_all(conn)
        .await?;
    let items = rows
        .into_iter()
        .map(SupportRequestSummary::try_from)
        .collect::<Result<_, _>>()?;
    Ok((items, total as u64))
}

/// A stored request with what only the server needs to know.
#[derive(Debug, Clone)]
pub struct StoredRequest {
    pub summary: SupportRequestSummary,
    pub partner: PartnerId,
    pub customer: Option<CustomerId>,
    pub refund_reason: Option<String>,
    pub amount_requested: Option<Money>,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub credited: Option<Money>,
    pub outcome: Option<ApprovalOutcome>,
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    partner_id: String,
    customer_id: Option<String>,
    refund_reason: Option<String>,
    amount_requested_minor: Option<i64>,
    currency: Option<String>,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    credited_minor: Option<i64>,
    outcome: Option<String>,
}

/// One request; `Some(partner)` limits it to that partner's (`None` when it is another's).
pub async fn get(
    conn: &mut Conn,
    partner: Option<&PartnerId>,
    id: &SupportRequestId,
) -> Result<Option<StoredRequest>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, r.partner_id, r.customer_id, r.refund_reason, r.amount_requested_minor, \
                r.currency, r.contact_name, r.contact_email, r.contact_phone, r.credited_minor, r.outcome \
         FROM support_requests r JOIN partners p ON p.id = r.partner_id \
         WHERE r.id = $1 AND ($2 IS NULL OR r.partner_id = $2)"
    );
    let row: Option<DetailRow> = sqlx::query_as(&sql)
        .bind(id.as_str())
        .bind(partner.map(PartnerId::as_str))
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let currency = row
        .currency
        .as_deref()
        .map(|c| decode("currency", c, Currency::parse))
        .transpose()?;
    let money = |minor: Option<i64>| Some(Money::from_minor(minor?, currency?));
    Ok(Some(StoredRequest {
        summary: row.summary.try_into()?,
        partner: decode("partner id", &row.partner_id, PartnerId::parse)?,
        customer: row
            .customer_id
            .as_deref()
            .map(|id| decode("customer id", id, CustomerId::parse))
            .transpose()?,
        refund_reason: row.refund_reason,
        amount_requested: money(row.amount_requested_minor),
        contact_name: row.contact_name,
        contact_email: row.contact_email,
        contact_phone: row.contact_phone,
        credited: money(row.credited_minor),
        outcome: row.outcome.as_deref().map(ApprovalOutcome::parse),
    }))
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    uploaded_by: String,
    uploaded_at: String,
}

impl TryFrom<AttachmentRow> for Attachment {
    type Error = sqlx::Error;
    fn try_from(row: AttachmentRow) -> Result<Self, sqlx::Error> {
        Ok(Attachment {
            id: decode("attachment id", &row.id, AttachmentId::parse)?,
            file_name: row.file_name,
            content_type: row.content_type,
            size_bytes: u64::try_from(row.size_bytes).unwrap_or(0),
            uploaded_by: row.uploaded_by,
            uploaded_at: read_time(&row.uploaded_at)?,
        })
    }
}

/// A request's files, oldest first (without their bytes).
pub async fn attachments(
    conn: &mut Conn,
    request: &SupportRequestId,
) -> Result<Vec<Attachment>, sqlx::Error> {
    let rows: Vec<AttachmentRow> = sqlx::query_as(
        "SELECT id, file_name, content_type, size_bytes, uploaded_by, uploaded_at \
         FROM support_attachments WHERE request_id = $1 ORDER BY uploaded_at, id",
    )
    .bind(request.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Attachment::try_from).collect()
}

/// How many files a request has.
pub async fn attachment_count(
    conn: &mut Conn,
    request: &SupportRequestId,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM support_attachments WHERE request_id = $1")
        .bind(request.as_str())
        .fetch_one(conn)
        .await
}

/// One file of a request, with the id of its stored bytes (`store::files`).
pub async fn attachment_file(
    conn: &mut Conn,
    request: &SupportRequestId,
    id: &AttachmentId,
) -> Result<Option<(Attachment, String)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        attachment: AttachmentRow,
        stored_file_id: String,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, file_name, content_type, size_bytes, uploaded_by, uploaded_at, stored_file_id \
         FROM support_attachments WHERE request_id = $1 AND id = $2",
    )
    .bind(request.as_str())
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((r.attachment.try_into()?, r.stored_file_id)))
        .transpose()
}

#[derive(sqlx::FromRow)]
struct EventRow {
    at: String,
    kind: String,
    actor: String,
    by_support: i64,
    status: Option<String>,
    note: Option<String>,
}

/// A request's history, oldest first.
pub async fn history(
    conn: &mut Conn,
    request: &SupportRequestId,
) -> Result<Vec<SupportEvent>, sqlx::Error> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT at, kind, actor, by_support, status, note FROM support_events \
         WHERE request_id = $1 ORDER BY at, id",
    )
    .bind(request.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(SupportEvent {
                at: read_time(&row.at)?,
                kind: SupportEventKind::parse(&row.kind),
                by: row.actor,
                by_support: row.by_support != 0,
                status: row.status.as_deref().map(SupportStatus::parse),
                note: row.note,
            })
        })
        .collect()
}

/// The address of the partner user who filed the request.
pub async fn filed_by(
    conn: &mut Conn,
    id: &SupportRequestId,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT created_by FROM support_requests WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(conn)
        .await
}
