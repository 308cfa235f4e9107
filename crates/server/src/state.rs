//! What every handler, use case and worker shares: the database, the customer lists held in
//! memory, the clock and the settings the configuration decided. No module here knows the
//! router it is mounted on.

use std::sync::Arc;
use std::time::Duration;

use csp_domain::catalog::CancellationWindows;
use csp_domain::Clock;
use tokio::sync::Semaphore;

use crate::cases::sign_in_guard::SignInLimits;
use crate::cases::uploads::UploadSlots;
use crate::config::{ServeLimits, UploadLimits};
use crate::customer_lists::{CustomerLists, ListPolicy};
use crate::notify::deliver::Deliverer;
use crate::notify::Outbox;
use crate::store::sessions::SessionPolicy;
use crate::store::Db;

/// What the handlers share: the database, the clock and the settings.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Large partners' customer lists, held in memory current to the database.
    pub customer_lists: Arc<CustomerLists>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    /// Bounds concurrent password hashing (argon2 takes ~19 MiB and a core for a while).
    pub password_checks: Arc<Semaphore>,
    /// Uploads being received, server-wide and per user.
    pub upload_slots: Arc<UploadSlots>,
    /// Sends the outbox's mail and webhook deliveries (the worker's).
    pub deliverer: Arc<Deliverer>,
    /// Identity providers' discovery documents and keys (single sign-on).
    pub discovery: Arc<crate::cases::sso::Discovery>,
    /// Counters and histograms for `GET /metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// Behaviour the configuration decides.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Served over HTTPS: `Secure`, `__Host-` cookie and HSTS.
    pub cookie_secure: bool,
    /// Read the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// The bearer token that opens `GET /metrics` to other machines.
    pub metrics_token: Option<String>,
    /// Identity providers whose `amr` claim of a second factor the operator trusts in place of
    /// the product's two-step sign-in (`SSO_MFA_ISSUERS`).
    pub sso_mfa_issuers: Vec<String>,
    pub session: SessionPolicy,
    pub sign_in: SignInLimits,
    /// The longest an API request may take.
    pub request_timeout: Duration,
    /// Days after purchase each product kind may be cancelled (R-CAN-1).
    pub cancellation_windows: CancellationWindows,
    /// Where people reach the product (`PUBLIC_URL`, or on loopback the address listened
    /// on), without a trailing slash: the origin of every link it hands out.
    pub public_url: String,
    /// How long after a cancellation request the worker processes it.
    pub cancellation_delay: Duration,
    /// The highest self-service refund limit a partner may set.
    pub refund_limit_max: csp_domain::RefundLimit,
    /// What one connection and one request may hold.
    pub serving: ServeLimits,
    /// Limits on uploaded files.
    pub uploads: UploadLimits,
    /// Where the use cases record the events they cause.
    pub outbox: Outbox,
    /// Which addresses webhook endpoints may have besides public ones.
    pub webhook_reach: csp_domain::notification::Reach,
    /// Partner users whose roles buy, cancel or manage users must set up two-step sign-in.
    pub two_step_required: bool,
}

impl AppState {
    pub fn new(
        db: Db,
        lists: ListPolicy,
        clock: Arc<dyn Clock>,
        settings: Settings,
        deliverer: Arc<Deliverer>,
    ) -> Self {
        let checkers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .max(2);
        AppState {
            db,
            customer_lists: Arc::new(CustomerLists::new(lists)),
            clock,
            password_checks: Arc::new(Semaphore::new(checkers)),
            upload_slots: UploadSlots::new(&settings.uploads),
            deliverer,
            discovery: Arc::new(crate::cases::sso::Discovery::new(settings.webhook_reach)),
            metrics: Arc::default(),
            settings: Arc::new(settings),
        }
    }
}
