//! Server configuration: the environment variables of SPEC §10 and the README, overridable by
//! flags. Read once at start-up; a bad value stops the server with a one-line message.

use std::path::PathBuf;
use std::time::Duration;

use csp_domain::catalog::{CancellationWindows, DEFAULT_CANCELLATION_WINDOW_DAYS};
use csp_domain::RefundLimit;

use crate::cases::sign_in_guard::SignInLimits;
use crate::customer_lists::ListPolicy;
use crate::store::DbSettings;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/app.db";
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";
pub const DEFAULT_DEMO_PASSWORD: &str = "demo-password";

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL` / `--database-url`: `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB`.
    pub database_url: String,
    /// `BIND_ADDR` / `--bind`. Port 0 picks a free port (tests).
    pub bind_addr: String,
    /// `DIST_DIR` / `--dist`: the built app (scripts/build-app.mjs).
    pub dist_dir: PathBuf,
    /// `--seed-demo`: create the demo partners, users and customers (idempotent).
    pub seed_demo: bool,
    /// `--seed-customers N`: add N generated customers to the demo partner (benchmarks).
    pub seed_customers: u32,
    /// `DEMO_PASSWORD`: the password of every demo sign-in.
    pub demo_password: String,
    /// Served over HTTPS: the session cookie is `Secure` and `__Host-` prefixed, and responses
    /// carry HSTS. On when `PUBLIC_URL` is `https://…`; `COOKIE_SECURE=0/1` overrides.
    pub cookie_secure: bool,
    /// `TRUST_PROXY=1`: the client address is the last one in `X-Forwarded-For` (set it only
    /// behind a load balancer that appends it).
    pub trust_proxy: bool,
    /// `METRICS_TOKEN`: `GET /metrics` answers callers from other machines that send it as a
    /// bearer token (from this machine it always answers).
    pub metrics_token: Option<String>,
    /// `SSO_MFA_ISSUERS`: issuers (comma-separated) whose `amr` claim of a second factor
    /// stands for the product's two-step sign-in where it is required.
    pub sso_mfa_issuers: Vec<String>,
    /// `DB_POOL_SIZE`, `DB_ACQUIRE_TIMEOUT_SECS`, `DB_STATEMENT_TIMEOUT_SECS`, `DB_LOCK_TIMEOUT_SECS`.
    pub db: DbSettings,
    /// `CUSTOMER_LISTS_MB`: which partners' customer lists are held in memory.
    pub customer_lists: ListPolicy,
    /// `SESSION_HOURS` (absolute lifetime) and `SESSION_IDLE_MINUTES`.
    pub session_hours: i64,
    pub session_idle_minutes: i64,
    /// `REQUEST_TIMEOUT_SECS`: the longest an API request may take before it is answered 408.
    pub request_timeout: Duration,
    /// `PUBLIC_URL`: where people reach the product (e.g. `https://csp.example.com`), for the
    /// deep links it hands out. Required on a non-loopback `BIND_ADDR`; on loopback the
    /// default is `http://` and the address the server listens on. Never the request's Host.
    pub public_url: Option<String>,
    /// Limits on password guessing (fixed; tests lower them).
    pub sign_in: SignInLimits,
    /// `DEMO=1`: allows `--seed-demo` on a non-loopback address (demo passwords are public).
    pub demo_allowed_in_public: bool,
    /// `REQUIRE_TWO_STEP=0/1`: partner users whose roles buy, cancel or manage users must set
    /// up two-step sign-in before anything else. On unless the demo data is seeded.
    pub require_two_step: Option<bool>,
    /// `MAX_CONNECTIONS`, `HEADER_TIMEOUT_SECS`, `BODY_IDLE_TIMEOUT_SECS`,
    /// `UPLOAD_TIMEOUT_SECS`: what one connection and one request may hold.
    pub serving: ServeLimits,
    /// `MAX_CONCURRENT_UPLOADS`, `UPLOADS_PER_USER_PER_HOUR`, `UPLOAD_QUOTA_FILES`,
    /// `UPLOAD_QUOTA_MB`, `UPLOAD_TMP_DIR`.
    pub uploads: UploadLimits,
    /// `CANCELLATION_DELAY_SECS`: how long after a request a cancellation is processed (5).
    pub cancellation_delay: Duration,
    /// `CANCELLATION_WINDOW_DAYS_SUBSCRIPTION`, `…_PERPETUAL`, `…_RESERVATION` (R-CAN-1; 60 each).
    pub cancellation_windows: CancellationWindows,
    /// `REFUND_LIMIT_MAX`: the highest self-service refund limit a partner's Global admin may
    /// set (1000000.00).
    pub refund_limit_max: RefundLimit,
    /// `SMTP_URL`, `MAIL_FROM`, `SUPPORT_QUEUE_EMAIL`, `WEBHOOK_ALLOW_PRIVATE`, `NOTIFY_*`.
    pub notifications: NotificationSettings,
}

/// Where mail goes and how deliveries are tried (see `notify`).
#[derive(Debug, Clone)]
pub struct NotificationSettings {
    /// `SMTP_URL`: `smtp://host:port` (STARTTLS when offered; `?tls=required` to insist),
    /// `smtps://host:port`, with `user:password@` for authentication. No mail without it.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: the sender, e.g. `CSP Software Center <notifications@example.com>`.
    pub mail_from: Option<String>,
    /// `SUPPORT_QUEUE_EMAIL`: where mail about new requests goes (every support agent if unset).
    pub support_queue: Option<csp_domain::Email>,
    /// `WEBHOOK_ALLOW_PRIVATE=1`: endpoints may be on private networks (the operator's own).
    pub allow_private: bool,
    /// `NOTIFY_RETRY_BASE_MS` (30000), `NOTIFY_MAX_ATTEMPTS` (12): the first wait after a
    /// failed attempt, doubling up to 6 hours, and the attempts before giving up.
    pub retry: csp_domain::notification::RetryPolicy,
    /// `NOTIFY_LEASE_SECS` (60): how long a worker holds a delivery before another may retry it.
    pub lease: Duration,
    /// `WEBHOOK_TIMEOUT_SECS` (10): how long a receiver has to answer.
    pub webhook_timeout: Duration,
}

/// What one connection and one request may hold (see `http::serve`).
#[derive(Debug, Clone)]
pub struct ServeLimits {
    /// Connections open at once; beyond it new ones wait to be accepted.
    pub max_connections: usize,
    /// The longest a connection may take to send a request's headers, counted from when it
    /// is idle (so also the longest an idle keep-alive connection stays open).
    pub header_timeout: Duration,
    /// The longest a request body may go without sending anything.
    pub body_idle_timeout: Duration,
    /// The longest an upload (a `multipart/form-data` request) may take, body included.
    pub upload_timeout: Duration,
}

/// Limits on the files of support requests (see `cases::uploads`).
#[derive(Debug, Clone)]
pub struct UploadLimits {
    /// Uploads being received at once, server-wide, and by one user.
    pub max_concurrent: usize,
    pub max_concurrent_per_user: usize,
    /// Requests with files one user may send in an hour.
    pub per_user_per_hour: u64,
    /// Files, and bytes of files, one partner may keep.
    pub quota_files: u64,
    pub quota_bytes: u64,
    /// Where uploads are spooled while they arrive.
    pub tmp_dir: PathBuf,
}

/// Whether `BIND_ADDR` only accepts connections from this machine.
pub fn is_loopback(bind_addr: &str) -> bool {
    let host = match bind_addr.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => bind_addr,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

const USAGE: &str = "\
Usage: csp-server [--seed-demo] [--seed-customers N] [--database-url URL] [--bind ADDR] [--dist DIR]
       csp-server backup FILE | restore FILE   (SQLite: a consistent copy while running; restore
                                                with the server stopped)

Environment: DATABASE_URL (default sqlite://data/app.db; or postgres://USER:PASSWORD@HOST/DB),
BIND_ADDR (default 127.0.0.1:8080), DIST_DIR (default dist), DEMO_PASSWORD (default
demo-password), DEMO (0/1), PUBLIC_URL (required off loopback), COOKIE_SECURE (0/1; default:
PUBLIC_URL is https), TRUST_PROXY (0/1), DB_POOL_SIZE, DB_ACQUIRE_TIMEOUT_SECS,
DB_STATEMENT_TIMEOUT_SECS, DB_LOCK_TIMEOUT_SECS, SESSION_HOURS (12), SESSION_IDLE_MINUTES (120),
REQUEST_TIMEOUT_SECS (30), MAX_CONNECTIONS (1024), HEADER_TIMEOUT_SECS (20),
BODY_IDLE_TIMEOUT_SECS (30), UPLOAD_TIMEOUT_SECS (900), MAX_CONCURRENT_UPLOADS (16),
UPLOADS_PER_USER_PER_HOUR (60), UPLOAD_QUOTA_FILES (10000), UPLOAD_QUOTA_MB (10240),
UPLOAD_TMP_DIR, CANCELLATION_WINDOW_DAYS_SUBSCRIPTION / _PERPETUAL / _RESERVATION (60),
CANCELLATION_DELAY_SECS (5), REFUND_LIMIT_MAX (1000000.00), CUSTOMER_LISTS_MB (256),
SMTP_URL (no mail without it), MAIL_FROM, SUPPORT_QUEUE_EMAIL, WEBHOOK_ALLOW_PRIVATE (0/1),
WEBHOOK_TIMEOUT_SECS (10), NOTIFY_RETRY_BASE_MS (30000), NOTIFY_MAX_ATTEMPTS (12),
NOTIFY_LEASE_SECS (60), RUST_LOG (default info). See README.md, Configuration.";

impl Config {
    /// Reads the environment, then lets flags override it.
    pub fn from_env_and_args(
        env: impl Fn(&str) -> Option<String>,
        args: impl IntoIterator<Item = String>,
    ) -> Result<Config, String> {
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match env(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| format!("{name}: not a whole number: {v:?}")),
            }
        };
        let window = |name: &str| -> Result<u32, String> {
            Ok(number(name, u64::from(DEFAULT_CANCELLATION_WINDOW_DAYS))?.min(3650) as u32)
        };
        let flag = |name: &str| {
            matches!(
                env(name).as_deref().map(str::trim),
                Some("1" | "true" | "yes")
            )
        };
        let mut config = Config {
            database_url: env("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            bind_addr: env("BIND_ADDR").unwrap_or_else(|| DEFAULT_BIND_ADDR.into()),
            dist_dir: env("DIST_DIR").unwrap_or_else(|| "dist".into()).into(),
            seed_demo: false,
            seed_customers: 0,
            demo_password: env("DEMO_PASSWORD").unwrap_or_else(|| DEFAULT_DEMO_PASSWORD.into()),
            cookie_secure: false,
            trust_proxy: flag("TRUST_PROXY"),
            metrics_token: env("METRICS_TOKEN").filter(|t| !t.trim().is_empty()),
            sso_mfa_issuers: env("SSO_MFA_ISSUERS")
                .unwrap_or_default()
                .split(',')
                .map(|i| i.trim().trim_end_matches('/').to_string())
                .filter(|i| !i.is_empty())
                .collect(),
            db: DbSettings {
                max_connections: number("DB_POOL_SIZE", 0)? as u32,
                acquire_timeout: Duration::from_secs(number("DB_ACQUIRE_TIMEOUT_SECS", 10)?.max(1)),
                statement_timeout: Duration::from_secs(
                    number("DB_STATEMENT_TIMEOUT_SECS", 10)?.max(1),
                ),
                lock_timeout: Duration::from_secs(number("DB_LOCK_TIMEOUT_SECS", 5)?.max(1)),
            },
            customer_lists: ListPolicy {
                budget_bytes: (number("CUSTOMER_LISTS_MB", 256)?.min(1 << 20) as usize) << 20,
                ..ListPolicy::default()
            },
            session_hours: number("SESSION_HOURS", 12)?.clamp(1, 24 * 30) as i64,
            session_idle_minutes: number("SESSION_IDLE_MINUTES", 120)?.clamp(1, 24 * 60 * 30)
                as i64,
            request_timeout: Duration::from_secs(number("REQUEST_TIMEOUT_SECS", 30)?.max(1)),
            public_url: match env("PUBLIC_URL").filter(|u| !u.trim().is_empty()) {
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    Some(url.trim().to_string())
                }
                Some(url) => {
                    return Err(format!(
                        "PUBLIC_URL must start with http:// or https://, not {url:?}"
                    ))
                }
                None => None,
            },
            sign_in: SignInLimits::default(),
            demo_allowed_in_public: flag("DEMO"),
            require_two_step: match env("REQUIRE_TWO_STEP").as_deref().map(str::trim) {
                None => None,
                Some("1" | "true" | "yes") => Some(true),
                Some("0" | "false" | "no") => Some(false),
                Some(other) => return Err(format!("REQUIRE_TWO_STEP: 0 or 1, not {other:?}")),
            },
            serving: ServeLimits {
                max_connections: number("MAX_CONNECTIONS", 1024)?.clamp(16, 1 << 20) as usize,
                header_timeout: Duration::from_secs(number("HEADER_TIMEOUT_SECS", 20)?.clamp(1, 3600)),
                body_idle_timeout: Duration::from_secs(
                    number("BODY_IDLE_TIMEOUT_SECS", 30)?.clamp(1, 3600),
                ),
                upload_timeout: Duration::from_secs(
                    number("UPLOAD_TIMEOUT_SECS", 900)?.clamp(1, 24 * 3600),
                ),
            },
            uploads: UploadLimits {
                max_concurrent: number("MAX_CONCURRENT_UPLOADS", 16)?.clamp(1, 10_000) as usize,
                max_concurrent_per_user: 2,
                per_user_per_hour: number("UPLOADS_PER_USER_PER_HOUR", 60)?.max(1),
                quota_files: number("UPLOAD_QUOTA_FILES", 10_000)?,
                quota_bytes: number("UPLOAD_QUOTA_MB", 10 * 1024)?.saturating_mul(1024 * 1024),
                tmp_dir: env("UPLOAD_TMP_DIR")
                    .filter(|d| !d.trim().is_empty())
                    .map(PathBuf::from)
                    .unwrap_or_else(|| std::env::temp_dir().join("csp-uploads")),
            },
            cancellation_delay: Duration::from_secs(number("CANCELLATION_DELAY_SECS", 5)?.min(900)),
            cancellation_windows: CancellationWindows {
                software_subscription: window("CANCELLATION_WINDOW_DAYS_SUBSCRIPTION")?,
                perpetual_software: window("CANCELLATION_WINDOW_DAYS_PERPETUAL")?,
                azure_reservation: window("CANCELLATION_WINDOW_DAYS_RESERVATION")?,
            },
            refund_limit_max: match env("REFUND_LIMIT_MAX") {
                None => RefundLimit::DEFAULT_MAX,
                Some(v) => RefundLimit::parse(&v).map_err(|_| {
                    format!("REFUND_LIMIT_MAX: not an amount of zero or more with at most two decimals: {v:?}")
                })?,
            },
            notifications: NotificationSettings {
                smtp_url: env("SMTP_URL").filter(|u| !u.trim().is_empty()),
                mail_from: env("MAIL_FROM").filter(|u| !u.trim().is_empty()),
                support_queue: match env("SUPPORT_QUEUE_EMAIL").filter(|u| !u.trim().is_empty()) {
                    None => None,
                    Some(v) => Some(csp_domain::Email::parse(&v).map_err(|_| {
                        format!("SUPPORT_QUEUE_EMAIL: not an e-mail address: {v:?}")
                    })?),
                },
                allow_private: flag("WEBHOOK_ALLOW_PRIVATE"),
                retry: csp_domain::notification::RetryPolicy {
                    base: Duration::from_millis(number("NOTIFY_RETRY_BASE_MS", 30_000)?.clamp(10, 3_600_000)),
                    longest_wait: Duration::from_secs(6 * 3600),
                    max_attempts: number("NOTIFY_MAX_ATTEMPTS", 12)?.clamp(1, 30) as u32,
                },
                lease: Duration::from_secs(number("NOTIFY_LEASE_SECS", 60)?.clamp(1, 3600)),
                webhook_timeout: Duration::from_secs(number("WEBHOOK_TIMEOUT_SECS", 10)?.clamp(1, 120)),
            },
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .ok_or(format!("{name} needs a value\n\n{USAGE}"))
            };
            match arg.as_str() {
                "--seed-demo" => config.seed_demo = true,
                "--seed-customers" => {
                    let n = value("--seed-customers")?;
                    config.seed_customers = n
                        .parse()
                        .map_err(|_| format!("--seed-customers: not a number: {n}"))?;
                }
                "--database-url" => config.database_url = value("--database-url")?,
                "--bind" => config.bind_addr = value("--bind")?,
                "--dist" => config.dist_dir = value("--dist")?.into(),
                "-h" | "--help" => return Err(USAGE.into()),
                other => return Err(format!("unknown argument: {other}\n\n{USAGE}")),
            }
        }
        if config.demo_password.is_empty() {
            return Err("DEMO_PASSWORD must not be empty".into());
        }
        let loopback = is_loopback(&config.bind_addr);
        if !loopback && config.public_url.is_none() {
            return Err(format!(
                "PUBLIC_URL is required when BIND_ADDR ({}) is not a loopback address: set it to \
                 where people reach the product, e.g. https://csp.example.com",
                config.bind_addr
            ));
        }
        if !loopback && config.seed_demo && !config.demo_allowed_in_public {
            return Err(format!(
                "--seed-demo on {} would publish demo sign-ins with a known password; set DEMO=1 \
                 to allow it on a non-loopback address",
                config.bind_addr
            ));
        }
        config.cookie_secure = match env("COOKIE_SECURE").as_deref().map(str::trim) {
            Some("1" | "true" | "yes") => true,
            Some("0" | "false" | "no") => false,
            Some(other) => return Err(format!("COOKIE_SECURE: 0 or 1, not {other:?}")),
            None => config
                .public_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://")),
        };
        Ok(config)
    }

    /// The settings of a test or benchmark server: a given database, any free port.
    pub fn for_tests(database_url: &str, dist_dir: PathBuf) -> Config {
        let mut config = Config::from_env_and_args(|_| None, []).expect("defaults are valid");
        config.database_url = database_url.into();
        config.bind_addr = "127.0.0.1:0".into();
        config.dist_dir = dist_dir;
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(env: &[(&str, &str)], args: &[&str]) -> Result<Config, String> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_env_and_args(
            |k| {
                env.iter()
                    .find(|(name, _)| name == k)
                    .map(|(_, v)| v.clone())
            },
            args.iter().map(|s| s.to_string()),
        )
    }

    #[test]
    fn defaults_follow_the_spec() {
        let c = parse(&[], &[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/app.db");
        assert_eq!(c.bind_addr, "127.0.0.1:8080");
        assert!(!c.seed_demo && !c.cookie_secure && !c.trust_proxy);
        assert_eq!((c.session_hours, c.session_idle_minutes), (12, 120));
    }

    #[test]
    fn flags_override_environment() {
        let c = parse(
            &[("BIND_ADDR", "0.0.0.0:9000")],
            &["--bind", "127.0.0.1:0", "--seed-demo"],
        )
        .unwrap();
        assert_eq!(c.bind_addr, "127.0.0.1:0");
        assert!(c.seed_demo);
    }

    #[test]
    fn secure_by_default_off_loopback() {
        let refused = parse(&[("BIND_ADDR", "0.0.0.0:8080")], &[]).unwrap_err();
        assert!(refused.contains("PUBLIC_URL is required"), "{refused}");
        let public = [
            ("BIND_ADDR", "0.0.0.0:8080"),
            ("PUBLIC_URL", "https://csp.example.com"),
        ];
        let c = parse(&public, &[]).unwrap();
        assert!(
            c.cookie_secure,
            "an https public URL means Secure cookies and HSTS"
        );
        let demo = parse(&public, &["--seed-demo"]).unwrap_err();
        assert!(demo.contains("DEMO=1"), "{demo}");
        assert!(parse(&[public[0], public[1], ("DEMO", "1")], &["--seed-demo"]).is_ok());
        let plain = parse(&[("PUBLIC_URL", "http://localhost:8080")], &[]).unwrap();
        assert!(!plain.cookie_secure);
        for loopback in ["127.0.0.1:0", "[::1]:8080", "localhost:8080", "127.9.9.9:1"] {
            assert!(is_loopback(loopback), "{loopback}");
        }
        for public in [
            "0.0.0.0:8080",
            "[::]:8080",
            "10.0.0.5:80",
            "csp.example.com:443",
        ] {
            assert!(!is_loopback(public), "{public}");
        }
    }

    #[test]
    fn bad_values_are_explained() {
        assert!(parse(&[], &["--seed-customers", "many"])
            .unwrap_err()
            .contains("not a number"));
        assert!(parse(&[], &["--frobnicate"])
            .unwrap_err()
            .contains("unknown argument"));
        assert!(parse(&[("DB_POOL_SIZE", "lots")], &[])
            .unwrap_err()
            .contains("DB_POOL_SIZE"));
        assert_eq!(
            parse(&[("DB_POOL_SIZE", "3")], &[])
                .unwrap()
                .db
                .max_connections,
            3
        );
        assert!(parse(&[("REFUND_LIMIT_MAX", "-1")], &[])
            .unwrap_err()
            .contains("REFUND_LIMIT_MAX"));
        assert_eq!(
            parse(&[("REFUND_LIMIT_MAX", "50000")], &[])
                .unwrap()
                .refund_limit_max
                .to_string(),
            "50000.00"
        );
    }
}
