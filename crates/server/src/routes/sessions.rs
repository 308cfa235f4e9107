//! `/api/v1/sessions` and `/api/v1/session`: signing in and out.

use crate::store::audit::{self, Event};
use csp_domain::audit::AuditAction;
use std::time::Duration;

use axum::extract::State;
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use csp_domain::account::WrongPassword;
use csp_domain::session::{SessionInfo, SessionList, SignedOut};
use csp_domain::two_step::{
    CodeNeeded, SecondStep, SignInAnswer, UnknownRememberDays, CHALLENGE_MINUTES, REMEMBER_DAYS,
};
use csp_domain::{ErrorCode, FieldErrors, SessionResponse, SignIn, SignInRequest, UserId};

use crate::cases::sign_in_guard::{self, Refused};
use crate::cases::two_step::{self, TwoStepError};
use crate::http::auth::{self, CurrentUser};
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::Audited;
use crate::http::extract::{ApiJson, ApiPath, ClientIp};
use crate::password;
use crate::state::AppState;
use crate::store::sessions::Device;
use crate::store::two_step as store_two_step;
use crate::store::{accounts, sessions, users, Conn};

/// How long a sign-in waits for a free password checker before it is told to retry.
const PASSWORD_CHECK_WAIT: Duration = Duration::from_secs(3);

/// 403 `sso_required` for a user whose organisation refuses passwords.
async fn refuse_password_if_sso_required(
    conn: &mut Conn,
    record: &users::UserRecord,
) -> ApiResult<()> {
    if sso_required(conn, record).await? {
        return Err(AppError::new(
            ErrorCode::SsoRequired,
            "Your organisation signs in with its own account: leave the password empty and choose Sign in.",
        ));
    }
    Ok(())
}

/// Whether the user's organisation refuses passwords (its identity provider requires single
/// sign-on for their address's domain); its Global admins keep their passwords, to get in
/// when the provider is down.
async fn sso_required(conn: &mut Conn, record: &users::UserRecord) -> Result<bool, sqlx::Error> {
    use crate::store::sso::Owner;
    let owner = match &record.principal {
        csp_domain::Principal::Partner { partner, roles, .. } => {
            if roles.contains(&csp_domain::Role::GlobalAdmin) {
                return Ok(false);
            }
            Owner::Partner(partner.clone())
        }
        csp_domain::Principal::Support { .. } => Owner::Support,
        csp_domain::Principal::Customer { .. } => return Ok(false),
    };
    let domain = csp_domain::sso::domain_of(&record.user.email);
    Ok(crate::store::sso::of_org(conn, &owner)
        .await?
        .is_some_and(|p| p.require_sso && p.domains.iter().any(|d| d == domain)))
}

/// Argon2 is slow and memory-hungry on purpose: how many checks run at once is bounded, and
/// a check waits a moment for its turn before the caller is told to retry.
async fn password_checker(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
    match tokio::time::timeout(
        PASSWORD_CHECK_WAIT,
        state.password_checks.clone().acquire_owned(),
    )
    .await
    {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(AppError::too_many(
            1,
            "Too many sign-ins at once. Please try again in a moment.",
        )),
    }
}

fn too_many_failures(
    state: &AppState,
    Refused {
        retry_after_seconds,
    }: Refused,
) -> AppError {
    state.metrics.sign_in_throttled();
    let minutes = retry_after_seconds.div_ceil(60).max(1);
    AppError::too_many(
        retry_after_seconds,
        format!("Too many failed sign-ins for this address. Try again in {minutes} minutes."),
    )
}

/// Whether `password` is the signed-in user's, checked as a sign-in is (to change the
/// password, or turn two-step sign-in off): counted first in the same buckets, so a stolen
/// session cannot guess the password faster than a sign-in could (429 with `Retry-After`),
/// and through the same bounded pool of checkers.
pub async fn check_own_password(
    state: &AppState,
    user: &UserId,
    password: &str,
    ip: &str,
) -> Result<bool, AppError> {
    let permit = password_checker(state).await?;
    let now = state.clock.now();
    let mut conn = state.db.conn().await?;
    let record = users::find_by_id(&mut conn, user)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let email = record.user.email.clone();
    let admitted = sign_in_guard::admit(
        &mut conn,
        &state.settings.sign_in,
        &email,
        Some(user),
        ip,
        now,
    )
    .await?
    .map_err(|refused| too_many_failures(state, refused))?;
    drop(conn); // no connection held during the slow hash
    let (password, stored) = (password.to_string(), record.password_hash);
    let checked = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        password::verify(&password, &stored)
    })
    .await;
    let mut conn = state.db.conn().await?;
    match checked {
        Ok(true) => {
            admitted.succeeded(&mut conn, user, ip, now).await?;
            Ok(true)
        }
        Ok(false) => {
            state.metrics.sign_in_failed();
            admitted.failed(&email, ip);
            Ok(false)
        }
        Err(e) => {
            admitted.abandoned(&mut conn).await?;
            Err(AppError::internal("password check", e))
        }
    }
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in (sets the HttpOnly session cookie), or — for a user with two-step sign-in — `{\"mfa_required\": true}` and a cookie for `POST /api/v1/session/totp`", body = SignInAnswer),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`invalid_credentials`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: a form another site posted", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`: the body must be JSON", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: email or password missing or malformed", body = csp_domain::ApiErrorBody),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`: too many failed sign-ins for the address or from this network", body = csp_domain::ApiErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SignInRequest>,
) -> ApiResult<Response> {
    let SignIn { email, password } = request
        .check()
        .map_err(|errors| AppError::validation(&errors))?;

    let checker = || password_checker(&state);
    let mut permit = checker().await?;
    let now = state.clock.now();
    let mut conn = state.db.conn().await?;
    let record = users::find_by_email(&mut conn, &email).await?;
    // Refused before the password is looked at: whether a guess was right is not told, and no
    // guess is counted or clears the counts.
    if let Some(record) = &record {
        refuse_password_if_sso_required(&mut conn, record).await?;
    }
    let user_id = record.as_ref().map(|r| r.user.id.clone());
    let admitted = match sign_in_guard::admit(
        &mut conn,
        &state.settings.sign_in,
        &email,
        user_id.as_ref(),
        &ip,
        now,
    )
    .await?
    {
        Ok(admitted) => admitted,
        Err(refused) => return Err(too_many_failures(&state, refused)),
    };
    drop(conn); // no connection held during the slow hash
    if let Some(wait) = admitted.slow_down {
        // Waits without a password checker, so the slowed cannot starve the others.
        drop(permit);
        tokio::time::sleep(wait).await;
        permit = match checker().await {
            Ok(permit) => permit,
            Err(busy) => {
                admitted.abandoned(&mut *state.db.conn().await?).await?;
                return Err(busy);
            }
        };
    }

    let stored = record.as_ref().map(|r| r.password_hash.clone());
    let checked = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        password::verify(
            &password,
            stored.as_deref().unwrap_or(password::decoy_hash()),
        )
    })
    .await;
    let mut conn = state.db.conn().await?;
    let password_ok = match checked {
        Ok(ok) => ok,
        Err(e) => {
            admitted.abandoned(&mut conn).await?;
            return Err(AppError::internal("password check", e));
        }
    };
    // A deactivated user is told what a wrong password is told: nothing about the account.
    let active = match &record {
        Some(record) if password_ok => accounts::is_active(&mut conn, &record.user.id).await?,
        _ => false,
    };
    let record = match record {
        Some(record) if active => record,
        refused => {
            state.metrics.sign_in_failed();
            admitted.failed(&email, &ip);
            // Recorded for the user's partner when the address is one of its users'.
            let partner = refused.as_ref().and_then(|r| match &r.principal {
                csp_domain::Principal::Partner { partner, .. } => Some(partner.clone()),
                _ => None,
            });
            let mut actor = audit::Actor::anonymous(
                email.as_str(),
                partner,
                &ip.to_string(),
                &device(&headers, "").request_id,
            );
            // A customer's user's is in their customer's partner's trail.
            if let Some(csp_domain::Principal::Customer { customer, .. }) =
                refused.as_ref().map(|r| &r.principal)
            {
                actor.customer = Some(customer.clone());
            }
            let target = refused
                .as_ref()
                .map(|r| r.user.id.to_string())
                .unwrap_or_default();
            audit::record(
                &mut conn,
                &actor,
                Event::new(AuditAction::SignInFailed, "user", &target),
                now,
            )
            .await?;
            return Err(AppError::new(
                ErrorCode::InvalidCredentials,
                "The email address or password is incorrect.",
            ));
        }
    };

    admitted
        .succeeded(&mut conn, &record.user.id, &ip, now)
        .await?;
    drop(conn);
    let remembered = auth::device_token(&headers, state.settings.cookie_secure);
    password_passed(
        &state,
        &record.user.id,
        device(&headers, &ip.to_string()),
        remembered,
    )
    .await
}

/// Where a request comes from: its client's address and browser (at most 300 characters).
pub(crate) fn device(headers: &HeaderMap, client_ip: &str) -> Device {
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    // Set on the request by `http::ops::request_id`, whatever the client sent.
    let request_id = headers
        .get(crate::http::ops::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    Device {
        client_ip: client_ip.to_string(),
        user_agent,
        request_id,
    }
}

/// The password was right (a sign-in, or a password set from a link): a session — or, for a
/// user with two-step sign-in, unless this browser is remembered for them (`remembered`, the
/// token of its cookie), a sign-in waiting for the code: a cookie of its own for
/// [`CHALLENGE_MINUTES`] and 200 `{"mfa_required": true}`.
pub(crate) async fn password_passed(
    state: &AppState,
    user: &UserId,
    device: Device,
    remembered: Option<String>,
) -> ApiResult<Response> {
    let mut conn = state.db.conn().await?;
    // Also after a password set from an invitation or a reset link.
    let record = users::find_by_id(&mut conn, user)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    refuse_password_if_sso_required(&mut conn, &record).await?;
    let now = state.clock.now();
    let known_browser = match remembered {
        Some(token) => store_two_step::is_remembered(&mut conn, user, &token, now).await?,
        None => false,
    };
    if !known_browser && two_step::is_on(&mut conn, user).await? {
        let token = two_step::challenge(&mut conn, user, None, now).await?;
        let cookie =
            auth::challenge_cookie(&token, CHALLENGE_MINUTES * 60, state.settings.cookie_secure);
        tracing::info!(user = %user, "password passed; waiting for the code");
        let answer = SignInAnswer::CodeNeeded(CodeNeeded { mfa_required: true });
        return Ok((cookie, Json(answer)).into_response());
    }
    let (cookie, body) =
        start_session(state, &mut conn, user, &device, &Default::default(), now).await?;
    Ok((AppendHeaders(cookie), body).into_response())
}

/// A new session for `user`: its cookie and the answer's body. `origin`: signed in at an
/// identity provider (and whether its trusted second factor stands for two-step sign-in).
pub(crate) async fn start_session(
    state: &AppState,
    conn: &mut Conn,
    user: &UserId,
    device: &Device,
    origin: &sessions::Origin,
    now: DateTime<Utc>,
) -> ApiResult<([(HeaderName, HeaderValue); 1], Json<SessionResponse>)> {
    let record = users::find_by_id(conn, user)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let setup_required = !origin.provider_mfa && auth::must_set_up_two_step(state, &record);
    let mut signed_in = record.user;
    signed_in.two_step_setup_required = setup_required;
    accounts::note_sign_in(conn, user, now).await?;
    let policy = state.settings.session;
    let token = sessions::create(conn, user, device, policy, origin, now).await?;
    let actor = audit::Actor::user(
        &record.principal,
        signed_in.email.as_str(),
        &device.client_ip,
        &device.request_id,
    );
    let how = if origin.sso_provider.is_some() {
        "single sign-on"
    } else {
        "password"
    };
    audit::record(
        conn,
        &actor,
        Event::new(AuditAction::SignedIn, "user", user.as_str()).detail(how),
        now,
    )
    .await?;
    let cookie = auth::session_cookie(
        &token,
        policy.lifetime.num_seconds(),
        state.settings.cookie_secure,
    );
    tracing::info!(user = %user, "signed in");
    Ok((cookie, Json(SessionResponse { user: signed_in })))
}

/// The second step of a sign-in: the code of the user's authenticator app (each works once),
/// or one of their recovery codes (each works once). After five tries without a right code it
/// pauses for 15 minutes, and each wrong try after that pauses it again; the sign-in waits 5
/// minutes for its code and ends with a new password or a deactivation.
#[utoipa::path(post, path = "/api/v1/session/totp", tag = "sessions", request_body = SecondStep,
    responses(
        (status = 200, description = "Signed in; sets the session cookie", body = SessionResponse),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`: no sign-in is waiting for a code (none, or more than 5 minutes ago)", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `code` (`required`, `wrong_code`: not the code of this moment, malformed or used already), `remember_days` (7 or 30)", body = csp_domain::ApiErrorBody),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`: paused after wrong codes", body = csp_domain::ApiErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn second_step(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(entry): ApiJson<SecondStep>,
) -> ApiResult<Response> {
    let secure = state.settings.cookie_secure;
    let token = auth::challenge_token(&headers, secure).ok_or_else(no_challenge)?;
    if entry
        .remember_days
        .is_some_and(|d| !REMEMBER_DAYS.contains(&d))
    {
        let mut errors = FieldErrors::new();
        errors.add("remember_days", &UnknownRememberDays);
        return Err(AppError::validation(&errors));
    }
    let now = state.clock.now();
    let done = two_step::complete(&state.db, &token, &entry.code, &ip.to_string(), now)
        .await
        .map_err(|e| two_step_error(e, now))?;
    let user = done.user;
    let device = device(&headers, &ip.to_string());
    let mut conn = state.db.conn().await?;
    // After a sign-in at an identity provider, the session keeps it: signing out offers the
    // provider's own sign-out.
    let origin = crate::store::sessions::Origin {
        sso_provider: done.sso_provider,
        provider_mfa: false,
    };
    let (cookie, body) = start_session(&state, &mut conn, &user, &device, &origin, now).await?;
    let [ended] = auth::challenge_cookie("", 0, secure);
    let [session] = cookie;
    let mut cookies = vec![ended, session];
    if let Some(days) = entry.remember_days {
        let until = now + chrono::Duration::days(i64::from(days));
        let token = store_two_step::remember_device(&mut conn, &user, now, until).await?;
        let [remembered] = auth::device_cookie(&token, i64::from(days) * 86_400, secure);
        cookies.push(remembered);
    }
    Ok((AppendHeaders(cookies), body).into_response())
}

fn no_challenge() -> AppError {
    AppError::new(
        ErrorCode::Unauthenticated,
        "No sign-in is waiting for a code (it waits 5 minutes): sign in again.",
    )
}

/// The API's answer to a refused two-step action.
pub(crate) fn two_step_error(error: TwoStepError, now: DateTime<Utc>) -> AppError {
    let field = |field: &str, issue: &dyn csp_domain::FieldIssue| {
        let mut errors = FieldErrors::new();
        errors.add(field, issue);
        AppError::validation(&errors)
    };
    match error {
        TwoStepError::AlreadyOn => {
            AppError::new(ErrorCode::TwoStepEnabled, "Two-step sign-in is on already.")
        }
        TwoStepError::NotStarted => AppError::new(
            ErrorCode::TwoStepNotStarted,
            "No key is waiting for a code: start the setup again.",
        ),
        TwoStepError::Code(issue) => field("code", &issue),
        TwoStepError::WrongPassword => field("password", &WrongPassword),
        TwoStepError::Paused(until) => {
            let seconds = (until - now).num_seconds().max(1) as u64;
            let minutes = seconds.div_ceil(60);
            AppError::too_many(
                seconds,
                format!("Too many wrong codes. Try again in {minutes} minutes."),
            )
        }
        TwoStepError::NoChallenge => no_challenge(),
        TwoStepError::Database(e) => e.into(),
        TwoStepError::Internal(what) => AppError::internal("two-step sign-in", what),
    }
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/session", tag = "sessions",
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn current(user: CurrentUser) -> Json<SessionResponse> {
    Json(SessionResponse { user: user.user })
}

/// Sign out: ends the session on the server and clears the cookie. Signing out twice is fine.
/// A session signed in at an identity provider that has an end-session page answers 200 with
/// its URL, so the browser can sign out there too.
#[utoipa::path(delete, path = "/api/v1/session", tag = "sessions",
    responses(
        (status = 204, description = "Signed out; clears the session cookie"),
        (status = 200, description = "Signed out here; the provider's end-session page to go on to", body = SignedOut),
        (status = 403, description = "`forbidden`: a request another site sent", body = csp_domain::ApiErrorBody),
    ))]
pub async fn sign_out(
    State(state): State<AppState>,
    // A session that has ended, or waits for its second step, signs out unrecorded.
    signed_in: Result<Audited, AppError>,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let secure = state.settings.cookie_secure;
    let forget = auth::session_cookie("", 0, secure);
    let Some(token) = auth::session_token(&headers, secure) else {
        return Ok((StatusCode::NO_CONTENT, forget).into_response());
    };
    let mut tx = state.db.begin().await?;
    let provider = sessions::delete(&mut tx, &token).await?;
    if let Ok(Audited { user, actor }) = &signed_in {
        audit::record(
            &mut tx,
            actor,
            Event::new(AuditAction::SignedOut, "user", user.user.id.as_str()),
            state.clock.now(),
        )
        .await?;
    }
    let provider = match provider {
        Some(id) => crate::store::sso::by_id(&mut tx, &id).await?,
        None => None,
    };
    tx.commit().await?;
    let end_session = match provider {
        Some(provider) => state.discovery.end_session_url(&provider).await,
        None => None,
    };
    Ok(match end_session {
        Some(url) => (
            forget,
            Json(SignedOut {
                end_session_url: url,
            }),
        )
            .into_response(),
        None => (StatusCode::NO_CONTENT, forget).into_response(),
    })
}

/// Where the signed-in user is signed in: their live sessions, with the address and browser
/// each started from, this one marked.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions",
    responses(
        (status = 200, body = SessionList),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
) -> ApiResult<Json<SessionList>> {
    let current = auth::session_token(&headers, state.settings.cookie_secure)
        .map(|token| sessions::session_id(&token));
    let live = sessions::list_live(
        &mut *state.db.conn().await?,
        &user.user.id,
        state.settings.session,
        state.clock.now(),
    )
    .await?;
    let items = live
        .into_iter()
        .map(|s| SessionInfo {
            current: current.as_deref() == Some(s.id.as_str()),
            id: s.id,
            signed_in_at: s.created_at,
            last_active_at: s.last_seen_at,
            client_ip: s.device.client_ip,
            user_agent: s.device.user_agent,
        })
        .collect();
    Ok(Json(SessionList { items }))
}

/// Ends one of the signed-in user's sessions (signed out there at its next request).
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "A session's `id` from `GET /api/v1/sessions`")),
    responses(
        (status = 204, description = "Ended"),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`: the user has no such session", body = csp_domain::ApiErrorBody),
    ))]
pub async fn end_one(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    if !sessions::end_by_id(&mut tx, &user.user.id, &id).await? {
        return Err(AppError::not_found("You have no such session."));
    }
    audit::record(
        &mut tx,
        &actor,
        Event::new(AuditAction::SessionsEnded, "user", user.user.id.as_str()).detail("one session"),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user = %user.user.id, "ended one of their sessions");
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the signed-in user but this one.
#[utoipa::path(delete, path = "/api/v1/sessions", tag = "sessions",
    responses(
        (status = 204, description = "Every other session ended"),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn end_others(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let token = auth::session_token(&headers, state.settings.cookie_secure)
        .ok_or_else(AppError::unauthenticated)?;
    let mut tx = state.db.begin().await?;
    accounts::end_other_sessions(&mut tx, &user.user.id, &token).await?;
    audit::record(
        &mut tx,
        &actor,
        Event::new(AuditAction::SessionsEnded, "user", user.user.id.as_str())
            .detail("every other session"),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user = %user.user.id, "ended their other sessions");
    Ok(StatusCode::NO_CONTENT)
}
