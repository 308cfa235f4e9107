//! `/api/v1/support-requests`: the support request list (R-SUP-6). Filing requests and
//! changing their status arrive with the support chapter.

use axum::extract::State;
use axum::Json;
use csp_domain::{Area, Principal, Refusal, SupportRequestList};

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::store::support_requests;

/// A partner user sees its partner's requests; a support agent sees all.
#[utoipa::path(get, path = "/api/v1/support-requests", tag = "support requests",
    responses(
        (status = 200, body = SupportRequestList),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: customer users file requests through their partner", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<SupportRequestList>> {
    let partner = match user.enter(Area::SupportRequests)? {
        Principal::Partner { partner, .. } => Some(partner),
        Principal::Support { .. } => None,
        Principal::Customer { .. } => {
            return Err(AppError::refused(Refusal::WrongKind(Area::SupportRequests)))
        }
    };
    let items = support_requests::list(&mut *state.db.conn().await?, partner).await?;
    Ok(Json(SupportRequestList { items }))
}
