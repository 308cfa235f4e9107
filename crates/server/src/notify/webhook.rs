//! Webhook deliveries: a POST of the event's JSON, signed with the endpoint's secret
//! (`Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one `v1` per
//! secret while a rotated one still signs), with the event id in `Webhook-Id`.
//!
//! Requests never reach an address the configuration does not allow (the domain's `Reach`):
//! an address in the URL is checked before connecting, a host name at every resolution — so
//! a name that later resolves to a private address (DNS rebinding) is refused too — and
//! redirects are not followed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use csp_domain::notification::{Reach, WebhookUrl};
use hmac::{Hmac, Mac};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sha2::Sha256;

/// The value of `Webhook-Signature` for `body` sent at `unix_seconds`, signed with each of
/// `secrets` (the current one first).
pub fn signature(secrets: &[&str], unix_seconds: i64, body: &[u8]) -> String {
    let mut header = format!("t={unix_seconds}");
    for secret in secrets {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any size");
        mac.update(unix_seconds.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        header.push_str(",v1=");
        header.push_str(&hex::encode(mac.finalize().into_bytes()));
    }
    header
}

/// A new endpoint secret: `whsec_` and 32 random bytes in hex.
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

/// Resolves host names, keeping only the addresses `reach` allows (also used by single
/// sign-on's client: identity providers are reached with the same guard).
pub struct GuardedResolver {
    pub reach: Reach,
}

/// Whether a URL's host, where it is an address or this machine's name (which resolvers are
/// not asked about), is one `reach` allows; host names are checked by [`GuardedResolver`].
pub fn literal_host_allowed(url: &url::Url, reach: Reach) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => reach.allows(ip.into()),
        Some(url::Host::Ipv6(ip)) => reach.allows(ip.into()),
        Some(url::Host::Domain(name)) => {
            !(name == "localhost" || name.ends_with(".localhost")) || reach.loopback
        }
        None => false,
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let reach = self.reach;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| reach.allows(a.ip()))
                .collect();
            if allowed.is_empty() {
                let reason: Box<dyn std::error::Error + Send + Sync> = if found.is_empty() {
                    format!("{host} has no address").into()
                } else {
                    format!("{host} resolves to a private or reserved address; not delivered")
                        .into()
                };
                return Err(reason);
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why it failed (also for a non-2xx answer).
    pub error: Option<String>,
    pub duration: Duration,
    /// Retrying cannot help (the URL is no longer allowed).
    pub permanent: bool,
}

impl Outcome {
    pub fn delivered(&self) -> bool {
        self.error.is_none()
    }
}

/// Sends webhook deliveries.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    reach: Reach,
    timeout: Duration,
}

impl Sender {
    pub fn new(reach: Reach, timeout: Duration) -> Result<Sender, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .dns_resolver(Arc::new(GuardedResolver { reach }))
            .user_agent(concat!(
                "CSP-Software-Center-Webhooks/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| format!("cannot set up the webhook client: {e}"))?;
        Ok(Sender {
            client,
            reach,
            timeout,
        })
    }

    /// POSTs `body` to `url` with the event id and the signature.
    pub async fn send(
        &self,
        url: &str,
        event_id: &str,
        secrets: &[&str],
        unix_seconds: i64,
        body: Vec<u8>,
    ) -> Outcome {
        let started = Instant::now();
        let refused = |error: String| Outcome {
            status: None,
            error: Some(error),
            duration: started.elapsed(),
            permanent: true,
        };
        // The URL was checked when it was registered; the configuration may have changed since.
        if let Err(issue) = WebhookUrl::parse(url, self.reach) {
            return refused(format!("the URL is not allowed: {issue:?}"));
        }
        let Ok(parsed) = url::Url::parse(url) else {
            return refused("the URL does not parse".into());
        };
        if let Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) = parsed.host() {
            let ip = match parsed.host() {
                Some(url::Host::Ipv4(v4)) => std::net::IpAddr::V4(v4),
                Some(url::Host::Ipv6(v6)) => std::net::IpAddr::V6(v6),
                _ => unreachable!("matched above"),
            };
            if !self.reach.allows(ip) {
                return refused(format!(
                    "{ip} is a private or reserved address; not delivered"
                ));
            }
        }
        let sent = self
            .client
            .post(parsed)
            .header("content-type", "application/json")
            .header("webhook-id", event_id)
            .header("webhook-signature", signature(secrets, unix_seconds, &body))
            .body(body)
            .send()
            .await;
        let duration = started.elapsed();
        match sent {
            Ok(response) => {
                let status = response.status();
                // The answer's body is not used: at most 64 KB of it is read (so a short answer
                // leaves the connection reusable), never all of a large one.
                let _ = tokio::time::timeout(Duration::from_secs(1), async {
                    let mut response = response;
                    let mut read = 0;
                    while let Ok(Some(chunk)) = response.chunk().await {
                        read += chunk.len();
                        if read > 64 * 1024 {
                            break;
                        }
                    }
                })
                .await;
                Outcome {
                    status: Some(status.as_u16()),
                    error: (!status.is_success()).then(|| format!("HTTP {}", status.as_u16())),
                    duration,
                    permanent: false,
                }
            }
            Err(e) => Outcome {
                status: None,
                error: Some(describe(&e, self.timeout)),
                duration,
                permanent: false,
            },
        }
    }
}

/// A transport error in a line a partner can act on.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("no answer within {} s", timeout.as_secs());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_urls_are_checked_against_the_reach() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        let public = Reach::default();
        let demo = Reach {
            loopback: true,
            private: false,
        };
        assert!(literal_host_allowed(&url("https://idp.example/x"), public));
        assert!(literal_host_allowed(&url("https://8.8.8.8/"), public));
        for inside in [
            "http://127.0.0.1:4444",
            "http://localhost/",
            "http://[::1]/",
            "https://10.0.0.5/",
            "https://169.254.169.254/latest",
        ] {
            assert!(!literal_host_allowed(&url(inside), public), "{inside}");
        }
        assert!(literal_host_allowed(&url("http://127.0.0.1:4444"), demo));
        assert!(!literal_host_allowed(&url("https://10.0.0.5/"), demo));
        assert!(!literal_host_allowed(
            &url("https://169.254.169.254/"),
            demo
        ));
    }

    #[test]
    fn the_signature_is_an_hmac_of_time_and_body_per_secret() {
        // Known answer, from Python: hmac.new(b"whsec_test", b"1700000000.{}", sha256).
        assert_eq!(
            signature(&["whsec_test"], 1_700_000_000, b"{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
        let both = signature(&["whsec_new", "whsec_old"], 1, b"x");
        assert_eq!(both.matches(",v1=").count(), 2);
        assert!(new_secret().starts_with("whsec_") && new_secret().len() == 6 + 64);
    }

    /// A name that resolves to this machine is refused when resolved (as any name resolving
    /// to a private address would be: DNS rebinding), and so is an address in the URL.
    #[tokio::test]
    async fn names_and_addresses_outside_the_reach_are_never_connected_to() {
        let public_only = GuardedResolver {
            reach: Reach::default(),
        };
        let refused = public_only
            .resolve("localhost".parse().unwrap())
            .await
            .err()
            .expect("localhost is not public");
        assert!(
            refused.to_string().contains("private or reserved"),
            "{refused}"
        );
        let demo = GuardedResolver {
            reach: Reach {
                loopback: true,
                private: false,
            },
        };
        let found: Vec<SocketAddr> = demo
            .resolve("localhost".parse().unwrap())
            .await
            .map_err(|e| e.to_string())
            .unwrap()
            .collect();
        assert!(found.iter().all(|a| a.ip().is_loopback()) && !found.is_empty());

        let sender = Sender::new(Reach::default(), Duration::from_secs(2)).unwrap();
        let outcome = sender
            .send(
                "https://127.0.0.1:9/hook",
                "e",
                &["whsec_x"],
                1,
                b"{}".to_vec(),
            )
            .await;
        assert!(outcome.permanent && outcome.status.is_none(), "{outcome:?}");
        assert!(!outcome.delivered());
    }
}
