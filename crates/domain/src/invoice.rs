//! Monthly invoices (R-INV-1): charges for orders placed in the month, credits for
//! cancellations processed in the month before, totals per currency.

use std::fmt;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CustomerId, OrderId};
use crate::money::{Amount, Currency, Money};
use crate::open_enum::open_enum;

/// A calendar month in UTC, `YYYY-MM` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvoiceMonth {
    first_day: NaiveDate,
}

impl InvoiceMonth {
    /// `2026-11`; years 2000 to 9999.
    pub fn parse(text: &str) -> Option<InvoiceMonth> {
        let b = text.as_bytes();
        if b.len() != 7
            || b[4] != b'-'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 4 || c.is_ascii_digit())
        {
            return None;
        }
        let year: i32 = text[..4].parse().ok()?;
        let month: u32 = text[5..].parse().ok()?;
        if year < 2000 {
            return None;
        }
        NaiveDate::from_ymd_opt(year, month, 1).map(|first_day| InvoiceMonth { first_day })
    }

    /// The month `t` falls in.
    pub fn of(t: DateTime<Utc>) -> InvoiceMonth {
        let d = t.date_naive();
        InvoiceMonth {
            first_day: NaiveDate::from_ymd_opt(d.year(), d.month(), 1).expect("day 1 exists"),
        }
    }

    pub fn start(self) -> DateTime<Utc> {
        self.first_day.and_time(chrono::NaiveTime::MIN).and_utc()
    }

    pub fn next(self) -> InvoiceMonth {
        InvoiceMonth {
            first_day: self
                .first_day
                .checked_add_months(Months::new(1))
                .unwrap_or(self.first_day),
        }
    }

    pub fn previous(self) -> InvoiceMonth {
        InvoiceMonth {
            first_day: self
                .first_day
                .checked_sub_months(Months::new(1))
                .unwrap_or(self.first_day),
        }
    }
}

impl fmt::Display for InvoiceMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}",
            self.first_day.year(),
            self.first_day.month()
        )
    }
}

open_enum! {
    pub enum InvoiceLineKind {
        Charge = "charge",
        Credit = "credit",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceLine {
    pub kind: InvoiceLineKind,
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub description: String,
    /// Credits are negative.
    pub amount: Amount,
    pub currency: Currency,
    /// When the order was placed, or the credit booked.
    pub date: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrencyTotals {
    pub currency: Currency,
    pub charges: Amount,
    /// Negative, or zero.
    pub credits: Amount,
    pub net: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invoice {
    /// `YYYY-MM`.
    pub month: String,
    pub lines: Vec<InvoiceLine>,
    pub totals: Vec<CurrencyTotals>,
}

/// Totals per currency, in currency order: charges, credits and their sum.
pub fn totals(lines: &[(InvoiceLineKind, Money)]) -> Vec<CurrencyTotals> {
    let mut currencies: Vec<Currency> = lines.iter().map(|(_, m)| m.currency()).collect();
    currencies.sort();
    currencies.dedup();
    currencies
        .into_iter()
        .map(|currency| {
            let sum = |kind: &InvoiceLineKind| {
                let minor: i64 = lines
                    .iter()
                    .filter(|(k, m)| k == kind && m.currency() == currency)
                    .map(|(_, m)| m.minor())
                    .fold(0i64, i64::saturating_add);
                Money::from_minor(minor, currency)
            };
            let charges = sum(&InvoiceLineKind::Charge);
            let credits = sum(&InvoiceLineKind::Credit);
            let net = Money::from_minor(charges.minor().saturating_add(credits.minor()), currency);
            CurrencyTotals {
                currency,
                charges: charges.amount(),
                credits: credits.amount(),
                net: net.amount(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_strictly_and_step() {
        let m = InvoiceMonth::parse("2026-12").unwrap();
        assert_eq!(m.to_string(), "2026-12");
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(m.previous().to_string(), "2026-11");
        assert_eq!(m.start().to_rfc3339(), "2026-12-01T00:00:00+00:00");
        for bad in [
            "2026-13", "2026-1", "26-11", "1999-12", "+2026-1", "2026/11", "2026-00", "",
        ] {
            assert_eq!(InvoiceMonth::parse(bad), None, "{bad}");
        }
        assert_eq!(
            InvoiceMonth::of("2026-02-28T23:59:59Z".parse().unwrap()).to_string(),
            "2026-02"
        );
    }

    #[test]
    fn totals_are_per_currency_with_credits_negative() {
        let usd = |m| Money::from_minor(m, Currency::USD);
        let jpy = |m| Money::from_minor(m, Currency::JPY);
        let lines = [
            (InvoiceLineKind::Charge, usd(100_00)),
            (InvoiceLineKind::Charge, usd(50_25)),
            (InvoiceLineKind::Credit, usd(-20_00)),
            (InvoiceLineKind::Charge, jpy(120_000)),
        ];
        let totals = totals(&lines);
        assert_eq!(totals.len(), 2);
        let usd_totals = totals.iter().find(|t| t.currency == Currency::USD).unwrap();
        assert_eq!(
            (
                usd_totals.charges.as_str(),
                usd_totals.credits.as_str(),
                usd_totals.net.as_str()
            ),
            ("150.25", "-20.00", "130.25")
        );
        let yen = totals.iter().find(|t| t.currency == Currency::JPY).unwrap();
        assert_eq!(
            (yen.charges.as_str(), yen.credits.as_str(), yen.net.as_str()),
            ("120000", "0", "120000")
        );
    }
}
