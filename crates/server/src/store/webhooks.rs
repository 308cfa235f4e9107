//! Partners' webhook endpoints: where they are, which event types they want, and the secrets
//! deliveries are signed with (the previous one too, for a while after a rotation).

use chrono::{DateTime, Utc};
use csp_domain::notification::{EventType, Webhook};
use csp_domain::{PartnerId, WebhookId};

use super::{db_time, decode, read_time, Conn};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    url: String,
    events: String,
    active: i64,
    disabled_reason: Option<String>,
    created_by: String,
    created_at: String,
    previous_secret_until: Option<String>,
    secret: String,
    previous_secret: Option<String>,
}

const COLUMNS: &str = "id, url, events, active, disabled_reason, created_by, created_at, \
                       previous_secret_until, secret, previous_secret";

/// An endpoint with its secrets, as the delivering worker needs it.
#[derive(Debug, Clone)]
pub struct StoredWebhook {
    pub webhook: Webhook,
    pub secret: String,
    /// The secret before the last rotation, while it still signs.
    pub previous_secret: Option<String>,
}

impl StoredWebhook {
    /// The secrets a delivery at `now` is signed with: the current one, and the previous one
    /// until its overlap ends.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (
            &self.previous_secret,
            self.webhook.previous_secret_expires_at,
        ) {
            if now < until {
                secrets.push(previous);
            }
        }
        secrets
    }
}

impl TryFrom<Row> for StoredWebhook {
    type Error = sqlx::Error;
    fn try_from(r: Row) -> Result<StoredWebhook, sqlx::Error> {
        Ok(StoredWebhook {
            webhook: Webhook {
                id: decode("webhook id", &r.id, WebhookId::parse)?,
                url: r.url,
                events: r.events.split_whitespace().map(EventType::parse).collect(),
                active: r.active != 0,
                disabled_reason: r.disabled_reason,
                created_at: read_time(&r.created_at)?,
                created_by: r.created_by,
                previous_secret_expires_at: r
                    .previous_secret_until
                    .as_deref()
                    .map(read_time)
                    .transpose()?,
            },
            secret: r.secret,
            previous_secret: r.previous_secret,
        })
    }
}

pub struct NewWebhook<'a> {
    pub id: &'a WebhookId,
    pub partner: &'a PartnerId,
    pub url: &'a str,
    pub events: &'a [EventType],
    pub secret: &'a str,
    pub created_by: &'a str,
    pub now: DateTime<Utc>,
}

fn events_text(events: &[EventType]) -> String {
    events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn insert(conn: &mut Conn, w: &NewWebhook<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhooks (id, partner_id, url, events, secret, active, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7)",
    )
    .bind(w.id.as_str())
    .bind(w.partner.as_str())
    .bind(w.url)
    .bind(events_text(w.events))
    .bind(w.secret)
    .bind(w.created_by)
    .bind(db_time(w.now))
    .execute(conn)
    .await?;
    Ok(())
}

/// The partner's endpoints, oldest first.
pub async fn list(conn: &mut Conn, partner: &PartnerId) -> Result<Vec<StoredWebhook>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM webhooks WHERE partner_id = $1 ORDER BY created_at, id"
    ))
    .bind(partner.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(StoredWebhook::try_from).collect()
}

/// One endpoint; with `Some(partner)` only if it is that partner's.
pub async fn get(
    conn: &mut Conn,
    partner: Option<&PartnerId>,
    id: &WebhookId,
) -> Result<Option<StoredWebhook>, sqlx::Error> {
    let row: Option<Row> = match partner {
        Some(partner) => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM webhooks WHERE id = $1 AND partner_id = $2"
            ))
            .bind(id.as_str())
            .bind(partner.as_str())
            .fetch_optional(conn)
            .await?
        }
        None => {
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM webhooks WHERE id = $1"))
                .bind(id.as_str())
                .fetch_optional(conn)
                .await?
        }
    };
    row.map(StoredWebhook::try_from).transpose()
}

/// The partner's active endpoints that want `event`.
pub async fn subscribed(
    conn: &mut Conn,
    partner: &PartnerId,
    event: &EventType,
) -> Result<Vec<WebhookId>, sqlx::Error> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, events FROM webhooks WHERE partner_id = $1 AND active = 1")
            .bind(partner.as_str())
            .fetch_all(conn)
            .await?;
    rows.into_iter()
        .filter(|(_, events)| events.split_whitespace().any(|e| e == event.as_str()))
        .map(|(id, _)| decode("webhook id", &id, WebhookId::parse))
        .collect()
}

/// Switches an endpoint on (clearing why it was off) or off, and/or sets its event types.
pub async fn change(
    conn: &mut Conn,
    id: &WebhookId,
    active: Option<bool>,
    events: Option<&[EventType]>,
    disabled_reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    if let Some(active) = active {
        sqlx::query("UPDATE webhooks SET active = $2, disabled_reason = $3 WHERE id = $1")
            .bind(id.as_str())
            .bind(i64::from(active))
            .bind(if active { None } else { disabled_reason })
            .execute(&mut *conn)
            .await?;
    }
    if let Some(events) = events {
        sqlx::query("UPDATE webhooks SET events = $2 WHERE id = $1")
            .bind(id.as_str())
            .bind(events_text(events))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Switches an active endpoint off because it kept failing. `false` if it was off already.
pub async fn disable(conn: &mut Conn, id: &WebhookId, reason: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhooks SET active = 0, disabled_reason = $2 WHERE id = $1 AND active = 1",
    )
    .bind(id.as_str())
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new secret; the current one keeps signing until `overlap_until`.
pub async fn rotate_secret(
    conn: &mut Conn,
    id: &WebhookId,
    secret: &str,
    overlap_until: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhooks SET previous_secret = secret, previous_secret_until = $3, secret = $2 WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(secret)
    .bind(db_time(overlap_until))
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the endpoint with its delivery log.
pub async fn delete(conn: &mut Conn, id: &WebhookId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM deliveries WHERE webhook_id = $1")
        .bind(id.as_str())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM webhooks WHERE id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}
