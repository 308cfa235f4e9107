//! What an agent decides, and what may be filed and approved for an order: a refund request
//! only for an order that is not cancelled and has something left to credit; an approval at
//! most what was asked and what is left, cancelling the purchase unless it is a credit only.

use serde::{Deserialize, Serialize};

use super::form::FormIssue;
use super::{ResolveIssue, SupportStatus, MAX_NOTE};
use crate::error::{FieldCode, FieldErrors, FieldIssue, RequiredAs, Text};
use crate::ledger::Ledger;
use crate::money::{Amount, Money};
use crate::open_enum::open_enum;
use crate::order::OrderStatus;
use crate::text::{self, TextError};
use csp_messages::Msg;

/// `PATCH /api/v1/support-requests/{id}` (support agents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportStatusChange {
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(in_progress|approved|rejected)$")
    )]
    pub status: String,
    /// Shown to the partner.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
    /// With `approved`: the credit to book, at most the amount requested and what is left to
    /// credit on the order; that much when left out.
    #[serde(default)]
    pub credit: Option<Amount>,
    /// With `approved` and a request about an order: `cancel_purchase` (the default) cancels
    /// the order as R-CAN-8 does and books the credit; `credit_only` books a goodwill credit
    /// and keeps the purchase.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(cancel_purchase|credit_only)$")
    )]
    pub outcome: Option<String>,
}

/// A status change whose every value is known: a decision agents may take, a note that is
/// text, an outcome the product has.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedStatusChange {
    /// In progress, approved or rejected.
    pub to: SupportStatus,
    /// Required to reject.
    pub note: Option<String>,
    pub credit: Option<Amount>,
    pub outcome: Option<ApprovalOutcome>,
}

impl SupportStatusChange {
    /// The checks of a status change, field by field (`status`, `note`, `outcome`); whether
    /// the request's status allows it and what the credit may be, the server decides with its
    /// data.
    pub fn check(&self) -> Result<CheckedStatusChange, FieldErrors> {
        let mut errors = FieldErrors::new();
        let to = SupportStatus::parse(self.status.trim());
        let decision = matches!(
            to,
            SupportStatus::InProgress | SupportStatus::Approved | SupportStatus::Rejected
        );
        if !decision {
            errors.add("status", &FormIssue::Choose);
        }
        let note = match self.note.as_deref().map(|n| text::paragraphs(n, MAX_NOTE)) {
            None | Some(Err(TextError::Required)) => None,
            Some(Ok(note)) => Some(note),
            Some(Err(e)) => {
                errors.add("note", &e);
                None
            }
        };
        if to == SupportStatus::Rejected && note.is_none() {
            errors.add("note", &RequiredAs(Msg::RejectNeedsNote));
        }
        let outcome = self
            .outcome
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(ApprovalOutcome::parse);
        if outcome.as_ref().is_some_and(|o| !o.is_known()) {
            errors.add("outcome", &FormIssue::Choose);
        }
        errors.finish(|| {
            Some(CheckedStatusChange {
                to,
                note,
                credit: self.credit.clone(),
                outcome,
            })
        })
    }
}

open_enum! {
    /// What approving a refund does with the purchase.
    pub enum ApprovalOutcome {
        /// Cancel the order (keys and downloads revoked, R-CAN-8) and credit it.
        CancelPurchase = "cancel_purchase",
        /// Credit it and keep the purchase (a goodwill credit).
        CreditOnly = "credit_only",
    }
}

/// Why an approval's credit was refused (field `credit` of `validation_failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditIssue {
    /// More than was asked for, or than was paid less earlier credits.
    AboveMaximum,
    NotPositive,
    /// The order was credited in full already.
    NothingLeft,
    InvalidAmount,
    /// The request names no order and amount to credit.
    NoOrder,
}

impl FieldIssue for CreditIssue {
    fn code(&self) -> FieldCode {
        match self {
            CreditIssue::AboveMaximum => FieldCode::AboveMaximum,
            CreditIssue::NotPositive => FieldCode::NotPositive,
            CreditIssue::NothingLeft => FieldCode::NothingLeft,
            CreditIssue::InvalidAmount => FieldCode::InvalidAmount,
            CreditIssue::NoOrder => FieldCode::NoOrder,
        }
    }

    fn text(&self) -> Text {
        Text::new(match self {
            CreditIssue::AboveMaximum => Msg::FieldAboveMaximum,
            CreditIssue::NotPositive => Msg::FieldCreditNotPositive,
            CreditIssue::NothingLeft => Msg::FieldNothingLeft,
            CreditIssue::InvalidAmount => Msg::FieldCreditInvalid,
            CreditIssue::NoOrder => Msg::FieldNoOrder,
        })
    }
}

/// The most an approval may credit: the amount requested, but never more than is left to
/// credit on the order (R-SUP-6 with the one credit rule of [`Ledger`]).
pub fn max_credit(requested: Money, ledger: &Ledger) -> Money {
    ledger.cap(requested)
}

/// The credit an approval books: `chosen` when given (checked against [`max_credit`]),
/// otherwise the maximum.
pub fn approval_credit(
    chosen: Option<&Amount>,
    requested: Money,
    ledger: &Ledger,
) -> Result<Money, CreditIssue> {
    let max = max_credit(requested, ledger);
    if max.minor() <= 0 {
        return Err(CreditIssue::NothingLeft);
    }
    let Some(chosen) = chosen else { return Ok(max) };
    let chosen = chosen
        .to_money(ledger.currency())
        .map_err(|_| CreditIssue::InvalidAmount)?;
    if chosen.minor() <= 0 {
        Err(CreditIssue::NotPositive)
    } else if chosen > max {
        Err(CreditIssue::AboveMaximum)
    } else {
        Ok(chosen)
    }
}

/// Why a refund cannot be filed or approved for an order as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundRefusal {
    /// The order is being cancelled or was cancelled (409 `already_cancelled`).
    AlreadyCancelled,
    /// Everything paid for it was credited or promised already (422 `nothing_to_refund`).
    NothingToRefund,
    /// Cancelling was asked for, but SUSE and Red Hat plans cannot be cancelled (422
    /// `not_cancellable`): approve it as a credit only.
    NotCancellable,
    /// The credit itself (field `credit` of `validation_failed`).
    Credit(CreditIssue),
}

/// Whether a refund request for `amount` may be filed for `order`: the order must not be
/// cancelled or being cancelled, and the amount at most what is left to credit (else the
/// field error [`ResolveIssue::AbovePaid`] with that maximum).
pub fn check_refund_filing(
    order: &crate::cancellation::OrderFacts,
    amount: Money,
) -> Result<Result<Money, ResolveIssue>, RefundRefusal> {
    if order.status != OrderStatus::Completed {
        return Err(RefundRefusal::AlreadyCancelled);
    }
    let left = order.ledger.left();
    if left.is_zero() {
        return Err(RefundRefusal::NothingToRefund);
    }
    Ok(if amount > left || amount.currency() != left.currency() {
        Err(ResolveIssue::AbovePaid(left))
    } else {
        Ok(amount)
    })
}

/// The credit an approval with `outcome` books for `order`, where `requested` was asked
/// for and the agent chose `chosen` (or the most allowed).
pub fn check_approval(
    order: &crate::cancellation::OrderFacts,
    outcome: &ApprovalOutcome,
    requested: Money,
    chosen: Option<&Amount>,
) -> Result<Money, RefundRefusal> {
    if *outcome == ApprovalOutcome::CancelPurchase {
        if order.status != OrderStatus::Completed {
            return Err(RefundRefusal::AlreadyCancelled);
        }
        if !order.is_cancellable_kind() {
            return Err(RefundRefusal::NotCancellable);
        }
    }
    if order.ledger.left().is_zero() {
        return Err(RefundRefusal::NothingToRefund);
    }
    approval_credit(chosen, requested, &order.ledger).map_err(RefundRefusal::Credit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn approvals_credit_at_most_what_was_asked_and_what_is_left() {
        let eur = Currency::parse("EUR").unwrap();
        let m = |s: &str| Money::parse(s, eur).unwrap();
        let a = |s: &str| Amount::try_from(s.to_string()).unwrap();
        let paid = |credited: &str| Ledger::new(m("300.00"), m(credited).minor(), 0);
        assert_eq!(
            approval_credit(None, m("100.00"), &paid("0")),
            Ok(m("100.00"))
        );
        assert_eq!(
            approval_credit(None, m("500.00"), &paid("250.00")),
            Ok(m("50.00"))
        );
        assert_eq!(
            approval_credit(Some(&a("40.00")), m("100.00"), &paid("0")),
            Ok(m("40.00"))
        );
        assert_eq!(
            approval_credit(Some(&a("100.01")), m("100.00"), &paid("0")),
            Err(CreditIssue::AboveMaximum)
        );
        assert_eq!(
            approval_credit(Some(&a("0")), m("100.00"), &paid("0")),
            Err(CreditIssue::NotPositive)
        );
        assert_eq!(
            approval_credit(None, m("100.00"), &paid("300.00")),
            Err(CreditIssue::NothingLeft)
        );
        assert_eq!(
            approval_credit(Some(&a("1.001")), m("100.00"), &paid("0")),
            Err(CreditIssue::InvalidAmount)
        );
        let promised = Ledger::new(m("300.00"), 0, m("280.00").minor());
        assert_eq!(
            approval_credit(None, m("100.00"), &promised),
            Ok(m("20.00")),
            "a pending cancellation's credit is not free to refund"
        );
    }

    fn order_facts(
        status: OrderStatus,
        credited: i64,
        cancellable: bool,
    ) -> crate::cancellation::OrderFacts {
        let paid = Money::from_minor(2_462_00, Currency::USD);
        crate::cancellation::OrderFacts {
            status,
            cancellable_until: cancellable.then(|| "2026-05-01T00:00:00Z".parse().unwrap()),
            lines: Vec::new(),
            ledger: Ledger::new(paid, credited, 0),
        }
    }

    #[test]
    fn refunds_are_filed_only_for_orders_with_something_left() {
        let usd = |minor| Money::from_minor(minor, Currency::USD);
        let open = order_facts(OrderStatus::Completed, 462_00, true);
        assert_eq!(
            check_refund_filing(&open, usd(2_000_00)),
            Ok(Ok(usd(2_000_00)))
        );
        assert_eq!(
            check_refund_filing(&open, usd(2_000_01)),
            Ok(Err(ResolveIssue::AbovePaid(usd(2_000_00))))
        );
        for status in [OrderStatus::CancellationPending, OrderStatus::Cancelled] {
            assert_eq!(
                check_refund_filing(&order_facts(status, 0, true), usd(1)),
                Err(RefundRefusal::AlreadyCancelled)
            );
        }
        assert_eq!(
            check_refund_filing(&order_facts(OrderStatus::Completed, 2_462_00, true), usd(1)),
            Err(RefundRefusal::NothingToRefund)
        );
    }

    #[test]
    fn an_approval_that_cancels_needs_an_order_that_can_still_be_cancelled() {
        let usd = |minor| Money::from_minor(minor, Currency::USD);
        let cancel = ApprovalOutcome::CancelPurchase;
        let credit_only = ApprovalOutcome::CreditOnly;
        let open = order_facts(OrderStatus::Completed, 0, true);
        assert_eq!(
            check_approval(&open, &cancel, usd(2_462_00), None),
            Ok(usd(2_462_00))
        );
        let cancelled = order_facts(OrderStatus::Cancelled, 1_000_00, true);
        assert_eq!(
            check_approval(&cancelled, &cancel, usd(2_462_00), None),
            Err(RefundRefusal::AlreadyCancelled)
        );
        assert_eq!(
            check_approval(&cancelled, &credit_only, usd(2_462_00), None),
            Ok(usd(1_462_00)),
            "a goodwill credit of what is left"
        );
        let plan = order_facts(OrderStatus::Completed, 0, false);
        assert_eq!(
            check_approval(&plan, &cancel, usd(100_00), None),
            Err(RefundRefusal::NotCancellable)
        );
        assert_eq!(
            check_approval(&plan, &credit_only, usd(100_00), None),
            Ok(usd(100_00))
        );
        let spent = order_facts(OrderStatus::Completed, 2_462_00, true);
        assert_eq!(
            check_approval(&spent, &credit_only, usd(1), None),
            Err(RefundRefusal::NothingToRefund)
        );
    }

    #[test]
    fn a_status_change_is_checked_field_by_field() {
        let change =
            |status: &str, note: Option<&str>, outcome: Option<&str>| SupportStatusChange {
                status: status.into(),
                note: note.map(str::to_string),
                credit: None,
                outcome: outcome.map(str::to_string),
            };
        let ok = change("approved", Some(" Refunded. "), Some("credit_only"))
            .check()
            .unwrap();
        assert_eq!(
            (ok.to, ok.note.as_deref(), ok.outcome),
            (
                SupportStatus::Approved,
                Some("Refunded."),
                Some(ApprovalOutcome::CreditOnly)
            )
        );
        assert_eq!(
            change("in_progress", Some("  "), None)
                .check()
                .unwrap()
                .note,
            None
        );
        let errors = change("new", None, Some("refund_twice"))
            .check()
            .unwrap_err();
        assert_eq!(errors.code("status"), Some(FieldCode::Required));
        assert_eq!(errors.code("outcome"), Some(FieldCode::Required));
        let rejected = change("rejected", None, None).check().unwrap_err();
        assert_eq!(
            rejected.code("note"),
            Some(FieldCode::Required),
            "a rejection says why"
        );
    }
}
