//! `/api/v1/invoices/{YYYY-MM}`: the partner's monthly invoice (R-INV-1), as JSON or, with
//! `Accept: text/csv`, as its reconciliation file.

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use csp_domain::{Area, CustomerId, Invoice, InvoiceMonth};
use serde::Deserialize;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::{wants_csv, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::store::{credits, invoices};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// Only this customer's lines (its share of the invoice).
    #[param(value_type = Option<String>, format = "uuid")]
    customer_id: Option<CustomerId>,
    /// `csv` does what `Accept: text/csv` does, for plain download links.
    #[param(pattern = "^csv$")]
    format: Option<String>,
}

/// The invoice of a calendar month (UTC): its number, issue and due dates, charges for the
/// orders placed in it and credits booked in the month before (cancellations and approved
/// refunds), every amount marked as including tax or not, with totals per currency and tax
/// basis. With `Accept: text/csv` (or `format=csv`): the reconciliation file, one row per
/// charge and credit, each credit with its order and the cancellation or support request it
/// came from.
#[utoipa::path(get, path = "/api/v1/invoices/{month}", tag = "invoices",
    params(("month" = String, Path, description = "`YYYY-MM`", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$"), InvoiceQuery),
    responses(
        (status = 200, description = "The invoice (JSON), or with `Accept: text/csv` or `format=csv` its reconciliation file",
            content((Invoice = "application/json"), (String = "text/csv"))),
        (status = 400, description = "`bad_request`: customer_id is not an id, or format is not csv", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: partner users only", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`: not a month", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiPath(month): ApiPath<String>,
    ApiQuery(query): ApiQuery<InvoiceQuery>,
) -> ApiResult<Response> {
    let partner = user.partner(Area::Invoices)?;
    let month = InvoiceMonth::parse(&month).ok_or_else(|| {
        AppError::not_found("There is no invoice for that month; months are YYYY-MM.")
    })?;
    let wants_csv = wants_csv(query.format.as_deref(), &headers)?;
    let mut conn = state.db.conn().await?;
    let customer = query.customer_id.as_ref();
    let mut lines = invoices::charges(&mut conn, partner, month, customer).await?;
    lines.extend(credits::for_invoice(&mut conn, partner, month, customer).await?);
    lines.sort_by_key(|l| l.date);
    let invoice = Invoice::new(partner, month, lines);
    if wants_csv {
        let filename = format!("attachment; filename=\"{}.csv\"", invoice.number);
        return Ok((
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (CONTENT_DISPOSITION, filename),
            ],
            invoice.reconciliation_csv(),
        )
            .into_response());
    }
    Ok(Json(invoice).into_response())
}
