//! Notifications: one durable outbox for e-mail and webhooks.
//!
//! A use case that changes something calls [`Outbox::record`] inside its own transaction: the
//! event and one delivery per recipient and per subscribed endpoint commit with the change or
//! not at all. The delivery worker (`deliver`) claims due deliveries, sends them — mail over
//! SMTP (`mail`), signed POSTs (`webhook`) — and retries with back-off until the domain's
//! `RetryPolicy` gives up; at least once, so receivers deduplicate by the event id.

pub mod deliver;
pub mod mail;
pub mod webhook;

use chrono::{DateTime, Utc};
use csp_domain::notification::{
    AccountInvitation, Audience, Event, EventData, MailPreference, PasswordReset, WebhookTest,
};
use csp_domain::{Email, EventId, PartnerId, WebhookId};

use crate::store::outbox::{self, Target};
use crate::store::users::{self, Recipient};
use crate::store::{new_ordered_id, webhooks, Conn};

/// What recording an event needs to know: whether mail is sent at all, and where the support
/// queue's mail goes.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    /// Off only while the demo data is written ([`Outbox::silent`]).
    pub enabled: bool,
    /// Mail deliveries are made (an SMTP server is configured).
    pub mail: bool,
    /// The support queue's address; every support agent when `None`.
    pub support_queue: Option<Email>,
}

impl Outbox {
    /// Records nothing: for the demo data, which must not mail its own users at every start.
    pub fn silent() -> Outbox {
        Outbox::default()
    }

    /// Records `data` as a new event of `partner` at `now`, with a delivery for each of the
    /// partner's endpoints that want its type and for each mail recipient. Call it inside the
    /// transaction of the change the event reports.
    pub async fn record(
        &self,
        conn: &mut Conn,
        partner: Option<&PartnerId>,
        data: EventData,
        now: DateTime<Utc>,
    ) -> Result<Option<EventId>, sqlx::Error> {
        if !self.enabled {
            return Ok(None);
        }
        let event = Event {
            id: new_ordered_id(),
            created_at: now,
            data,
        };
        let mut targets = Vec::new();
        if let Some(partner) = partner {
            for webhook in webhooks::subscribed(conn, partner, &event.data.event_type()).await? {
                targets.push(Target::Webhook(webhook));
            }
        }
        if self.mail {
            for r in self.mail_recipients(conn, partner, &event.data).await? {
                targets.push(Target::Mail {
                    to: r.email,
                    language: r.language,
                });
            }
        }
        outbox::insert_event(conn, &event, partner).await?;
        for target in &targets {
            outbox::add_delivery(conn, &new_ordered_id(), &event, target).await?;
        }
        Ok(Some(event.id))
    }

    /// Records a `webhook.test` event with one delivery: to `webhook`, whatever it subscribes
    /// to. Returns the event and delivery ids.
    pub async fn record_test(
        &self,
        conn: &mut Conn,
        partner: &PartnerId,
        webhook: &WebhookId,
        sent_by: &str,
        now: DateTime<Utc>,
    ) -> Result<(EventId, csp_domain::DeliveryId), sqlx::Error> {
        let event = Event {
            id: new_ordered_id(),
            created_at: now,
            data: EventData::WebhookTest(WebhookTest {
                webhook_id: webhook.clone(),
                sent_by: sent_by.to_string(),
            }),
        };
        let delivery = new_ordered_id();
        outbox::insert_event(conn, &event, Some(partner)).await?;
        outbox::add_delivery(conn, &delivery, &event, &Target::Webhook(webhook.clone())).await?;
        Ok((event.id, delivery))
    }

    /// Who is mailed about `data` (the domain's audience), each once, without those who
    /// switched the mail off.
    async fn mail_recipients(
        &self,
        conn: &mut Conn,
        partner: Option<&PartnerId>,
        data: &EventData,
    ) -> Result<Vec<Recipient>, sqlx::Error> {
        let Some(audience) = data.mail_audience() else {
            return Ok(Vec::new());
        };
        let wants = |settings: &users::MailSettings| match audience.preference() {
            Some(MailPreference::OrderConfirmations) => settings.order_confirmations,
            Some(MailPreference::SupportUpdates) => settings.support_updates,
            None => true,
        };
        let mut found = match (audience, data) {
            (Audience::Buyer, EventData::OrderCreated(o)) => {
                users::mail_settings(conn, &o.placed_by)
                    .await?
                    .filter(wants)
                    .map(|s| s.recipient)
                    .into_iter()
                    .collect()
            }
            (Audience::RequestFiler, EventData::SupportRequestUpdated(u)) => {
                users::mail_settings(conn, &u.created_by)
                    .await?
                    .filter(wants)
                    .map(|s| s.recipient)
                    .into_iter()
                    .collect()
            }
            (Audience::CustomerAdmins, EventData::CancellationCompleted(c)) => {
                users::customer_users(conn, &c.customer_id).await?
            }
            (Audience::SupportQueue, _) => match &self.support_queue {
                Some(queue) => vec![Recipient {
                    email: queue.as_str().to_string(),
                    language: "en".into(),
                }],
                None => users::support_agents(conn).await?,
            },
            (
                Audience::Addressee,
                EventData::AccountInvitation(AccountInvitation { email, .. }),
            )
            | (Audience::Addressee, EventData::PasswordReset(PasswordReset { email, .. })) => {
                users::mail_settings(conn, email)
                    .await?
                    .map(|s| s.recipient)
                    .into_iter()
                    .collect()
            }
            (Audience::GlobalAdmins, _) => match partner {
                Some(partner) => users::global_admins(conn, partner).await?,
                None => Vec::new(),
            },
            (Audience::AdminAgents, _) => match partner {
                Some(partner) => users::admin_agents(conn, partner).await?,
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        found.sort_by(|a, b| a.email.cmp(&b.email));
        found.dedup_by(|a, b| a.email == b.email);
        Ok(found)
    }
}

/// The `credit.created` event of a credit just booked.
pub fn credit_created(c: &crate::store::credits::NewCredit<'_>) -> EventData {
    EventData::CreditCreated(csp_domain::notification::CreditCreated {
        credit_id: c.id.clone(),
        order_id: c.order.clone(),
        customer_id: c.customer.clone(),
        amount: c.amount.amount(),
        currency: c.amount.currency(),
        source: c.source.clone(),
        source_id: c.source_id.to_string(),
        description: c.description.to_string(),
        invoice_month: csp_domain::InvoiceMonth::of(c.booked_at).next().to_string(),
    })
}
