//! CSP Software Center server: the JSON API under `/api/v1` and the built browser app.
//!
//! The rooms, outside in (ARCHITECTURE.md has the map): `startup` (the one start-up path) →
//! `http` (router, middleware, extractors, the error type, OpenAPI) → `routes` (one module per
//! resource: extract, authorize, answer) → `cases` (use cases: transactions applying the
//! domain's rules) → `store` (all SQL, SQLite and PostgreSQL) → `csp_domain` (pure rules).
//! `state` is what they share; `customer_lists` the in-memory copies of large partners' lists;
//! `workers` run background jobs in the same process; `notify` is the outbox of e-mail and
//! webhooks; `seed` writes the demo data through
//! the use cases.

#[cfg(test)]
mod architecture;
pub mod cases;
pub mod clock;
pub mod config;
pub mod customer_lists;
pub mod http;
pub mod metrics;
pub mod notify;
pub mod password;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod state;
pub mod store;
pub mod workers;

pub use config::Config;
pub use http::router;
pub use state::AppState;
