//! E-mail addresses: normalised once, here, so sign-in, storage and comparison agree.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{FieldCode, FieldIssue, Text};
use csp_messages::Msg;

/// An e-mail address as typed, trimmed and lower-cased, at most [`Email::MAX_LEN`] characters
/// (RFC 5321's limit for a path), with one `@` between a local part of 1–64 characters and a
/// dotted domain; no spaces, control characters or `<>()[],;:\"`. [`EMAIL_PATTERN`] says the
/// same for the OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Email))]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    TooLong,
    Invalid,
}

/// The rule of [`Email::parse`] as a regular expression (after trimming).
pub const EMAIL_PATTERN: &str = r#"^[^@\s\x00-\x1f\x7f-\x9f<>()\[\],;:\\"]{1,64}@[^@\s\x00-\x1f\x7f-\x9f<>()\[\],;:\\".]+(\.[^@\s\x00-\x1f\x7f-\x9f<>()\[\],;:\\".]+)+$"#;

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.chars().count() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err(EmailError::Invalid);
        };
        let well_formed = !local.is_empty()
            && local.chars().count() <= 64
            // At least two labels, none of them empty (no leading, trailing or double dot).
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty())
            && !local.contains('@')
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"".contains(c));
        if well_formed {
            Ok(Email(email))
        } else {
            Err(EmailError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl FieldIssue for EmailError {
    fn code(&self) -> FieldCode {
        match self {
            EmailError::Empty => FieldCode::Required,
            EmailError::TooLong => FieldCode::TooLong,
            EmailError::Invalid => FieldCode::InvalidEmail,
        }
    }

    fn text(&self) -> Text {
        match self {
            EmailError::Empty => Text::new(Msg::EmailRequired),
            EmailError::TooLong => Text::new(Msg::EmailTooLong).with("max", Email::MAX_LEN),
            EmailError::Invalid => Text::new(Msg::FieldInvalidEmail),
        }
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(raw: String) -> Result<Self, EmailError> {
        Email::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let email = Email::parse("  Owner@Northwind.Example ").unwrap();
        assert_eq!(email.as_str(), "owner@northwind.example");
        assert_eq!(email.domain(), "northwind.example");
    }

    #[test]
    fn malformed_addresses_are_refused_with_a_reason() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        for raw in [
            "owner",
            "@northwind.example",
            "owner@",
            "owner@northwind",
            "a b@c.example",
            "owner@@northwind.example",
            "owner@.example",
            "owner@northwind..example",
            "owner@northwind.example.",
            "a@b.exa\tmple",
        ] {
            assert_eq!(Email::parse(raw), Err(EmailError::Invalid), "{raw:?}");
        }
    }

    #[test]
    fn at_most_254_characters() {
        let local = "a".repeat(64);
        let domain = format!("{}.example", "d".repeat(254 - 64 - 1 - 8));
        let longest = format!("{local}@{domain}");
        assert_eq!(longest.len(), 254);
        assert!(Email::parse(&longest).is_ok());
        assert_eq!(
            Email::parse(&format!("{local}@d{domain}")),
            Err(EmailError::TooLong)
        );
        assert_eq!(Email::parse(&"x".repeat(300)), Err(EmailError::TooLong));
    }
}
