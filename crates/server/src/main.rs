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
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(command @ ("backup" | "restore")) = args.first().map(String::as_str) {
        return backup_or_restore(command, &args[1..]).await;
    }
    let config = Config::from_env_and_args(|k| std::env::var(k).ok(), args)?;
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

/// `csp-server backup FILE` and `csp-server restore FILE` (SQLite; `--database-url URL` or
/// `DATABASE_URL` names the database).
async fn backup_or_restore(command: &str, args: &[String]) -> Result<(), String> {
    use csp_server::store::backup;
    let usage = format!("usage: csp-server {command} FILE [--database-url URL]");
    let (file, rest) = args.split_first().ok_or(usage.clone())?;
    let url = match rest {
        [] => std::env::var("DATABASE_URL")
            .unwrap_or_else(|_| csp_server::config::DEFAULT_DATABASE_URL.into()),
        [flag, url] if flag == "--database-url" => url.clone(),
        _ => return Err(usage),
    };
    let database = backup::sqlite_path(&url)?;
    let file = std::path::Path::new(file);
    let summary = if command == "backup" {
        backup::backup(&database, file).await?
    } else {
        backup::restore(file, &database).await?
    };
    let what = format!(
        "schema {}, {} orders, {} activity log entries, {:.1} MB",
        summary.migration,
        summary.orders,
        summary.activity_entries,
        summary.bytes as f64 / 1e6
    );
    if command == "backup" {
        println!(
            "Backed up {} to {} ({what}).",
            database.display(),
            file.display()
        );
    } else {
        println!(
            "Restored {} from {} ({what}); the database it replaced is {}.before-restore. \
             Start the server: it brings an older backup's schema up to date.",
            database.display(),
            file.display(),
            database.display()
        );
    }
    Ok(())
}
