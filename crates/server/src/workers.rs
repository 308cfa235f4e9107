//! Background work inside the server process: each worker loops until the stop signal, and
//! the work it does is safe to run in several replicas at once.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;
use crate::store::{files, outbox, sessions, sign_in};

/// How often expired sessions and old sign-in counts are removed.
const PRUNE_EVERY: Duration = Duration::from_secs(10 * 60);
/// How often the cancellation worker looks for due cancellations.
const CANCELLATIONS_EVERY: Duration = Duration::from_secs(1);
/// How often the renewal worker looks for terms that have ended and deadlines to remind of.
const RENEWALS_EVERY: Duration = Duration::from_secs(2);
/// How often the notification worker looks for due deliveries.
const NOTIFICATIONS_EVERY: Duration = Duration::from_millis(500);
/// How long delivered (and failed) notifications stay in the delivery logs.
const DELIVERIES_KEPT_DAYS: i64 = 30;

pub fn spawn_all(state: AppState, stopping: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    vec![
        tokio::spawn(every(PRUNE_EVERY, stopping.clone(), state.clone(), prune)),
        tokio::spawn(every(
            CANCELLATIONS_EVERY,
            stopping.clone(),
            state.clone(),
            process_cancellations,
        )),
        tokio::spawn(every(
            RENEWALS_EVERY,
            stopping.clone(),
            state.clone(),
            end_terms,
        )),
        tokio::spawn(every(
            NOTIFICATIONS_EVERY,
            stopping,
            state,
            deliver_notifications,
        )),
    ]
}

/// Processes every due cancellation. Each server process is one worker with its own name;
/// claims in the database keep two processes from doing the same one.
pub async fn process_cancellations(state: AppState) -> Result<(), sqlx::Error> {
    static WORKER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let worker = WORKER.get_or_init(|| format!("worker-{}", uuid::Uuid::new_v4()));
    while crate::cases::cancelling::process_next(
        &state.db,
        &state.settings.outbox,
        worker,
        state.clock.now(),
    )
    .await?
    {}
    Ok(())
}

/// Renews, or lets expire, every subscription whose term has ended, then sends the reminders
/// of terms and cancellation windows that end soon.
pub async fn end_terms(state: AppState) -> Result<(), sqlx::Error> {
    let (db, windows, outbox) = (
        &state.db,
        &state.settings.cancellation_windows,
        &state.settings.outbox,
    );
    // Reminders do not wait for a renewal that fails.
    let renewed = crate::cases::renewing::process_due(db, windows, outbox, state.clock.now()).await;
    crate::cases::reminding::remind_due(db, windows, outbox, state.clock.now()).await?;
    renewed.map(drop)
}

/// Sends the outbox's due mail and webhook deliveries.
pub async fn deliver_notifications(state: AppState) -> Result<(), sqlx::Error> {
    state.deliverer.run().await.map(|_| ())
}

/// The longest a failing job waits before it tries again.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Runs `job` now and then every `period` until told to stop. A failed run (the database
/// away, say) is retried after twice the previous wait, up to [`MAX_BACKOFF`], and logged
/// when the failures start and when they end — not at every try.
async fn every<F, Fut>(
    period: Duration,
    mut stopping: watch::Receiver<bool>,
    state: AppState,
    job: F,
) where
    F: Fn(AppState) -> Fut,
    Fut: std::future::Future<Output = Result<(), sqlx::Error>>,
{
    let mut wait = period;
    let mut failing = false;
    loop {
        match job(state.clone()).await {
            Ok(()) => {
                if failing {
                    tracing::info!("background job recovered");
                }
                failing = false;
                wait = period;
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "background job failed; retrying with back-off");
                }
                failing = true;
                wait = (wait * 2).clamp(period, MAX_BACKOFF.max(period));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stopping.wait_for(|stop| *stop) => return,
        }
    }
}

/// Deletes sessions past their lifetime or idle timeout, counts past their window, and stored
/// files nothing refers to.
pub async fn prune(state: AppState) -> Result<(), sqlx::Error> {
    let now = state.clock.now();
    let mut conn = state.db.conn().await?;
    let removed = sessions::prune(&mut conn, state.settings.session, now).await?;
    crate::store::two_step::prune_challenges(&mut conn, now).await?;
    let limits = &state.settings.sign_in;
    // The longest window of any bucket: sign-in limits, and the hourly upload allowance.
    let longest = limits.window.max(chrono::Duration::hours(1));
    sign_in::prune(&mut conn, now - longest, now - limits.known_source_for).await?;
    // Files reserved for a request that was never recorded (refused, or a crash midway).
    let orphans = files::prune_unattached(&mut conn, now - chrono::Duration::hours(2)).await?;
    if orphans > 0 {
        tracing::info!(orphans, "removed stored files attached to nothing");
    }
    if removed > 0 {
        tracing::info!(removed, "pruned expired sessions");
    }
    outbox::prune(
        &mut conn,
        now - chrono::Duration::days(DELIVERIES_KEPT_DAYS),
    )
    .await?;
    Ok(())
}
