//! `/api/v1/audit-log`: the audit trail — every state-changing action of a partner's users
//! (and what support did for the partner), newest first, for the roles of R-ROLE-3; support
//! leads read the support organisation's agents'. As CSV it is streamed page by page, never
//! built whole in memory.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, NaiveTime};
use csp_domain::audit::{AuditAction, AuditEntry, AuditLogPage, MAX_PAGE_SIZE};
use csp_domain::csv::Csv;
use csp_domain::{Area, CustomerId, ErrorCode, Permission, Principal};
use serde::Deserialize;

use crate::http::error::{ApiResult, AppError};
use crate::http::extract::{wants_csv, ApiQuery, Audited};
use crate::state::AppState;
use crate::store::audit::{self, Event, Filter, Trail};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// First day, `YYYY-MM-DD` (UTC), inclusive.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    to: Option<String>,
    /// Only what this address did.
    actor: Option<String>,
    /// Only this action (`order_placed`, …).
    action: Option<String>,
    /// Only what concerns this customer (its id).
    customer: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// At most 500; 100 unless said.
    #[param(minimum = 1, maximum = 500)]
    page_size: Option<u32>,
    /// `csv` does what `Accept: text/csv` does, for plain download links.
    format: Option<String>,
}

fn day(raw: Option<&str>, name: &str) -> Result<Option<NaiveDate>, AppError> {
    raw.filter(|d| !d.is_empty())
        .map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                AppError::new(
                    ErrorCode::InvalidDateRange,
                    format!("{name} must be a date such as 2026-12-31."),
                )
            })
        })
        .transpose()
}

/// A filter as sent, when it is not empty: refused with 400 unless `valid` (a `cursor` is a
/// `next_cursor`, a `customer` an id, an `action` one of the trail's).
fn checked(
    value: Option<String>,
    name: &str,
    valid: impl Fn(&str) -> bool,
) -> Result<Option<String>, AppError> {
    match value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    {
        Some(v) if valid(&v) => Ok(Some(v)),
        Some(_) => Err(AppError::bad_request(format!(
            "{name} is not one this list knows."
        ))),
        None => Ok(None),
    }
}

/// The trail, newest first, one page at a time (keyset: `next_cursor`), narrowed by day range,
/// actor, action and customer. With `Accept: text/csv` (or `format=csv`) every matching entry
/// as a CSV file, streamed (formula-like cells defused); the export itself is recorded.
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "activity log", params(AuditQuery),
    responses(
        (status = 200, description = "The entries (JSON), or with `Accept: text/csv` or `format=csv` all of them as CSV",
            content((AuditLogPage = "application/json"), (String = "text/csv"))),
        (status = 400, description = "`invalid_date_range` or `bad_request`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs Global admin, Account admin, Referral admin or Marketing content admin (a support lead for the support organisation's)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    audited: Audited,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Response> {
    let Audited { user, actor } = audited;
    let trail = match user.enter(Area::AuditLog)? {
        Principal::Partner { partner, .. } => Trail::Partner(partner.clone()),
        _ => {
            user.require(Permission::ManageSupportAgents)?;
            Trail::Support
        }
    };
    let from = day(query.from.as_deref(), "from")?;
    let to = day(query.to.as_deref(), "to")?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(AppError::new(
                ErrorCode::InvalidDateRange,
                "from must not be after to.",
            ));
        }
    }
    let wants_csv = wants_csv(query.format.as_deref(), &headers)?;
    let page_size = query.page_size.unwrap_or(100);
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(AppError::bad_request(format!(
            "page_size must be between 1 and {MAX_PAGE_SIZE}."
        )));
    }
    let filter = Filter {
        from: from.map(|d| d.and_time(NaiveTime::MIN).and_utc()),
        until: to
            .and_then(|d| d.succ_opt())
            .map(|d| d.and_time(NaiveTime::MIN).and_utc()),
        actor_email: checked(query.actor, "actor", |a| {
            a.len() <= 254 && !a.chars().any(char::is_control)
        })?,
        action: checked(query.action, "action", |a| {
            !matches!(AuditAction::parse(a), AuditAction::Unknown(_))
        })?,
        customer: checked(query.customer, "customer", |c| CustomerId::parse(c).is_ok())?,
        before_id: checked(query.cursor, "cursor", |c| uuid::Uuid::parse_str(c).is_ok())?,
    };
    if wants_csv {
        // The export is an action too: recorded before the first row leaves.
        let mut conn = state.db.conn().await?;
        audit::record(
            &mut conn,
            &actor,
            Event::new(AuditAction::AuditLogExported, "audit_log", "csv").detail(format!(
                "from {} to {}",
                from.map_or("the start".into(), |d| d.to_string()),
                to.map_or("today".into(), |d| d.to_string())
            )),
            state.clock.now(),
        )
        .await?;
        drop(conn);
        let name = format!(
            "attachment; filename=\"audit-log-{}.csv\"",
            state.clock.now().date_naive()
        );
        return Ok((
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (CONTENT_DISPOSITION, name),
            ],
            stream_csv(state, trail, filter),
        )
            .into_response());
    }
    let mut conn = state.db.conn().await?;
    let items = audit::list(&mut conn, &trail, &filter, page_size).await?;
    let next_cursor = (items.len() == page_size as usize)
        .then(|| items.last().map(|e| e.id.clone()))
        .flatten();
    Ok(Json(AuditLogPage { items, next_cursor }).into_response())
}

/// Every matching entry, 500 at a time.
fn stream_csv(state: AppState, trail: Trail, filter: Filter) -> Body {
    const PAGE: u32 = 500;
    let trail = std::sync::Arc::new(trail);
    crate::http::csv::paged(
        &[
            "at",
            "actor_kind",
            "actor_email",
            "action",
            "target_type",
            "target_id",
            "customer_id",
            "detail",
            "client_ip",
            "request_id",
        ],
        filter,
        move |mut filter: Filter| {
            let (state, trail) = (state.clone(), trail.clone());
            async move {
                let mut conn = state.db.conn().await?;
                let page = audit::list(&mut conn, &trail, &filter, PAGE).await?;
                let next = match page.last() {
                    Some(last) if page.len() == PAGE as usize => {
                        filter.before_id = Some(last.id.clone());
                        Some(filter)
                    }
                    _ => None,
                };
                Ok((page, next))
            }
        },
        row,
        "audit trail",
    )
}

fn row(csv: &mut Csv, e: &AuditEntry) {
    csv.text(&crate::store::db_time(e.at));
    csv.text(&e.actor_kind);
    csv.text(&e.actor_email);
    csv.text(e.action.as_str());
    csv.text(&e.target_type);
    csv.text(&e.target_id);
    csv.text(e.customer_id.as_deref().unwrap_or_default());
    csv.text(&e.detail);
    csv.text(&e.client_ip);
    csv.text(&e.request_id);
    csv.end_row();
}
