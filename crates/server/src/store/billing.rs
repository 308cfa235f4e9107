//! Partners' billing profiles and refund limits.

use csp_domain::{BillingProfile, Currency, Money, PartnerId};

use super::Conn;

#[derive(sqlx::FromRow)]
struct ProfileRow {
    company_name: String,
    address: String,
    invoice_email: String,
    payment_method: String,
    refund_limit_major: i64,
}

pub async fn profile(
    conn: &mut Conn,
    partner: &PartnerId,
) -> Result<Option<BillingProfile>, sqlx::Error> {
    let row: Option<ProfileRow> = sqlx::query_as(
        "SELECT company_name, address, invoice_email, payment_method, refund_limit_major FROM billing_profiles \
         WHERE partner_id = $1",
    )
    .bind(partner.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| BillingProfile {
        company_name: r.company_name,
        address_lines: r.address.lines().map(str::to_string).collect(),
        invoice_email: r.invoice_email,
        payment_method: r.payment_method,
        self_service_refund_limit: r.refund_limit_major.max(0) as u64,
    }))
}

/// The partner's self-service refund limit in `currency` (R-CAN-6); the default when none is set.
pub async fn refund_limit(
    conn: &mut Conn,
    partner: &PartnerId,
    currency: Currency,
) -> Result<Money, sqlx::Error> {
    let major: Option<i64> =
        sqlx::query_scalar("SELECT refund_limit_major FROM billing_profiles WHERE partner_id = $1")
            .bind(partner.as_str())
            .fetch_optional(conn)
            .await?;
    let major = major.unwrap_or(csp_domain::cancellation::DEFAULT_REFUND_LIMIT_MAJOR);
    let per_major = 10_i64.pow(currency.exponent());
    Ok(Money::from_minor(major.saturating_mul(per_major), currency))
}

/// Adds a partner's billing profile unless it has one.
pub async fn insert_profile(
    conn: &mut Conn,
    partner: &PartnerId,
    profile: &BillingProfile,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO billing_profiles (partner_id, company_name, address, invoice_email, payment_method, \
         refund_limit_major) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (partner_id) DO NOTHING",
    )
    .bind(partner.as_str())
    .bind(&profile.company_name)
    .bind(profile.address_lines.join("\n"))
    .bind(&profile.invoice_email)
    .bind(&profile.payment_method)
    .bind(i64::try_from(profile.self_service_refund_limit).unwrap_or(i64::MAX))
    .execute(conn)
    .await?;
    Ok(())
}
