//! Partners' billing profiles and self-service refund limits, with who changed them.

use chrono::{DateTime, Utc};
use csp_domain::billing::BillingDetails;
use csp_domain::{BillingProfile, PartnerId, RefundLimit};

use super::{settings, Conn};

/// The setting name a refund limit's changes are recorded under.
pub const REFUND_LIMIT: &str = "refund_limit";
/// The setting names the profile's details are recorded under.
pub const ADDRESS_LINES: &str = "address_lines";
pub const INVOICE_EMAIL: &str = "invoice_email";
pub const PAYMENT_METHOD: &str = "payment_method";

#[derive(sqlx::FromRow)]
struct ProfileRow {
    company_name: String,
    address: String,
    invoice_email: String,
    payment_method: String,
    refund_limit_hundredths: i64,
}

/// The partner's billing profile; `max` is the operator's highest refund limit.
pub async fn profile(
    conn: &mut Conn,
    partner: &PartnerId,
    max: RefundLimit,
) -> Result<Option<BillingProfile>, sqlx::Error> {
    let row: Option<ProfileRow> = sqlx::query_as(
        "SELECT company_name, address, invoice_email, payment_method, refund_limit_hundredths \
         FROM billing_profiles WHERE partner_id = $1",
    )
    .bind(partner.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let changes = settings::changes(conn, Some(partner), REFUND_LIMIT).await?;
    let details_changes = settings::changes_of(
        conn,
        Some(partner),
        &[ADDRESS_LINES, INVOICE_EMAIL, PAYMENT_METHOD],
    )
    .await?;
    Ok(Some(BillingProfile {
        company_name: r.company_name,
        address_lines: r.address.lines().map(str::to_string).collect(),
        invoice_email: r.invoice_email,
        payment_method: r.payment_method,
        refund_limit: RefundLimit::from_hundredths(r.refund_limit_hundredths),
        refund_limit_max: max,
        refund_limit_changes: changes,
        details_changes,
    }))
}

/// The partner's self-service refund limit (R-CAN-6); the default when it has no profile.
pub async fn refund_limit(
    conn: &mut Conn,
    partner: &PartnerId,
) -> Result<RefundLimit, sqlx::Error> {
    let hundredths: Option<i64> = sqlx::query_scalar(
        "SELECT refund_limit_hundredths FROM billing_profiles WHERE partner_id = $1",
    )
    .bind(partner.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(hundredths.map_or(RefundLimit::DEFAULT, RefundLimit::from_hundredths))
}

/// Sets the limit and records who changed it from what, in the caller's transaction.
/// `false` when the partner has no billing profile.
pub async fn set_refund_limit(
    conn: &mut Conn,
    partner: &PartnerId,
    limit: RefundLimit,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let before = refund_limit(&mut *conn, partner).await?;
    let updated = sqlx::query(
        "UPDATE billing_profiles SET refund_limit_hundredths = $2 WHERE partner_id = $1",
    )
    .bind(partner.as_str())
    .bind(limit.hundredths())
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }
    if before != limit {
        settings::record(
            conn,
            Some(partner),
            REFUND_LIMIT,
            Some(&before.to_string()),
            &limit.to_string(),
            by,
            at,
        )
        .await?;
    }
    Ok(true)
}

/// Changes the profile's address, invoice address and payment method where given, and
/// records each change (from what, to what, by whom), in the caller's transaction. `false`
/// when the partner has no billing profile.
pub async fn set_details(
    conn: &mut Conn,
    partner: &PartnerId,
    details: &BillingDetails,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let before: Option<(String, String, String)> = sqlx::query_as(
        "SELECT address, invoice_email, payment_method FROM billing_profiles WHERE partner_id = $1",
    )
    .bind(partner.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((address, invoice_email, payment_method)) = before else {
        return Ok(false);
    };
    let new_address = details.address_lines.as_ref().map(|l| l.join("\n"));
    let changes = [
        (ADDRESS_LINES, "address", address, new_address),
        (
            INVOICE_EMAIL,
            "invoice_email",
            invoice_email,
            details
                .invoice_email
                .as_ref()
                .map(|e| e.as_str().to_string()),
        ),
        (
            PAYMENT_METHOD,
            "payment_method",
            payment_method,
            details.payment_method.clone(),
        ),
    ];
    for (setting, column, old, new) in changes {
        let Some(new) = new.filter(|n| *n != old) else {
            continue;
        };
        // The column names are this function's own constants, never input.
        sqlx::query(&format!(
            "UPDATE billing_profiles SET {column} = $2 WHERE partner_id = $1"
        ))
        .bind(partner.as_str())
        .bind(&new)
        .execute(&mut *conn)
        .await?;
        let shown = |v: &str| v.replace('\n', ", ");
        settings::record(
            conn,
            Some(partner),
            setting,
            Some(&shown(&old)),
            &shown(&new),
            by,
            at,
        )
        .await?;
    }
    Ok(true)
}

/// Adds a partner's billing profile unless it has one.
pub async fn insert_profile(
    conn: &mut Conn,
    partner: &PartnerId,
    profile: &BillingProfile,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO billing_profiles (partner_id, company_name, address, invoice_email, payment_method, \
         refund_limit_hundredths) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (partner_id) DO NOTHING",
    )
    .bind(partner.as_str())
    .bind(&profile.company_name)
    .bind(profile.address_lines.join("\n"))
    .bind(&profile.invoice_email)
    .bind(&profile.payment_method)
    .bind(profile.refund_limit.hundredths())
    .execute(conn)
    .await?;
    Ok(())
}
