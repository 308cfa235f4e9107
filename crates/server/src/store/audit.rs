//! The audit trail. Append-only: this module offers no update, and the database refuses one;
//! entries older than the retention are removed by [`purge`] alone.

use chrono::{DateTime, Utc};
use csp_domain::audit::{AuditAction, AuditEntry};
use csp_domain::{CustomerId, PartnerId, Principal, UserId};

use super::{db_time, new_ordered_id, read_time, Conn};

/// Who did it, from where, in which request.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The actor's partner: a partner's user's own. A customer's user's is their customer's
    /// partner, which [`record`] looks up from `customer`.
    pub partner: Option<PartnerId>,
    /// A customer's user's customer.
    pub customer: Option<CustomerId>,
    /// `partner`, `customer`, `support`, `system`, `anonymous`.
    pub kind: &'static str,
    pub user: Option<UserId>,
    pub email: String,
    pub client_ip: String,
    pub request_id: String,
}

impl Actor {
    /// A signed-in user. What a customer's user does is in their customer's partner's trail;
    /// what support does for a partner is put in that partner's by the event
    /// ([`Event::of_partner`]).
    pub fn user(principal: &Principal, email: &str, client_ip: &str, request_id: &str) -> Actor {
        let (partner, customer, kind) = match principal {
            Principal::Partner { partner, .. } => (Some(partner.clone()), None, "partner"),
            Principal::Customer { customer, .. } => (None, Some(customer.clone()), "customer"),
            Principal::Support { .. } => (None, None, "support"),
        };
        Actor {
            partner,
            customer,
            kind,
            user: Some(principal.user_id().clone()),
            email: email.to_string(),
            client_ip: client_ip.to_string(),
            request_id: request_id.to_string(),
        }
    }
}

impl Actor {
    /// Someone not signed in (a failed sign-in): the address typed, and the partner of the
    /// user it belongs to, if any.
    pub fn anonymous(
        email: &str,
        partner: Option<PartnerId>,
        client_ip: &str,
        request_id: &str,
    ) -> Actor {
        Actor {
            partner,
            customer: None,
            kind: "anonymous",
            user: None,
            email: email.to_string(),
            client_ip: client_ip.to_string(),
            request_id: request_id.to_string(),
        }
    }
}

impl Actor {
    /// The product's own background work for `partner` (a worker processing a cancellation).
    pub fn system(partner: &PartnerId) -> Actor {
        Actor {
            partner: Some(partner.clone()),
            customer: None,
            kind: "system",
            user: None,
            email: String::new(),
            client_ip: String::new(),
            request_id: String::new(),
        }
    }
}

/// What was done to what.
pub struct Event<'a> {
    pub action: AuditAction,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub customer: Option<&'a CustomerId>,
    /// Before and after, where it applies.
    pub detail: String,
    /// The partner whose trail it belongs to when the actor has none of its own (a support
    /// agent deciding a partner's request).
    pub partner: Option<&'a PartnerId>,
}

impl<'a> Event<'a> {
    pub fn new(action: AuditAction, target_type: &'a str, target_id: &'a str) -> Event<'a> {
        Event {
            action,
            target_type,
            target_id,
            customer: None,
            detail: String::new(),
            partner: None,
        }
    }

    pub fn customer(mut self, customer: &'a CustomerId) -> Self {
        self.customer = Some(customer);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    pub fn of_partner(mut self, partner: &'a PartnerId) -> Self {
        self.partner = Some(partner);
        self
    }
}

/// Records `event`, in the caller's transaction: it stands or falls with the action.
pub async fn record(
    conn: &mut Conn,
    actor: &Actor,
    event: Event<'_>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let partner = event.partner.or(actor.partner.as_ref());
    let customer = event.customer.or(actor.customer.as_ref());
    // A customer's user's partner is their customer's.
    sqlx::query(
        "INSERT INTO audit_events (id, at, partner_id, actor_kind, actor_id, actor_email, action, \
         target_type, target_id, customer_id, detail, client_ip, request_id) \
         VALUES ($1, $2, COALESCE($3, (SELECT partner_id FROM customers WHERE id = $14)), \
         $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(new_ordered_id::<uuid::Uuid>().to_string())
    .bind(db_time(at))
    .bind(partner.map(PartnerId::as_str))
    .bind(actor.kind)
    .bind(actor.user.as_ref().map(UserId::as_str))
    .bind(actor.email.chars().take(254).collect::<String>())
    .bind(event.action.as_str())
    .bind(event.target_type)
    .bind(event.target_id)
    .bind(customer.map(CustomerId::as_str))
    .bind(event.detail.chars().take(2000).collect::<String>())
    .bind(&actor.client_ip)
    .bind(&actor.request_id)
    .bind(actor.customer.as_ref().map(CustomerId::as_str))
    .execute(conn)
    .await?;
    Ok(())
}

/// Records `event` when there is an actor (demo data is written by nobody).
pub async fn record_by(
    conn: &mut Conn,
    actor: Option<&Actor>,
    event: Event<'_>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    match actor {
        Some(actor) => record(conn, actor, event, at).await,
        None => Ok(()),
    }
}

/// Whose trail is read.
pub enum Trail {
    /// A partner's: what its users did, and what was done for it.
    Partner(PartnerId),
    /// The support organisation's agents'.
    Support,
}

/// What the reader narrows the trail to.
#[derive(Default)]
pub struct Filter {
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub actor_email: Option<String>,
    pub action: Option<String>,
    pub customer: Option<String>,
    /// Entries older than this id (the previous page's last).
    pub before_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    at: String,
    actor_kind: String,
    actor_email: String,
    action: String,
    target_type: String,
    target_id: String,
    customer_id: Option<String>,
    detail: String,
    client_ip: String,
    request_id: String,
}

/// Up to `limit` entries of the trail, newest first (keyset: ids are ordered by time).
pub async fn list(
    conn: &mut Conn,
    trail: &Trail,
    filter: &Filter,
    limit: u32,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let (scope, key) = match trail {
        Trail::Partner(partner) => ("partner_id = $1", partner.as_str()),
        Trail::Support => ("actor_kind = $1", "support"),
    };
    let sql = format!(
        "SELECT id, at, actor_kind, actor_email, action, target_type, target_id, customer_id, \
         detail, client_ip, request_id FROM audit_events \
         WHERE {scope} AND at >= $2 AND at < $3 \
         AND ($4 = '' OR LOWER(actor_email) = $4) AND ($5 = '' OR action = $5) \
         AND ($6 = '' OR customer_id = $6) AND ($7 = '' OR id < $7) \
         ORDER BY id DESC LIMIT $8"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(key)
        .bind(filter.from.map(db_time).unwrap_or_default())
        // The end of the calendar as text still sorts after every stored time.
        .bind(filter.until.map(db_time).unwrap_or_else(|| "~".into()))
        .bind(
            filter
                .actor_email
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_lowercase(),
        )
        .bind(filter.action.as_deref().unwrap_or_default())
        .bind(filter.customer.as_deref().unwrap_or_default())
        .bind(filter.before_id.as_deref().unwrap_or_default())
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AuditEntry {
                at: read_time(&r.at)?,
                id: r.id,
                actor_kind: r.actor_kind,
                actor_email: r.actor_email,
                action: AuditAction::parse(&r.action),
                target_type: r.target_type,
                target_id: r.target_id,
                customer_id: r.customer_id,
                detail: r.detail,
                client_ip: r.client_ip,
                request_id: r.request_id,
            })
        })
        .collect()
}

/// Removes the entries older than `before` (the retention); returns how many. The horizon
/// moves first, in the same transaction: the database allows deleting nothing newer.
pub async fn purge(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    sqlx::query("UPDATE audit_purge_horizon SET before = $1 WHERE one = 1")
        .bind(db_time(before))
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("DELETE FROM audit_events WHERE at < $1")
        .bind(db_time(before))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
