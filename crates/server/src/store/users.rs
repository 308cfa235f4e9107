//! Users and their roles.

use csp_domain::{Role, User, UserKind};
use sqlx::Row;

use crate::db::Db;

/// A user as the server knows it: the wire profile plus what it belongs to.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user: User,
    pub partner_id: Option<String>,
    pub customer_id: Option<String>,
    pub password_hash: String,
}

const SELECT_USER: &str = "\
    SELECT u.id, u.email, u.display_name, u.kind, u.partner_id, u.customer_id, u.password_hash, \
           COALESCE(p.name, c.company_name, 'CSP Support') AS organization \
    FROM users u \
    LEFT JOIN partners p ON p.id = u.partner_id \
    LEFT JOIN customers c ON c.id = u.customer_id";

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<UserRecord>, sqlx::Error> {
    let sql = format!("{SELECT_USER} WHERE u.email = $1");
    let row = sqlx::query(&sql).bind(email.trim().to_lowercase()).fetch_optional(db).await?;
    match row {
        Some(row) => Ok(Some(with_roles(db, row).await?)),
        None => Ok(None),
    }
}

pub async fn find_by_id(db: &Db, id: &str) -> Result<Option<UserRecord>, sqlx::Error> {
    let sql = format!("{SELECT_USER} WHERE u.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db).await?;
    match row {
        Some(row) => Ok(Some(with_roles(db, row).await?)),
        None => Ok(None),
    }
}

async fn with_roles(db: &Db, row: sqlx::sqlite::SqliteRow) -> Result<UserRecord, sqlx::Error> {
    let id: String = row.try_get("id")?;
    let kind: String = row.try_get("kind")?;
    let role_names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(&id)
            .fetch_all(db)
            .await?;
    // Roles this build does not know are skipped rather than failing the sign-in.
    let mut roles: Vec<Role> = role_names.iter().filter_map(|r| Role::parse(r)).collect();
    roles.sort();
    Ok(UserRecord {
        user: User {
            id,
            email: row.try_get("email")?,
            display_name: row.try_get("display_name")?,
            kind: UserKind::parse(&kind).ok_or_else(|| {
                sqlx::Error::Decode(format!("unknown user kind {kind:?}").into())
            })?,
            roles,
            organization: row.try_get("organization")?,
        },
        partner_id: row.try_get("partner_id")?,
        customer_id: row.try_get("customer_id")?,
        password_hash: row.try_get("password_hash")?,
    })
}
