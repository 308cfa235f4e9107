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
        sessions::second_step,
        sessions::list,
        sessions::end_one,
        sessions::end_others,
        crate::routes::two_step::start,
        crate::routes::two_step::confirm,
        crate::routes::two_step::disable,
        customers::list,
        customers::get,
        customers::create,
        crate::routes::sso::start,
        crate::routes::sso::customers_available,
        crate::routes::sso::start_for_customers,
        crate::routes::sso::callback,
        crate::routes::sso::get,
        crate::routes::sso::put,
        crate::routes::sso::delete,
        customers::update,
        customers::domain_availability,
        orders::offers,
        orders::create,
        orders::list,
        orders::get,
        crate::routes::cancellations::create,
        invoices::get,
        billing::get,
        billing::update,
        crate::routes::software::list,
        crate::routes::software::change,
        crate::routes::orders::across_customers,
        crate::routes::software::deep_link,
        tenant::get,
        tenant::software_list,
        tenant::reveal_keys,
        tenant::download,
        activity_log::list,
        crate::routes::audit_log::list,
        activity_log::user_changes,
        support_requests::list,
        support_requests::create,
        support_requests::get,
        support_requests::change_status,
        support_requests::comment,
        support_requests::attachment,
        crate::routes::webhooks::list,
        crate::routes::webhooks::create,
        crate::routes::webhooks::change,
        crate::routes::webhooks::delete,
        crate::routes::webhooks::test,
        crate::routes::webhooks::rotate_secret,
        crate::routes::webhooks::deliveries,
        crate::routes::profile::get,
        crate::routes::profile::update,
        crate::routes::users::list,
        crate::routes::users::invite,
        crate::routes::users::change,
        crate::routes::users::accept_invitation,
        crate::routes::users::request_reset,
        crate::routes::users::accept_reset,
        crate::routes::users::change_password,
        crate::routes::users::two_step_policy,
        crate::routes::users::tenant_users,
        crate::routes::users::invite_tenant_user,
        crate::routes::users::set_two_step_policy,
    ),
    components(schemas(
        csp_domain::ApiErrorBody,
        csp_domain::ApiError,
        csp_domain::Role,
        csp_domain::UserKind,
        csp_domain::Permission,
        // What a webhook receives: one schema per event type.
        csp_domain::notification::Event,
        csp_domain::notification::EventData,
        csp_domain::notification::EventType,
        csp_domain::notification::OrderCreated,
        csp_domain::notification::CancellationRequested,
        csp_domain::notification::CancellationCompleted,
        csp_domain::notification::CreditCreated,
        csp_domain::notification::SupportRequestCreated,
        csp_domain::notification::SupportRequestUpdated,
        csp_domain::notification::WebhookTest,
        csp_domain::notification::WebhookDisabled,
        csp_domain::notification::AccountInvitation,
        csp_domain::notification::PasswordReset
    ))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
