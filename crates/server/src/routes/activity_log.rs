//! `/api/v1/activity-log`: who revealed keys or downloaded software, and when (R-LOG); and
//! `/api/v1/user-changes`: who changed which of the partner's users how.

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use csp_domain::account::UserChangeList;
use csp_domain::csv::Csv;
use csp_domain::{
    ActivityLogEntry, ActivityLogPage, ActivityLogQuery, Area, DateRange, ErrorCode, PageQuery,
};
use serde::Deserialize;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::{wants_csv, ApiQuery, Audited};
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::{accounts, activity_log};
use csp_domain::audit::AuditAction;

/// `ActivityLogQuery` and `format` (not flattened: a flattened query cannot read numbers).
#[derive(Deserialize)]
pub struct FormatQuery {
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
    page_size: Option<u32>,
    /// `csv` does what `Accept: text/csv` does, for plain download links.
    format: Option<String>,
}

/// Entries in an inclusive UTC date range of at most 90 days (default: the last 30 days).
/// With `Accept: text/csv` (or `format=csv`) the same rows come as a CSV file.
#[utoipa::path(get, path = "/api/v1/activity-log", tag = "activity log", params(ActivityLogQuery,
        ("format" = Option<String>, Query, description = "`csv` for a CSV download", pattern = "^csv$")),
    responses(
        (status = 200, description = "The entries (JSON), or with `Accept: text/csv` or `format=csv` the same rows as CSV",
            content((ActivityLogPage = "application/json"), (String = "text/csv"))),
        (status = 400, description = "`invalid_date_range` or `bad_request`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs Global admin, Account admin, Referral admin or Marketing content admin", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<FormatQuery>,
) -> ApiResult<Response> {
    let partner = user.partner(Area::ActivityLog)?;
    let today = state.clock.now().date_naive();
    let range = DateRange::parse(query.from.as_deref(), query.to.as_deref(), today)
        .map_err(|e| AppError::new(ErrorCode::InvalidDateRange, e.to_string()))?;
    let wants_csv = wants_csv(query.format.as_deref(), &headers)?;
    let page = PageQuery {
        q: None,
        page: query.page,
        page_size: query.page_size,
    }
    .check()
    .map_err(AppError::bad_request)?;
    let mut conn = state.db.conn().await?;
    if wants_csv {
        // The whole range, not just a page.
        let (items, _) = activity_log::list(
            &mut conn,
            partner,
            range.start(),
            range.end_exclusive(),
            None,
        )
        .await?;
        audit::record(
            &mut conn,
            &actor,
            Event::new(AuditAction::ActivityLogExported, "activity_log", "csv").detail(format!(
                "from {} to {}",
                range.from(),
                range.to()
            )),
            state.clock.now(),
        )
        .await?;
        let filename = format!(
            "attachment; filename=\"activity-log-{}-to-{}.csv\"",
            range.from(),
            range.to()
        );
        return Ok((
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (CONTENT_DISPOSITION, filename),
            ],
            to_csv(&items),
        )
            .into_response());
    }
    let (items, total) = activity_log::list(
        &mut conn,
        partner,
        range.start(),
        range.end_exclusive(),
        Some(&page),
    )
    .await?;
    Ok(Json(ActivityLogPage {
        items,
        from: range.from(),
        to: range.to(),
        total,
        page: page.page(),
        page_size: page.page_size(),
    })
    .into_response())
}

/// RFC 4180 CSV with the columns Partner Center's export has.
fn to_csv(items: &[ActivityLogEntry]) -> String {
    let mut csv = Csv::with_header(&[
        "at",
        "action",
        "user_email",
        "customer_id",
        "customer_name",
        "purchase_id",
        "product_name",
        "client_ip",
    ]);
    for e in items {
        csv.text(&crate::store::db_time(e.at));
        csv.text(e.action.as_str());
        csv.text(e.user_email.as_str());
        csv.text(e.customer_id.as_str());
        csv.text(&e.customer_name);
        csv.text(e.purchase_id.as_str());
        csv.text(&e.product_name);
        csv.text(&e.client_ip);
        csv.end_row();
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use csp_domain::{ActivityAction, CustomerId, Email, PurchaseId};

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let entry = ActivityLogEntry {
            at: "2026-11-24T10:00:00Z".parse().unwrap(),
            action: ActivityAction::KeyRevealed,
            user_email: Email::parse("a@b.example").unwrap(),
            customer_id: CustomerId::parse(id).unwrap(),
            customer_name: "Say \"hi\"".into(),
            purchase_id: PurchaseId::parse(id).unwrap(),
            product_name: "=HYPERLINK()".into(),
            client_ip: "203.0.113.9".into(),
        };
        let csv = to_csv(&[entry]);
        assert!(csv.contains("\"Say \"\"hi\"\"\""));
        assert!(csv.contains("\"'=HYPERLINK()\""));
        assert!(csv.contains("\"2026-11-24T10:00:00.000Z\""));
    }
}

/// The organisation's latest 200 changes of users — invitations, roles, (de)activations,
/// passwords and two-step sign-in — with who made each and from where: a partner's, for the
/// roles that read the activity log (R-ROLE-3); the support agents', for support leads.
#[utoipa::path(get, path = "/api/v1/user-changes", tag = "activity log",
    responses(
        (status = 200, body = UserChangeList),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs Global admin, Account admin, Referral admin or Marketing content admin (Support lead for support agents)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn user_changes(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<UserChangeList>> {
    let org = match &user.principal {
        csp_domain::Principal::Support { .. } => {
            user.require(csp_domain::Permission::ManageSupportAgents)?;
            accounts::Org::Support
        }
        _ => accounts::Org::Partner(user.partner(Area::ActivityLog)?),
    };
    let items = accounts::list_changes(&mut *state.db.conn().await?, org, 200).await?;
    Ok(Json(UserChangeList { items }))
}
