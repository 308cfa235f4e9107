//! The catalog (R-CAT): product kinds, terms, offers with their market rules, and each kind's
//! cancellation policy.

use std::fmt;

use chrono::{DateTime, Months, Utc};
use csp_messages::Msg;
use serde::{Deserialize, Serialize};

use crate::ids::OfferId;
use crate::market::Market;
use crate::money::{Amount, Currency};

/// What is sold (R-CAT-1). Wire names fixed by SPEC §10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// Windows Server and SQL Server for 1 or 3 years, paid up front.
    SoftwareSubscription,
    /// A licence with no end date.
    PerpetualSoftware,
    /// Azure reserved VM instances for 1 or 3 years.
    AzureReservation,
    /// SUSE Linux and Red Hat software plans for Azure.
    SoftwarePlan,
}

impl ProductKind {
    pub const ALL: [ProductKind; 4] = [
        ProductKind::SoftwareSubscription,
        ProductKind::PerpetualSoftware,
        ProductKind::AzureReservation,
        ProductKind::SoftwarePlan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::SoftwareSubscription => "software_subscription",
            ProductKind::PerpetualSoftware => "perpetual_software",
            ProductKind::AzureReservation => "azure_reservation",
            ProductKind::SoftwarePlan => "software_plan",
        }
    }

    pub fn parse(s: &str) -> Option<ProductKind> {
        ProductKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Where this kind may be sold (R-CAT-2): everywhere, except Azure reservations in the
    /// markets of SPEC Table 1.
    pub fn sold_in(self, market: &Market) -> bool {
        self != ProductKind::AzureReservation || market.azure_reservations_available()
    }
}

impl fmt::Display for ProductKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A subscription's or reservation's length, ISO 8601 as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Term {
    P1Y,
    P3Y,
}

impl Term {
    pub fn as_str(self) -> &'static str {
        match self {
            Term::P1Y => "P1Y",
            Term::P3Y => "P3Y",
        }
    }

    pub fn parse(s: &str) -> Option<Term> {
        [Term::P1Y, Term::P3Y].into_iter().find(|t| t.as_str() == s)
    }

    pub fn years(self) -> u32 {
        match self {
            Term::P1Y => 1,
            Term::P3Y => 3,
        }
    }

    /// When a term that starts at `start` ends (the same instant 1 or 3 calendar years on).
    pub fn end(self, start: DateTime<Utc>) -> DateTime<Utc> {
        start
            .checked_add_months(Months::new(12 * self.years()))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// The default cancellation window of the source document (R-CAN-1).
pub const DEFAULT_CANCELLATION_WINDOW_DAYS: u32 = 60;

/// How many days after purchase each kind may be cancelled (R-CAN-1/2): a setting per kind,
/// except software plans, which can never be cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CancellationWindows {
    pub software_subscription: u32,
    pub perpetual_software: u32,
    pub azure_reservation: u32,
}

impl Default for CancellationWindows {
    fn default() -> Self {
        CancellationWindows {
            software_subscription: DEFAULT_CANCELLATION_WINDOW_DAYS,
            perpetual_software: DEFAULT_CANCELLATION_WINDOW_DAYS,
            azure_reservation: DEFAULT_CANCELLATION_WINDOW_DAYS,
        }
    }
}

impl CancellationWindows {
    /// The window of `kind` in days; `None` when it cannot be cancelled (R-CAN-2).
    pub fn days(&self, kind: ProductKind) -> Option<u32> {
        match kind {
            ProductKind::SoftwareSubscription => Some(self.software_subscription),
            ProductKind::PerpetualSoftware => Some(self.perpetual_software),
            ProductKind::AzureReservation => Some(self.azure_reservation),
            ProductKind::SoftwarePlan => None,
        }
    }
}

/// Why an offer cannot be bought for a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnavailableReason {
    /// Azure reservations are not sold in the market (R-CAT-2, Table 1).
    AzureReservationsNotInMarket,
    /// The catalog has no prices in the customer's currency.
    NotSoldInMarket,
}

impl UnavailableReason {
    /// The reason in the message table; `{market}` names the market.
    pub fn msg(self) -> Msg {
        match self {
            UnavailableReason::AzureReservationsNotInMarket => Msg::UnavailableReservations,
            UnavailableReason::NotSoldInMarket => Msg::UnavailableMarket,
        }
    }

    /// The English reason, naming the market.
    pub fn message(self, market: &Market) -> String {
        self.msg()
            .english_with(&[("market", &market.english_name())])
    }
}

/// Whether an offer of `kind`, with or without a price in the customer's currency, may be
/// sold to a customer in `market`.
pub fn availability(
    kind: ProductKind,
    market: &Market,
    priced: bool,
) -> Result<(), UnavailableReason> {
    if !kind.sold_in(market) {
        Err(UnavailableReason::AzureReservationsNotInMarket)
    } else if !priced {
        Err(UnavailableReason::NotSoldInMarket)
    } else {
        Ok(())
    }
}

/// One purchasable SKU and term for one customer (SPEC §10 names the fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    pub id: OfferId,
    pub product_name: String,
    pub sku_name: String,
    pub kind: ProductKind,
    /// `null` for perpetual software.
    pub term: Option<Term>,
    /// In the customer's currency; `"0"` with `available: false` when there is no price.
    pub unit_price: Amount,
    pub currency: Currency,
    /// Whether prices include tax: in Australia and Brazil (R-CAT-3).
    pub tax_inclusive: bool,
    pub available: bool,
    /// Why not, in English, naming the market; `null` when available.
    pub unavailable_reason: Option<String>,
    /// The same as a code, for clients that word it themselves.
    pub unavailable_code: Option<UnavailableReason>,
    /// Days after purchase it may be cancelled; `null` when it cannot be (R-CAN-1/2).
    pub cancellation_window_days: Option<u32>,
    pub min_quantity: u32,
    pub max_quantity: u32,
    /// What one unit is, e.g. "16-core pack".
    pub unit: String,
    pub description: String,
    /// The purchase comes with product keys and downloads (R-KEY-1).
    pub has_keys: bool,
    /// Windows Server: Azure Hybrid Benefit applies (R-CAT-5).
    pub azure_hybrid_benefit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferList {
    pub items: Vec<Offer>,
}

/// The Azure Hybrid Benefit note every Windows Server offer carries (R-CAT-5).
pub const AZURE_HYBRID_BENEFIT_NOTE: &str =
    "Azure Hybrid Benefit: Windows Server licences with Software Assurance can save up to 40% on Azure VM costs.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::AZURE_RESERVATIONS_UNAVAILABLE;

    fn m(code: &str) -> Market {
        Market::parse(code).unwrap()
    }

    #[test]
    fn reservations_are_unavailable_in_every_table_one_market_and_named() {
        for (code, name) in AZURE_RESERVATIONS_UNAVAILABLE {
            let market = m(code);
            assert_eq!(
                availability(ProductKind::AzureReservation, &market, true),
                Err(UnavailableReason::AzureReservationsNotInMarket),
                "{code}"
            );
            assert_eq!(
                UnavailableReason::AzureReservationsNotInMarket.message(&market),
                format!("Azure reservations are not available in {name}.")
            );
            for kind in [
                ProductKind::SoftwareSubscription,
                ProductKind::PerpetualSoftware,
                ProductKind::SoftwarePlan,
            ] {
                assert_eq!(availability(kind, &market, true), Ok(()), "{code} {kind}");
            }
        }
    }

    #[test]
    fn everything_is_available_in_a_sample_of_other_markets() {
        for code in [
            "US", "DE", "GB", "JP", "AU", "BR", "NO", "IN", "CA", "CH", "FR",
        ] {
            for kind in ProductKind::ALL {
                assert_eq!(availability(kind, &m(code), true), Ok(()), "{code} {kind}");
            }
        }
    }

    #[test]
    fn a_market_without_a_price_list_is_told_so() {
        assert_eq!(
            availability(ProductKind::PerpetualSoftware, &m("SE"), false),
            Err(UnavailableReason::NotSoldInMarket)
        );
        assert_eq!(
            UnavailableReason::NotSoldInMarket.message(&m("SE")),
            "This product is not sold in Sweden."
        );
        assert_eq!(
            availability(ProductKind::AzureReservation, &m("CN"), false),
            Err(UnavailableReason::AzureReservationsNotInMarket),
            "the market rule is the first reason"
        );
    }

    #[test]
    fn software_plans_are_never_cancellable_other_windows_are_settings() {
        let defaults = CancellationWindows::default();
        assert_eq!(defaults.days(ProductKind::SoftwarePlan), None);
        assert_eq!(defaults.days(ProductKind::SoftwareSubscription), Some(60));
        let shorter = CancellationWindows {
            software_subscription: 7,
            ..defaults
        };
        assert_eq!(shorter.days(ProductKind::SoftwareSubscription), Some(7));
        assert_eq!(shorter.days(ProductKind::PerpetualSoftware), Some(60));
    }

    #[test]
    fn terms_end_on_the_same_day_years_later() {
        let start: DateTime<Utc> = "2024-02-29T10:00:00Z".parse().unwrap();
        assert_eq!(
            Term::P1Y.end(start).to_rfc3339(),
            "2025-02-28T10:00:00+00:00"
        );
        assert_eq!(
            Term::P3Y
                .end("2026-11-25T00:00:00Z".parse().unwrap())
                .to_rfc3339(),
            "2029-11-25T00:00:00+00:00"
        );
        assert_eq!(serde_json::to_string(&Term::P3Y).unwrap(), "\"P3Y\"");
    }
}
