//! The notification outbox: events, written in the transaction of the change they report, and
//! their deliveries (one per mail recipient or webhook endpoint), which workers claim with a
//! lease — `FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite — so two
//! processes never send one at the same time, and a crashed worker's claim runs out.

use chrono::{DateTime, Duration, Utc};
use csp_domain::notification::{DeliveryState, Event, EventData, EventType, WebhookDelivery};
use csp_domain::{DeliveryId, EventId, PartnerId, WebhookId};

use super::{db_time, decode, decode_error, read_time, Conn};

/// Where one delivery goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Mail { to: String, language: String },
    Webhook(WebhookId),
}

/// Writes the event. Its deliveries follow with [`add_delivery`], in the same transaction.
pub async fn insert_event(
    conn: &mut Conn,
    event: &Event,
    partner: Option<&PartnerId>,
) -> Result<(), sqlx::Error> {
    let data = serde_json::to_string(&event.data)
        .map_err(|e| decode_error("event", event.id.as_str(), e))?;
    sqlx::query(
        "INSERT INTO outbox_events (id, type, partner_id, created_at, data) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(event.id.as_str())
    .bind(event.data.event_type().as_str().to_string())
    .bind(partner.map(|p| p.as_str()))
    .bind(db_time(event.created_at))
    .bind(data)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_delivery(
    conn: &mut Conn,
    id: &DeliveryId,
    event: &Event,
    target: &Target,
) -> Result<(), sqlx::Error> {
    let (channel, webhook, to, language) = match target {
        Target::Mail { to, language } => ("email", None, Some(to.as_str()), language.as_str()),
        Target::Webhook(id) => ("webhook", Some(id.as_str()), None, "en"),
    };
    let at = db_time(event.created_at);
    sqlx::query(
        "INSERT INTO deliveries (id, event_id, channel, webhook_id, email_to, language, state, attempts, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7)",
    )
    .bind(id.as_str())
    .bind(event.id.as_str())
    .bind(channel)
    .bind(webhook)
    .bind(to)
    .bind(language)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A delivery a worker holds, with its event and (for a webhook) its endpoint.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: DeliveryId,
    pub event: Event,
    pub partner: Option<PartnerId>,
    pub target: Target,
    /// Including the one about to be made.
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: String,
    event_id: String,
    partner_id: Option<String>,
    event_created_at: String,
    data: String,
    webhook_id: Option<String>,
    email_to: Option<String>,
    language: String,
    attempts: i64,
    created_at: String,
}

impl TryFrom<ClaimedRow> for Claimed {
    type Error = sqlx::Error;
    fn try_from(r: ClaimedRow) -> Result<Claimed, sqlx::Error> {
        let data: EventData = serde_json::from_str(&r.data)
            .map_err(|e| decode_error("event data", &r.event_id, e))?;
        let target = match (r.webhook_id, r.email_to) {
            (Some(w), _) => Target::Webhook(decode("webhook id", &w, WebhookId::parse)?),
            (None, Some(to)) => Target::Mail {
                to,
                language: r.language,
            },
            (None, None) => return Err(decode_error("delivery", &r.id, "no target")),
        };
        Ok(Claimed {
            id: decode("delivery id", &r.id, DeliveryId::parse)?,
            event: Event {
                id: decode("event id", &r.event_id, EventId::parse)?,
                created_at: read_time(&r.event_created_at)?,
                data,
            },
            partner: r
                .partner_id
                .as_deref()
                .map(|p| decode("partner id", p, PartnerId::parse))
                .transpose()?,
            target,
            attempts: u32::try_from(r.attempts).unwrap_or(u32::MAX),
            created_at: read_time(&r.created_at)?,
        })
    }
}

/// Claims up to `limit` due deliveries for `worker` until `now + lease`: those waiting for an
/// attempt, and those whose worker's lease ran out (it crashed mid-delivery: sent again, at
/// least once). Each claim counts as an attempt.
pub async fn claim_due(
    conn: &mut Conn,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u32,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let due = "state IN ('pending', 'sending') AND next_attempt_at <= $2";
    let skip_locked = if conn.backend_name() == "PostgreSQL" {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE deliveries SET state = 'sending', claimed_by = $1, next_attempt_at = $3, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM deliveries WHERE {due} ORDER BY next_attempt_at LIMIT $4{skip_locked}) \
         AND {due} RETURNING id"
    );
    let ids: Vec<String> = sqlx::query_scalar(&sql)
        .bind(worker)
        .bind(db_time(now))
        .bind(db_time(now + lease))
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT d.id, d.event_id, e.partner_id, e.created_at AS event_created_at, e.data, d.webhook_id, \
         d.email_to, d.language, d.attempts, d.created_at \
         FROM deliveries d JOIN outbox_events e ON e.id = d.event_id WHERE d.id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, ClaimedRow>(&sql);
    for id in &ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.id.clone();
        match Claimed::try_from(row) {
            Ok(delivery) => claimed.push(delivery),
            // One this build cannot read (an event type of a newer release, say) fails alone,
            // instead of holding back the deliveries claimed with it.
            Err(e) => {
                tracing::error!(delivery = %id, error = %e, "a delivery cannot be read; marked failed");
                sqlx::query(
                    "UPDATE deliveries SET state = 'failed', finished_at = $2, last_error = $3, claimed_by = NULL \
                     WHERE id = $1",
                )
                .bind(&id)
                .bind(db_time(now))
                .bind(e.to_string())
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(claimed)
}

/// The outcome of one attempt.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub status: Option<u16>,
    pub error: Option<&'a str>,
    pub duration_ms: u64,
}

/// Records an attempt's outcome for the worker that holds the delivery: delivered, waiting
/// for the next attempt at `retry_at`, or (`None`) failed for good. `false` when the claim was
/// lost meanwhile (the lease ran out and another worker took it over).
pub async fn finish(
    conn: &mut Conn,
    id: &DeliveryId,
    worker: &str,
    attempt: &Attempt<'_>,
    delivered: bool,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let (state, next, finished) = match (delivered, retry_at) {
        (true, _) => ("delivered", now, Some(db_time(now))),
        (false, Some(at)) => ("pending", at, None),
        (false, None) => ("failed", now, Some(db_time(now))),
    };
    let done = sqlx::query(
        "UPDATE deliveries SET state = $3, next_attempt_at = $4, finished_at = $5, last_status = $6, \
         last_error = $7, last_duration_ms = $8, claimed_by = NULL \
         WHERE id = $1 AND claimed_by = $2 AND state = 'sending'",
    )
    .bind(id.as_str())
    .bind(worker)
    .bind(state)
    .bind(db_time(next))
    .bind(finished)
    .bind(attempt.status.map(i64::from))
    .bind(attempt.error)
    .bind(i64::try_from(attempt.duration_ms).unwrap_or(i64::MAX))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a claimed delivery as not sent (its endpoint is gone or switched off).
pub async fn skip(
    conn: &mut Conn,
    id: &DeliveryId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE deliveries SET state = 'skipped', finished_at = $2, last_error = $3, claimed_by = NULL \
         WHERE id = $1 AND state IN ('pending', 'sending')",
    )
    .bind(id.as_str())
    .bind(db_time(now))
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the endpoint delivered anything since `since` (finished then or later).
pub async fn delivered_since(
    conn: &mut Conn,
    webhook: &WebhookId,
    since: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM deliveries WHERE webhook_id = $1 AND state = 'delivered' AND finished_at >= $2",
    )
    .bind(webhook.as_str())
    .bind(db_time(since))
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// Marks the endpoint's waiting deliveries as not sent.
pub async fn skip_waiting_for(
    conn: &mut Conn,
    webhook: &WebhookId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE deliveries SET state = 'skipped', finished_at = $2, last_error = $3 \
         WHERE webhook_id = $1 AND state = 'pending'",
    )
    .bind(webhook.as_str())
    .bind(db_time(now))
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

#[derive(sqlx::FromRow)]
struct LogRow {
    id: String,
    event_id: String,
    event_type: String,
    state: String,
    attempts: i64,
    last_status: Option<i64>,
    last_error: Option<String>,
    last_duration_ms: Option<i64>,
    next_attempt_at: String,
    created_at: String,
    finished_at: Option<String>,
}

/// The endpoint's latest deliveries, newest first: its delivery log.
pub async fn log_for_webhook(
    conn: &mut Conn,
    webhook: &WebhookId,
    limit: u32,
) -> Result<Vec<WebhookDelivery>, sqlx::Error> {
    let rows: Vec<LogRow> = sqlx::query_as(
        "SELECT d.id, d.event_id, e.type AS event_type, d.state, d.attempts, d.last_status, d.last_error, \
         d.last_duration_ms, d.next_attempt_at, d.created_at, d.finished_at \
         FROM deliveries d JOIN outbox_events e ON e.id = d.event_id \
         WHERE d.webhook_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT $2",
    )
    .bind(webhook.as_str())
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let state = DeliveryState::parse(&r.state);
            let waiting = state == DeliveryState::Pending;
            Ok(WebhookDelivery {
                id: decode("delivery id", &r.id, DeliveryId::parse)?,
                event_id: decode("event id", &r.event_id, EventId::parse)?,
                event_type: EventType::parse(&r.event_type),
                state,
                attempts: u32::try_from(r.attempts).unwrap_or(u32::MAX),
                response_status: r.last_status.and_then(|s| u16::try_from(s).ok()),
                error: r.last_error,
                duration_ms: r.last_duration_ms.and_then(|d| u64::try_from(d).ok()),
                next_attempt_at: if waiting {
                    Some(read_time(&r.next_attempt_at)?)
                } else {
                    None
                },
                created_at: read_time(&r.created_at)?,
                finished_at: r.finished_at.as_deref().map(read_time).transpose()?,
            })
        })
        .collect()
}

/// Removes finished deliveries older than `before`, and events left without deliveries.
pub async fn prune(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM deliveries WHERE state IN ('delivered', 'failed', 'skipped') AND finished_at < $1",
    )
    .bind(db_time(before))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM outbox_events WHERE created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = outbox_events.id)",
    )
    .bind(db_time(before))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// How many deliveries are in `state` (tests and the bench watch the outbox drain).
pub async fn count_in_state(conn: &mut Conn, state: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE state = $1")
        .bind(state)
        .fetch_one(conn)
        .await
}
