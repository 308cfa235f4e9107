//! Customer support requests (SPEC R-SUP): what the lists show.

use serde::{Deserialize, Serialize};

/// One row of the support request list: a partner sees its own, a support agent all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestSummary {
    pub id: String,
    /// The number people quote on the phone, e.g. 1000023.
    pub number: i64,
    pub title: String,
    /// e.g. `csp_purchase_refund`.
    pub problem_type: String,
    /// `new`, `in_progress`, `approved`, `rejected`; clients must tolerate other values.
    pub status: String,
    pub partner_name: String,
    /// The customer tenant ID or domain the request is about.
    pub customer: String,
    /// RFC 3339 time, UTC.
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestList {
    pub items: Vec<SupportRequestSummary>,
}
