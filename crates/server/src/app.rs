//! The router: `/api/v1/*` answers JSON (errors included); everything else is the browser app,
//! whose client-side routes all get `index.html` so deep links survive a reload.

use std::path::Path;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use csp_domain::ErrorCode;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::db::Db;
use crate::error::AppError;
use crate::throttle::SignInThrottle;
use crate::routes::{activity_log, customers, sessions, support_requests, tenant};

/// JSON bodies of this API are small; anything bigger is refused before it is read.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub cookie_secure: bool,
    pub sign_in_throttle: Arc<SignInThrottle>,
}

impl AppState {
    pub fn new(db: Db, cookie_secure: bool) -> Self {
        AppState { db, cookie_secure, sign_in_throttle: Arc::default() }
    }
}

pub fn router(state: AppState, dist_dir: &Path) -> Router {
    let api = Router::new()
        .route("/sessions", axum::routing::post(sessions::sign_in))
        .route("/session", get(sessions::current).delete(sessions::sign_out))
        .route("/customers", get(customers::list))
        .route("/customers/{id}", get(customers::get))
        .route("/tenant", get(tenant::get))
        .route("/activity-log", get(activity_log::list))
        .route("/support-requests", get(support_requests::list))
        .route("/openapi.json", get(crate::openapi::document))
        .fallback(|| async { AppError::not_found("There is no such API route.") })
        .method_not_allowed_fallback(|| async {
            AppError::new(ErrorCode::MethodNotAllowed, "This route does not accept that method.")
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state);

    let app = ServeDir::new(dist_dir).fallback(ServeFile::new(dist_dir.join("index.html")));

    Router::new()
        .nest("/api/v1", api)
        .route("/api", get(api_not_found))
        .route("/api/{*rest}", get(api_not_found))
        .fallback_service(app)
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// `/api/…` outside `/api/v1` is still the API's namespace: JSON, never the app's HTML.
async fn api_not_found() -> AppError {
    AppError::not_found("There is no such API route; the API lives under /api/v1.")
}
