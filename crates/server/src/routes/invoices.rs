//! `/api/v1/invoices/{YYYY-MM}`: the partner's monthly invoice (R-INV-1).

use axum::extract::State;
use axum::Json;
use csp_domain::invoice::totals;
use csp_domain::{Area, CustomerId, Invoice, InvoiceMonth, Money};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{ApiPath, ApiQuery};
use crate::store::{credits, invoices};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// Only this customer's lines (its share of the invoice).
    #[param(value_type = Option<String>, format = "uuid")]
    customer_id: Option<CustomerId>,
}

/// The invoice of a calendar month (UTC): charges for the orders placed in it and credits for
/// cancellations processed in the month before, with totals per currency.
#[utoipa::path(get, path = "/api/v1/invoices/{month}", tag = "invoices",
    params(("month" = String, Path, description = "`YYYY-MM`", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$"), InvoiceQuery),
    responses(
        (status = 200, body = Invoice),
        (status = 400, description = "`bad_request`: customer_id is not an id", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: partner users only", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`: not a month", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(month): ApiPath<String>,
    ApiQuery(query): ApiQuery<InvoiceQuery>,
) -> ApiResult<Json<Invoice>> {
    let partner = user.partner(Area::Invoices)?;
    let month = InvoiceMonth::parse(&month).ok_or_else(|| {
        AppError::not_found("There is no invoice for that month; months are YYYY-MM.")
    })?;
    let mut conn = state.db.conn().await?;
    let mut lines =
        invoices::charges(&mut conn, partner, month, query.customer_id.as_ref()).await?;
    lines
        .extend(credits::for_invoice(&mut conn, partner, month, query.customer_id.as_ref()).await?);
    lines.sort_by_key(|l| l.date);
    let amounts: Vec<_> = lines
        .iter()
        .filter_map(|l| {
            l.amount
                .to_money(l.currency)
                .ok()
                .map(|m: Money| (l.kind.clone(), m))
        })
        .collect();
    Ok(Json(Invoice {
        month: month.to_string(),
        totals: totals(&amounts),
        lines,
    }))
}
