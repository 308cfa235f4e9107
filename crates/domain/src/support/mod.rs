//! Customer support requests (SPEC R-SUP): the request as lists and details show it and how
//! its status may move; the form a partner files (`form`), the files it may carry (`files`),
//! and what may be filed and approved for an order (`decisions`: the one credit rule at work).
//! Everything is re-exported here, so `support::X` names any of it.

mod decisions;
mod files;
mod form;

pub use decisions::*;
pub use files::*;
pub use form::*;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::ids::{AttachmentId, CustomerId, OrderId, SupportRequestId};
use crate::ledger::LedgerSummary;
use crate::money::{Amount, Currency};
use crate::open_enum::open_enum;
use crate::order::OrderStatus;

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
    /// The status in words; `None` for a status this build does not know (shown as sent).
    pub fn msg(&self) -> Option<csp_messages::Msg> {
        use csp_messages::Msg;
        Some(match self {
            SupportStatus::New => Msg::StatusNew,
            SupportStatus::InProgress => Msg::StatusInProgress,
            SupportStatus::Approved => Msg::StatusApproved,
            SupportStatus::Rejected => Msg::StatusRejected,
            SupportStatus::Unknown(_) => return None,
        })
    }

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

impl ProblemType {
    /// The problem type in words; `None` for one this build does not know.
    pub fn msg(&self) -> Option<csp_messages::Msg> {
        use csp_messages::Msg;
        Some(match self {
            ProblemType::CspPurchaseRefund => Msg::ProblemRefund,
            ProblemType::Billing => Msg::ProblemBilling,
            ProblemType::Other => Msg::ProblemOther,
            ProblemType::Unknown(_) => return None,
        })
    }
}

open_enum! {
    pub enum Impact {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

/// Limits of comments and of an agent's note.
pub const MAX_COMMENT: usize = 4000;
pub const MAX_NOTE: usize = 2000;

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
    /// `null` only for requests filed before contacts were recorded.
    pub contact_email: Option<Email>,
    pub contact_phone: String,
    pub attachments: Vec<Attachment>,
    pub history: Vec<SupportEvent>,
    pub order: Option<SupportOrderInfo>,
    /// What an approval credited, once approved.
    pub credited: Option<Amount>,
    /// What the approval did with the purchase, once approved with a credit.
    pub outcome: Option<ApprovalOutcome>,
}

/// Per-field messages, as `validation_failed` sends them.
pub type FieldMessages = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

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
