//! Exact money (R-CAT-4): integer minor units of a currency, decimal strings on the wire,
//! never floating point.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{FieldCode, FieldIssue, Text};
use csp_messages::Msg;

/// An ISO 4217 currency code with its minor unit. Any well-formed code is a currency (a
/// customer's market may use one the catalog has no prices in); the catalog decides what is sold.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "USD"))]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

/// ISO 4217 currencies without a minor unit.
const NO_DECIMALS: [&str; 17] = [
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF", "XPF",
];
/// ISO 4217 currencies with three decimals.
const THREE_DECIMALS: [&str; 7] = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrencyError;

impl fmt::Display for CurrencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a currency code (three letters, e.g. USD)")
    }
}

impl Currency {
    pub const USD: Currency = Currency(*b"USD");
    pub const EUR: Currency = Currency(*b"EUR");
    pub const GBP: Currency = Currency(*b"GBP");
    pub const JPY: Currency = Currency(*b"JPY");
    pub const AUD: Currency = Currency(*b"AUD");
    pub const BRL: Currency = Currency(*b"BRL");
    pub const CNY: Currency = Currency(*b"CNY");
    pub const NOK: Currency = Currency(*b"NOK");
    pub const INR: Currency = Currency(*b"INR");
    pub const CHF: Currency = Currency(*b"CHF");
    pub const CAD: Currency = Currency(*b"CAD");

    /// Three ASCII letters, any case.
    pub fn parse(code: &str) -> Result<Currency, CurrencyError> {
        let code = code.trim();
        match code.as_bytes() {
            [a, b, c] if code.bytes().all(|b| b.is_ascii_alphabetic()) => Ok(Currency([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(CurrencyError),
        }
    }

    /// The ISO 4217 code.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).expect("parsed from ASCII letters")
    }

    /// Digits after the decimal point (ISO 4217): 0 for the yen, 3 for the dinars, else 2.
    pub fn exponent(self) -> u32 {
        if NO_DECIMALS.contains(&self.code()) {
            0
        } else if THREE_DECIMALS.contains(&self.code()) {
            3
        } else {
            2
        }
    }

    fn minor_per_major(self) -> i64 {
        10_i64.pow(self.exponent())
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;
    fn try_from(code: String) -> Result<Self, CurrencyError> {
        Currency::parse(&code)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An exact amount of one currency, in its minor unit (cents; whole yen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    /// Not a decimal number such as `1234.56`.
    NotANumber,
    /// More decimal places than the currency has.
    TooPrecise,
    /// Beyond what any price or credit can be.
    TooLarge,
    /// Two currencies in one sum.
    CurrencyMismatch,
}

impl FieldIssue for MoneyError {
    fn code(&self) -> FieldCode {
        match self {
            MoneyError::NotANumber => FieldCode::InvalidAmount,
            MoneyError::TooPrecise => FieldCode::TooPrecise,
            MoneyError::TooLarge => FieldCode::TooLarge,
            MoneyError::CurrencyMismatch => FieldCode::CurrencyMismatch,
        }
    }

    fn text(&self) -> Text {
        Text::new(match self {
            MoneyError::NotANumber => Msg::FieldInvalidAmount,
            MoneyError::TooPrecise => Msg::FieldTooPrecise,
            MoneyError::TooLarge => Msg::FieldTooLarge,
            MoneyError::CurrencyMismatch => Msg::FieldCurrencyMismatch,
        })
    }
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for MoneyError {}

/// The largest amount accepted: a trillion major units, far beyond any order, and small
/// enough that a product with any quantity of the catalog stays inside `i64`.
const MAX_MINOR: i64 = 1_000_000_000_000 * 100;

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    pub fn minor(self) -> i64 {
        self.minor
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    pub fn is_zero(self) -> bool {
        self.minor == 0
    }

    /// Parses a decimal string (`"1234.56"`, `"-5"`, `"12.5"`) in `currency`. Trailing zeros
    /// beyond the currency's decimals are accepted (`"100.00"` yen), other digits are not.
    pub fn parse(decimal: &str, currency: Currency) -> Result<Money, MoneyError> {
        let text = decimal.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.contains('.') && fraction.is_empty())
        {
            return Err(MoneyError::NotANumber);
        }
        let exponent = currency.exponent() as usize;
        let (kept, dropped) = fraction.split_at(fraction.len().min(exponent));
        if dropped.bytes().any(|b| b != b'0') {
            return Err(MoneyError::TooPrecise);
        }
        if whole.trim_start_matches('0').len() > 13 {
            return Err(MoneyError::TooLarge);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::TooLarge)?;
        let mut kept = kept.to_string();
        while kept.len() < exponent {
            kept.push('0');
        }
        let fraction: i64 = if kept.is_empty() {
            0
        } else {
            kept.parse().map_err(|_| MoneyError::NotANumber)?
        };
        let minor = whole
            .checked_mul(currency.minor_per_major())
            .and_then(|m| m.checked_add(fraction))
            .filter(|m| *m <= MAX_MINOR)
            .ok_or(MoneyError::TooLarge)?;
        Ok(Money {
            minor: if negative { -minor } else { minor },
            currency,
        })
    }

    /// The wire form: a plain decimal string with exactly the currency's decimals.
    pub fn amount(self) -> Amount {
        Amount(self.decimal(false))
    }

    /// For people: digits grouped in thousands, e.g. `1,234.56`.
    pub fn grouped(self) -> String {
        self.decimal(true)
    }

    fn decimal(self, group: bool) -> String {
        let per = self.currency.minor_per_major();
        let abs = self.minor.unsigned_abs();
        let whole = (abs / per as u64).to_string();
        let whole = if group {
            group_thousands(&whole)
        } else {
            whole
        };
        let sign = if self.minor < 0 { "-" } else { "" };
        match self.currency.exponent() {
            0 => format!("{sign}{whole}"),
            e => format!(
                "{sign}{whole}.{:0width$}",
                abs % per as u64,
                width = e as usize
            ),
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money {
                minor,
                currency: self.currency,
            })
            .ok_or(MoneyError::TooLarge)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.checked_add(other.negated())
    }

    /// Unit price × quantity.
    pub fn times(self, quantity: u32) -> Result<Money, MoneyError> {
        self.minor
            .checked_mul(i64::from(quantity))
            .filter(|m| m.abs() <= MAX_MINOR)
            .map(|minor| Money {
                minor,
                currency: self.currency,
            })
            .ok_or(MoneyError::TooLarge)
    }

    /// `self × numerator ÷ denominator`, rounded half away from zero to the minor unit.
    /// Exact for any amount up to the maximum: the product is computed in 128 bits.
    pub fn share(self, numerator: u64, denominator: u64) -> Money {
        assert!(denominator > 0, "a share of zero parts");
        let product = i128::from(self.minor) * i128::from(numerator);
        let den = i128::from(denominator);
        let quotient = product / den;
        let remainder = product % den;
        let rounded = if remainder.abs() * 2 >= den {
            quotient + product.signum()
        } else {
            quotient
        };
        Money {
            minor: rounded as i64,
            currency: self.currency,
        }
    }

    pub fn negated(self) -> Money {
        Money {
            minor: -self.minor,
            currency: self.currency,
        }
    }

    pub fn min(self, other: Money) -> Money {
        if other.currency == self.currency && other.minor < self.minor {
            other
        } else {
            self
        }
    }

    /// The sum of `amounts`, all in `currency`.
    pub fn sum(
        currency: Currency,
        amounts: impl IntoIterator<Item = Money>,
    ) -> Result<Money, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }
}

impl fmt::Display for Money {
    /// `USD 1,234.56`, `JPY 120,000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.grouped())
    }
}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<std::cmp::Ordering> {
        (self.currency == other.currency).then(|| self.minor.cmp(&other.minor))
    }
}

/// `100,000`: a count with its thousands grouped, as amounts are (English and Chinese alike).
pub fn group_count(n: u64) -> String {
    group_thousands(&n.to_string())
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A decimal amount as it travels in JSON (`"1234.56"`): checked to be a plain decimal
/// number, read as [`Money`] together with the currency next to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, example = "1234.56", pattern = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$")
)]
#[serde(try_from = "String", into = "String")]
pub struct Amount(String);

impl Amount {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn to_money(&self, currency: Currency) -> Result<Money, MoneyError> {
        Money::parse(&self.0, currency)
    }
}

impl TryFrom<String> for Amount {
    type Error = MoneyError;
    fn try_from(raw: String) -> Result<Self, MoneyError> {
        // The shape is checked here; the precision when it is read with its currency.
        let widest = Currency(*b"KWD");
        Money::parse(&raw, widest)?;
        Ok(Amount(raw.trim().to_string()))
    }
}

impl From<Amount> for String {
    fn from(a: Amount) -> String {
        a.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Money {
        Money::parse(s, Currency::USD).unwrap()
    }

    #[test]
    fn counts_group_thousands() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (100_000, "100,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(group_count(n), text);
        }
    }

    #[test]
    fn decimal_strings_become_minor_units() {
        assert_eq!(usd("1234.56").minor(), 123_456);
        assert_eq!(usd("12.5").minor(), 1250);
        assert_eq!(usd("7").minor(), 700);
        assert_eq!(usd("-0.01").minor(), -1);
        assert_eq!(
            Money::parse("120000", Currency::JPY).unwrap().minor(),
            120_000
        );
        assert_eq!(Money::parse("100.00", Currency::JPY).unwrap().minor(), 100);
    }

    #[test]
    fn malformed_or_too_precise_amounts_are_refused() {
        for bad in [
            "", "abc", "1.2.3", "1,000", "1e5", ".5", "5.", "+5", " - 5", "NaN", "0x10",
        ] {
            assert_eq!(
                Money::parse(bad, Currency::USD),
                Err(MoneyError::NotANumber),
                "{bad:?}"
            );
        }
        assert_eq!(
            Money::parse("1.001", Currency::USD),
            Err(MoneyError::TooPrecise)
        );
        assert_eq!(
            Money::parse("1.5", Currency::JPY),
            Err(MoneyError::TooPrecise)
        );
        assert_eq!(
            Money::parse("99999999999999999999", Currency::USD),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn amounts_print_with_the_currency_decimals() {
        assert_eq!(usd("1234.5").amount().as_str(), "1234.50");
        assert_eq!(usd("-3").amount().as_str(), "-3.00");
        assert_eq!(
            Money::from_minor(1_234_567, Currency::JPY)
                .amount()
                .as_str(),
            "1234567"
        );
        assert_eq!(
            Money::from_minor(123_456_789, Currency::EUR).to_string(),
            "EUR 1,234,567.89"
        );
        assert_eq!(
            Money::from_minor(-120_000, Currency::JPY).to_string(),
            "JPY -120,000"
        );
        assert_eq!(Money::from_minor(5, Currency::USD).grouped(), "0.05");
    }

    #[test]
    fn sums_refuse_mixed_currencies() {
        let eur = Money::from_minor(1, Currency::EUR);
        assert_eq!(usd("1").checked_add(eur), Err(MoneyError::CurrencyMismatch));
        assert_eq!(usd("1").checked_add(usd("2.5")).unwrap(), usd("3.5"));
        assert_eq!(
            Money::sum(Currency::USD, [usd("1"), usd("2"), usd("0.03")]).unwrap(),
            usd("3.03")
        );
    }

    #[test]
    fn shares_round_half_away_from_zero() {
        assert_eq!(usd("1").share(1, 3).minor(), 33);
        assert_eq!(usd("1").share(2, 3).minor(), 67);
        assert_eq!(usd("0.01").share(1, 2).minor(), 1);
        assert_eq!(usd("-0.01").share(1, 2).minor(), -1);
        let yen = Money::from_minor(100_000, Currency::JPY);
        assert_eq!(yen.share(200, 365).minor(), 54_795); // 54794.52… → 54795
        assert_eq!(yen.share(0, 365).minor(), 0);
        assert_eq!(yen.share(365, 365), yen);
    }

    #[test]
    fn currencies_know_their_minor_unit() {
        assert_eq!(Currency::parse("usd").unwrap(), Currency::USD);
        assert_eq!(Currency::JPY.exponent(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().exponent(), 3);
        assert_eq!(Currency::NOK.exponent(), 2);
        for bad in ["", "US", "USDX", "U5D", "€"] {
            assert!(Currency::parse(bad).is_err(), "{bad:?}");
        }
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(
            Money::parse("1.234", kwd).unwrap().amount().as_str(),
            "1.234"
        );
    }

    #[test]
    fn the_wire_amount_checks_its_shape() {
        assert!(serde_json::from_str::<Amount>("\"1234.56\"").is_ok());
        assert!(serde_json::from_str::<Amount>("\"12,34\"").is_err());
        assert!(
            serde_json::from_str::<Amount>("1234.56").is_err(),
            "numbers are not accepted, only strings"
        );
        let a: Amount = serde_json::from_str("\"10.5\"").unwrap();
        assert_eq!(a.to_money(Currency::USD).unwrap().minor(), 1050);
        assert_eq!(a.to_money(Currency::JPY), Err(MoneyError::TooPrecise));
    }

    #[test]
    fn property_sum_of_lines_is_the_total_in_minor_units() {
        // A small deterministic generator: no float anywhere, the total equals the sum.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for currency in [
            Currency::USD,
            Currency::JPY,
            Currency::EUR,
            Currency::parse("KWD").unwrap(),
        ] {
            for _ in 0..200 {
                let lines: Vec<(Money, u32)> = (0..(next() % 5 + 1))
                    .map(|_| {
                        (
                            Money::from_minor((next() % 10_000_000) as i64, currency),
                            (next() % 500 + 1) as u32,
                        )
                    })
                    .collect();
                let total =
                    Money::sum(currency, lines.iter().map(|(p, q)| p.times(*q).unwrap())).unwrap();
                let expected: i64 = lines.iter().map(|(p, q)| p.minor() * i64::from(*q)).sum();
                assert_eq!(total.minor(), expected);
                let back = Money::parse(total.amount().as_str(), currency).unwrap();
                assert_eq!(back, total, "the wire form reads back exactly");
            }
        }
    }
}
