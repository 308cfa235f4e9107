//! The life of a subscription (SPEC §11 Subscriptions): a purchase with a term ends at its
//! term end, where it either renews — a new order at the current catalog price, with a new
//! cancellation window — or expires, after which its keys and downloads are revoked as for a
//! cancellation. Whether it renews is the purchase's `auto_renew`, which Admin agents and
//! Global admins may change until the term ends.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{ProductKind, Term};
use crate::order::OrderStatus;

/// `placed_by` of an order the product placed itself to renew a subscription.
pub const RENEWAL_PLACED_BY: &str = "automatic renewal";

/// Whether a purchase of `kind` bought for `term` has an end that can renew: software
/// subscriptions and Azure reservations. Perpetual licences never end; software plans are
/// billed as they are used.
pub fn renewable(kind: ProductKind, term: Option<Term>) -> bool {
    term.is_some()
        && matches!(
            kind,
            ProductKind::SoftwareSubscription | ProductKind::AzureReservation
        )
}

/// `auto_renew` of a new purchase: on for software subscriptions (as Partner Center renews
/// them), off for Azure reservations (a reservation renews only when someone says so), off for
/// everything that cannot renew.
pub fn auto_renew_by_default(kind: ProductKind, term: Option<Term>) -> bool {
    renewable(kind, term) && kind == ProductKind::SoftwareSubscription
}

/// How a purchase's term ended, once it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermEnded {
    /// A renewal order continues it (same keys).
    Renewed,
    /// It ended: keys and downloads revoked.
    Expired,
}

impl TermEnded {
    pub fn as_str(self) -> &'static str {
        match self {
            TermEnded::Renewed => "renewed",
            TermEnded::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<TermEnded> {
        [TermEnded::Renewed, TermEnded::Expired]
            .into_iter()
            .find(|e| e.as_str() == s)
    }

    /// The purchase's status from then on.
    pub fn status(self) -> OrderStatus {
        match self {
            TermEnded::Renewed => OrderStatus::Renewed,
            TermEnded::Expired => OrderStatus::Expired,
        }
    }
}

/// The status a purchase shows: its order's, or how its term ended.
pub fn purchase_status(order: &OrderStatus, ended: Option<TermEnded>) -> OrderStatus {
    match (order, ended) {
        (OrderStatus::Completed, Some(ended)) => ended.status(),
        (status, _) => status.clone(),
    }
}

/// What happens at a term's end, decided when it comes: the `auto_renew` of that moment.
pub fn at_term_end(auto_renew: bool) -> TermEnded {
    if auto_renew {
        TermEnded::Renewed
    } else {
        TermEnded::Expired
    }
}

/// The Customers list's deadline filters (`GET /api/v1/customers?deadline=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CustomerDeadline {
    /// An order's cancellation window closes within 7 days.
    WindowClosing,
    /// A subscription renews (auto-renew on) within 30 days.
    Renewing,
}

impl CustomerDeadline {
    pub const ALL: [CustomerDeadline; 2] =
        [CustomerDeadline::WindowClosing, CustomerDeadline::Renewing];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerDeadline::WindowClosing => "window_closing",
            CustomerDeadline::Renewing => "renewing",
        }
    }

    /// How far ahead the deadline may be.
    pub fn within(self) -> chrono::Duration {
        chrono::Duration::days(match self {
            CustomerDeadline::WindowClosing => 7,
            CustomerDeadline::Renewing => 30,
        })
    }
}

/// `PATCH /api/v1/customers/{id}/software/{purchase_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PurchaseChange {
    /// Renew at the term end (a new order at the catalog's price then), or let it expire.
    pub auto_renew: bool,
}

/// Why `auto_renew` cannot change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoRenewRefusal {
    /// Perpetual licences and software plans have no term to renew (422 `not_renewable`).
    NotRenewable,
    /// The order is cancelled or being cancelled (409 `already_cancelled`).
    Cancelled,
    /// The term has ended: renewed or expired (409 `subscription_ended`).
    Ended,
}

/// Whether `auto_renew` of a purchase may change at `now`: only for a renewable purchase whose
/// order stands and whose term has not ended.
pub fn check_auto_renew_change(
    kind: ProductKind,
    term: Option<Term>,
    status: &OrderStatus,
    term_end: Option<DateTime<Utc>>,
    ended: Option<TermEnded>,
    now: DateTime<Utc>,
) -> Result<(), AutoRenewRefusal> {
    if !renewable(kind, term) {
        return Err(AutoRenewRefusal::NotRenewable);
    }
    if matches!(
        status,
        OrderStatus::Cancelled | OrderStatus::CancellationPending
    ) {
        return Err(AutoRenewRefusal::Cancelled);
    }
    if ended.is_some() || term_end.is_some_and(|end| end <= now) {
        return Err(AutoRenewRefusal::Ended);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PurchaseId;
    use crate::order::IdempotencyKey;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn terms_end_the_same_instant_one_or_three_calendar_years_on_across_leap_years() {
        assert_eq!(
            Term::P1Y.end(t("2027-06-15T09:30:00Z")),
            t("2028-06-15T09:30:00Z")
        );
        // Bought on a leap day: the term ends on the last day of February.
        assert_eq!(
            Term::P1Y.end(t("2028-02-29T12:00:00Z")),
            t("2029-02-28T12:00:00Z")
        );
        assert_eq!(
            Term::P3Y.end(t("2028-02-29T12:00:00Z")),
            t("2031-02-28T12:00:00Z")
        );
        // A year that spans a leap day is 366 days long.
        assert_eq!(
            Term::P1Y.end(t("2027-03-01T00:00:00Z")) - t("2027-03-01T00:00:00Z"),
            chrono::Duration::days(366)
        );
        assert_eq!(
            Term::P3Y.end(t("2026-12-31T23:59:59Z")),
            t("2029-12-31T23:59:59Z")
        );
    }

    #[test]
    fn subscriptions_renew_by_default_reservations_when_asked_perpetual_never() {
        use ProductKind::*;
        assert!(auto_renew_by_default(SoftwareSubscription, Some(Term::P1Y)));
        assert!(!auto_renew_by_default(AzureReservation, Some(Term::P3Y)));
        assert!(renewable(AzureReservation, Some(Term::P3Y)));
        assert!(!renewable(PerpetualSoftware, None));
        assert!(!renewable(SoftwarePlan, None));
        assert!(!auto_renew_by_default(PerpetualSoftware, None));
    }

    #[test]
    fn auto_renew_changes_until_the_term_ends_on_a_standing_order() {
        let end = t("2027-06-15T09:30:00Z");
        let before = t("2027-06-15T09:29:59Z");
        let check = |kind, status: OrderStatus, ended, now| {
            check_auto_renew_change(kind, Some(Term::P1Y), &status, Some(end), ended, now)
        };
        use ProductKind::*;
        assert_eq!(
            check(SoftwareSubscription, OrderStatus::Completed, None, before),
            Ok(())
        );
        assert_eq!(
            check(SoftwareSubscription, OrderStatus::Completed, None, end),
            Err(AutoRenewRefusal::Ended)
        );
        assert_eq!(
            check(
                SoftwareSubscription,
                OrderStatus::Completed,
                Some(TermEnded::Renewed),
                before
            ),
            Err(AutoRenewRefusal::Ended)
        );
        assert_eq!(
            check(SoftwareSubscription, OrderStatus::Cancelled, None, before),
            Err(AutoRenewRefusal::Cancelled)
        );
        assert_eq!(
            check_auto_renew_change(
                PerpetualSoftware,
                None,
                &OrderStatus::Completed,
                None,
                None,
                before
            ),
            Err(AutoRenewRefusal::NotRenewable)
        );
    }

    #[test]
    fn a_purchase_shows_how_its_term_ended_unless_its_order_was_cancelled() {
        assert_eq!(
            purchase_status(&OrderStatus::Completed, Some(TermEnded::Expired)),
            OrderStatus::Expired
        );
        assert_eq!(
            purchase_status(&OrderStatus::Completed, None),
            OrderStatus::Completed
        );
        assert_eq!(
            purchase_status(&OrderStatus::Cancelled, Some(TermEnded::Expired)),
            OrderStatus::Cancelled
        );
        assert_eq!(at_term_end(true), TermEnded::Renewed);
        assert_eq!(at_term_end(false), TermEnded::Expired);
    }

    #[test]
    fn deadline_filters_are_named_on_the_wire_as_in_the_app() {
        for d in CustomerDeadline::ALL {
            assert_eq!(
                serde_json::to_value(d).unwrap(),
                serde_json::Value::from(d.as_str())
            );
        }
    }

    #[test]
    fn one_renewal_key_per_purchase_and_none_a_client_can_send() {
        let a = PurchaseId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let b = PurchaseId::parse("1f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        assert_eq!(IdempotencyKey::renewal(&a), IdempotencyKey::renewal(&a));
        assert_ne!(IdempotencyKey::renewal(&a), IdempotencyKey::renewal(&b));
        assert_eq!(
            IdempotencyKey::parse(IdempotencyKey::renewal(&a).as_str()),
            None
        );
        assert_eq!(
            IdempotencyKey::parse(&format!("renewal-{a}"))
                .map(|k| k == IdempotencyKey::renewal(&a)),
            Some(false)
        );
    }
}
