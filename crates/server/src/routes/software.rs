//! `/api/v1/customers/{id}/software` and `/deep-link`: the purchases a partner sees for a
//! customer (never a key, R-KEY-3), whether each renews at its term end, and the customer's
//! deep link (Admin agents, R-ROLE-2).

use axum::extract::State;
use axum::Json;
use csp_domain::audit::AuditAction;
use csp_domain::software::{admin_center_path, DeepLink, SoftwarePurchase};
use csp_domain::subscription::{check_auto_renew_change, AutoRenewRefusal, PurchaseChange};
use csp_domain::{CustomerId, ErrorCode, Page, PageQuery, Permission, PurchaseId};

use crate::cases::cancelling::Quote;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Audited};
use crate::routes::customers::partner_customer;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::orders::StoredOrder;
use crate::store::{software, subscriptions};

/// Line `line` of `stored` as a purchase, with what cancelling its order now would credit.
pub fn to_purchase(stored: &StoredOrder, line: usize, quote: &Quote) -> SoftwarePurchase {
    let order = quote.order(stored.clone());
    let item = &order.line_items[line];
    SoftwarePurchase {
        id: item.purchase_id.clone(),
        order_id: order.id.clone(),
        product_name: item.product_name.clone(),
        sku_name: item.sku_name.clone(),
        kind: item.kind,
        term: item.term,
        quantity: item.quantity,
        purchased_at: order.created_at,
        term_end: item.term_end,
        auto_renew: item.auto_renew,
        status: stored.purchase_status(line),
        renewal_order_id: stored.renewal_orders.get(line).cloned().flatten(),
        has_keys: stored.keyed.get(line).copied().unwrap_or(false),
        cancellable_until: order.cancellable_until,
        credit_if_cancelled_now: order.credit_if_cancelled_now.clone(),
        currency: order.currency,
    }
}

/// Everything bought for a customer, newest first; `q` matches the product name or order ID.
#[utoipa::path(get, path = "/api/v1/customers/{id}/software", tag = "software",
    params(("id" = CustomerId, Path, description = "Customer id"), PageQuery),
    responses(
        (status = 200, body = Page<SoftwarePurchase>),
        (status = 400, description = "`bad_request`: invalid page, page_size or q", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: partner users only", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<CustomerId>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<SoftwarePurchase>>> {
    let request = query.check().map_err(AppError::bad_request)?;
    let mut conn = state.db.conn().await?;
    let (partner, customer) = partner_customer(&mut conn, &user, &id).await?;
    let (rows, total) = software::purchases(&mut conn, &customer.id, &request).await?;
    let quote = Quote::for_partner(&mut conn, &partner, state.clock.now()).await?;
    let items = rows
        .iter()
        .map(|(stored, line)| to_purchase(stored, *line, &quote))
        .collect();
    Ok(Json(request.page_of(items, total)))
}

/// The customer's deep link to its admin center's Software page, to share with the customer
/// (R-SW-2). It names the tenant and carries no secret: it grants nothing by itself.
#[utoipa::path(get, path = "/api/v1/customers/{id}/deep-link", tag = "software",
    params(("id" = CustomerId, Path, description = "Customer id")),
    responses(
        (status = 200, body = DeepLink),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Admin agent role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn deep_link(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<CustomerId>,
) -> ApiResult<Json<DeepLink>> {
    let mut conn = state.db.conn().await?;
    let (_, customer) = partner_customer(&mut conn, &user, &id).await?;
    user.require(Permission::CopySoftwareDeepLink)?;
    Ok(Json(DeepLink {
        url: format!(
            "{}{}",
            state.settings.public_url,
            admin_center_path(&customer.tenant_id)
        ),
        tenant_id: customer.tenant_id,
    }))
}

/// Turns a subscription's or reservation's renewal at its term end on or off (Admin agents and
/// Global admins, until the term ends). The change is in the audit trail.
#[utoipa::path(patch, path = "/api/v1/customers/{id}/software/{purchase_id}", tag = "software",
    params(
        ("id" = CustomerId, Path, description = "Customer id"),
        ("purchase_id" = PurchaseId, Path, description = "Purchase id"),
    ),
    request_body = PurchaseChange,
    responses(
        (status = 200, description = "The purchase as it is now", body = SoftwarePurchase),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Admin agent or Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
        (status = 409, description = "`already_cancelled` (its order is cancelled or being cancelled) or `subscription_ended` (its term has ended)", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`not_renewable`: perpetual licences and software plans have no term; `validation_failed` for a body of the wrong shape", body = csp_domain::ApiErrorBody),
    ))]
pub async fn change(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiPath((id, purchase)): ApiPath<(CustomerId, PurchaseId)>,
    ApiJson(change): ApiJson<PurchaseChange>,
) -> ApiResult<Json<SoftwarePurchase>> {
    user.require(Permission::BuySoftware)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (partner, customer) = partner_customer(&mut tx, &user, &id).await?;
    let not_found = || AppError::not_found("This customer has no such purchase.");
    let (stored, line) = software::purchase(&mut tx, &customer.id, &purchase)
        .await?
        .ok_or_else(not_found)?;
    let item = &stored.order.line_items[line];
    let ended = || {
        AppError::new(
            ErrorCode::SubscriptionEnded,
            "Its term has ended: it was renewed or it expired.",
        )
    };
    check_auto_renew_change(
        item.kind,
        item.term,
        &stored.order.status,
        item.term_end,
        stored.term_ended.get(line).copied().flatten(),
        now,
    )
    .map_err(|refusal| match refusal {
        AutoRenewRefusal::NotRenewable => AppError::new(
            ErrorCode::NotRenewable,
            "Perpetual licences and software plans have no term to renew.",
        ),
        AutoRenewRefusal::Cancelled => AppError::new(
            ErrorCode::AlreadyCancelled,
            "This purchase is cancelled or being cancelled.",
        ),
        AutoRenewRefusal::Ended => ended(),
    })?;
    if item.auto_renew != change.auto_renew {
        if !subscriptions::set_auto_renew(&mut tx, &purchase, change.auto_renew, now).await? {
            return Err(ended());
        }
        audit::record(
            &mut tx,
            &actor,
            Event::new(AuditAction::AutoRenewChanged, "purchase", purchase.as_str())
                .customer(&customer.id)
                .detail(format!(
                    "auto_renew: {} -> {}",
                    item.auto_renew, change.auto_renew
                )),
            now,
        )
        .await?;
    }
    let (stored, line) = software::purchase(&mut tx, &customer.id, &purchase)
        .await?
        .ok_or_else(not_found)?;
    let quote = Quote::for_partner(&mut tx, &partner, now).await?;
    tx.commit().await?;
    Ok(Json(to_purchase(&stored, line, &quote)))
}
