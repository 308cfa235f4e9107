//! The server's clocks: the system clock in production, a hand-set one in tests.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
pub use csp_domain::Clock;

/// The time of the machine.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move: tests run time rules at chosen instants.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn starting_at(now: DateTime<Utc>) -> ManualClock {
        ManualClock(Arc::new(Mutex::new(now)))
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().expect("clock lock is never poisoned") = now;
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock lock is never poisoned") += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock is never poisoned")
    }
}
