//! The one error shape of the API (SPEC §10): `{"error": {"code", "message"}}`, every code a
//! variant of [`ErrorCode`], and per-field problems of a form as [`FieldErrors`].

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::role::Permission;
use csp_messages::Msg;

macro_rules! error_codes {
    ($($variant:ident = $wire:literal, $status:literal;)*) => {
        /// Every code the server sends. Clients match on [`ErrorCode::parse`] and treat a code
        /// they do not know (a newer server) by its HTTP status and message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $wire),* }
            }

            /// The HTTP status that goes with the code.
            pub fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status),* }
            }
        }
    };
}

error_codes! {
    BadRequest = "bad_request", 400;
    InvalidJson = "invalid_json", 400;
    InvalidDateRange = "invalid_date_range", 400;
    IdempotencyKeyRequired = "idempotency_key_required", 400;
    Unauthenticated = "unauthenticated", 401;
    InvalidCredentials = "invalid_credentials", 401;
    Forbidden = "forbidden", 403;
    TwoStepRequired = "two_step_required", 403;
    NotFound = "not_found", 404;
    MethodNotAllowed = "method_not_allowed", 405;
    RequestTimeout = "request_timeout", 408;
    AlreadyCancelled = "already_cancelled", 409;
    SubscriptionEnded = "subscription_ended", 409;
    InvalidStatusChange = "invalid_status_change", 409;
    RequestClosed = "request_closed", 409;
    LastGlobalAdmin = "last_global_admin", 409;
    LastSupportLead = "last_support_lead", 409;
    SsoRequired = "sso_required", 403;
    TwoStepEnabled = "two_step_enabled", 409;
    TwoStepNotStarted = "two_step_not_started", 409;
    InvalidLink = "invalid_link", 410;
    Revoked = "revoked", 410;
    PayloadTooLarge = "payload_too_large", 413;
    UnsupportedMediaType = "unsupported_media_type", 415;
    RangeNotSatisfiable = "range_not_satisfiable", 416;
    ValidationFailed = "validation_failed", 422;
    IdempotencyKeyReused = "idempotency_key_reused", 422;
    OfferUnavailable = "offer_unavailable", 422;
    CancellationWindowPassed = "cancellation_window_passed", 422;
    NotCancellable = "not_cancellable", 422;
    NotRenewable = "not_renewable", 422;
    NeedsSupportRequest = "needs_support_request", 422;
    ConfirmationRequired = "confirmation_required", 422;
    NothingToRefund = "nothing_to_refund", 422;
    QuotaExceeded = "quota_exceeded", 422;
    TooManyAttempts = "too_many_attempts", 429;
    TooManyUploads = "too_many_uploads", 429;
    Internal = "internal_error", 500;
    Unavailable = "unavailable", 503;
}

impl ErrorCode {
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! field_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// Every code a field's problem can have (`fields` and `field_codes` of
        /// `validation_failed`): the server sends them, the app says each in the user's
        /// language — matching on this type, so a code cannot be added or renamed on one side
        /// only. A client meets codes of a newer server as `None` from [`FieldCode::parse`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FieldCode { $($(#[$doc])* $variant),* }

        impl FieldCode {
            pub const ALL: &'static [FieldCode] = &[$(FieldCode::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(FieldCode::$variant => $wire),* }
            }
        }
    };
}

field_codes! {
    Required = "required",
    TooLong = "too_long",
    /// Control characters in a text.
    InvalidCharacters = "invalid_characters",
    InvalidEmail = "invalid_email",
    InvalidAmount = "invalid_amount",
    TooPrecise = "too_precise",
    TooLarge = "too_large",
    CurrencyMismatch = "currency_mismatch",
    /// More lines than an order may have.
    TooMany = "too_many",
    UnknownOffer = "unknown_offer",
    Duplicate = "duplicate",
    OutOfRange = "out_of_range",
    InvalidOrderId = "invalid_order_id",
    InvalidPhone = "invalid_phone",
    NotPositive = "not_positive",
    TooManyFiles = "too_many_files",
    FileTooBig = "file_too_big",
    FileType = "file_type",
    EmptyFile = "empty_file",
    RequestFull = "request_full",
    UnknownCustomer = "unknown_customer",
    UnknownOrder = "unknown_order",
    OtherCustomersOrder = "other_customers_order",
    NeedsOrder = "needs_order",
    AbovePaid = "above_paid",
    AboveMaximum = "above_maximum",
    NothingLeft = "nothing_left",
    NoOrder = "no_order",
    InvalidUrl = "invalid_url",
    HttpsRequired = "https_required",
    /// An address of the server's own machine or of a private network.
    PrivateAddress = "private_address",
    /// Not one of the values the field takes.
    UnknownValue = "unknown_value",
    TooShort = "too_short",
    /// A password on the list of common ones, or made of the user's address.
    CommonPassword = "common_password",
    /// An address that already has an account.
    Taken = "taken",
    /// The current password given is not the user's.
    WrongPassword = "wrong_password",
    /// Not the code of this moment of the user's authenticator, or one used already.
    WrongCode = "wrong_code",
    /// A payment card number where a reference to a payment method belongs.
    CardNumber = "card_number",
}

impl FieldCode {
    pub fn parse(code: &str) -> Option<FieldCode> {
        FieldCode::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for FieldCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text of the message table (`csp_messages`) with the values of its placeholders: the
/// server writes it in English, the app in the user's language.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub key: Msg,
    pub args: Vec<(&'static str, String)>,
}

impl Text {
    pub fn new(key: Msg) -> Text {
        Text {
            key,
            args: Vec::new(),
        }
    }

    /// The text with `{name}` standing for `value`.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Text {
        self.args.push((name, value.to_string()));
        self
    }

    /// The text in `template`'s language (the key's English, or a translation of it).
    pub fn fill(&self, template: &str) -> String {
        let args: Vec<(&str, &dyn fmt::Display)> = self
            .args
            .iter()
            .map(|(name, value)| (*name, value as &dyn fmt::Display))
            .collect();
        csp_messages::fill(template, &args)
    }

    pub fn english(&self) -> String {
        self.fill(self.key.english())
    }
}

/// A problem with one field of a form or request: a stable code for programs, and the text
/// people read — from the message table, so the API's English and the app's words are one.
pub trait FieldIssue {
    fn code(&self) -> FieldCode;
    fn text(&self) -> Text;
    fn message(&self) -> String {
        self.text().english()
    }
}

/// A value is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Required;

impl FieldIssue for Required {
    fn code(&self) -> FieldCode {
        FieldCode::Required
    }
    fn text(&self) -> Text {
        Text::new(Msg::FieldRequired)
    }
}

/// A value is missing, and the form says which in its own words ("Enter your password.").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredAs(pub Msg);

impl FieldIssue for RequiredAs {
    fn code(&self) -> FieldCode {
        FieldCode::Required
    }
    fn text(&self) -> Text {
        Text::new(self.0)
    }
}

/// The problems of a form, field by field, collected while reading it, sorted by field name.
///
/// Lists, not maps, here and in [`FieldMap`]: a form has a handful of fields, and the browser
/// app's first download is some 3 KB smaller without a map type's code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors {
    /// (field, code, text), sorted by field, one per field.
    issues: Vec<(String, FieldCode, Text)>,
}

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, field: &str) -> Result<usize, usize> {
        self.issues
            .binary_search_by(|(f, _, _)| f.as_str().cmp(field))
    }

    /// Records the first problem of `field`; later ones for the same field are dropped.
    pub fn add(&mut self, field: &str, issue: &dyn FieldIssue) {
        if let Err(at) = self.find(field) {
            self.issues
                .insert(at, (field.to_string(), issue.code(), issue.text()));
        }
    }

    /// The value of a checked field, or `None` with its problem recorded.
    pub fn take<T, E: FieldIssue>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(issue) => {
                self.add(field, &issue);
                None
            }
        }
    }

    /// Each field with its problem's code and text.
    pub fn iter(&self) -> impl Iterator<Item = (&str, FieldCode, &Text)> {
        self.issues.iter().map(|(f, c, t)| (f.as_str(), *c, t))
    }

    /// Adds `other`'s problems for fields that have none yet.
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, code, message) in other.issues {
            if let Err(at) = self.find(&field) {
                self.issues.insert(at, (field, code, message));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.issues.is_empty()
    }

    pub fn contains(&self, field: &str) -> bool {
        self.find(field).is_ok()
    }

    /// The code of `field`'s problem.
    pub fn code(&self, field: &str) -> Option<FieldCode> {
        let at = self.find(field).ok()?;
        Some(self.issues[at].1)
    }

    /// The text of `field`'s problem, if it has one.
    pub fn text(&self, field: &str) -> Option<&Text> {
        let at = self.find(field).ok()?;
        Some(&self.issues[at].2)
    }

    /// `Ok(value())` when nothing was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        if self.is_empty() {
            if let Some(v) = value() {
                return Ok(v);
            }
        }
        Err(self)
    }

    /// The `validation_failed` error of the API.
    pub fn to_api_error(&self) -> ApiError {
        let summary = self
            .issues
            .iter()
            .map(|(_, _, t)| t.english())
            .collect::<Vec<_>>()
            .join(" ");
        ApiError {
            code: ErrorCode::ValidationFailed.as_str().into(),
            message: if summary.is_empty() {
                "Check the fields of the request.".into()
            } else {
                summary
            },
            fields: Some(FieldMap(
                self.issues
                    .iter()
                    .map(|(f, _, t)| (f.clone(), t.english()))
                    .collect(),
            )),
            field_codes: Some(FieldMap(
                self.issues
                    .iter()
                    .map(|(f, c, _)| (f.clone(), c.as_str().to_string()))
                    .collect(),
            )),
            permission: None,
            retry_after_seconds: None,
        }
    }
}

/// The inner object of an error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// A stable snake_case code for programs (see [`ErrorCode`]); treat unknown codes by status.
    pub code: String,
    /// A message for people, in English.
    pub message: String,
    /// With `validation_failed`: a message per field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeMap<String, String>>))]
    pub fields: Option<FieldMap>,
    /// With `validation_failed`: a stable code per field (`required`, `too_long`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeMap<String, String>>))]
    pub field_codes: Option<FieldMap>,
    /// With `forbidden`: what the caller was not allowed to do; the roles that may are in
    /// the message and follow from the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<Permission>,
    /// With `too_many_attempts`: seconds to wait (also in the `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
}

/// A text per field (a message, or a code), as a JSON object: `{"email": "required"}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldMap(Vec<(String, String)>);

impl FieldMap {
    /// The text of `field`.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, text)| text.as_str())
    }

    /// The fields, in the order the object lists them.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(f, _)| f.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for FieldMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, text) in &self.0 {
            map.serialize_entry(field, text)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for FieldMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = FieldMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of field names and texts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FieldMap, A::Error> {
                let mut fields: Vec<(String, String)> = Vec::new();
                // A field named twice keeps its last text, as a map would.
                while let Some((field, text)) = map.next_entry::<String, String>()? {
                    match fields.iter_mut().find(|(f, _)| *f == field) {
                        Some(slot) => slot.1 = text,
                        None => fields.push((field, text)),
                    }
                }
                Ok(FieldMap(fields))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code: code.as_str().into(),
            message: message.into(),
            fields: None,
            field_codes: None,
            permission: None,
            retry_after_seconds: None,
        }
    }

    /// The code as this build knows it; `None` for a code of a newer server.
    pub fn known_code(&self) -> Option<ErrorCode> {
        ErrorCode::parse(&self.code)
    }
}

/// The body of every 4xx/5xx response of the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    pub error: ApiError,
}

impl ApiErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiErrorBody {
            error: ApiError::new(code, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::Email;

    #[test]
    fn error_body_has_the_contract_shape() {
        let body = ApiErrorBody::new(ErrorCode::Forbidden, "Needs the Admin agent role.");
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "forbidden", "message": "Needs the Admin agent role."}})
        );
    }

    #[test]
    fn every_code_round_trips_and_is_snake_case() {
        for &code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
            let status = code.http_status();
            assert!((400..600).contains(&status), "{code} → {status}");
        }
        assert_eq!(ErrorCode::parse("made_up"), None);
    }

    #[test]
    fn spec_codes_are_all_present_with_their_statuses() {
        for (code, status) in [
            ("idempotency_key_reused", 422),
            ("cancellation_window_passed", 422),
            ("not_cancellable", 422),
            ("needs_support_request", 422),
            ("confirmation_required", 422),
            ("already_cancelled", 409),
            ("nothing_to_refund", 422),
            ("validation_failed", 422),
            ("invalid_date_range", 400),
            ("revoked", 410),
            ("too_many_attempts", 429),
            ("forbidden", 403),
        ] {
            assert_eq!(
                ErrorCode::parse(code).map(ErrorCode::http_status),
                Some(status),
                "{code}"
            );
        }
    }

    #[test]
    fn every_field_code_round_trips_and_is_snake_case() {
        for &code in FieldCode::ALL {
            assert_eq!(FieldCode::parse(code.as_str()), Some(code));
            assert!(code
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
        assert_eq!(FieldCode::parse("made_up"), None);
    }

    #[test]
    fn field_errors_keep_the_first_problem_per_field() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.take("email", Email::parse("nope")), None);
        errors.add("email", &Required);
        errors.add("password", &Required);
        let api = errors.to_api_error();
        assert_eq!(api.code, "validation_failed");
        let (codes, messages) = (api.field_codes.unwrap(), api.fields.unwrap());
        assert_eq!(codes.get("email"), Some("invalid_email"));
        assert_eq!(errors.code("email"), Some(FieldCode::InvalidEmail));
        assert_eq!(messages.get("password"), Some("This is required."));
        assert_eq!(codes.keys().collect::<Vec<_>>(), ["email", "password"]);
        // The same object on the wire, and back.
        let json = serde_json::to_string(&codes).unwrap();
        assert_eq!(json, r#"{"email":"invalid_email","password":"required"}"#);
        assert_eq!(serde_json::from_str::<FieldMap>(&json).unwrap(), codes);
        // A field named twice is one field, with its last text, as in a map.
        let twice: FieldMap =
            serde_json::from_str(r#"{"email":"required","email":"too_long"}"#).unwrap();
        assert_eq!(twice.keys().collect::<Vec<_>>(), ["email"]);
        assert_eq!(twice.get("email"), Some("too_long"));
    }
}
