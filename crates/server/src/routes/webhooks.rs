//! `/api/v1/webhooks`: a partner's endpoints for its own systems (Settings → Webhooks), for its
//! Global admins only — an endpoint's URL may carry a token of the receiving system.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Duration;
use csp_domain::notification::{
    check_event_types, NewWebhook, TestEventSent, Webhook, WebhookChange, WebhookDeliveryList,
    WebhookList, WebhookUrl, WebhookWithSecret, SECRET_OVERLAP_HOURS,
};
use csp_domain::{Area, FieldErrors, PartnerId, Permission, WebhookId};

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::Audited;
use crate::http::extract::{ApiJson, ApiPath};
use crate::notify::webhook::new_secret;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::{new_id, outbox, webhooks, Conn};
use csp_domain::audit::AuditAction;

/// How many deliveries the delivery log shows.
const LOG_SIZE: u32 = 50;

/// At most this many endpoints per partner.
const MAX_ENDPOINTS: usize = 20;

fn not_found() -> AppError {
    AppError::not_found("There is no such webhook endpoint.")
}

async fn find(
    conn: &mut Conn,
    partner: &PartnerId,
    id: &WebhookId,
) -> ApiResult<webhooks::StoredWebhook> {
    webhooks::get(conn, Some(partner), id)
        .await?
        .ok_or_else(not_found)
}

/// The partner's webhook endpoints (never their secrets), for Global admins.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "notifications",
    responses(
        (status = 200, body = WebhookList),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<WebhookList>> {
    let partner = user.partner(Area::Customers)?;
    user.require(Permission::ManageWebhooks)?;
    let mut conn = state.db.conn().await?;
    let items = webhooks::list(&mut conn, partner)
        .await?
        .into_iter()
        .map(|w| w.webhook)
        .collect();
    Ok(Json(WebhookList { items }))
}

/// Registers an endpoint for the chosen event types (Global admins). The answer carries the
/// signing secret, shown this once. HTTPS only; plain HTTP to this machine in demo mode; never
/// a private or reserved address unless the operator allows private networks.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "notifications",
    request_body = NewWebhook,
    responses(
        (status = 201, body = WebhookWithSecret),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `url`, `events`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiJson(new): ApiJson<NewWebhook>,
) -> ApiResult<(StatusCode, Json<WebhookWithSecret>)> {
    let partner = user.partner(Area::Customers)?.clone();
    user.require(Permission::ManageWebhooks)?;
    let mut errors = FieldErrors::new();
    let url = errors.take(
        "url",
        WebhookUrl::parse(&new.url, state.settings.webhook_reach),
    );
    let events = errors.take("events", check_event_types(&new.events));
    let (Some(url), Some(events)) = (url, events) else {
        return Err(AppError::validation(&errors));
    };
    let id: WebhookId = new_id();
    let secret = new_secret();
    let mut tx = state.db.begin().await?;
    if webhooks::list(&mut tx, &partner).await?.len() >= MAX_ENDPOINTS {
        return Err(AppError::new(
            csp_domain::ErrorCode::ValidationFailed,
            format!(
                "An organisation has at most {MAX_ENDPOINTS} webhook endpoints; remove one first."
            ),
        ));
    }
    webhooks::insert(
        &mut tx,
        &webhooks::NewWebhook {
            id: &id,
            partner: &partner,
            url: url.as_str(),
            events: &events,
            secret: &secret,
            created_by: user.user.email.as_str(),
            now: state.clock.now(),
        },
    )
    .await?;
    let stored = find(&mut tx, &partner, &id).await?;
    audit::record(
        &mut tx,
        &actor,
        Event::new(AuditAction::WebhookCreated, "webhook", id.as_str()).detail(url.as_str()),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(webhook = %id, url = url.as_str(), "webhook endpoint registered");
    Ok((
        StatusCode::CREATED,
        Json(WebhookWithSecret {
            webhook: stored.webhook,
            secret,
        }),
    ))
}

/// Switches an endpoint on or off, or changes its event types (Global admins). Switching on
/// clears why it was switched off; deliveries not sent while it was off are not sent later.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "notifications",
    params(("id" = String, Path, format = "uuid")),
    request_body = WebhookChange,
    responses(
        (status = 200, body = Webhook),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `events`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn change(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiPath(id): ApiPath<WebhookId>,
    ApiJson(change): ApiJson<WebhookChange>,
) -> ApiResult<Json<Webhook>> {
    let partner = user.partner(Area::Customers)?.clone();
    user.require(Permission::ManageWebhooks)?;
    let mut errors = FieldErrors::new();
    let events = match &change.events {
        Some(events) => match errors.take("events", check_event_types(events)) {
            Some(events) => Some(events),
            None => return Err(AppError::validation(&errors)),
        },
        None => None,
    };
    let mut tx = state.db.begin().await?;
    find(&mut tx, &partner, &id).await?;
    let reason = format!("switched off by {}", user.user.email.as_str());
    webhooks::change(
        &mut tx,
        &id,
        change.active,
        events.as_deref(),
        Some(&reason),
    )
    .await?;
    if change.active == Some(false) {
        outbox::skip_waiting_for(
            &mut tx,
            &id,
            "the endpoint was switched off",
            state.clock.now(),
        )
        .await?;
    }
    let stored = find(&mut tx, &partner, &id).await?;
    audit::record(
        &mut tx,
        &actor,
        Event::new(AuditAction::WebhookChanged, "webhook", id.as_str()),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(stored.webhook))
}

/// Removes an endpoint with its delivery log (Global admins); what was not delivered yet is
/// dropped.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "notifications",
    params(("id" = String, Path, format = "uuid")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiPath(id): ApiPath<WebhookId>,
) -> ApiResult<StatusCode> {
    let partner = user.partner(Area::Customers)?.clone();
    user.require(Permission::ManageWebhooks)?;
    let mut tx = state.db.begin().await?;
    find(&mut tx, &partner, &id).await?;
    webhooks::delete(&mut tx, &id).await?;
    audit::record(
        &mut tx,
        &actor,
        Event::new(AuditAction::WebhookDeleted, "webhook", id.as_str()),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(webhook = %id, "webhook endpoint removed");
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a `webhook.test` event to the endpoint (Global admins), whatever types it wants; it
/// shows in the delivery log like any other.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "notifications",
    params(("id" = String, Path, format = "uuid")),
    responses(
        (status = 202, body = TestEventSent),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn test(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<WebhookId>,
) -> ApiResult<(StatusCode, Json<TestEventSent>)> {
    let partner = user.partner(Area::Customers)?.clone();
    user.require(Permission::ManageWebhooks)?;
    let mut tx = state.db.begin().await?;
    find(&mut tx, &partner, &id).await?;
    let (event_id, delivery_id) = state
        .settings
        .outbox
        .record_test(
            &mut tx,
            &partner,
            &id,
            user.user.email.as_str(),
            state.clock.now(),
        )
        .await?;
    tx.commit().await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(TestEventSent {
            event_id,
            delivery_id,
        }),
    ))
}

/// A new signing secret (Global admins), shown this once; for the next 24 hours deliveries
/// carry a signature with the old secret too, so receivers can switch without losing one.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "notifications",
    params(("id" = String, Path, format = "uuid")),
    responses(
        (status = 200, body = WebhookWithSecret),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiPath(id): ApiPath<WebhookId>,
) -> ApiResult<Json<WebhookWithSecret>> {
    let partner = user.partner(Area::Customers)?.clone();
    user.require(Permission::ManageWebhooks)?;
    let secret = new_secret();
    let mut tx = state.db.begin().await?;
    find(&mut tx, &partner, &id).await?;
    let until = state.clock.now() + Duration::hours(SECRET_OVERLAP_HOURS);
    webhooks::rotate_secret(&mut tx, &id, &secret, until).await?;
    let stored = find(&mut tx, &partner, &id).await?;
    audit::record(
        &mut tx,
        &actor,
        Event::new(AuditAction::WebhookChanged, "webhook", id.as_str()).detail("secret rotated"),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(webhook = %id, "webhook secret rotated");
    Ok(Json(WebhookWithSecret {
        webhook: stored.webhook,
        secret,
    }))
}

/// The endpoint's latest 50 deliveries, newest first: when, which event, how it went, and
/// when the next attempt is due.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "notifications",
    params(("id" = String, Path, format = "uuid")),
    responses(
        (status = 200, body = WebhookDeliveryList),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn deliveries(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<WebhookId>,
) -> ApiResult<Json<WebhookDeliveryList>> {
    let partner = user.partner(Area::Customers)?;
    user.require(Permission::ManageWebhooks)?;
    let mut conn = state.db.conn().await?;
    find(&mut conn, partner, &id).await?;
    let items = outbox::log_for_webhook(&mut conn, &id, LOG_SIZE).await?;
    Ok(Json(WebhookDeliveryList { items }))
}
