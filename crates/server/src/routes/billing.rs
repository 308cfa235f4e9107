//! `/api/v1/billing-profile`: how the partner pays for what it buys.

use axum::extract::State;
use axum::Json;
use csp_domain::{Area, BillingProfile};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::store::billing;

/// The partner's billing profile and payment method, which orders are charged to.
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
    billing::profile(&mut *state.db.conn().await?, partner)
        .await?
        .map(Json)
        .ok_or_else(|| {
            AppError::not_found(
                "Your organisation has no billing profile yet. Contact support to set one up.",
            )
        })
}
