//! HTTP: the router — `/api/v1/*` answers JSON (errors included); everything else is the
//! browser app, whose client-side routes all get `index.html` so deep links survive a reload —
//! and around both security headers, a panic catcher that still answers JSON and request time
//! limits; the extractors that turn requests into checked values or the one error shape.

pub mod auth;
pub mod body;
pub mod csv;
pub mod drain;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod ops;
pub mod security;
pub mod serve;

use std::any::Any as PanicPayload;
use std::path::Path;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, patch, post};
use axum::Router;
use csp_domain::ErrorCode;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::http::error::{AppError, INTERNAL_MESSAGE};
use crate::routes::{
    activity_log, audit_log, billing, cancellations, customers, invoices, orders, profile,
    sessions, software, sso, support_requests, tenant, two_step, users, webhooks,
};
use crate::state::AppState;

/// JSON bodies of this API are small; anything bigger is refused before it is read.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// A body with files: the largest upload and room for the form's framing.
const UPLOAD_LIMIT: usize = crate::http::extract::UPLOAD_BODY_BYTES + 64 * 1024;

pub fn router(state: AppState, dist_dir: &Path) -> Router {
    let api = Router::new()
        .route(
            "/sessions",
            post(sessions::sign_in)
                .get(sessions::list)
                .delete(sessions::end_others),
        )
        .route("/sessions/{id}", axum::routing::delete(sessions::end_one))
        .route("/sessions/sso", post(sso::start))
        .route(
            "/sessions/sso/customers",
            get(sso::customers_available).post(sso::start_for_customers),
        )
        .route("/sso/callback", get(sso::callback))
        .route(
            "/identity-provider",
            get(sso::get).put(sso::put).delete(sso::delete),
        )
        .route(
            "/session",
            get(sessions::current).delete(sessions::sign_out),
        )
        .route("/customers", get(customers::list).post(customers::create))
        .route(
            "/customers/{id}",
            get(customers::get).patch(customers::update),
        )
        .route("/domain-availability", get(customers::domain_availability))
        .route("/orders", get(orders::across_customers))
        .route("/customers/{id}/offers", get(orders::offers))
        .route(
            "/customers/{id}/orders",
            get(orders::list).post(orders::create),
        )
        .route("/customers/{id}/orders/{order_id}", get(orders::get))
        .route(
            "/customers/{id}/orders/{order_id}/cancellation",
            post(cancellations::create),
        )
        .route("/invoices/{month}", get(invoices::get))
        .route("/billing-profile", get(billing::get).patch(billing::update))
        .route("/customers/{id}/software", get(software::list))
        .route(
            "/customers/{id}/software/{purchase_id}",
            patch(software::change),
        )
        .route("/customers/{id}/deep-link", get(software::deep_link))
        .route("/tenant", get(tenant::get))
        .route("/tenant/software", get(tenant::software_list))
        .route(
            "/tenant/software/{purchase_id}/key-reveals",
            post(tenant::reveal_keys),
        )
        .route(
            "/tenant/software/{purchase_id}/downloads/{file_id}",
            get(tenant::download),
        )
        .route("/activity-log", get(activity_log::list))
        .route("/audit-log", get(audit_log::list))
        .route(
            "/support-requests",
            get(support_requests::list)
                .post(support_requests::create)
                // Bodies with files: the whole body (boundaries and part headers included)
                // is limited here, each part by `ApiMultipart` as it reads it.
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/support-requests/{id}",
            get(support_requests::get).patch(support_requests::change_status),
        )
        .route(
            "/support-requests/{id}/comments",
            post(support_requests::comment)
                // Bodies with files: the whole body (boundaries and part headers included)
                // is limited here, each part by `ApiMultipart` as it reads it.
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/support-requests/{id}/attachments/{attachment_id}",
            get(support_requests::attachment),
        )
        .route("/profile", get(profile::get).patch(profile::update))
        .route("/users", get(users::list).post(users::invite))
        .route("/user-changes", get(activity_log::user_changes))
        .route(
            "/tenant/users",
            get(users::tenant_users).post(users::invite_tenant_user),
        )
        .route(
            "/organization/two-step",
            get(users::two_step_policy).put(users::set_two_step_policy),
        )
        .route("/users/{id}", axum::routing::patch(users::change))
        .route("/invitations/accept", post(users::accept_invitation))
        .route("/password-resets", post(users::request_reset))
        .route("/session/password", post(users::change_password))
        .route("/session/totp", post(sessions::second_step))
        .route("/profile/two-step", post(two_step::start))
        .route("/profile/two-step/confirm", post(two_step::confirm))
        .route("/profile/two-step/disable", post(two_step::disable))
        .route("/password-resets/accept", post(users::accept_reset))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route(
            "/webhooks/{id}",
            axum::routing::patch(webhooks::change).delete(webhooks::delete),
        )
        .route("/webhooks/{id}/test", post(webhooks::test))
        .route(
            "/webhooks/{id}/rotate-secret",
            post(webhooks::rotate_secret),
        )
        .route("/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route("/openapi.json", get(crate::http::openapi::document))
        .fallback(api_not_found)
        .method_not_allowed_fallback(|| async {
            AppError::new(
                ErrorCode::MethodNotAllowed,
                "This route does not accept that method.",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(security::refuse_cross_site))
        .layer(middleware::from_fn_with_state(state.clone(), time_limit))
        .with_state(state.clone());
    let api = Router::new()
        .nest("/api/v1", api)
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        // API answers carry e-mails and customer data: never stored by browsers or proxies.
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let index = dist_dir.join("index.html");
    let csp =
        security::content_security_policy(&std::fs::read_to_string(&index).unwrap_or_default());
    // A release build has brotli and gzip copies of each asset (scripts/precompress.mjs): they
    // are sent as they are; without them (a debug build) the compression layer compresses.
    // The wasm and its JS (scripts/build-app.mjs) live under /pkg/<hash>/: a file missing there
    // (a module of an older build, asked for by a tab opened before an update) answers 404,
    // never the app's HTML, so the app can say that it must reload.
    let pkg = ServeDir::new(dist_dir.join("pkg"))
        .append_index_html_on_directories(false)
        .precompressed_br()
        .precompressed_gzip();
    let app = Router::new()
        .nest_service("/pkg", pkg)
        .fallback_service(
            ServeDir::new(dist_dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    ServeFile::new(index)
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        )
        .layer(middleware::from_fn(cache_static));

    // For load balancers and orchestrators; never cached.
    let probes = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .with_state(state.clone())
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let router = probes.merge(api).merge(app);
    let state_for_ids = state.clone();
    // Inside the routes, where each request's route template is known.
    let mut router = router.layer(middleware::from_fn_with_state(state.clone(), ops::record));
    for (name, value) in security::standard_headers(&csp, state.settings.cookie_secure) {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    router
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(
            state,
            crate::http::drain::drain_unread_bodies,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(
            state_for_ids,
            ops::request_id,
        ))
}

/// `/api/…` outside the routes is still the API's namespace: JSON, never the app's HTML.
async fn api_not_found() -> AppError {
    AppError::not_found("There is no such API route; the API lives under /api/v1.")
}

/// Answers 408 in the API's shape when a request takes longer than the setting; an upload
/// (a `multipart/form-data` body) has its own, longer limit: files take a while on a slow line.
async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let upload = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("multipart/"));
    let limit = if upload {
        state.settings.serving.upload_timeout
    } else {
        state.settings.request_timeout
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::new(
            ErrorCode::RequestTimeout,
            "The request took too long and was stopped. Please try again.",
        )
        .into_response(),
    }
}

/// A panic in a handler still answers the JSON 500 of the contract; the cause goes to the log.
fn panic_response(payload: Box<dyn PanicPayload + Send + 'static>) -> Response {
    let cause = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(%cause, "a request handler panicked");
    AppError::new(ErrorCode::Internal, INTERNAL_MESSAGE).into_response()
}

/// Hashed build outputs (`main-1a2b3c4d5e6f7a8b.css`) never change: cache them for a year.
/// Everything else, `index.html` above all, is revalidated so a new build is seen at once.
/// The body depends on `Accept-Encoding` (a precompressed copy or not), so caches must ask.
async fn cache_static(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    // A 304 confirms the cached copy: it keeps its year.
    let confirmed = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let value = if hashed && confirmed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(value));
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Whether the path is a build output named by its content (scripts/build-app.mjs): a file
/// with a content hash in its name (`main-6922f2263668d241.css`), or a file under
/// `/pkg/<hash>/`, the wasm set named by the hash of all its files. Hashes are 16 hex digits;
/// 12–15 are accepted too (hex written without leading zeros, as earlier builds named files).
fn is_hashed_asset(path: &str) -> bool {
    fn is_hash(digits: &[u8]) -> bool {
        (12..=16).contains(&digits.len()) && digits.iter().all(u8::is_ascii_hexdigit)
    }
    if let Some(rest) = path.strip_prefix("/pkg/") {
        return rest
            .split_once('/')
            .is_some_and(|(hash, file)| is_hash(hash.as_bytes()) && !file.is_empty());
    }
    let name = path.rsplit('/').next().unwrap_or_default();
    name.match_indices('-').any(|(i, _)| {
        let rest = &name.as_bytes()[i + 1..];
        let digits = rest.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        is_hash(&rest[..digits]) && matches!(rest.get(digits), Some(b'.' | b'_'))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_hashed_build_outputs_are_immutable() {
        for hashed in [
            "/csp-app-0123456789abcdef.js",
            "/csp-app-0123456789abcdef_bg.wasm",
            "/main-fedcba9876543210.css",
            "/csp-app-acc0aae87b5fcaa.js",
            "/csp-app-acc0aae87b5fcaa_bg.wasm",
            "/pkg/0123456789abcdef/csp-app.js",
            "/pkg/0123456789abcdef/split_support.wasm",
            "/pkg/acc0aae87b5fcaa/snippets/x/inline0.js",
        ] {
            assert!(super::is_hashed_asset(hashed), "{hashed}");
        }
        for plain in [
            "/",
            "/index.html",
            "/customers/0f8fad5b-d9cb-469f-a165-70867728950e",
            "/robots.txt",
            "/a-0123.js",
            "/a-0123456789abcdef0.js",
            "/pkg/csp-app.js",
            "/pkg/0123456789abcdef/",
            "/pkg/not-a-hash-at-all/csp-app.js",
        ] {
            assert!(!super::is_hashed_asset(plain), "{plain}");
        }
    }
}
