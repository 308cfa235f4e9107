//! `/api/v1/profile`: the signed-in user's own settings — the language of their mails, and
//! the optional mails they want.

use axum::extract::State;
use axum::Json;
use csp_domain::notification::{parse_language, Profile, ProfileChange};
use csp_domain::two_step::TwoStepStatus;
use csp_domain::FieldErrors;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::ApiJson;
use crate::http::extract::Audited;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::{two_step, users, Conn};
use csp_domain::audit::AuditAction;

async fn read(conn: &mut Conn, user: &CurrentUser) -> ApiResult<Profile> {
    let settings = users::mail_settings_by_id(conn, &user.user.id)
        .await?
        .ok_or_else(|| AppError::not_found("There is no such user."))?;
    Ok(Profile {
        email: user.user.email.as_str().to_string(),
        display_name: user.user.display_name.clone(),
        language: settings.recipient.language,
        order_confirmations: settings.order_confirmations,
        support_updates: settings.support_updates,
        two_step: TwoStepStatus {
            enabled: crate::cases::two_step::is_on(conn, &user.user.id).await?,
            recovery_codes_left: two_step::recovery_codes_left(conn, &user.user.id).await? as u32,
        },
    })
}

/// The signed-in user's language for mails and which optional mails they get.
#[utoipa::path(get, path = "/api/v1/profile", tag = "notifications",
    responses(
        (status = 200, body = Profile),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Profile>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(read(&mut conn, &user).await?))
}

/// Changes any of: `language` (`en` or `zh-CN`), `order_confirmations`, `support_updates`.
#[utoipa::path(patch, path = "/api/v1/profile", tag = "notifications",
    request_body = ProfileChange,
    responses(
        (status = 200, description = "The profile after the change", body = Profile),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `language`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiJson(change): ApiJson<ProfileChange>,
) -> ApiResult<Json<Profile>> {
    let mut errors = FieldErrors::new();
    let language = match change.language.as_deref() {
        Some(raw) => match errors.take("language", parse_language(raw)) {
            Some(language) => Some(language),
            None => return Err(AppError::validation(&errors)),
        },
        None => None,
    };
    let mut tx = state.db.begin().await?;
    users::set_mail_settings(
        &mut tx,
        &user.user.id,
        language,
        change.order_confirmations,
        change.support_updates,
    )
    .await?;
    let said = |name: &str, value: Option<String>| value.map(|v| format!("{name}: {v}"));
    let detail: Vec<String> = [
        said("language", change.language.clone()),
        said(
            "order confirmations",
            change.order_confirmations.map(|v| v.to_string()),
        ),
        said(
            "support updates",
            change.support_updates.map(|v| v.to_string()),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    audit::record(
        &mut tx,
        &actor,
        Event::new(AuditAction::ProfileChanged, "user", user.user.id.as_str())
            .detail(detail.join("; ")),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    let mut conn = state.db.conn().await?;
    Ok(Json(read(&mut conn, &user).await?))
}
