//! Dates and money as people read them. The API speaks UTC; the app shows times in the
//! browser's time zone and says which zone that is. Date ranges (activity log) stay in UTC,
//! as the API defines them.
//!
//! Formatting is written out by hand: chrono's `format` machinery costs tens of KB of wasm
//! for three fixed layouts.

use chrono::{DateTime, Datelike, Local, NaiveDate, Timelike, Utc};
use csp_domain::{Amount, Currency};

/// `2025-05-14 13:05` in local time.
pub fn local_date_time(t: DateTime<Utc>) -> String {
    let t = t.with_timezone(&Local);
    format!("{} {:02}:{:02}", iso(t.date_naive()), t.hour(), t.minute())
}

/// `2025-05-14` in local time.
pub fn local_date(t: DateTime<Utc>) -> String {
    iso(t.with_timezone(&Local).date_naive())
}

/// The browser's current UTC offset, e.g. `UTC+02:00`.
pub fn local_zone() -> String {
    local_zone_at(Utc::now())
}

/// The browser's UTC offset at `t` (which daylight saving time may change), e.g. `UTC-04:00`.
pub fn local_zone_at(t: DateTime<Utc>) -> String {
    let seconds = t.with_timezone(&Local).offset().local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Today in UTC, the calendar of the API's date ranges.
pub fn today_utc() -> NaiveDate {
    Utc::now().date_naive()
}

/// `YYYY-MM-DD`.
pub fn iso(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// RFC 3339, for `<time datetime>`.
pub fn machine_time(t: DateTime<Utc>) -> String {
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        iso(t.date_naive()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `USD 1,234.56`, `JPY 120,000`; the wire text when it does not fit the currency.
pub fn money(amount: &Amount, currency: Currency) -> String {
    amount
        .to_money(currency)
        .map(|m| m.to_string())
        .unwrap_or_else(|_| format!("{currency} {amount}"))
}

/// `2026-12-10 00:00` in UTC, for deadlines the API defines in UTC.
pub fn utc_date_time(t: DateTime<Utc>) -> String {
    format!("{} {:02}:{:02}", iso(t.date_naive()), t.hour(), t.minute())
}

/// `1.4 MB`, `256 KB`, `512 B`.
pub fn file_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    match bytes {
        b if b >= MB => format!("{}.{} MB", b / MB, (b % MB) * 10 / MB),
        b if b >= KB => format!("{} KB", b.div_ceil(KB)),
        b => format!("{b} B"),
    }
}
