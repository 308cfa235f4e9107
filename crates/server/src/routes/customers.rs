//! `/api/v1/customers`: the partner's customer list and details (R-CUST).

use axum::extract::{Path, State};
use axum::Json;
use csp_domain::{Customer, ErrorCode, Page, PageQuery};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::ApiQuery;
use crate::store::customers;

/// Search and page the customers the caller may see; `q` matches company name, domain or
/// tenant ID, case-insensitively, anywhere in the text.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(PageQuery),
    responses(
        (status = 200, body = Page<Customer>),
        (status = 400, description = "`bad_request`: invalid page or page_size", body = csp_domain::ApiErrorBody),
        (status = 401, body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Customer>>> {
    let scope = user.customer_scope()?;
    let page = query.validate().map_err(|m| AppError::new(ErrorCode::BadRequest, m))?;
    Ok(Json(customers::search(&state.db, &scope, query.search_text(), page).await?))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = Customer),
        (status = 404, description = "`not_found`, also for other partners' customers", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Customer>> {
    let scope = user.customer_scope()?;
    customers::get(&state.db, &scope, &id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found("There is no such customer among yours."))
}
