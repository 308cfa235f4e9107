//! CSP Software Center server: the JSON API under `/api/v1` and the built browser app.
//!
//! Layers, outside in: `routes` (HTTP: extract, authorize, answer) → `store` (SQL, one module
//! per table group) → `csp_domain` (pure rules). `app::router` wires them together.

pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod password;
pub mod routes;
pub mod seed;
pub mod store;
pub mod throttle;

pub use app::{router, AppState};
pub use config::Config;
