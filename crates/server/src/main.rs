//! `csp-server`: reads the configuration, starts the application (database, migrations, demo
//! data when asked) and serves the API and the built app until SIGTERM or Ctrl-C.

use std::io::Write;

use csp_server::startup::{shutdown_signal, Application};
use csp_server::store::sso::Owner;
use csp_server::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // `LOG_FORMAT=json`: one JSON object per line (with the request's span and its id), for
    // log collectors; otherwise text for people at a terminal.
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
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
    if args.first().map(String::as_str) == Some("admin") {
        return admin(&args[1..]).await;
    }
    let config = Config::from_env_and_args(|k| std::env::var(k).ok(), args)?;
    let seeded_customers = config.seed_customers;
    // Demo passwords are printed on loopback only (a public demo needs DEMO=1 and its operator
    // knows DEMO_PASSWORD).
    let demo_password = if csp_server::config::is_loopback(&config.bind_addr) {
        config.demo_password.clone()
    } else {
        "as set in DEMO_PASSWORD".to_string()
    };
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

/// `csp-server admin create-partner --name NAME --email EMAIL` and `csp-server admin
/// create-support-agent --email EMAIL`: the first accounts of a real deployment, each printed
/// with its one-time link to set a password (valid 7 days). `csp-server admin reset-two-step
/// --email EMAIL`: two-step sign-in off for someone who lost their phone and recovery codes. Uses `DATABASE_URL` (migrated
/// first) and `PUBLIC_URL` for the link (on loopback, `http://` and `BIND_ADDR`).
async fn admin(args: &[String]) -> Result<(), String> {
    use csp_domain::Email;
    use csp_server::cases::accounts::{self, AccountError};
    let usage = "usage: csp-server admin create-partner --name NAME --email EMAIL\n       \
                 csp-server admin create-support-agent --email EMAIL\n       \
                 csp-server admin reset-two-step --email EMAIL\n       \
                 csp-server admin set-support-sso --issuer URL --client-id ID --client-secret SECRET \
                 --domains DOMAIN[,DOMAIN…] [--require-sso yes]\n       \
                 csp-server admin set-customer-sso --issuer URL --client-id ID --client-secret SECRET\n       \
                 csp-server admin purge-audit-log [--older-than-days N]";
    let (command, rest) = args.split_first().ok_or(usage)?;
    match command.as_str() {
        "set-support-sso" => return set_operator_sso(rest, Owner::Support).await,
        "set-customer-sso" => return set_operator_sso(rest, Owner::Customers).await,
        "purge-audit-log" => return purge_audit_log(rest).await,
        _ => {}
    }
    let mut name = None;
    let mut email = None;
    let mut rest = rest.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(usage)?;
        match flag.as_str() {
            "--name" => name = Some(value.trim().to_string()),
            "--email" => email = Some(value.clone()),
            _ => return Err(usage.into()),
        }
    }
    let email = email.ok_or(usage)?;
    let email =
        Email::parse(&email).map_err(|_| format!("--email: not an e-mail address: {email}"))?;
    let (db, public_url) = admin_database().await?;
    // The link is printed here; a mail goes out only if a server with SMTP runs on this database.
    let outbox = csp_server::notify::Outbox {
        enabled: true,
        mail: env("SMTP_URL").is_some(),
        support_queue: None,
    };
    let now = chrono::Utc::now();
    if command == "reset-two-step" {
        let done = csp_server::cases::two_step::reset_by_operator(&db, &email, now)
            .await
            .map_err(|e| format!("cannot reset two-step sign-in: {e:?}"))?;
        db.close().await;
        if !done {
            return Err(format!(
                "{} has no account with two-step sign-in on",
                email.as_str()
            ));
        }
        println!(
            "Two-step sign-in of {} is off and their sessions ended; they set it up again at \
             their next sign-in where it is required.",
            email.as_str()
        );
        return Ok(());
    }
    let made = match command.as_str() {
        "create-partner" => {
            let name = name.filter(|n| !n.is_empty()).ok_or(usage)?;
            accounts::create_partner(&db, &outbox, &public_url, &name, &email, now).await
        }
        "create-support-agent" => {
            accounts::create_support_agent(&db, &outbox, &public_url, &email, now).await
        }
        _ => return Err(usage.into()),
    };
    let invited = made.map_err(|e| match e {
        AccountError::EmailTaken => format!("{} already has an account", email.as_str()),
        other => format!("cannot create the account: {other:?}"),
    })?;
    println!(
        "Created {} ({}). To set a password, open within 7 days (once):\n{}",
        email.as_str(),
        if command == "create-partner" {
            "Global admin"
        } else {
            "support agent"
        },
        invited.link
    );
    db.close().await;
    Ok(())
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

/// `csp-server admin purge-audit-log [--older-than-days N]`: removes the audit trail's entries
/// older than the retention — `N`, else `AUDIT_RETENTION_DAYS`, else 7 years — and prints how
/// many. Nothing else can remove an entry: the database refuses it.
async fn purge_audit_log(args: &[String]) -> Result<(), String> {
    let usage = "usage: csp-server admin purge-audit-log [--older-than-days N]";
    let days = match args {
        [] => match env("AUDIT_RETENTION_DAYS") {
            Some(days) => days
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("AUDIT_RETENTION_DAYS: not a number of days: {days}"))?,
            None => csp_domain::audit::DEFAULT_RETENTION_DAYS,
        },
        [flag, days] if flag == "--older-than-days" => days
            .parse::<u32>()
            .map_err(|_| format!("--older-than-days: not a number of days: {days}"))?,
        _ => return Err(usage.into()),
    };
    if days < 1 {
        return Err("--older-than-days: at least 1".into());
    }
    let (db, _) = admin_database().await?;
    let before = chrono::Utc::now() - chrono::Duration::days(i64::from(days));
    let purged = async {
        let mut tx = db.begin().await?;
        let n = csp_server::store::audit::purge(&mut tx, before).await?;
        tx.commit().await?;
        Ok::<u64, sqlx::Error>(n)
    }
    .await;
    db.close().await;
    let n = purged.map_err(|e| format!("purging the audit trail failed: {e}"))?;
    println!("Removed {n} audit trail entries older than {days} days (before {before}).");
    Ok(())
}

/// A setting of the environment, when set and not blank.
fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

/// What the admin commands work on: the database of `DATABASE_URL` (migrated first), and the
/// origin of the links they print (`PUBLIC_URL`, or on loopback `http://` and `BIND_ADDR`).
async fn admin_database() -> Result<(csp_server::store::Db, String), String> {
    let database_url =
        env("DATABASE_URL").unwrap_or_else(|| csp_server::config::DEFAULT_DATABASE_URL.into());
    let public_url = env("PUBLIC_URL")
        .unwrap_or_else(|| {
            let bind =
                env("BIND_ADDR").unwrap_or_else(|| csp_server::config::DEFAULT_BIND_ADDR.into());
            format!("http://{bind}")
        })
        .trim_end_matches('/')
        .to_string();
    let db = csp_server::store::Db::connect(&database_url, &Default::default()).await?;
    csp_server::store::migrate::run(&db)
        .await
        .map_err(|e| format!("migrating the database failed: {e}"))?;
    Ok((db, public_url))
}

/// `csp-server admin set-support-sso --issuer URL --client-id ID --client-secret SECRET
/// --domains a.example,b.example [--require-sso yes]`: single sign-on for the support
/// organisation's agents at the operator's identity provider (a partner's Global admin sets up
/// theirs in the product). `csp-server admin set-customer-sso --issuer URL --client-id ID
/// --client-secret SECRET`: "Sign in with Microsoft" for customers' users (a multi-tenant app at
/// Microsoft Entra ID, e.g. `https://login.microsoftonline.com/organizations/v2.0`; users are
/// found by the tenant their ID token names). Prints the redirect URI to register there. The
/// provider must be reachable: this machine only with `DEMO=1`, private networks with
/// `WEBHOOK_ALLOW_PRIVATE=1`.
async fn set_operator_sso(args: &[String], owner: Owner) -> Result<(), String> {
    let customers = owner == Owner::Customers;
    let usage = if customers {
        "usage: csp-server admin set-customer-sso --issuer URL --client-id ID --client-secret SECRET"
    } else {
        "usage: csp-server admin set-support-sso --issuer URL --client-id ID \
         --client-secret SECRET --domains DOMAIN[,DOMAIN…] [--require-sso yes]"
    };
    let mut flags = std::collections::HashMap::new();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(usage)?;
        match flag.as_str() {
            "--issuer" | "--client-id" | "--client-secret" => {}
            "--domains" | "--require-sso" if !customers => {}
            _ => return Err(usage.into()),
        }
        flags.insert(flag.as_str(), value.clone());
    }
    let get = |k: &str| flags.get(k).cloned();
    let domains = match get("--domains") {
        Some(list) => list.split(',').map(str::to_string).collect(),
        None if customers => Vec::new(),
        None => return Err(usage.into()),
    };
    let request = csp_domain::sso::IdentityProviderRequest {
        issuer: get("--issuer").ok_or(usage)?,
        client_id: get("--client-id").ok_or(usage)?,
        client_secret: get("--client-secret"),
        domains,
        require_sso: get("--require-sso").is_some_and(|v| v == "yes"),
        // Support agents approve credits for every partner: each one is invited.
        allow_jit: false,
    };
    let (db, public_url) = admin_database().await?;
    let reach = csp_domain::notification::Reach {
        loopback: env("DEMO").as_deref() == Some("1"),
        private: env("WEBHOOK_ALLOW_PRIVATE").as_deref() == Some("1"),
    };
    let discovery = csp_server::cases::sso::Discovery::new(reach);
    let done = csp_server::cases::sso::set_operator_provider(
        &db,
        &discovery,
        &owner,
        &request,
        chrono::Utc::now(),
    )
    .await;
    db.close().await;
    let whose = if customers {
        "customers' users (Sign in with Microsoft)"
    } else {
        "the support organisation's agents"
    };
    done.map_err(|e| format!("cannot set the provider of {whose}: {e}"))?;
    println!(
        "Single sign-on set for {whose}. Register this redirect URI at the provider:\n{}",
        csp_server::cases::sso::redirect_uri(&public_url)
    );
    Ok(())
}
