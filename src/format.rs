//! Dates as people read them. The API speaks RFC 3339 in UTC; the app shows times in the
//! browser's time zone and says which zone that is. Date ranges (activity log) stay in UTC,
//! as the API defines them.
//!
//! Formatting is written out by hand: chrono's `format` machinery costs tens of KB of wasm
//! for three fixed layouts.

use chrono::{DateTime, Datelike, Days, Local, NaiveDate, Timelike, Utc};

fn parse_local(rfc3339: &str) -> Option<DateTime<Local>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Local))
}

/// `2025-05-14 13:05` in local time; the raw value if it is not a valid timestamp.
pub fn local_date_time(rfc3339: &str) -> String {
    match parse_local(rfc3339) {
        Some(t) => format!("{} {:02}:{:02}", iso(t.date_naive()), t.hour(), t.minute()),
        None => rfc3339.to_string(),
    }
}

/// `2025-05-14` in local time; the raw value if it is not a valid timestamp.
pub fn local_date(rfc3339: &str) -> String {
    parse_local(rfc3339)
        .map(|t| iso(t.date_naive()))
        .unwrap_or_else(|| rfc3339.to_string())
}

/// The browser's current UTC offset, e.g. `UTC+02:00`.
pub fn local_zone() -> String {
    let seconds = Local::now().offset().local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The last `days` days up to today, UTC, inclusive, as `YYYY-MM-DD`.
pub fn last_days_utc(days: u64) -> (String, String) {
    let today: NaiveDate = Utc::now().date_naive();
    let from = today
        .checked_sub_days(Days::new(days.saturating_sub(1)))
        .unwrap_or(today);
    (iso(from), iso(today))
}

fn iso(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}
