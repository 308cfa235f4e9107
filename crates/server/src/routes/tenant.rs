//! `/api/v1/tenant…`: the customer admin center (R-SW-3): a customer user's own tenant, its
//! software with product keys (revealed on request) and downloads. Every reveal and download
//! is written to the partner's activity log first (R-KEY-2).

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    IF_RANGE, RANGE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use csp_domain::software::{KeyReveal, TenantSoftware, TenantSoftwareList};
use csp_domain::{
    ActivityAction, ActivityLogEntry, Customer, ErrorCode, FileId, OrderStatus, PurchaseId,
};

use crate::cases::cancelling::Quote;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::{ApiPath, ClientIp};
use crate::routes::software::to_purchase;
use crate::state::AppState;
use crate::store::customers::{self, CustomerScope};
use crate::store::orders::StoredOrder;
use crate::store::{activity_log, software, Conn};

/// The signed-in customer user's tenant.
#[utoipa::path(get, path = "/api/v1/tenant", tag = "admin center",
    responses(
        (status = 200, body = Customer),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: not a customer user", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Customer>> {
    Ok(Json(own_tenant(&mut *state.db.conn().await?, &user).await?))
}

async fn own_tenant(conn: &mut Conn, user: &CurrentUser) -> ApiResult<Customer> {
    let customer = user.tenant()?;
    customers::get(conn, &CustomerScope::Tenant(customer.clone()), customer)
        .await?
        .ok_or_else(|| AppError::not_found("Your organisation no longer exists."))
}

/// Billing → Your products → Software: everything bought for the tenant, with how many keys
/// each has and its downloads. Keys themselves come from `…/key-reveals`.
#[utoipa::path(get, path = "/api/v1/tenant/software", tag = "admin center",
    responses(
        (status = 200, body = TenantSoftwareList),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: not a customer user", body = csp_domain::ApiErrorBody),
    ))]
pub async fn software_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<TenantSoftwareList>> {
    let mut conn = state.db.conn().await?;
    let tenant = own_tenant(&mut conn, &user).await?;
    let rows = software::all_purchases(&mut conn, &tenant.id).await?;
    let mut items = Vec::with_capacity(rows.len());
    let mut quote = None;
    for (stored, line) in &rows {
        let quote = match &quote {
            Some(quote) => quote,
            None => quote
                .insert(Quote::for_partner(&mut conn, &stored.partner, state.clock.now()).await?),
        };
        let purchase = to_purchase(stored, *line, quote);
        let revoked = revocation(stored, *line).is_some();
        let (key_count, downloads) = if purchase.has_keys && !revoked {
            (
                software::key_count(&mut conn, &purchase.id).await?,
                software::downloads(&mut conn, &purchase.id).await?,
            )
        } else {
            (0, Vec::new())
        };
        items.push(TenantSoftware {
            purchase,
            key_count,
            downloads,
            revoked,
        });
    }
    Ok(Json(TenantSoftwareList {
        tenant_id: tenant.tenant_id,
        company_name: tenant.company_name,
        items,
    }))
}

/// Keys and downloads of a cancelled purchase (R-CAN-8), or of a subscription that expired,
/// no longer work, for anyone; those of a renewed one are the renewal's (and end with it):
/// the 410 `revoked` that says so.
fn revocation(stored: &StoredOrder, line: usize) -> Option<AppError> {
    let why = match stored.purchase_status(line) {
        OrderStatus::Cancelled => {
            "This purchase was cancelled: its product keys and downloads were revoked and no longer work."
        }
        OrderStatus::Expired => {
            "This subscription expired: its product keys and downloads were revoked and no longer work."
        }
        OrderStatus::Renewed => {
            "This subscription was renewed: its product keys and downloads are under the renewal."
        }
        _ => return None,
    };
    Some(AppError::new(ErrorCode::Revoked, why))
}

/// A purchase of the caller's own tenant with keys and downloads, or 404 / 410.
async fn own_keyed_purchase(
    conn: &mut Conn,
    tenant: &Customer,
    id: &PurchaseId,
) -> ApiResult<(StoredOrder, usize)> {
    let found = software::purchase(conn, &tenant.id, id).await?;
    let Some((stored, line)) =
        found.filter(|(stored, line)| stored.keyed.get(*line).copied().unwrap_or(false))
    else {
        return Err(AppError::not_found(
            "There is no such purchase with product keys for your organisation.",
        ));
    };
    if let Some(revoked) = revocation(&stored, line) {
        return Err(revoked);
    }
    Ok((stored, line))
}

fn log_entry(
    user: &CurrentUser,
    tenant: &Customer,
    stored: &StoredOrder,
    line: usize,
    action: ActivityAction,
    at: chrono::DateTime<chrono::Utc>,
    ip: &str,
) -> ActivityLogEntry {
    let item = &stored.order.line_items[line];
    ActivityLogEntry {
        at,
        action,
        user_email: user.user.email.clone(),
        customer_id: tenant.id.clone(),
        customer_name: tenant.company_name.clone(),
        purchase_id: item.purchase_id.clone(),
        product_name: item.product_name.clone(),
        client_ip: ip.to_string(),
    }
}

/// Shows the product keys of a purchase and records who saw them (R-KEY-2): the log entry
/// and the reveal are one transaction.
#[utoipa::path(post, path = "/api/v1/tenant/software/{purchase_id}/key-reveals", tag = "admin center",
    params(("purchase_id" = PurchaseId, Path, description = "Purchase id")),
    responses(
        (status = 200, body = KeyReveal),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: customer users of the tenant only", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`: no such purchase with keys in this tenant", body = csp_domain::ApiErrorBody),
        (status = 410, description = "`revoked`: the purchase was cancelled, or the subscription expired (or was renewed: its keys are under the renewal)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn reveal_keys(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<PurchaseId>,
) -> ApiResult<Json<KeyReveal>> {
    let mut tx = state.db.begin().await?;
    let tenant = own_tenant(&mut tx, &user).await?;
    let (stored, line) = own_keyed_purchase(&mut tx, &tenant, &id).await?;
    let entry = log_entry(
        &user,
        &tenant,
        &stored,
        line,
        ActivityAction::KeyRevealed,
        state.clock.now(),
        &ip,
    );
    activity_log::append(&mut tx, &stored.partner, &entry).await?;
    let product_keys = software::product_keys(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(Json(KeyReveal {
        purchase_id: id,
        product_keys,
    }))
}

/// Downloads a file of a purchase: an attachment with its length, resumable with `Range`.
/// The activity log entry is written before the first byte, once per user, file and day
/// whatever the range.
#[utoipa::path(get, path = "/api/v1/tenant/software/{purchase_id}/downloads/{file_id}", tag = "admin center",
    params(
        ("purchase_id" = PurchaseId, Path, description = "Purchase id"),
        ("file_id" = FileId, Path, description = "File id"),
        ("Range" = Option<String>, Header, description = "`bytes=START-END` to resume", pattern = "^bytes=[0-9]*-[0-9]*$"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 206, description = "The part of the file asked for", content_type = "application/octet-stream"),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: customer users of the tenant only", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
        (status = 410, description = "`revoked`: the purchase was cancelled, or the subscription expired (or was renewed: its keys are under the renewal)", body = csp_domain::ApiErrorBody),
        (status = 416, description = "`range_not_satisfiable`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiPath((id, file_id)): ApiPath<(PurchaseId, FileId)>,
) -> ApiResult<Response> {
    let mut conn = state.db.conn().await?;
    let tenant = own_tenant(&mut conn, &user).await?;
    let (stored, line) = own_keyed_purchase(&mut conn, &tenant, &id).await?;
    let (file, content) = software::file_content(&mut conn, &id, &file_id)
        .await?
        .ok_or_else(|| AppError::not_found("There is no such download for this purchase."))?;
    let etag = format!("\"{}\"", file.sha256);
    // If-Range: resume only while the file is the same; otherwise send it whole.
    let range_header = headers
        .get(RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| {
            headers
                .get(IF_RANGE)
                .and_then(|v| v.to_str().ok())
                .is_none_or(|tag| tag == etag)
        });
    let total = content.len() as u64;
    let range = match range_header.map(|h| parse_range(h, total)) {
        None => None,
        Some(Ok(range)) => Some(range),
        Some(Err(())) => {
            let mut response = AppError::new(
                ErrorCode::RangeNotSatisfiable,
                format!("The file has {total} bytes; that range is not in it."),
            )
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{total}")) {
                response.headers_mut().insert(CONTENT_RANGE, value);
            }
            return Ok(response);
        }
    };
    drop(conn);
    // Logged once per user, file and day, whatever part of the file is asked for (a download
    // manager may start anywhere); the mark and the entry are one transaction.
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let day = now.date_naive().to_string();
    if activity_log::first_download_of_day(&mut tx, user.user.id.as_str(), file_id.as_str(), &day)
        .await?
    {
        let entry = log_entry(
            &user,
            &tenant,
            &stored,
            line,
            ActivityAction::SoftwareDownloaded,
            now,
            &ip,
        );
        activity_log::append(&mut tx, &stored.partner, &entry).await?;
    }
    tx.commit().await?;

    let disposition = format!(
        "attachment; filename=\"{}\"",
        file.file_name.replace(['"', '\\'], "_")
    );
    let (status, body, content_range) = match range {
        Some((start, end)) => (
            StatusCode::PARTIAL_CONTENT,
            content[start as usize..=end as usize].to_vec(),
            Some(format!("bytes {start}-{end}/{total}")),
        ),
        None => (StatusCode::OK, content, None),
    };
    let mut response = Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(CONTENT_DISPOSITION, disposition)
        .header(CONTENT_LENGTH, body.len())
        .header(ACCEPT_RANGES, "bytes")
        .header(ETAG, etag);
    if let Some(value) = content_range {
        response = response.header(CONTENT_RANGE, value);
    }
    response
        .body(Body::from(body))
        .map_err(|e| AppError::internal("download response", e))
}

/// `bytes=START-END`, `bytes=START-` or `bytes=-SUFFIX` (one range) as inclusive bounds.
fn parse_range(header: &str, total: u64) -> Result<(u64, u64), ()> {
    let spec = header.trim().strip_prefix("bytes=").ok_or(())?;
    if spec.contains(',') || total == 0 {
        return Err(());
    }
    let (start, end) = spec.split_once('-').ok_or(())?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().map_err(|_| ())?;
            if n == 0 {
                return Err(());
            }
            (total.saturating_sub(n), total - 1)
        }
        (start, "") => (start.parse().map_err(|_| ())?, total - 1),
        (start, end) => (
            start.parse().map_err(|_| ())?,
            end.parse::<u64>().map_err(|_| ())?.min(total - 1),
        ),
    };
    if start > end || start >= total {
        return Err(());
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(parse_range("bytes=0-99", 1000), Ok((0, 99)));
        assert_eq!(parse_range("bytes=500-", 1000), Ok((500, 999)));
        assert_eq!(parse_range("bytes=-100", 1000), Ok((900, 999)));
        assert_eq!(parse_range("bytes=900-5000", 1000), Ok((900, 999)));
        for bad in [
            "bytes=1000-",
            "bytes=5-1",
            "items=0-1",
            "bytes=0-1,5-9",
            "bytes=-0",
            "bytes=a-b",
            "bytes=99999999999999999999-",
        ] {
            assert_eq!(parse_range(bad, 1000), Err(()), "{bad}");
        }
    }
}
