//! Demo data (SPEC §10): two partners with billing profiles, one user per role, customers
//! across markets, a customer user per customer, a support agent and demo orders; and the
//! catalog, which every start writes. Idempotent: ids are derived from names and every insert
//! skips rows that exist, so seeding twice changes nothing.

pub mod catalog;
pub mod orders;
pub mod support;

use chrono::{DateTime, Utc};
use csp_domain::catalog::CancellationWindows;
use csp_domain::{BillingProfile, Currency, Customer, Email, Market, PartnerId, Principal, Role};
use sha2::{Digest, Sha256};

use crate::password;
use crate::store::users::{self, NewUser};
use crate::store::{billing, customers, partners, Db, Tx};

pub const NORTHWIND: &str = "Northwind Partners";
pub const FABRIKAM: &str = "Fabrikam Resellers";
pub const SUPPORT_EMAIL: &str = "support@csp-support.example";

/// (email, display name, roles) of the partner users.
pub const NORTHWIND_USERS: &[(&str, &str, &[Role])] = &[
    (
        "admin.agent@northwind.example",
        "Avery Agent",
        &[Role::AdminAgent],
    ),
    (
        "global.admin@northwind.example",
        "Gloria Global",
        &[Role::GlobalAdmin],
    ),
    (
        "account.admin@northwind.example",
        "Arjun Account",
        &[Role::AccountAdmin],
    ),
    (
        "referral.admin@northwind.example",
        "Rita Referral",
        &[Role::ReferralAdmin],
    ),
    (
        "marketing.admin@northwind.example",
        "Marco Marketing",
        &[Role::MarketingContentAdmin],
    ),
    (
        "owner@northwind.example",
        "Olivia Owner",
        &[Role::AdminAgent, Role::GlobalAdmin],
    ),
];
pub const FABRIKAM_USERS: &[(&str, &str, &[Role])] = &[(
    "admin.agent@fabrikam-resellers.example",
    "Farah Fabrikam",
    &[Role::AdminAgent, Role::GlobalAdmin],
)];

/// (company, domain prefix, market, currency). Covers tax-inclusive AU and BR, CN and
/// Svalbard (NO-21) where Azure reservations are unavailable, and mainland Norway where they are.
pub const NORTHWIND_CUSTOMERS: &[(&str, &str, &str, &str)] = &[
    ("Contoso Ltd", "contoso", "US", "USD"),
    ("Adatum Corporation", "adatum", "US", "USD"),
    ("Alpine Ski House", "alpineskihouse", "DE", "EUR"),
    ("Bellows College", "bellowscollege", "GB", "GBP"),
    ("Best For You Organics", "bestforyouorganics", "US", "USD"),
    ("Blue Yonder Airlines", "blueyonderairlines", "US", "USD"),
    ("City Power & Light", "citypowerlight", "US", "USD"),
    ("Coho Winery", "cohowinery", "AU", "AUD"),
    (
        "Consolidated Messenger",
        "consolidatedmessenger",
        "GB",
        "GBP",
    ),
    ("Contoso Pharmaceuticals", "contosopharma", "DE", "EUR"),
    ("Fourth Coffee", "fourthcoffee", "US", "USD"),
    (
        "Graphic Design Institute",
        "graphicdesigninstitute",
        "GB",
        "GBP",
    ),
    ("Humongous Insurance", "humongousinsurance", "US", "USD"),
    ("Lamna Healthcare", "lamnahealthcare", "IN", "INR"),
    ("Litware Inc", "litware", "JP", "JPY"),
    ("Lucerne Publishing", "lucernepublishing", "DE", "EUR"),
    ("Margie's Travel", "margiestravel", "AU", "AUD"),
    (
        "Munson's Pickles and Preserves Farm",
        "munsonspickles",
        "US",
        "USD",
    ),
    ("Nod Publishers", "nodpublishers", "ES", "EUR"),
    ("Proseware Inc", "proseware", "BR", "BRL"),
    ("Relecloud", "relecloud", "JP", "JPY"),
    ("School of Fine Art", "schooloffineart", "FR", "EUR"),
    ("Southridge Video", "southridgevideo", "CA", "CAD"),
    ("Tailspin Toys", "tailspintoys", "US", "USD"),
    ("The Phone Company", "thephonecompany", "GB", "GBP"),
    ("Trey Research", "treyresearch", "DE", "EUR"),
    ("VanArsdel Ltd", "vanarsdel", "NL", "EUR"),
    ("Wide World Importers", "wideworldimporters", "CN", "CNY"),
    ("Wingtip Toys", "wingtiptoys", "BR", "BRL"),
    ("Woodgrove Bank", "woodgrovebank", "CH", "CHF"),
    ("Arctic Research Station", "arcticresearch", "NO-21", "NOK"),
    ("Fjord Analytics", "fjordanalytics", "NO", "NOK"),
    ("Kookaburra Outfitters", "kookaburraoutfitters", "AU", "AUD"),
];
pub const FABRIKAM_CUSTOMERS: &[(&str, &str, &str, &str)] = &[
    ("Tailwind Traders", "tailwindtraders", "US", "USD"),
    ("Northridge Fabrics", "northridgefabrics", "GB", "GBP"),
    ("Datum Logistics", "datumlogistics", "DE", "EUR"),
];

/// A stable GUID for a demo row, so ids survive a re-seed and match across machines.
pub fn stable_id<T: std::str::FromStr>(label: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    let digest = Sha256::digest(label.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
        .parse()
        .expect("a UUID is a GUID")
}

pub fn domain_of(prefix: &str) -> String {
    format!("{prefix}.onmicrosoft.com")
}

/// A demo customer, its ids derived from its domain.
pub fn demo_customer(company: &str, domain: &str, market: &str, currency: &str) -> Customer {
    Customer {
        id: stable_id(domain),
        company_name: company.to_string(),
        tenant_id: stable_id(&format!("tenant:{domain}")),
        domain: domain.to_string(),
        market: Market::parse(market).expect("demo markets are valid"),
        currency: Currency::parse(currency).expect("demo currencies are valid"),
    }
}

fn email(address: &str) -> Email {
    Email::parse(address).expect("demo addresses are valid")
}

/// The billing profile of each demo partner.
fn billing_profile(partner: &str) -> BillingProfile {
    let (company, address, email, payment): (&str, &[&str], &str, &str) = if partner == NORTHWIND {
        (
            "Northwind Partners Ltd",
            &["1 Harbour Street", "Seattle, WA 98101", "United States"],
            "invoices@northwind.example",
            "Bank transfer, 30 days net",
        )
    } else {
        (
            "Fabrikam Resellers GmbH",
            &["Hauptstraße 5", "10115 Berlin", "Germany"],
            "billing@fabrikam-resellers.example",
            "Visa ending 4242",
        )
    };
    BillingProfile {
        company_name: company.into(),
        address_lines: address.iter().map(|l| l.to_string()).collect(),
        invoice_email: email.into(),
        payment_method: payment.into(),
        refund_limit: csp_domain::RefundLimit::DEFAULT,
        refund_limit_max: csp_domain::RefundLimit::DEFAULT_MAX,
        refund_limit_changes: Vec::new(),
        details_changes: Vec::new(),
    }
}

/// Seeds the demo partners, users and customers, then their orders, support requests in
/// every state and recent key access, and returns the sign-ins to print.
pub async fn seed_demo(
    db: &Db,
    demo_password: &str,
    windows: &CancellationWindows,
    now: DateTime<Utc>,
) -> Result<Vec<String>, sqlx::Error> {
    let sign_ins = seed_people(db, demo_password, now).await?;
    orders::seed_orders(db, windows, now).await?;
    support::seed_support_requests(db, now).await?;
    support::seed_activity(db, now).await?;
    Ok(sign_ins)
}

/// Partners, billing profiles, users and customers, in one transaction.
async fn seed_people(
    db: &Db,
    demo_password: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, sqlx::Error> {
    let hash = demo_hash(db, demo_password).await?;
    let mut tx = db.begin().await?;
    let mut sign_ins = Vec::new();
    for (partner, partner_users, partner_customers) in [
        (NORTHWIND, NORTHWIND_USERS, NORTHWIND_CUSTOMERS),
        (FABRIKAM, FABRIKAM_USERS, FABRIKAM_CUSTOMERS),
    ] {
        let partner_id: PartnerId = stable_id(partner);
        partners::insert(&mut tx, &partner_id, partner, now).await?;
        billing::insert_profile(&mut tx, &partner_id, &billing_profile(partner)).await?;
        for (address, name, roles) in partner_users {
            let principal = Principal::Partner {
                user: stable_id(address),
                partner: partner_id.clone(),
                roles: roles.to_vec(),
            };
            add_user(&mut tx, address, name, &principal, &hash, now).await?;
            let roles: Vec<_> = roles.iter().map(|r| r.display_name()).collect();
            sign_ins.push(format!("{address:<42} {partner}: {}", roles.join(" + ")));
        }
        for (company, prefix, market, currency) in partner_customers {
            let customer = demo_customer(company, &domain_of(prefix), market, currency);
            customers::insert(&mut tx, &partner_id, &customer, now).await?;
            let address = format!("admin@{}", customer.domain);
            let principal = Principal::Customer {
                user: stable_id(&address),
                customer: customer.id.clone(),
            };
            add_user(
                &mut tx,
                &address,
                &format!("{company} admin"),
                &principal,
                &hash,
                now,
            )
            .await?;
        }
    }
    // The demo's support agent is its support lead: it can invite other agents.
    let support = Principal::Support {
        user: stable_id(SUPPORT_EMAIL),
        roles: vec![csp_domain::Role::SupportLead],
    };
    add_user(&mut tx, SUPPORT_EMAIL, "Sam Support", &support, &hash, now).await?;
    sign_ins.push(format!("{SUPPORT_EMAIL:<42} CSP support agent"));
    sign_ins.push(format!(
        "{:<42} customer user of each demo customer, e.g. admin@{}",
        "admin@<customer domain>",
        domain_of(NORTHWIND_CUSTOMERS[0].1)
    ));
    tx.commit().await?;
    Ok(sign_ins)
}

/// The hash the demo users share: the one stored when it still matches `DEMO_PASSWORD`; a new
/// one otherwise — and then the demo users who still had the old password get the new one, so
/// changing `DEMO_PASSWORD` after the first start takes effect (users who set their own
/// password keep it).
async fn demo_hash(db: &Db, demo_password: &str) -> Result<String, sqlx::Error> {
    let stored = users::password_hash_of(&mut *db.conn().await?, SUPPORT_EMAIL).await?;
    let password = demo_password.to_string();
    // Argon2 is slow on purpose: off the async threads. A new hash only when the stored one
    // does not match.
    let (stored, fresh) = tokio::task::spawn_blocking(move || {
        let matches = stored
            .as_deref()
            .is_some_and(|h| password::verify(&password, h));
        let fresh = (!matches).then(|| password::hash(&password));
        (stored, fresh)
    })
    .await
    .expect("hashing does not panic");
    match (stored, fresh) {
        (Some(old), Some(new)) => {
            let changed = users::replace_password_hash(&mut *db.conn().await?, &old, &new).await?;
            tracing::info!(
                users = changed,
                "DEMO_PASSWORD changed: the demo users now sign in with the new one"
            );
            Ok(new)
        }
        (_, Some(new)) => Ok(new),
        (Some(old), None) => Ok(old),
        (None, None) => unreachable!("a hash is made when none is stored"),
    }
}

/// Whether the database holds the demo users (their support agent).
pub async fn demo_users_present(db: &Db) -> Result<bool, sqlx::Error> {
    Ok(
        users::password_hash_of(&mut *db.conn().await?, SUPPORT_EMAIL)
            .await?
            .is_some(),
    )
}

async fn add_user(
    tx: &mut Tx,
    address: &str,
    display_name: &str,
    principal: &Principal,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let user = NewUser {
        id: principal.user_id(),
        email: &email(address),
        display_name,
        principal,
        password_hash,
    };
    users::insert(tx, &user, now).await
}

/// Adds `count` generated customers to Northwind for benchmarks (idempotent per number).
pub async fn seed_bulk_customers(
    db: &Db,
    count: u32,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const WORDS: [&str; 8] = [
        "Alpha", "Blue", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor",
    ];
    const MARKETS: [(&str, &str); 6] = [
        ("US", "USD"),
        ("DE", "EUR"),
        ("GB", "GBP"),
        ("JP", "JPY"),
        ("AU", "AUD"),
        ("BR", "BRL"),
    ];
    let partner_id: PartnerId = stable_id(NORTHWIND);
    // Batches keep each transaction (and SQLite's write lock) short, and the chain of versions
    // of the partner's row (updated by the insert trigger) short on PostgreSQL.
    for batch in (0..count).collect::<Vec<_>>().chunks(1_000) {
        let mut tx = db.begin().await?;
        for &n in batch {
            let company = format!(
                "{} {} Holdings {n:06}",
                WORDS[n as usize % 8],
                WORDS[(n as usize / 8) % 8]
            );
            let (market, currency) = MARKETS[n as usize % MARKETS.len()];
            let customer = demo_customer(
                &company,
                &format!("bulk{n:06}.onmicrosoft.com"),
                market,
                currency,
            );
            customers::insert(&mut tx, &partner_id, &customer, now).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}
