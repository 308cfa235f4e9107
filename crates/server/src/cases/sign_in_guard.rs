//! Limits on password guessing, shared by every replica through the database.
//!
//! An attempt is counted *before* its password is checked, atomically, in several buckets:
//!
//! | bucket | limit (per 15 minutes) | stops |
//! |---|---|---|
//! | address from one IP | 5 | guessing one account from one place |
//! | one IP, any address | 10 failures | spraying many accounts from one place |
//! | address, from IPs it never signed in from | 5 | guessing one account from many places |
//! | everything, from unknown IPs | 1000 failures | a distributed attack on everyone |
//!
//! The last two never apply to an IP the user has signed in from in the last 30 days, so a
//! stranger's guesses do not lock the real user out of their usual places; from a new place
//! the lock ends with the window (at most 15 minutes). A refused attempt is not counted, and a
//! successful one clears its address's counts. Argon2 work is bounded by a semaphore.

use chrono::{DateTime, Duration, Utc};
use csp_domain::{Email, UserId};
use sha2::{Digest, Sha256};

use crate::store::{sign_in, Conn};

#[derive(Debug, Clone)]
pub struct SignInLimits {
    pub window: Duration,
    pub per_address_and_ip: u64,
    pub per_ip: u64,
    pub per_address_from_unknown_ips: u64,
    pub global_from_unknown_ips: u64,
    /// How long a successful sign-in makes an IP "known" for its user.
    pub known_source_for: Duration,
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits {
            window: Duration::minutes(15),
            per_address_and_ip: 5,
            per_ip: 10,
            per_address_from_unknown_ips: 5,
            global_from_unknown_ips: 1000,
            known_source_for: Duration::days(30),
        }
    }
}

/// An attempt let through to the password check: its buckets, to settle afterwards.
#[derive(Debug)]
pub struct Admitted {
    address_buckets: Vec<String>,
    failure_buckets: Vec<String>,
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
    let known = match user {
        Some(user) => {
            sign_in::is_known_source(conn, user, ip, now - limits.known_source_for).await?
        }
        None => false,
    };
    // (bucket, limit, cleared on success rather than given back)
    let mut buckets = vec![
        (
            format!("address_ip:{address}/{ip}"),
            limits.per_address_and_ip,
            true,
        ),
        (format!("ip:{ip}"), limits.per_ip, false),
    ];
    if !known {
        buckets.push((
            format!("address:{address}"),
            limits.per_address_from_unknown_ips,
            true,
        ));
        buckets.push(("global".to_string(), limits.global_from_unknown_ips, false));
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
            tracing::warn!(address = %address, ip, bucket = bucket.split(':').next().unwrap_or(""), "sign-in refused by limit");
            return Ok(Err(Refused {
                retry_after_seconds,
            }));
        }
        claimed.push(bucket);
    }
    let (address_buckets, failure_buckets) = buckets
        .into_iter()
        .partition::<Vec<_>, _>(|(_, _, cleared)| *cleared);
    Ok(Ok(Admitted {
        address_buckets: address_buckets.into_iter().map(|(b, _, _)| b).collect(),
        failure_buckets: failure_buckets.into_iter().map(|(b, _, _)| b).collect(),
    }))
}

impl Admitted {
    /// The password was right: the address starts afresh, and the IP is now known for the user.
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
        sign_in::remember_source(conn, user, ip, now).await
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
