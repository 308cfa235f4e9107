//! Monthly invoices (R-INV-1): charges for orders placed in the month, credits booked in the
//! month before (cancellations and approved refunds), totals per currency and tax basis, the
//! invoice's number and dates, and its reconciliation file.

use std::fmt;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::csv::Csv;
use crate::ids::{CustomerId, OrderId, PartnerId};
use crate::ledger::CreditSource;
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
    /// Whether the amount includes tax (R-CAT-3: the customer's market, Australia and Brazil).
    pub tax_inclusive: bool,
    /// When the order was placed, or the credit booked.
    pub date: DateTime<Utc>,
    /// With a credit: what it came from.
    pub source: Option<CreditSource>,
    /// With a credit: the id of its cancellation or support request.
    pub source_id: Option<String>,
}

/// The sums of one currency and tax basis: amounts that include tax are never added to
/// amounts that do not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrencyTotals {
    pub currency: Currency,
    /// Whether these amounts include tax.
    pub tax_inclusive: bool,
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
    /// The invoice number, e.g. `INV-202611-3F2A9C1B`: the month and the partner.
    pub number: String,
    /// Issued on the first day after the month it covers.
    pub issued_on: NaiveDate,
    /// Payment is due [`PAYMENT_TERM_DAYS`] days after issue.
    pub due_on: NaiveDate,
    pub lines: Vec<InvoiceLine>,
    pub totals: Vec<CurrencyTotals>,
}

/// Days between an invoice's issue and its due date.
pub const PAYMENT_TERM_DAYS: u64 = 30;

impl Invoice {
    /// The invoice of `partner` for `month`, with its number and dates, totals from `lines`.
    pub fn new(partner: &PartnerId, month: InvoiceMonth, lines: Vec<InvoiceLine>) -> Invoice {
        let issued_on = month.next().first_day;
        let amounts: Vec<_> = lines
            .iter()
            .filter_map(|l| {
                let money = l.amount.to_money(l.currency).ok()?;
                Some((l.kind.clone(), l.tax_inclusive, money))
            })
            .collect();
        Invoice {
            month: month.to_string(),
            number: invoice_number(partner, month),
            issued_on,
            due_on: issued_on
                .checked_add_days(Days::new(PAYMENT_TERM_DAYS))
                .unwrap_or(issued_on),
            totals: totals(&amounts),
            lines,
        }
    }

    /// The reconciliation file: one row per charge and per credit, each credit tied to its
    /// order and to the cancellation or support request it came from. RFC 4180, every text
    /// cell defused against spreadsheet formulas, amounts as plain decimals.
    pub fn reconciliation_csv(&self) -> String {
        let mut csv = Csv::with_header(&[
            "invoice_number",
            "month",
            "kind",
            "date",
            "customer_id",
            "customer_name",
            "order_id",
            "description",
            "amount",
            "currency",
            "tax_inclusive",
            "source",
            "source_id",
        ]);
        for line in &self.lines {
            csv.text(&self.number);
            csv.text(&self.month);
            csv.text(line.kind.as_str());
            csv.text(&line.date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            csv.text(line.customer_id.as_str());
            csv.text(&line.customer_name);
            csv.text(line.order_id.as_str());
            csv.text(&line.description);
            csv.number(&line.amount);
            csv.text(line.currency.code());
            csv.text(if line.tax_inclusive { "true" } else { "false" });
            csv.text(line.source.as_ref().map(CreditSource::as_str).unwrap_or(""));
            csv.text(line.source_id.as_deref().unwrap_or(""));
            csv.end_row();
        }
        csv.finish()
    }
}

/// `INV-<YYYYMM>-<the partner id's first 8 hex digits>`: the same number every time the
/// invoice is shown, different per partner and month.
pub fn invoice_number(partner: &PartnerId, month: InvoiceMonth) -> String {
    let short: String = partner
        .as_str()
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(8)
        .collect::<String>()
        .to_ascii_uppercase();
    format!(
        "INV-{:04}{:02}-{short}",
        month.first_day.year(),
        month.first_day.month()
    )
}

/// Totals per currency and tax basis, in currency order: charges, credits and their sum.
pub fn totals(lines: &[(InvoiceLineKind, bool, Money)]) -> Vec<CurrencyTotals> {
    let mut groups: Vec<(Currency, bool)> =
        lines.iter().map(|(_, t, m)| (m.currency(), *t)).collect();
    groups.sort();
    groups.dedup();
    groups
        .into_iter()
        .map(|(currency, tax_inclusive)| {
            let sum = |kind: &InvoiceLineKind| {
                let minor: i64 = lines
                    .iter()
                    .filter(|(k, t, m)| {
                        k == kind && *t == tax_inclusive && m.currency() == currency
                    })
                    .map(|(_, _, m)| m.minor())
                    .fold(0i64, i64::saturating_add);
                Money::from_minor(minor, currency)
            };
            let charges = sum(&InvoiceLineKind::Charge);
            let credits = sum(&InvoiceLineKind::Credit);
            let net = Money::from_minor(charges.minor().saturating_add(credits.minor()), currency);
            CurrencyTotals {
                currency,
                tax_inclusive,
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
    fn totals_are_per_currency_and_tax_basis_with_credits_negative() {
        let usd = |m| Money::from_minor(m, Currency::USD);
        let jpy = |m| Money::from_minor(m, Currency::JPY);
        let aud = |m| Money::from_minor(m, Currency::parse("AUD").unwrap());
        let lines = [
            (InvoiceLineKind::Charge, false, usd(100_00)),
            (InvoiceLineKind::Charge, false, usd(50_25)),
            (InvoiceLineKind::Credit, false, usd(-20_00)),
            (InvoiceLineKind::Charge, false, jpy(120_000)),
            (InvoiceLineKind::Charge, true, aud(110_00)),
            (InvoiceLineKind::Charge, false, aud(10_00)),
        ];
        let totals = totals(&lines);
        assert_eq!(totals.len(), 4);
        let usd_totals = totals.iter().find(|t| t.currency == Currency::USD).unwrap();
        assert_eq!(
            (
                usd_totals.charges.as_str(),
                usd_totals.credits.as_str(),
                usd_totals.net.as_str(),
                usd_totals.tax_inclusive
            ),
            ("150.25", "-20.00", "130.25", false)
        );
        let yen = totals.iter().find(|t| t.currency == Currency::JPY).unwrap();
        assert_eq!(
            (yen.charges.as_str(), yen.credits.as_str(), yen.net.as_str()),
            ("120000", "0", "120000")
        );
        let aud_incl = totals
            .iter()
            .find(|t| t.currency.code() == "AUD" && t.tax_inclusive)
            .unwrap();
        assert_eq!(
            aud_incl.charges.as_str(),
            "110.00",
            "never mixed with excl. tax"
        );
    }

    fn line(kind: InvoiceLineKind, amount: &str, source: Option<CreditSource>) -> InvoiceLine {
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        InvoiceLine {
            kind,
            order_id: OrderId::parse(id).unwrap(),
            customer_id: CustomerId::parse(id).unwrap(),
            customer_name: "=Contoso \"Ltd\"".into(),
            description: "Windows Server 2022".into(),
            amount: Amount::try_from(amount.to_string()).unwrap(),
            currency: Currency::USD,
            tax_inclusive: false,
            date: "2026-11-03T10:00:00Z".parse().unwrap(),
            source_id: source.as_ref().map(|_| "c-1".to_string()),
            source,
        }
    }

    #[test]
    fn an_invoice_has_a_number_an_issue_and_a_due_date() {
        let partner = PartnerId::parse("3f2a9c1b-0000-4000-8000-000000000001").unwrap();
        let month = InvoiceMonth::parse("2026-11").unwrap();
        let invoice = Invoice::new(
            &partner,
            month,
            vec![line(InvoiceLineKind::Charge, "10.00", None)],
        );
        assert_eq!(invoice.number, "INV-202611-3F2A9C1B");
        assert_eq!(invoice.issued_on.to_string(), "2026-12-01");
        assert_eq!(invoice.due_on.to_string(), "2026-12-31");
        assert_eq!(invoice.totals[0].net.as_str(), "10.00");
        let december = Invoice::new(&partner, month.next(), vec![]);
        assert_eq!(december.number, "INV-202612-3F2A9C1B");
        assert_eq!(december.issued_on.to_string(), "2027-01-01");
    }

    #[test]
    fn the_reconciliation_file_ties_each_credit_to_its_source() {
        let partner = PartnerId::parse("3f2a9c1b-0000-4000-8000-000000000001").unwrap();
        let invoice = Invoice::new(
            &partner,
            InvoiceMonth::parse("2026-11").unwrap(),
            vec![
                line(InvoiceLineKind::Charge, "2462.00", None),
                line(
                    InvoiceLineKind::Credit,
                    "-462.00",
                    Some(CreditSource::SupportRequest),
                ),
            ],
        );
        let csv = invoice.reconciliation_csv();
        let rows: Vec<&str> = csv.split("\r\n").filter(|r| !r.is_empty()).collect();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].starts_with("invoice_number,month,kind,date,"));
        assert!(
            rows[2].contains(",\"-462.00\","),
            "amounts are not defused: {}",
            rows[2]
        );
        assert!(
            rows[2].ends_with("\"support_request\",\"c-1\""),
            "{}",
            rows[2]
        );
        assert!(
            rows[1].contains("\"'=Contoso \"\"Ltd\"\"\""),
            "formulas defused: {}",
            rows[1]
        );
        assert!(rows[1].ends_with(",\"\",\"\""), "a charge has no source");
    }
}
