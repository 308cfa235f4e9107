//! The store layer: all SQL lives here, one module per group of tables. Routes call these
//! functions and never write SQL themselves, so a second database backend touches only this layer.

pub mod activity_log;
pub mod customers;
pub mod sessions;
pub mod support_requests;
pub mod users;
