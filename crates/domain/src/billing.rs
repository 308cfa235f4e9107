//! How a partner pays: its billing profile, which every order is charged to, and its
//! self-service refund limit (R-CAN-6).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::error::{FieldCode, FieldErrors, FieldIssue, RequiredAs, Text};
use crate::money::{Amount, Currency, Money};
use csp_messages::Msg;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingProfile {
    /// The partner's legal name on invoices.
    pub company_name: String,
    pub address_lines: Vec<String>,
    /// Where invoices are sent.
    pub invoice_email: String,
    /// How invoices are paid, e.g. "Bank transfer, 30 days net" or "Visa ending 4242".
    pub payment_method: String,
    /// The self-service refund limit (R-CAN-6): a cancellation that would credit more than
    /// this, in the order's currency, needs a support request. A decimal string.
    pub refund_limit: RefundLimit,
    /// The highest limit a Global admin may set (the operator's `REFUND_LIMIT_MAX`).
    pub refund_limit_max: RefundLimit,
    /// Who changed the limit and when, newest first.
    pub refund_limit_changes: Vec<SettingChange>,
    /// Who changed the address, the invoice address or the payment method, and when, newest
    /// first.
    #[serde(default)]
    pub details_changes: Vec<SettingChange>,
}

/// A change of a setting: who, when, from what to what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingChange {
    /// Which setting: `refund_limit`, `address_lines`, `invoice_email`, `payment_method`, …
    #[serde(default)]
    pub setting: String,
    pub at: DateTime<Utc>,
    /// The partner user's e-mail address, or `operator` for the operator's configuration.
    pub by: String,
    pub from: Option<String>,
    pub to: String,
}

/// `PATCH /api/v1/billing-profile` (Global admins): any of the fields; absent ones stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingProfileChange {
    /// The new self-service refund limit, a decimal string such as `"1000.00"`: zero or more,
    /// at most two decimals, at most the operator's maximum (`refund_limit_max`).
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*[0-9]+(\.[0-9]{1,2})?\s*$")
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_limit: Option<String>,
    /// The billing address, 1 to 5 lines of at most 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_lines: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_email: Option<String>,
    /// How invoices are paid, as a reference ("Visa ending 4242", "Bank transfer, 30 days
    /// net"): never a card number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
}

/// A billing profile change whose fields passed the rules (the refund limit is checked
/// against the operator's maximum by [`RefundLimit::parse_within`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BillingDetails {
    pub address_lines: Option<Vec<String>>,
    pub invoice_email: Option<Email>,
    pub payment_method: Option<String>,
}

/// A payment method given as a card number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardNumberGiven;

impl FieldIssue for CardNumberGiven {
    fn code(&self) -> FieldCode {
        FieldCode::CardNumber
    }
    fn text(&self) -> Text {
        Text::new(Msg::PaymentMethodCardNumber)
    }
}

/// Whether `text` holds a payment card number: 13 to 19 digits in a row (spaces and hyphens
/// between them allowed) that pass the Luhn check.
pub fn holds_card_number(text: &str) -> bool {
    let mut digits: Vec<u32> = Vec::new();
    let mut runs: Vec<Vec<u32>> = Vec::new();
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c.to_digit(10).unwrap_or(0)),
            ' ' | '-' if !digits.is_empty() => {}
            _ => runs.push(std::mem::take(&mut digits)),
        }
    }
    runs.push(digits);
    let luhn = |d: &[u32]| {
        d.iter()
            .rev()
            .enumerate()
            .map(|(i, &n)| {
                if i % 2 == 1 {
                    if n * 2 > 9 {
                        n * 2 - 9
                    } else {
                        n * 2
                    }
                } else {
                    n
                }
            })
            .sum::<u32>()
            % 10
            == 0
    };
    runs.iter()
        .any(|run| (13..=run.len().min(19)).any(|len| run.windows(len).any(luhn)))
}

impl BillingProfileChange {
    /// The address, invoice address and payment method checked (the refund limit is the
    /// caller's, against the operator's maximum).
    pub fn check_details(&self) -> Result<BillingDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let address_lines = self.address_lines.as_ref().map(|lines| {
            let lines: Vec<&str> = lines
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .collect();
            if lines.is_empty() || lines.len() > 5 {
                errors.add("address_lines", &RequiredAs(Msg::BillingAddressLines));
                return None;
            }
            let checked: Vec<Option<String>> = lines
                .iter()
                .map(|l| errors.take("address_lines", crate::text::line(l, 100)))
                .collect();
            checked.into_iter().collect::<Option<Vec<_>>>()
        });
        let invoice_email = self
            .invoice_email
            .as_deref()
            .map(|e| errors.take("invoice_email", Email::parse(e)));
        let payment_method = self.payment_method.as_deref().map(|m| {
            let method = errors.take("payment_method", crate::text::line(m, 100))?;
            if holds_card_number(&method) {
                errors.add("payment_method", &CardNumberGiven);
                return None;
            }
            Some(method)
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(BillingDetails {
            address_lines: address_lines.flatten(),
            invoice_email: invoice_email.flatten(),
            payment_method: payment_method.flatten(),
        })
    }
}

/// A self-service refund limit: an amount with at most two decimals, from 0 up to the
/// operator's maximum, applied in each order's currency (R-CAN-6: "25,000.00 in the order's
/// currency").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, example = "25000.00", pattern = r"^[0-9]+(\.[0-9]{1,2})?$")
)]
#[serde(try_from = "String", into = "String")]
pub struct RefundLimit(i64);

/// Why a refund limit was refused (field `refund_limit` of `validation_failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundLimitIssue {
    /// Not a decimal with at most two places, or below zero.
    Invalid,
    /// Above the operator's maximum.
    AboveMaximum(RefundLimit),
}

impl FieldIssue for RefundLimitIssue {
    fn code(&self) -> FieldCode {
        match self {
            RefundLimitIssue::Invalid => FieldCode::InvalidAmount,
            RefundLimitIssue::AboveMaximum(_) => FieldCode::AboveMaximum,
        }
    }

    fn text(&self) -> Text {
        match self {
            RefundLimitIssue::Invalid => Text::new(Msg::FieldRefundLimitInvalid),
            RefundLimitIssue::AboveMaximum(max) => {
                Text::new(Msg::FieldRefundLimitAboveMaxOf).with("max", max.grouped())
            }
        }
    }
}

impl RefundLimit {
    /// R-CAN-6's default: 25,000.00.
    pub const DEFAULT: RefundLimit = RefundLimit(25_000_00);
    /// The operator's maximum when not configured: 1,000,000.00.
    pub const DEFAULT_MAX: RefundLimit = RefundLimit(1_000_000_00);

    pub const fn from_hundredths(hundredths: i64) -> RefundLimit {
        RefundLimit(if hundredths < 0 { 0 } else { hundredths })
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// Parses `"1000"` or `"1000.50"`: zero or more, at most two decimals.
    pub fn parse(text: &str) -> Result<RefundLimit, RefundLimitIssue> {
        let two_places = Currency::parse("USD").expect("USD");
        match Money::parse(text, two_places) {
            Ok(m) if m.minor() >= 0 => Ok(RefundLimit(m.minor())),
            _ => Err(RefundLimitIssue::Invalid),
        }
    }

    /// Parses a limit a Global admin sets: as [`RefundLimit::parse`], and at most `max`.
    pub fn parse_within(text: &str, max: RefundLimit) -> Result<RefundLimit, RefundLimitIssue> {
        let limit = RefundLimit::parse(text)?;
        if limit > max {
            return Err(RefundLimitIssue::AboveMaximum(max));
        }
        Ok(limit)
    }

    /// The limit in `currency`: the same figure, to that currency's minor unit (whole yen
    /// drop the cents: 25,000.50 is JPY 25,000).
    pub fn in_currency(self, currency: Currency) -> Money {
        let minor = match currency.exponent() {
            0 => self.0 / 100,
            1 => self.0 / 10,
            e => self.0.saturating_mul(10_i64.pow(e.saturating_sub(2))),
        };
        Money::from_minor(minor, currency)
    }

    /// `25,000.00`, for people.
    pub fn grouped(self) -> String {
        self.as_two_places().grouped()
    }

    fn as_two_places(self) -> Money {
        Money::from_minor(self.0, Currency::parse("USD").expect("USD"))
    }

    pub fn amount(self) -> Amount {
        self.as_two_places().amount()
    }
}

impl Default for RefundLimit {
    fn default() -> Self {
        RefundLimit::DEFAULT
    }
}

impl fmt::Display for RefundLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.amount().as_str())
    }
}

impl TryFrom<String> for RefundLimit {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RefundLimit::parse(&value).map_err(|e| e.message())
    }
}

impl From<RefundLimit> for String {
    fn from(limit: RefundLimit) -> String {
        limit.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payment_method_is_a_reference_never_a_card_number() {
        assert!(!holds_card_number("Visa ending 4242"));
        assert!(!holds_card_number("Bank transfer, 30 days net"));
        assert!(holds_card_number("Visa 4242 4242 4242 4242"));
        assert!(holds_card_number("card 4111-1111-1111-1111 exp 12/29"));
        assert!(holds_card_number("378282246310005"));
        // Sixteen digits that fail the Luhn check (an account reference) are not a card.
        assert!(!holds_card_number("Ref 1234567812345678"));
        let change = BillingProfileChange {
            payment_method: Some("4242424242424242".into()),
            invoice_email: Some("billing@".into()),
            address_lines: Some(vec![" ".into()]),
            ..BillingProfileChange::default()
        };
        let errors = change.check_details().unwrap_err();
        assert_eq!(errors.code("payment_method"), Some(FieldCode::CardNumber));
        assert!(errors.contains("invoice_email") && errors.contains("address_lines"));
        let fine = BillingProfileChange {
            payment_method: Some(" Visa ending 4242 ".into()),
            address_lines: Some(vec!["1 Main St".into(), "".into(), "Redmond, WA".into()]),
            ..BillingProfileChange::default()
        };
        let details = fine.check_details().unwrap();
        assert_eq!(details.payment_method.as_deref(), Some("Visa ending 4242"));
        assert_eq!(details.address_lines.unwrap().len(), 2);
    }

    #[test]
    fn limits_are_exact_and_bounded() {
        assert_eq!(RefundLimit::parse("1000").unwrap().to_string(), "1000.00");
        assert_eq!(RefundLimit::parse("1000.5").unwrap().hundredths(), 100_050);
        assert_eq!(RefundLimit::parse("0").unwrap().hundredths(), 0);
        for bad in ["-1", "1.001", "ten", "", "1e3"] {
            assert_eq!(
                RefundLimit::parse(bad),
                Err(RefundLimitIssue::Invalid),
                "{bad}"
            );
        }
        let max = RefundLimit::from_hundredths(50_000_00);
        assert!(RefundLimit::parse_within("50000.00", max).is_ok());
        assert_eq!(
            RefundLimit::parse_within("50000.01", max),
            Err(RefundLimitIssue::AboveMaximum(max))
        );
        assert_eq!(RefundLimit::DEFAULT.grouped(), "25,000.00");
    }

    #[test]
    fn a_limit_applies_in_each_orders_currency() {
        let limit = RefundLimit::parse("25000.50").unwrap();
        assert_eq!(limit.in_currency(Currency::USD).minor(), 2_500_050);
        assert_eq!(limit.in_currency(Currency::JPY).minor(), 25_000);
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(limit.in_currency(kwd).minor(), 25_000_500);
    }

    #[test]
    fn it_travels_as_a_decimal_string() {
        let json = serde_json::to_string(&RefundLimit::DEFAULT).unwrap();
        assert_eq!(json, "\"25000.00\"");
        assert_eq!(
            serde_json::from_str::<RefundLimit>("\"1000\"").unwrap(),
            RefundLimit::from_hundredths(1_000_00)
        );
        assert!(serde_json::from_str::<RefundLimit>("\"-3\"").is_err());
    }
}
