//! Axum's extractors answer bad input in plain text; these wrappers turn every rejection into
//! the API's JSON error with a stable code, so no input reaches a client as a non-JSON error.

use std::net::{IpAddr, SocketAddr};

use axum::extract::multipart::MultipartError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use axum::http::request::Parts;
use axum::http::StatusCode;
use csp_domain::{ErrorCode, IdempotencyKey};
use serde::de::DeserializeOwned;

use crate::cases::uploads::{SpooledFile, Spooler};
use crate::http::body::is_stalled;
use crate::http::error::AppError;
use crate::state::AppState;

/// `Json<T>` with JSON errors: 400 `invalid_json`, 413 `payload_too_large`,
/// 415 `unsupported_media_type`, 422 `validation_failed`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(json_rejection(rejection)),
        };
        // Every body of this API is an object: `[null, null]` is not a change of nothing.
        if !value.is_object() {
            return Err(AppError::new(
                ErrorCode::ValidationFailed,
                "The request body must be a JSON object.",
            ));
        }
        serde_json::from_value(value).map(ApiJson).map_err(|e| {
            AppError::new(
                ErrorCode::ValidationFailed,
                format!(
                    "The request body does not have the expected fields: {}",
                    clip(&e.to_string())
                ),
            )
        })
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    if is_stalled(&rejection) {
        return AppError::new(
            ErrorCode::RequestTimeout,
            "The request body stopped arriving and was abandoned. Please try again.",
        );
    }
    let detail = rejection.body_text();
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::new(ErrorCode::PayloadTooLarge, "The request body is too large.")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the request body as JSON with Content-Type: application/json.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => AppError::new(
            ErrorCode::ValidationFailed,
            format!(
                "The request body does not have the expected fields: {}",
                clip(&detail)
            ),
        ),
        _ => AppError::new(
            ErrorCode::InvalidJson,
            format!("The request body is not valid JSON: {}", clip(&detail)),
        ),
    }
}

/// `Query<T>` with a JSON 400 `bad_request`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection: QueryRejection| {
                AppError::bad_request(format!(
                    "The query string is not valid: {}",
                    clip(&rejection.body_text())
                ))
            })
    }
}

/// `Path<T>` with a JSON 404 `not_found`: a path whose parameters do not parse (an id that is
/// not a GUID, a month that is not `YYYY-MM`) names nothing that exists.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|rejection: PathRejection| match rejection {
                PathRejection::FailedToDeserializePathParams(_) => AppError::not_found(
                    "There is nothing at this address: a part of the path is not valid.",
                ),
                other => AppError::internal("path extraction", other.body_text()),
            })
    }
}

/// The signed-in user as the audit trail names them: who, from where, in which request.
pub struct Audited {
    pub user: crate::http::auth::CurrentUser,
    pub actor: crate::store::audit::Actor,
}

impl FromRequestParts<AppState> for Audited {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = crate::http::auth::CurrentUser::from_request_parts(parts, state).await?;
        let actor = actor_of(parts, state, &user.principal, user.user.email.as_str()).await?;
        Ok(Audited { user, actor })
    }
}

/// The audit trail's actor for `principal` in the request of `parts`.
async fn actor_of(
    parts: &mut Parts,
    state: &AppState,
    principal: &csp_domain::Principal,
    email: &str,
) -> Result<crate::store::audit::Actor, AppError> {
    let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
    let request = parts
        .extensions
        .get::<crate::http::ops::RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    Ok(crate::store::audit::Actor::user(
        principal, email, &ip, &request,
    ))
}

/// The client's IP address: the connection's peer, or with `TRUST_PROXY=1` the last address
/// of `X-Forwarded-For` (the one the load balancer appended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.settings.trust_proxy {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|s| s.trim().parse::<IpAddr>().ok())
                .next_back();
            if let Some(ip) = forwarded {
                return Ok(ClientIp(ip.to_string()));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientIp(
            peer.map(|ip| ip.to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// A slot to send an upload in, taken before the body is read: at most
/// `MAX_CONCURRENT_UPLOADS` uploads are received at once, and two per user. Refused at once
/// with 429 `too_many_uploads` (and `Retry-After`).
pub struct UploadSlot(#[allow(dead_code)] crate::cases::uploads::UploadSlot);

impl FromRequestParts<AppState> for UploadSlot {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = crate::http::auth::CurrentUser::from_request_parts(parts, state).await?;
        // Customer users send no files: refused before their body is read.
        if let csp_domain::Principal::Customer { .. } = user.principal {
            return Err(AppError::refused(csp_domain::Refusal::WrongKind(
                csp_domain::Area::SupportRequests,
            )));
        }
        state
            .upload_slots
            .take(&user.user.id)
            .map(UploadSlot)
            .map_err(AppError::from)
    }
}

/// Rejection details quote the input; keep them short.
fn clip(text: &str) -> String {
    const MAX: usize = 300;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

/// A `multipart/form-data` body: its text fields (at most 16 KB each, in memory) and its
/// files (parts with a file name), each spooled to a temporary file as it arrives and checked
/// by its bytes (`cases::uploads`). Problems with files are collected under the field `files`;
/// a text field longer than 16 KB is a `too_long` field error. Errors: 400 `bad_request`
/// (malformed), 408 `request_timeout` (the body stalled), 413 `payload_too_large`,
/// 415 `unsupported_media_type`.
pub struct ApiMultipart {
    pub text: std::collections::BTreeMap<String, String>,
    pub files: Vec<SpooledFile>,
    pub errors: csp_domain::FieldErrors,
}

const MAX_TEXT_FIELD: usize = 16 * 1024;
/// The most a body with files may carry: the most files of the most size, one more file (so
/// it can be refused by name) and the form's text.
pub const UPLOAD_BODY_BYTES: usize =
    (csp_domain::support::MAX_FILES + 1) * csp_domain::support::MAX_FILE_BYTES + 1024 * 1024;
/// Parts a body may have: the form's fields and files, with room to spare.
const MAX_PARTS: usize = 64;

impl FromRequest<AppState> for ApiMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        use csp_domain::support::{clean_file_name, FileIssue, MAX_FILES};
        // What the client announced, to compare with what arrived when the form breaks.
        let announced = format!(
            "content-length {:?}, transfer-encoding {:?}, content-type {:?}",
            req.headers().get(CONTENT_LENGTH),
            req.headers().get(TRANSFER_ENCODING),
            req.headers().get(axum::http::header::CONTENT_TYPE)
        );
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|rejection| {
                AppError::new(
                    ErrorCode::UnsupportedMediaType,
                    format!(
                        "Send the form as multipart/form-data: {}",
                        clip(&rejection.body_text())
                    ),
                )
            })?;
        let mut form = ApiMultipart {
            text: Default::default(),
            files: Vec::new(),
            errors: csp_domain::FieldErrors::new(),
        };
        let mut parts = 0;
        let mut file_count = 0;
        let mut total = 0;
        let broken = |error: MultipartError, total: usize, parts: usize| {
            if error.status() != StatusCode::PAYLOAD_TOO_LARGE && !is_stalled(&error) {
                tracing::warn!(error = %error.body_text(), received = total, parts, %announced, "a multipart body could not be read");
            }
            multipart_error(error)
        };
        let tmp = &state.settings.uploads.tmp_dir;
        while let Some(mut field) = multipart
            .next_field()
            .await
            .map_err(|e| broken(e, total, parts))?
        {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(AppError::bad_request(format!(
                    "The form has more than {MAX_PARTS} parts."
                )));
            }
            let name = field.name().unwrap_or_default().to_string();
            // A `files` part is a file even when the client left out its file name.
            let file_name = field
                .file_name()
                .map(str::to_string)
                .or_else(|| (name == "files").then(String::new));
            match file_name {
                Some(raw) => {
                    let mut spooler = Spooler::create(tmp)
                        .await
                        .map_err(|e| AppError::internal("spooling an upload", e))?;
                    while let Some(chunk) =
                        field.chunk().await.map_err(|e| broken(e, total, parts))?
                    {
                        total += chunk.len();
                        if total > UPLOAD_BODY_BYTES {
                            return Err(too_large());
                        }
                        spooler
                            .write(&chunk)
                            .await
                            .map_err(|e| AppError::internal("spooling an upload", e))?;
                    }
                    // A file input left empty still sends a part without name or bytes; a
                    // file part under another name is not the form's.
                    if (raw.is_empty() && spooler.size() == 0) || name != "files" {
                        continue;
                    }
                    file_count += 1;
                    let checked = spooler
                        .finish(clean_file_name(&raw))
                        .await
                        .map_err(|e| AppError::internal("spooling an upload", e))?;
                    match checked {
                        Ok(file) => form.files.push(file),
                        Err(issue) => form.errors.add("files", &issue),
                    }
                }
                None => {
                    // Keep up to the limit; read on past it (to name the field).
                    let mut bytes = Vec::new();
                    let mut over = false;
                    while let Some(chunk) =
                        field.chunk().await.map_err(|e| broken(e, total, parts))?
                    {
                        total += chunk.len();
                        if total > UPLOAD_BODY_BYTES {
                            return Err(too_large());
                        }
                        if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
                            over = true;
                        } else {
                            bytes.extend_from_slice(&chunk);
                        }
                    }
                    let field_name: String = name.chars().take(64).collect();
                    if over {
                        let issue = csp_domain::text::TextError::TooLong {
                            max: MAX_TEXT_FIELD,
                        };
                        form.errors.add(&field_name, &issue);
                        continue;
                    }
                    match String::from_utf8(bytes) {
                        Ok(value) => {
                            form.text.entry(name).or_insert(value);
                        }
                        Err(_) => form
                            .errors
                            .add(&field_name, &csp_domain::text::TextError::ControlCharacters),
                    }
                }
            }
        }
        if file_count > MAX_FILES {
            form.errors.add("files", &FileIssue::TooMany);
        }
        Ok(form)
    }
}

impl ApiMultipart {
    /// A text field, or the empty string.
    pub fn field(&self, name: &str) -> String {
        self.text.get(name).cloned().unwrap_or_default()
    }
}

fn too_large() -> AppError {
    AppError::new(
        ErrorCode::PayloadTooLarge,
        "The upload is too large: attach at most 5 files of 10 MB each.",
    )
}

fn multipart_error(error: MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else if is_stalled(&error) {
        AppError::new(
            ErrorCode::RequestTimeout,
            "The upload stopped arriving and was abandoned. Please try again.",
        )
    } else {
        AppError::bad_request(format!(
            "The form data is malformed: {}",
            clip(&error.body_text())
        ))
    }
}

/// The `Idempotency-Key` header: required on order requests and on adding a customer.
pub struct IdempotencyKeyHeader(pub IdempotencyKey);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKeyHeader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        match OptionalIdempotencyKey::from_request_parts(parts, &()).await?.0 {
            Some(key) => Ok(IdempotencyKeyHeader(key)),
            None => Err(AppError::new(
                ErrorCode::IdempotencyKeyRequired,
                "Send an Idempotency-Key header (1 to 255 visible ASCII characters, e.g. a new UUID per request) \
                 so that a retry can never do it twice.",
            )),
        }
    }
}

/// The `Idempotency-Key` header where it is optional (support requests): absent is `None`,
/// present it must be valid.
pub struct OptionalIdempotencyKey(pub Option<IdempotencyKey>);

impl<S: Send + Sync> FromRequestParts<S> for OptionalIdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(OptionalIdempotencyKey(None));
        };
        match value.to_str().ok().and_then(IdempotencyKey::parse) {
            Some(key) => Ok(OptionalIdempotencyKey(Some(key))),
            None => Err(AppError::new(
                ErrorCode::IdempotencyKeyRequired,
                "The Idempotency-Key header must be 1 to 255 visible ASCII characters, e.g. a new UUID per request.",
            )),
        }
    }
}

/// Whether a list is asked for as CSV: `format=csv` (for plain download links) or
/// `Accept: text/csv`; another `format` is 400.
pub fn wants_csv(format: Option<&str>, headers: &axum::http::HeaderMap) -> Result<bool, AppError> {
    match format {
        Some("csv") => Ok(true),
        None => Ok(headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"))),
        Some(other) => Err(AppError::bad_request(format!(
            "format must be csv, not {other:?}."
        ))),
    }
}
