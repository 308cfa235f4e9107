//! Users and their roles.

use chrono::{DateTime, Utc};
use csp_domain::{CustomerId, Email, PartnerId, Principal, Role, User, UserId, UserKind};

use super::{db_time, decode, decode_error, Conn};

/// A user as the server knows it: the wire profile, who it is for authorization, and its hash.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user: User,
    pub principal: Principal,
    pub password_hash: String,
    /// Two-step sign-in is on.
    pub two_step_on: bool,
    /// The user's partner requires two-step sign-in of every user.
    pub partner_requires_two_step: bool,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    display_name: String,
    kind: String,
    partner_id: Option<String>,
    customer_id: Option<String>,
    password_hash: String,
    organization: String,
    two_step: i64,
    two_step_for_everyone: i64,
}

const SELECT_USER: &str = "\
    SELECT u.id, u.email, u.display_name, u.kind, u.partner_id, u.customer_id, u.password_hash, \
           COALESCE(p.name, c.company_name, 'CSP Support') AS organization, \
           (SELECT COUNT(*) FROM two_step t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS two_step, \
           COALESCE(p.two_step_for_everyone, 0) AS two_step_for_everyone \
    FROM users u \
    LEFT JOIN partners p ON p.id = u.partner_id \
    LEFT JOIN customers c ON c.id = u.customer_id";

pub async fn find_by_email(
    conn: &mut Conn,
    email: &Email,
) -> Result<Option<UserRecord>, sqlx::Error> {
    let sql = format!("{SELECT_USER} WHERE u.email = $1");
    let row: Option<UserRow> = sqlx::query_as(&sql)
        .bind(email.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(with_roles(conn, row).await?)),
        None => Ok(None),
    }
}

pub async fn find_by_id(conn: &mut Conn, id: &UserId) -> Result<Option<UserRecord>, sqlx::Error> {
    let sql = format!("{SELECT_USER} WHERE u.id = $1");
    let row: Option<UserRow> = sqlx::query_as(&sql)
        .bind(id.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(with_roles(conn, row).await?)),
        None => Ok(None),
    }
}

async fn with_roles(conn: &mut Conn, row: UserRow) -> Result<UserRecord, sqlx::Error> {
    let role_names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1")
            .bind(&row.id)
            .fetch_all(&mut *conn)
            .await?;
    // Roles this build does not know are skipped rather than failing the sign-in.
    let mut roles: Vec<Role> = role_names.iter().filter_map(|r| Role::parse(r)).collect();
    roles.sort();
    let id: UserId = decode("user id", &row.id, UserId::parse)?;
    let kind = UserKind::parse(&row.kind)
        .ok_or_else(|| decode_error("user kind", &row.kind, "unknown"))?;
    let principal = match (kind, &row.partner_id, &row.customer_id) {
        (UserKind::Partner, Some(partner), _) => Principal::Partner {
            user: id.clone(),
            partner: decode("partner id", partner, PartnerId::parse)?,
            roles: Role::of_kind(kind, &roles),
        },
        (UserKind::Customer, _, Some(customer)) => Principal::Customer {
            user: id.clone(),
            customer: decode("customer id", customer, CustomerId::parse)?,
        },
        (UserKind::Support, _, _) => Principal::Support {
            user: id.clone(),
            roles: Role::of_kind(kind, &roles),
        },
        _ => {
            return Err(decode_error(
                "user",
                &row.id,
                "kind without its organisation",
            ))
        }
    };
    Ok(UserRecord {
        user: User {
            id,
            email: decode("email", &row.email, Email::parse)?,
            display_name: row.display_name,
            kind,
            roles: Role::of_kind(kind, &roles),
            organization: row.organization,
            two_step_setup_required: false,
        },
        principal,
        password_hash: row.password_hash,
        two_step_on: row.two_step > 0,
        partner_requires_two_step: row.two_step_for_everyone != 0,
    })
}

/// A user to add (seeding).
pub struct NewUser<'a> {
    pub id: &'a UserId,
    pub email: &'a Email,
    pub display_name: &'a str,
    pub principal: &'a Principal,
    pub password_hash: &'a str,
}

/// Adds a user and its roles unless a user with this id exists.
pub async fn insert(
    conn: &mut Conn,
    user: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (partner, customer) = match user.principal {
        Principal::Partner { partner, .. } => (Some(partner.as_str()), None),
        Principal::Customer { customer, .. } => (None, Some(customer.as_str())),
        Principal::Support { .. } => (None, None),
    };
    sqlx::query(
        "INSERT INTO users (id, email, display_name, kind, partner_id, customer_id, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
    )
    .bind(user.id.as_str())
    .bind(user.email.as_str())
    .bind(user.display_name)
    .bind(user.principal.kind().as_str())
    .bind(partner)
    .bind(customer)
    .bind(user.password_hash)
    .bind(db_time(now))
    .execute(&mut *conn)
    .await?;
    for role in user.principal.roles() {
        sqlx::query(
            "INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(user.id.as_str())
        .bind(role.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Someone to mail: the address and the language they read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub language: String,
}

#[derive(sqlx::FromRow)]
struct MailRow {
    email: String,
    language: String,
    notify_orders: i64,
    notify_support: i64,
}

/// A user's mail settings: the language, and the optional mails they want.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub recipient: Recipient,
    pub order_confirmations: bool,
    pub support_updates: bool,
}

impl From<MailRow> for MailSettings {
    fn from(r: MailRow) -> MailSettings {
        MailSettings {
            recipient: Recipient {
                email: r.email,
                language: r.language,
            },
            order_confirmations: r.notify_orders != 0,
            support_updates: r.notify_support != 0,
        }
    }
}

const MAIL_COLUMNS: &str = "u.email, u.language, u.notify_orders, u.notify_support";

/// The mail settings of the user with this address, if there is one.
pub async fn mail_settings(
    conn: &mut Conn,
    email: &str,
) -> Result<Option<MailSettings>, sqlx::Error> {
    let row: Option<MailRow> = sqlx::query_as(&format!(
        "SELECT {MAIL_COLUMNS} FROM users u WHERE u.email = $1"
    ))
    .bind(email.trim().to_ascii_lowercase())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(MailSettings::from))
}

pub async fn mail_settings_by_id(
    conn: &mut Conn,
    id: &UserId,
) -> Result<Option<MailSettings>, sqlx::Error> {
    let row: Option<MailRow> = sqlx::query_as(&format!(
        "SELECT {MAIL_COLUMNS} FROM users u WHERE u.id = $1"
    ))
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(MailSettings::from))
}

async fn recipients(
    conn: &mut Conn,
    filter: &str,
    arg: Option<&str>,
) -> Result<Vec<Recipient>, sqlx::Error> {
    let sql = format!("SELECT {MAIL_COLUMNS} FROM users u WHERE {filter} ORDER BY u.email");
    let mut query = sqlx::query_as::<_, MailRow>(&sql);
    if let Some(arg) = arg {
        query = query.bind(arg);
    }
    Ok(query
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| MailSettings::from(r).recipient)
        .collect())
}

/// The users of a customer (its admins: R-SW-3's customer users).
pub async fn customer_users(
    conn: &mut Conn,
    customer: &CustomerId,
) -> Result<Vec<Recipient>, sqlx::Error> {
    recipients(conn, "u.customer_id = $1", Some(customer.as_str())).await
}

pub async fn support_agents(conn: &mut Conn) -> Result<Vec<Recipient>, sqlx::Error> {
    recipients(conn, "u.kind = 'support'", None).await
}

/// The partner's Global admins.
pub async fn global_admins(
    conn: &mut Conn,
    partner: &PartnerId,
) -> Result<Vec<Recipient>, sqlx::Error> {
    recipients(
        conn,
        "u.partner_id = $1 AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'global_admin')",
        Some(partner.as_str()),
    )
    .await
}

/// The partner's Admin agents, who are reminded of deadlines.
pub async fn admin_agents(
    conn: &mut Conn,
    partner: &PartnerId,
) -> Result<Vec<Recipient>, sqlx::Error> {
    recipients(
        conn,
        "u.partner_id = $1 AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'admin_agent')",
        Some(partner.as_str()),
    )
    .await
}

/// Changes a user's mail settings; `None` leaves a setting as it is.
pub async fn set_mail_settings(
    conn: &mut Conn,
    id: &UserId,
    language: Option<&str>,
    order_confirmations: Option<bool>,
    support_updates: Option<bool>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET language = COALESCE($2, language), \
         notify_orders = COALESCE($3, notify_orders), notify_support = COALESCE($4, notify_support) \
         WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(language)
    .bind(order_confirmations.map(i64::from))
    .bind(support_updates.map(i64::from))
    .execute(conn)
    .await?;
    Ok(())
}

/// The stored password hash of the user with this address, if there is one.
pub async fn password_hash_of(conn: &mut Conn, email: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await
}

/// Gives every user whose hash is `old` the hash `new` (the demo users share one); returns how
/// many.
pub async fn replace_password_hash(
    conn: &mut Conn,
    old: &str,
    new: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE password_hash = $1")
        .bind(old)
        .bind(new)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
