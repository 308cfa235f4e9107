//! Measures how fast the notification outbox drains, on SQLite and (when a PostgreSQL server
//! is given) on PostgreSQL: 10 000 events queued at once with a webhook delivery each, to a
//! receiver on this machine that answers 200, then 10 000 with a mail each, to a real SMTP
//! server (maildev from npm); prints events per second for each. `make bench` runs it. Not a
//! test: it measures and prints, and fails only when a delivery does not arrive.
//!
//! PostgreSQL: `BENCH_PG_URL` (a database to use as is) or `CSP_TEST_PG_URL` (a server on which
//! a fresh database is created, as `scripts/with-postgres.sh` provides).

mod common;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use csp_domain::notification::{EventData, EventType, SupportRequestCreated};
use csp_domain::Clock;
use csp_server::clock::ManualClock;
use csp_server::notify::Outbox;
use csp_server::startup::Application;
use csp_server::store::{new_id, new_ordered_id, outbox, webhooks, Db};
use csp_server::Config;

const EVENTS: usize = 10_000;
/// Events written per transaction while queueing.
const PER_TRANSACTION: usize = 500;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut backends = vec![(
        "SQLite",
        format!("sqlite://{}/bench.db", dir.path().display()),
    )];
    if let Some(url) = common::postgres_url("csp_notifications").await {
        backends.push(("PostgreSQL", url));
    }
    let smtp_port = free_port();
    let web_port = free_port();
    let maildev =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/.bin/maildev");
    let mut catcher = Command::new(&maildev)
        .args([
            "--ip",
            "127.0.0.1",
            "--smtp",
            &smtp_port.to_string(),
            "--web",
            &web_port.to_string(),
            "--silent",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {} ({e}): run scripts/setup-toolchain.sh",
                maildev.display()
            )
        });
    wait_for_port(smtp_port).await;

    let received = Arc::new(AtomicUsize::new(0));
    let hook_url = receiver(received.clone()).await;
    let mut failed = false;
    for (name, url) in &backends {
        let clock = ManualClock::starting_at(Utc::now());
        let mut config = Config::for_tests(url, dir.path().to_path_buf());
        config.seed_demo = true;
        config.demo_password = "bench".into();
        config.notifications.smtp_url = Some(format!("smtp://127.0.0.1:{smtp_port}"));
        let app = Application::build_with_clock(config, Arc::new(clock.clone()))
            .await
            .unwrap();
        let db = app.state().db.clone();
        let partner: csp_domain::PartnerId = {
            let mut conn = db.conn().await.unwrap();
            let id: String = sqlx::query_scalar("SELECT id FROM partners ORDER BY name LIMIT 1")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            id.parse().unwrap()
        };
        tokio::spawn(app.run_until(std::future::pending()));

        // Webhooks: one endpoint, an event each. Queued for later, then released at once.
        let webhook: csp_domain::WebhookId = new_id();
        let later = clock.now() + chrono::Duration::hours(1);
        {
            let mut conn = db.conn().await.unwrap();
            webhooks::insert(
                &mut conn,
                &webhooks::NewWebhook {
                    id: &webhook,
                    partner: &partner,
                    url: &hook_url,
                    events: &[EventType::OrderCreated],
                    secret: "whsec_bench",
                    created_by: "bench",
                    now: clock.now(),
                },
            )
            .await
            .unwrap();
        }
        let queued = Instant::now();
        queue(&db, EVENTS, |outbox, tx| {
            let (partner, webhook) = (partner.clone(), webhook.clone());
            Box::pin(async move {
                outbox
                    .record_test(tx, &partner, &webhook, "bench", later)
                    .await
                    .map(|_| ())
            })
        })
        .await;
        let queue_took = queued.elapsed();
        let took = drain(&db, &clock, later, EVENTS as i64).await;
        let arrived = received.swap(0, Ordering::SeqCst);
        println!(
            "{name}: {EVENTS} webhook events queued in {queue_took:.1?}, delivered in {took:.1?}: {:.0} events/s ({arrived} received)",
            EVENTS as f64 / took.as_secs_f64()
        );
        failed |= arrived < EVENTS;

        // Mail: one message each, to the support queue.
        let later = clock.now() + chrono::Duration::hours(1);
        let mail_outbox = Outbox {
            enabled: true,
            mail: true,
            support_queue: Some(csp_domain::Email::parse("queue@csp-support.example").unwrap()),
        };
        let queued = Instant::now();
        queue(&db, EVENTS, |_, tx| {
            let outbox = mail_outbox.clone();
            Box::pin(async move {
                let data = EventData::SupportRequestCreated(SupportRequestCreated {
                    support_request_id: new_ordered_id(),
                    number: 1,
                    title: "Bench".into(),
                    problem_type: "billing".into(),
                    customer_id: None,
                    order_id: None,
                    created_by: "bench@northwind.example".into(),
                });
                outbox.record(tx, None, data, later).await.map(|_| ())
            })
        })
        .await;
        let queue_took = queued.elapsed();
        let took = drain(&db, &clock, later, 2 * EVENTS as i64).await;
        println!(
            "{name}: {EVENTS} e-mail events queued in {queue_took:.1?}, sent over SMTP in {took:.1?}: {:.0} events/s",
            EVENTS as f64 / took.as_secs_f64()
        );
        let mut conn = db.conn().await.unwrap();
        let failures = outbox::count_in_state(&mut conn, "failed").await.unwrap();
        if failures > 0 {
            println!("  FAILED deliveries: {failures}");
            failed = true;
        }
    }
    let _ = catcher.kill();
    let _ = catcher.wait();
    if failed {
        std::process::exit(1);
    }
}

/// Writes `n` events with `record`, [`PER_TRANSACTION`] per transaction.
async fn queue<F>(db: &Db, n: usize, record: F)
where
    F: for<'a> Fn(
        &'a Outbox,
        &'a mut csp_server::store::Conn,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'a>,
    >,
{
    let outbox = Outbox {
        enabled: true,
        mail: false,
        support_queue: None,
    };
    let mut written = 0;
    while written < n {
        let mut tx = db.begin().await.unwrap();
        for _ in 0..PER_TRANSACTION.min(n - written) {
            record(&outbox, &mut tx).await.unwrap();
            written += 1;
        }
        tx.commit().await.unwrap();
    }
}

/// Moves the clock to `at` (the events become due) and waits until `total` deliveries are
/// delivered; returns how long that took.
async fn drain(db: &Db, clock: &ManualClock, at: chrono::DateTime<Utc>, total: i64) -> Duration {
    let started = Instant::now();
    clock.set(at);
    loop {
        let mut conn = db.conn().await.unwrap();
        let done = outbox::count_in_state(&mut conn, "delivered")
            .await
            .unwrap()
            + outbox::count_in_state(&mut conn, "failed").await.unwrap();
        if done >= total {
            return started.elapsed();
        }
        drop(conn);
        if started.elapsed() > Duration::from_secs(1800) {
            println!("  gave up waiting: {done} of {total}");
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A webhook receiver answering 200 to every delivery, counting them.
async fn receiver(count: Arc<AtomicUsize>) -> String {
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let count = count.clone();
            async move {
                count.fetch_add(1, Ordering::SeqCst);
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("maildev did not start on port {port}");
}
