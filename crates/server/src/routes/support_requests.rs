//! `/api/v1/support-requests`: partners file requests with files and follow them; support
//! agents work the queue across partners and decide (R-SUP). Customer users have none.

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use csp_domain::support::{
    RefundRefusal, SupportForm, SupportListQuery, SupportRequest, SupportStatusChange, MAX_COMMENT,
};
use csp_domain::text;
use csp_domain::{
    Area, AttachmentId, ErrorCode, FieldErrors, PartnerId, Principal, SupportRequestId,
    SupportRequestList,
};

use crate::cases::support_desk::{
    self, Actor, AddComment, ChangeStatus, DeskError, FileRequest, Filed,
};
use crate::cases::uploads;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::Audited;
use crate::http::extract::OptionalIdempotencyKey;
use crate::http::extract::{ApiJson, ApiMultipart, ApiPath, ApiQuery, UploadSlot};
use crate::state::AppState;
use crate::store::support_requests::{self, ListFilter};

/// Whose requests the caller may see: `Some(partner)` for a partner user, `None` (all) for a
/// support agent; customer users are refused.
fn visible_to(user: &CurrentUser) -> ApiResult<Option<PartnerId>> {
    match user.enter(Area::SupportRequests)? {
        Principal::Partner { partner, .. } => Ok(Some(partner.clone())),
        Principal::Support { .. } => Ok(None),
        Principal::Customer { .. } => Err(AppError::refused(csp_domain::Refusal::WrongKind(
            Area::SupportRequests,
        ))),
    }
}

fn actor(user: &CurrentUser) -> Actor<'_> {
    Actor {
        name: &user.user.display_name,
        email: &user.user.email,
        support: matches!(user.principal, Principal::Support { .. }),
    }
}

fn desk_error(error: DeskError) -> AppError {
    match error {
        DeskError::Invalid(errors) => AppError::validation(&errors),
        DeskError::NotFound => not_found(),
        DeskError::Closed => AppError::new(
            ErrorCode::RequestClosed,
            "This request has been decided: it takes no more comments or files. File a new request if you need more help.",
        ),
        DeskError::InvalidStatusChange(message) => {
            AppError::new(ErrorCode::InvalidStatusChange, message)
        }
        DeskError::Refused(RefundRefusal::AlreadyCancelled) => AppError::new(
            ErrorCode::AlreadyCancelled,
            "This order is cancelled or being cancelled: its credit is booked or on its way. Approve a credit only \
             for what is left, if anything, or reject the request.",
        ),
        DeskError::Refused(RefundRefusal::NothingToRefund) => AppError::new(
            ErrorCode::NothingToRefund,
            "Everything paid for this order has been credited or is about to be: there is nothing left to refund.",
        ),
        DeskError::Refused(RefundRefusal::NotCancellable) => AppError::new(
            ErrorCode::NotCancellable,
            "SUSE Linux and Red Hat software plans cannot be cancelled: approve the refund as a credit only.",
        ),
        DeskError::Refused(RefundRefusal::Credit(issue)) => {
            let mut errors = FieldErrors::new();
            errors.add("credit", &issue);
            AppError::validation(&errors)
        }
        DeskError::KeyReused => AppError::new(
            ErrorCode::IdempotencyKeyReused,
            "This Idempotency-Key was already used for a different support request. Use a new key for a new request.",
        ),
        DeskError::Database(e) => e.into(),
    }
}

fn not_found() -> AppError {
    AppError::not_found("There is no such support request among yours.")
}

/// The multipart body of `POST /support-requests`, for the OpenAPI document.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SupportFormUpload {
    #[serde(flatten)]
    form: SupportForm,
    /// Up to 5 files of up to 10 MB: PDF, PNG, JPEG, TXT, CSV or EML.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Files a support request (R-SUP-2…5). Refund requests (`csp_purchase_refund`) name the
/// customer (tenant ID or domain), the order or subscription ID, the reason and the amount;
/// the customer and order must be the caller's own, the order not cancelled, the amount at
/// most what is left to credit on it. With an `Idempotency-Key`, a retried filing is the
/// same request.
#[utoipa::path(post, path = "/api/v1/support-requests", tag = "support requests",
    params(("Idempotency-Key" = Option<String>, Header, description = "Optional: the same value on a retry files one request", min_length = 1, max_length = 255, pattern = "^[!-~]+$")),
    request_body(content = SupportFormUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Filed: its number and status `new`", body = SupportRequest),
        (status = 200, description = "A replay of a request filed with this key", body = SupportRequest),
        (status = 400, description = "`bad_request`: a malformed body; `idempotency_key_required`: a malformed key", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: partner users file requests", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`: not multipart/form-data", body = csp_domain::ApiErrorBody),
        (status = 408, description = "`request_timeout`: the body stopped arriving", body = csp_domain::ApiErrorBody),
        (status = 409, description = "`already_cancelled`: the order is cancelled or being cancelled", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed` with `fields`, `nothing_to_refund`, `idempotency_key_reused`, or `quota_exceeded`: the partner's files would exceed its quota", body = csp_domain::ApiErrorBody),
        (status = 429, description = "`too_many_uploads`, with `Retry-After`: too many uploads at once, or this hour", body = csp_domain::ApiErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Audited {
        user,
        actor: audited,
    }: Audited,
    OptionalIdempotencyKey(key): OptionalIdempotencyKey,
    _slot: UploadSlot,
    upload: ApiMultipart,
) -> ApiResult<Response> {
    let partner = user.partner(Area::ReportProblem)?.clone();
    let form = SupportForm {
        problem_type: upload.field("problem_type"),
        impact: upload.field("impact"),
        title: upload.field("title"),
        customer: upload.field("customer"),
        order_id: upload.field("order_id"),
        refund_reason: upload.field("refund_reason"),
        amount_requested: upload.field("amount_requested"),
        contact_name: upload.field("contact_name"),
        contact_email: upload.field("contact_email"),
        contact_phone: upload.field("contact_phone"),
    };
    let mut errors = upload.errors;
    let checked = match form.check() {
        Ok(checked) => Some(checked),
        Err(form_errors) => {
            errors.merge(form_errors);
            None
        }
    };
    let Some(checked) = checked.filter(|_| errors.is_empty()) else {
        return Err(AppError::validation(&errors));
    };
    let files = upload.files.iter().map(|f| (f.name.as_str(), &f.sha256));
    let filed = match support_desk::filed_before(&state.db, &partner, key.as_ref(), &checked, files)
        .await
        .map_err(desk_error)?
    {
        Some(replayed) => replayed.map_err(desk_error)?,
        None => {
            let now = state.clock.now();
            let stored = uploads::store(
                &state.db,
                &state.settings.uploads,
                &partner,
                &user.user.id,
                &upload.files,
                now,
            )
            .await?;
            let filed = support_desk::file(
                &state.db,
                FileRequest {
                    partner: &partner,
                    form: &checked,
                    files: &stored,
                    key: key.as_ref(),
                    by: actor(&user),
                    now,
                    outbox: &state.settings.outbox,
                    audit: Some(&audited),
                },
            )
            .await;
            if !matches!(filed, Ok(Filed::Created(_))) {
                uploads::discard(&state.db, &stored).await;
            }
            filed.map_err(desk_error)?
        }
    };
    let (status, id) = match filed {
        Filed::Created(id) => (StatusCode::CREATED, id),
        Filed::Replayed(id) => (StatusCode::OK, id),
    };
    let detail = support_desk::detail(&mut *state.db.conn().await?, Some(&partner), &id)
        .await?
        .ok_or_else(not_found)?;
    let location = format!("/api/v1/support-requests/{id}");
    Ok((status, [(LOCATION, location)], Json(detail)).into_response())
}

/// Support requests: a partner user's own (newest first), or every partner's for a support
/// agent (oldest first, the queue). `q` finds a request number, tenant ID, domain or order ID.
#[utoipa::path(get, path = "/api/v1/support-requests", tag = "support requests",
    params(SupportListQuery),
    responses(
        (status = 200, body = SupportRequestList),
        (status = 400, description = "`bad_request`: an unknown status, type or sort, or a bad page", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: customer users file requests through their partner", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<SupportListQuery>,
) -> ApiResult<Json<SupportRequestList>> {
    let partner = visible_to(&user)?;
    let query = query.check().map_err(AppError::bad_request)?;
    let filter = ListFilter {
        status: query.status,
        problem_type: query.problem_type,
        q: query.page.search().map(str::to_string),
        oldest_first: query.oldest_first.unwrap_or(partner.is_none()),
        limit: query.page.page_size(),
        offset: query.page.offset(),
    };
    let (items, total) =
        support_requests::list(&mut *state.db.conn().await?, partner.as_ref(), &filter).await?;
    Ok(Json(SupportRequestList {
        items,
        total,
        page: query.page.page(),
        page_size: query.page.page_size(),
    }))
}

/// One request with its files, history, the order it is about (its state and what was
/// credited for it already) and the credit an approval booked.
#[utoipa::path(get, path = "/api/v1/support-requests/{id}", tag = "support requests",
    params(("id" = SupportRequestId, Path, description = "Support request id")),
    responses(
        (status = 200, body = SupportRequest),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: customer users", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`, also for other partners' requests", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<SupportRequestId>,
) -> ApiResult<Json<SupportRequest>> {
    let partner = visible_to(&user)?;
    support_desk::detail(&mut *state.db.conn().await?, partner.as_ref(), &id)
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

/// A support agent moves a request on: New → In progress → Approved / Rejected, with a note
/// the partner sees (required to reject). Approving a refund books its credit once, on the
/// next month's invoice: `credit` (at most the amount requested and what is left to credit on
/// the order), or that maximum when left out. With `outcome` `cancel_purchase` (the default)
/// the order is cancelled as R-CAN-8 says (keys and downloads revoked); `credit_only` keeps
/// the purchase.
#[utoipa::path(patch, path = "/api/v1/support-requests/{id}", tag = "support requests",
    params(("id" = SupportRequestId, Path, description = "Support request id")),
    request_body = SupportStatusChange,
    responses(
        (status = 200, description = "The request after the change", body = SupportRequest),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: support agents only", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
        (status = 409, description = "`invalid_status_change`: not allowed from the current status, or another agent changed it first; `already_cancelled`: the order was cancelled, approve a credit only", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: status, note, credit or outcome; `nothing_to_refund`; `not_cancellable`: a software plan, approve a credit only", body = csp_domain::ApiErrorBody),
    ))]
pub async fn change_status(
    State(state): State<AppState>,
    Audited {
        user,
        actor: audited,
    }: Audited,
    ApiPath(id): ApiPath<SupportRequestId>,
    ApiJson(change): ApiJson<SupportStatusChange>,
) -> ApiResult<Json<SupportRequest>> {
    user.enter(Area::SupportConsole)?;
    let change = change
        .check()
        .map_err(|errors| AppError::validation(&errors))?;
    support_desk::change_status(
        &state.db,
        ChangeStatus {
            request: &id,
            to: change.to,
            note: change.note.as_deref(),
            credit: change.credit.as_ref(),
            outcome: change.outcome,
            by: actor(&user),
            now: state.clock.now(),
            outbox: &state.settings.outbox,
            audit: Some(&audited),
        },
    )
    .await
    .map_err(desk_error)?;
    support_desk::detail(&mut *state.db.conn().await?, None, &id)
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

/// The multipart body of `POST …/comments`, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CommentUpload {
    /// The comment (optional when files are attached).
    comment: Option<String>,
    /// Up to 5 files of up to 10 MB: PDF, PNG, JPEG, TXT, CSV or EML.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Adds a comment and/or files to an open request (the partner that filed it, or an agent).
#[utoipa::path(post, path = "/api/v1/support-requests/{id}/comments", tag = "support requests",
    params(("id" = SupportRequestId, Path, description = "Support request id")),
    request_body(content = CommentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Added; the request with its history", body = SupportRequest),
        (status = 400, description = "`bad_request`: a malformed body", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: customer users", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
        (status = 408, description = "`request_timeout`: the body stopped arriving", body = csp_domain::ApiErrorBody),
        (status = 409, description = "`request_closed`: the request has been decided", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: an empty comment without files, or a file refused; `quota_exceeded`", body = csp_domain::ApiErrorBody),
        (status = 429, description = "`too_many_uploads`, with `Retry-After`", body = csp_domain::ApiErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn comment(
    State(state): State<AppState>,
    Audited {
        user,
        actor: audited,
    }: Audited,
    ApiPath(id): ApiPath<SupportRequestId>,
    _slot: UploadSlot,
    mut upload: ApiMultipart,
) -> ApiResult<(StatusCode, Json<SupportRequest>)> {
    let partner = visible_to(&user)?;
    let mut errors = std::mem::take(&mut upload.errors);
    let text = match text::paragraphs(&upload.field("comment"), MAX_COMMENT) {
        Ok(text) => Some(text),
        Err(text::TextError::Required) if !upload.files.is_empty() => None,
        Err(e) => {
            errors.add("comment", &e);
            None
        }
    };
    if !errors.is_empty() {
        return Err(AppError::validation(&errors));
    }
    // A request that is not the caller's, or closed, takes no files: asked before they are
    // stored (and again, in the transaction, after).
    let open = support_requests::get(&mut *state.db.conn().await?, partner.as_ref(), &id)
        .await?
        .ok_or_else(not_found)?;
    if !open.summary.status.is_open() {
        return Err(desk_error(DeskError::Closed));
    }
    let owner = open.partner.clone();
    let now = state.clock.now();
    let stored = uploads::store(
        &state.db,
        &state.settings.uploads,
        &owner,
        &user.user.id,
        &upload.files,
        now,
    )
    .await?;
    let added = support_desk::comment(
        &state.db,
        AddComment {
            request: &id,
            partner: partner.as_ref(),
            text: text.as_deref(),
            files: &stored,
            by: actor(&user),
            now,
            outbox: &state.settings.outbox,
            audit: Some(&audited),
        },
    )
    .await;
    if added.is_err() {
        uploads::discard(&state.db, &stored).await;
    }
    added.map_err(desk_error)?;
    let detail = support_desk::detail(&mut *state.db.conn().await?, partner.as_ref(), &id)
        .await?
        .ok_or_else(not_found)?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// A file of a request, as a download: its content type is the one the server decided from
/// the file's bytes, and it is never shown inline, so no upload can run script in the app.
#[utoipa::path(get, path = "/api/v1/support-requests/{id}/attachments/{attachment_id}", tag = "support requests",
    params(
        ("id" = SupportRequestId, Path, description = "Support request id"),
        ("attachment_id" = AttachmentId, Path, description = "Attachment id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: customer users", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, attachment_id)): ApiPath<(SupportRequestId, AttachmentId)>,
) -> ApiResult<Response> {
    let partner = visible_to(&user)?;
    let mut conn = state.db.conn().await?;
    support_requests::get(&mut conn, partner.as_ref(), &id)
        .await?
        .ok_or_else(not_found)?;
    let (file, stored) = support_requests::attachment_file(&mut conn, &id, &attachment_id)
        .await?
        .ok_or_else(|| AppError::not_found("There is no such file on this request."))?;
    drop(conn);
    Response::builder()
        .header(CONTENT_TYPE, file.content_type.as_str())
        .header(CONTENT_DISPOSITION, attachment_disposition(&file.file_name))
        .header(CONTENT_LENGTH, file.size_bytes)
        .header("content-security-policy", "default-src 'none'; sandbox")
        .body(crate::http::body::stored_file(
            state.db.clone(),
            stored,
            file.size_bytes,
        ))
        .map_err(|e| AppError::internal("attachment response", e))
}

/// `attachment` with an ASCII fallback name and the real name per RFC 6266 / 5987.
fn attachment_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_quoted_safely() {
        assert_eq!(
            super::attachment_disposition("发票 \"1\".pdf"),
            "attachment; filename=\"__ _1_.pdf\"; filename*=UTF-8''%E5%8F%91%E7%A5%A8%20%221%22.pdf"
        );
    }
}
