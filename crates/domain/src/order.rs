//! Orders placed for a customer (R-BUY): what a client sends, the checks the wizard and the
//! server both run, the prices the server computes, and what an order looks like afterwards.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{Offer, ProductKind, Term};
use crate::error::{FieldCode, FieldErrors, FieldIssue, Text};
use crate::ids::{CustomerId, OfferId, OrderId, PurchaseId, SupportRequestId};
use crate::ledger::{CreditSource, LedgerSummary};
use crate::money::{Amount, Currency, Money};
use crate::open_enum::open_enum;
use crate::text::{self, TextError};
use csp_messages::Msg;

/// At most this many lines in one order.
pub const MAX_LINES: usize = 10;
/// A purchase order number the partner may attach for its own books.
pub const MAX_PO_NUMBER_LEN: usize = 40;

/// `POST /api/v1/customers/{id}/orders` as sent. Prices are never read from the client: any
/// price field is ignored and the server computes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderRequest {
    pub line_items: Vec<OrderLineRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub purchase_order_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLineRequest {
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub offer_id: String,
    /// A whole number (`3` or `3.0`); each offer has its own minimum and maximum.
    #[serde(deserialize_with = "whole_number")]
    pub quantity: i64,
}

/// A JSON number without a fraction, as JSON Schema's `integer` allows it (`3`, `3.0`,
/// `1e3`); beyond `i64` it is clamped, so the range check names the field.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let number = serde_json_number(d)?;
    match number {
        WholeOrNot::Int(i) => Ok(i),
        WholeOrNot::Float(f) if f.is_finite() && f.fract() == 0.0 => Ok(if f >= i64::MAX as f64 {
            i64::MAX
        } else if f <= i64::MIN as f64 {
            i64::MIN
        } else {
            f as i64
        }),
        WholeOrNot::Float(f) => Err(serde::de::Error::custom(format!(
            "a quantity is a whole number, not {f}"
        ))),
    }
}

enum WholeOrNot {
    Int(i64),
    Float(f64),
}

fn serde_json_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<WholeOrNot, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = WholeOrNot;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_i64<E>(self, v: i64) -> Result<WholeOrNot, E> {
            Ok(WholeOrNot::Int(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<WholeOrNot, E> {
            Ok(WholeOrNot::Int(i64::try_from(v).unwrap_or(i64::MAX)))
        }
        fn visit_f64<E>(self, v: f64) -> Result<WholeOrNot, E> {
            Ok(WholeOrNot::Float(v))
        }
    }
    d.deserialize_any(Visitor)
}

/// A line the server will charge: the offer, the quantity within its bounds, the amount.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedLine {
    pub offer: Offer,
    pub quantity: u32,
    pub unit_price: Money,
    pub amount: Money,
}

/// An order whose every line was checked and priced.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedOrder {
    pub lines: Vec<PricedLine>,
    pub total: Money,
    pub purchase_order_number: Option<String>,
}

/// Why an order cannot be placed.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderProblem {
    /// `validation_failed`, field by field (`line_items[0].quantity`, …).
    Fields(FieldErrors),
    /// `offer_unavailable`: an offer that exists but may not be sold to this customer.
    Unavailable(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineIssue {
    NoLines,
    TooManyLines,
    UnknownOffer,
    DuplicateOffer,
    QuantityOutOfRange { min: u32, max: u32 },
}

impl FieldIssue for LineIssue {
    fn code(&self) -> FieldCode {
        match self {
            LineIssue::NoLines => FieldCode::Required,
            LineIssue::TooManyLines => FieldCode::TooMany,
            LineIssue::UnknownOffer => FieldCode::UnknownOffer,
            LineIssue::DuplicateOffer => FieldCode::Duplicate,
            LineIssue::QuantityOutOfRange { .. } => FieldCode::OutOfRange,
        }
    }

    fn text(&self) -> Text {
        match self {
            LineIssue::NoLines => Text::new(Msg::FieldNoLines),
            LineIssue::TooManyLines => Text::new(Msg::FieldTooManyLines).with("max", MAX_LINES),
            LineIssue::UnknownOffer => Text::new(Msg::FieldUnknownOffer),
            LineIssue::DuplicateOffer => Text::new(Msg::FieldDuplicateOffer),
            LineIssue::QuantityOutOfRange { min, max } => Text::new(Msg::QuantityOutOfRange)
                .with("min", min)
                .with("max", max),
        }
    }
}

/// The quantity rule of one offer, for the wizard's field and the server alike.
pub fn check_quantity(offer: &Offer, quantity: i64) -> Result<u32, LineIssue> {
    let out = LineIssue::QuantityOutOfRange {
        min: offer.min_quantity,
        max: offer.max_quantity,
    };
    let q = u32::try_from(quantity).map_err(|_| out)?;
    if (offer.min_quantity..=offer.max_quantity).contains(&q) {
        Ok(q)
    } else {
        Err(out)
    }
}

/// Checks `request` against the customer's catalog (`offers`, priced in `currency`) and
/// prices it.
pub fn price_order(
    request: &OrderRequest,
    offers: &[Offer],
    currency: Currency,
) -> Result<PricedOrder, OrderProblem> {
    let mut errors = FieldErrors::new();
    if request.line_items.is_empty() {
        errors.add("line_items", &LineIssue::NoLines);
    } else if request.line_items.len() > MAX_LINES {
        errors.add("line_items", &LineIssue::TooManyLines);
    }
    let po = match request
        .purchase_order_number
        .as_deref()
        .map(|po| text::line(po, MAX_PO_NUMBER_LEN))
    {
        None | Some(Err(TextError::Required)) => None,
        Some(Ok(po)) => Some(po),
        Some(Err(e)) => {
            errors.add("purchase_order_number", &e);
            None
        }
    };
    let mut lines = Vec::new();
    let mut unavailable = None;
    let mut seen: Vec<&OfferId> = Vec::new();
    for (i, line) in request.line_items.iter().enumerate().take(MAX_LINES) {
        let field = |name: &str| format!("line_items[{i}].{name}");
        let offer = OfferId::parse(&line.offer_id)
            .ok()
            .and_then(|id| offers.iter().find(|o| o.id == id));
        let Some(offer) = offer else {
            errors.add(&field("offer_id"), &LineIssue::UnknownOffer);
            continue;
        };
        if seen.contains(&&offer.id) {
            errors.add(&field("offer_id"), &LineIssue::DuplicateOffer);
            continue;
        }
        seen.push(&offer.id);
        if !offer.available {
            unavailable.get_or_insert_with(|| offer.unavailable_reason.clone().unwrap_or_default());
            continue;
        }
        let Some(quantity) = errors.take(&field("quantity"), check_quantity(offer, line.quantity))
        else {
            continue;
        };
        let unit_price = match offer.unit_price.to_money(currency) {
            Ok(price) if offer.currency == currency => price,
            _ => {
                unavailable.get_or_insert_with(|| {
                    "This product has no price in the customer's currency.".into()
                });
                continue;
            }
        };
        let Ok(amount) = unit_price.times(quantity) else {
            errors.add(
                &field("quantity"),
                &LineIssue::QuantityOutOfRange {
                    min: offer.min_quantity,
                    max: offer.max_quantity,
                },
            );
            continue;
        };
        lines.push(PricedLine {
            offer: offer.clone(),
            quantity,
            unit_price,
            amount,
        });
    }
    if !errors.is_empty() {
        return Err(OrderProblem::Fields(errors));
    }
    if let Some(reason) = unavailable {
        return Err(OrderProblem::Unavailable(reason));
    }
    let total = Money::sum(currency, lines.iter().map(|l| l.amount))
        .map_err(|_| OrderProblem::Unavailable("The order total is too large.".into()))?;
    Ok(PricedOrder {
        lines,
        total,
        purchase_order_number: po,
    })
}

open_enum! {
    /// Where an order (and each of its purchases) stands; clients must tolerate new values.
    pub enum OrderStatus {
        Completed = "completed",
        /// A cancellation was accepted and is being processed (R-CAN-7).
        CancellationPending = "cancellation_pending",
        Cancelled = "cancelled",
        /// A purchase whose term ended and was continued by a renewal order (SPEC §11).
        Renewed = "renewed",
        /// A purchase whose term ended without renewal: keys and downloads revoked.
        Expired = "expired",
    }
}

/// An order as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: OrderId,
    pub customer_id: CustomerId,
    pub status: OrderStatus,
    pub line_items: Vec<OrderLine>,
    pub total: Amount,
    pub currency: Currency,
    /// Prices include tax (Australia, Brazil).
    pub tax_inclusive: bool,
    pub created_at: DateTime<Utc>,
    /// The e-mail address of the partner user who placed it.
    pub placed_by: String,
    pub purchase_order_number: Option<String>,
    /// The end of the cancellation window (UTC); `null` when the order cannot be cancelled
    /// (anymore, or ever).
    pub cancellable_until: Option<DateTime<Utc>>,
    /// While cancellable: the credit a cancellation now would give.
    pub credit_if_cancelled_now: Option<Amount>,
    /// What was paid, credited, promised by a pending cancellation, and left to credit.
    pub ledger: LedgerSummary,
    /// Who did what to the order, oldest first: placed, cancellation requested, cancelled,
    /// credited — with how much and why.
    pub history: Vec<OrderEvent>,
}

open_enum! {
    pub enum OrderEventKind {
        Placed = "placed",
        CancellationRequested = "cancellation_requested",
        Cancelled = "cancelled",
        Credited = "credited",
    }
}

/// One entry of an order's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    pub at: DateTime<Utc>,
    pub kind: OrderEventKind,
    /// Who: the partner user's e-mail address, or the support agent's name.
    pub by: String,
    /// The order's total when placed; the credit for the other kinds.
    pub amount: Option<Amount>,
    /// With `credited`: what the credit came from.
    pub source: Option<CreditSource>,
    /// The support request whose approval it was, if any.
    pub support_request: Option<SupportRequestRef>,
    /// Why: the refund reason and the agent's note of an approval.
    pub note: Option<String>,
}

/// A support request named from elsewhere: its id and the number people use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestRef {
    pub id: SupportRequestId,
    pub number: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub offer_id: OfferId,
    pub product_name: String,
    pub sku_name: String,
    pub kind: ProductKind,
    pub term: Option<Term>,
    pub quantity: u32,
    pub unit_price: Amount,
    /// Unit price × quantity.
    pub amount: Amount,
    /// Every line is a purchase, listed on the customer's Software tab; those with keys and
    /// downloads show them in the customer's admin center.
    pub purchase_id: PurchaseId,
    /// When a subscription or reservation ends; `null` for perpetual software.
    pub term_end: Option<DateTime<Utc>>,
    /// Whether it renews at `term_end` (a new order at the catalog's price then); always
    /// `false` for what cannot renew.
    pub auto_renew: bool,
}

/// An idempotency key (`Idempotency-Key` header): 1 to 255 visible ASCII characters; a UUID
/// per order draft is what the app sends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LEN: usize = 255;

    pub fn parse(raw: &str) -> Option<IdempotencyKey> {
        let ok = (1..=Self::MAX_LEN).contains(&raw.len())
            && raw.bytes().all(|b| (0x21..=0x7e).contains(&b));
        ok.then(|| IdempotencyKey(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key of the product's own renewal of `purchase`: one renewal order per term end,
    /// however many workers try at once or again after a crash. It holds a space, which
    /// [`IdempotencyKey::parse`] never accepts: no client can send it, so no order a person
    /// places can take a renewal's place.
    pub fn renewal(purchase: &PurchaseId) -> IdempotencyKey {
        IdempotencyKey(format!("renewal {purchase}"))
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Amount;

    fn offer(id: &str, price: &str, currency: Currency, available: bool) -> Offer {
        Offer {
            id: OfferId::parse(id).unwrap(),
            product_name: "Windows Server 2022 Standard".into(),
            sku_name: "16-core pack".into(),
            kind: ProductKind::SoftwareSubscription,
            term: Some(Term::P1Y),
            unit_price: Amount::try_from(price.to_string()).unwrap(),
            currency,
            tax_inclusive: false,
            available,
            unavailable_reason: (!available)
                .then(|| "Azure reservations are not available in China.".into()),
            unavailable_code: None,
            cancellation_window_days: Some(60),
            min_quantity: 1,
            max_quantity: 50,
            unit: "16-core pack".into(),
            description: String::new(),
            has_keys: true,
            azure_hybrid_benefit: true,
        }
    }

    const A: &str = "00000000-0000-4000-8000-00000000000a";
    const B: &str = "00000000-0000-4000-8000-00000000000b";

    fn request(lines: &[(&str, i64)]) -> OrderRequest {
        OrderRequest {
            line_items: lines
                .iter()
                .map(|(o, q)| OrderLineRequest {
                    offer_id: o.to_string(),
                    quantity: *q,
                })
                .collect(),
            purchase_order_number: None,
        }
    }

    #[test]
    fn the_total_is_computed_from_the_catalog() {
        let offers = [
            offer(A, "972.00", Currency::USD, true),
            offer(B, "0.35", Currency::USD, true),
        ];
        let priced = price_order(&request(&[(A, 3), (B, 7)]), &offers, Currency::USD).unwrap();
        assert_eq!(priced.total.amount().as_str(), "2918.45");
        assert_eq!(priced.lines[1].amount.amount().as_str(), "2.45");
    }

    #[test]
    fn yen_orders_have_no_decimals() {
        let offers = [offer(A, "145800", Currency::JPY, true)];
        let priced = price_order(&request(&[(A, 2)]), &offers, Currency::JPY).unwrap();
        assert_eq!(priced.total.amount().as_str(), "291600");
    }

    #[test]
    fn each_problem_names_its_field() {
        let offers = [offer(A, "10", Currency::USD, true)];
        let Err(OrderProblem::Fields(errors)) = price_order(
            &request(&[(A, 0), ("nope", 1), (A, 1)]),
            &offers,
            Currency::USD,
        ) else {
            panic!("fields expected")
        };
        assert_eq!(
            errors.code("line_items[0].quantity"),
            Some(FieldCode::OutOfRange)
        );
        assert_eq!(
            errors.code("line_items[1].offer_id"),
            Some(FieldCode::UnknownOffer)
        );
        assert_eq!(
            errors.code("line_items[2].offer_id"),
            Some(FieldCode::Duplicate)
        );
        let Err(OrderProblem::Fields(errors)) = price_order(&request(&[]), &offers, Currency::USD)
        else {
            panic!()
        };
        assert_eq!(errors.code("line_items"), Some(FieldCode::Required));
        for quantity in [-1, 51, i64::MAX] {
            assert!(
                price_order(&request(&[(A, quantity)]), &offers, Currency::USD).is_err(),
                "{quantity}"
            );
        }
    }

    #[test]
    fn unavailable_offers_are_refused_with_their_reason() {
        let offers = [offer(A, "10", Currency::CNY, false)];
        assert_eq!(
            price_order(&request(&[(A, 1)]), &offers, Currency::CNY),
            Err(OrderProblem::Unavailable(
                "Azure reservations are not available in China.".into()
            ))
        );
    }

    #[test]
    fn quantities_are_whole_numbers_in_any_json_spelling() {
        let line = |q: &str| {
            serde_json::from_str::<OrderLineRequest>(&format!(
                "{{\"offer_id\": \"x\", \"quantity\": {q}}}"
            ))
        };
        assert_eq!(line("3").unwrap().quantity, 3);
        assert_eq!(line("3.0").unwrap().quantity, 3);
        assert_eq!(line("1e3").unwrap().quantity, 1000);
        assert_eq!(line("1e300").unwrap().quantity, i64::MAX);
        assert_eq!(line("99999999999999999999").unwrap().quantity, i64::MAX);
        assert!(line("2.5").is_err());
        assert!(line("\"3\"").is_err());
    }

    #[test]
    fn idempotency_keys_are_visible_ascii() {
        assert!(IdempotencyKey::parse("0f8fad5b-d9cb-469f-a165-70867728950e").is_some());
        for bad in ["", " ", "a b", "ключ", &"k".repeat(256)] {
            assert!(IdempotencyKey::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn property_line_amounts_add_up_to_the_total_without_floats() {
        let mut seed: u64 = 42;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        for _ in 0..500 {
            let a = format!("{}.{:02}", next() % 100_000, next() % 100);
            let b = format!("{}.{:02}", next() % 100_000, next() % 100);
            let offers = [
                offer(A, &a, Currency::EUR, true),
                offer(B, &b, Currency::EUR, true),
            ];
            let (qa, qb) = ((next() % 50 + 1) as i64, (next() % 50 + 1) as i64);
            let priced =
                price_order(&request(&[(A, qa), (B, qb)]), &offers, Currency::EUR).unwrap();
            let sum: i64 = priced
                .lines
                .iter()
                .map(|l| l.unit_price.minor() * i64::from(l.quantity))
                .sum();
            assert_eq!(priced.total.minor(), sum);
        }
    }
}
