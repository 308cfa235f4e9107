//! `/api/v1/billing-profile`: how the partner pays for what it buys, and its self-service
//! refund limit (R-CAN-6), which its Global admins set within the operator's bounds.

use axum::extract::State;
use axum::Json;
use csp_domain::billing::{BillingProfileChange, RefundLimit};
use csp_domain::{Area, BillingProfile, PartnerId, Permission};

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::ApiJson;
use crate::http::extract::Audited;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::{billing, Conn};
use csp_domain::audit::AuditAction;

fn no_profile() -> AppError {
    AppError::not_found(
        "Your organisation has no billing profile yet. Contact support to set one up.",
    )
}

async fn read(conn: &mut Conn, state: &AppState, partner: &PartnerId) -> ApiResult<BillingProfile> {
    billing::profile(conn, partner, state.settings.refund_limit_max)
        .await?
        .ok_or_else(no_profile)
}

/// The partner's billing profile and payment method, which orders are charged to, and its
/// self-service refund limit with who changed it when.
#[utoipa::path(get, path = "/api/v1/billing-profile", tag = "buying",
    responses(
        (status = 200, body = BillingProfile),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: partner users only", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`: no billing profile yet", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<BillingProfile>> {
    let partner = user.partner(Area::Customers)?;
    let mut conn = state.db.conn().await?;
    Ok(Json(read(&mut conn, &state, partner).await?))
}

/// Changes the billing address, the address invoices go to, the payment method (a reference
/// such as "Visa ending 4242": a card number is refused) and the self-service refund limit
/// (from 0 to the operator's maximum, at most two decimals; applied in each order's currency)
/// — Global admins; absent fields stay. Each change is recorded with who made it and when,
/// all of them in one transaction.
#[utoipa::path(patch, path = "/api/v1/billing-profile", tag = "buying",
    request_body = BillingProfileChange,
    responses(
        (status = 200, description = "The profile after the change", body = BillingProfile),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`: no billing profile yet", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `refund_limit`, `address_lines`, `invoice_email`, `payment_method` (`card_number`)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiJson(change): ApiJson<BillingProfileChange>,
) -> ApiResult<Json<BillingProfile>> {
    let partner = user.partner(Area::Customers)?.clone();
    user.require(Permission::ManageBillingSettings)?;
    let mut errors = change.check_details().err().unwrap_or_default();
    let limit = change.refund_limit.as_deref().map(|limit| {
        errors.take(
            "refund_limit",
            RefundLimit::parse_within(limit, state.settings.refund_limit_max),
        )
    });
    let details = change.check_details().ok();
    let (Some(details), true) = (details, errors.is_empty()) else {
        return Err(AppError::validation(&errors));
    };
    let (by, now) = (user.user.email.as_str(), state.clock.now());
    let mut tx = state.db.begin().await?;
    if !billing::set_details(&mut tx, &partner, &details, by, now).await? {
        return Err(no_profile());
    }
    let limit = limit.flatten();
    if let Some(limit) = limit {
        billing::set_refund_limit(&mut tx, &partner, limit, by, now).await?;
        tracing::info!(partner = %partner, limit = %limit, "refund limit changed");
    }
    let detail = match limit {
        Some(limit) => format!("details; refund limit {limit}"),
        None => "details".to_string(),
    };
    audit::record(
        &mut tx,
        &actor,
        Event::new(
            AuditAction::BillingProfileChanged,
            "billing_profile",
            partner.as_str(),
        )
        .detail(detail),
        now,
    )
    .await?;
    tx.commit().await?;
    let mut conn = state.db.conn().await?;
    Ok(Json(read(&mut conn, &state, &partner).await?))
}
