//! `/api/v1/customers/{id}/offers` and `/orders`: the catalog for a customer, buying
//! (R-BUY), and the order history; `/api/v1/orders`: every order across the customers.

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use csp_domain::audit::AuditAction;
use csp_domain::order::OrderProblem;
use csp_domain::order_list::{
    FilterProblem, OrderCursor, OrderFilter, OrderListPage, OrderSummary, DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
};
use csp_domain::{
    Area, CustomerId, ErrorCode, OfferList, Order, OrderId, OrderRequest, Page, PageQuery,
    PartnerId, Permission,
};
use serde::Deserialize;

use crate::cases::cancelling::Quote;
use crate::cases::ordering::{self, PlaceError, PlaceOrder, Placed};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::{wants_csv, Audited};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKeyHeader};
use crate::routes::customers::partner_customer;
use crate::state::AppState;
use crate::store::audit::{self, Event};
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderListQuery {
    /// First day, `YYYY-MM-DD` (UTC), inclusive.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    to: Option<String>,
    /// Only orders with this status (`completed`, `cancellation_pending`, `cancelled`).
    status: Option<String>,
    /// Only orders with a line of this product kind (`software_subscription`, …).
    kind: Option<String>,
    /// Only this customer's orders (its id).
    customer: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// At most 200; 50 unless said.
    #[param(minimum = 1, maximum = 200)]
    page_size: Option<u32>,
    /// `csv` does what `Accept: text/csv` does, for plain download links.
    format: Option<String>,
}

/// Every order of the partner across its customers, newest first, one page at a time (keyset:
/// `next_cursor`), narrowed by day range, status, product kind and customer. With
/// `Accept: text/csv` (or `format=csv`) every matching order as a CSV file, streamed
/// (formula-like cells defused); the export is in the audit trail.
#[utoipa::path(get, path = "/api/v1/orders", tag = "buying",
    params(OrderListQuery),
    responses(
        (status = 200, description = "A page of orders (JSON), or with `Accept: text/csv` or `format=csv` every matching order as CSV",
            content((OrderListPage = "application/json"), (String = "text/csv"))),
        (status = 400, description = "`invalid_date_range` or `bad_request` (a filter, cursor or page_size this list does not know)", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: partner users only", body = csp_domain::ApiErrorBody),
    ))]
pub async fn across_customers(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<OrderListQuery>,
) -> ApiResult<Response> {
    let partner = user.partner(Area::Customers)?.clone();
    let filter = OrderFilter::parse(
        query.from.as_deref(),
        query.to.as_deref(),
        query.status.as_deref(),
        query.kind.as_deref(),
        query.customer.as_deref(),
    )
    .map_err(|problem| match problem {
        FilterProblem::Dates(why) => AppError::new(ErrorCode::InvalidDateRange, why),
        FilterProblem::Unknown(why) => AppError::bad_request(why),
    })?;
    let cursor =
        match query
            .cursor
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(raw) => Some(OrderCursor::parse(raw).ok_or_else(|| {
                AppError::bad_request("cursor is not a next_cursor of this list.")
            })?),
            None => None,
        };
    let page_size = query.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(AppError::bad_request(format!(
            "page_size must be between 1 and {MAX_PAGE_SIZE}."
        )));
    }
    if wants_csv(query.format.as_deref(), &headers)? {
        audit::record(
            &mut *state.db.conn().await?,
            &actor,
            Event::new(AuditAction::OrdersExported, "orders", "csv").detail(format!(
                "from {} to {}",
                filter.from.map_or("the start".into(), |d| d.to_string()),
                filter.to.map_or("today".into(), |d| d.to_string())
            )),
            state.clock.now(),
        )
        .await?;
        let name = format!(
            "attachment; filename=\"orders-{}.csv\"",
            state.clock.now().date_naive()
        );
        return Ok((
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (CONTENT_DISPOSITION, name),
            ],
            orders_csv(state, partner, filter, cursor),
        )
            .into_response());
    }
    let mut conn = state.db.conn().await?;
    let items =
        orders::list_for_partner(&mut conn, &partner, &filter, cursor.as_ref(), page_size).await?;
    let next_cursor = (items.len() == page_size as usize)
        .then(|| items.last().map(cursor_after))
        .flatten();
    Ok(Json(OrderListPage { items, next_cursor }).into_response())
}

fn cursor_after(order: &OrderSummary) -> String {
    OrderCursor {
        created_at: order.created_at,
        id: order.id.clone(),
    }
    .encode()
}

/// Every matching order, 500 at a time.
fn orders_csv(
    state: AppState,
    partner: PartnerId,
    filter: OrderFilter,
    cursor: Option<OrderCursor>,
) -> axum::body::Body {
    const PAGE: u32 = 500;
    crate::http::csv::paged(
        &[
            "created_at",
            "order_id",
            "customer_id",
            "customer_name",
            "status",
            "products",
            "total",
            "currency",
            "tax_inclusive",
            "placed_by",
        ],
        cursor,
        move |cursor: Option<OrderCursor>| {
            let (state, partner, filter) = (state.clone(), partner.clone(), filter.clone());
            async move {
                let mut conn = state.db.conn().await?;
                let page =
                    orders::list_for_partner(&mut conn, &partner, &filter, cursor.as_ref(), PAGE)
                        .await?;
                let next = (page.len() == PAGE as usize)
                    .then(|| {
                        page.last().map(|o| OrderCursor {
                            created_at: o.created_at,
                            id: o.id.clone(),
                        })
                    })
                    .flatten()
                    .map(Some);
                Ok((page, next))
            }
        },
        |csv, o: &OrderSummary| {
            csv.text(&crate::store::db_time(o.created_at));
            csv.text(o.id.as_str());
            csv.text(o.customer_id.as_str());
            csv.text(&o.customer_name);
            csv.text(o.status.as_str());
            csv.text(&o.products.join("; "));
            csv.number(&o.total);
            csv.text(o.currency.code());
            csv.text(if o.tax_inclusive { "true" } else { "false" });
            csv.text(&o.placed_by);
            csv.end_row();
        },
        "orders",
    )
}
