//! The delivery worker: claims due deliveries, sends them, and records each attempt — the next
//! attempt after the domain's back-off, or failure for good once it gives up. An endpoint
//! whose deliveries failed for good with nothing delivered since is switched off, and the
//! partner's Global admins are mailed.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use csp_domain::notification::{EventData, RetryPolicy, WebhookDisabled};
use csp_domain::{Clock, PartnerId, WebhookId};
use rand::Rng;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::mail::Mailer;
use super::webhook::Sender;
use super::Outbox;
use crate::store::outbox::{self, Attempt, Claimed, Target};
use crate::store::{webhooks, Db};

/// Everything delivering needs; one per server process.
pub struct Deliverer {
    /// This process's name in its claims.
    pub worker: String,
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// `None` when no SMTP server is configured: mail deliveries are not made.
    pub mailer: Option<Mailer>,
    pub webhooks: Sender,
    pub retry: RetryPolicy,
    /// How long a worker holds a claimed delivery before another may send it again.
    pub lease: Duration,
    /// The origin of the links in mails.
    pub public_url: String,
    /// Records the "endpoint switched off" mail.
    pub outbox: Outbox,
    /// Deliveries claimed at once, and sent at the same time.
    pub batch: u32,
    pub parallel: usize,
}

impl Deliverer {
    /// Sends every delivery that is due, batch by batch, until none is; returns how many
    /// attempts were made.
    pub async fn run(self: &Arc<Self>) -> Result<usize, sqlx::Error> {
        let worker = self.worker.as_str();
        let slots = Arc::new(Semaphore::new(self.parallel.max(1)));
        let mut attempts = 0;
        loop {
            let now = self.clock.now();
            let claimed = outbox::claim_due(
                &mut *self.db.conn().await?,
                worker,
                now,
                self.lease,
                self.batch,
            )
            .await?;
            if claimed.is_empty() {
                return Ok(attempts);
            }
            attempts += claimed.len();
            let mut running = JoinSet::new();
            for delivery in claimed {
                let permit = slots.clone().acquire_owned().await.expect("never closed");
                let this = self.clone();
                let worker = worker.to_string();
                running.spawn(async move {
                    let result = this.deliver(&worker, delivery).await;
                    drop(permit);
                    result
                });
            }
            let mut first_error = None;
            while let Some(done) = running.join_next().await {
                match done {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => first_error = first_error.or(Some(e)),
                    Err(panic) => tracing::error!(error = %panic, "a delivery task panicked"),
                }
            }
            if let Some(e) = first_error {
                // The database failed while recording: the claims run out and are tried again.
                return Err(e);
            }
        }
    }

    /// Makes one attempt of `d` and records how it went.
    async fn deliver(&self, worker: &str, d: Claimed) -> Result<(), sqlx::Error> {
        let started = Instant::now();
        let now = self.clock.now();
        let (result, webhook) = match &d.target {
            Target::Mail { to, language } => {
                let Some(mailer) = &self.mailer else {
                    return self.skip(&d, "mail is not configured (SMTP_URL)").await;
                };
                let Some(mail) = super::mail::render(&d.event.data, language, &self.public_url)
                else {
                    return self.skip(&d, "this event has no mail").await;
                };
                let sent = mailer.send(to, &mail).await;
                let outcome = match sent {
                    Ok(()) => Sent::ok(None),
                    Err(e) => Sent::failed(None, e.message, e.permanent),
                };
                (outcome, None)
            }
            Target::Webhook(id) => {
                let found = webhooks::get(&mut *self.db.conn().await?, None, id).await?;
                let Some(hook) = found.filter(|h| h.webhook.active) else {
                    return self
                        .skip(&d, "the endpoint was switched off or removed")
                        .await;
                };
                let body = serde_json::to_vec(&d.event).expect("events serialise");
                let outcome = self
                    .webhooks
                    .send(
                        &hook.webhook.url,
                        d.event.id.as_str(),
                        &hook.signing_secrets(now),
                        now.timestamp(),
                        body,
                    )
                    .await;
                let sent = match outcome.error {
                    None => Sent::ok(outcome.status),
                    Some(error) => Sent::failed(outcome.status, error, outcome.permanent),
                };
                (sent, Some((id.clone(), hook.webhook.url)))
            }
        };
        let finished = self.clock.now();
        let retry_at = match (&result.error, result.permanent) {
            (None, _) | (Some(_), true) => None,
            (Some(_), false) => self.retry.next_wait(d.attempts).map(|wait| {
                // Up to a tenth more, so deliveries that failed together do not retry together.
                let jitter = rand::thread_rng().gen_range(0.0..0.1);
                finished + Duration::from_std(wait.mul_f64(1.0 + jitter)).unwrap_or(Duration::MAX)
            }),
        };
        let attempt = Attempt {
            status: result.status,
            error: result.error.as_deref(),
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        };
        let delivered = result.error.is_none();
        let mut conn = self.db.conn().await?;
        if !outbox::finish(
            &mut conn, &d.id, worker, &attempt, delivered, retry_at, finished,
        )
        .await?
        {
            // The lease ran out mid-attempt and another worker took the delivery over.
            return Ok(());
        }
        drop(conn);
        if let (Some(error), None) = (&result.error, retry_at) {
            tracing::warn!(delivery = %d.id, event = %d.event.id, attempts = d.attempts, %error,
                "notification not delivered; no more attempts");
            if let (Some((webhook, url)), Some(partner)) = (webhook, &d.partner) {
                let reason = if result.permanent {
                    format!("deliveries are refused: {error}")
                } else {
                    format!("deliveries kept failing; the last error: {error}")
                };
                self.switch_off_if_failing(
                    partner,
                    &webhook,
                    &url,
                    d.created_at,
                    &reason,
                    error,
                    finished,
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn skip(&self, d: &Claimed, reason: &str) -> Result<(), sqlx::Error> {
        outbox::skip(&mut *self.db.conn().await?, &d.id, reason, self.clock.now()).await
    }

    /// Switches the endpoint off when nothing reached it since `since` (the failed delivery
    /// was made), drops what waits for it, and tells the partner's Global admins.
    #[allow(clippy::too_many_arguments)]
    async fn switch_off_if_failing(
        &self,
        partner: &PartnerId,
        webhook: &WebhookId,
        url: &str,
        since: DateTime<Utc>,
        reason: &str,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.db.begin().await?;
        if outbox::delivered_since(&mut tx, webhook, since).await? {
            return Ok(());
        }
        if !webhooks::disable(&mut tx, webhook, reason).await? {
            return Ok(());
        }
        outbox::skip_waiting_for(&mut tx, webhook, "the endpoint was switched off", now).await?;
        self.outbox
            .record(
                &mut tx,
                Some(partner),
                EventData::WebhookDisabled(WebhookDisabled {
                    webhook_id: webhook.clone(),
                    url: url.to_string(),
                    last_error: error.to_string(),
                }),
                now,
            )
            .await?;
        tx.commit().await?;
        tracing::warn!(webhook = %webhook, %url, reason, "webhook endpoint switched off");
        Ok(())
    }
}

/// How an attempt went.
struct Sent {
    status: Option<u16>,
    error: Option<String>,
    permanent: bool,
}

impl Sent {
    fn ok(status: Option<u16>) -> Sent {
        Sent {
            status,
            error: None,
            permanent: false,
        }
    }

    fn failed(status: Option<u16>, error: String, permanent: bool) -> Sent {
        Sent {
            status,
            error: Some(error),
            permanent,
        }
    }
}
