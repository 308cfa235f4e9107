//! The texts built from the domain's values, in the user's language: roles and refusals, error
//! and field codes, prices with their tax label, product kinds, terms, statuses, markets.

use csp_domain::activity_log::{RangeError, MAX_RANGE_DAYS};
use csp_domain::catalog::UnavailableReason;
use csp_domain::onboarding::DOMAIN_PREFIX_MAX;
use csp_domain::order::MAX_LINES;
use csp_domain::session::MAX_PASSWORD_LEN;
use csp_domain::sso;
use csp_domain::support::{MAX_FILES, MAX_FILES_PER_REQUEST, MAX_FILE_BYTES};
use csp_domain::{
    Amount, Currency, Email, ErrorCode, FieldCode, Market, OrderStatus, Permission, ProductKind,
    Role, Term, Text,
};

use leptos::prelude::*;

use super::{I18n, Locale, Msg};
use crate::api::{ApiFailure, NETWORK_ERROR};

impl I18n {
    /// A role's name: Partner Center's name, in the user's language.
    pub fn role(self, role: Role) -> &'static str {
        self.t(role.msg())
    }

    /// "You need the Admin agent role to cancel purchases." in the user's language.
    pub fn refusal(self, permission: Permission) -> String {
        let roles = self.join(&permission.granted_to(), Msg::RolesOr);
        self.f(
            Msg::ErrForbiddenNeedsRole,
            &[("roles", &roles), ("action", &self.t(permission.msg()))],
        )
    }

    /// A text of the domain (a field's problem, say) in the user's language.
    pub fn text(self, text: &Text) -> String {
        text.fill(self.t(text.key))
    }

    /// "Admin agent, Global admin": the roles a user holds.
    pub fn roles(self, roles: &[Role]) -> String {
        self.join(roles, Msg::RolesAnd)
    }

    /// "Requires Global admin or Account admin …": which roles grant a permission, taken from
    /// the domain's role table.
    pub fn requires(self, permission: Permission) -> String {
        let roles = self.join(&permission.granted_to(), Msg::RolesOr);
        self.f(Msg::RequiresRoles, &[("roles", &roles)])
    }

    /// What went wrong with a request, in the user's language: by the error's code, with the
    /// server's English text only for codes this build does not know; where the user cannot
    /// fix it themselves, followed by the request's reference for support.
    pub fn failure(self, failure: &ApiFailure) -> String {
        let text = self.failure_text(failure);
        match failure.reference() {
            Some(id) => format!("{text} {}", self.f(Msg::ErrorReference, &[("id", &id)])),
            None => text,
        }
    }

    fn failure_text(self, failure: &ApiFailure) -> String {
        if &*failure.code == NETWORK_ERROR {
            return self.t(Msg::NetworkError).to_string();
        }
        let Some(code) = failure.known_code() else {
            return if failure.message.is_empty() {
                self.f(Msg::UnexpectedResponse, &[("status", &failure.status)])
            } else {
                failure.message.to_string()
            };
        };
        match (code, failure.permission, failure.retry_after_seconds) {
            (ErrorCode::Forbidden, Some(permission), _) => self.refusal(permission),
            (ErrorCode::TooManyAttempts, _, Some(seconds)) if seconds > 60 => self.f(
                Msg::ErrTooManyAttempts,
                &[("minutes", &seconds.div_ceil(60))],
            ),
            (ErrorCode::TooManyUploads, _, Some(seconds)) if seconds > 60 => self.f(
                Msg::ErrTooManyUploadsLater,
                &[("minutes", &seconds.div_ceil(60))],
            ),
            _ => self.t(error_message(code)).to_string(),
        }
    }

    /// A field's problem from its code, in the user's language. A few fields say it their own
    /// way; where the server's English names an exact figure (a maximum), English readers get
    /// that text.
    pub fn field_error(self, field: &str, code: FieldCode, fallback: Option<&str>) -> String {
        let english_with_figure = |text: Option<&str>| {
            text.filter(|_| self.locale.get() == Locale::En)
                .map(str::to_string)
        };
        match (field, code) {
            ("email", FieldCode::Required) => return self.t(Msg::EmailRequired).to_string(),
            ("password", FieldCode::Required) => return self.t(Msg::PasswordRequired).to_string(),
            // Only a rejection needs a note: it tells the partner why.
            ("note", FieldCode::Required) => return self.t(Msg::RejectNeedsNote).to_string(),
            ("email", FieldCode::TooLong) => {
                return self.f(Msg::EmailTooLong, &[("max", &Email::MAX_LEN)])
            }
            ("password", FieldCode::TooLong) => {
                return self.f(Msg::PasswordTooLong, &[("max", &MAX_PASSWORD_LEN)])
            }
            ("events", FieldCode::Required) => {
                return self.t(Msg::WebhookEventsRequired).to_string()
            }
            ("events", FieldCode::UnknownValue) => {
                return self.t(Msg::WebhookEventUnknown).to_string()
            }
            ("language", FieldCode::UnknownValue) => {
                return self.t(Msg::LanguageUnknown).to_string()
            }
            ("domain", FieldCode::Taken) => return self.t(Msg::DomainTaken).to_string(),
            ("domain", FieldCode::InvalidCharacters | FieldCode::TooLong) => {
                return self.f(Msg::DomainRules, &[("max", &DOMAIN_PREFIX_MAX)])
            }
            ("tax_id", FieldCode::InvalidCharacters) => return self.t(Msg::TaxIdRules).to_string(),
            ("market", FieldCode::UnknownValue) => return self.t(Msg::MarketUnknown).to_string(),
            ("agreement_accepted", FieldCode::Required) => {
                return self.t(Msg::AgreementRequired).to_string()
            }
            ("address_lines", FieldCode::Required) => {
                return self.t(Msg::BillingAddressLines).to_string()
            }
            ("issuer", FieldCode::HttpsRequired) => return self.t(Msg::SsoIssuerRules).to_string(),
            ("issuer", FieldCode::InvalidUrl) => {
                return self.t(Msg::SsoIssuerUnreachable).to_string()
            }
            ("domains", FieldCode::UnknownValue) => {
                return self.f(Msg::SsoDomainsRules, &[("max", &sso::MAX_DOMAINS)])
            }
            ("domains", FieldCode::Taken) => return self.t(Msg::SsoDomainsTaken).to_string(),
            ("client_secret", FieldCode::Required) => {
                return self.t(Msg::SsoSecretRequired).to_string()
            }
            ("refund_limit", FieldCode::AboveMaximum) => {
                return english_with_figure(fallback)
                    .unwrap_or_else(|| self.t(Msg::FieldRefundLimitAboveMax).to_string())
            }
            (_, FieldCode::AbovePaid) => {
                if let Some(text) = english_with_figure(fallback) {
                    return text;
                }
            }
            _ => {}
        }
        self.t(match code {
            FieldCode::Required => Msg::FieldRequired,
            FieldCode::TooLong => Msg::FieldTooLong,
            FieldCode::InvalidCharacters => Msg::FieldControlCharacters,
            FieldCode::InvalidEmail => Msg::FieldInvalidEmail,
            FieldCode::InvalidAmount => Msg::FieldInvalidAmount,
            FieldCode::TooPrecise => Msg::FieldTooPrecise,
            FieldCode::TooLarge => Msg::FieldTooLarge,
            FieldCode::CurrencyMismatch => Msg::FieldCurrencyMismatch,
            FieldCode::TooMany => return self.f(Msg::FieldTooManyLines, &[("max", &MAX_LINES)]),
            FieldCode::UnknownOffer => Msg::FieldUnknownOffer,
            FieldCode::Duplicate => Msg::FieldDuplicateOffer,
            FieldCode::OutOfRange => Msg::FieldOutOfRange,
            FieldCode::InvalidOrderId => Msg::FieldInvalidOrderId,
            FieldCode::InvalidPhone => Msg::FieldInvalidPhone,
            FieldCode::NotPositive => Msg::FieldNotPositive,
            FieldCode::TooManyFiles => {
                return self.f(Msg::FieldTooManyFiles, &[("max", &MAX_FILES)])
            }
            FieldCode::FileTooBig => {
                return self.f(
                    Msg::FieldFileTooBig,
                    &[("mb", &(MAX_FILE_BYTES / 1024 / 1024))],
                )
            }
            FieldCode::FileType => Msg::FieldFileType,
            FieldCode::EmptyFile => Msg::FieldEmptyFile,
            FieldCode::RequestFull => {
                return self.f(Msg::FieldRequestFull, &[("max", &MAX_FILES_PER_REQUEST)])
            }
            FieldCode::UnknownCustomer => Msg::FieldUnknownCustomer,
            FieldCode::UnknownOrder => Msg::FieldUnknownOrder,
            FieldCode::OtherCustomersOrder => Msg::FieldOtherCustomersOrder,
            FieldCode::NeedsOrder => Msg::FieldNeedsOrder,
            FieldCode::AbovePaid => Msg::FieldAbovePaid,
            FieldCode::AboveMaximum => Msg::FieldAboveMaximum,
            FieldCode::NothingLeft => Msg::FieldNothingLeft,
            FieldCode::NoOrder => Msg::FieldNoOrder,
            FieldCode::InvalidUrl => Msg::WebhookUrlInvalid,
            FieldCode::HttpsRequired => Msg::WebhookUrlHttps,
            FieldCode::PrivateAddress => Msg::WebhookUrlPrivate,
            FieldCode::UnknownValue => Msg::FieldUnknownValue,
            FieldCode::TooShort => Msg::PasswordTooShort,
            FieldCode::CommonPassword => Msg::PasswordCommon,
            FieldCode::Taken => Msg::EmailTaken,
            FieldCode::WrongPassword => Msg::CurrentPasswordWrong,
            FieldCode::WrongCode => Msg::TwoStepCodeWrong,
            FieldCode::CardNumber => Msg::PaymentMethodCardNumber,
        })
        .to_string()
    }

    /// The server's problem with `field`, if it names one: by its code, or — a code of a newer
    /// server — its English text.
    pub fn server_field_error(self, failure: &ApiFailure, field: &str) -> Option<String> {
        let code = failure.field_codes.get(field)?;
        let fallback = failure.fields.get(field);
        Some(match FieldCode::parse(code) {
            Some(code) => self.field_error(field, code, fallback),
            None => fallback
                .map(str::to_string)
                .unwrap_or_else(|| self.t(Msg::FieldInvalid).to_string()),
        })
    }

    pub fn range_error(self, error: &RangeError) -> String {
        match error {
            RangeError::NotADate { .. } => self.t(Msg::RangeNotADate).to_string(),
            RangeError::Inverted => self.t(Msg::RangeInverted).to_string(),
            RangeError::TooLong => self.f(Msg::RangeTooLong, &[("days", &MAX_RANGE_DAYS)]),
        }
    }

    /// "incl. tax" / "excl. tax" (R-CAT-3).
    pub fn tax_label(self, tax_inclusive: bool) -> &'static str {
        self.t(if tax_inclusive {
            Msg::TaxIncl
        } else {
            Msg::TaxExcl
        })
    }

    /// `USD 1,234.56 excl. tax`.
    pub fn price(self, amount: &Amount, currency: Currency, tax_inclusive: bool) -> String {
        format!(
            "{} {}",
            crate::format::money(amount, currency),
            self.tax_label(tax_inclusive)
        )
    }

    pub fn kind(self, kind: ProductKind) -> &'static str {
        self.t(match kind {
            ProductKind::SoftwareSubscription => Msg::KindSoftwareSubscription,
            ProductKind::PerpetualSoftware => Msg::KindPerpetualSoftware,
            ProductKind::AzureReservation => Msg::KindAzureReservation,
            ProductKind::SoftwarePlan => Msg::KindSoftwarePlan,
        })
    }

    pub fn term(self, term: Option<Term>) -> &'static str {
        self.t(match term {
            Some(Term::P1Y) => Msg::TermP1Y,
            Some(Term::P3Y) => Msg::TermP3Y,
            None => Msg::TermPerpetual,
        })
    }

    /// An order's or purchase's status; a status added later shows as sent.
    pub fn order_status(self, status: &OrderStatus) -> String {
        match status {
            OrderStatus::Completed => self.t(Msg::OrderCompleted).into(),
            OrderStatus::CancellationPending => self.t(Msg::OrderCancellationPending).into(),
            OrderStatus::Cancelled => self.t(Msg::OrderCancelled).into(),
            OrderStatus::Renewed => self.t(Msg::OrderRenewed).into(),
            OrderStatus::Expired => self.t(Msg::OrderExpired).into(),
            OrderStatus::Unknown(raw) => raw.clone(),
        }
    }

    /// The cancellation policy in words (R-CAN-1/2).
    pub fn cancellation_policy(self, window_days: Option<u32>) -> String {
        match window_days {
            Some(days) => self.f(Msg::CancellableWithinDays, &[("days", &days)]),
            None => self.t(Msg::NeverCancellable).into(),
        }
    }

    /// Why an offer cannot be bought, naming the market in the user's language.
    pub fn unavailable(self, reason: UnavailableReason, market: &Market) -> String {
        let name = self.market_name(market);
        match reason {
            UnavailableReason::AzureReservationsNotInMarket => {
                self.f(Msg::UnavailableReservations, &[("market", &name)])
            }
            UnavailableReason::NotSoldInMarket => {
                self.f(Msg::UnavailableMarket, &[("market", &name)])
            }
        }
    }

    /// A market's name in the user's language: the browser's region names, the domain's English
    /// names for the parts of countries Table 1 lists on their own.
    pub fn market_name(self, market: &Market) -> String {
        let locale = self.locale.get();
        if locale == Locale::En || market.code().contains('-') || market.code() == "XK" {
            return market.english_name().to_string();
        }
        region_name(locale.tag(), market.code())
            .unwrap_or_else(|| market.english_name().to_string())
    }

    /// A market's name where it is chosen, in the user's language: the browser's region names
    /// in English too (the domain's English names cover only the markets its messages need),
    /// the domain's names for the parts of countries Table 1 lists on their own.
    pub fn market_choice_name(self, market: &Market) -> String {
        self.market_names(std::slice::from_ref(market))
            .pop()
            .map(|(_, name)| name)
            .unwrap_or_default()
    }

    /// Markets to choose from as `(code, name)`, named as [`I18n::market_choice_name`] names
    /// them and sorted as the user's language sorts.
    pub fn market_choices(self, markets: &[Market]) -> Vec<(String, String)> {
        let mut named = self.market_names(markets);
        let locales = js_sys::Array::of1(&self.locale.get().tag().into());
        let options = js_sys::Object::new();
        named.sort_by(|(_, a), (_, b)| {
            js_sys::JsString::from(a.as_str())
                .locale_compare(b, &locales, &options)
                .cmp(&0)
        });
        named
    }

    fn market_names(self, markets: &[Market]) -> Vec<(String, String)> {
        let names = region_names(self.locale.get().tag());
        markets
            .iter()
            .map(|market| {
                let code = market.code();
                let browser = (!code.contains('-') && code != "XK")
                    .then(|| names.as_ref()?.of(code).map(String::from))
                    .flatten();
                let name = browser.unwrap_or_else(|| market.english_name().to_string());
                (code.to_string(), name)
            })
            .collect()
    }

    /// Which of a customer's details a change is of (`CustomerChange::field`); a field of a
    /// newer server in its wire name.
    pub fn customer_field(self, field: &str) -> String {
        match field {
            "created" => self.t(Msg::ChangeCustomerAdded).to_string(),
            "company_name" => self.t(Msg::CompanyName).to_string(),
            "address" => self.t(Msg::CompanyAddress).to_string(),
            "tax_id" => self.t(Msg::TaxId).to_string(),
            other => other.to_string(),
        }
    }

    /// Which setting of the billing profile a change is of (`SettingChange::setting`).
    pub fn billing_setting(self, setting: &str) -> String {
        match setting {
            "refund_limit" => self.t(Msg::RefundLimit).to_string(),
            "address_lines" => self.t(Msg::BillingAddress).to_string(),
            "invoice_email" => self.t(Msg::InvoicesSentTo).to_string(),
            "payment_method" => self.t(Msg::PaymentMethod).to_string(),
            other => other.to_string(),
        }
    }

    fn join(self, roles: &[Role], separator: Msg) -> String {
        roles
            .iter()
            .map(|r| self.role(*r))
            .collect::<Vec<_>>()
            .join(self.t(separator))
    }
}

/// The text for an error code.
fn error_message(code: ErrorCode) -> Msg {
    match code {
        ErrorCode::BadRequest
        | ErrorCode::InvalidJson
        | ErrorCode::UnsupportedMediaType
        | ErrorCode::MethodNotAllowed => Msg::ErrBadRequest,
        ErrorCode::InvalidDateRange => Msg::ErrInvalidDateRange,
        ErrorCode::IdempotencyKeyRequired => Msg::ErrIdempotencyKeyRequired,
        ErrorCode::Unauthenticated => Msg::ErrUnauthenticated,
        ErrorCode::InvalidCredentials => Msg::ErrInvalidCredentials,
        ErrorCode::Forbidden => Msg::ErrForbidden,
        ErrorCode::NotFound => Msg::ErrNotFound,
        ErrorCode::RequestTimeout => Msg::ErrRequestTimeout,
        ErrorCode::AlreadyCancelled => Msg::ErrAlreadyCancelled,
        ErrorCode::SubscriptionEnded => Msg::ErrSubscriptionEnded,
        ErrorCode::NotRenewable => Msg::ErrNotRenewable,
        ErrorCode::InvalidStatusChange => Msg::ErrInvalidStatusChange,
        ErrorCode::LastGlobalAdmin => Msg::ErrLastGlobalAdmin,
        ErrorCode::LastSupportLead => Msg::ErrLastSupportLead,
        // The sign-in page's own words (its button is "Sign in").
        ErrorCode::SsoRequired => Msg::ErrSsoRequired,
        ErrorCode::TwoStepEnabled => Msg::ErrTwoStepEnabled,
        ErrorCode::TwoStepRequired => Msg::ErrTwoStepRequired,
        ErrorCode::TwoStepNotStarted => Msg::ErrTwoStepNotStarted,
        ErrorCode::InvalidLink => Msg::ErrInvalidLink,
        ErrorCode::RequestClosed => Msg::ErrRequestClosed,
        ErrorCode::Revoked => Msg::ErrRevoked,
        ErrorCode::PayloadTooLarge => Msg::ErrPayloadTooLarge,
        ErrorCode::RangeNotSatisfiable => Msg::ErrRangeNotSatisfiable,
        ErrorCode::ValidationFailed => Msg::ErrValidationFailed,
        ErrorCode::IdempotencyKeyReused => Msg::ErrIdempotencyKeyReused,
        ErrorCode::OfferUnavailable => Msg::ErrOfferUnavailable,
        ErrorCode::CancellationWindowPassed => Msg::ErrCancellationWindowPassed,
        ErrorCode::NotCancellable => Msg::ErrNotCancellable,
        ErrorCode::NeedsSupportRequest => Msg::ErrNeedsSupportRequest,
        ErrorCode::ConfirmationRequired => Msg::ErrConfirmationRequired,
        ErrorCode::NothingToRefund => Msg::ErrNothingToRefund,
        ErrorCode::TooManyAttempts => Msg::ErrTooManyAttemptsSoon,
        ErrorCode::Internal => Msg::ErrInternal,
        ErrorCode::Unavailable => Msg::ErrUnavailable,
        ErrorCode::QuotaExceeded => Msg::ErrQuotaExceeded,
        ErrorCode::TooManyUploads => Msg::ErrTooManyUploads,
    }
}

/// `Intl.DisplayNames` for regions: the browser knows every country's name in every language.
fn region_name(locale: &str, code: &str) -> Option<String> {
    region_names(locale)?.of(code).map(String::from)
}

fn region_names(locale: &str) -> Option<js_sys::Intl::DisplayNames> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"type".into(), &"region".into()).ok()?;
    Some(js_sys::Intl::DisplayNames::new(
        &js_sys::Array::of1(&locale.into()),
        &options,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::tests::i18n;

    fn failure(code: &str) -> ApiFailure {
        ApiFailure {
            status: 400,
            code: code.into(),
            message: "server text".into(),
            fields: Default::default(),
            field_codes: Default::default(),
            permission: None,
            retry_after_seconds: None,
            request_id: None,
        }
    }

    #[test]
    fn every_error_code_has_a_text_in_both_languages() {
        for &code in ErrorCode::ALL {
            for locale in Locale::ALL {
                let text = i18n(locale).failure(&failure(code.as_str()));
                assert_ne!(
                    text, "server text",
                    "{code} in {locale:?} falls back to the server"
                );
            }
        }
        assert_eq!(
            i18n(Locale::ZhCn).failure(&failure("made_up_later")),
            "server text",
            "unknown codes keep the server's words"
        );
    }

    #[test]
    fn refusals_name_the_roles_in_the_users_language() {
        let mut refused = failure("forbidden");
        refused.permission = Some(Permission::CancelPurchase);
        assert_eq!(
            i18n(Locale::En).failure(&refused),
            Permission::CancelPurchase.refusal_message()
        );
        let zh = i18n(Locale::ZhCn).failure(&refused);
        assert!(zh.contains("管理员代理") && zh.contains("取消购买"), "{zh}");
        for permission in Permission::ALL {
            assert_eq!(
                i18n(Locale::En).refusal(permission),
                permission.refusal_message(),
                "the app and the server agree"
            );
        }
    }

    #[test]
    fn webhook_and_profile_problems_are_said_for_their_field() {
        let mut refused = failure("validation_failed");
        refused.field_codes = serde_json::from_str(
            r#"{"url": "private_address", "events": "required", "language": "unknown_value"}"#,
        )
        .unwrap();
        for locale in Locale::ALL {
            let i18n = i18n(locale);
            let said = |field| i18n.server_field_error(&refused, field);
            assert_eq!(said("url").as_deref(), Some(i18n.t(Msg::WebhookUrlPrivate)));
            assert_eq!(
                said("events").as_deref(),
                Some(i18n.t(Msg::WebhookEventsRequired))
            );
            assert_eq!(
                said("language").as_deref(),
                Some(i18n.t(Msg::LanguageUnknown))
            );
            assert_eq!(
                i18n.field_error("events", FieldCode::UnknownValue, None),
                i18n.t(Msg::WebhookEventUnknown)
            );
        }
    }

    #[test]
    fn onboarding_problems_are_said_for_their_field() {
        let mut refused = failure("validation_failed");
        refused.field_codes = serde_json::from_str(
            r#"{"domain": "taken", "admin_email": "taken", "tax_id": "invalid_characters",
                "market": "unknown_value", "agreement_accepted": "required",
                "address_lines": "required", "payment_method": "card_number"}"#,
        )
        .unwrap();
        for locale in Locale::ALL {
            let i18n = i18n(locale);
            let said = |field| i18n.server_field_error(&refused, field).unwrap();
            assert_eq!(said("domain"), i18n.t(Msg::DomainTaken));
            assert_eq!(said("admin_email"), i18n.t(Msg::EmailTaken));
            assert_eq!(said("tax_id"), i18n.t(Msg::TaxIdRules));
            assert_eq!(said("market"), i18n.t(Msg::MarketUnknown));
            assert_eq!(said("agreement_accepted"), i18n.t(Msg::AgreementRequired));
            assert_eq!(said("address_lines"), i18n.t(Msg::BillingAddressLines));
            assert_eq!(said("payment_method"), i18n.t(Msg::PaymentMethodCardNumber));
            for code in [FieldCode::InvalidCharacters, FieldCode::TooLong] {
                assert_eq!(
                    i18n.field_error("domain", code, None),
                    i18n.f(Msg::DomainRules, &[("max", &DOMAIN_PREFIX_MAX)])
                );
            }
        }
        // The server's words and the app's are the same rule's.
        use csp_domain::onboarding::CustomerDomain;
        use csp_domain::FieldIssue;
        let issue = CustomerDomain::parse("con-toso").unwrap_err();
        assert_eq!(
            i18n(Locale::En).field_error("domain", issue.code(), None),
            issue.message()
        );
    }

    #[test]
    fn single_sign_on_problems_are_said_for_their_field_as_the_domain_says_them() {
        use csp_domain::sso::{IdentityProviderRequest, ProviderIssue};
        use csp_domain::FieldIssue;
        let mut refused = failure("validation_failed");
        refused.field_codes = serde_json::from_str(
            r#"{"issuer": "invalid_url", "domains": "taken", "client_secret": "required"}"#,
        )
        .unwrap();
        for locale in Locale::ALL {
            let i18n = i18n(locale);
            let said = |field| i18n.server_field_error(&refused, field).unwrap();
            assert_eq!(said("issuer"), i18n.t(Msg::SsoIssuerUnreachable));
            assert_eq!(said("domains"), i18n.t(Msg::SsoDomainsTaken));
            assert_eq!(said("client_secret"), i18n.t(Msg::SsoSecretRequired));
        }
        // Every problem of a provider, in English, is the server's words for it.
        for issue in [
            ProviderIssue::Issuer,
            ProviderIssue::Unreachable,
            ProviderIssue::Domains,
            ProviderIssue::DomainsTaken,
            ProviderIssue::SecretRequired,
        ] {
            let field = match issue {
                ProviderIssue::Issuer | ProviderIssue::Unreachable => "issuer",
                ProviderIssue::Domains | ProviderIssue::DomainsTaken => "domains",
                ProviderIssue::SecretRequired => "client_secret",
            };
            assert_eq!(
                i18n(Locale::En).field_error(field, issue.code(), None),
                issue.message(),
                "{issue:?}"
            );
        }
        // The form's own check says the same as the server would.
        let request = IdentityProviderRequest {
            issuer: "http://idp.example".into(),
            client_id: "csp".into(),
            client_secret: None,
            domains: vec!["litware".into()],
            require_sso: false,
            allow_jit: false,
        };
        let errors = request.check(true).unwrap_err();
        for field in ["issuer", "domains"] {
            let code = errors.code(field).unwrap();
            assert_eq!(
                i18n(Locale::ZhCn).field_error(field, code, None),
                i18n(Locale::ZhCn).text(errors.text(field).unwrap()),
                "{field}"
            );
        }
    }

    #[test]
    fn failures_the_user_cannot_fix_carry_the_requests_reference() {
        let with_id = |status: u16, code: &str| ApiFailure {
            status,
            request_id: Some("req-42".into()),
            ..failure(code)
        };
        for locale in Locale::ALL {
            let i18n = i18n(locale);
            let reference = i18n.f(Msg::ErrorReference, &[("id", &"req-42")]);
            for (status, code) in [
                (500, "internal_error"),
                (503, "unavailable"),
                (502, crate::api::UNEXPECTED_RESPONSE),
                (409, "made_up_later"),
            ] {
                let text = i18n.failure(&with_id(status, code));
                assert!(text.ends_with(&reference), "{status} {code}: {text}");
            }
            // What the user can fix themselves needs no reference.
            for (status, code) in [(401, "invalid_credentials"), (422, "validation_failed")] {
                let text = i18n.failure(&with_id(status, code));
                assert!(!text.contains(&reference), "{status} {code}: {text}");
            }
            // No answer, no reference.
            assert_eq!(
                i18n.failure(&failure("internal_error")),
                i18n.t(Msg::ErrInternal)
            );
        }
        assert_eq!(
            i18n(Locale::En).failure(&with_id(500, "internal_error")),
            format!("{} Reference: req-42", Msg::ErrInternal.english())
        );
    }

    #[test]
    fn field_problems_are_translated_by_code() {
        let zh = i18n(Locale::ZhCn);
        assert_eq!(
            zh.field_error(
                "email",
                FieldCode::Required,
                Some("Enter an email address.")
            ),
            "请输入电子邮件地址。"
        );
        assert_eq!(
            zh.field_error("title", FieldCode::Required, None),
            "此项为必填项。"
        );
        assert_eq!(
            zh.field_error("files", FieldCode::FileType, None),
            zh.t(Msg::FieldFileType)
        );
        // Every code has its own text in both languages.
        for locale in Locale::ALL {
            for &code in FieldCode::ALL {
                let text = i18n(locale).field_error("field", code, None);
                assert_ne!(
                    text,
                    i18n(locale).t(Msg::FieldInvalid),
                    "{code} in {locale:?}"
                );
            }
        }
        // A figure the server names is the app's figure too, in either language.
        use csp_domain::support::FileIssue;
        use csp_domain::FieldIssue;
        for issue in [
            FileIssue::TooMany,
            FileIssue::TooBig,
            FileIssue::RequestFull,
        ] {
            assert_eq!(
                i18n(Locale::En).field_error("files", issue.code(), None),
                issue.message()
            );
        }
        assert_eq!(zh.text(&FileIssue::TooMany.text()), "最多附加 5 个文件。");
        // A code of a newer server: its English words.
        let mut newer = failure("validation_failed");
        newer.field_codes = serde_json::from_str(r#"{"title": "made_up"}"#).unwrap();
        newer.fields = serde_json::from_str(r#"{"title": "server words"}"#).unwrap();
        assert_eq!(
            zh.server_field_error(&newer, "title").as_deref(),
            Some("server words")
        );
        // English readers get the server's exact maximum.
        let mut above = failure("validation_failed");
        above.field_codes = serde_json::from_str(r#"{"amount_requested": "above_paid"}"#).unwrap();
        above.fields =
            serde_json::from_str(r#"{"amount_requested": "At most USD 5.00 can be refunded."}"#)
                .unwrap();
        assert_eq!(
            i18n(Locale::En)
                .server_field_error(&above, "amount_requested")
                .as_deref(),
            Some("At most USD 5.00 can be refunded.")
        );
        assert_eq!(
            zh.server_field_error(&above, "amount_requested").as_deref(),
            Some(zh.t(Msg::FieldAbovePaid))
        );
    }
}
