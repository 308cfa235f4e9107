//! `/api/v1/customers`: the partner's customer list and details (R-CUST), adding customers
//! and editing their company's details, and whether a primary domain is free.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use csp_domain::account::{EmailTaken, UserInvited};
use csp_domain::onboarding::{
    CustomerCreated, CustomerDetails, CustomerDomain, CustomerEdit, DomainAvailability,
    DomainIssue, NewCustomerRequest,
};
use csp_domain::subscription::CustomerDeadline;
use csp_domain::{Customer, CustomerId, ErrorCode, FieldErrors, Page, PageQuery, Permission};
use serde::Deserialize;

use crate::cases::accounts::Actor;
use crate::cases::customer_directory;
use crate::cases::onboarding::{self, AddCustomer, AddError, Added};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiResult, AppError};
use crate::http::extract::Audited;
use crate::http::extract::IdempotencyKeyHeader;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, ClientIp};
use crate::state::AppState;
use crate::store::{customers, onboarding as store, Conn};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Only customers with a deadline near: `window_closing` (an order's cancellation window
    /// closes within 7 days) or `renewing` (a subscription renews within 30 days).
    deadline: Option<CustomerDeadline>,
}

/// Search and page the customers the caller may see; `q` matches company name, domain or
/// tenant ID, case-insensitively, anywhere in the text; `deadline` keeps a partner's
/// customers with a cancellation window closing or a subscription renewing soon.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(PageQuery, DeadlineQuery),
    responses(
        (status = 200, body = Page<Customer>),
        (status = 400, description = "`bad_request`: invalid page, page_size, q or deadline", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: support agents have no customer list (and a customer's users no deadlines)", body = csp_domain::ApiErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<PageQuery>,
    ApiQuery(near): ApiQuery<DeadlineQuery>,
) -> ApiResult<Json<Page<Customer>>> {
    let scope = user.customer_scope()?;
    let request = query.check().map_err(AppError::bad_request)?;
    if let Some(deadline) = near.deadline {
        let partner = user.partner(csp_domain::Area::Customers)?;
        let mut conn = state.db.conn().await?;
        let now = state.clock.now();
        let page = customers::with_deadline(&mut conn, partner, deadline, now, &request).await?;
        return Ok(Json(page));
    }
    let page = customer_directory::list(&state.db, &state.customer_lists, &scope, &request).await?;
    Ok(Json(page))
}

/// One customer, with its company's details: address, tax ID, who accepted the Microsoft
/// Customer Agreement and when, and (for partner users) the changes of the details.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = CustomerId, Path, description = "Customer id")),
    responses(
        (status = 200, body = CustomerDetails),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`, also for other partners' customers", body = csp_domain::ApiErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<CustomerId>,
) -> ApiResult<Json<CustomerDetails>> {
    let scope = user.customer_scope()?;
    let mut conn = state.db.conn().await?;
    let customer = customers::get(&mut conn, &scope, &id)
        .await?
        .ok_or_else(|| AppError::not_found("There is no such customer among yours."))?;
    let partner = matches!(scope, customers::CustomerScope::Partner(_));
    Ok(Json(details(&mut conn, customer, partner).await?))
}

async fn details(
    conn: &mut Conn,
    customer: Customer,
    with_changes: bool,
) -> ApiResult<CustomerDetails> {
    let found = store::details(conn, &customer.id).await?;
    let changes = if with_changes {
        store::changes(conn, &customer.id).await?
    } else {
        Vec::new()
    };
    Ok(CustomerDetails {
        customer,
        address: found.address,
        tax_id: found.tax_id,
        agreement: found.agreement,
        changes,
    })
}

/// Adds a customer (Admin agents and Global admins): a new tenant ID, the currency of its
/// market, its first admin invited to the customer admin center (the one-time link in the
/// answer, and mailed). Honours `Idempotency-Key` as orders do: a retry with the same key and
/// body answers the same customer (200, without the link); of concurrent additions of one
/// primary domain exactly one succeeds, the others are told the domain is taken.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers",
    params(
        ("Idempotency-Key" = String, Header, description = "A new value (e.g. a UUID) per customer; a retry sends the same one", min_length = 1, max_length = 255, pattern = "^[!-~]+$"),
    ),
    request_body = NewCustomerRequest,
    responses(
        (status = 201, description = "Added; `admin` carries the first admin's one-time link", body = CustomerCreated),
        (status = 200, description = "A replay of a customer added with this key (no `admin`)", body = CustomerCreated),
        (status = 400, description = "`idempotency_key_required` or `invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Admin agent or Global admin role", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 429, description = "`too_many_attempts`, with `Retry-After`: 30 invitations an hour per person, the customer's admin's included", body = csp_domain::ApiErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 422, description = "`validation_failed` (`fields`: `company_name`, `domain` — also `taken` —, `market`, `address.*`, `tax_id`, `admin_name`, `admin_email` — also `taken` —, `agreement_accepted`), or `idempotency_key_reused`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    Audited {
        user,
        actor: audited,
    }: Audited,
    ClientIp(ip): ClientIp,
    IdempotencyKeyHeader(key): IdempotencyKeyHeader,
    ApiJson(request): ApiJson<NewCustomerRequest>,
) -> ApiResult<(StatusCode, Json<CustomerCreated>)> {
    let partner = user.partner(csp_domain::Area::Customers)?.clone();
    user.require(Permission::AddCustomers)?;
    let new = request
        .check()
        .map_err(|errors| AppError::validation(&errors))?;
    let ip = ip.to_string();
    let added = onboarding::add(
        &state.db,
        AddCustomer {
            partner: &partner,
            new: &new,
            key: &key,
            by: Actor {
                email: user.user.email.as_str(),
                roles: &user.user.roles,
                client_ip: &ip,
            },
            public_url: &state.settings.public_url,
            outbox: &state.settings.outbox,
            now: state.clock.now(),
            audit: Some(&audited),
        },
    )
    .await;
    let field_error = |field: &str, issue: &dyn csp_domain::FieldIssue| {
        let mut errors = FieldErrors::new();
        errors.add(field, issue);
        AppError::validation(&errors)
    };
    let (status, id, admin) = match added {
        Ok(Added::Created { customer, admin }) => (StatusCode::CREATED, customer, Some(admin)),
        Ok(Added::Replayed(customer)) => (StatusCode::OK, customer, None),
        Err(AddError::DomainTaken) => return Err(field_error("domain", &DomainIssue::Taken)),
        Err(AddError::AdminEmailTaken) => return Err(field_error("admin_email", &EmailTaken)),
        Err(AddError::KeyReused) => {
            return Err(AppError::new(
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was used with another customer. Send a new key for a new customer.",
            ))
        }
        Err(AddError::Account(e)) => return Err(e.into()),
        Err(AddError::Database(e)) => return Err(e.into()),
    };
    let scope = customers::CustomerScope::Partner(partner);
    let customer = customers::get(&mut *state.db.conn().await?, &scope, &id)
        .await?
        .ok_or_else(|| AppError::not_found("There is no such customer among yours."))?;
    tracing::info!(customer = %id, replay = status == StatusCode::OK, "customer added");
    Ok((
        status,
        Json(CustomerCreated {
            customer,
            admin: admin.map(|a| UserInvited {
                id: a.user,
                invitation_url: a.link,
                invitation_expires_at: a.expires_at,
            }),
        }),
    ))
}

/// Edits the company's details of a customer — name, address, tax ID; never its tenant ID,
/// primary domain or market (Admin agents and Global admins). Each changed field is recorded
/// with who changed it and when.
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = CustomerId, Path, description = "Customer id")),
    request_body = CustomerEdit,
    responses(
        (status = 200, description = "The customer after the change", body = CustomerDetails),
        (status = 400, description = "`invalid_json`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Admin agent or Global admin role", body = csp_domain::ApiErrorBody),
        (status = 404, description = "`not_found`, also for other partners' customers", body = csp_domain::ApiErrorBody),
        (status = 413, description = "`payload_too_large`", body = csp_domain::ApiErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `company_name`, `address.*`, `tax_id`", body = csp_domain::ApiErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    Audited { user, actor }: Audited,
    ApiPath(id): ApiPath<CustomerId>,
    ApiJson(change): ApiJson<CustomerEdit>,
) -> ApiResult<Json<CustomerDetails>> {
    let mut conn = state.db.conn().await?;
    let (_, customer) = partner_customer(&mut conn, &user, &id).await?;
    drop(conn);
    user.require(Permission::AddCustomers)?;
    let edit = change
        .check()
        .map_err(|errors| AppError::validation(&errors))?;
    onboarding::edit(&state.db, &customer, &edit, &actor, state.clock.now()).await?;
    let mut conn = state.db.conn().await?;
    let (_, customer) = partner_customer(&mut conn, &user, &id).await?;
    Ok(Json(details(&mut conn, customer, true).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DomainQuery {
    /// `<prefix>.onmicrosoft.com`, or the prefix alone.
    pub domain: String,
}

/// Whether a primary domain is free across all partners' customers, as people type it (the
/// Add-customer wizard asks as the prefix is typed).
#[utoipa::path(get, path = "/api/v1/domain-availability", tag = "customers", params(DomainQuery),
    responses(
        (status = 200, body = DomainAvailability),
        (status = 400, description = "`bad_request`: no `domain`", body = csp_domain::ApiErrorBody),
        (status = 401, description = "`unauthenticated`", body = csp_domain::ApiErrorBody),
        (status = 403, description = "`forbidden`: needs the Admin agent or Global admin role", body = csp_domain::ApiErrorBody),
        (status = 422, description = "`validation_failed`: `domain` not letters and digits before .onmicrosoft.com", body = csp_domain::ApiErrorBody),
    ))]
pub async fn domain_availability(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<DomainQuery>,
) -> ApiResult<Json<DomainAvailability>> {
    user.partner(csp_domain::Area::Customers)?;
    user.require(Permission::AddCustomers)?;
    let mut errors = FieldErrors::new();
    let Some(domain) = errors.take("domain", CustomerDomain::parse(&query.domain)) else {
        return Err(AppError::validation(&errors));
    };
    let taken = store::domain_taken(&mut *state.db.conn().await?, domain.as_str()).await?;
    Ok(Json(DomainAvailability {
        domain: domain.as_str().to_string(),
        available: !taken,
    }))
}

/// A customer of the calling partner user (`Area::Customers`), or 404.
pub async fn partner_customer(
    conn: &mut crate::store::Conn,
    user: &CurrentUser,
    id: &CustomerId,
) -> ApiResult<(csp_domain::PartnerId, Customer)> {
    let partner = user.partner(csp_domain::Area::Customers)?.clone();
    let scope = customers::CustomerScope::Partner(partner.clone());
    let customer = customers::get(conn, &scope, id)
        .await?
        .ok_or_else(|| AppError::not_found("There is no such customer among yours."))?;
    Ok((partner, customer))
}
