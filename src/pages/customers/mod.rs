//! The partner's customers: the list, adding a customer, a customer's details page and its tabs.

pub mod add;
pub mod address;
pub mod cancel_dialog;
pub mod company;
pub mod details;
pub mod invoices;
pub mod list;
pub mod orders;
pub mod software;
