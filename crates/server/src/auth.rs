//! Who is calling: the session cookie → the signed-in user. Every route that needs a user takes
//! a [`CurrentUser`], so authentication cannot be forgotten; authorization is one call to
//! [`CurrentUser::require`] or one of the scope helpers.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use csp_domain::{ErrorCode, Permission, User, UserKind};

use crate::app::AppState;
use crate::error::AppError;
use crate::store::customers::CustomerScope;
use crate::store::{sessions, users};

pub const SESSION_COOKIE: &str = "csp_session";

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub partner_id: Option<String>,
    pub customer_id: Option<String>,
}

impl CurrentUser {
    /// Refuses with 403 naming the roles needed (R-ROLE-5).
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.user.can(permission) {
            Ok(())
        } else {
            Err(AppError::forbidden(permission))
        }
    }

    /// The customers this user may see (R-CUST-3); support agents see none through this API.
    pub fn customer_scope(&self) -> Result<CustomerScope, AppError> {
        match (self.user.kind, &self.partner_id, &self.customer_id) {
            (UserKind::Partner, Some(partner), _) => {
                self.require(Permission::ViewCustomers)?;
                Ok(CustomerScope::Partner(partner.clone()))
            }
            (UserKind::Customer, _, Some(customer)) => Ok(CustomerScope::Tenant(customer.clone())),
            _ => Err(AppError::new(
                ErrorCode::Forbidden,
                "Customer lists are for partner users and customer users.",
            )),
        }
    }

    /// The partner a partner user works for.
    pub fn partner_id(&self) -> Result<&str, AppError> {
        match (self.user.kind, &self.partner_id) {
            (UserKind::Partner, Some(id)) => Ok(id),
            _ => Err(AppError::new(ErrorCode::Forbidden, "This is for partner users.")),
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = session_token(&parts.headers).ok_or_else(AppError::unauthenticated)?;
        let user_id = sessions::user_id_for(&state.db, &token)
            .await?
            .ok_or_else(AppError::unauthenticated)?;
        let record = users::find_by_id(&state.db, &user_id)
            .await?
            .ok_or_else(AppError::unauthenticated)?;
        Ok(CurrentUser {
            user: record.user,
            partner_id: record.partner_id,
            customer_id: record.customer_id,
        })
    }
}

/// The session token from the `Cookie` header(s), if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

/// HttpOnly keeps scripts away from the token; SameSite=Lax keeps other sites' forms from
/// using it. `Secure` is added when the server is told it sits behind HTTPS.
pub fn session_cookie(token: &str, max_age_seconds: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    );
    HeaderValue::from_str(&value).expect("session tokens are hex, so the cookie is valid ASCII")
}

pub fn set_cookie_headers(value: HeaderValue) -> [(axum::http::HeaderName, HeaderValue); 1] {
    [(SET_COOKIE, value)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("theme=dark; csp_session=abc123; x=1"));
        assert_eq!(session_token(&headers).as_deref(), Some("abc123"));
        headers.insert(COOKIE, HeaderValue::from_static("csp_session="));
        assert_eq!(session_token(&headers), None);
    }
}
