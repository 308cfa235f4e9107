//! Slows down password guessing: after a few failed sign-ins for one email address, further
//! attempts are refused for a while. Kept in memory per server process; with several replicas
//! each counts its own, which still bounds guessing.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl SignInThrottle {
    /// `Err(wait)` while the address has used up its failures in the window.
    pub fn check(&self, email: &str, now: Instant) -> Result<(), Duration> {
        let mut failures = self.failures.lock().expect("throttle lock is never poisoned");
        let Some(times) = failures.get_mut(email) else { return Ok(()) };
        while times.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            times.pop_front();
        }
        if times.len() < MAX_FAILURES {
            return Ok(());
        }
        let oldest = *times.front().expect("full window is not empty");
        Err(WINDOW.saturating_sub(now.duration_since(oldest)))
    }

    pub fn record_failure(&self, email: &str, now: Instant) {
        let mut failures = self.failures.lock().expect("throttle lock is never poisoned");
        // Bound memory under a spray of made-up addresses.
        if failures.len() > 100_000 {
            failures.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        failures.entry(email.to_string()).or_default().push_back(now);
    }

    pub fn reset(&self, email: &str) {
        self.failures.lock().expect("throttle lock is never poisoned").remove(email);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_five_failures_until_the_window_passes() {
        let throttle = SignInThrottle::default();
        let start = Instant::now();
        for i in 0..MAX_FAILURES {
            assert!(throttle.check("a@b.example", start).is_ok(), "attempt {i}");
            throttle.record_failure("a@b.example", start);
        }
        let wait = throttle.check("a@b.example", start + Duration::from_secs(60)).unwrap_err();
        assert_eq!(wait, WINDOW - Duration::from_secs(60));
        assert!(throttle.check("other@b.example", start).is_ok(), "per address");
        assert!(throttle.check("a@b.example", start + WINDOW).is_ok());
    }

    #[test]
    fn success_clears_the_count() {
        let throttle = SignInThrottle::default();
        let now = Instant::now();
        for _ in 0..MAX_FAILURES {
            throttle.record_failure("a@b.example", now);
        }
        throttle.reset("a@b.example");
        assert!(throttle.check("a@b.example", now).is_ok());
    }
}
