//! `csp-server`: opens the database, applies migrations, seeds demo data when asked, and serves
//! the API and the built app until Ctrl-C.

use csp_server::{db, router, seed, AppState, Config};
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
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await.map_err(|e| format!("migrating the database failed: {e}"))?;

    let mut sign_ins = Vec::new();
    if config.seed_demo {
        sign_ins = seed::seed_demo(&db, &config.demo_password)
            .await
            .map_err(|e| format!("seeding demo data failed: {e}"))?;
    }
    if config.seed_customers > 0 {
        seed::seed_bulk_customers(&db, config.seed_customers)
            .await
            .map_err(|e| format!("seeding customers failed: {e}"))?;
        println!("Seeded {} generated customers for {}.", config.seed_customers, seed::NORTHWIND);
    }
    if !config.dist_dir.join("index.html").exists() {
        tracing::warn!(dist = %config.dist_dir.display(), "no built app found; run `make run` or `trunk build --release --offline`");
    }

    let listener = tokio::net::TcpListener::bind(&config.bind_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind_addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("CSP Software Center listening on http://{addr}");
    if !sign_ins.is_empty() {
        println!("\nDemo sign-ins (password: {}):", config.demo_password);
        for line in &sign_ins {
            println!("  {line}");
        }
        println!();
    }

    let state = AppState::new(db, config.cookie_secure);
    axum::serve(listener, router(state, &config.dist_dir))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}
