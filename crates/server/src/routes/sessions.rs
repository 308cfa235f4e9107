//! `/api/v1/sessions` and `/api/v1/session`: signing in and out.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use csp_domain::{ErrorCode, SessionResponse, SignInRequest};

use crate::app::AppState;
use crate::auth::{self, CurrentUser};
use crate::error::{ApiResult, AppError};
use crate::extract::ApiJson;
use crate::password;
use crate::store::{sessions, users};

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in; sets the HttpOnly session cookie", body = SessionResponse),
        (status = 401, description = "`invalid_credentials`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: email or password missing", body = csp_domain::ApiErrorBody),
        (status = 429, description = "`too_many_attempts`: five failed sign-ins for the address in 15 minutes", body = csp_domain::ApiErrorBody),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SignInRequest>,
) -> ApiResult<impl IntoResponse> {
    let mut missing = std::collections::BTreeMap::new();
    if request.email.trim().is_empty() {
        missing.insert("email".to_string(), "Enter your email address.".to_string());
    }
    if request.password.is_empty() {
        missing.insert("password".to_string(), "Enter your password.".to_string());
    }
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }

    let email = request.email.trim().to_lowercase();
    let now = std::time::Instant::now();
    if let Err(wait) = state.sign_in_throttle.check(&email, now) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return Err(AppError::new(
            ErrorCode::TooManyAttempts,
            format!("Too many failed sign-ins for this address. Try again in {minutes} minutes."),
        ));
    }
    let record = users::find_by_email(&state.db, &email).await?;
    // Hashing is slow on purpose; keep it off the async workers.
    let stored = record.as_ref().map(|r| r.password_hash.clone());
    let password_ok = tokio::task::spawn_blocking(move || {
        let hash = stored.as_deref().unwrap_or(password::decoy_hash());
        password::verify(&request.password, hash)
    })
    .await
    .map_err(|e| AppError::Internal(format!("password check: {e}")))?;
    let record = match record {
        Some(record) if password_ok => record,
        _ => {
            state.sign_in_throttle.record_failure(&email, now);
            return Err(AppError::new(
                ErrorCode::InvalidCredentials,
                "The email address or password is incorrect.",
            ))
        }
    };

    state.sign_in_throttle.reset(&email);
    let token = sessions::create(&state.db, &record.user.id).await?;
    let cookie = auth::session_cookie(
        &token,
        sessions::SESSION_LIFETIME.num_seconds(),
        state.cookie_secure,
    );
    tracing::info!(user = %record.user.email, "signed in");
    Ok((auth::set_cookie_headers(cookie), Json(SessionResponse { user: record.user })))
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
#[utoipa::path(delete, path = "/api/v1/session", tag = "sessions",
    responses((status = 204, description = "Signed out")))]
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<impl IntoResponse> {
    if let Some(token) = auth::session_token(&headers) {
        sessions::delete(&state.db, &token).await?;
    }
    let cleared = auth::session_cookie("", 0, state.cookie_secure);
    Ok((StatusCode::NO_CONTENT, auth::set_cookie_headers(cleared)))
}
