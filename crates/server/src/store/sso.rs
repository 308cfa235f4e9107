//! Single sign-on: organisations' identity providers and the e-mail domains they sign in, the
//! accounts at providers linked to users, and sign-ins on their way to a provider.

use chrono::{DateTime, Utc};
use csp_domain::sso::CheckedProvider;
use csp_domain::{PartnerId, UserId};

use super::sessions::token_hash;
use super::{db_time, decode, new_id, read_time, Conn};

/// Whose provider it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A partner's: its Global admin sets it up.
    Partner(PartnerId),
    /// The support organisation's: the operator sets it up.
    Support,
    /// Customers' users ("Sign in with Microsoft"): the operator sets it up; its ID tokens name
    /// the customer's tenant.
    Customers,
}

impl Owner {
    /// The columns that say it: `partner_id` (or `''`) and `for_customers`.
    fn key(&self) -> (&str, i64) {
        match self {
            Owner::Partner(partner) => (partner.as_str(), 0),
            Owner::Support => ("", 0),
            Owner::Customers => ("", 1),
        }
    }
}

/// A provider as the server uses it.
#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub owner: Owner,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub require_sso: bool,
    pub allow_jit: bool,
    pub domains: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct ProviderRow {
    id: String,
    partner_id: Option<String>,
    issuer: String,
    client_id: String,
    client_secret: String,
    require_sso: i64,
    for_customers: i64,
    allow_jit: i64,
}

const COLUMNS: &str = "p.id, p.partner_id, p.issuer, p.client_id, p.client_secret, p.require_sso, \
     p.for_customers, p.allow_jit";

async fn with_domains(conn: &mut Conn, row: ProviderRow) -> Result<Provider, sqlx::Error> {
    let mut domains: Vec<String> =
        sqlx::query_scalar("SELECT domain FROM identity_provider_domains WHERE provider_id = $1")
            .bind(&row.id)
            .fetch_all(&mut *conn)
            .await?;
    domains.sort();
    let owner = match (row.partner_id.as_deref(), row.for_customers != 0) {
        (Some(p), _) => Owner::Partner(decode("partner id", p, PartnerId::parse)?),
        (None, false) => Owner::Support,
        (None, true) => Owner::Customers,
    };
    Ok(Provider {
        owner,
        id: row.id,
        issuer: row.issuer,
        client_id: row.client_id,
        client_secret: row.client_secret,
        require_sso: row.require_sso != 0,
        allow_jit: row.allow_jit != 0,
        domains,
    })
}

async fn with_domains_of(
    conn: &mut Conn,
    row: Option<ProviderRow>,
) -> Result<Option<Provider>, sqlx::Error> {
    match row {
        Some(row) => Ok(Some(with_domains(conn, row).await?)),
        None => Ok(None),
    }
}

/// The owner's provider.
pub async fn of_org(conn: &mut Conn, owner: &Owner) -> Result<Option<Provider>, sqlx::Error> {
    let (partner, for_customers) = owner.key();
    let row: Option<ProviderRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers p \
         WHERE COALESCE(p.partner_id, '') = $1 AND p.for_customers = $2"
    ))
    .bind(partner)
    .bind(for_customers)
    .fetch_optional(&mut *conn)
    .await?;
    with_domains_of(conn, row).await
}

/// The provider that signs in addresses of `domain`.
pub async fn for_domain(conn: &mut Conn, domain: &str) -> Result<Option<Provider>, sqlx::Error> {
    let row: Option<ProviderRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers p \
         JOIN identity_provider_domains d ON d.provider_id = p.id WHERE d.domain = $1"
    ))
    .bind(domain)
    .fetch_optional(&mut *conn)
    .await?;
    with_domains_of(conn, row).await
}

pub async fn by_id(conn: &mut Conn, id: &str) -> Result<Option<Provider>, sqlx::Error> {
    let row: Option<ProviderRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identity_providers p WHERE p.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    with_domains_of(conn, row).await
}

/// The domains of `domains` that another organisation's provider signs in already.
pub async fn domains_of_others(
    conn: &mut Conn,
    owner: &Owner,
    domains: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    let (partner, for_customers) = owner.key();
    let mut taken = Vec::new();
    for domain in domains {
        let other: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM identity_provider_domains d JOIN identity_providers p ON p.id = d.provider_id \
             WHERE d.domain = $1 AND (COALESCE(p.partner_id, '') <> $2 OR p.for_customers <> $3)",
        )
        .bind(domain)
        .bind(partner)
        .bind(for_customers)
        .fetch_optional(&mut *conn)
        .await?;
        if other.is_some() {
            taken.push(domain.clone());
        }
    }
    Ok(taken)
}

/// Sets the organisation's provider (its secret kept when none is given) and its domains.
/// `false` when there is no provider yet and no secret was given.
pub async fn put(
    conn: &mut Conn,
    owner: &Owner,
    provider: &CheckedProvider,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let existing = of_org(conn, owner).await?;
    let id = match (&existing, &provider.client_secret) {
        (Some(found), secret) => {
            if found.issuer != provider.issuer {
                // Another issuer's subjects are other people: the old links must not carry over.
                sqlx::query("DELETE FROM user_identities WHERE provider_id = $1")
                    .bind(&found.id)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(
                "UPDATE identity_providers SET issuer = $2, client_id = $3, \
                 client_secret = COALESCE($4, client_secret), require_sso = $5, updated_by = $6, \
                 updated_at = $7, allow_jit = $8 WHERE id = $1",
            )
            .bind(&found.id)
            .bind(&provider.issuer)
            .bind(&provider.client_id)
            .bind(secret)
            .bind(i64::from(provider.require_sso))
            .bind(by)
            .bind(db_time(now))
            .bind(i64::from(provider.allow_jit))
            .execute(&mut *conn)
            .await?;
            found.id.clone()
        }
        (None, Some(secret)) => {
            let id: String = new_id::<uuid::Uuid>().to_string();
            sqlx::query(
                "INSERT INTO identity_providers (id, partner_id, issuer, client_id, client_secret, \
                 require_sso, updated_by, updated_at, for_customers, allow_jit) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&id)
            .bind(match owner {
                Owner::Partner(partner) => Some(partner.as_str()),
                Owner::Support | Owner::Customers => None,
            })
            .bind(&provider.issuer)
            .bind(&provider.client_id)
            .bind(secret)
            .bind(i64::from(provider.require_sso))
            .bind(by)
            .bind(db_time(now))
            .bind(owner.key().1)
            .bind(i64::from(provider.allow_jit))
            .execute(&mut *conn)
            .await?;
            id
        }
        (None, None) => return Ok(false),
    };
    sqlx::query("DELETE FROM identity_provider_domains WHERE provider_id = $1")
        .bind(&id)
        .execute(&mut *conn)
        .await?;
    for domain in &provider.domains {
        sqlx::query("INSERT INTO identity_provider_domains (domain, provider_id) VALUES ($1, $2)")
            .bind(domain)
            .bind(&id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// Removes the organisation's provider; users sign in with passwords again (their links to
/// accounts at the provider go too).
pub async fn remove(conn: &mut Conn, owner: &Owner) -> Result<bool, sqlx::Error> {
    let Some(found) = of_org(conn, owner).await? else {
        return Ok(false);
    };
    for sql in [
        "DELETE FROM user_identities WHERE provider_id = $1",
        "DELETE FROM identity_provider_domains WHERE provider_id = $1",
        "DELETE FROM sso_logins WHERE provider_id = $1",
        "DELETE FROM identity_providers WHERE id = $1",
    ] {
        sqlx::query(sql).bind(&found.id).execute(&mut *conn).await?;
    }
    Ok(true)
}

/// A sign-in on its way to the provider, found by its `state`.
pub struct Login {
    /// The hash of the binding cookie of the browser that started the sign-in.
    pub browser_hash: String,
    pub provider_id: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn start_login(
    conn: &mut Conn,
    state: &str,
    login: &Login,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    // Sign-ins never finished are cleared as new ones start.
    sqlx::query("DELETE FROM sso_logins WHERE expires_at < $1")
        .bind(db_time(now))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO sso_logins (state_hash, browser_hash, provider_id, nonce, pkce_verifier, next_path, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token_hash(state))
    .bind(&login.browser_hash)
    .bind(&login.provider_id)
    .bind(&login.nonce)
    .bind(&login.pkce_verifier)
    .bind(&login.next)
    .bind(db_time(now))
    .bind(db_time(login.expires_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// How many sign-ins of a provider are on their way (a cap against floods).
pub async fn logins_waiting(conn: &mut Conn, provider_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM sso_logins WHERE provider_id = $1")
        .bind(provider_id)
        .fetch_one(conn)
        .await
}

/// Takes the sign-in of `state` (once: a second callback with it finds nothing).
pub async fn take_login(conn: &mut Conn, state: &str) -> Result<Option<Login>, sqlx::Error> {
    let row: Option<(String, String, String, String, String, String)> = sqlx::query_as(
        "DELETE FROM sso_logins WHERE state_hash = $1 \
         RETURNING browser_hash, provider_id, nonce, pkce_verifier, next_path, expires_at",
    )
    .bind(token_hash(state))
    .fetch_optional(conn)
    .await?;
    row.map(
        |(browser_hash, provider_id, nonce, pkce_verifier, next, expires_at)| {
            Ok(Login {
                browser_hash,
                provider_id,
                nonce,
                pkce_verifier,
                next,
                expires_at: read_time(&expires_at)?,
            })
        },
    )
    .transpose()
}

/// The user linked to an account at a provider.
pub async fn linked_user(
    conn: &mut Conn,
    provider_id: &str,
    subject: &str,
) -> Result<Option<UserId>, sqlx::Error> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM user_identities WHERE provider_id = $1 AND subject = $2",
    )
    .bind(provider_id)
    .bind(subject)
    .fetch_optional(conn)
    .await?;
    id.map(|id| decode("user id", &id, UserId::parse))
        .transpose()
}

/// Links an account at a provider to a user (the first sign-in through it).
pub async fn link(
    conn: &mut Conn,
    provider_id: &str,
    subject: &str,
    user: &UserId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO user_identities (provider_id, subject, user_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(provider_id)
    .bind(subject)
    .bind(user.as_str())
    .bind(db_time(now))
    .execute(conn)
    .await?;
    Ok(())
}
