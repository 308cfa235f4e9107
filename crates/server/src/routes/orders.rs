//! `/api/v1/customers/{id}/offers` and `/orders`: the catalog for a customer, buying
//! (R-BUY), and the order history.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use csp_domain::order::OrderProblem;
use csp_domain::{
    CustomerId, ErrorCode, OfferList, Order, OrderId, OrderRequest, Page, PageQuery, Permission,
};

use crate::cases::cancelling::Quote;
use crate::cases::ordering::{self, PlaceError, PlaceOrder, Placed};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::Audited;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKeyHeader};
use crate::routes::customers::partner_customer;
use crate::state::AppState;
use crate::store::{catalog, orders};

/// The catalog for one customer: every offer priced in its currency, with `available: false`
/// and the reason where the market rules forbid it (R-CAT-2) and the tax label (R-CAT-3).
#[utoipa::path(get, path = "/api/v1/customers/{id}/offers", tag = "buying",
    params(("id" = CustomerId, Path, description = "Customer id")),
    responses(
        (status = 200, body = OfferList),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: partner users only", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn offers(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<CustomerId>,
) -> ApiResult<Json<OfferList>> {
    let mut conn = state.db.conn().await?;
    let (_, customer) = partner_customer(&mut conn, &user, &id).await?;
    let items =
        catalog::offers_for(&mut conn, &customer, &state.settings.cancellation_windows).await?;
    Ok(Json(OfferList { items }))
}

/// Places and pays an order (R-BUY). The server checks every line against the customer's
/// catalog and computes the prices; a replay with the same key returns the same order.
#[utoipa::path(post, path = "/api/v1/customers/{id}/orders", tag = "buying", request_body = OrderRequest,
    params(
        ("id" = CustomerId, Path, description = "Customer id"),
        ("Idempotency-Key" = String, Header, description = "A new value (e.g. a UUID) per order; a retry sends the same one", min_length = 1, max_length = 255, pattern = "^[!-~]+$"),
    ),
    responses(
        (status = 201, description = "Placed and paid", body = Order),
        (status = 200, description = "A replay of an order placed with this key", body = Order),
        (status = 400, description = "`idempotency_key_required` or `invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs Admin agent or Global admin", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed` (with `fields`), `offer_unavailable`, or `idempotency_key_reused`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiPath(id): ApiPath<CustomerId>,
    IdempotencyKeyHeader(key): IdempotencyKeyHeader,
    ApiJson(request): ApiJson<OrderRequest>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    let mut conn = state.db.conn().await?;
    let (partner, customer) = partner_customer(&mut conn, &user, &id).await?;
    user.require(Permission::BuySoftware)?;
    drop(conn);
    let now = state.clock.now();
    let input = PlaceOrder {
        partner: &partner,
        customer: &customer,
        request: &request,
        key: &key,
        placed_by: user.user.email.as_str(),
        now,
        outbox: &state.settings.outbox,
        actor: Some(&actor),
        renewing: None,
    };
    let (status, order_id) = match ordering::place(&state.db, &state.settings.cancellation_windows, input).await {
        Ok(Placed::Created(order)) => (StatusCode::CREATED, order),
        Ok(Placed::Replayed(order)) => (StatusCode::OK, order),
        Err(PlaceError::Problem(OrderProblem::Fields(errors))) => return Err(AppError::validation(&errors)),
        Err(PlaceError::Problem(OrderProblem::Unavailable(reason))) => return Err(AppError::new(ErrorCode::OfferUnavailable, reason)),
        Err(PlaceError::KeyReused) => {
            return Err(AppError::new(
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used for a different order. Use a new key for a new order.",
            ))
        }
        Err(PlaceError::Database(e)) => return Err(e.into()),
    };
    let mut conn = state.db.conn().await?;
    // A replayed key may name an order of another customer of this partner: answer 422 then.
    let stored = orders::get(&mut conn, &customer.id, &order_id)
        .await?
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used for another customer's order.",
            )
        })?;
    let quote = Quote::for_partner(&mut conn, &partner, now).await?;
    tracing::info!(order = %order_id, customer = %customer.id, replay = status == StatusCode::OK, "order placed");
    Ok((status, Json(quote.order(stored))))
}

/// A customer's orders, newest first.
#[utoipa::path(get, path = "/api/v1/customers/{id}/orders", tag = "buying",
    params(("id" = CustomerId, Path, description = "Customer id"), PageQuery),
    responses(
        (status = 200, body = Page<Order>),
        (status = 400, description = "`bad_request`: invalid page or page_size", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<CustomerId>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Order>>> {
    let request = query.check().map_err(AppError::bad_request)?;
    let mut conn = state.db.conn().await?;
    let (partner, customer) = partner_customer(&mut conn, &user, &id).await?;
    let page = orders::list(&mut conn, &customer.id, &request).await?;
    let quote = Quote::for_partner(&mut conn, &partner, state.clock.now()).await?;
    Ok(Json(page.map(|stored| quote.order(stored))))
}

/// One order with its lines.
#[utoipa::path(get, path = "/api/v1/customers/{id}/orders/{order_id}", tag = "buying",
    params(("id" = CustomerId, Path, description = "Customer id"), ("order_id" = OrderId, Path, description = "Order id")),
    responses(
        (status = 200, body = Order),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, order_id)): ApiPath<(CustomerId, OrderId)>,
) -> ApiResult<Json<Order>> {
    let mut conn = state.db.conn().await?;
    let (partner, customer) = partner_customer(&mut conn, &user, &id).await?;
    let stored = orders::get(&mut conn, &customer.id, &order_id)
        .await?
        .ok_or_else(|| AppError::not_found("There is no such order for this customer."))?;
    let quote = Quote::for_partner(&mut conn, &partner, state.clock.now()).await?;
    Ok(Json(quote.order(stored)))
}
