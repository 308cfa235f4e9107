//! `csp-server`: reads the configuration, starts the application (database, migrations, demo
//! data when asked) and serves the API and the built app until SIGTERM or Ctrl-C.

use std::io::Write;

use csp_server::startup::{shutdown_signal, Application};
use csp_server::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    if let Err(message) = run().await {
        eprintln!("csp-server: {message}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_env_and_args(|k| std::env::var(k).ok(), std::env::args().skip(1))?;
    let seeded_customers = config.seed_customers;
    let demo_password = config.demo_password.clone();
    let app = Application::build(config).await?;
    let mut banner = String::new();
    if seeded_customers > 0 {
        banner += &format!(
            "Seeded {seeded_customers} generated customers for {}.\n",
            csp_server::seed::NORTHWIND
        );
    }
    banner += &format!(
        "CSP Software Center listening on http://{}\n",
        app.local_addr()
    );
    if !app.sign_ins.is_empty() {
        banner += &format!("\nDemo sign-ins (password: {demo_password}):\n");
        for line in &app.sign_ins {
            banner += &format!("  {line}\n");
        }
    }
    // A closed stdout (a supervisor that stopped reading) must not stop the server.
    let mut stdout = std::io::stdout();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    app.run_until(shutdown_signal()).await
}
