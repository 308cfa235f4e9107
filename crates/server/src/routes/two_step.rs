//! `/api/v1/profile/two-step`: the signed-in user sets up two-step sign-in (a secret for their
//! authenticator app, turned on by a code of it, with recovery codes shown once) or switches
//! it off with their password. The second step of a sign-in is `POST /api/v1/session/totp`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use csp_domain::two_step::{CodeEntry, Enrolment, RecoveryCodes, TwoStepDisable};
use csp_domain::ErrorCode;

use crate::cases::two_step;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::{ApiJson, Audited};
use crate::routes::sessions::two_step_error;
use crate::state::AppState;

/// Starts setting up two-step sign-in: a new secret (as text, as an `otpauth://` URL and as a
/// QR code) that is on once a code of it is confirmed. Asking again replaces a secret that
/// was never confirmed.
#[utoipa::path(post, path = "/api/v1/profile/two-step", tag = "sessions",
    responses(
        (status = 201, description = "A secret waiting for a code of it", body = Enrolment),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 409, description = "`two_step_enabled`: it is on already", body = csp_domain::ApiErrorBody),
    ))]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<(StatusCode, Json<Enrolment>)> {
    let now = state.clock.now();
    let enrolment = two_step::start(&state.db, &user.user.id, user.user.email.as_str(), now)
        .await
        .map_err(|e| two_step_error(e, now))?;
    Ok((StatusCode::CREATED, Json(enrolment)))
}

/// Turns two-step sign-in on with a code of the waiting secret; answers the ten recovery
/// codes, shown only now.
#[utoipa::path(post, path = "/api/v1/profile/two-step/confirm", tag = "sessions",
    request_body = CodeEntry,
    responses(
        (status = 200, description = "On; the recovery codes", body = RecoveryCodes),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 409, description = "`two_step_enabled`, or `two_step_not_started`: no secret is waiting", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `code` (`required`, `wrong_code`)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiJson(entry): ApiJson<CodeEntry>,
) -> ApiResult<Json<RecoveryCodes>> {
    let now = state.clock.now();
    let codes = two_step::confirm(&state.db, &user.user.id, &entry.code, &actor, now)
        .await
        .map_err(|e| two_step_error(e, now))?;
    tracing::info!(user = %user.user.id, "two-step sign-in on");
    Ok(Json(codes))
}

/// Switches two-step sign-in off (the password is required); the recovery codes go with it.
#[utoipa::path(post, path = "/api/v1/profile/two-step/disable", tag = "sessions",
    request_body = TwoStepDisable,
    responses(
        (status = 204, description = "Off (also when it was off)"),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`two_step_required`: required of the user (by their partner, or `REQUIRE_TWO_STEP` for their roles)", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `password` (`wrong_password`)", body = csp_domain::ApiErrorBody),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`: too many wrong passwords, counted with the sign-ins of the address", body = csp_domain::ApiErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn disable(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiJson(off): ApiJson<TwoStepDisable>,
) -> ApiResult<StatusCode> {
    if user.two_step_mandatory {
        return Err(AppError::new(
            ErrorCode::TwoStepRequired,
            "Two-step sign-in is required of you: it cannot be turned off.",
        ));
    }
    let now = state.clock.now();
    if !crate::routes::sessions::check_own_password(
        &state,
        &user.user.id,
        &off.password,
        &actor.client_ip,
    )
    .await?
    {
        return Err(two_step_error(two_step::TwoStepError::WrongPassword, now));
    }
    two_step::disable(&state.db, &user.user.id, &actor, now)
        .await
        .map_err(|e| two_step_error(e, now))?;
    tracing::info!(user = %user.user.id, "two-step sign-in off");
    Ok(StatusCode::NO_CONTENT)
}
