//! `/api/v1/support-requests`: the support request list (R-SUP-6). Filing requests and
//! changing their status arrive with the support chapter.

use axum::extract::State;
use axum::Json;
use csp_domain::{ErrorCode, SupportRequestList, UserKind};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::store::support_requests;

/// A partner user sees its partner's requests; a support agent sees all.
#[utoipa::path(get, path = "/api/v1/support-requests", tag = "support requests",
    responses(
        (status = 200, body = SupportRequestList),
        (status = 403, description = "`forbidden`: customer users file requests through their partner", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<SupportRequestList>> {
    let partner_filter = match user.user.kind {
        UserKind::Support => None,
        UserKind::Partner => Some(user.partner_id()?),
        UserKind::Customer => {
            return Err(AppError::new(
                ErrorCode::Forbidden,
                "Support requests are for partner users and support agents.",
            ))
        }
    };
    let items = support_requests::list(&state.db, partner_filter).await?;
    Ok(Json(SupportRequestList { items }))
}
