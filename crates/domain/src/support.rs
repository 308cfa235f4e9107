//! Customer support requests (SPEC R-SUP): the form a partner files (the same checks in the
//! app and the server), the attachments it may carry, how a request's status may change, and
//! what lists and details show.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::error::{FieldCode, FieldErrors, FieldIssue, Required};
use crate::ids::{AttachmentId, CustomerId, OrderId, SupportRequestId};
use crate::ledger::{Ledger, LedgerSummary};
use crate::money::{Amount, Currency, Money};
use crate::open_enum::open_enum;
use crate::order::OrderStatus;
use crate::text::{self, TextError};

open_enum! {
    /// Where a support request stands (R-SUP-6).
    pub enum SupportStatus {
        New = "new",
        InProgress = "in_progress",
        Approved = "approved",
        Rejected = "rejected",
    }
}

impl SupportStatus {
    /// Whether an agent may move a request from this status to `to`: New → In progress →
    /// Approved / Rejected (a new request may also be decided at once); decisions are final.
    pub fn can_change_to(&self, to: &SupportStatus) -> bool {
        use SupportStatus::*;
        matches!(
            (self, to),
            (New, InProgress | Approved | Rejected) | (InProgress, Approved | Rejected)
        )
    }

    /// Open requests take comments and files.
    pub fn is_open(&self) -> bool {
        matches!(self, SupportStatus::New | SupportStatus::InProgress)
    }
}

open_enum! {
    /// The problem type picked under Details (R-SUP-2).
    pub enum ProblemType {
        /// "CSP purchase/refund on behalf of customer".
        CspPurchaseRefund = "csp_purchase_refund",
        Billing = "billing",
        Other = "other",
    }
}

open_enum! {
    pub enum Impact {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

/// Limits of a request's text fields.
pub const MAX_TITLE: usize = 120;
pub const MAX_REASON: usize = 2000;
pub const MAX_NAME: usize = 100;
pub const MAX_PHONE: usize = 30;
/// Attachments: at most this many per request (and per comment), each at most this big.
pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Files one request may hold in all, over its comments.
pub const MAX_FILES_PER_REQUEST: usize = 25;
pub const MAX_COMMENT: usize = 4000;
pub const MAX_NOTE: usize = 2000;

/// The kinds of file a request may carry; the kind is decided from the file's bytes and name,
/// never from what the uploader claimed, and it decides the content type it is served with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Pdf,
    Png,
    Jpeg,
    Text,
    Csv,
    Email,
}

impl AttachmentKind {
    pub const NAMES: &'static str = "PDF, PNG, JPEG, TXT, CSV, EML";

    /// The kind of a file, or `None` when it is none of the accepted kinds.
    pub fn detect(file_name: &str, bytes: &[u8]) -> Option<AttachmentKind> {
        let extension = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let text = || !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok();
        match extension.as_str() {
            "pdf" if bytes.starts_with(b"%PDF-") => Some(AttachmentKind::Pdf),
            "png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => Some(AttachmentKind::Png),
            "jpg" | "jpeg" if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) => Some(AttachmentKind::Jpeg),
            "txt" | "log" if text() => Some(AttachmentKind::Text),
            "csv" if text() => Some(AttachmentKind::Csv),
            "eml" if text() => Some(AttachmentKind::Email),
            _ => None,
        }
    }

    /// The content type it is served with (text is served as plain text, never as HTML).
    pub fn content_type(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Text => "text/plain; charset=utf-8",
            AttachmentKind::Csv => "text/csv; charset=utf-8",
            AttachmentKind::Email => "message/rfc822",
        }
    }
}

/// A file name as it may be shown and sent back: no folders (some browsers send the path), no
/// control characters, at most 200 characters; `file` when nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileIssue {
    /// More than [`MAX_FILES_PER_REQUEST`] in all.
    RequestFull,
    TooMany,
    TooBig,
    WrongKind,
    Empty,
}

impl FieldIssue for FileIssue {
    fn code(&self) -> FieldCode {
        match self {
            FileIssue::RequestFull => FieldCode::RequestFull,
            FileIssue::TooMany => FieldCode::TooManyFiles,
            FileIssue::TooBig => FieldCode::FileTooBig,
            FileIssue::WrongKind => FieldCode::FileType,
            FileIssue::Empty => FieldCode::EmptyFile,
        }
    }

    fn message(&self) -> String {
        match self {
            FileIssue::RequestFull => {
                format!("A request can hold at most {MAX_FILES_PER_REQUEST} files.")
            }
            FileIssue::TooMany => format!("Attach at most {MAX_FILES} files."),
            FileIssue::TooBig => {
                format!("A file can be at most {} MB.", MAX_FILE_BYTES / 1024 / 1024)
            }
            FileIssue::WrongKind => format!("Attach only {} files.", AttachmentKind::NAMES),
            FileIssue::Empty => "The file is empty.".into(),
        }
    }
}

/// The file picker's `accept` list.
pub const ACCEPT: &str = ".pdf,.png,.jpg,.jpeg,.txt,.log,.csv,.eml";

/// What the app can check before uploading: the name's extension and the size (the server
/// also checks the bytes).
pub fn precheck_file(file_name: &str, size: u64) -> Result<(), FileIssue> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if size == 0 {
        Err(FileIssue::Empty)
    } else if size > MAX_FILE_BYTES as u64 {
        Err(FileIssue::TooBig)
    } else if !ACCEPT
        .split(',')
        .any(|a| a.trim_start_matches('.') == extension)
    {
        Err(FileIssue::WrongKind)
    } else {
        Ok(())
    }
}

/// Checks one attached file.
pub fn check_file(file_name: &str, bytes: &[u8]) -> Result<AttachmentKind, FileIssue> {
    if bytes.is_empty() {
        return Err(FileIssue::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileIssue::TooBig);
    }
    AttachmentKind::detect(file_name, bytes).ok_or(FileIssue::WrongKind)
}

/// The text fields of `POST /api/v1/support-requests` as sent (multipart form fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportForm {
    pub problem_type: String,
    pub impact: String,
    pub title: String,
    /// The customer's tenant ID or primary domain.
    pub customer: String,
    /// The order ID (or subscription ID) the request is about.
    pub order_id: String,
    pub refund_reason: String,
    /// A decimal string in the order's currency, e.g. `"1234.56"`.
    pub amount_requested: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

/// A form whose fields are all well formed. Whether the customer and the order are the
/// partner's, and the amount within what was paid, the server checks against its data.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedForm {
    pub problem_type: ProblemType,
    pub impact: Impact,
    pub title: String,
    /// Refund requests name a customer, an order, a reason and an amount (R-SUP-3).
    pub customer: Option<String>,
    pub order_id: Option<OrderId>,
    pub refund_reason: Option<String>,
    /// Checked as a decimal here; against the order's currency by the server.
    pub amount_requested: Option<Amount>,
    pub contact_name: String,
    pub contact_email: Email,
    pub contact_phone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormIssue {
    Choose,
    InvalidOrderId,
    InvalidPhone,
    NotPositive,
}

impl FieldIssue for FormIssue {
    fn code(&self) -> FieldCode {
        match self {
            FormIssue::Choose => FieldCode::Required,
            FormIssue::InvalidOrderId => FieldCode::InvalidOrderId,
            FormIssue::InvalidPhone => FieldCode::InvalidPhone,
            FormIssue::NotPositive => FieldCode::NotPositive,
        }
    }

    fn message(&self) -> String {
        match self {
            FormIssue::Choose => "Choose one.".into(),
            FormIssue::InvalidOrderId => {
                "Enter an order ID such as 0f8fad5b-d9cb-469f-a165-70867728950e.".into()
            }
            FormIssue::InvalidPhone => {
                "Enter a phone number: digits, spaces and + ( ) - only, at least 6 digits.".into()
            }
            FormIssue::NotPositive => "Enter an amount above zero.".into(),
        }
    }
}

fn phone(raw: &str) -> Result<String, FieldErrorKind> {
    let value = text::line(raw, MAX_PHONE).map_err(FieldErrorKind::Text)?;
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if digits >= 6
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./".contains(c))
    {
        Ok(value)
    } else {
        Err(FieldErrorKind::Form(FormIssue::InvalidPhone))
    }
}

enum FieldErrorKind {
    Text(TextError),
    Form(FormIssue),
}

impl SupportForm {
    /// The checks of R-SUP-2…4, the same in the form and in the server.
    pub fn check(&self) -> Result<CheckedForm, FieldErrors> {
        let mut errors = FieldErrors::new();
        let known = |raw: &str| !raw.trim().is_empty();
        let problem_type = ProblemType::parse(self.problem_type.trim());
        if !problem_type.is_known() {
            errors.add("problem_type", &FormIssue::Choose);
        }
        let impact = Impact::parse(self.impact.trim());
        if !impact.is_known() {
            errors.add("impact", &FormIssue::Choose);
        }
        let title = errors.take("title", text::line(&self.title, MAX_TITLE));
        let refund = problem_type == ProblemType::CspPurchaseRefund;
        let optional_line = |raw: &str, max| {
            if known(raw) || refund {
                Some(text::line(raw, max))
            } else {
                None
            }
        };
        let customer = match optional_line(&self.customer, 254) {
            Some(r) => errors.take("customer", r),
            None => None,
        };
        let order_id = if known(&self.order_id) || refund {
            match OrderId::parse(&self.order_id) {
                Ok(id) => Some(id),
                Err(_) if !known(&self.order_id) => {
                    errors.add("order_id", &Required);
                    None
                }
                Err(_) => {
                    errors.add("order_id", &FormIssue::InvalidOrderId);
                    None
                }
            }
        } else {
            None
        };
        let refund_reason = if known(&self.refund_reason) || refund {
            errors.take(
                "refund_reason",
                text::paragraphs(&self.refund_reason, MAX_REASON),
            )
        } else {
            None
        };
        let amount_requested = if known(&self.amount_requested) || refund {
            if !known(&self.amount_requested) {
                errors.add("amount_requested", &Required);
                None
            } else {
                match Amount::try_from(self.amount_requested.trim().to_string()) {
                    Ok(a)
                        if a.to_money(Currency::parse("KWD").expect("KWD"))
                            .is_ok_and(|m| m.minor() > 0) =>
                    {
                        Some(a)
                    }
                    Ok(_) => {
                        errors.add("amount_requested", &FormIssue::NotPositive);
                        None
                    }
                    Err(e) => {
                        errors.add("amount_requested", &e);
                        None
                    }
                }
            }
        } else {
            None
        };
        let contact_name = errors.take("contact_name", text::line(&self.contact_name, MAX_NAME));
        let contact_email = errors.take("contact_email", Email::parse(&self.contact_email));
        let contact_phone = match phone(&self.contact_phone) {
            Ok(p) => Some(p),
            Err(FieldErrorKind::Text(e)) => {
                errors.add("contact_phone", &e);
                None
            }
            Err(FieldErrorKind::Form(e)) => {
                errors.add("contact_phone", &e);
                None
            }
        };
        errors.finish(|| {
            Some(CheckedForm {
                problem_type,
                impact,
                title: title?,
                customer,
                order_id,
                refund_reason,
                amount_requested,
                contact_name: contact_name?,
                contact_email: contact_email?,
                contact_phone: contact_phone?,
            })
        })
    }
}

/// What the server finds when it checks a form against its data: the customer and the order
/// must be the partner's own, and the amount at most what can still be refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveIssue {
    UnknownCustomer,
    UnknownOrder,
    OtherCustomersOrder,
    /// An amount without an order has no currency.
    NeedsOrder,
    /// More than was paid less earlier credits (that maximum).
    AbovePaid(Money),
}

impl FieldIssue for ResolveIssue {
    fn code(&self) -> FieldCode {
        match self {
            ResolveIssue::UnknownCustomer => FieldCode::UnknownCustomer,
            ResolveIssue::UnknownOrder => FieldCode::UnknownOrder,
            ResolveIssue::OtherCustomersOrder => FieldCode::OtherCustomersOrder,
            ResolveIssue::NeedsOrder => FieldCode::NeedsOrder,
            ResolveIssue::AbovePaid(_) => FieldCode::AbovePaid,
        }
    }

    fn message(&self) -> String {
        match self {
            ResolveIssue::UnknownCustomer => {
                "None of your customers has this tenant ID or domain.".into()
            }
            ResolveIssue::UnknownOrder => {
                "None of your orders or subscriptions has this ID.".into()
            }
            ResolveIssue::OtherCustomersOrder => "This order is for another customer.".into(),
            ResolveIssue::NeedsOrder => "Give the order ID the amount is for.".into(),
            ResolveIssue::AbovePaid(max) => {
                format!("At most {max} can be refunded for this order: what was paid less earlier credits.")
            }
        }
    }
}

/// One row of the support request list: a partner sees its own, a support agent all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestSummary {
    pub id: SupportRequestId,
    /// The number people quote on the phone, e.g. 1000023.
    pub number: i64,
    pub title: String,
    pub problem_type: ProblemType,
    pub impact: Impact,
    pub status: SupportStatus,
    pub partner_name: String,
    /// The customer tenant ID or domain the request is about.
    pub customer: String,
    pub order_id: Option<OrderId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestList {
    pub items: Vec<SupportRequestSummary>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
}

/// `GET /api/v1/support-requests?status=&problem_type=&q=&sort=&page=&page_size=`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct SupportListQuery {
    /// Only requests in this status.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^(|new|in_progress|approved|rejected)$")
    )]
    pub status: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^(|csp_purchase_refund|billing|other)$")
    )]
    pub problem_type: Option<String>,
    /// A request number, tenant ID, domain or order ID.
    #[cfg_attr(feature = "openapi", param(max_length = 200))]
    pub q: Option<String>,
    /// `oldest` (the default for the support console) or `newest` (the default for partners).
    #[cfg_attr(feature = "openapi", param(pattern = "^(|oldest|newest)$"))]
    pub sort: Option<String>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100000))]
    pub page: Option<u32>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub page_size: Option<u32>,
}

/// A list query whose values are all known.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedListQuery {
    pub status: Option<SupportStatus>,
    pub problem_type: Option<ProblemType>,
    /// `None`: the caller's default order.
    pub oldest_first: Option<bool>,
    pub page: crate::paging::PageRequest,
}

impl SupportListQuery {
    /// Checks every value; the error says what is wrong in words (a 400).
    pub fn check(&self) -> Result<CheckedListQuery, String> {
        let page = crate::paging::PageQuery {
            q: self.q.clone(),
            page: self.page,
            page_size: self.page_size,
        }
        .check()?;
        let known = |raw: &Option<String>| {
            raw.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let status = match known(&self.status) {
            None => None,
            Some(s) => Some(
                Some(SupportStatus::parse(&s))
                    .filter(SupportStatus::is_known)
                    .ok_or("status must be new, in_progress, approved or rejected")?,
            ),
        };
        let problem_type = match known(&self.problem_type) {
            None => None,
            Some(s) => Some(
                Some(ProblemType::parse(&s))
                    .filter(ProblemType::is_known)
                    .ok_or("problem_type must be csp_purchase_refund, billing or other")?,
            ),
        };
        let oldest_first = match known(&self.sort).as_deref() {
            None => None,
            Some("oldest") => Some(true),
            Some("newest") => Some(false),
            Some(_) => return Err("sort must be oldest or newest".into()),
        };
        Ok(CheckedListQuery {
            status,
            problem_type,
            oldest_first,
            page,
        })
    }
}

open_enum! {
    pub enum SupportEventKind {
        Created = "created",
        Comment = "comment",
        StatusChanged = "status_changed",
        FilesAdded = "files_added",
    }
}

/// One entry of a request's history: who did what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportEvent {
    pub at: DateTime<Utc>,
    pub kind: SupportEventKind,
    pub by: String,
    /// Whether a support agent did it.
    pub by_support: bool,
    /// The new status of a status change.
    pub status: Option<SupportStatus>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: AttachmentId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: String,
}

/// What the request is about, as support agents see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportOrderInfo {
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub status: OrderStatus,
    /// Paid, credited, promised by a pending cancellation, and left to credit — the figures
    /// an approval is checked against.
    pub ledger: LedgerSummary,
    /// What other paths (a cancellation) credited or promised for the order since this
    /// request was filed.
    pub credited_since_filed: Amount,
    pub currency: Currency,
    /// Its prices include tax (Australia, Brazil).
    pub tax_inclusive: bool,
    /// Whether the purchase can be cancelled at all (SUSE and Red Hat plans cannot, R-CAN-2).
    pub cancellable_kind: bool,
    pub created_at: DateTime<Utc>,
    pub products: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequest {
    #[serde(flatten)]
    pub summary: SupportRequestSummary,
    pub refund_reason: Option<String>,
    pub amount_requested: Option<Amount>,
    pub currency: Option<Currency>,
    pub contact_name: String,
    pub contact_email: Email,
    pub contact_phone: String,
    pub attachments: Vec<Attachment>,
    pub history: Vec<SupportEvent>,
    pub order: Option<SupportOrderInfo>,
    /// What an approval credited, once approved.
    pub credited: Option<Amount>,
    /// What the approval did with the purchase, once approved with a credit.
    pub outcome: Option<ApprovalOutcome>,
}

/// `PATCH /api/v1/support-requests/{id}` (support agents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportStatusChange {
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(in_progress|approved|rejected)$")
    )]
    pub status: String,
    /// Shown to the partner.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
    /// With `approved`: the credit to book, at most the amount requested and what is left to
    /// credit on the order; that much when left out.
    #[serde(default)]
    pub credit: Option<Amount>,
    /// With `approved` and a request about an order: `cancel_purchase` (the default) cancels
    /// the order as R-CAN-8 does and books the credit; `credit_only` books a goodwill credit
    /// and keeps the purchase.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(cancel_purchase|credit_only)$")
    )]
    pub outcome: Option<String>,
}

/// A status change whose every value is known: a decision agents may take, a note that is
/// text, an outcome the product has.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedStatusChange {
    /// In progress, approved or rejected.
    pub to: SupportStatus,
    /// Required to reject.
    pub note: Option<String>,
    pub credit: Option<Amount>,
    pub outcome: Option<ApprovalOutcome>,
}

impl SupportStatusChange {
    /// The checks of a status change, field by field (`status`, `note`, `outcome`); whether
    /// the request's status allows it and what the credit may be, the server decides with its
    /// data.
    pub fn check(&self) -> Result<CheckedStatusChange, FieldErrors> {
        let mut errors = FieldErrors::new();
        let to = SupportStatus::parse(self.status.trim());
        let decision = matches!(
            to,
            SupportStatus::InProgress | SupportStatus::Approved | SupportStatus::Rejected
        );
        if !decision {
            errors.add("status", &FormIssue::Choose);
        }
        let note = match self.note.as_deref().map(|n| text::paragraphs(n, MAX_NOTE)) {
            None | Some(Err(TextError::Required)) => None,
            Some(Ok(note)) => Some(note),
            Some(Err(e)) => {
                errors.add("note", &e);
                None
            }
        };
        if to == SupportStatus::Rejected && note.is_none() {
            errors.add("note", &Required);
        }
        let outcome = self
            .outcome
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(ApprovalOutcome::parse);
        if outcome.as_ref().is_some_and(|o| !o.is_known()) {
            errors.add("outcome", &FormIssue::Choose);
        }
        errors.finish(|| {
            Some(CheckedStatusChange {
                to,
                note,
                credit: self.credit.clone(),
                outcome,
            })
        })
    }
}

open_enum! {
    /// What approving a refund does with the purchase.
    pub enum ApprovalOutcome {
        /// Cancel the order (keys and downloads revoked, R-CAN-8) and credit it.
        CancelPurchase = "cancel_purchase",
        /// Credit it and keep the purchase (a goodwill credit).
        CreditOnly = "credit_only",
    }
}

/// Why an approval's credit was refused (field `credit` of `validation_failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditIssue {
    /// More than was asked for, or than was paid less earlier credits.
    AboveMaximum,
    NotPositive,
    /// The order was credited in full already.
    NothingLeft,
    InvalidAmount,
    /// The request names no order and amount to credit.
    NoOrder,
}

impl FieldIssue for CreditIssue {
    fn code(&self) -> FieldCode {
        match self {
            CreditIssue::AboveMaximum => FieldCode::AboveMaximum,
            CreditIssue::NotPositive => FieldCode::NotPositive,
            CreditIssue::NothingLeft => FieldCode::NothingLeft,
            CreditIssue::InvalidAmount => FieldCode::InvalidAmount,
            CreditIssue::NoOrder => FieldCode::NoOrder,
        }
    }

    fn message(&self) -> String {
        match self {
            CreditIssue::AboveMaximum => {
                "The credit can be at most the amount requested and what was paid less earlier credits.".into()
            }
            CreditIssue::NotPositive => "Enter a credit above zero.".into(),
            CreditIssue::NothingLeft => "The order has been credited in full already: there is nothing left to credit.".into(),
            CreditIssue::InvalidAmount => "Enter the credit in the order's currency, e.g. 1234.56.".into(),
            CreditIssue::NoOrder => "This request names no order and amount, so approving it books no credit: leave the credit empty.".into(),
        }
    }
}

/// The most an approval may credit: the amount requested, but never more than is left to
/// credit on the order (R-SUP-6 with the one credit rule of [`Ledger`]).
pub fn max_credit(requested: Money, ledger: &Ledger) -> Money {
    ledger.cap(requested)
}

/// The credit an approval books: `chosen` when given (checked against [`max_credit`]),
/// otherwise the maximum.
pub fn approval_credit(
    chosen: Option<&Amount>,
    requested: Money,
    ledger: &Ledger,
) -> Result<Money, CreditIssue> {
    let max = max_credit(requested, ledger);
    if max.minor() <= 0 {
        return Err(CreditIssue::NothingLeft);
    }
    let Some(chosen) = chosen else { return Ok(max) };
    let chosen = chosen
        .to_money(ledger.currency())
        .map_err(|_| CreditIssue::InvalidAmount)?;
    if chosen.minor() <= 0 {
        Err(CreditIssue::NotPositive)
    } else if chosen > max {
        Err(CreditIssue::AboveMaximum)
    } else {
        Ok(chosen)
    }
}

/// Why a refund cannot be filed or approved for an order as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundRefusal {
    /// The order is being cancelled or was cancelled (409 `already_cancelled`).
    AlreadyCancelled,
    /// Everything paid for it was credited or promised already (422 `nothing_to_refund`).
    NothingToRefund,
    /// Cancelling was asked for, but SUSE and Red Hat plans cannot be cancelled (422
    /// `not_cancellable`): approve it as a credit only.
    NotCancellable,
    /// The credit itself (field `credit` of `validation_failed`).
    Credit(CreditIssue),
}

/// Whether a refund request for `amount` may be filed for `order`: the order must not be
/// cancelled or being cancelled, and the amount at most what is left to credit (else the
/// field error [`ResolveIssue::AbovePaid`] with that maximum).
pub fn check_refund_filing(
    order: &crate::cancellation::OrderFacts,
    amount: Money,
) -> Result<Result<Money, ResolveIssue>, RefundRefusal> {
    if order.status != OrderStatus::Completed {
        return Err(RefundRefusal::AlreadyCancelled);
    }
    let left = order.ledger.left();
    if left.is_zero() {
        return Err(RefundRefusal::NothingToRefund);
    }
    Ok(if amount > left || amount.currency() != left.currency() {
        Err(ResolveIssue::AbovePaid(left))
    } else {
        Ok(amount)
    })
}

/// The credit an approval with `outcome` books for `order`, where `requested` was asked
/// for and the agent chose `chosen` (or the most allowed).
pub fn check_approval(
    order: &crate::cancellation::OrderFacts,
    outcome: &ApprovalOutcome,
    requested: Money,
    chosen: Option<&Amount>,
) -> Result<Money, RefundRefusal> {
    if *outcome == ApprovalOutcome::CancelPurchase {
        if order.status != OrderStatus::Completed {
            return Err(RefundRefusal::AlreadyCancelled);
        }
        if !order.is_cancellable_kind() {
            return Err(RefundRefusal::NotCancellable);
        }
    }
    if order.ledger.left().is_zero() {
        return Err(RefundRefusal::NothingToRefund);
    }
    approval_credit(chosen, requested, &order.ledger).map_err(RefundRefusal::Credit)
}

/// Per-field messages, as `validation_failed` sends them.
pub type FieldMessages = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    fn refund() -> SupportForm {
        SupportForm {
            problem_type: "csp_purchase_refund".into(),
            impact: "high".into(),
            title: "Refund for a cancelled SQL Server order".into(),
            customer: "contoso.onmicrosoft.com".into(),
            order_id: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
            refund_reason: "Bought the wrong edition.".into(),
            amount_requested: "29263.68".into(),
            contact_name: "Avery Agent".into(),
            contact_email: "avery@northwind.example".into(),
            contact_phone: "+1 (425) 555-0100".into(),
        }
    }

    #[test]
    fn a_complete_refund_request_passes() {
        let checked = refund().check().unwrap();
        assert_eq!(checked.problem_type, ProblemType::CspPurchaseRefund);
        assert_eq!(checked.amount_requested.unwrap().as_str(), "29263.68");
    }

    #[test]
    fn refund_requests_need_customer_order_reason_and_amount() {
        let empty = SupportForm {
            problem_type: "csp_purchase_refund".into(),
            ..SupportForm::default()
        };
        let errors = empty.check().unwrap_err();
        for field in [
            "impact",
            "title",
            "customer",
            "order_id",
            "refund_reason",
            "amount_requested",
            "contact_name",
            "contact_email",
            "contact_phone",
        ] {
            assert!(errors.contains(field), "{field}");
        }
        let other = SupportForm {
            problem_type: "other".into(),
            ..refund()
        };
        let other = SupportForm {
            customer: String::new(),
            order_id: String::new(),
            refund_reason: String::new(),
            amount_requested: String::new(),
            ..other
        };
        assert!(other.check().is_ok(), "other problems need no order");
    }

    #[test]
    fn each_field_is_checked() {
        let bad = SupportForm {
            problem_type: "made_up".into(),
            impact: "urgent".into(),
            order_id: "1234".into(),
            amount_requested: "-5".into(),
            contact_email: "nobody".into(),
            contact_phone: "call me".into(),
            title: "x".repeat(121),
            ..refund()
        };
        let errors = bad.check().unwrap_err();
        assert_eq!(errors.code("problem_type"), Some(FieldCode::Required));
        assert_eq!(errors.code("impact"), Some(FieldCode::Required));
        assert_eq!(errors.code("order_id"), Some(FieldCode::InvalidOrderId));
        assert_eq!(
            errors.code("amount_requested"),
            Some(FieldCode::NotPositive)
        );
        assert_eq!(errors.code("contact_email"), Some(FieldCode::InvalidEmail));
        assert_eq!(errors.code("contact_phone"), Some(FieldCode::InvalidPhone));
        assert_eq!(errors.code("title"), Some(FieldCode::TooLong));
        let zero = SupportForm {
            amount_requested: "0.00".into(),
            ..refund()
        };
        assert_eq!(
            zero.check().unwrap_err().code("amount_requested"),
            Some(FieldCode::NotPositive)
        );
        let words = SupportForm {
            amount_requested: "lots".into(),
            ..refund()
        };
        assert_eq!(
            words.check().unwrap_err().code("amount_requested"),
            Some(FieldCode::InvalidAmount)
        );
    }

    #[test]
    fn files_are_judged_by_their_bytes() {
        assert_eq!(
            check_file("invoice.pdf", b"%PDF-1.7 ..."),
            Ok(AttachmentKind::Pdf)
        );
        assert_eq!(
            check_file("shot.PNG", b"\x89PNG\r\n\x1a\n...."),
            Ok(AttachmentKind::Png)
        );
        assert_eq!(
            check_file("notes.txt", "héllo".as_bytes()),
            Ok(AttachmentKind::Text)
        );
        assert_eq!(
            check_file("evil.pdf", b"<html><script>"),
            Err(FileIssue::WrongKind),
            "a name is not a kind"
        );
        assert_eq!(
            check_file("page.html", b"<html>"),
            Err(FileIssue::WrongKind)
        );
        assert_eq!(
            check_file("image.svg", b"<svg onload=alert(1)>"),
            Err(FileIssue::WrongKind)
        );
        assert_eq!(
            check_file("data.csv", b"a,b\x00"),
            Err(FileIssue::WrongKind),
            "binary is not text"
        );
        assert_eq!(check_file("empty.txt", b""), Err(FileIssue::Empty));
        assert_eq!(
            check_file("big.txt", &vec![b'a'; MAX_FILE_BYTES + 1]),
            Err(FileIssue::TooBig)
        );
        assert_eq!(
            AttachmentKind::Text.content_type(),
            "text/plain; charset=utf-8"
        );
    }

    #[test]
    fn approvals_credit_at_most_what_was_asked_and_what_is_left() {
        let eur = Currency::parse("EUR").unwrap();
        let m = |s: &str| Money::parse(s, eur).unwrap();
        let a = |s: &str| Amount::try_from(s.to_string()).unwrap();
        let paid = |credited: &str| Ledger::new(m("300.00"), m(credited).minor(), 0);
        assert_eq!(
            approval_credit(None, m("100.00"), &paid("0")),
            Ok(m("100.00"))
        );
        assert_eq!(
            approval_credit(None, m("500.00"), &paid("250.00")),
            Ok(m("50.00"))
        );
        assert_eq!(
            approval_credit(Some(&a("40.00")), m("100.00"), &paid("0")),
            Ok(m("40.00"))
        );
        assert_eq!(
            approval_credit(Some(&a("100.01")), m("100.00"), &paid("0")),
            Err(CreditIssue::AboveMaximum)
        );
        assert_eq!(
            approval_credit(Some(&a("0")), m("100.00"), &paid("0")),
            Err(CreditIssue::NotPositive)
        );
        assert_eq!(
            approval_credit(None, m("100.00"), &paid("300.00")),
            Err(CreditIssue::NothingLeft)
        );
        assert_eq!(
            approval_credit(Some(&a("1.001")), m("100.00"), &paid("0")),
            Err(CreditIssue::InvalidAmount)
        );
        let promised = Ledger::new(m("300.00"), 0, m("280.00").minor());
        assert_eq!(
            approval_credit(None, m("100.00"), &promised),
            Ok(m("20.00")),
            "a pending cancellation's credit is not free to refund"
        );
    }

    fn order_facts(
        status: OrderStatus,
        credited: i64,
        cancellable: bool,
    ) -> crate::cancellation::OrderFacts {
        let paid = Money::from_minor(2_462_00, Currency::USD);
        crate::cancellation::OrderFacts {
            status,
            cancellable_until: cancellable.then(|| "2026-05-01T00:00:00Z".parse().unwrap()),
            lines: Vec::new(),
            ledger: Ledger::new(paid, credited, 0),
        }
    }

    #[test]
    fn refunds_are_filed_only_for_orders_with_something_left() {
        let usd = |minor| Money::from_minor(minor, Currency::USD);
        let open = order_facts(OrderStatus::Completed, 462_00, true);
        assert_eq!(
            check_refund_filing(&open, usd(2_000_00)),
            Ok(Ok(usd(2_000_00)))
        );
        assert_eq!(
            check_refund_filing(&open, usd(2_000_01)),
            Ok(Err(ResolveIssue::AbovePaid(usd(2_000_00))))
        );
        for status in [OrderStatus::CancellationPending, OrderStatus::Cancelled] {
            assert_eq!(
                check_refund_filing(&order_facts(status, 0, true), usd(1)),
                Err(RefundRefusal::AlreadyCancelled)
            );
        }
        assert_eq!(
            check_refund_filing(&order_facts(OrderStatus::Completed, 2_462_00, true), usd(1)),
            Err(RefundRefusal::NothingToRefund)
        );
    }

    #[test]
    fn an_approval_that_cancels_needs_an_order_that_can_still_be_cancelled() {
        let usd = |minor| Money::from_minor(minor, Currency::USD);
        let cancel = ApprovalOutcome::CancelPurchase;
        let credit_only = ApprovalOutcome::CreditOnly;
        let open = order_facts(OrderStatus::Completed, 0, true);
        assert_eq!(
            check_approval(&open, &cancel, usd(2_462_00), None),
            Ok(usd(2_462_00))
        );
        let cancelled = order_facts(OrderStatus::Cancelled, 1_000_00, true);
        assert_eq!(
            check_approval(&cancelled, &cancel, usd(2_462_00), None),
            Err(RefundRefusal::AlreadyCancelled)
        );
        assert_eq!(
            check_approval(&cancelled, &credit_only, usd(2_462_00), None),
            Ok(usd(1_462_00)),
            "a goodwill credit of what is left"
        );
        let plan = order_facts(OrderStatus::Completed, 0, false);
        assert_eq!(
            check_approval(&plan, &cancel, usd(100_00), None),
            Err(RefundRefusal::NotCancellable)
        );
        assert_eq!(
            check_approval(&plan, &credit_only, usd(100_00), None),
            Ok(usd(100_00))
        );
        let spent = order_facts(OrderStatus::Completed, 2_462_00, true);
        assert_eq!(
            check_approval(&spent, &credit_only, usd(1), None),
            Err(RefundRefusal::NothingToRefund)
        );
    }

    #[test]
    fn the_app_prechecks_names_and_sizes() {
        assert_eq!(precheck_file("scan.JPG", 1000), Ok(()));
        assert_eq!(precheck_file("run.exe", 1000), Err(FileIssue::WrongKind));
        assert_eq!(precheck_file("noext", 1000), Err(FileIssue::WrongKind));
        assert_eq!(precheck_file("a.pdf", 0), Err(FileIssue::Empty));
        assert_eq!(
            precheck_file("a.pdf", MAX_FILE_BYTES as u64 + 1),
            Err(FileIssue::TooBig)
        );
        for accepted in ACCEPT.split(',') {
            assert!(
                precheck_file(&format!("x{accepted}"), 1).is_ok(),
                "{accepted}"
            );
        }
    }

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\me\\invoice.pdf"), "invoice.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\r\n.txt"), "ab.txt");
        assert_eq!(clean_file_name("..."), "file");
        assert_eq!(clean_file_name("发票.pdf"), "发票.pdf");
        assert_eq!(clean_file_name(&"x".repeat(300)).len(), 200);
    }

    #[test]
    fn a_status_change_is_checked_field_by_field() {
        let change =
            |status: &str, note: Option<&str>, outcome: Option<&str>| SupportStatusChange {
                status: status.into(),
                note: note.map(str::to_string),
                credit: None,
                outcome: outcome.map(str::to_string),
            };
        let ok = change("approved", Some(" Refunded. "), Some("credit_only"))
            .check()
            .unwrap();
        assert_eq!(
            (ok.to, ok.note.as_deref(), ok.outcome),
            (
                SupportStatus::Approved,
                Some("Refunded."),
                Some(ApprovalOutcome::CreditOnly)
            )
        );
        assert_eq!(
            change("in_progress", Some("  "), None)
                .check()
                .unwrap()
                .note,
            None
        );
        let errors = change("new", None, Some("refund_twice"))
            .check()
            .unwrap_err();
        assert_eq!(errors.code("status"), Some(FieldCode::Required));
        assert_eq!(errors.code("outcome"), Some(FieldCode::Required));
        let rejected = change("rejected", None, None).check().unwrap_err();
        assert_eq!(
            rejected.code("note"),
            Some(FieldCode::Required),
            "a rejection says why"
        );
    }

    #[test]
    fn statuses_move_forward_only() {
        use SupportStatus::*;
        assert!(New.can_change_to(&InProgress));
        assert!(New.can_change_to(&Rejected));
        assert!(InProgress.can_change_to(&Approved));
        assert!(!Approved.can_change_to(&Rejected));
        assert!(!Rejected.can_change_to(&InProgress));
        assert!(!InProgress.can_change_to(&New));
        assert!(New.is_open() && !Approved.is_open());
    }
}
