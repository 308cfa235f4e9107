//! `/api/v1/openapi.json`, derived from the handlers and wire types so it cannot drift.

use axum::Json;
use utoipa::OpenApi;

use crate::routes::{
    activity_log, billing, customers, invoices, orders, sessions, support_requests, tenant,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CSP Software Center API",
        version = "1",
        description = "Buy software for CSP customers, share deep links to keys and downloads, \
                        audit key access, cancel purchases and file refund requests. Errors are \
                        `{\"error\": {\"code\", \"message\"}}`; treat enums and codes as open sets."
    ),
    paths(
        sessions::sign_in,
        sessions::current,
        sessions::sign_out,
        customers::list,
        customers::get,
        orders::offers,
        orders::create,
        orders::list,
        orders::get,
        crate::routes::cancellations::create,
        invoices::get,
        billing::get,
        billing::update,
        crate::routes::software::list,
        crate::routes::software::deep_link,
        tenant::get,
        tenant::software_list,
        tenant::reveal_keys,
        tenant::download,
        activity_log::list,
        support_requests::list,
        support_requests::create,
        support_requests::get,
        support_requests::change_status,
        support_requests::comment,
        support_requests::attachment,
    ),
    components(schemas(
        csp_domain::ApiErrorBody,
        csp_domain::ApiError,
        csp_domain::Role,
        csp_domain::UserKind,
        csp_domain::Permission
    ))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
