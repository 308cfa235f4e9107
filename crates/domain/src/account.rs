//! Accounts: a partner's users and their roles, invitations and password resets, and the
//! password rules (OWASP ASVS level 2: at least 12 characters, at most 128, any characters,
//! not a common or breached password, no composition rules).

use chrono::{DateTime, Utc};
use csp_messages::Msg;
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::error::{FieldCode, FieldErrors, FieldIssue, Text};
use crate::ids::UserId;
use crate::open_enum::open_enum;
use crate::role::Role;
use crate::session::UserKind;

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// How long an invitation link works.
pub const INVITATION_HOURS: i64 = 7 * 24;
/// How many invitations one person sends in an hour: each mails a stranger's address, so a
/// taken-over account cannot become a mail cannon.
pub const INVITATIONS_PER_HOUR: i64 = 30;
/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 60;

/// Common and breached passwords of 12 characters or more (lower case), refused whatever the
/// case; with the patterns of [`check_new_password`] they cover what people try first.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789000",
    "111111111111",
    "000000000000",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "qwertyuiopas",
    "qwerty123456",
    "qwertyuiop123",
    "qwertyuiop1234",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "asdfghjkl123",
    "iloveyou1234",
    "abcdefghijkl",
    "abc123456789",
    "abcd12345678",
    "welcome12345",
    "welcome123456",
    "letmein12345",
    "administrator",
    "administrator1",
    "changeme1234",
    "trustno11234",
    "monkey123456",
    "dragon123456",
    "football1234",
    "baseball1234",
    "superman1234",
    "starwars1234",
    "sunshine1234",
    "princess1234",
    "passw0rd1234",
    "p@ssw0rd1234",
    "p@ssword1234",
    "demo-password",
    "microsoft365",
    "microsoft123",
    "windows10pro",
    "windowsserver",
    "summer2024!!",
    "winter2024!!",
    "spring2025!!",
    "autumn2025!!",
    "companyname1",
    "correcthorsebatterystaple",
    "thequickbrownfox",
    "mypassword123",
    "secretpassword",
];

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordIssue {
    TooShort,
    TooLong,
    /// On the list of common passwords, one character repeated, a run like "abcdef…", or the
    /// user's own address.
    Common,
}

impl FieldIssue for PasswordIssue {
    fn code(&self) -> FieldCode {
        match self {
            PasswordIssue::TooShort => FieldCode::TooShort,
            PasswordIssue::TooLong => FieldCode::TooLong,
            PasswordIssue::Common => FieldCode::CommonPassword,
        }
    }

    fn text(&self) -> Text {
        match self {
            PasswordIssue::TooShort => {
                Text::new(Msg::PasswordTooShort).with("min", PASSWORD_MIN_CHARS)
            }
            PasswordIssue::TooLong => {
                Text::new(Msg::PasswordTooLong).with("max", PASSWORD_MAX_CHARS)
            }
            PasswordIssue::Common => Text::new(Msg::PasswordCommon),
        }
    }
}

/// A new password, checked: 12 to 128 characters (Unicode characters, not bytes), not common.
pub fn check_new_password(password: &str, email: Option<&Email>) -> Result<(), PasswordIssue> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(PasswordIssue::TooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(PasswordIssue::TooLong);
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next();
    let one_character = lower.chars().all(|c| Some(c) == first);
    let bytes: Vec<u32> = lower.chars().map(u32::from).collect();
    let run =
        bytes.windows(2).all(|w| w[1] == w[0] + 1) || bytes.windows(2).all(|w| w[0] == w[1] + 1);
    // Made of the user's address: little is left once its words are taken out.
    let own_address = email.is_some_and(|e| {
        let (local, domain) = e.as_str().split_once('@').unwrap_or_default();
        let mut rest = lower.replace(e.as_str(), "");
        for word in local.split(['.', '-', '_', '+']).chain(domain.split('.')) {
            if word.chars().count() >= 3 {
                rest = rest.replace(word, "");
            }
        }
        rest != lower && rest.chars().filter(|c| c.is_alphabetic()).count() < 6
    });
    if COMMON.contains(&lower.as_str()) || one_character || run || own_address {
        return Err(PasswordIssue::Common);
    }
    Ok(())
}

/// An address that already has an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailTaken;

impl FieldIssue for EmailTaken {
    fn code(&self) -> FieldCode {
        FieldCode::Taken
    }
    fn text(&self) -> Text {
        Text::new(Msg::EmailTaken)
    }
}

/// A partner user as Settings → Users lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    /// False once deactivated: the user cannot sign in and their sessions have ended.
    pub active: bool,
    /// True until the user has set a password from their invitation.
    pub invited: bool,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserList {
    pub items: Vec<UserSummary>,
}

/// `POST /api/v1/users`: invite a colleague.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUserRequest {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
}

/// `POST /api/v1/tenant/users`: a customer's admin invites another user of the tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTenantUser {
    pub email: String,
    pub display_name: String,
}

/// The answer to an invitation: the user and the one-time link to set a password (also
/// mailed when mail is configured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInvited {
    pub id: UserId,
    pub invitation_url: String,
    pub invitation_expires_at: DateTime<Utc>,
}

/// `PATCH /api/v1/users/{id}`: new roles, or (de)activation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Role>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// `POST /api/v1/invitations/accept` and `POST /api/v1/password-resets/accept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptToken {
    pub token: String,
    pub password: String,
}

/// `POST /api/v1/session/password`: the signed-in user's new password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// The current password given is not the user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongPassword;

impl FieldIssue for WrongPassword {
    fn code(&self) -> FieldCode {
        FieldCode::WrongPassword
    }
    fn text(&self) -> Text {
        Text::new(Msg::CurrentPasswordWrong)
    }
}

/// `POST /api/v1/password-resets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordResetRequest {
    pub email: String,
}

open_enum! {
    /// What was done to a user (the record of `GET /api/v1/user-changes`).
    pub enum UserChangeAction {
        Invited = "invited",
        RolesChanged = "roles_changed",
        Deactivated = "deactivated",
        Reactivated = "reactivated",
        /// The first password, from an invitation.
        PasswordSet = "password_set",
        PasswordResetRequested = "password_reset_requested",
        PasswordReset = "password_reset",
        PasswordChanged = "password_changed",
        TwoStepEnabled = "two_step_enabled",
        TwoStepDisabled = "two_step_disabled",
        RecoveryCodeUsed = "recovery_code_used",
        /// Turned off by the operator's command (a lost phone and lost recovery codes).
        TwoStepReset = "two_step_reset",
        /// An account at the organisation's identity provider was linked to the user (their
        /// first single sign-on).
        SsoLinked = "sso_linked",
        /// Let in at the first sign-in through the organisation's provider (just in time),
        /// with no roles.
        SsoCreated = "sso_created",
    }
}

/// One change of a partner's user: who did what to whom, when, from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserChangeEntry {
    pub at: DateTime<Utc>,
    pub actor_email: String,
    pub user_email: String,
    pub user_name: String,
    pub action: UserChangeAction,
    /// For `roles_changed`: the roles before and after, `admin_agent -> admin_agent global_admin`.
    pub detail: String,
    pub client_ip: String,
}

/// `GET /api/v1/user-changes`: the partner's latest changes of users, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserChangeList {
    pub items: Vec<UserChangeEntry>,
}

/// Why a change of users is refused (beyond the caller's own roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserRefusal {
    /// The partner would be left without an active Global admin.
    LastGlobalAdmin,
    /// Only a Global admin grants or takes away the Global admin role, or changes a Global admin.
    NeedsGlobalAdmin,
    /// Users do not deactivate themselves.
    OwnAccount,
    /// The support organisation would be left without an active Support lead.
    LastSupportLead,
}

/// The role an organisation of `kind` keeps at least one active holder of: a partner its
/// Global admin, the support organisation its Support lead.
pub fn keeper_role(kind: UserKind) -> Option<Role> {
    match kind {
        UserKind::Partner => Some(Role::GlobalAdmin),
        UserKind::Support => Some(Role::SupportLead),
        UserKind::Customer => None,
    }
}

/// A role given to a user of a kind that cannot hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleNotForKind;

impl FieldIssue for RoleNotForKind {
    fn code(&self) -> FieldCode {
        FieldCode::UnknownValue
    }
    fn text(&self) -> Text {
        Text::new(Msg::RoleNotForKind)
    }
}

/// Roles as a request gives them for a user of `kind`: each once, in order, every one a role
/// of that kind.
pub fn check_roles(kind: UserKind, roles: &[Role]) -> Result<Vec<Role>, RoleNotForKind> {
    if roles.iter().all(|r| Role::for_kind(kind).contains(r)) {
        Ok(normalize_roles(roles))
    } else {
        Err(RoleNotForKind)
    }
}

/// Whether a user with `actor_roles` may change a user from `before` to `after` (roles), or
/// invite one with `after`. Global admins manage everyone; Account admins everyone but Global
/// admins and the Global admin role (as in Partner Center).
pub fn may_manage(
    actor_roles: &[Role],
    before: &[Role],
    after: &[Role],
) -> Result<(), UserRefusal> {
    if actor_roles.contains(&Role::GlobalAdmin) {
        return Ok(());
    }
    let touches_global = before.contains(&Role::GlobalAdmin) || after.contains(&Role::GlobalAdmin);
    if actor_roles.contains(&Role::AccountAdmin) && !touches_global {
        return Ok(());
    }
    Err(UserRefusal::NeedsGlobalAdmin)
}

/// Roles as a request gives them: known ones, each once, in order.
pub fn normalize_roles(roles: &[Role]) -> Vec<Role> {
    let mut out: Vec<Role> = roles.to_vec();
    out.sort();
    out.dedup();
    out
}

/// A display name people type: trimmed, 1 to 100 characters, no control characters.
pub fn check_display_name(raw: &str, errors: &mut FieldErrors) -> Option<String> {
    errors.take("display_name", crate::text::line(raw, 100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_are_long_and_not_common() {
        let email = Email::parse("avery@northwind.example").unwrap();
        assert_eq!(
            check_new_password("short-one", None),
            Err(PasswordIssue::TooShort)
        );
        assert_eq!(
            check_new_password(&"x".repeat(129), None),
            Err(PasswordIssue::TooLong)
        );
        assert_eq!(
            check_new_password("Password1234", None),
            Err(PasswordIssue::Common)
        );
        assert_eq!(
            check_new_password("aaaaaaaaaaaaaa", None),
            Err(PasswordIssue::Common)
        );
        assert_eq!(
            check_new_password("abcdefghijklmn", None),
            Err(PasswordIssue::Common)
        );
        assert_eq!(
            check_new_password("avery-northwind-2026", Some(&email)),
            Err(PasswordIssue::Common)
        );
        assert_eq!(
            check_new_password("correct horse battery", Some(&email)),
            Ok(())
        );
        assert_eq!(
            check_new_password("a long passphrase for northwind", Some(&email)),
            Ok(()),
            "a word of the address among others is fine"
        );
        assert_eq!(
            check_new_password("4829-1736-5502-9981", Some(&email)),
            Ok(()),
            "few letters, none of the address"
        );
        // Characters, not bytes: twelve Chinese characters are long enough.
        assert_eq!(
            check_new_password("我的密码是一只紫色的大象吗", None),
            Ok(())
        );
    }

    #[test]
    fn roles_belong_to_a_kind_of_user() {
        use Role::*;
        assert_eq!(
            check_roles(UserKind::Partner, &[GlobalAdmin, AdminAgent, GlobalAdmin]),
            Ok(vec![AdminAgent, GlobalAdmin])
        );
        assert_eq!(
            check_roles(UserKind::Partner, &[SupportLead]),
            Err(RoleNotForKind)
        );
        assert_eq!(
            check_roles(UserKind::Support, &[SupportLead]),
            Ok(vec![SupportLead])
        );
        assert_eq!(
            check_roles(UserKind::Support, &[AdminAgent]),
            Err(RoleNotForKind)
        );
        assert_eq!(keeper_role(UserKind::Support), Some(SupportLead));
    }

    #[test]
    fn account_admins_manage_everyone_but_global_admins() {
        use Role::*;
        assert_eq!(may_manage(&[GlobalAdmin], &[GlobalAdmin], &[]), Ok(()));
        assert_eq!(
            may_manage(&[AccountAdmin], &[AdminAgent], &[AdminAgent, ReferralAdmin]),
            Ok(())
        );
        assert_eq!(
            may_manage(&[AccountAdmin], &[], &[GlobalAdmin]),
            Err(UserRefusal::NeedsGlobalAdmin)
        );
        assert_eq!(
            may_manage(&[AccountAdmin], &[GlobalAdmin], &[GlobalAdmin]),
            Err(UserRefusal::NeedsGlobalAdmin)
        );
        assert_eq!(
            may_manage(&[AdminAgent], &[], &[AdminAgent]),
            Err(UserRefusal::NeedsGlobalAdmin)
        );
    }
}
