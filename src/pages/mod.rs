//! One module per route; each page loads its own data through `crate::api`.

pub mod activity_log;
pub mod customer_details;
pub mod customer_tab;
pub mod customers;
pub mod home;
pub mod not_found;
pub mod sign_in;
pub mod support;
pub mod tenant;
