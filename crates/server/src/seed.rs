//! Demo data (SPEC §10): two partners, one user per role, customers across markets, a customer
//! user per customer and a support agent. Idempotent: ids are derived from names and every
//! insert skips rows that exist, so seeding twice changes nothing.

use csp_domain::Role;
use sha2::{Digest, Sha256};

use crate::db::{now_rfc3339, Db};
use crate::password;
use crate::store::customers::search_text;

pub const NORTHWIND: &str = "Northwind Partners";
pub const FABRIKAM: &str = "Fabrikam Resellers";
pub const SUPPORT_EMAIL: &str = "support@csp-support.example";

/// (email, display name, roles) of the partner users.
pub const NORTHWIND_USERS: &[(&str, &str, &[Role])] = &[
    ("admin.agent@northwind.example", "Avery Agent", &[Role::AdminAgent]),
    ("global.admin@northwind.example", "Gloria Global", &[Role::GlobalAdmin]),
    ("account.admin@northwind.example", "Arjun Account", &[Role::AccountAdmin]),
    ("referral.admin@northwind.example", "Rita Referral", &[Role::ReferralAdmin]),
    ("marketing.admin@northwind.example", "Marco Marketing", &[Role::MarketingContentAdmin]),
    ("owner@northwind.example", "Olivia Owner", &[Role::AdminAgent, Role::GlobalAdmin]),
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
    ("Consolidated Messenger", "consolidatedmessenger", "GB", "GBP"),
    ("Contoso Pharmaceuticals", "contosopharma", "DE", "EUR"),
    ("Fourth Coffee", "fourthcoffee", "US", "USD"),
    ("Graphic Design Institute", "graphicdesigninstitute", "GB", "GBP"),
    ("Humongous Insurance", "humongousinsurance", "US", "USD"),
    ("Lamna Healthcare", "lamnahealthcare", "IN", "INR"),
    ("Litware Inc", "litware", "JP", "JPY"),
    ("Lucerne Publishing", "lucernepublishing", "DE", "EUR"),
    ("Margie's Travel", "margiestravel", "AU", "AUD"),
    ("Munson's Pickles and Preserves Farm", "munsonspickles", "US", "USD"),
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
pub fn stable_id(label: &str) -> String {
    let digest = Sha256::digest(label.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

pub fn domain_of(prefix: &str) -> String {
    format!("{prefix}.onmicrosoft.com")
}

/// Seeds the demo data in one transaction and returns the sign-ins to print.
pub async fn seed_demo(db: &Db, demo_password: &str) -> Result<Vec<String>, sqlx::Error> {
    let password = demo_password.to_string();
    // One hash for all demo users: argon2 is slow on purpose and they share a password.
    let hash = tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .expect("hashing does not panic");
    let mut tx = db.begin().await?;
    let mut sign_ins = Vec::new();
    for (partner, users, customers) in [
        (NORTHWIND, NORTHWIND_USERS, NORTHWIND_CUSTOMERS),
        (FABRIKAM, FABRIKAM_USERS, FABRIKAM_CUSTOMERS),
    ] {
        let partner_id = stable_id(partner);
        sqlx::query("INSERT INTO partners (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(&partner_id)
            .bind(partner)
            .bind(now_rfc3339())
            .execute(&mut *tx)
            .await?;
        for (email, name, roles) in users {
            insert_user(&mut tx, email, name, "partner", Some(&partner_id), None, &hash).await?;
            for role in *roles {
                sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(stable_id(email))
                    .bind(role.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            let roles: Vec<_> = roles.iter().map(|r| r.display_name()).collect();
            sign_ins.push(format!("{email:<42} {partner}: {}", roles.join(" + ")));
        }
        for (company, prefix, market, currency) in customers {
            let domain = domain_of(prefix);
            let customer_id = stable_id(&domain);
            insert_customer(&mut tx, &partner_id, &customer_id, company, &domain, market, currency).await?;
            let email = format!("admin@{domain}");
            let name = format!("{company} admin");
            insert_user(&mut tx, &email, &name, "customer", None, Some(&customer_id), &hash).await?;
        }
    }
    insert_user(&mut tx, SUPPORT_EMAIL, "Sam Support", "support", None, None, &hash).await?;
    sign_ins.push(format!("{SUPPORT_EMAIL:<42} CSP support agent"));
    sign_ins.push(format!(
        "{:<42} customer user of each demo customer, e.g. admin@{}",
        "admin@<customer domain>",
        domain_of(NORTHWIND_CUSTOMERS[0].1)
    ));
    tx.commit().await?;
    Ok(sign_ins)
}

/// Adds `count` generated customers to Northwind for benchmarks (idempotent per number).
pub async fn seed_bulk_customers(db: &Db, count: u32) -> Result<(), sqlx::Error> {
    const WORDS: [&str; 8] = ["Alpha", "Blue", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor"];
    const MARKETS: [(&str, &str); 6] =
        [("US", "USD"), ("DE", "EUR"), ("GB", "GBP"), ("JP", "JPY"), ("AU", "AUD"), ("BR", "BRL")];
    let partner_id = stable_id(NORTHWIND);
    let mut tx = db.begin().await?;
    for n in 0..count {
        let company = format!("{} {} Holdings {n:06}", WORDS[n as usize % 8], WORDS[(n as usize / 8) % 8]);
        let domain = format!("bulk{n:06}.onmicrosoft.com");
        let (market, currency) = MARKETS[n as usize % MARKETS.len()];
        insert_customer(&mut tx, &partner_id, &stable_id(&domain), &company, &domain, market, currency)
            .await?;
    }
    tx.commit().await
}

async fn insert_customer(
    tx: &mut sqlx::SqliteConnection,
    partner_id: &str,
    id: &str,
    company: &str,
    domain: &str,
    market: &str,
    currency: &str,
) -> Result<(), sqlx::Error> {
    let tenant_id = stable_id(&format!("tenant:{domain}"));
    sqlx::query(
        "INSERT INTO customers (id, partner_id, company_name, tenant_id, domain, market, currency, \
         search_text, sort_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(partner_id)
    .bind(company)
    .bind(&tenant_id)
    .bind(domain)
    .bind(market)
    .bind(currency)
    .bind(search_text(company, domain, &tenant_id))
    .bind(company.to_lowercase())
    .bind(now_rfc3339())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn insert_user(
    tx: &mut sqlx::SqliteConnection,
    email: &str,
    display_name: &str,
    kind: &str,
    partner_id: Option<&str>,
    customer_id: Option<&str>,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, email, display_name, kind, partner_id, customer_id, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
    )
    .bind(stable_id(email))
    .bind(email)
    .bind(display_name)
    .bind(kind)
    .bind(partner_id)
    .bind(customer_id)
    .bind(password_hash)
    .bind(now_rfc3339())
    .execute(&mut *tx)
    .await?;
    Ok(())
}
