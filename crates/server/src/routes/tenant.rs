//! `/api/v1/tenant`: the customer user's own organisation (R-CUST-3).

use axum::extract::State;
use axum::Json;
use csp_domain::Customer;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::store::customers::{self, CustomerScope};

/// The signed-in customer user's tenant.
#[utoipa::path(get, path = "/api/v1/tenant", tag = "tenant",
    responses(
        (status = 200, body = Customer),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: not a customer user", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Customer>> {
    let customer = user.tenant()?;
    customers::get(
        &mut *state.db.conn().await?,
        &CustomerScope::Tenant(customer.clone()),
        customer,
    )
    .await?
    .map(Json)
    .ok_or_else(|| AppError::not_found("Your organisation no longer exists."))
}
