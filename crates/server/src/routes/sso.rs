//! Single sign-on: `/api/v1/identity-provider` (an organisation's OpenID Connect provider, set
//! by its Global admin), `POST /api/v1/sessions/sso` (where the sign-in page sends an address
//! whose domain has a provider) and `GET /api/v1/sso/callback` (where the provider sends the
//! browser back: a session, or the sign-in page saying what went wrong).

use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use csp_domain::sso::{
    domain_of, CustomerSignIn, CustomerSsoStart, IdentityProvider, IdentityProviderRequest,
    ProviderIssue, SsoFailure, SsoRedirect, SsoStart,
};
use csp_domain::{Area, Email, ErrorCode, FieldErrors, Permission};
use serde::Deserialize;

use crate::cases::sso;
use crate::cases::two_step;
use crate::http::auth::{self, CurrentUser};
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::Audited;
use crate::http::extract::{ApiJson, ApiQuery, ClientIp};
use crate::routes::sessions::{device, start_session};
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::sso::{self as store, Owner};
use crate::store::users;
use csp_domain::audit::AuditAction;

/// The provider of the caller's organisation: a partner's Global admin sets it.
fn org_of(user: &CurrentUser) -> Result<Owner, AppError> {
    let partner = user.partner(Area::Customers)?.clone();
    user.require(Permission::ManageIdentityProvider)?;
    Ok(Owner::Partner(partner))
}

fn shown(provider: store::Provider, public_url: &str) -> IdentityProvider {
    IdentityProvider {
        issuer: provider.issuer,
        client_id: provider.client_id,
        domains: provider.domains,
        require_sso: provider.require_sso,
        allow_jit: provider.allow_jit,
        redirect_uri: sso::redirect_uri(public_url),
    }
}

/// The organisation's identity provider (never its secret).
#[utoipa::path(get, path = "/api/v1/identity-provider", tag = "sessions",
    responses(
        (status = 200, body = IdentityProvider),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`: none set up", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<IdentityProvider>> {
    let owner = org_of(&user)?;
    let found = store::of_org(&mut *state.db.conn().await?, &owner)
        .await?
        .ok_or_else(|| AppError::not_found("Your organisation has no identity provider set up."))?;
    Ok(Json(shown(found, &state.settings.public_url)))
}

/// Sets the organisation's OpenID Connect provider (Global admins): its issuer (checked by
/// fetching its discovery document), client ID and secret (kept when a change omits it), the
/// e-mail domains whose users sign in there (each domain at one organisation's provider), and
/// whether passwords are refused for the organisation's users (Global admins keep theirs).
#[utoipa::path(put, path = "/api/v1/identity-provider", tag = "sessions",
    request_body = IdentityProviderRequest,
    responses(
        (status = 200, body = IdentityProvider),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `issuer` (also: no discovery document there), `client_id`, `client_secret` (required the first time), `domains` (also `taken` by another organisation)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn put(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiJson(request): ApiJson<IdentityProviderRequest>,
) -> ApiResult<Json<IdentityProvider>> {
    let owner = org_of(&user)?;
    let set_up = store::of_org(&mut *state.db.conn().await?, &owner)
        .await?
        .is_some();
    let provider = request
        .check(set_up)
        .map_err(|errors| AppError::validation(&errors))?;
    let field = |name: &str, issue: ProviderIssue| {
        let mut errors = FieldErrors::new();
        errors.add(name, &issue);
        AppError::validation(&errors)
    };
    // Read as sign-ins will read it: an address the server may not reach (this machine outside
    // demo mode, a private network unless allowed as for webhooks) fails here too.
    if let Err(e) = state.discovery.check(&provider.issuer).await {
        tracing::warn!(issuer = %provider.issuer, error = %e, "identity provider not reachable");
        return Err(field("issuer", ProviderIssue::Unreachable));
    }
    let mut tx = state.db.begin().await?;
    let taken = store::domains_of_others(&mut tx, &owner, &provider.domains).await?;
    if !taken.is_empty() {
        return Err(field("domains", ProviderIssue::DomainsTaken));
    }
    let now = state.clock.now();
    if !store::put(&mut tx, &owner, &provider, user.user.email.as_str(), now).await? {
        return Err(field("client_secret", ProviderIssue::SecretRequired));
    }
    let found = store::of_org(&mut tx, &owner)
        .await?
        .ok_or_else(|| AppError::not_found("Your organisation has no identity provider set up."))?;
    audit::record(
        &mut tx,
        &actor,
        Event::new(
            AuditAction::IdentityProviderSet,
            "identity_provider",
            &found.id,
        )
        .detail(format!(
            "{} for {}; passwords refused: {}; just in time: {}{}",
            found.issuer,
            found.domains.join(", "),
            found.require_sso,
            found.allow_jit,
            if request.client_secret.is_some() {
                "; new secret"
            } else {
                ""
            }
        )),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(owner = ?owner, issuer = %found.issuer, "identity provider set");
    Ok(Json(shown(found, &state.settings.public_url)))
}

/// Removes the organisation's identity provider: its users sign in with passwords again.
#[utoipa::path(delete, path = "/api/v1/identity-provider", tag = "sessions",
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`: none set up", body = csp_domain::ApiErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
) -> ApiResult<StatusCode> {
    let owner = org_of(&user)?;
    let mut tx = state.db.begin().await?;
    let Some(found) = store::of_org(&mut tx, &owner).await? else {
        return Err(AppError::not_found(
            "Your organisation has no identity provider set up.",
        ));
    };
    store::remove(&mut tx, &owner).await?;
    audit::record(
        &mut tx,
        &actor,
        Event::new(
            AuditAction::IdentityProviderRemoved,
            "identity_provider",
            &found.id,
        )
        .detail(found.issuer),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A path of this app to return to after signing in, else the app's root.
fn app_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/api")
                && p.len() <= 512
                && !p.chars().any(|c| c.is_control() || c == '\\') =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The first step of the sign-in page: the address typed. When its domain has an identity
/// provider (and the address is not a user of another organisation), the answer is the
/// provider's authorization URL to send the browser to (code flow with PKCE, `state` and
/// `nonce`); otherwise `null`, and the page asks for the password.
#[utoipa::path(post, path = "/api/v1/sessions/sso", tag = "sessions", request_body = SsoStart,
    responses(
        (status = 200, body = SsoRedirect),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `email`", body = csp_domain::ApiErrorBody),
        (status = 503, description = "`unavailable`: the organisation's provider cannot be reached", body = csp_domain::ApiErrorBody),
    ))]
pub async fn start(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SsoStart>,
) -> ApiResult<Response> {
    let mut errors = FieldErrors::new();
    let Some(email) = errors.take("email", Email::parse(&request.email)) else {
        return Err(AppError::validation(&errors));
    };
    let mut conn = state.db.conn().await?;
    let Some(provider) = store::for_domain(&mut conn, domain_of(&email)).await? else {
        return Ok(Json(SsoRedirect { redirect_url: None }).into_response());
    };
    // An existing user of another organisation (a customer's admin at a partner's domain,
    // say) signs in with their password.
    if let Some(record) = users::find_by_email(&mut conn, &email).await? {
        if !sso::of_provider_org(&record.principal, &provider) {
            return Ok(Json(SsoRedirect { redirect_url: None }).into_response());
        }
    }
    drop(conn);
    to_provider(&state, &provider, Some(&email), request.next.as_deref()).await
}

/// Whether customers' users can "Sign in with Microsoft" here (the operator set it up with
/// `csp-server admin set-customer-sso`): the sign-in page offers it when so.
#[utoipa::path(get, path = "/api/v1/sessions/sso/customers", tag = "sessions",
    responses(
        (status = 200, body = CustomerSignIn),
    ))]
pub async fn customers_available(State(state): State<AppState>) -> ApiResult<Json<CustomerSignIn>> {
    let found = store::of_org(&mut *state.db.conn().await?, &Owner::Customers).await?;
    Ok(Json(CustomerSignIn {
        available: found.is_some(),
    }))
}

/// "Sign in with Microsoft" for customers' users (who follow their partner's deep link): the
/// authorization URL of the operator's provider (code flow with PKCE, `state` and `nonce`). The
/// ID token's tenant (`tid`) must be a customer's here, and the address one of its users'.
#[utoipa::path(post, path = "/api/v1/sessions/sso/customers", tag = "sessions",
    request_body = CustomerSsoStart,
    responses(
        (status = 200, body = SsoRedirect),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`: not set up here", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: not an object with an optional `next` path", body = csp_domain::ApiErrorBody),
        (status = 503, description = "`unavailable`: the provider cannot be reached", body = csp_domain::ApiErrorBody),
    ))]
pub async fn start_for_customers(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CustomerSsoStart>,
) -> ApiResult<Response> {
    let provider = store::of_org(&mut *state.db.conn().await?, &Owner::Customers)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                "Signing in with Microsoft is not set up here. Sign in with your e-mail address and password.",
            )
        })?;
    to_provider(&state, &provider, None, request.next.as_deref()).await
}

/// Starts a sign-in at `provider` and answers where to send the browser, with the cookie that
/// binds the sign-in to this browser.
async fn to_provider(
    state: &AppState,
    provider: &store::Provider,
    email: Option<&Email>,
    next: Option<&str>,
) -> ApiResult<Response> {
    let started = sso::start(
        &state.db,
        &state.discovery,
        provider,
        email,
        &app_path(next),
        &state.settings.public_url,
        state.clock.now(),
    )
    .await
    .map_err(|e| {
        tracing::error!(issuer = %provider.issuer, error = %e, "single sign-on could not start");
        AppError::new(
            ErrorCode::Unavailable,
            "The sign-in page cannot be reached right now. Please try again in a moment.",
        )
    })?;
    // Only this browser may finish the sign-in: a callback URL handed to someone else fails.
    let cookie = auth::sso_cookie(
        &started.browser,
        sso::LOGIN_MINUTES * 60,
        state.settings.cookie_secure,
    );
    let body = Json(SsoRedirect {
        redirect_url: Some(started.url),
    });
    Ok((cookie, body).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// Set by the provider instead of `code` when the sign-in did not happen
    /// (`access_denied`, …).
    pub error: Option<String>,
}

fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        res.headers_mut().insert(LOCATION, value);
    }
    res
}

fn failed(failure: SsoFailure) -> Response {
    see_other(&format!("/sign-in?sso_error={}", failure.as_str()))
}

/// Where the provider sends the browser back — the browser that started the sign-in (its
/// binding cookie), once per `state`. A sign-in the provider vouched for becomes a session
/// (303 to where the user was going); a user with the product's two-step sign-in is asked for
/// the code (`/sign-in?second_step=1`) whatever the provider says; anything else ends on the
/// sign-in page with `sso_error` = `denied`, `expired`, `invalid` or `not_invited`, which it
/// says in the user's language.
#[utoipa::path(get, path = "/api/v1/sso/callback", tag = "sessions", params(Callback),
    responses(
        (status = 303, description = "To the app: signed in (session cookie set), the code step, or the sign-in page with `sso_error`"),
    ))]
pub async fn callback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<Callback>,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let (code, login_state) = match (query.code, query.state, query.error) {
        (_, Some(login_state), Some(error)) => {
            // The sign-in ends here either way: its state is used up.
            let mut conn = state.db.conn().await?;
            store::take_login(&mut conn, &login_state).await?;
            tracing::info!(error = %error.chars().take(100).collect::<String>(), "provider ended the sign-in");
            return Ok(failed(if error == "access_denied" {
                SsoFailure::Denied
            } else {
                SsoFailure::Invalid
            }));
        }
        (Some(code), Some(login_state), None) => (code, login_state),
        _ => return Ok(failed(SsoFailure::Expired)),
    };
    let secure = state.settings.cookie_secure;
    let browser = auth::sso_token(&headers, secure);
    let ip = ip.to_string();
    let back = sso::Callback {
        state: &login_state,
        code: &code,
        browser: browser.as_deref(),
        client_ip: &ip,
    };
    let verified = match sso::finish(
        &state.db,
        &state.discovery,
        back,
        &state.settings.public_url,
        now,
    )
    .await
    {
        Ok(verified) => verified,
        Err(refused) => {
            tracing::warn!(failure = refused.failure.as_str(), detail = %refused.detail, "single sign-on refused");
            return Ok(failed(refused.failure));
        }
    };
    // The binding has done its work.
    let forget = auth::sso_cookie("", 0, secure);
    let mut conn = state.db.conn().await?;
    // A code the user set up is always asked for: a provider's word never replaces it.
    if two_step::is_on(&mut conn, &verified.user).await? {
        let token =
            two_step::challenge(&mut conn, &verified.user, Some(&verified.provider_id), now)
                .await?;
        let cookie =
            auth::challenge_cookie(&token, csp_domain::two_step::CHALLENGE_MINUTES * 60, secure);
        tracing::info!(user = %verified.user, "signed in at the provider; waiting for the code");
        // Where the user was going comes along, for after the code.
        let next: String = url::form_urlencoded::byte_serialize(verified.next.as_bytes()).collect();
        let to = format!("/sign-in?second_step=1&next={next}");
        return Ok((forget, cookie, see_other(&to)).into_response());
    }
    // Where two-step sign-in is required and not set up, a second factor at a provider the
    // operator trusts for it (SSO_MFA_ISSUERS) stands for it.
    let provider_mfa =
        verified.amr_mfa && state.settings.sso_mfa_issuers.contains(&verified.issuer);
    let device = device(&headers, &ip);
    let origin = crate::store::sessions::Origin {
        sso_provider: Some(verified.provider_id.clone()),
        provider_mfa,
    };
    let (cookie, _) =
        start_session(&state, &mut conn, &verified.user, &device, &origin, now).await?;
    tracing::info!(user = %verified.user, provider_mfa, "signed in at the identity provider");
    Ok((forget, AppendHeaders(cookie), see_other(&verified.next)).into_response())
}

#[cfg(test)]
mod tests {
    use super::app_path;

    #[test]
    fn only_paths_of_the_app_are_returned_to() {
        assert_eq!(
            app_path(Some("/customers/x?tab=orders")),
            "/customers/x?tab=orders"
        );
        for outside in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "/api/v1/x",
            "x",
        ] {
            assert_eq!(app_path(Some(outside)), "/", "{outside}");
        }
        assert_eq!(app_path(None), "/");
    }
}
