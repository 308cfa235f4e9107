//! API integration tests: the real server (real router, real database, real HTTP on an
//! ephemeral port), driven through reqwest with a cookie jar. Every test runs twice, on a
//! temporary SQLite file and on a fresh PostgreSQL database (`scripts/with-postgres.sh`
//! provides the cluster; `make test` runs it). One binary, so it links once.

/// `on_both_backends!(a, b, …)` makes `sqlite::a` and `postgres::a` tests of each
/// `async fn a(backend: Backend)` of the module.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}

mod helpers;

mod accounts;
mod activity_log;
mod audit;
mod cancellation;
mod customers;
mod database;
mod deployment;
mod errors;
mod hardening;
mod money;
mod notifications;
mod onboarding;
mod operations;
mod orders;
mod reliability;
mod sessions;
mod software;
mod sso;
mod subscriptions;
mod support;
mod two_step;
