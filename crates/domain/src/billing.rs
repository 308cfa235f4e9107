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
    /// Cancellations crediting more than this many major units of the order's currency need
    /// a support request (R-CAN-6).
    pub self_service_refund_limit: u64,
}

impl BillingProfile {
    /// The refund limit in `currency`.
    pub fn refund_limit(&self, currency: crate::money::Currency) -> crate::money::Money {
        let per_major = 10_i64.pow(currency.exponent());
        let major = i64::try_from(self.self_service_refund_limit).unwrap_or(i64::MAX);
        crate::money::Money::from_minor(major.saturating_mul(per_major), currency)
    }
}
