//! Customers of a partner (SPEC R-CUST).

use serde::{Deserialize, Serialize};

use crate::ids::{CustomerId, TenantId};
use crate::market::{Market, TaxLabel};
use crate::money::Currency;

/// A customer tenant (R-CUST-1). Field names are fixed by SPEC §10.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: CustomerId,
    pub company_name: String,
    /// The Microsoft Entra tenant ID, a GUID.
    pub tenant_id: TenantId,
    /// Primary domain, e.g. `fabrikam.onmicrosoft.com`.
    pub domain: String,
    /// ISO 3166 country code, or a subdivision code such as `NO-21`.
    pub market: Market,
    /// ISO 4217 currency code of the customer's market.
    pub currency: Currency,
}

impl Customer {
    /// "incl. tax" or "excl. tax" for every price shown to or for this customer (R-CAT-3).
    pub fn tax_label(&self) -> TaxLabel {
        TaxLabel::for_market(&self.market)
    }
}
