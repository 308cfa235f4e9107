//! An order's ledger: what was paid for it, what has been credited for it, and what a pending
//! cancellation is about to credit. One rule holds for every order, whatever the path that
//! credits it (a cancellation, a support agent's refund approval, any later one) and whatever
//! the order of events: **the credits of an order never exceed what was paid for it.**
//!
//! Every path asks [`Ledger::left`] (or [`Ledger::cap`]) inside the transaction that books,
//! after locking the order, so two paths cannot both see the same money as still free.

use serde::{Deserialize, Serialize};

use crate::money::{Amount, Currency, Money};
use crate::open_enum::open_enum;

/// What was paid for an order and what is credited or promised against it, in its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ledger {
    paid: Money,
    credited: Money,
    pending: Money,
}

impl Ledger {
    /// `credited`: the credits booked for the order; `pending`: what a cancellation that was
    /// accepted but not yet processed will book. Minor units of `paid`'s currency; a negative
    /// figure counts as zero.
    pub fn new(paid: Money, credited_minor: i64, pending_minor: i64) -> Ledger {
        let currency = paid.currency();
        Ledger {
            paid,
            credited: Money::from_minor(credited_minor.max(0), currency),
            pending: Money::from_minor(pending_minor.max(0), currency),
        }
    }

    pub fn currency(&self) -> Currency {
        self.paid.currency()
    }

    pub fn paid(&self) -> Money {
        self.paid
    }

    /// Credits booked so far.
    pub fn credited(&self) -> Money {
        self.credited
    }

    /// What a pending cancellation will book.
    pub fn pending(&self) -> Money {
        self.pending
    }

    /// What may still be credited: paid, less what was credited and what is promised; never
    /// below zero.
    pub fn left(&self) -> Money {
        let minor = self
            .paid
            .minor()
            .saturating_sub(self.credited.minor())
            .saturating_sub(self.pending.minor());
        Money::from_minor(minor.max(0), self.currency())
    }

    /// `wanted`, but never more than is left (and never below zero).
    pub fn cap(&self, wanted: Money) -> Money {
        if wanted.currency() != self.currency() || wanted.minor() <= 0 {
            return Money::zero(self.currency());
        }
        wanted.min(self.left())
    }

    /// The ledger after booking `credit`; refused when it is more than is left.
    pub fn book(self, credit: Money) -> Result<Ledger, Overcredit> {
        if credit.currency() != self.currency() || credit.minor() < 0 || credit > self.left() {
            return Err(Overcredit { left: self.left() });
        }
        Ok(Ledger {
            credited: Money::from_minor(self.credited.minor() + credit.minor(), self.currency()),
            ..self
        })
    }

    /// The ledger once its pending cancellation books `credit` (at most what it promised, and
    /// at most what is left besides it).
    pub fn settle_pending(self, credit: Money) -> (Ledger, Money) {
        let without = Ledger {
            pending: Money::zero(self.currency()),
            ..self
        };
        let booked = without.cap(credit);
        let after = without
            .book(booked)
            .expect("a capped credit fits what is left");
        (after, booked)
    }

    /// The figures as the API shows them.
    pub fn summary(&self) -> LedgerSummary {
        LedgerSummary {
            paid: self.paid.amount(),
            credited: self.credited.amount(),
            pending_credit: self.pending.amount(),
            left_to_credit: self.left().amount(),
        }
    }
}

/// A credit larger than what is left to credit on the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overcredit {
    pub left: Money,
}

/// An order's ledger on the wire: the same figures in the cancel dialog, the support console,
/// the invoice and the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerSummary {
    /// What was paid for the order.
    pub paid: Amount,
    /// Credits booked for it so far (on this or a later invoice).
    pub credited: Amount,
    /// What an accepted cancellation will credit once processed; `0` without one.
    pub pending_credit: Amount,
    /// What may still be credited: paid − credited − pending.
    pub left_to_credit: Amount,
}

impl LedgerSummary {
    /// The ledger these figures describe, in `currency` (figures that do not fit it count as
    /// zero).
    pub fn ledger(&self, currency: Currency) -> Ledger {
        let minor = |a: &Amount| a.to_money(currency).map_or(0, Money::minor);
        Ledger::new(
            Money::from_minor(minor(&self.paid), currency),
            minor(&self.credited),
            minor(&self.pending_credit),
        )
    }
}

open_enum! {
    /// What a credit came from.
    pub enum CreditSource {
        /// A cancellation of the order (R-CAN-9).
        Cancellation = "cancellation",
        /// A support agent's approval of a refund request (R-SUP-6).
        SupportRequest = "support_request",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    #[test]
    fn what_is_left_is_paid_less_credited_and_promised() {
        let ledger = Ledger::new(usd(2_462_00), 500_00, 1_000_00);
        assert_eq!(ledger.left(), usd(962_00));
        assert_eq!(ledger.cap(usd(2_000_00)), usd(962_00));
        assert_eq!(ledger.cap(usd(100_00)), usd(100_00));
        assert_eq!(ledger.cap(usd(-5)), usd(0));
        let over = Ledger::new(usd(100_00), 80_00, 50_00);
        assert_eq!(over.left(), usd(0), "never below zero");
    }

    #[test]
    fn the_wire_figures_read_back_as_the_same_ledger() {
        let ledger = Ledger::new(usd(2_462_00), 500_00, 1_000_00);
        assert_eq!(ledger.summary().ledger(Currency::USD), ledger);
        assert_eq!(ledger.summary().left_to_credit.as_str(), "962.00");
    }

    #[test]
    fn booking_more_than_is_left_is_refused() {
        let ledger = Ledger::new(usd(100_00), 40_00, 0);
        assert_eq!(
            ledger.book(usd(60_01)),
            Err(Overcredit { left: usd(60_00) })
        );
        let after = ledger.book(usd(60_00)).unwrap();
        assert_eq!((after.credited(), after.left()), (usd(100_00), usd(0)));
        assert!(after.book(usd(1)).is_err());
        assert!(ledger.book(Money::from_minor(1, Currency::EUR)).is_err());
    }

    #[test]
    fn a_pending_cancellation_books_what_it_promised_if_it_is_still_there() {
        let ledger = Ledger::new(usd(100_00), 0, 70_00);
        assert_eq!(ledger.left(), usd(30_00));
        let (after, booked) = ledger.settle_pending(usd(70_00));
        assert_eq!((booked, after.left()), (usd(70_00), usd(30_00)));
        // Credited meanwhile beyond what the promise left free: it books only the rest.
        let squeezed = Ledger::new(usd(100_00), 50_00, 70_00);
        let (after, booked) = squeezed.settle_pending(usd(70_00));
        assert_eq!((booked, after.credited()), (usd(50_00), usd(100_00)));
    }

    /// Random sequences of every kind of credit operation, in any order, never credit more
    /// than was paid.
    #[test]
    fn property_no_sequence_of_credits_exceeds_what_was_paid() {
        let mut seed: u64 = 0x5eed;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..5_000 {
            let paid = usd(next(1_000_000) as i64 + 1);
            let mut ledger = Ledger::new(paid, 0, 0);
            let mut promised: Option<Money> = None;
            let mut booked_total = 0i64;
            for _ in 0..next(8) + 1 {
                let wanted = usd(next(1_200_000) as i64);
                match next(4) {
                    // A cancellation is accepted: it promises at most what is left.
                    0 if promised.is_none() => {
                        let promise = ledger.cap(wanted);
                        ledger = Ledger::new(paid, ledger.credited().minor(), promise.minor());
                        promised = Some(promise);
                    }
                    // The worker processes it.
                    1 if promised.is_some() => {
                        let (after, booked) = ledger.settle_pending(promised.take().unwrap());
                        booked_total += booked.minor();
                        ledger = after;
                    }
                    // An approval books what it may, or is refused.
                    2 => {
                        if let Ok(after) = ledger.book(wanted) {
                            booked_total += wanted.minor();
                            ledger = after;
                        }
                    }
                    // An approval asks for no more than is left.
                    _ => {
                        let credit = ledger.cap(wanted);
                        ledger = ledger.book(credit).unwrap();
                        booked_total += credit.minor();
                    }
                }
                assert!(booked_total <= paid.minor(), "{booked_total} > {paid}");
                assert_eq!(ledger.credited().minor(), booked_total);
                assert!(
                    ledger.credited().minor() + ledger.pending().minor() <= paid.minor(),
                    "credited and promised stay within what was paid"
                );
            }
        }
    }
}
