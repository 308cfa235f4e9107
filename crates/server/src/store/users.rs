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
}

const SELECT_USER: &str = "\
    SELECT u.id, u.email, u.display_name, u.kind, u.partner_id, u.customer_id, u.password_hash, \
           COALESCE(p.name, c.company_name, 'CSP Support') AS organization \
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
            roles: roles.clone(),
        },
        (UserKind::Customer, _, Some(customer)) => Principal::Customer {
            user: id.clone(),
            customer: decode("customer id", customer, CustomerId::parse)?,
        },
        (UserKind::Support, _, _) => Principal::Support { user: id.clone() },
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
            roles: if kind == UserKind::Partner {
                roles
            } else {
                Vec::new()
            },
            organization: row.organization,
        },
        principal,
        password_hash: row.password_hash,
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
