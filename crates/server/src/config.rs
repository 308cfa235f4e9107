//! Server configuration: environment variables of SPEC §10, overridable by flags.

use std::path::PathBuf;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/app.db";
pub const DEFAULT_BIND_ADDR: &str = "127.0.0.1:8080";
pub const DEFAULT_DEMO_PASSWORD: &str = "demo-password";

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL` / `--database-url`.
    pub database_url: String,
    /// `BIND_ADDR` / `--bind`. Port 0 picks a free port (tests).
    pub bind_addr: String,
    /// `DIST_DIR` / `--dist`: the app built by Trunk.
    pub dist_dir: PathBuf,
    /// `--seed-demo`: create the demo partners, users and customers (idempotent).
    pub seed_demo: bool,
    /// `--seed-customers N`: add N generated customers to the demo partner (benchmarks).
    pub seed_customers: u32,
    /// `DEMO_PASSWORD`: the password of every demo sign-in.
    pub demo_password: String,
    /// `COOKIE_SECURE=1`: mark the session cookie Secure (when served over HTTPS).
    pub cookie_secure: bool,
}

const USAGE: &str = "\
Usage: csp-server [--seed-demo] [--seed-customers N] [--database-url URL] [--bind ADDR] [--dist DIR]

Environment: DATABASE_URL (default sqlite://data/app.db), BIND_ADDR (default 127.0.0.1:8080),
DIST_DIR (default dist), DEMO_PASSWORD (default demo-password), COOKIE_SECURE (0/1),
RUST_LOG (default info).";

impl Config {
    /// Reads the environment, then lets flags override it.
    pub fn from_env_and_args(
        env: impl Fn(&str) -> Option<String>,
        args: impl IntoIterator<Item = String>,
    ) -> Result<Config, String> {
        let mut config = Config {
            database_url: env("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            bind_addr: env("BIND_ADDR").unwrap_or_else(|| DEFAULT_BIND_ADDR.into()),
            dist_dir: env("DIST_DIR").unwrap_or_else(|| "dist".into()).into(),
            seed_demo: false,
            seed_customers: 0,
            demo_password: env("DEMO_PASSWORD").unwrap_or_else(|| DEFAULT_DEMO_PASSWORD.into()),
            cookie_secure: matches!(env("COOKIE_SECURE").as_deref(), Some("1" | "true")),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n\n{USAGE}"));
            match arg.as_str() {
                "--seed-demo" => config.seed_demo = true,
                "--seed-customers" => {
                    let n = value("--seed-customers")?;
                    config.seed_customers =
                        n.parse().map_err(|_| format!("--seed-customers: not a number: {n}"))?;
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
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(env: &[(&str, &str)], args: &[&str]) -> Result<Config, String> {
        let env: Vec<(String, String)> =
            env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_env_and_args(
            |k| env.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone()),
            args.iter().map(|s| s.to_string()),
        )
    }

    #[test]
    fn defaults_follow_the_spec() {
        let c = parse(&[], &[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/app.db");
        assert_eq!(c.bind_addr, "127.0.0.1:8080");
        assert!(!c.seed_demo);
    }

    #[test]
    fn flags_override_environment() {
        let c = parse(&[("BIND_ADDR", "0.0.0.0:9000")], &["--bind", "127.0.0.1:0", "--seed-demo"])
            .unwrap();
        assert_eq!(c.bind_addr, "127.0.0.1:0");
        assert!(c.seed_demo);
    }

    #[test]
    fn bad_flags_are_explained() {
        assert!(parse(&[], &["--seed-customers", "many"]).unwrap_err().contains("not a number"));
        assert!(parse(&[], &["--frobnicate"]).unwrap_err().contains("unknown argument"));
    }
}
