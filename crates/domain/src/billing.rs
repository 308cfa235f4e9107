//! How a partner pays: its billing profile, which every order is charged to.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingProfile {
    /// The partner's legal name on invoices.
    pub company_name: String,
    pub address_lines: Vec<String>,
    /// Where invoices are sent.
    pub invoice_email: String,
    /// How invoices are paid, e.g. "Bank transfer, 30 days net" or "Visa ending 4242".
    pub payment_method: String,
}
