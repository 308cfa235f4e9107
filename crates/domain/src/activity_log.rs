//! The activity log of key reveals and downloads (SPEC R-LOG).

use std::fmt;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::ids::{CustomerId, PurchaseId};
use crate::open_enum::open_enum;

/// The longest date range one request may cover (SPEC §10).
pub const MAX_RANGE_DAYS: u64 = 90;

/// The range shown when none is asked for: the last 30 days, as Partner Center does.
pub const DEFAULT_RANGE_DAYS: u64 = 30;

open_enum! {
    /// What a customer user did with software bought for its tenant (R-KEY-2).
    pub enum ActivityAction {
        KeyRevealed = "key_revealed",
        SoftwareDownloaded = "software_downloaded",
    }
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityLogEntry {
    /// When it happened, UTC.
    pub at: DateTime<Utc>,
    pub action: ActivityAction,
    pub user_email: Email,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub purchase_id: PurchaseId,
    pub product_name: String,
    /// The address the request came from.
    #[serde(default)]
    pub client_ip: String,
}

/// One page of the log in a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityLogPage {
    /// Oldest first.
    pub items: Vec<ActivityLogEntry>,
    /// The range searched, inclusive, UTC.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Entries in the whole range.
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
}

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD` as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct ActivityLogQuery {
    /// First day, inclusive, UTC (default: 29 days before `to`).
    #[cfg_attr(feature = "openapi", param(format = Date, example = "2026-11-01"))]
    pub from: Option<String>,
    /// Last day, inclusive, UTC (default: today).
    #[cfg_attr(feature = "openapi", param(format = Date, example = "2026-11-30"))]
    pub to: Option<String>,
    /// 1-based page of the JSON list (default 1); the CSV has every entry of the range.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100000))]
    pub page: Option<u32>,
    /// Entries per page (default 25, at most 100).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub page_size: Option<u32>,
}

/// An inclusive range of whole UTC days of at most [`MAX_RANGE_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

/// Why a range is refused (`invalid_date_range`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeError {
    /// Not a date of the form `2026-11-24`.
    NotADate {
        field: &'static str,
        value: String,
    },
    Inverted,
    TooLong,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RangeError::NotADate { field, value } => {
                write!(f, "{field} must be a date like 2026-11-24, not {value:?}.")
            }
            RangeError::Inverted => f.write_str("The end date is before the start date."),
            RangeError::TooLong => {
                write!(f, "A date range can cover at most {MAX_RANGE_DAYS} days.")
            }
        }
    }
}

/// `YYYY-MM-DD` exactly: a four-digit year, so no date arithmetic can leave chrono's range.
pub fn parse_day(value: &str) -> Option<NaiveDate> {
    let b = value.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

impl DateRange {
    /// Reads a requested range; missing ends default to the last [`DEFAULT_RANGE_DAYS`] days
    /// up to `today`.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<DateRange, RangeError> {
        let day =
            |field: &'static str, value: Option<&str>| -> Result<Option<NaiveDate>, RangeError> {
                match value {
                    None => Ok(None),
                    Some(v) => parse_day(v).map(Some).ok_or_else(|| RangeError::NotADate {
                        field,
                        value: v.to_string(),
                    }),
                }
            };
        let to = day("to", to)?.unwrap_or(today);
        let from = match day("from", from)? {
            Some(from) => from,
            None => to
                .checked_sub_days(Days::new(DEFAULT_RANGE_DAYS - 1))
                .unwrap_or(NaiveDate::MIN),
        };
        DateRange::new(from, to)
    }

    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, RangeError> {
        if to < from {
            return Err(RangeError::Inverted);
        }
        if (to - from).num_days() + 1 > MAX_RANGE_DAYS as i64 {
            return Err(RangeError::TooLong);
        }
        Ok(DateRange { from, to })
    }

    /// The default range: the last 30 days up to `today`, inclusive.
    pub fn last_days_until(today: NaiveDate) -> DateRange {
        let from = today
            .checked_sub_days(Days::new(DEFAULT_RANGE_DAYS - 1))
            .unwrap_or(today);
        DateRange { from, to: today }
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// The first instant of the range.
    pub fn start(&self) -> DateTime<Utc> {
        self.from.and_time(chrono::NaiveTime::MIN).and_utc()
    }

    /// The first instant after the range, or `None` at the end of the calendar.
    pub fn end_exclusive(&self) -> Option<DateTime<Utc>> {
        self.to
            .checked_add_days(Days::new(1))
            .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    #[test]
    fn ranges_up_to_90_days_inclusive_are_accepted() {
        assert!(DateRange::new(day("2026-01-10"), day("2026-01-10")).is_ok());
        assert!(
            DateRange::new(day("2026-01-01"), day("2026-03-31")).is_ok(),
            "90 days"
        );
        assert_eq!(
            DateRange::new(day("2026-01-01"), day("2026-04-01")),
            Err(RangeError::TooLong)
        );
    }

    #[test]
    fn inverted_ranges_are_refused() {
        assert_eq!(
            DateRange::new(day("2026-01-05"), day("2026-01-04")),
            Err(RangeError::Inverted)
        );
    }

    #[test]
    fn defaults_to_the_last_30_days() {
        let today = day("2026-11-24");
        let r = DateRange::parse(None, None, today).unwrap();
        assert_eq!((r.from(), r.to()), (day("2026-10-26"), today));
        assert_eq!(DateRange::last_days_until(today), r);
        let r = DateRange::parse(None, Some("2026-02-01"), today).unwrap();
        assert_eq!(r.from(), day("2026-01-03"));
    }

    #[test]
    fn only_plain_four_digit_dates_are_dates() {
        let today = day("2026-11-24");
        for bad in [
            "",
            " 2026-11-24",
            "24/11/2026",
            "+262142-12-31",
            "-262143-01-01",
            "2026-1-5",
            "2026-02-30",
            "20261124",
            "２０２６-11-24",
        ] {
            assert!(parse_day(bad).is_none(), "{bad}");
            assert!(matches!(
                DateRange::parse(Some(bad), None, today),
                Err(RangeError::NotADate { field: "from", .. })
            ));
        }
    }

    #[test]
    fn the_ends_of_the_calendar_do_not_overflow() {
        let r =
            DateRange::parse(Some("9999-12-31"), Some("9999-12-31"), day("2026-11-24")).unwrap();
        assert!(r.end_exclusive().is_some());
        let r = DateRange::parse(None, Some("0000-01-01"), day("2026-11-24")).unwrap();
        assert_eq!(r.to(), day("0000-01-01"));
        assert_eq!(
            DateRange::new(day("2026-03-01"), day("2026-03-01"))
                .unwrap()
                .start()
                .to_rfc3339(),
            "2026-03-01T00:00:00+00:00"
        );
    }
}
