//! `/api/v1/activity-log`: who revealed keys or downloaded software, and when (R-LOG).

use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use csp_domain::activity_log::{check_range, DEFAULT_RANGE_DAYS};
use csp_domain::{ActivityLogEntry, ActivityLogPage, ActivityLogQuery, Permission};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::ApiQuery;
use crate::store::activity_log;

#[derive(Deserialize)]
pub struct FormatQuery {
    #[serde(flatten)]
    range: ActivityLogQuery,
    /// `csv` does what `Accept: text/csv` does, for plain download links.
    format: Option<String>,
}

/// Entries in an inclusive UTC date range of at most 90 days (default: the last 30 days).
/// With `Accept: text/csv` (or `format=csv`) the same rows come as a CSV file.
#[utoipa::path(get, path = "/api/v1/activity-log", tag = "activity log", params(ActivityLogQuery,
        ("format" = Option<String>, Query, description = "`csv` for a CSV download")),
    responses(
        (status = 200, body = ActivityLogPage, content_type = "application/json"),
        (status = 200, description = "CSV", content_type = "text/csv"),
        (status = 400, description = "`invalid_date_range`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs Global admin, Account admin, Referral admin or Marketing content admin", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<FormatQuery>,
) -> ApiResult<Response> {
    user.require(Permission::ViewActivityLog)?;
    let partner_id = user.partner_id()?;
    let (from, to) = parse_range(&query.range, Utc::now().date_naive())?;
    let items = activity_log::list(
        &state.db,
        partner_id,
        &start_of_day(from),
        &start_of_day(to + Duration::days(1)),
    )
    .await?;
    let wants_csv = query.format.as_deref() == Some("csv")
        || headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"));
    if wants_csv {
        let filename = format!("attachment; filename=\"activity-log-{from}-to-{to}.csv\"");
        return Ok((
            [(CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (CONTENT_DISPOSITION, filename)],
            to_csv(&items),
        )
            .into_response());
    }
    Ok(Json(ActivityLogPage { items, from: from.to_string(), to: to.to_string() }).into_response())
}

fn invalid_range(message: impl Into<String>) -> AppError {
    AppError::custom(StatusCode::BAD_REQUEST, "invalid_date_range", message)
}

fn parse_range(query: &ActivityLogQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
    let parse = |name: &str, value: &Option<String>| -> Result<Option<NaiveDate>, AppError> {
        value
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| invalid_range(format!("{name} must be a date like 2026-11-24, not {v:?}.")))
            })
            .transpose()
    };
    let to = parse("to", &query.to)?.unwrap_or(today);
    let from = parse("from", &query.from)?.unwrap_or(to - Duration::days(DEFAULT_RANGE_DAYS - 1));
    check_range(i64::from(from.num_days_from_ce()), i64::from(to.num_days_from_ce()))
        .map_err(invalid_range)?;
    Ok((from, to))
}

fn start_of_day(day: NaiveDate) -> String {
    crate::db::to_rfc3339(day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
}

/// RFC 4180 CSV with the columns Partner Center's export has.
fn to_csv(items: &[ActivityLogEntry]) -> String {
    fn field(value: &str) -> String {
        // Quote everything; a leading =,+,-,@ is prefixed so spreadsheets do not run it as a formula.
        let safe = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_string() };
        format!("\"{}\"", safe.replace('"', "\"\""))
    }
    let mut csv = String::from("at,action,user_email,customer_id,customer_name,purchase_id,product_name\r\n");
    for e in items {
        let row = [&e.at, &e.action, &e.user_email, &e.customer_id, &e.customer_name, &e.purchase_id, &e.product_name];
        csv.push_str(&row.map(|v| field(v)).join(","));
        csv.push_str("\r\n");
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(from: Option<&str>, to: Option<&str>) -> ActivityLogQuery {
        ActivityLogQuery { from: from.map(Into::into), to: to.map(Into::into) }
    }

    #[test]
    fn defaults_to_the_last_30_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let (from, to) = parse_range(&q(None, None), today).unwrap();
        assert_eq!((from.to_string(), to.to_string()), ("2026-10-26".into(), "2026-11-24".into()));
    }

    #[test]
    fn malformed_dates_are_invalid_ranges() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert!(parse_range(&q(Some("24/11/2026"), None), today).is_err());
        assert!(parse_range(&q(Some("2026-11-25"), Some("2026-11-24")), today).is_err());
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let entry = ActivityLogEntry {
            at: "2026-11-24T10:00:00.000Z".into(),
            action: "key_revealed".into(),
            user_email: "a@b.example".into(),
            customer_id: "c1".into(),
            customer_name: "Say \"hi\"".into(),
            purchase_id: "p1".into(),
            product_name: "=HYPERLINK()".into(),
        };
        let csv = to_csv(&[entry]);
        assert!(csv.contains("\"Say \"\"hi\"\"\""));
        assert!(csv.contains("\"'=HYPERLINK()\""));
    }
}
