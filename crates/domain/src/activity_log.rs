//! The activity log of key reveals and downloads (SPEC R-LOG).

use serde::{Deserialize, Serialize};

/// The longest date range one request may cover (SPEC §10).
pub const MAX_RANGE_DAYS: i64 = 90;

/// The range shown when none is asked for: the last 30 days, as Partner Center does.
pub const DEFAULT_RANGE_DAYS: i64 = 30;

/// What a customer user did with software bought for its tenant (R-KEY-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityLogEntry {
    /// RFC 3339 time, UTC.
    pub at: String,
    /// `key_revealed` or `software_downloaded`; clients must tolerate other values.
    pub action: String,
    pub user_email: String,
    pub customer_id: String,
    pub customer_name: String,
    pub purchase_id: String,
    pub product_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityLogPage {
    pub items: Vec<ActivityLogEntry>,
    /// The range searched, `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
}

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct ActivityLogQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Checks an inclusive range of whole days, given as day numbers (e.g. days since an epoch),
/// so the rule stays free of any date library. Returns the message for `invalid_date_range`.
pub fn check_range(from_day: i64, to_day: i64) -> Result<(), String> {
    if to_day < from_day {
        return Err("The end date is before the start date.".into());
    }
    if to_day - from_day + 1 > MAX_RANGE_DAYS {
        return Err(format!("A date range can cover at most {MAX_RANGE_DAYS} days."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_up_to_90_days_inclusive_are_accepted() {
        assert!(check_range(10, 10).is_ok());
        assert!(check_range(0, 89).is_ok());
        assert!(check_range(0, 90).is_err());
    }

    #[test]
    fn inverted_ranges_are_refused() {
        assert!(check_range(5, 4).is_err());
    }
}
