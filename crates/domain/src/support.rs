//! Customer support requests (SPEC R-SUP): what the lists show.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::SupportRequestId;
use crate::open_enum::open_enum;

open_enum! {
    /// Where a support request stands (R-SUP-6).
    pub enum SupportStatus {
        New = "new",
        InProgress = "in_progress",
        Approved = "approved",
        Rejected = "rejected",
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

/// One row of the support request list: a partner sees its own, a support agent all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestSummary {
    pub id: SupportRequestId,
    /// The number people quote on the phone, e.g. 1000023.
    pub number: i64,
    pub title: String,
    pub problem_type: ProblemType,
    pub status: SupportStatus,
    pub partner_name: String,
    /// The customer tenant ID or domain the request is about.
    pub customer: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestList {
    pub items: Vec<SupportRequestSummary>,
}
