//! Cancelling a purchase (R-CAN): the window, the credit, the refund limit. One set of rules,
//! called by the cancel dialog (to show what will happen) and by the server (to do it).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::RefundLimit;
use crate::catalog::ProductKind;
use crate::ledger::Ledger;
use crate::money::{Amount, Money};
use crate::order::OrderStatus;

/// The instant a purchase made at `purchased_at` stops being cancellable: exactly
/// `window_days` × 24 hours after it (R-CAN-1: "within 60 days of purchase" — a purchase at
/// 23:59 UTC has 60 full days, as one at 00:00 has). `None` when the kind cannot be cancelled.
pub fn cancellable_until(
    purchased_at: DateTime<Utc>,
    window_days: Option<u32>,
) -> Option<DateTime<Utc>> {
    purchased_at.checked_add_signed(Duration::days(i64::from(window_days?)))
}

/// Days left to cancel at `now`, counting a started day as a day: 60 at the moment of
/// purchase, 1 during the last 24 hours, 0 once the window has passed.
pub fn days_left(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let left = until - now;
    if left <= Duration::zero() {
        return 0;
    }
    let whole = left.num_days();
    if left > Duration::days(whole) {
        whole + 1
    } else {
        whole
    }
}

/// What one line of an order contributes to a credit.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditLine {
    pub kind: ProductKind,
    /// What was paid for the line.
    pub amount: Money,
    pub purchased_at: DateTime<Utc>,
    /// The end of a subscription's or reservation's term.
    pub term_end: Option<DateTime<Utc>>,
}

/// How a line's credit is counted, for people: all of it, or unused days of the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditBasis {
    Full,
    Prorated { unused_days: u64, term_days: u64 },
}

/// The basis of a line's credit at `now` (R-CAN-9): everything for perpetual software; for
/// terms, the whole UTC days of the term not yet begun over the term's days.
pub fn credit_basis(line: &CreditLine, now: DateTime<Utc>) -> CreditBasis {
    match (line.kind, line.term_end) {
        (ProductKind::PerpetualSoftware, _) | (_, None) => CreditBasis::Full,
        (_, Some(end)) => {
            let start = line.purchased_at.date_naive();
            let term_days = (end.date_naive() - start).num_days().max(1) as u64;
            let used = (now.date_naive() - start)
                .num_days()
                .clamp(0, term_days as i64) as u64;
            CreditBasis::Prorated {
                unused_days: term_days - used,
                term_days,
            }
        }
    }
}

/// The credit for cancelling `line` at `now`, rounded to the minor unit (R-CAN-9).
pub fn line_credit(line: &CreditLine, now: DateTime<Utc>) -> Money {
    match credit_basis(line, now) {
        CreditBasis::Full => line.amount,
        CreditBasis::Prorated {
            unused_days,
            term_days,
        } => line.amount.share(unused_days, term_days),
    }
}

/// Facts about an order that decide whether and how it can be cancelled.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFacts {
    pub status: OrderStatus,
    /// `None` when it can never be cancelled (a software plan is in it).
    pub cancellable_until: Option<DateTime<Utc>>,
    pub lines: Vec<CreditLine>,
    /// What was paid and credited: a cancellation credits at most what is left.
    pub ledger: Ledger,
}

impl OrderFacts {
    /// What cancelling now would credit: the lines' credits (R-CAN-9), never more than is left
    /// to credit on the order.
    pub fn credit_now(&self, now: DateTime<Utc>) -> Money {
        let currency = self.ledger.currency();
        let due = self
            .lines
            .iter()
            .map(|l| line_credit(l, now))
            .try_fold(Money::zero(currency), Money::checked_add)
            .unwrap_or(self.ledger.paid());
        self.ledger.cap(due)
    }

    /// Whether the order can be cancelled at all (no software plan in it, R-CAN-2).
    pub fn is_cancellable_kind(&self) -> bool {
        self.cancellable_until.is_some()
    }
}

/// What cancelling an order now would do — the dialog shows it, the server acts on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Assessment {
    /// It can be cancelled, with this credit, until `until` (`days_left` days, a started day
    /// counting as one).
    Cancellable {
        credit: Amount,
        days_left: i64,
        until: DateTime<Utc>,
    },
    /// The credit is above the partner's self-service refund limit: a support request is
    /// needed (R-CAN-6).
    NeedsSupportRequest {
        credit: Amount,
        limit: Amount,
    },
    WindowPassed {
        until: DateTime<Utc>,
    },
    /// SUSE and Red Hat plans (R-CAN-2).
    NotCancellable,
    /// A cancellation is pending or done.
    AlreadyCancelled,
    /// Everything paid for it was credited already (by an approved refund).
    NothingToRefund,
}

/// Decides what cancelling the order at `now` would do, with the partner's refund `limit`.
pub fn assess(order: &OrderFacts, now: DateTime<Utc>, limit: RefundLimit) -> Assessment {
    if order.status != OrderStatus::Completed {
        return Assessment::AlreadyCancelled;
    }
    let Some(until) = order.cancellable_until else {
        return Assessment::NotCancellable;
    };
    if now >= until {
        return Assessment::WindowPassed { until };
    }
    if order.ledger.left().is_zero() {
        return Assessment::NothingToRefund;
    }
    let credit = order.credit_now(now);
    let limit = limit.in_currency(credit.currency());
    if credit.minor() > limit.minor() {
        return Assessment::NeedsSupportRequest {
            credit: credit.amount(),
            limit: limit.amount(),
        };
    }
    Assessment::Cancellable {
        credit: credit.amount(),
        days_left: days_left(until, now),
        until,
    }
}

impl crate::order::Order {
    /// What decides this order's cancellation, as [`assess`] takes it: the dialog assesses
    /// the order the API returned with the same rule the server applies.
    pub fn facts(&self) -> OrderFacts {
        let money = |a: &Amount| {
            a.to_money(self.currency)
                .unwrap_or(Money::zero(self.currency))
        };
        OrderFacts {
            status: self.status.clone(),
            cancellable_until: self.cancellable_until,
            lines: self
                .line_items
                .iter()
                .map(|l| CreditLine {
                    kind: l.kind,
                    amount: money(&l.amount),
                    purchased_at: self.created_at,
                    term_end: l.term_end,
                })
                .collect(),
            ledger: self.ledger.ledger(self.currency),
        }
    }
}

/// How long a cancellation may take to show (R-CAN-7).
pub const PROCESSING_PROMISE_MINUTES: i64 = 15;

/// `POST …/orders/{order_id}/cancellation`: the caller confirms the Important message was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelRequest {
    /// Must be `true` (`confirmation_required` otherwise).
    #[serde(default)]
    pub confirm: bool,
}

crate::open_enum::open_enum! {
    /// Where a cancellation stands.
    pub enum CancellationStatus {
        /// Accepted; keys and downloads still work until it is processed.
        Pending = "pending",
        /// Processed: the purchase is cancelled, keys and downloads revoked, the credit booked.
        Completed = "completed",
    }
}

/// A cancellation as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cancellation {
    pub id: crate::ids::CancellationId,
    pub order_id: crate::ids::OrderId,
    pub status: CancellationStatus,
    pub requested_at: DateTime<Utc>,
    pub requested_by: String,
    /// The credit it books: what the order would credit when it was requested (at most what
    /// was left to credit when it was processed).
    pub credit: Amount,
    pub currency: crate::money::Currency,
    /// When it will have been processed at the latest (R-CAN-7: up to 15 minutes).
    pub expected_by: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
    /// The support request whose approval cancelled the order, when it was cancelled that way.
    pub support_request_id: Option<crate::ids::SupportRequestId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Term;
    use crate::money::Currency;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    fn subscription(bought: &str, amount: Money, term: Term) -> CreditLine {
        let purchased_at = t(bought);
        CreditLine {
            kind: ProductKind::SoftwareSubscription,
            amount,
            purchased_at,
            term_end: Some(term.end(purchased_at)),
        }
    }

    fn order(lines: Vec<CreditLine>, window: Option<u32>) -> OrderFacts {
        let bought = lines[0].purchased_at;
        let paid = lines
            .iter()
            .try_fold(usd(0), |sum, l| sum.checked_add(l.amount))
            .unwrap();
        OrderFacts {
            status: OrderStatus::Completed,
            cancellable_until: cancellable_until(bought, window),
            lines,
            ledger: Ledger::new(paid, 0, 0),
        }
    }

    const LIMIT: RefundLimit = RefundLimit::DEFAULT;

    #[test]
    fn a_purchase_at_23_59_utc_gets_60_full_days() {
        let o = order(
            vec![subscription("2026-03-01T23:59:00Z", usd(100_00), Term::P1Y)],
            Some(60),
        );
        assert_eq!(o.cancellable_until, Some(t("2026-04-30T23:59:00Z")));
        let at = |s: &str| assess(&o, t(s), LIMIT);
        assert!(
            matches!(
                at("2026-03-01T23:59:00Z"),
                Assessment::Cancellable { days_left: 60, .. }
            ),
            "the moment of purchase"
        );
        assert!(matches!(
            at("2026-03-02T00:00:00Z"),
            Assessment::Cancellable { days_left: 60, .. }
        ));
        assert!(
            matches!(
                at("2026-04-30T00:00:00Z"),
                Assessment::Cancellable { days_left: 1, .. }
            ),
            "the 60th day is a whole day, not a minute"
        );
        assert!(matches!(
            at("2026-04-30T23:58:59Z"),
            Assessment::Cancellable { days_left: 1, .. }
        ));
        assert!(
            matches!(at("2026-04-30T23:59:00Z"), Assessment::WindowPassed { .. }),
            "60 × 24 hours later"
        );
    }

    #[test]
    fn a_purchase_at_midnight_ends_at_midnight_60_days_later() {
        let until = cancellable_until(t("2026-03-01T00:00:00Z"), Some(60)).unwrap();
        assert_eq!(until, t("2026-04-30T00:00:00Z"));
        assert_eq!(days_left(until, t("2026-04-29T00:00:00Z")), 1);
        assert_eq!(days_left(until, t("2026-04-28T23:59:59Z")), 2);
        assert_eq!(days_left(until, t("2026-04-30T00:00:00Z")), 0);
    }

    #[test]
    fn the_window_counts_elapsed_days_across_a_leap_day() {
        assert_eq!(
            cancellable_until(t("2028-01-15T10:00:00Z"), Some(60)).unwrap(),
            t("2028-03-15T10:00:00Z"),
            "Jan 15 + 60 days in a leap year"
        );
        assert_eq!(
            cancellable_until(t("2027-01-15T10:00:00Z"), Some(60)).unwrap(),
            t("2027-03-16T10:00:00Z")
        );
        assert_eq!(
            cancellable_until(t("2028-02-29T12:00:00Z"), Some(7)).unwrap(),
            t("2028-03-07T12:00:00Z")
        );
    }

    #[test]
    fn other_windows_follow_the_same_rule() {
        for days in [1u32, 7, 30, 365] {
            let bought = t("2026-06-10T17:45:00Z");
            let until = cancellable_until(bought, Some(days)).unwrap();
            assert_eq!((until - bought).num_hours(), 24 * i64::from(days));
            assert_eq!(days_left(until, bought), i64::from(days));
        }
        assert_eq!(cancellable_until(t("2026-06-10T17:45:00Z"), None), None);
    }

    #[test]
    fn perpetual_software_gets_everything_back() {
        let line = CreditLine {
            kind: ProductKind::PerpetualSoftware,
            amount: usd(1_069_00),
            purchased_at: t("2026-01-01T00:00:00Z"),
            term_end: None,
        };
        assert_eq!(line_credit(&line, t("2026-02-20T00:00:00Z")), usd(1_069_00));
        assert_eq!(
            credit_basis(&line, t("2026-02-20T00:00:00Z")),
            CreditBasis::Full
        );
    }

    #[test]
    fn subscriptions_are_prorated_by_unused_whole_days() {
        let line = subscription("2026-01-01T10:00:00Z", usd(365_00), Term::P1Y);
        assert_eq!(
            line_credit(&line, t("2026-01-01T18:00:00Z")),
            usd(365_00),
            "day 0: nothing used"
        );
        assert_eq!(
            line_credit(&line, t("2026-01-06T00:00:00Z")),
            usd(360_00),
            "5 days used of 365"
        );
        assert_eq!(
            credit_basis(&line, t("2026-01-06T00:00:00Z")),
            CreditBasis::Prorated {
                unused_days: 360,
                term_days: 365
            }
        );
        assert_eq!(
            line_credit(&line, t("2027-01-01T10:00:00Z")),
            usd(0),
            "the whole term used"
        );
        let three = subscription("2026-01-01T10:00:00Z", usd(1_096_00), Term::P3Y);
        assert_eq!(
            line_credit(&three, t("2026-01-02T00:00:00Z")),
            usd(1_095_00),
            "1096 days in three years with a leap day"
        );
    }

    #[test]
    fn property_prorated_credits_stay_between_zero_and_the_price_and_fall_with_use() {
        for (amount, currency) in [
            (972_00, Currency::USD),
            (145_800, Currency::JPY),
            (1, Currency::EUR),
            (99_999_99, Currency::GBP),
        ] {
            for term in [Term::P1Y, Term::P3Y] {
                let line = CreditLine {
                    kind: ProductKind::AzureReservation,
                    amount: Money::from_minor(amount, currency),
                    purchased_at: t("2027-06-15T09:00:00Z"),
                    term_end: Some(term.end(t("2027-06-15T09:00:00Z"))),
                };
                let mut previous = i64::MAX;
                for day in 0..(366 * term.years() as i64 + 2) {
                    let credit = line_credit(
                        &line,
                        t("2027-06-15T12:00:00Z") + chrono::Duration::days(day),
                    )
                    .minor();
                    assert!(
                        (0..=amount).contains(&credit),
                        "{credit} of {amount} on day {day}"
                    );
                    assert!(credit <= previous, "monotone: day {day}");
                    previous = credit;
                }
                assert_eq!(previous, 0, "nothing left after the term");
            }
        }
    }

    #[test]
    fn yen_credits_are_whole_yen() {
        let line = CreditLine {
            kind: ProductKind::SoftwareSubscription,
            amount: Money::from_minor(100_000, Currency::JPY),
            purchased_at: t("2026-01-01T00:00:00Z"),
            term_end: Some(t("2027-01-01T00:00:00Z")),
        };
        // 170 of 365 days used: 100000 × 195 / 365 = 53424.66 → 53425 yen.
        assert_eq!(
            line_credit(&line, t("2026-06-20T00:00:00Z")).minor(),
            53_425
        );
    }

    #[test]
    fn software_plans_cannot_be_cancelled_and_nothing_twice() {
        let mut o = order(
            vec![subscription("2026-03-01T00:00:00Z", usd(10_00), Term::P1Y)],
            None,
        );
        assert_eq!(
            assess(&o, t("2026-03-02T00:00:00Z"), LIMIT),
            Assessment::NotCancellable
        );
        o.cancellable_until = cancellable_until(t("2026-03-01T00:00:00Z"), Some(60));
        o.status = OrderStatus::CancellationPending;
        assert_eq!(
            assess(&o, t("2026-03-02T00:00:00Z"), LIMIT),
            Assessment::AlreadyCancelled
        );
        o.status = OrderStatus::Cancelled;
        assert_eq!(
            assess(&o, t("2026-03-02T00:00:00Z"), LIMIT),
            Assessment::AlreadyCancelled
        );
    }

    #[test]
    fn credits_above_the_refund_limit_need_a_support_request() {
        let o = order(
            vec![subscription(
                "2026-03-01T00:00:00Z",
                usd(30_000_00),
                Term::P1Y,
            )],
            Some(60),
        );
        match assess(&o, t("2026-03-01T12:00:00Z"), LIMIT) {
            Assessment::NeedsSupportRequest { credit, limit } => {
                assert_eq!((credit.as_str(), limit.as_str()), ("30000.00", "25000.00"));
            }
            other => panic!("{other:?}"),
        }
        let exactly = order(
            vec![subscription(
                "2026-03-01T00:00:00Z",
                usd(2_500_000),
                Term::P1Y,
            )],
            Some(60),
        );
        assert!(matches!(
            assess(&exactly, t("2026-03-01T12:00:00Z"), LIMIT),
            Assessment::Cancellable { .. }
        ));
        let lower = RefundLimit::from_hundredths(1_000_00);
        assert!(matches!(
            assess(&exactly, t("2026-03-01T12:00:00Z"), lower),
            Assessment::NeedsSupportRequest { .. }
        ));
    }

    #[test]
    fn a_cancellation_credits_only_what_earlier_credits_left() {
        let mut o = order(
            vec![subscription(
                "2026-03-01T00:00:00Z",
                usd(2_462_00),
                Term::P1Y,
            )],
            Some(60),
        );
        o.ledger = Ledger::new(usd(2_462_00), 2_000_00, 0);
        match assess(&o, t("2026-03-01T12:00:00Z"), LIMIT) {
            Assessment::Cancellable { credit, .. } => assert_eq!(credit.as_str(), "462.00"),
            other => panic!("{other:?}"),
        }
        o.ledger = Ledger::new(usd(2_462_00), 2_462_00, 0);
        assert_eq!(
            assess(&o, t("2026-03-01T12:00:00Z"), LIMIT),
            Assessment::NothingToRefund
        );
        // An order once above the limit falls under it after a partial refund: the credit it
        // would book is what is left, and that is what the limit is compared with.
        let mut big = order(
            vec![subscription(
                "2026-03-01T00:00:00Z",
                usd(30_000_00),
                Term::P1Y,
            )],
            Some(60),
        );
        big.ledger = Ledger::new(usd(30_000_00), 10_000_00, 0);
        match assess(&big, t("2026-03-01T12:00:00Z"), LIMIT) {
            Assessment::Cancellable { credit, .. } => assert_eq!(credit.as_str(), "20000.00"),
            other => panic!("{other:?}"),
        }
    }
}
