//! The language the app and the server share: the types that travel over the wire and the
//! pure business rules of SPEC.md. Nothing here does I/O, so every rule is unit-tested once
//! and the browser and the API can never disagree about it.
//!
//! Values of the types here have been checked when they were made (`parse`, `check`,
//! `TryFrom`): a `CustomerId` is a GUID, an `Email` is normalised, `Money` is exact.

// Amounts in minor units are written with their cents apart: 2_462_00 is 2,462.00.
#![allow(clippy::inconsistent_digit_grouping)]

pub mod access;
pub mod account;
pub mod activity_log;
pub mod audit;
pub mod billing;
pub mod cancellation;
pub mod catalog;
pub mod clock;
pub mod csv;
pub mod customer;
pub mod email;
pub mod error;
pub mod ids;
pub mod invoice;
pub mod ledger;
pub mod market;
pub mod money;
pub mod notification;
pub mod onboarding;
mod open_enum;
pub mod order;
pub mod order_list;
pub mod paging;
pub mod reminder;
pub mod role;
pub mod session;
pub mod software;
pub mod sso;
pub mod subscription;
pub mod support;
pub mod text;
pub mod two_step;

pub use access::{Area, Refusal};
pub use activity_log::{
    ActivityAction, ActivityLogEntry, ActivityLogPage, ActivityLogQuery, DateRange,
};
pub use billing::{BillingProfile, RefundLimit};
pub use catalog::{Offer, OfferList, ProductKind, Term};
pub use clock::Clock;
pub use customer::Customer;
pub use email::Email;
pub use error::{
    ApiError, ApiErrorBody, ErrorCode, FieldCode, FieldErrors, FieldIssue, FieldMap, Text,
};
pub use ids::*;
pub use invoice::{Invoice, InvoiceLine, InvoiceLineKind, InvoiceMonth};
pub use ledger::{CreditSource, Ledger, LedgerSummary};
pub use market::{Market, TaxLabel};
pub use money::{Amount, Currency, Money};
pub use order::{IdempotencyKey, Order, OrderLine, OrderRequest, OrderStatus};
pub use paging::{Page, PageQuery, PageRequest};
pub use role::{Permission, Role};
pub use session::{Principal, SessionResponse, SignIn, SignInRequest, User, UserKind};
pub use support::{
    ProblemType, SupportRequest, SupportRequestList, SupportRequestSummary, SupportStatus,
};
