//! `/api/v1/customers`: the partner's customer list and details (R-CUST).

use axum::extract::State;
use axum::Json;
use csp_domain::{Customer, CustomerId, Page, PageQuery};

use crate::cases::customer_directory;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use crate::store::customers;

/// Search and page the customers the caller may see; `q` matches company name, domain or
/// tenant ID, case-insensitively, anywhere in the text.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(PageQuery),
    responses(
        (status = 200, body = Page<Customer>),
        (status = 400, description = "`bad_request`: invalid page, page_size or q", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: support agents have no customer list", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Customer>>> {
    let scope = user.customer_scope()?;
    let request = query.check().map_err(AppError::bad_request)?;
    let page = customer_directory::list(&state.db, &state.customer_lists, &scope, &request).await?;
    Ok(Json(page))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = CustomerId, Path, description = "Customer id")),
    responses(
        (status = 200, body = Customer),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`, also for other partners' customers", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<CustomerId>,
) -> ApiResult<Json<Customer>> {
    let scope = user.customer_scope()?;
    customers::get(&mut *state.db.conn().await?, &scope, &id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found("There is no such customer among yours."))
}

/// A customer of the calling partner user (`Area::Customers`), or 404.
pub async fn partner_customer(
    conn: &mut crate::store::Conn,
    user: &CurrentUser,
    id: &CustomerId,
) -> ApiResult<(csp_domain::PartnerId, Customer)> {
    let partner = user.partner(csp_domain::Area::Customers)?.clone();
    let scope = customers::CustomerScope::Partner(partner.clone());
    let customer = customers::get(conn, &scope, id)
        .await?
        .ok_or_else(|| AppError::not_found("There is no such customer among yours."))?;
    Ok((partner, customer))
}
