//! The one start-up path, used by `main`, the tests and the bench: open and migrate the
//! database, seed what was asked, bind the listener; then serve until a shutdown signal, let
//! in-flight requests finish, and stop the background workers.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::Duration;
use csp_domain::Clock;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::clock::SystemClock;
use crate::config::Config;
use crate::http::router;
use crate::http::serve::serve;
use crate::notify::deliver::Deliverer;
use crate::notify::mail::Mailer;
use crate::notify::{webhook, Outbox};
use crate::seed;
use crate::state::{AppState, Settings};
use crate::store::sessions::SessionPolicy;
use crate::store::{backup, migrate, settings, Db};
use crate::workers;
use csp_domain::notification::Reach;

/// Records the operator's settings that change what partners may do (the cancellation
/// window of each product kind, R-CAN-1) when they differ from the last start's, with the
/// time: changing them needs no SQL, and leaves a trace.
async fn note_operator_settings(
    db: &Db,
    config: &Config,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    use csp_domain::catalog::ProductKind;
    let mut conn = db.conn().await?;
    for kind in [
        ProductKind::SoftwareSubscription,
        ProductKind::PerpetualSoftware,
        ProductKind::AzureReservation,
    ] {
        let days = config.cancellation_windows.days(kind);
        let value = days.map_or_else(|| "none".to_string(), |d| d.to_string());
        let setting = format!("cancellation_window_days.{}", kind.as_str());
        if settings::note_operator_value(&mut conn, &setting, &value, now).await? {
            tracing::info!(setting, value, "operator setting recorded");
        }
    }
    let max = config.refund_limit_max.to_string();
    settings::note_operator_value(&mut conn, "refund_limit_max", &max, now).await?;
    Ok(())
}

/// `notifications@` the public host, when `MAIL_FROM` is not set.
fn default_sender(public_url: &str) -> String {
    let host = url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .filter(|h| h.contains('.') && h.parse::<std::net::IpAddr>().is_err())
        .unwrap_or_else(|| "localhost.localdomain".into());
    format!("CSP Software Center <notifications@{host}>")
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
    config: Config,
    /// What `--seed-demo` created, to print for people.
    pub sign_ins: Vec<String>,
    /// Held while the server runs (SQLite): see `store::backup`.
    _in_use: Option<backup::InUse>,
}

impl Application {
    /// Everything up to listening, with the system clock.
    pub async fn build(config: Config) -> Result<Application, String> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Application, String> {
        // A restore must not replace a SQLite file under a running server: the lock is held
        // before the first connection opens the file.
        let in_use = match backup::sqlite_path(&config.database_url) {
            Ok(path) => Some(backup::hold(&path)?),
            Err(_) => None,
        };
        let db = Db::connect(&config.database_url, &config.db).await?;
        migrate::run(&db)
            .await
            .map_err(|e| format!("migrating the database failed: {e}"))?;
        let now = clock.now();
        note_operator_settings(&db, &config, now)
            .await
            .map_err(|e| format!("recording the settings failed: {e}"))?;
        seed::catalog::seed_catalog(&db)
            .await
            .map_err(|e| format!("writing the catalog failed: {e}"))?;
        // Demo users have a known password: on a public address only when it is said to be a demo.
        let public = !crate::config::is_loopback(&config.bind_addr);
        if public
            && !config.demo_allowed_in_public
            && seed::demo_users_present(&db)
                .await
                .map_err(|e| format!("reading the users failed: {e}"))?
        {
            return Err(format!(
                "the database holds the demo users, whose password is known, and {} is not a \
                 loopback address: set DEMO=1 if this is a demo, or use a database without them",
                config.bind_addr
            ));
        }
        let mut sign_ins = Vec::new();
        if config.seed_demo {
            sign_ins = seed::seed_demo(
                &db,
                &config.demo_password,
                &config.cancellation_windows,
                now,
            )
            .await
            .map_err(|e| format!("seeding demo data failed: {e}"))?;
        }
        if config.seed_customers > 0 {
            seed::seed_bulk_customers(&db, config.seed_customers, now)
                .await
                .map_err(|e| format!("seeding customers failed: {e}"))?;
        }
        if !config.dist_dir.join("index.html").exists() {
            tracing::warn!(dist = %config.dist_dir.display(), "no built app found; run `make run` or `make dist` (trunk build --release --offline)");
        }
        crate::cases::uploads::clear_spool(&config.uploads.tmp_dir);
        let listener = TcpListener::bind(&config.bind_addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.bind_addr))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read the address listened on: {e}"))?;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local_addr}"))
            .trim_end_matches('/')
            .to_string();
        let notifications = &config.notifications;
        // An attempt ends well within its lease, so no other process takes a delivery over
        // while it is still being sent.
        let send_timeout = |wanted: std::time::Duration| {
            let most = notifications.lease / 2;
            if wanted > most {
                tracing::warn!(?wanted, lease = ?notifications.lease, "a send timeout is capped at half of NOTIFY_LEASE_SECS");
            }
            wanted.min(most)
        };
        let mailer = match &notifications.smtp_url {
            Some(url) => {
                let from = notifications
                    .mail_from
                    .clone()
                    .unwrap_or_else(|| default_sender(&public_url));
                Some(Mailer::new(
                    url,
                    &from,
                    send_timeout(std::time::Duration::from_secs(30)),
                )?)
            }
            None => {
                tracing::info!("SMTP_URL is not set: no e-mail is sent (webhooks are)");
                None
            }
        };
        let outbox = Outbox {
            enabled: true,
            mail: mailer.is_some(),
            support_queue: notifications.support_queue.clone(),
        };
        let reach = Reach {
            // Demo mode: the demo and the tests receive webhooks on this machine.
            loopback: config.seed_demo,
            private: notifications.allow_private,
        };
        let deliverer = Arc::new(Deliverer {
            worker: format!("notify-{}", uuid::Uuid::new_v4()),
            db: db.clone(),
            clock: clock.clone(),
            mailer,
            webhooks: webhook::Sender::new(reach, send_timeout(notifications.webhook_timeout))?,
            retry: notifications.retry,
            lease: Duration::from_std(notifications.lease).unwrap_or(Duration::seconds(60)),
            public_url: public_url.clone(),
            outbox: outbox.clone(),
            // Only as many are claimed as are sent at once: each is sent as soon as it is claimed.
            batch: 16,
            parallel: 16,
        });
        let settings = Settings {
            cookie_secure: config.cookie_secure,
            trust_proxy: config.trust_proxy,
            metrics_token: config.metrics_token.clone(),
            sso_mfa_issuers: config.sso_mfa_issuers.clone(),
            session: SessionPolicy {
                lifetime: Duration::hours(config.session_hours),
                idle: Duration::minutes(config.session_idle_minutes),
            },
            sign_in: config.sign_in.clone(),
            request_timeout: config.request_timeout,
            cancellation_windows: config.cancellation_windows,
            public_url,
            serving: config.serving.clone(),
            uploads: config.uploads.clone(),
            cancellation_delay: config.cancellation_delay,
            refund_limit_max: config.refund_limit_max,
            outbox,
            webhook_reach: reach,
            two_step_required: config.require_two_step.unwrap_or(!config.seed_demo),
        };
        let state = AppState::new(db, config.customer_lists, clock, settings, deliverer);
        Ok(Application {
            listener,
            state,
            config,
            sign_ins,
            _in_use: in_use,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then waits for in-flight requests and the workers.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), String> {
        let (stop_workers, stopping) = watch::channel(false);
        let workers = workers::spawn_all(self.state.clone(), stopping);
        let app = router(self.state.clone(), &self.config.dist_dir);
        serve(self.listener, app, &self.config.serving, shutdown).await;
        let _ = stop_workers.send(true);
        for worker in workers {
            let _ = worker.await;
        }
        self.state.db.close().await;
        Ok(())
    }
}

/// Completes on SIGTERM (what process managers send) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
