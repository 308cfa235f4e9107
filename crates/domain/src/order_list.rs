//! Every order of a partner, across its customers (SPEC §11 `GET /api/v1/orders`): newest
//! first, in keyset pages, narrowed by days, status, product kind and customer.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::ProductKind;
use crate::ids::{CustomerId, OrderId};
use crate::money::{Amount, Currency};
use crate::order::OrderStatus;

/// The most orders one page holds.
pub const MAX_PAGE_SIZE: u32 = 200;
/// A page's size unless the caller says.
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// One order in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    pub id: OrderId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub status: OrderStatus,
    pub created_at: DateTime<Utc>,
    /// The product of each line, in line order.
    pub products: Vec<String>,
    pub total: Amount,
    pub currency: Currency,
    pub tax_inclusive: bool,
    /// Who placed it: a user's address, or `automatic renewal`.
    pub placed_by: String,
}

/// `GET /api/v1/orders`: newest first; `next_cursor` asks for the page after this one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderListPage {
    pub items: Vec<OrderSummary>,
    pub next_cursor: Option<String>,
}

/// Where a page starts: after the order placed at `created_at` with `id` (orders are listed by
/// time, then id, both descending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCursor {
    pub created_at: DateTime<Utc>,
    pub id: OrderId,
}

impl OrderCursor {
    /// The cursor as the API sends it: `<RFC 3339 time>_<order id>`.
    pub fn encode(&self) -> String {
        format!(
            "{}_{}",
            self.created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            self.id
        )
    }

    pub fn parse(raw: &str) -> Option<OrderCursor> {
        let (at, id) = raw.rsplit_once('_')?;
        Some(OrderCursor {
            created_at: DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc),
            id: OrderId::parse(id).ok()?,
        })
    }
}

/// What the list is narrowed to; every part optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderFilter {
    /// First day (UTC), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day (UTC), inclusive.
    pub to: Option<NaiveDate>,
    pub status: Option<OrderStatus>,
    pub kind: Option<ProductKind>,
    pub customer: Option<CustomerId>,
}

/// Why a filter was refused (400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterProblem {
    /// `from` or `to` is not a `YYYY-MM-DD` day, or `from` is after `to` (`invalid_date_range`).
    Dates(&'static str),
    /// Another part is not one the list knows (`bad_request`).
    Unknown(&'static str),
}

impl OrderFilter {
    /// The filter from the query's text: empty parts mean "any".
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        status: Option<&str>,
        kind: Option<&str>,
        customer: Option<&str>,
    ) -> Result<OrderFilter, FilterProblem> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let day = |v: Option<&str>, name| {
            given(v)
                .map(|d| {
                    NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| FilterProblem::Dates(name))
                })
                .transpose()
        };
        let from = day(from, "from must be a date such as 2026-12-31.")?;
        let to = day(to, "to must be a date such as 2026-12-31.")?;
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(FilterProblem::Dates("from must not be after to."));
            }
        }
        // An order's own statuses; `renewed` and `expired` are a purchase's.
        let status = given(status)
            .map(|s| match OrderStatus::parse(s) {
                known @ (OrderStatus::Completed
                | OrderStatus::CancellationPending
                | OrderStatus::Cancelled) => Ok(known),
                _ => Err(FilterProblem::Unknown("status is not an order status.")),
            })
            .transpose()?;
        let kind = given(kind)
            .map(|k| {
                ProductKind::parse(k).ok_or(FilterProblem::Unknown("kind is not a product kind."))
            })
            .transpose()?;
        let customer = given(customer)
            .map(|c| {
                CustomerId::parse(c)
                    .map_err(|_| FilterProblem::Unknown("customer is not a customer id."))
            })
            .transpose()?;
        Ok(OrderFilter {
            from,
            to,
            status,
            kind,
            customer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_wrote_and_nothing_else() {
        let cursor = OrderCursor {
            created_at: "2026-12-07T05:01:37.861Z".parse().unwrap(),
            id: OrderId::parse("bddd08fa-2669-41e0-970b-ef0bae2597c8").unwrap(),
        };
        assert_eq!(OrderCursor::parse(&cursor.encode()), Some(cursor));
        assert_eq!(OrderCursor::parse("2026-12-07"), None);
        assert_eq!(
            OrderCursor::parse("yesterday_bddd08fa-2669-41e0-970b-ef0bae2597c8"),
            None
        );
        assert_eq!(OrderCursor::parse("2026-12-07T05:01:37.861Z_\u{0}"), None);
    }

    #[test]
    fn filters_parse_or_say_which_part_is_wrong() {
        let f = OrderFilter::parse(
            Some("2026-12-01"),
            Some("2026-12-31"),
            Some("cancelled"),
            Some("azure_reservation"),
            Some(""),
        )
        .unwrap();
        assert_eq!(f.status, Some(OrderStatus::Cancelled));
        assert_eq!(f.kind, Some(ProductKind::AzureReservation));
        assert_eq!(f.customer, None);
        assert_eq!(
            OrderFilter::parse(None, None, None, None, None),
            Ok(OrderFilter::default())
        );
        assert!(matches!(
            OrderFilter::parse(Some("2026-12-31"), Some("2026-12-01"), None, None, None),
            Err(FilterProblem::Dates(_))
        ));
        assert!(matches!(
            OrderFilter::parse(Some("12/01/2026"), None, None, None, None),
            Err(FilterProblem::Dates(_))
        ));
        for status in ["shipped", "expired", "renewed"] {
            assert!(matches!(
                OrderFilter::parse(None, None, Some(status), None, None),
                Err(FilterProblem::Unknown(_))
            ));
        }
        assert!(matches!(
            OrderFilter::parse(None, None, None, Some("hardware"), None),
            Err(FilterProblem::Unknown(_))
        ));
        assert!(matches!(
            OrderFilter::parse(None, None, None, None, Some("contoso")),
            Err(FilterProblem::Unknown(_))
        ));
    }
}
