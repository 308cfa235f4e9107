//! Accounts: an organisation's users (a partner's, or the support organisation's) as
//! Settings → Users lists them, their roles and whether they
//! are active, one-time links (invitations, password resets; only a hash of the token is
//! kept), and the record of who changed which user.

use chrono::{DateTime, Utc};
use csp_domain::account::{UserChangeAction, UserChangeEntry, UserSummary};
use csp_domain::{CustomerId, PartnerId, Role, UserId, UserKind};

use super::sessions::token_hash;
use super::{db_time, decode, read_time, Conn};

/// An organisation whose users are managed together: a partner, or the support organisation
/// (its agents belong to no partner).
#[derive(Debug, Clone, Copy)]
pub enum Org<'a> {
    Partner(&'a PartnerId),
    Support,
}

impl Org<'_> {
    pub fn kind(self) -> UserKind {
        match self {
            Org::Partner(_) => UserKind::Partner,
            Org::Support => UserKind::Support,
        }
    }

    /// The two values of [`ORG_USERS`]: the users' kind, and their partner id or ''.
    fn keys(self) -> (&'static str, String) {
        match self {
            Org::Partner(p) => ("partner", p.as_str().to_string()),
            Org::Support => ("support", String::new()),
        }
    }
}

/// The users `u` of an organisation, with [`Org::keys`] bound to `$1` and `$2`.
const ORG_USERS: &str = "u.kind = $1 AND COALESCE(u.partner_id, '') = $2";

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// Stores a new link for `user` and returns its token (to put in the link, never stored).
pub async fn create_token(
    conn: &mut Conn,
    user: &UserId,
    purpose: Purpose,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<String, sqlx::Error> {
    let token = super::sessions::new_token();
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user.as_str())
    .bind(purpose.as_str())
    .bind(db_time(now))
    .bind(db_time(expires_at))
    .execute(conn)
    .await?;
    Ok(token)
}

/// Uses a link: the user it is for, if it exists, is for `purpose`, has not expired and was
/// not used before — in one conditional update, so two uses at once cannot both succeed.
pub async fn use_token(
    conn: &mut Conn,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, sqlx::Error> {
    let user: Option<String> = sqlx::query_scalar(
        "UPDATE account_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 \
         AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
    )
    .bind(token_hash(token))
    .bind(purpose.as_str())
    .bind(db_time(now))
    .fetch_optional(conn)
    .await?;
    user.map(|u| decode("user id", &u, UserId::parse))
        .transpose()
}

/// How many links of `purpose` were made for `user` since `since` (resets are limited).
pub async fn tokens_since(
    conn: &mut Conn,
    user: &UserId,
    purpose: Purpose,
    since: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_tokens WHERE user_id = $1 AND purpose = $2 AND created_at >= $3",
    )
    .bind(user.as_str())
    .bind(purpose.as_str())
    .bind(db_time(since))
    .fetch_one(conn)
    .await
}

/// The invitations `actor_email` sent since `since`: how many, and when the first of them was.
pub async fn invitations_since(
    conn: &mut Conn,
    actor_email: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), sqlx::Error> {
    let (count, first): (i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM user_changes WHERE actor_email = $1 AND action = 'invited' AND at >= $2",
    )
    .bind(actor_email)
    .bind(db_time(since))
    .fetch_one(conn)
    .await?;
    Ok((count, first.as_deref().map(read_time).transpose()?))
}

/// Ends every unused link of `user` for `purpose` (a new password makes old resets void).
pub async fn void_tokens(
    conn: &mut Conn,
    user: &UserId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE account_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.as_str())
        .bind(db_time(now))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_password(conn: &mut Conn, user: &UserId, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user.as_str())
        .bind(hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of `user`, and the sign-ins waiting for their code.
pub async fn end_sessions(conn: &mut Conn, user: &UserId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *conn)
        .await?;
    end_waiting_sign_ins(conn, user).await
}

/// Sign-ins of `user` that passed the password and wait for the code end: after a new
/// password or a deactivation, the old password must not finish one.
async fn end_waiting_sign_ins(conn: &mut Conn, user: &UserId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_challenges WHERE user_id = $1")
        .bind(user.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of `user` but the one with token `keep`.
pub async fn end_other_sessions(
    conn: &mut Conn,
    user: &UserId,
    keep: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.as_str())
        .bind(token_hash(keep))
        .execute(&mut *conn)
        .await?;
    end_waiting_sign_ins(conn, user).await
}

pub async fn note_sign_in(
    conn: &mut Conn,
    user: &UserId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_sign_in_at = $2 WHERE id = $1")
        .bind(user.as_str())
        .bind(db_time(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether the user may sign in (exists and is active).
pub async fn is_active(conn: &mut Conn, user: &UserId) -> Result<bool, sqlx::Error> {
    let active: Option<i64> = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
        .bind(user.as_str())
        .fetch_optional(conn)
        .await?;
    Ok(active == Some(1))
}

/// Takes the organisation's lock until the transaction ends: changes to its users are made
/// one at a time, so two admins cannot each remove the other's Global admin role (or two
/// support leads each other's lead role). A partner's lock is its row; the support
/// organisation's, the rows of its agents.
pub async fn lock(conn: &mut Conn, org: Org<'_>) -> Result<(), sqlx::Error> {
    match org {
        Org::Partner(partner) => sqlx::query("UPDATE partners SET name = name WHERE id = $1")
            .bind(partner.as_str())
            .execute(conn)
            .await
            .map(drop),
        Org::Support => sqlx::query("UPDATE users SET active = active WHERE kind = 'support'")
            .execute(conn)
            .await
            .map(drop),
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    email: String,
    display_name: String,
    active: i64,
    password_hash: String,
    last_sign_in_at: Option<String>,
    created_at: String,
}

/// The partner's users, by address, with their roles.
/// A customer's users (the tenant's), by e-mail.
pub async fn list_tenant(
    conn: &mut Conn,
    customer: &CustomerId,
) -> Result<Vec<UserSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT id, email, display_name, active, password_hash, last_sign_in_at, created_at \
         FROM users WHERE customer_id = $1 ORDER BY email",
    )
    .bind(customer.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(UserSummary {
                id: decode("user id", &r.id, UserId::parse)?,
                email: r.email,
                display_name: r.display_name,
                roles: Vec::new(),
                active: r.active != 0,
                invited: r.password_hash.is_empty(),
                last_sign_in_at: r.last_sign_in_at.as_deref().map(read_time).transpose()?,
                created_at: read_time(&r.created_at)?,
            })
        })
        .collect()
}

pub async fn list(conn: &mut Conn, org: Org<'_>) -> Result<Vec<UserSummary>, sqlx::Error> {
    let (kind, partner) = org.keys();
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT u.id, u.email, u.display_name, u.active, u.password_hash, u.last_sign_in_at, u.created_at \
         FROM users u WHERE {ORG_USERS} ORDER BY u.email"
    ))
    .bind(kind)
    .bind(&partner)
    .fetch_all(&mut *conn)
    .await?;
    let roles: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT r.user_id, r.role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE {ORG_USERS}"
    ))
    .bind(kind)
    .bind(&partner)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let mut user_roles: Vec<Role> = roles
                .iter()
                .filter(|(user, _)| *user == r.id)
                .filter_map(|(_, role)| Role::parse(role))
                .collect();
            user_roles.sort();
            Ok(UserSummary {
                id: decode("user id", &r.id, UserId::parse)?,
                email: r.email,
                display_name: r.display_name,
                roles: user_roles,
                active: r.active != 0,
                invited: r.password_hash.is_empty(),
                last_sign_in_at: r.last_sign_in_at.as_deref().map(read_time).transpose()?,
                created_at: read_time(&r.created_at)?,
            })
        })
        .collect()
}

/// Replaces the user's roles.
pub async fn set_roles(conn: &mut Conn, user: &UserId, roles: &[Role]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *conn)
        .await?;
    for role in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user.as_str())
            .bind(role.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn set_active(conn: &mut Conn, user: &UserId, active: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET active = $2 WHERE id = $1")
        .bind(user.as_str())
        .bind(i64::from(active))
        .execute(conn)
        .await?;
    Ok(())
}

/// The organisation's active users other than `except` who hold `role`.
pub async fn other_active_holders(
    conn: &mut Conn,
    org: Org<'_>,
    role: Role,
    except: &UserId,
) -> Result<i64, sqlx::Error> {
    let (kind, partner) = org.keys();
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id \
         WHERE {ORG_USERS} AND u.id <> $3 AND u.active = 1 AND r.role = $4"
    ))
    .bind(kind)
    .bind(&partner)
    .bind(except.as_str())
    .bind(role.as_str())
    .fetch_one(conn)
    .await
}

/// One change of a user, for the record.
pub struct Change<'a> {
    pub partner: Option<&'a PartnerId>,
    pub actor_email: &'a str,
    pub user: &'a UserId,
    pub action: UserChangeAction,
    pub detail: &'a str,
    pub client_ip: &'a str,
    pub at: DateTime<Utc>,
}

pub async fn record(conn: &mut Conn, c: &Change<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO user_changes (id, partner_id, at, actor_email, user_id, action, detail, client_ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(super::new_ordered_id::<UserId>().as_str())
    .bind(c.partner.map(|p| p.as_str()))
    .bind(db_time(c.at))
    .bind(c.actor_email)
    .bind(c.user.as_str())
    .bind(c.action.as_str())
    .bind(c.detail)
    .bind(c.client_ip)
    .execute(conn)
    .await?;
    Ok(())
}

/// The organisation's latest `limit` changes of its users, newest first.
pub async fn list_changes(
    conn: &mut Conn,
    org: Org<'_>,
    limit: i64,
) -> Result<Vec<UserChangeEntry>, sqlx::Error> {
    let (kind, partner) = org.keys();
    let rows: Vec<(String, String, String, String, String, String, String)> = sqlx::query_as(&format!(
        "SELECT c.at, c.actor_email, u.email, u.display_name, c.action, c.detail, c.client_ip \
         FROM user_changes c JOIN users u ON u.id = c.user_id \
         WHERE {ORG_USERS} AND COALESCE(c.partner_id, '') = $2 ORDER BY c.at DESC, c.id DESC LIMIT $3"
    ))
    .bind(kind)
    .bind(&partner)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(
            |(at, actor_email, user_email, user_name, action, detail, client_ip)| {
                Ok(UserChangeEntry {
                    at: read_time(&at)?,
                    actor_email,
                    user_email,
                    user_name,
                    action: UserChangeAction::parse(&action),
                    detail,
                    client_ip,
                })
            },
        )
        .collect()
}

/// How many changes of `action` were recorded for `user` (tests read the record with it).
pub async fn count_changes(
    conn: &mut Conn,
    user: &UserId,
    action: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM user_changes WHERE user_id = $1 AND action = $2")
        .bind(user.as_str())
        .bind(action)
        .fetch_one(conn)
        .await
}
