//! HTTP handlers, one module per resource of SPEC §10.

pub mod activity_log;
pub mod audit_log;
pub mod billing;
pub mod cancellations;
pub mod customers;
pub mod invoices;
pub mod orders;
pub mod profile;
pub mod sessions;
pub mod software;
pub mod sso;
pub mod support_requests;
pub mod tenant;
pub mod two_step;
pub mod users;
pub mod webhooks;
