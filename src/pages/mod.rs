//! One module per route, grouped by feature; each page loads its own data through `crate::api`.

pub mod activity_log;
pub mod admin_center;
pub mod audit_log;
pub mod billing;
pub mod buying;
pub mod chunks;
pub mod customers;
pub mod devices;
pub mod home;
pub mod invoices;
pub mod not_found;
pub mod orders;
pub mod password;
pub mod profile;
pub mod sign_in;
pub mod sso;
pub mod support;
pub mod tenant;
pub mod tenant_users;
pub mod two_step;
pub mod two_step_rule;
pub mod user_changes;
pub mod users;
pub mod webhooks;
