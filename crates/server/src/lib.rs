//! CSP Software Center server: the JSON API under `/api/v1` and the built browser app.
//!
//! Layers, outside in: `startup` (the one start-up path) → `app` (router, middleware) →
//! `routes` (HTTP: extract, authorize, answer) → `store` (all SQL, SQLite and PostgreSQL) →
//! `csp_domain` (pure rules). `workers` run background jobs in the same process.

pub mod app;
pub mod auth;
pub mod cancelling;
pub mod clock;
pub mod config;
pub mod drain;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod ordering;
pub mod password;
pub mod routes;
pub mod security;
pub mod seed;
pub mod sign_in_guard;
pub mod startup;
pub mod store;
pub mod support_desk;
pub mod workers;

pub use app::{router, AppState};
pub use config::Config;
