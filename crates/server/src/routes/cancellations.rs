//! `POST /api/v1/customers/{id}/orders/{order_id}/cancellation`: cancelling a purchase
//! (R-CAN). Admin agents only (R-CAN-3); the rules are the domain's; the work is done by the
//! background worker, once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Duration;
use csp_domain::cancellation::{CancelRequest, Cancellation};
use csp_domain::{CustomerId, ErrorCode, OrderId, Permission};

use crate::cases::cancelling::{self, CancelError, CancelOrder};
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::Audited;
use crate::http::extract::{ApiJson, ApiPath};
use crate::routes::customers::partner_customer;
use crate::state::AppState;

/// Cancels an order: every key and download of it is revoked and its credit (100% for
/// perpetual software, prorated for subscriptions) booked for the next month's invoice. The
/// answer comes at once; processing takes up to 15 minutes (R-CAN-7).
#[utoipa::path(post, path = "/api/v1/customers/{id}/orders/{order_id}/cancellation", tag = "cancellation",
    request_body = CancelRequest,
    params(("id" = CustomerId, Path, description = "Customer id"), ("order_id" = OrderId, Path, description = "Order id")),
    responses(
        (status = 202, description = "Accepted: the order is `cancellation_pending` until processed", body = Cancellation),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Admin agent role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`", body = csp_domain::ApiErrorBody),
        (status = 409, description = "`already_cancelled`", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`confirmation_required`, `cancellation_window_passed`, `not_cancellable`, `needs_support_request` or `nothing_to_refund`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiPath((id, order)): ApiPath<(CustomerId, OrderId)>,
    ApiJson(request): ApiJson<CancelRequest>,
) -> ApiResult<(StatusCode, Json<Cancellation>)> {
    let mut conn = state.db.conn().await?;
    let (partner, customer) = partner_customer(&mut conn, &user, &id).await?;
    drop(conn);
    user.require(Permission::CancelPurchase)?;
    if !request.confirm {
        return Err(AppError::new(
            ErrorCode::ConfirmationRequired,
            "Confirm that you have read the Important message: send {\"confirm\": true}.",
        ));
    }
    let input = CancelOrder {
        partner: &partner,
        customer: &customer,
        order: &order,
        requested_by: &user.user.email,
        now: state.clock.now(),
        delay: Duration::from_std(state.settings.cancellation_delay).unwrap_or(Duration::zero()),
        outbox: &state.settings.outbox,
        actor: Some(&actor),
    };
    match cancelling::request(&state.db, input).await {
        Ok(stored) => {
            tracing::info!(order = %order, "cancellation requested");
            Ok((StatusCode::ACCEPTED, Json(stored.cancellation)))
        }
        Err(CancelError::NotFound) => Err(AppError::not_found("There is no such order for this customer.")),
        Err(CancelError::NotCancellable) => Err(AppError::new(
            ErrorCode::NotCancellable,
            "This product cannot be cancelled: SUSE Linux and Red Hat software plans cannot be cancelled or exchanged.",
        )),
        Err(CancelError::WindowPassed(until)) => Err(AppError::new(
            ErrorCode::CancellationWindowPassed,
            format!("The cancellation window ended on {} (UTC); this purchase can no longer be cancelled.", until.format("%Y-%m-%d %H:%M")),
        )),
        Err(CancelError::NeedsSupportRequest(credit, limit)) => Err(AppError::new(
            ErrorCode::NeedsSupportRequest,
            format!("The credit due, {credit}, is above your self-service refund limit of {limit}: file a support request to cancel this order."),
        )),
        Err(CancelError::AlreadyCancelled) => Err(AppError::new(ErrorCode::AlreadyCancelled, "This order is already cancelled or being cancelled.")),
        Err(CancelError::NothingToRefund) => Err(AppError::new(
            ErrorCode::NothingToRefund,
            "Everything paid for this order has been credited already (an approved refund): there is nothing left to credit, so it cannot be cancelled for a credit.",
        )),
        Err(CancelError::Database(e)) => Err(e.into()),
    }
}
