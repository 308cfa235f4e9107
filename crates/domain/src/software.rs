//! Software bought for a customer (R-SW, R-KEY): the purchases a partner sees (never a key),
//! and what the customer's admin center shows (keys on request, downloads).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{ProductKind, Term};
use crate::ids::{FileId, OrderId, PurchaseId, TenantId};
use crate::money::Amount;
use crate::order::OrderStatus;

/// Whether `key` has the product key format `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX` (R-KEY-1):
/// five groups of five upper-case letters or digits.
pub fn is_product_key(key: &str) -> bool {
    let groups: Vec<&str> = key.split('-').collect();
    groups.len() == 5
        && groups.iter().all(|g| {
            g.len() == 5
                && g.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

/// One purchase (a line of an order), as partners and customers see it in lists. Never
/// carries a key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoftwarePurchase {
    pub id: PurchaseId,
    pub order_id: OrderId,
    pub product_name: String,
    pub sku_name: String,
    pub kind: ProductKind,
    pub term: Option<Term>,
    pub quantity: u32,
    pub purchased_at: DateTime<Utc>,
    pub term_end: Option<DateTime<Utc>>,
    /// Whether it renews at `term_end`; Admin agents and Global admins change it with `PATCH`
    /// until then.
    pub auto_renew: bool,
    /// The order's status (`completed`, `cancellation_pending`, `cancelled`), or how the term
    /// ended: `renewed` (see `renewal_order_id`) or `expired` (keys and downloads revoked).
    pub status: OrderStatus,
    /// The order that renewed it, once renewed.
    pub renewal_order_id: Option<OrderId>,
    /// Whether it comes with product keys and downloads (in the customer's admin center).
    pub has_keys: bool,
    /// The end of the order's cancellation window; `null` when it can never be cancelled.
    pub cancellable_until: Option<DateTime<Utc>>,
    /// While cancellable: the credit a cancellation now would give, in `currency`.
    pub credit_if_cancelled_now: Option<Amount>,
    pub currency: crate::money::Currency,
}

/// A file of a purchase the customer can download.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Download {
    pub id: FileId,
    pub file_name: String,
    pub version: String,
    pub language: String,
    pub size_bytes: u64,
    /// Hex SHA-256 of the content, to check a finished download.
    pub sha256: String,
}

/// A purchase in the customer admin center: keys are revealed on request, files downloaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenantSoftware {
    #[serde(flatten)]
    pub purchase: SoftwarePurchase,
    /// How many product keys the purchase has (shown masked until revealed).
    pub key_count: u32,
    /// Empty once the purchase is cancelled: keys and downloads are revoked (R-CAN-8).
    pub downloads: Vec<Download>,
    /// No keys or downloads here: the purchase was cancelled or expired (revoked), or renewed
    /// (they are under the renewal's purchase).
    pub revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenantSoftwareList {
    pub tenant_id: TenantId,
    pub company_name: String,
    pub items: Vec<TenantSoftware>,
}

/// The answer to a key reveal: the keys, once recorded in the activity log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyReveal {
    pub purchase_id: PurchaseId,
    pub product_keys: Vec<String>,
}

/// The customer's deep link to its admin center (R-SW-2): a stable URL, no secret in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeepLink {
    pub url: String,
    pub tenant_id: TenantId,
}

/// Where a deep link leads: the customer admin center's Billing → Your products → Software
/// tab (R-SW-3). The app's route table and the server's deep links both use it.
pub const ADMIN_CENTER_SOFTWARE: &str = "/admin-center/billing/products/software";

/// The deep link's path for `tenant`.
pub fn admin_center_path(tenant: &TenantId) -> String {
    format!("{ADMIN_CENTER_SOFTWARE}?tenant={tenant}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_keys_are_five_groups_of_five() {
        assert!(is_product_key("VK7JG-NPHTM-C97JM-9MPGT-3V66T"));
        for bad in [
            "VK7JG-NPHTM-C97JM-9MPGT",
            "vk7jg-nphtm-c97jm-9mpgt-3v66t",
            "VK7JG-NPHTM-C97JM-9MPGT-3V66",
            "VK7JGNPHTMC97JM9MPGT3V66T1",
            "VK7JG-NPHTM-C97JM-9MPGT-3V6!T",
        ] {
            assert!(!is_product_key(bad), "{bad}");
        }
    }

    #[test]
    fn the_deep_link_names_only_the_tenant() {
        let tenant = TenantId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        assert_eq!(
            admin_center_path(&tenant),
            "/admin-center/billing/products/software?tenant=0f8fad5b-d9cb-469f-a165-70867728950e"
        );
    }
}
