//! Who is calling: the session cookie → the signed-in user. Every route that needs a user takes
//! a [`CurrentUser`], so authentication cannot be forgotten; authorization is one call to
//! [`CurrentUser::enter`] (the domain's area table) or [`CurrentUser::require`] (a permission).

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use csp_domain::two_step::{allowed_before_setup, needs_two_step};
use csp_domain::{Area, CustomerId, ErrorCode, PartnerId, Permission, Principal, User};

use crate::http::error::AppError;
use crate::state::AppState;
use crate::store::customers::CustomerScope;
use crate::store::users::UserRecord;
use crate::store::{sessions, users};

/// The cookie's name over plain HTTP.
pub const SESSION_COOKIE: &str = "csp_session";
/// Over HTTPS: the `__Host-` prefix makes browsers refuse it unless Secure, host-only, Path=/.
pub const SECURE_SESSION_COOKIE: &str = "__Host-csp_session";

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub principal: Principal,
    /// Two-step sign-in may not be turned off (see [`two_step_mandatory`]).
    pub two_step_mandatory: bool,
}

impl CurrentUser {
    /// Lets the caller into `area` or refuses with 403 (the kind of user, or the roles needed).
    pub fn enter(&self, area: Area) -> Result<&Principal, AppError> {
        area.check(&self.principal).map_err(AppError::refused)?;
        Ok(&self.principal)
    }

    /// Refuses with 403 naming the roles needed (R-ROLE-5).
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.principal.can(permission) {
            Ok(())
        } else {
            Err(AppError::forbidden(permission))
        }
    }

    /// The partner of a partner user let into `area`.
    pub fn partner(&self, area: Area) -> Result<&PartnerId, AppError> {
        match self.enter(area)? {
            Principal::Partner { partner, .. } => Ok(partner),
            _ => Err(AppError::refused(csp_domain::Refusal::WrongKind(area))),
        }
    }

    /// The tenant of a customer user, let into the admin center.
    pub fn tenant(&self) -> Result<&CustomerId, AppError> {
        match self.enter(Area::AdminCenter)? {
            Principal::Customer { customer, .. } => Ok(customer),
            _ => Err(AppError::refused(csp_domain::Refusal::WrongKind(
                Area::AdminCenter,
            ))),
        }
    }

    /// The customers this user may see (R-CUST-3); support agents see none through this API.
    pub fn customer_scope(&self) -> Result<CustomerScope, AppError> {
        if let Principal::Partner { .. } = self.principal {
            self.require(Permission::ViewCustomers)?;
        }
        CustomerScope::of(&self.principal).ok_or_else(|| {
            AppError::new(
                ErrorCode::Forbidden,
                "Customer lists are for partner users and customer users.",
            )
        })
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        // Looked up once per request, however many extractors ask.
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let token = session_token(&parts.headers, state.settings.cookie_secure)
            .ok_or_else(AppError::unauthenticated)?;
        let mut conn = state.db.conn().await?;
        let now = state.clock.now();
        let (user_id, provider_mfa) =
            sessions::user_for(&mut conn, &token, state.settings.session, now)
                .await?
                .ok_or_else(AppError::unauthenticated)?;
        let record = users::find_by_id(&mut conn, &user_id)
            .await?
            .ok_or_else(AppError::unauthenticated)?;
        // A second factor passed at the user's identity provider stands for the product's own.
        let setup_required = !provider_mfa && must_set_up_two_step(state, &record);
        if setup_required {
            let path = parts.uri.path();
            let path = path.strip_prefix("/api/v1").unwrap_or(path);
            if !allowed_before_setup(parts.method.as_str(), path) {
                return Err(AppError::new(
                    ErrorCode::TwoStepRequired,
                    "Your roles need two-step sign-in: set it up under Profile first.",
                ));
            }
        }
        let two_step_mandatory = two_step_mandatory(state, &record);
        let mut user = CurrentUser {
            user: record.user,
            principal: record.principal,
            two_step_mandatory,
        };
        user.user.two_step_setup_required = setup_required;
        parts.extensions.insert(user.clone());
        if let Some(crate::http::body::SignedIn(flag)) =
            parts.extensions.get::<crate::http::body::SignedIn>()
        {
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(user)
    }
}

/// Whether the user must sign in in two steps: their partner requires it of everyone, or the
/// operator (`REQUIRE_TWO_STEP`) of their kind and roles.
pub fn two_step_mandatory(state: &AppState, record: &UserRecord) -> bool {
    record.partner_requires_two_step
        || (state.settings.two_step_required
            && needs_two_step(record.principal.kind(), record.principal.roles()))
}

/// Whether the user must set up two-step sign-in before anything else: it is mandatory for
/// them and not on.
pub fn must_set_up_two_step(state: &AppState, record: &UserRecord) -> bool {
    !record.two_step_on && two_step_mandatory(state, record)
}

/// The session token from the `Cookie` header(s), if any. Only well-formed tokens (64 hex
/// digits) are looked up.
pub fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_token(headers, cookie_name(secure))
}

/// The token of a sign-in waiting for its second step, if any (same form as a session's).
pub fn challenge_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_token(headers, challenge_cookie_name(secure))
}

fn cookie_token(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// HttpOnly keeps scripts away from the token; SameSite=Lax keeps other sites' forms from
/// using it. Over HTTPS it is `Secure` and `__Host-` prefixed.
pub fn session_cookie(
    token: &str,
    max_age_seconds: i64,
    secure: bool,
) -> [(HeaderName, HeaderValue); 1] {
    cookie(cookie_name(secure), token, max_age_seconds, secure)
}

/// The cookie of a sign-in waiting for its code: as the session's, under its own name, so
/// no route but the second step ever reads it.
pub fn challenge_cookie(
    token: &str,
    max_age_seconds: i64,
    secure: bool,
) -> [(HeaderName, HeaderValue); 1] {
    cookie(
        challenge_cookie_name(secure),
        token,
        max_age_seconds,
        secure,
    )
}

/// The cookie that binds a single sign-on to the browser that started it (only the callback
/// reads it).
pub fn sso_cookie(
    token: &str,
    max_age_seconds: i64,
    secure: bool,
) -> [(HeaderName, HeaderValue); 1] {
    cookie(sso_cookie_name(secure), token, max_age_seconds, secure)
}

pub fn sso_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_token(headers, sso_cookie_name(secure))
}

fn sso_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-csp_sso"
    } else {
        "csp_sso"
    }
}

/// The cookie of a browser remembered at the second step (for as long as the user chose).
pub fn device_cookie(
    token: &str,
    max_age_seconds: i64,
    secure: bool,
) -> [(HeaderName, HeaderValue); 1] {
    cookie(device_cookie_name(secure), token, max_age_seconds, secure)
}

/// The token of a remembered browser, if the request carries one.
pub fn device_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    cookie_token(headers, device_cookie_name(secure))
}

fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-csp_device"
    } else {
        "csp_device"
    }
}

fn challenge_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-csp_sign_in"
    } else {
        "csp_sign_in"
    }
}

fn cookie(
    name: &str,
    token: &str,
    max_age_seconds: i64,
    secure: bool,
) -> [(HeaderName, HeaderValue); 1] {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    );
    [(
        SET_COOKIE,
        HeaderValue::from_str(&value)
            .expect("session tokens are hex, so the cookie is valid ASCII"),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("theme=dark; csp_session={TOKEN}; x=1")).unwrap(),
        );
        assert_eq!(session_token(&headers, false).as_deref(), Some(TOKEN));
        assert_eq!(
            session_token(&headers, true),
            None,
            "over HTTPS only the __Host- cookie counts"
        );
        headers.insert(COOKIE, HeaderValue::from_static("csp_session="));
        assert_eq!(session_token(&headers, false), None);
        headers.insert(COOKIE, HeaderValue::from_static("csp_session=00ff"));
        assert_eq!(
            session_token(&headers, false),
            None,
            "malformed tokens are not looked up"
        );
    }

    #[test]
    fn secure_cookies_use_the_host_prefix() {
        let [(_, value)] = session_cookie(TOKEN, 60, true);
        let value = value.to_str().unwrap();
        assert!(
            value.starts_with("__Host-csp_session=")
                && value.contains("; Secure")
                && value.contains("Path=/")
        );
    }
}
