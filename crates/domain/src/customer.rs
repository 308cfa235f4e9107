//! Customers of a partner (SPEC R-CUST).

use serde::{Deserialize, Serialize};

/// A customer tenant (R-CUST-1). Field names are fixed by SPEC §10.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: String,
    pub company_name: String,
    /// The Microsoft Entra tenant ID, a GUID.
    pub tenant_id: String,
    /// Primary domain, e.g. `fabrikam.onmicrosoft.com`.
    pub domain: String,
    /// ISO 3166 country code, or a subdivision code such as `NO-21`.
    pub market: String,
    /// ISO 4217 currency code of the customer's market.
    pub currency: String,
}
