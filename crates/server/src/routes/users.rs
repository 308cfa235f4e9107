//! `/api/v1/users` (Settings → Users): a partner's users, invited, given roles, deactivated
//! by its Global admins and Account admins (who do not touch Global admins); and the
//! one-time links: `/api/v1/invitations/accept`, `/api/v1/password-resets[/accept]`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use csp_domain::account::{
    check_display_name, check_new_password, AcceptToken, NewTenantUser, NewUserRequest,
    PasswordChange, PasswordResetRequest, UserChange, UserInvited, UserList, UserRefusal,
    WrongPassword,
};
use csp_domain::two_step::TwoStepPolicy;
use csp_domain::{
    Area, Email, ErrorCode, FieldErrors, Permission, Principal, SessionResponse, UserId,
};

use crate::cases::accounts::{self, AccountError, Actor, ChangeUser, Invite, InviteTo};
use crate::http::auth::{self, CurrentUser};
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::Audited;
use crate::http::extract::{ApiJson, ApiPath, ClientIp};
use crate::routes::sessions::check_own_password;
use crate::state::AppState;
use crate::store::accounts::{self as store, Org, Purpose};
use crate::store::audit::{self, Event};
use crate::store::{partners, settings};
use csp_domain::audit::AuditAction;

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> AppError {
        match e {
            AccountError::NotFound => AppError::not_found("There is no such user in your organisation."),
            AccountError::EmailTaken => {
                let mut errors = FieldErrors::new();
                errors.add("email", &csp_domain::account::EmailTaken);
                AppError::validation(&errors)
            }
            AccountError::Refused(UserRefusal::LastGlobalAdmin) => AppError::new(
                ErrorCode::LastGlobalAdmin,
                "Your organisation needs at least one active Global admin: give the role to someone else first.",
            ),
            AccountError::Refused(UserRefusal::LastSupportLead) => AppError::new(
                ErrorCode::LastSupportLead,
                "The support organisation needs at least one active Support lead: make someone else a lead first.",
            ),
            AccountError::RoleNotForKind => {
                let mut errors = FieldErrors::new();
                errors.add("roles", &csp_domain::account::RoleNotForKind);
                AppError::validation(&errors)
            }
            AccountError::Refused(UserRefusal::NeedsGlobalAdmin) => {
                AppError::forbidden(Permission::ManageGlobalAdmins)
            }
            AccountError::Refused(UserRefusal::OwnAccount) => AppError::new(
                ErrorCode::InvalidStatusChange,
                "You cannot deactivate your own account; ask another admin.",
            ),
            AccountError::Password(issue) => {
                let mut errors = FieldErrors::new();
                errors.add("password", &issue);
                AppError::validation(&errors)
            }
            AccountError::InvalidLink => AppError::new(
                ErrorCode::InvalidLink,
                "This link is not valid any more: it was used already or has expired. Ask for a new one.",
            ),
            AccountError::TooManyInvitations { retry_after_seconds } => AppError::too_many(
                retry_after_seconds,
                format!(
                    "You sent {} invitations in the last hour, the most there may be. Try again in {} minutes.",
                    csp_domain::account::INVITATIONS_PER_HOUR,
                    retry_after_seconds.div_ceil(60).max(1)
                ),
            ),
            AccountError::Database(e) => e.into(),
        }
    }
}

/// The organisation whose users the caller manages: a partner's Global admins and Account
/// admins manage its users, support leads the support agents; anyone else is refused, with the
/// roles that would allow it named.
pub fn managed_org(user: &CurrentUser) -> Result<Org<'_>, AppError> {
    match user.enter(Area::Users)? {
        Principal::Partner { partner, .. } => {
            user.require(Permission::ManageUsers)?;
            Ok(Org::Partner(partner))
        }
        _ => {
            user.require(Permission::ManageSupportAgents)?;
            Ok(Org::Support)
        }
    }
}

/// The organisation's users with their roles: a partner's, for its Global admins and Account
/// admins; the support agents, for support leads.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses(
        (status = 200, body = UserList),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin or Account admin role (the Support lead role for support agents)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<UserList>> {
    let org = managed_org(&user)?;
    let items = store::list(&mut *state.db.conn().await?, org).await?;
    Ok(Json(UserList { items }))
}

/// Invites a colleague with roles: the answer carries the one-time link to set a password
/// (valid 7 days), which is also mailed when mail is configured. Only Global admins give the
/// Global admin role; a support lead invites support agents (`roles`: none, or
/// `support_lead`).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts",
    request_body = NewUserRequest,
    responses(
        (status = 201, body = UserInvited),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `email` (also: taken), `display_name`, `roles` (a role of another kind of user)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn invite(
    State(state): State<AppState>,
    Audited {
        user,
        actor: audited,
    }: Audited,
    ClientIp(ip): ClientIp,
    ApiJson(new): ApiJson<NewUserRequest>,
) -> ApiResult<(StatusCode, Json<UserInvited>)> {
    let org = managed_org(&user)?;
    let (email, name) = invitee(&new.email, &new.display_name)?;
    let invited = accounts::invite(
        &state.db,
        Invite {
            to: InviteTo::Org(org, &new.roles),
            organization: &user.user.organization,
            email: &email,
            display_name: &name,
            by: Actor {
                email: user.user.email.as_str(),
                roles: &user.user.roles,
                client_ip: &ip.to_string(),
            },
            public_url: &state.settings.public_url,
            outbox: &state.settings.outbox,
            now: state.clock.now(),
        },
        &audited,
    )
    .await?;
    tracing::info!(user = %invited.user, "user invited");
    Ok(invitation(invited))
}

/// Changes a user's roles, or deactivates (their sessions end) or reactivates them. The last
/// active Global admin keeps the role: 409 `last_global_admin`.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "accounts",
    params(("id" = String, Path, format = "uuid")),
    request_body = UserChange,
    responses(
        (status = 200, body = UserList, description = "The partner's users after the change"),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
        (status = 409, description = "`last_global_admin`, or `invalid_status_change` for one's own deactivation", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: not an object of `roles` and `active`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn change(
    State(state): State<AppState>,
    Audited {
        user,
        actor: audited,
    }: Audited,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(change): ApiJson<UserChange>,
) -> ApiResult<Json<UserList>> {
    let org = managed_org(&user)?;
    accounts::change_user(
        &state.db,
        ChangeUser {
            org,
            user: &id,
            roles: change.roles.as_deref(),
            active: change.active,
            by: Actor {
                email: user.user.email.as_str(),
                roles: &user.user.roles,
                client_ip: &ip.to_string(),
            },
            by_user: &user.user.id,
            now: state.clock.now(),
            audit: &audited,
        },
    )
    .await?;
    let items = store::list(&mut *state.db.conn().await?, org).await?;
    Ok(Json(UserList { items }))
}

/// Sets the first password from an invitation link (once, within 7 days) and signs in.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "accounts",
    request_body = AcceptToken,
    responses(
        (status = 200, description = "Signed in; sets the session cookie", body = SessionResponse),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 410, description = "`invalid_link`: used, expired or unknown", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `password` (at least 12 characters, not a common one)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(accept): ApiJson<AcceptToken>,
) -> ApiResult<impl IntoResponse> {
    accept_link(
        state,
        Purpose::Invitation,
        accept,
        &ip.to_string(),
        &headers,
    )
    .await
}

async fn accept_link(
    state: AppState,
    purpose: Purpose,
    accept: AcceptToken,
    ip: &str,
    headers: &axum::http::HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let user = accounts::set_password_from_link(
        &state.db,
        purpose,
        accept.token.trim(),
        &accept.password,
        (ip, &super::sessions::device(headers, ip).request_id),
        state.clock.now(),
    )
    .await?;
    tracing::info!(user = %user, "password set from a link");
    let remembered = auth::device_token(headers, state.settings.cookie_secure);
    super::sessions::password_passed(
        &state,
        &user,
        super::sessions::device(headers, ip),
        remembered,
    )
    .await
}

/// Changes the signed-in user's password: the current one is required, the new one follows
/// the rules; the user's other sessions end, this one goes on.
#[utoipa::path(post, path = "/api/v1/session/password", tag = "accounts",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; other sessions ended"),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `current_password` (`wrong_password`), `new_password`", body = csp_domain::ApiErrorBody),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`: too many wrong passwords, counted with the sign-ins of the address", body = csp_domain::ApiErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    Audited {
        user,
        actor: audited,
    }: Audited,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(change): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let token = auth::session_token(&headers, state.settings.cookie_secure)
        .ok_or_else(AppError::unauthenticated)?;
    let mut errors = FieldErrors::new();
    // The new password's rules first: a refused one costs no guess of the current one.
    if let Err(issue) = check_new_password(&change.new_password, Some(&user.user.email)) {
        errors.add("new_password", &issue);
        return Err(AppError::validation(&errors));
    }
    let ip = ip.to_string();
    if !check_own_password(&state, &user.user.id, &change.current_password, &ip).await? {
        errors.add("current_password", &WrongPassword);
        return Err(AppError::validation(&errors));
    }
    accounts::change_password(
        &state.db,
        &user.user.id,
        &change.new_password,
        &token,
        &audited,
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "Forgot password": 202 whatever the address — an active user's gets a one-time link (valid
/// 60 minutes, at most three an hour) by mail.
#[utoipa::path(post, path = "/api/v1/password-resets", tag = "accounts",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Sent if the address has an account"),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `email`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn request_reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<PasswordResetRequest>,
) -> ApiResult<StatusCode> {
    let mut errors = FieldErrors::new();
    let Some(email) = errors.take("email", Email::parse(&request.email)) else {
        return Err(AppError::validation(&errors));
    };
    accounts::request_reset(
        &state.db,
        &state.settings.outbox,
        &state.settings.public_url,
        &email,
        &ip.to_string(),
        state.clock.now(),
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Sets a new password from a reset link (once, within 60 minutes), ends every other session
/// of the user, and signs in.
#[utoipa::path(post, path = "/api/v1/password-resets/accept", tag = "accounts",
    request_body = AcceptToken,
    responses(
        (status = 200, description = "Signed in (sets the session cookie), or `{\"mfa_required\": true}` for a user with two-step sign-in, whose sign-in then waits for the code", body = csp_domain::two_step::SignInAnswer),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 410, description = "`invalid_link`: used, expired or unknown", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `password`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn accept_reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(accept): ApiJson<AcceptToken>,
) -> ApiResult<impl IntoResponse> {
    accept_link(
        state,
        Purpose::PasswordReset,
        accept,
        &ip.to_string(),
        &headers,
    )
    .await
}

/// The partner's own two-step rule: whether every user must set it up (Global admins and
/// Account admins read it).
#[utoipa::path(get, path = "/api/v1/organization/two-step", tag = "accounts",
    responses(
        (status = 200, body = TwoStepPolicy),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs Global admin or Account admin", body = csp_domain::ApiErrorBody),
    ))]
pub async fn two_step_policy(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<TwoStepPolicy>> {
    let partner = user.partner(Area::Customers)?;
    user.require(Permission::ManageUsers)?;
    let required_for_everyone =
        partners::two_step_for_everyone(&mut *state.db.conn().await?, partner).await?;
    Ok(Json(TwoStepPolicy {
        required_for_everyone,
    }))
}

/// Requires two-step sign-in of every user of the partner, or only where the operator does
/// (Global admins); the change is recorded with the partner's other setting changes.
#[utoipa::path(put, path = "/api/v1/organization/two-step", tag = "accounts",
    request_body = TwoStepPolicy,
    responses(
        (status = 200, body = TwoStepPolicy),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs Global admin", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: not an object with `required_for_everyone`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn set_two_step_policy(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiJson(policy): ApiJson<TwoStepPolicy>,
) -> ApiResult<Json<TwoStepPolicy>> {
    let partner = user.partner(Area::Customers)?;
    user.require(Permission::ManageGlobalAdmins)?;
    let mut tx = state.db.begin().await?;
    let before = partners::two_step_for_everyone(&mut tx, partner).await?;
    if before != policy.required_for_everyone {
        partners::set_two_step_for_everyone(&mut tx, partner, policy.required_for_everyone).await?;
        settings::record(
            &mut tx,
            Some(partner),
            "two_step_for_everyone",
            Some(&before.to_string()),
            &policy.required_for_everyone.to_string(),
            user.user.email.as_str(),
            state.clock.now(),
        )
        .await?;
        audit::record(
            &mut tx,
            &actor,
            Event::new(
                AuditAction::TwoStepPolicyChanged,
                "partner",
                partner.as_str(),
            )
            .detail(format!(
                "required for everyone: {before} -> {}",
                policy.required_for_everyone
            )),
            state.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(partner = %partner, required = policy.required_for_everyone, "two-step rule of the partner");
    Ok(Json(policy))
}

/// The tenant's users, for a customer user (the admin center's Users).
#[utoipa::path(get, path = "/api/v1/tenant/users", tag = "tenant",
    responses(
        (status = 200, body = UserList),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: for customer users", body = csp_domain::ApiErrorBody),
    ))]
pub async fn tenant_users(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<UserList>> {
    let customer = user.tenant()?;
    let items = store::list_tenant(&mut *state.db.conn().await?, customer).await?;
    Ok(Json(UserList { items }))
}

/// A customer's admin invites another user of the tenant: a one-time link (7 days) to set a
/// password and reach the admin center, shown once and mailed.
#[utoipa::path(post, path = "/api/v1/tenant/users", tag = "tenant",
    request_body = NewTenantUser,
    responses(
        (status = 201, body = UserInvited),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: for customer users", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `email` (also: taken), `display_name`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn invite_tenant_user(
    State(state): State<AppState>,
    Audited {
        user,
        actor: audited,
    }: Audited,
    ClientIp(ip): ClientIp,
    ApiJson(new): ApiJson<NewTenantUser>,
) -> ApiResult<(StatusCode, Json<UserInvited>)> {
    let customer = user.tenant()?.clone();
    let (email, name) = invitee(&new.email, &new.display_name)?;
    let invited = accounts::invite(
        &state.db,
        Invite {
            to: InviteTo::Tenant(&customer),
            organization: &user.user.organization,
            email: &email,
            display_name: &name,
            by: Actor {
                email: user.user.email.as_str(),
                roles: &[],
                client_ip: &ip.to_string(),
            },
            public_url: &state.settings.public_url,
            outbox: &state.settings.outbox,
            now: state.clock.now(),
        },
        &audited,
    )
    .await?;
    tracing::info!(user = %invited.user, "tenant user invited");
    Ok(invitation(invited))
}

/// The address and name of someone invited, checked as the domain says.
fn invitee(email: &str, display_name: &str) -> Result<(Email, String), AppError> {
    let mut errors = FieldErrors::new();
    let email = errors.take("email", Email::parse(email));
    let name = check_display_name(display_name, &mut errors);
    match (email, name) {
        (Some(email), Some(name)) => Ok((email, name)),
        _ => Err(AppError::validation(&errors)),
    }
}

/// 201 with the invited user and their one-time link.
fn invitation(invited: accounts::Invited) -> (StatusCode, Json<UserInvited>) {
    (
        StatusCode::CREATED,
        Json(UserInvited {
            id: invited.user,
            invitation_url: invited.link,
            invitation_expires_at: invited.expires_at,
        }),
    )
}
