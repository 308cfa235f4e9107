//! Signing in and the signed-in user (SPEC §10 `/api/v1/sessions`).

use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::error::{FieldCode, FieldErrors, FieldIssue, RequiredAs, Text};
use crate::ids::{CustomerId, PartnerId, UserId};
use crate::role::{any_grants, Permission, Role};
use csp_messages::Msg;

/// Which of the three audiences a user belongs to (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    Partner,
    Customer,
    Support,
}

impl UserKind {
    pub const ALL: [UserKind; 3] = [UserKind::Partner, UserKind::Customer, UserKind::Support];

    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Partner => "partner",
            UserKind::Customer => "customer",
            UserKind::Support => "support",
        }
    }

    pub fn parse(s: &str) -> Option<UserKind> {
        UserKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The signed-in user as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: String,
    pub kind: UserKind,
    /// Partner roles; empty for customer users and support agents.
    pub roles: Vec<Role>,
    /// The organisation the user works for: the partner's or the customer's company name,
    /// or the support team's name.
    pub organization: String,
    /// Two-step sign-in is required of the user (by their partner, or by the operator for
    /// their roles) and they have not set it up: until they do, the server answers 403
    /// `two_step_required` to everything but their session and profile.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub two_step_setup_required: bool,
}

impl User {
    /// A role grants only to the kind of user it is for (partner roles to partner users).
    pub fn can(&self, permission: Permission) -> bool {
        any_grants(&Role::of_kind(self.kind, &self.roles), permission)
    }
}

/// Who is calling, as the server knows it: what the user belongs to travels with its kind,
/// so a partner's scope can only be built for a partner user, a tenant's for a customer user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Partner {
        user: UserId,
        partner: PartnerId,
        roles: Vec<Role>,
    },
    Customer {
        user: UserId,
        customer: CustomerId,
    },
    Support {
        user: UserId,
        /// The support organisation's roles ([`Role::SUPPORT`]).
        roles: Vec<Role>,
    },
}

impl Principal {
    pub fn kind(&self) -> UserKind {
        match self {
            Principal::Partner { .. } => UserKind::Partner,
            Principal::Customer { .. } => UserKind::Customer,
            Principal::Support { .. } => UserKind::Support,
        }
    }

    pub fn user_id(&self) -> &UserId {
        match self {
            Principal::Partner { user, .. }
            | Principal::Customer { user, .. }
            | Principal::Support { user, .. } => user,
        }
    }

    pub fn roles(&self) -> &[Role] {
        match self {
            Principal::Partner { roles, .. } | Principal::Support { roles, .. } => roles,
            Principal::Customer { .. } => &[],
        }
    }

    /// A role grants only to the kind of user it is for: partner roles to partner users
    /// (R-ROLE), the support lead's to support agents.
    pub fn can(&self, permission: Permission) -> bool {
        any_grants(&Role::of_kind(self.kind(), self.roles()), permission)
    }
}

/// `DELETE /api/v1/session` of a session signed in at an identity provider: its end-session
/// page, where the browser signs out of the provider too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedOut {
    pub end_session_url: String,
}

/// `POST /api/v1/sessions` as sent; read it with [`SignInRequest::check`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 3,
            max_length = 254,
            pattern = r#"^[^@\s\x00-\x1f\x7f-\x9f<>()\[\],;:\\"]{1,64}@[^@\s\x00-\x1f\x7f-\x9f<>()\[\],;:\\".]+(\.[^@\s\x00-\x1f\x7f-\x9f<>()\[\],;:\\".]+)+$"#,
            example = "admin.agent@northwind.example"
        )
    )]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024, format = Password))]
    pub password: String,
}

/// A sign-in whose fields are well formed (whether they are right is the server's business).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    pub email: Email,
    pub password: String,
}

/// Passwords longer than this are refused before hashing (no 1 MB argon2 inputs).
pub const MAX_PASSWORD_LEN: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordTooLong;

impl FieldIssue for PasswordTooLong {
    fn code(&self) -> FieldCode {
        FieldCode::TooLong
    }
    fn text(&self) -> Text {
        Text::new(Msg::PasswordTooLong).with("max", MAX_PASSWORD_LEN)
    }
}

impl SignInRequest {
    /// The same checks in the sign-in form and in the server.
    pub fn check(&self) -> Result<SignIn, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = errors.take("email", Email::parse(&self.email));
        if self.password.is_empty() {
            errors.add("password", &RequiredAs(Msg::PasswordRequired));
        } else if self.password.chars().count() > MAX_PASSWORD_LEN {
            errors.add("password", &PasswordTooLong);
        }
        let password = self.password.clone();
        errors.finish(|| {
            Some(SignIn {
                email: email?,
                password,
            })
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    pub user: User,
}

/// One of the signed-in user's sessions (`GET /api/v1/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// What `DELETE /api/v1/sessions/{id}` takes.
    pub id: String,
    /// The session of this request.
    pub current: bool,
    pub signed_in_at: chrono::DateTime<chrono::Utc>,
    pub last_active_at: chrono::DateTime<chrono::Utc>,
    /// The address it signed in from.
    pub client_ip: String,
    /// The browser's `User-Agent` at sign-in.
    pub user_agent: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    /// Most recently used first.
    pub items: Vec<SessionInfo>,
}

/// A browser and system named from a `User-Agent`, as people know them ("Edge", "Windows");
/// `None` for what is not recognised.
pub fn describe_user_agent(user_agent: &str) -> (Option<&'static str>, Option<&'static str>) {
    let has = |s: &str| user_agent.contains(s);
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    let browser = if has("Edg/") {
        Some("Edge")
    } else if has("OPR/") {
        Some("Opera")
    } else if has("Firefox/") {
        Some("Firefox")
    } else if has("Chrome/") || has("Chromium/") {
        Some("Chrome")
    } else if has("Safari/") {
        Some("Safari")
    } else {
        None
    };
    let system = if has("Windows") {
        Some("Windows")
    } else if has("iPhone") || has("iPad") {
        Some("iOS")
    } else if has("Android") {
        Some("Android")
    } else if has("Mac OS X") || has("Macintosh") {
        Some("macOS")
    } else if has("CrOS") {
        Some("ChromeOS")
    } else if has("Linux") {
        Some("Linux")
    } else {
        None
    };
    (browser, system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_and_systems_are_named_as_people_know_them() {
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0";
        assert_eq!(describe_user_agent(edge), (Some("Edge"), Some("Windows")));
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(describe_user_agent(safari), (Some("Safari"), Some("iOS")));
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36";
        assert_eq!(describe_user_agent(chrome), (Some("Chrome"), Some("Linux")));
        assert_eq!(describe_user_agent("curl/8.5.0"), (None, None));
    }

    fn uid() -> UserId {
        UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap()
    }

    fn partner(roles: Vec<Role>) -> Principal {
        Principal::Partner {
            user: uid(),
            partner: PartnerId::parse(uid().as_str()).unwrap(),
            roles,
        }
    }

    #[test]
    fn roles_grant_only_to_partner_users() {
        assert!(partner(vec![Role::AdminAgent]).can(Permission::CancelPurchase));
        assert!(!partner(vec![Role::AccountAdmin]).can(Permission::CancelPurchase));
        let customer = Principal::Customer {
            user: uid(),
            customer: CustomerId::parse(uid().as_str()).unwrap(),
        };
        assert!(!customer.can(Permission::ViewCustomers));
        let lead = Principal::Support {
            user: uid(),
            roles: vec![Role::SupportLead],
        };
        assert!(!lead.can(Permission::ViewCustomers));
        assert!(lead.can(Permission::ManageSupportAgents));
        // A partner role stored for a support agent, or the lead's for a partner user, grants nothing.
        let confused = Principal::Support {
            user: uid(),
            roles: vec![Role::GlobalAdmin],
        };
        assert!(!confused.can(Permission::ManageUsers));
        assert!(!partner(vec![Role::SupportLead]).can(Permission::ManageSupportAgents));
    }

    #[test]
    fn kind_wire_names() {
        for k in UserKind::ALL {
            assert_eq!(UserKind::parse(k.as_str()), Some(k));
        }
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_documented_email_pattern_is_the_rule() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(SignInRequest::schema()).unwrap();
        assert_eq!(
            schema["properties"]["email"]["pattern"],
            crate::email::EMAIL_PATTERN
        );
    }

    #[test]
    fn sign_in_fields_are_checked_once_for_form_and_server() {
        let ok = SignInRequest {
            email: " Owner@Northwind.example ".into(),
            password: "pw".into(),
        };
        assert_eq!(
            ok.check().unwrap().email.as_str(),
            "owner@northwind.example"
        );

        let empty = SignInRequest {
            email: " ".into(),
            password: String::new(),
        }
        .check()
        .unwrap_err();
        assert_eq!(empty.code("email"), Some(FieldCode::Required));
        assert_eq!(empty.code("password"), Some(FieldCode::Required));

        let long = SignInRequest {
            email: format!("{}@x.example", "a".repeat(300)),
            password: "x".repeat(1025),
        };
        let errors = long.check().unwrap_err();
        assert_eq!(errors.code("email"), Some(FieldCode::TooLong));
        assert_eq!(errors.code("password"), Some(FieldCode::TooLong));
    }
}
