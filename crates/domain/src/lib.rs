//! The language the app and the server share: the types that travel over the wire and the
//! pure business rules of SPEC.md. Nothing here does I/O, so every rule is unit-tested once
//! and the browser and the API can never disagree about it.

pub mod activity_log;
pub mod customer;
pub mod error;
pub mod market;
pub mod paging;
pub mod role;
pub mod session;
pub mod support;

pub use activity_log::{ActivityLogEntry, ActivityLogPage, ActivityLogQuery};
pub use customer::Customer;
pub use error::{ApiError, ApiErrorBody, ErrorCode};
pub use market::Market;
pub use paging::{Page, PageQuery};
pub use role::{Permission, Role};
pub use session::{SignInRequest, SessionResponse, User, UserKind};
pub use support::{SupportRequestList, SupportRequestSummary};
