//! What every handler, use case and worker shares: the database, the customer lists held in
//! memory, the clock and the settings the configuration decided. No module here knows the
//! router it is mounted on.

use std::sync::Arc;
use std::time::Duration;

use csp_domain::catalog::CancellationWindows;
use csp_domain::Clock;
use tokio::sync::Semaphore;

use crate::cases::sign_in_guard::SignInLimits;
use crate::customer_lists::{CustomerLists, ListPolicy};
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
}

/// Behaviour the configuration decides.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Served over HTTPS: `Secure`, `__Host-` cookie and HSTS.
    pub cookie_secure: bool,
    /// Read the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    pub session: SessionPolicy,
    pub sign_in: SignInLimits,
    /// The longest an API request may take.
    pub request_timeout: Duration,
    /// Days after purchase each product kind may be cancelled (R-CAN-1).
    pub cancellation_windows: CancellationWindows,
    /// Where people reach the product (`PUBLIC_URL`), for links it hands out.
    pub public_url: Option<String>,
    /// How long after a cancellation request the worker processes it.
    pub cancellation_delay: Duration,
    /// The highest self-service refund limit a partner may set.
    pub refund_limit_max: csp_domain::RefundLimit,
}

impl AppState {
    pub fn new(db: Db, lists: ListPolicy, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        let checkers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .max(2);
        AppState {
            db,
            customer_lists: Arc::new(CustomerLists::new(lists)),
            clock,
            settings: Arc::new(settings),
            password_checks: Arc::new(Semaphore::new(checkers)),
        }
    }
}
