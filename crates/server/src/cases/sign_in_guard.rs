//! Limits on password guessing, shared by every replica through the database.
//!
//! An attempt is counted *before* its password is checked, atomically, in several buckets. A
//! client's network is its /24 (IPv4) or /64 (IPv6): one machine has a whole /64 to choose
//! from, and a hundred neighbouring IPv4 addresses are one place, not a hundred.
//!
//! | bucket | limit (per 15 minutes) | stops |
//! |---|---|---|
//! | address from one network | 5 | guessing one account from one place |
//! | one network, any address | 10 failures | spraying many accounts from one place |
//! | address, from networks it never signed in from | 5 | guessing one account from many places |
//!
//! The last never applies to a network the user has signed in from in the last 30 days, so a
//! stranger's guesses do not lock the real user out of their usual places; from a new place
//! the lock ends with the window (at most 15 minutes). A refused attempt is not counted, and a
//! successful one clears its address's counts.
//!
//! Failures from unknown networks are also counted all together: above
//! `alert_from_unknown_networks` in a window an error is logged (an alert for the operator:
//! a distributed attack) and each attempt from an unknown network waits a moment before its
//! password is checked — slowed, never refused, so an attacker cannot lock everybody out.
//! Argon2 work is bounded by a semaphore.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use csp_domain::{Email, UserId};
use sha2::{Digest, Sha256};

use crate::store::{sign_in, Conn};

#[derive(Debug, Clone)]
pub struct SignInLimits {
    pub window: Duration,
    pub per_address_and_network: u64,
    pub per_network: u64,
    pub per_address_from_unknown_networks: u64,
    /// Failures from unknown networks, all addresses together, above which attempts from
    /// unknown networks are slowed and an alert is logged.
    pub alert_from_unknown_networks: u64,
    /// How long such an attempt waits.
    pub slow_down: std::time::Duration,
    /// How long a successful sign-in makes a network "known" for its user.
    pub known_source_for: Duration,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            window: Duration::minutes(15),
            per_address_and_network: 5,
            per_network: 10,
            per_address_from_unknown_networks: 5,
            alert_from_unknown_networks: 1000,
            slow_down: std::time::Duration::from_secs(1),
            known_source_for: Duration::days(30),
        }
    }
}

/// The network an address belongs to for counting: `203.0.113.0/24`, `2001:db8:1:2::/64`.
/// Anything that is not an IP address (a test's "unknown") is its own network.
pub fn network_of(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => network_of(&v4.to_string()),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
        Err(_) => ip.to_string(),
    }
}

/// An attempt let through to the password check: its buckets, to settle afterwards.
#[derive(Debug)]
pub struct Admitted {
    address_buckets: Vec<String>,
    failure_buckets: Vec<String>,
    /// Wait this long before checking the password (many failures from unknown networks).
    pub slow_down: Option<std::time::Duration>,
}

/// Refused before the password was checked; retry after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub retry_after_seconds: u64,
}

/// A short, stable, non-reversible name for an address, for bucket keys and logs.
pub fn address_hash(email: &Email) -> String {
    hex::encode(&Sha256::digest(email.as_str().as_bytes())[..12])
}

pub async fn admit(
    conn: &mut Conn,
    limits: &SignInLimits,
    email: &Email,
    user: Option<&UserId>,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Result<Admitted, Refused>, sqlx::Error> {
    let address = address_hash(email);
    let network = network_of(ip);
    let known = match user {
        Some(user) => {
            sign_in::is_known_source(conn, user, &network, now - limits.known_source_for).await?
        }
        None => false,
    };
    // (bucket, limit, cleared on success rather than given back)
    let mut buckets = vec![
        (
            format!("address_net:{address}/{network}"),
            limits.per_address_and_network,
            true,
        ),
        (format!("net:{network}"), limits.per_network, false),
    ];
    if !known {
        buckets.push((
            format!("address:{address}"),
            limits.per_address_from_unknown_networks,
            true,
        ));
    }
    let mut claimed: Vec<&str> = Vec::new();
    for (bucket, limit, _) in &buckets {
        let (attempts, window_start) = sign_in::claim(conn, bucket, limits.window, now).await?;
        if attempts > *limit {
            // Not counted: give back this attempt in every bucket it touched.
            sign_in::release(conn, bucket).await?;
            for earlier in claimed {
                sign_in::release(conn, earlier).await?;
            }
            let ends = window_start + limits.window;
            let retry_after_seconds = (ends - now).num_seconds().max(1) as u64;
            tracing::warn!(address = %address, %network, bucket = bucket.split(':').next().unwrap_or(""), "sign-in refused by limit");
            return Ok(Err(Refused {
                retry_after_seconds,
            }));
        }
        claimed.push(bucket);
    }
    let mut slow_down = None;
    let (address_buckets, mut failure_buckets) = buckets
        .into_iter()
        .map(|(bucket, _, cleared)| (bucket, cleared))
        .partition::<Vec<_>, _>(|(_, cleared)| *cleared);
    if !known {
        // Counted, never refused: everybody's sign-ins must not depend on strangers.
        let (attempts, _) = sign_in::claim(conn, GLOBAL, limits.window, now).await?;
        if attempts > limits.alert_from_unknown_networks {
            if attempts == limits.alert_from_unknown_networks + 1 {
                tracing::error!(
                    failures = attempts - 1,
                    window_minutes = limits.window.num_minutes(),
                    "ALERT: many failed sign-ins from unknown networks (a distributed attack?); \
                     attempts from unknown networks are slowed"
                );
            }
            slow_down = Some(limits.slow_down);
        }
        failure_buckets.push((GLOBAL.to_string(), false));
    }
    Ok(Ok(Admitted {
        address_buckets: address_buckets.into_iter().map(|(b, _)| b).collect(),
        failure_buckets: failure_buckets.into_iter().map(|(b, _)| b).collect(),
        slow_down,
    }))
}

/// The bucket of every failure from an unknown network.
const GLOBAL: &str = "global";

impl Admitted {
    /// The password was right: the address starts afresh, and the network is now known for
    /// the user.
    pub async fn succeeded(
        self,
        conn: &mut Conn,
        user: &UserId,
        ip: &str,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        for bucket in &self.address_buckets {
            sign_in::clear(conn, bucket).await?;
        }
        for bucket in &self.failure_buckets {
            sign_in::release(conn, bucket).await?;
        }
        sign_in::remember_source(conn, user, &network_of(ip), now).await
    }

    /// The password was wrong: the attempt stays counted.
    pub fn failed(self, email: &Email, ip: &str) {
        tracing::warn!(address = %address_hash(email), ip, "sign-in failed");
    }

    /// The password could not be checked (busy): the attempt is given back.
    pub async fn abandoned(self, conn: &mut Conn) -> Result<(), sqlx::Error> {
        for bucket in self.address_buckets.iter().chain(&self.failure_buckets) {
            sign_in::release(conn, bucket).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_are_slash_24_and_slash_64() {
        assert_eq!(network_of("203.0.113.7"), "203.0.113.0/24");
        assert_eq!(network_of("203.0.113.250"), "203.0.113.0/24");
        assert_ne!(network_of("203.0.114.7"), network_of("203.0.113.7"));
        assert_eq!(network_of("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(network_of("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::/64");
        assert_ne!(network_of("2001:db8:1:3::1"), network_of("2001:db8:1:2::1"));
        assert_eq!(network_of("::ffff:198.51.100.9"), "198.51.100.0/24");
        assert_eq!(network_of("unknown"), "unknown");
    }

    #[test]
    fn address_hashes_are_stable_and_hide_the_address() {
        let email = Email::parse("owner@northwind.example").unwrap();
        let hash = address_hash(&email);
        assert_eq!(
            hash,
            address_hash(&Email::parse("OWNER@northwind.example").unwrap())
        );
        assert_eq!(hash.len(), 24);
        assert!(!hash.contains("owner"));
    }
}
