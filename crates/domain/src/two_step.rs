//! Two-step sign-in (RFC 6238 TOTP with any authenticator app): what a code looks like, how
//! long a sign-in waits for one, how many wrong codes pause it, and the API's shapes for
//! enrolment, the second step and recovery codes.

use csp_messages::Msg;
use serde::{Deserialize, Serialize};

use crate::error::{FieldCode, FieldIssue, Text};
use crate::role::{any_grants, Permission, Role};
use crate::session::{SessionResponse, UserKind};

/// Digits of an authenticator code.
pub const CODE_DIGITS: usize = 6;
/// Seconds each code is valid for (the authenticator apps' default).
pub const STEP_SECONDS: u64 = 30;
/// Steps before and after the server's that are accepted: a phone's clock a little off.
pub const SKEW_STEPS: u64 = 1;
/// Recovery codes given at enrolment, each usable once.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code (written in groups of four: `abcd-efgh-jkmn`).
pub const RECOVERY_CODE_CHARS: usize = 12;
/// The letters and digits recovery codes are made of: no 0/o, 1/l/i to mix up.
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// How long a sign-in that passed the password waits for the code.
pub const CHALLENGE_MINUTES: i64 = 5;
/// Tries since the last right code after which the user's second step pauses; from then on
/// each wrong try pauses it again, until a right code: one guess per pause.
pub const MAX_WRONG_CODES: i64 = 5;
/// How long a pause lasts.
pub const PAUSE_MINUTES: i64 = 15;
/// The name authenticator apps show next to the user's address.
pub const ISSUER: &str = "CSP Software Center";

/// Whether a user must sign in in two steps where the operator requires it: partner users
/// whose roles can buy, cancel or manage users, and every support agent (they approve credits
/// for every partner). Customer users are not asked.
pub fn needs_two_step(kind: UserKind, roles: &[Role]) -> bool {
    match kind {
        UserKind::Support => true,
        UserKind::Customer => false,
        UserKind::Partner => [
            Permission::BuySoftware,
            Permission::CancelPurchase,
            Permission::ManageUsers,
        ]
        .into_iter()
        .any(|p| any_grants(roles, p)),
    }
}

/// What a user whose roles need two-step sign-in may do before setting it up (`path` under
/// `/api/v1`): see who they are, open their profile, set it up, change their password, see
/// and end their sessions.
pub fn allowed_before_setup(method: &str, path: &str) -> bool {
    matches!(
        (method, path),
        ("GET", "/session")
            | ("GET", "/profile")
            | ("PATCH", "/profile")
            | ("POST", "/profile/two-step")
            | ("POST", "/profile/two-step/confirm")
            | ("POST", "/session/password")
            | ("GET" | "DELETE", "/sessions")
    ) || (method == "DELETE" && path.starts_with("/sessions/"))
}

/// A code as the user typed it: an authenticator's six digits or a recovery code. Spaces and
/// dashes are ignored, letters are read in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneTimeCode {
    Authenticator(String),
    Recovery(String),
}

impl OneTimeCode {
    pub fn parse(raw: &str) -> Result<OneTimeCode, CodeIssue> {
        let plain: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        if plain.is_empty() {
            return Err(CodeIssue::Required);
        }
        if plain.len() == CODE_DIGITS && plain.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(OneTimeCode::Authenticator(plain));
        }
        if plain.len() == RECOVERY_CODE_CHARS
            && plain.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))
        {
            return Ok(OneTimeCode::Recovery(plain));
        }
        Err(CodeIssue::Malformed)
    }
}

/// A recovery code as it is shown: groups of four joined by dashes.
pub fn show_recovery_code(plain: &str) -> String {
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// What is wrong with a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeIssue {
    Required,
    /// Neither six digits nor a recovery code.
    Malformed,
    /// Well formed, but not the code of this moment, or used already.
    Wrong,
}

impl FieldIssue for CodeIssue {
    fn code(&self) -> FieldCode {
        match self {
            CodeIssue::Required => FieldCode::Required,
            CodeIssue::Malformed | CodeIssue::Wrong => FieldCode::WrongCode,
        }
    }
    fn text(&self) -> Text {
        Text::new(match self {
            CodeIssue::Required => Msg::TwoStepCodeRequired,
            CodeIssue::Malformed => Msg::TwoStepCodeMalformed,
            CodeIssue::Wrong => Msg::TwoStepCodeWrong,
        })
    }
}

/// `POST /api/v1/sessions` answers one of these with 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum SignInAnswer {
    /// Signed in: the session cookie is set.
    SignedIn(SessionResponse),
    /// The password was right and the user has two-step sign-in: a short-lived cookie is set
    /// and `POST /api/v1/session/totp` with the code completes the sign-in.
    CodeNeeded(CodeNeeded),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeNeeded {
    /// Always `true`.
    pub mfa_required: bool,
}

/// `POST /api/v1/profile/two-step/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeEntry {
    /// The six digits the authenticator shows, or (for the second step) a recovery code.
    #[cfg_attr(feature = "openapi", schema(max_length = 64, example = "123456"))]
    pub code: String,
}

/// How long a browser may be remembered at the second step, in days: one of these.
pub const REMEMBER_DAYS: [u32; 2] = [7, 30];

/// `POST /api/v1/session/totp`: the code, and optionally how long this browser is not asked
/// for one again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondStep {
    /// The six digits the authenticator shows, or a recovery code.
    #[cfg_attr(feature = "openapi", schema(max_length = 64, example = "123456"))]
    pub code: String,
    /// Remember this browser for 7 or 30 days (until then its sign-ins need no code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 7, maximum = 30))]
    pub remember_days: Option<u32>,
}

/// `remember_days` is one of [`REMEMBER_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownRememberDays;

impl FieldIssue for UnknownRememberDays {
    fn code(&self) -> FieldCode {
        FieldCode::UnknownValue
    }
    fn text(&self) -> Text {
        Text::new(Msg::RememberDaysUnknown)
    }
}

/// `POST /api/v1/profile/two-step`: a new secret to add to an authenticator app; two-step
/// sign-in is on once a code of it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// The secret in base32, for apps where it is typed in.
    pub secret: String,
    /// `otpauth://totp/…`: what the QR code holds.
    pub otpauth_url: String,
    /// The QR code as an SVG image.
    pub qr_svg: String,
}

/// Recovery codes, shown once: each signs in once instead of an authenticator code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// `GET`/`PUT /api/v1/organization/two-step`: the partner's own rule, beyond the operator's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoStepPolicy {
    /// Every user of the partner must set up two-step sign-in (and cannot turn it off).
    pub required_for_everyone: bool,
}

/// `GET /api/v1/profile`'s `two_step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoStepStatus {
    pub enabled: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: u32,
}

/// `POST /api/v1/profile/two-step/disable`: the password, so that a session left open on a
/// shared computer cannot switch it off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoStepDisable {
    pub password: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roles_that_buy_cancel_or_manage_users_need_two_steps() {
        assert!(needs_two_step(UserKind::Partner, &[Role::AdminAgent]));
        assert!(needs_two_step(UserKind::Partner, &[Role::GlobalAdmin]));
        assert!(needs_two_step(UserKind::Partner, &[Role::AccountAdmin]));
        assert!(!needs_two_step(UserKind::Partner, &[Role::ReferralAdmin]));
        assert!(!needs_two_step(
            UserKind::Partner,
            &[Role::MarketingContentAdmin]
        ));
        assert!(!needs_two_step(UserKind::Partner, &[]));
        assert!(needs_two_step(UserKind::Support, &[]));
        assert!(!needs_two_step(UserKind::Customer, &[]));
        assert!(allowed_before_setup("POST", "/profile/two-step/confirm"));
        assert!(!allowed_before_setup("POST", "/profile/two-step/disable"));
        assert!(!allowed_before_setup("GET", "/customers"));
        assert!(allowed_before_setup("DELETE", "/sessions/0123abcd"));
        assert!(!allowed_before_setup("POST", "/sessions/0123abcd"));
    }

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(
            OneTimeCode::parse(" 123 456 "),
            Ok(OneTimeCode::Authenticator("123456".into()))
        );
        assert_eq!(
            OneTimeCode::parse("ABCD-EFGH-JKMN"),
            Ok(OneTimeCode::Recovery("abcdefghjkmn".into()))
        );
        assert_eq!(OneTimeCode::parse("  "), Err(CodeIssue::Required));
        assert_eq!(OneTimeCode::parse("12345"), Err(CodeIssue::Malformed));
        assert_eq!(OneTimeCode::parse("1234567"), Err(CodeIssue::Malformed));
        assert_eq!(
            OneTimeCode::parse("abcd-efgh-jkm0"),
            Err(CodeIssue::Malformed),
            "0 is not in the alphabet"
        );
    }

    #[test]
    fn recovery_codes_are_shown_in_groups() {
        assert_eq!(show_recovery_code("abcdefghjkmn"), "abcd-efgh-jkmn");
        let shown = show_recovery_code("abcdefghjkmn");
        assert_eq!(
            OneTimeCode::parse(&shown),
            Ok(OneTimeCode::Recovery("abcdefghjkmn".into()))
        );
    }

    #[test]
    fn a_sign_in_answer_is_told_apart_by_its_fields() {
        let answer: SignInAnswer = serde_json::from_str(r#"{"mfa_required": true}"#).unwrap();
        assert_eq!(
            answer,
            SignInAnswer::CodeNeeded(CodeNeeded { mfa_required: true })
        );
    }
}
