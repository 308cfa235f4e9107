//! The partner's customers: the list, a customer's details page and its tabs.

pub mod cancel_dialog;
pub mod details;
pub mod invoices;
pub mod list;
pub mod orders;
pub mod software;
