//! "Now", as a parameter: rules that depend on time (the cancellation window, pending
//! cancellations, monthly invoices, session expiry) take it from a [`Clock`], so tests can
//! run them at chosen instants.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}
