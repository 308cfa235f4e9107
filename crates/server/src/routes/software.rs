//! `/api/v1/customers/{id}/software` and `/deep-link`: the purchases a partner sees for a
//! customer (never a key, R-KEY-3) and the customer's deep link (Admin agents, R-ROLE-2).

use axum::extract::State;
use axum::Json;
use csp_domain::software::{admin_center_path, DeepLink, SoftwarePurchase};
use csp_domain::{CustomerId, Page, PageQuery, Permission};

use crate::cases::cancelling::Quote;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::routes::customers::partner_customer;
use crate::state::AppState;
use crate::store::orders::StoredOrder;
use crate::store::software;

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
        status: order.status.clone(),
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
