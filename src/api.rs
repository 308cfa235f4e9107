//! The one HTTP client of the app: typed calls to `/api/v1` (same origin, cookie session).
//! Pages call the endpoint functions at the bottom; the request builder and the raw verbs are
//! private to this module.
//!
//! Every non-2xx answer becomes an [`ApiFailure`] parsed from the server's error body, so pages
//! can tell "not found" from "forbidden" from "the network is down", and `i18n` can say it in
//! the user's language by its code.

use std::cell::RefCell;
use std::rc::Rc;

use csp_domain::account::{
    AcceptToken, NewTenantUser, NewUserRequest, PasswordChange, PasswordResetRequest, UserChange,
    UserChangeList, UserInvited, UserList,
};
use csp_domain::audit::AuditLogPage;
use csp_domain::billing::BillingProfileChange;
use csp_domain::cancellation::{CancelRequest, Cancellation};
use csp_domain::notification::{
    NewWebhook, Profile, ProfileChange, TestEventSent, Webhook, WebhookChange, WebhookDeliveryList,
    WebhookList, WebhookWithSecret,
};
use csp_domain::onboarding::{
    CustomerCreated, CustomerDetails, CustomerEdit, DomainAvailability, NewCustomerRequest,
};
use csp_domain::order_list::OrderListPage;
use csp_domain::session::{SessionList, SignedOut};
use csp_domain::software::{DeepLink, KeyReveal, SoftwarePurchase, TenantSoftwareList};
use csp_domain::sso::{
    CustomerSignIn, CustomerSsoStart, IdentityProvider, IdentityProviderRequest, SsoRedirect,
    SsoStart,
};
use csp_domain::subscription::PurchaseChange;
use csp_domain::support::{SupportForm, SupportRequest, SupportStatusChange};
use csp_domain::two_step::{
    CodeEntry, Enrolment, RecoveryCodes, SecondStep, SignInAnswer, TwoStepDisable, TwoStepPolicy,
};
use csp_domain::{
    ActivityLogPage, ApiErrorBody, BillingProfile, Customer, CustomerId, ErrorCode, FieldMap,
    IdempotencyKey, Invoice, InvoiceMonth, OfferList, Order, OrderId, OrderRequest, Page,
    Permission, SessionResponse, SignInRequest, SupportRequestList, User,
};
use csp_domain::{AttachmentId, SupportRequestId, UserId, WebhookId};
use csp_domain::{FileId, PurchaseId};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

use crate::routes::encode;

const BASE: &str = "/api/v1";

/// Codes the client itself produces when there is no usable error body.
pub const NETWORK_ERROR: &str = "network_error";
pub const UNEXPECTED_RESPONSE: &str = "unexpected_response";

/// A request that did not succeed.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    /// HTTP status; 0 when the request never got an answer.
    pub status: u16,
    /// The server's snake_case code, or one of the client codes above.
    pub code: Box<str>,
    /// The server's English message; empty for client codes.
    pub message: Box<str>,
    /// Per-field messages (English) and codes of a `validation_failed` answer.
    pub fields: FieldMap,
    pub field_codes: FieldMap,
    /// With `forbidden`: what was refused.
    pub permission: Option<Permission>,
    pub retry_after_seconds: Option<u64>,
    /// The answer's `X-Request-Id`: the server's log lines of the request carry it, so a
    /// support agent finds them from what the user reads out.
    pub request_id: Option<Box<str>>,
}

impl ApiFailure {
    fn client(status: u16, code: &str) -> Self {
        ApiFailure {
            status,
            code: code.into(),
            message: "".into(),
            fields: FieldMap::default(),
            field_codes: FieldMap::default(),
            permission: None,
            retry_after_seconds: None,
            request_id: None,
        }
    }

    /// The same failure, naming the answer it came from.
    fn of_response(mut self, response: &Response) -> Self {
        self.request_id = request_id(response);
        self
    }

    pub fn known_code(&self) -> Option<ErrorCode> {
        ErrorCode::parse(&self.code)
    }

    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// Whether asking again may help: an outage may pass, a refusal will not.
    pub fn is_retryable(&self) -> bool {
        self.status == 0 || self.status == 408 || self.status >= 500
    }

    /// The reference to quote to support: for what the user cannot fix themselves (the
    /// server's faults and outages, answers this build does not understand), when the answer
    /// carried one.
    pub fn reference(&self) -> Option<&str> {
        let theirs = self.status >= 500 || self.known_code().is_none();
        self.request_id.as_deref().filter(|_| theirs)
    }
}

/// The answer's `X-Request-Id`, if it has a plausible one (the server's, or a trusted proxy's:
/// at most 64 letters, digits, `-`, `_` or `.`).
fn request_id(response: &Response) -> Option<Box<str>> {
    let id = response.headers().get("x-request-id").ok()??;
    let plausible = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    plausible.then(|| id.into())
}

pub type ApiResult<T> = Result<T, ApiFailure>;

thread_local! {
    /// What to do when the session turns out to be gone (set once by the app).
    static ON_UNAUTHORIZED: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Registers the reaction to a 401 answer (the session has ended).
pub fn on_unauthorized(handler: impl Fn() + 'static) {
    ON_UNAUTHORIZED.with(|h| *h.borrow_mut() = Some(Rc::new(handler)));
}

fn notify_unauthorized() {
    // Clone out first so the handler may itself touch the hook without a double borrow.
    if let Some(handler) = ON_UNAUTHORIZED.with(|h| h.borrow().clone()) {
        handler();
    }
}

/// One request to the API, built up and then sent with the browser's `fetch` (same origin, so
/// the session cookie goes along).
struct Call {
    method: &'static str,
    path: String,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Body,
    /// The answer the loader in index.html already asked for (the session, see
    /// [`current_session`]): awaited instead of asking again.
    early: Option<js_sys::Promise>,
}

enum Body {
    None,
    Json(String),
    /// `multipart/form-data`; the browser writes the boundary into the content type.
    Form(web_sys::FormData),
}

impl Call {
    fn new(method: &'static str, path: impl Into<String>) -> Call {
        Call {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            early: None,
        }
    }

    fn get(path: impl Into<String>) -> Call {
        Call::new("GET", path)
    }

    fn post(path: impl Into<String>) -> Call {
        Call::new("POST", path)
    }

    fn delete(path: impl Into<String>) -> Call {
        Call::new("DELETE", path)
    }

    /// Adds `name=value` to the query, unless the value is empty.
    fn query(mut self, name: &'static str, value: impl ToString) -> Call {
        let value = value.to_string();
        if !value.is_empty() {
            self.query.push((name, value));
        }
        self
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Call {
        self.headers.push((name, value.into()));
        self
    }

    fn json(mut self, body: &impl Serialize) -> Call {
        // Our own types always serialize; an empty body would be refused by the server anyway.
        self.body = Body::Json(serde_json::to_string(body).unwrap_or_default());
        self
    }

    /// A multipart body of text fields and files named `files`.
    fn form(mut self, fields: &[(&str, &String)], files: &[web_sys::File]) -> ApiResult<Call> {
        let data = web_sys::FormData::new().map_err(offline)?;
        for (name, value) in fields {
            data.append_with_str(name, value).map_err(offline)?;
        }
        for file in files {
            data.append_with_blob_and_filename("files", file, &file.name())
                .map_err(offline)?;
        }
        self.body = Body::Form(data);
        Ok(self)
    }

    /// The address with its query, each name and value percent-encoded.
    fn url(&self) -> String {
        let mut url = format!("{BASE}{}", self.path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&encode(name));
            url.push('=');
            url.push_str(&encode(value));
        }
        url
    }

    async fn send(self) -> ApiResult<Response> {
        let init = RequestInit::new();
        init.set_method(self.method);
        let headers = Headers::new().map_err(offline)?;
        headers.set("Accept", "application/json").map_err(offline)?;
        for (name, value) in &self.headers {
            headers.set(name, value).map_err(offline)?;
        }
        match &self.body {
            Body::None => {}
            Body::Json(text) => {
                headers
                    .set("Content-Type", "application/json")
                    .map_err(offline)?;
                init.set_body(&JsValue::from_str(text));
            }
            Body::Form(data) => init.set_body(data),
        }
        init.set_headers_headers(&headers);
        let url = self.url();
        let response = match self.early {
            Some(answer) => match response(answer).await {
                Ok(early) => early,
                // No answer to the early request (the server restarting): ask now.
                Err(_) => fetch(&url, &init).await?,
            },
            None => fetch(&url, &init).await?,
        };
        if response.ok() {
            return Ok(response);
        }
        let status = response.status();
        // The handler only acts while someone is signed in, so a wrong password stays a wrong password.
        if status == 401 {
            notify_unauthorized();
        }
        // Proxies and crashed servers answer with HTML or nothing: fall back to a client code.
        Err(match read_json::<ApiErrorBody>(&response).await {
            Some(body) => ApiFailure {
                status,
                code: body.error.code.into(),
                message: body.error.message.into(),
                fields: body.error.fields.unwrap_or_default(),
                field_codes: body.error.field_codes.unwrap_or_default(),
                permission: body.error.permission,
                retry_after_seconds: body.error.retry_after_seconds,
                request_id: request_id(&response),
            },
            None => ApiFailure::client(status, UNEXPECTED_RESPONSE).of_response(&response),
        })
    }

    /// Sends and reads a JSON answer.
    async fn fetch<T: DeserializeOwned>(self) -> ApiResult<T> {
        let response = self.send().await?;
        read_json(&response).await.ok_or_else(|| {
            ApiFailure::client(response.status(), UNEXPECTED_RESPONSE).of_response(&response)
        })
    }

    /// Sends and ignores the answer's body (e.g. 204).
    async fn run(self) -> ApiResult<()> {
        self.send().await.map(|_| ())
    }
}

/// No answer at all: the network, or the browser refusing the request.
fn offline(_: JsValue) -> ApiFailure {
    ApiFailure::client(0, NETWORK_ERROR)
}

/// The browser's `fetch`: the response, whatever its status, or a network failure.
async fn fetch(url: &str, init: &RequestInit) -> ApiResult<Response> {
    let window = web_sys::window().ok_or(ApiFailure::client(0, NETWORK_ERROR))?;
    response(window.fetch_with_str_and_init(url, init)).await
}

/// The response a `fetch` promise settles with.
async fn response(fetching: js_sys::Promise) -> ApiResult<Response> {
    let response = JsFuture::from(fetching).await.map_err(offline)?;
    response.dyn_into::<Response>().map_err(offline)
}

/// The body read as JSON of type `T`; `None` when it cannot be read or is not such JSON.
async fn read_json<T: DeserializeOwned>(response: &Response) -> Option<T> {
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    serde_json::from_str(&text).ok()
}

// -- endpoints --

/// A JSON file of the app's own build (not the API), e.g. its Chinese texts.
// Natively (tests) the Chinese texts are built in, so nothing else asks for a file.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub async fn app_file<T: DeserializeOwned>(url: &str) -> ApiResult<T> {
    let response = fetch(url, &RequestInit::new()).await?;
    let status = response.status();
    if !response.ok() {
        return Err(ApiFailure::client(status, UNEXPECTED_RESPONSE));
    }
    read_json(&response)
        .await
        .ok_or(ApiFailure::client(status, UNEXPECTED_RESPONSE))
}

/// Email and password: signed in, or — with two-step sign-in — waiting for the code.
pub async fn sign_in(request: SignInRequest) -> ApiResult<SignInAnswer> {
    Call::post("/sessions").json(&request).fetch().await
}

/// The first step of a sign-in: where the address signs in. The provider's page when its
/// domain has single sign-on, otherwise `None` (the password is asked for). Only the address
/// (and where to go afterwards) is sent, never a password.
pub async fn start_sso(email: String, next: Option<String>) -> ApiResult<Option<String>> {
    Call::post("/sessions/sso")
        .json(&SsoStart { email, next })
        .fetch::<SsoRedirect>()
        .await
        .map(|r| r.redirect_url)
}

/// Whether customers' users can sign in with Microsoft here.
pub async fn customer_sso_available() -> ApiResult<bool> {
    Call::get("/sessions/sso/customers")
        .fetch::<CustomerSignIn>()
        .await
        .map(|r| r.available)
}

/// "Sign in with Microsoft" for a customer's user: the provider's page to go to.
pub async fn start_customer_sso(next: Option<String>) -> ApiResult<Option<String>> {
    Call::post("/sessions/sso/customers")
        .json(&CustomerSsoStart { next })
        .fetch::<SsoRedirect>()
        .await
        .map(|r| r.redirect_url)
}

/// The organisation's identity provider (Global admins); `None` when none is set up.
pub async fn identity_provider() -> ApiResult<Option<IdentityProvider>> {
    match Call::get("/identity-provider").fetch().await {
        Err(failure) if failure.is_not_found() => Ok(None),
        answer => answer.map(Some),
    }
}

/// Sets up or changes single sign-on; a secret left out keeps the stored one.
pub async fn set_identity_provider(
    request: IdentityProviderRequest,
) -> ApiResult<IdentityProvider> {
    Call::new("PUT", "/identity-provider")
        .json(&request)
        .fetch()
        .await
}

/// Removes single sign-on: the organisation's people sign in with passwords again.
pub async fn remove_identity_provider() -> ApiResult<()> {
    Call::delete("/identity-provider").run().await
}

/// The redirect URI of single sign-on as the server builds it (where people reach the product,
/// `PUBLIC_URL`, is this page's origin): shown before a provider is set up, when the server
/// has not named it yet.
pub fn sso_callback_url() -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{BASE}/sso/callback")
}

/// The second step of a sign-in: an authenticator code or a recovery code.
pub async fn second_step(code: String, remember_days: Option<u32>) -> ApiResult<User> {
    Call::post("/session/totp")
        .json(&SecondStep {
            code,
            remember_days,
        })
        .fetch::<SessionResponse>()
        .await
        .map(|s| s.user)
}

/// The partner's latest changes of users (the roles that read the activity log).
pub async fn user_changes() -> ApiResult<UserChangeList> {
    Call::get("/user-changes").fetch().await
}

/// The users of the signed-in customer user's tenant.
pub async fn tenant_users() -> ApiResult<UserList> {
    Call::get("/tenant/users").fetch().await
}

/// A customer's admin invites another user of the tenant; the answer carries the link.
pub async fn invite_tenant_user(user: NewTenantUser) -> ApiResult<UserInvited> {
    Call::post("/tenant/users").json(&user).fetch().await
}

/// The partner's own two-step rule.
pub async fn two_step_policy() -> ApiResult<TwoStepPolicy> {
    Call::get("/organization/two-step").fetch().await
}

/// Changes the partner's two-step rule (Global admins).
pub async fn set_two_step_policy(policy: TwoStepPolicy) -> ApiResult<TwoStepPolicy> {
    Call::new("PUT", "/organization/two-step")
        .json(&policy)
        .fetch()
        .await
}

/// Where the signed-in user is signed in.
pub async fn sessions() -> ApiResult<SessionList> {
    Call::get("/sessions").fetch().await
}

/// Ends one of the user's other sessions.
pub async fn end_session(id: String) -> ApiResult<()> {
    Call::delete(format!("/sessions/{id}")).run().await
}

/// Ends every session of the user but this one.
pub async fn end_other_sessions() -> ApiResult<()> {
    Call::delete("/sessions").run().await
}

/// Starts setting up two-step sign-in: a new secret and its QR code.
pub async fn start_two_step() -> ApiResult<Enrolment> {
    Call::post("/profile/two-step").fetch().await
}

/// Turns two-step sign-in on with a code of the new secret; the recovery codes, shown once.
pub async fn confirm_two_step(code: String) -> ApiResult<RecoveryCodes> {
    Call::post("/profile/two-step/confirm")
        .json(&CodeEntry { code })
        .fetch()
        .await
}

/// Switches two-step sign-in off; the password is required.
pub async fn disable_two_step(password: String) -> ApiResult<()> {
    Call::post("/profile/two-step/disable")
        .json(&TwoStepDisable { password })
        .run()
        .await
}

/// Who is signed in. The first check takes the answer the loader in index.html asked for
/// while the code downloaded (in a browser that was signed in before: `state.rs`'s mark), so
/// a new tab does not wait a round trip after the code to know which page to show.
pub async fn current_session() -> ApiResult<User> {
    let mut call = Call::get("/session");
    call.early = early_session();
    call.fetch::<SessionResponse>().await.map(|s| s.user)
}

/// The loader's `window.cspSession` (a `fetch` promise), taken once.
fn early_session() -> Option<js_sys::Promise> {
    let window: JsValue = web_sys::window()?.into();
    let key = JsValue::from_str("cspSession");
    let answer = js_sys::Reflect::get(&window, &key).ok()?.dyn_into().ok()?;
    js_sys::Reflect::delete_property(&window.into(), &key).ok()?;
    Some(answer)
}

/// Signs out; a session signed in at the organisation's identity provider answers the
/// provider's end-session page, to go on to.
pub async fn sign_out() -> ApiResult<Option<String>> {
    let response = Call::delete("/session").send().await?;
    if response.status() != 200 {
        return Ok(None);
    }
    Ok(read_json::<SignedOut>(&response)
        .await
        .map(|s| s.end_session_url))
}

/// A page of the customers; `deadline` (`window_closing`, `renewing` or empty) keeps those with
/// a deadline near.
pub async fn customers(q: String, page: u32, deadline: String) -> ApiResult<Page<Customer>> {
    Call::get("/customers")
        .query("page", page)
        .query("q", q.trim())
        .query("deadline", deadline)
        .fetch()
        .await
}

pub async fn customer(id: CustomerId) -> ApiResult<Customer> {
    Call::get(format!("/customers/{id}")).fetch().await
}

/// The customer with its company's details: address, tax ID, agreement, their changes.
pub async fn customer_details(id: CustomerId) -> ApiResult<CustomerDetails> {
    Call::get(format!("/customers/{id}")).fetch().await
}

/// Adds a customer and invites its first admin; the same key for a retry of the same draft
/// can never add it twice.
pub async fn add_customer(
    request: NewCustomerRequest,
    key: IdempotencyKey,
) -> ApiResult<CustomerCreated> {
    Call::post("/customers")
        .header("Idempotency-Key", key.as_str())
        .json(&request)
        .fetch()
        .await
}

/// Whether a primary domain (`contoso` or `contoso.onmicrosoft.com`) is still free.
pub async fn domain_availability(domain: String) -> ApiResult<DomainAvailability> {
    Call::get("/domain-availability")
        .query("domain", domain)
        .fetch()
        .await
}

/// Changes the company's name, address or tax ID; the answer is the customer as it is now.
pub async fn edit_customer(id: CustomerId, edit: CustomerEdit) -> ApiResult<CustomerDetails> {
    Call::new("PATCH", format!("/customers/{id}"))
        .json(&edit)
        .fetch()
        .await
}

pub async fn offers(customer: CustomerId) -> ApiResult<OfferList> {
    Call::get(format!("/customers/{customer}/offers"))
        .fetch()
        .await
}

/// Places an order; the same key for a retry of the same draft can never charge twice.
pub async fn place_order(
    customer: CustomerId,
    request: OrderRequest,
    key: IdempotencyKey,
) -> ApiResult<Order> {
    Call::post(format!("/customers/{customer}/orders"))
        .header("Idempotency-Key", key.as_str())
        .json(&request)
        .fetch()
        .await
}

pub async fn orders(customer: CustomerId, page: u32) -> ApiResult<Page<Order>> {
    Call::get(format!("/customers/{customer}/orders"))
        .query("page", page)
        .fetch()
        .await
}

/// Up to 100 of the customer's orders, newest first (the cancel dialog's choice).
pub async fn recent_orders(customer: CustomerId) -> ApiResult<Page<Order>> {
    Call::get(format!("/customers/{customer}/orders"))
        .query("page_size", 100)
        .fetch()
        .await
}

/// Cancels an order (the Important message was confirmed).
pub async fn cancel_order(customer: CustomerId, order: OrderId) -> ApiResult<Cancellation> {
    Call::post(format!("/customers/{customer}/orders/{order}/cancellation"))
        .json(&CancelRequest { confirm: true })
        .fetch()
        .await
}

pub async fn order(customer: CustomerId, order: OrderId) -> ApiResult<Order> {
    Call::get(format!("/customers/{customer}/orders/{order}"))
        .fetch()
        .await
}

/// A month's invoice; only one customer's share when `customer` is given.
pub async fn invoice(month: InvoiceMonth, customer: Option<CustomerId>) -> ApiResult<Invoice> {
    Call::get(format!("/invoices/{month}"))
        .query(
            "customer_id",
            customer.map(|c| c.to_string()).unwrap_or_default(),
        )
        .fetch()
        .await
}

/// The reconciliation file of a month's invoice (CSV), for a plain download link.
pub fn invoice_csv_url(month: &str, customer: Option<&CustomerId>) -> String {
    let mut url = format!("{BASE}/invoices/{}?format=csv", encode(month));
    if let Some(customer) = customer {
        url.push_str(&format!("&customer_id={customer}"));
    }
    url
}

pub async fn billing_profile() -> ApiResult<BillingProfile> {
    Call::get("/billing-profile").fetch().await
}

/// A Global admin changes the billing address, the invoices' address or the payment method.
pub async fn change_billing_details(change: BillingProfileChange) -> ApiResult<BillingProfile> {
    Call::new("PATCH", "/billing-profile")
        .json(&change)
        .fetch()
        .await
}

/// A Global admin sets the self-service refund limit.
pub async fn set_refund_limit(limit: String) -> ApiResult<BillingProfile> {
    Call::new("PATCH", "/billing-profile")
        .json(&BillingProfileChange {
            refund_limit: Some(limit),
            ..BillingProfileChange::default()
        })
        .fetch()
        .await
}

pub async fn software(
    customer: CustomerId,
    q: String,
    page: u32,
) -> ApiResult<Page<SoftwarePurchase>> {
    Call::get(format!("/customers/{customer}/software"))
        .query("page", page)
        .query("q", q.trim())
        .fetch()
        .await
}

/// Turns a subscription's renewal at its term end on or off.
pub async fn set_auto_renew(
    customer: CustomerId,
    purchase: PurchaseId,
    auto_renew: bool,
) -> ApiResult<SoftwarePurchase> {
    Call::new(
        "PATCH",
        format!("/customers/{customer}/software/{purchase}"),
    )
    .json(&PurchaseChange { auto_renew })
    .fetch()
    .await
}

pub async fn deep_link(customer: CustomerId) -> ApiResult<DeepLink> {
    Call::get(format!("/customers/{customer}/deep-link"))
        .fetch()
        .await
}

pub async fn tenant_software() -> ApiResult<TenantSoftwareList> {
    Call::get("/tenant/software").fetch().await
}

/// Shows a purchase's product keys (the server records who saw them).
pub async fn reveal_keys(purchase: PurchaseId) -> ApiResult<KeyReveal> {
    Call::post(format!("/tenant/software/{purchase}/key-reveals"))
        .fetch()
        .await
}

/// The address of a download, for a plain link (the browser sends the session cookie).
pub fn download_url(purchase: &PurchaseId, file: &FileId) -> String {
    format!("{BASE}/tenant/software/{purchase}/downloads/{file}")
}

pub async fn tenant() -> ApiResult<Customer> {
    Call::get("/tenant").fetch().await
}

pub async fn activity_log(from: String, to: String, page: u32) -> ApiResult<ActivityLogPage> {
    Call::get("/activity-log")
        .query("from", from)
        .query("to", to)
        .query("page", page)
        .fetch()
        .await
}

/// The CSV export of the same range, for a plain download link.
pub fn activity_log_csv_url(from: &str, to: &str) -> String {
    format!(
        "{BASE}/activity-log?from={}&to={}&format=csv",
        encode(from),
        encode(to)
    )
}

/// What the audit trail is narrowed to, as the page's URL holds it (empty: not narrowed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub from: String,
    pub to: String,
    pub actor: String,
    pub action: String,
}

impl AuditFilter {
    fn pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("actor", &self.actor),
            ("action", &self.action),
        ]
    }
}

/// One page of the audit trail, newest first; `cursor`: the previous page's `next_cursor`.
pub async fn audit_log(filter: AuditFilter, cursor: Option<String>) -> ApiResult<AuditLogPage> {
    keyset_page("/audit-log", &filter.pairs(), cursor, 100)
        .fetch()
        .await
}

/// The CSV export of the whole trail as filtered, for a plain download link.
pub fn audit_log_csv_url(filter: &AuditFilter) -> String {
    csv_url("/audit-log", &filter.pairs())
}

/// What the orders list is narrowed to, as the page's URL holds it (empty: not narrowed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrdersFilter {
    pub from: String,
    pub to: String,
    pub status: String,
    pub kind: String,
}

impl OrdersFilter {
    pub fn pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("status", &self.status),
            ("kind", &self.kind),
        ]
    }
}

/// One page of every order across the customers, newest first.
pub async fn all_orders(filter: OrdersFilter, cursor: Option<String>) -> ApiResult<OrderListPage> {
    keyset_page("/orders", &filter.pairs(), cursor, 50)
        .fetch()
        .await
}

/// The CSV export of every order as filtered, for a plain download link.
pub fn orders_csv_url(filter: &OrdersFilter) -> String {
    csv_url("/orders", &filter.pairs())
}

/// A list read in keyset pages: its filters (empty ones left out), the page after `cursor`.
fn keyset_page(
    path: &'static str,
    filters: &[(&'static str, &str)],
    cursor: Option<String>,
    size: u32,
) -> Call {
    let mut call = Call::get(path).query("page_size", size);
    for (name, value) in filters {
        call = call.query(name, value);
    }
    if let Some(cursor) = cursor {
        call = call.query("cursor", cursor);
    }
    call
}

/// A list's CSV export as filtered (empty filters left out), for a plain download link.
fn csv_url(path: &'static str, filters: &[(&'static str, &str)]) -> String {
    let mut url = format!("{BASE}{path}?format=csv");
    for (name, value) in filters {
        if !value.is_empty() {
            url.push_str(&format!("&{name}={}", encode(value)));
        }
    }
    url
}

/// The filters of the support request list, as the page's URL holds them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SupportFilter {
    pub status: String,
    pub problem_type: String,
    pub q: String,
    /// `oldest`, `newest`, or empty for the server's default.
    pub sort: String,
    pub page: u32,
}

pub async fn support_requests(filter: SupportFilter) -> ApiResult<SupportRequestList> {
    Call::get("/support-requests")
        .query("status", filter.status)
        .query("problem_type", filter.problem_type)
        .query("q", filter.q.trim())
        .query("sort", filter.sort)
        .query("page", filter.page)
        .fetch()
        .await
}

pub async fn support_request(id: SupportRequestId) -> ApiResult<SupportRequest> {
    Call::get(format!("/support-requests/{id}")).fetch().await
}

/// Files a request: its fields and files as `multipart/form-data`, once per draft's `key`.
pub async fn file_support_request(
    form: SupportForm,
    files: Vec<web_sys::File>,
    key: String,
) -> ApiResult<SupportRequest> {
    let fields = [
        ("problem_type", &form.problem_type),
        ("impact", &form.impact),
        ("title", &form.title),
        ("customer", &form.customer),
        ("order_id", &form.order_id),
        ("refund_reason", &form.refund_reason),
        ("amount_requested", &form.amount_requested),
        ("contact_name", &form.contact_name),
        ("contact_email", &form.contact_email),
        ("contact_phone", &form.contact_phone),
    ];
    Call::post("/support-requests")
        .header("Idempotency-Key", key)
        .form(&fields, &files)?
        .fetch()
        .await
}

/// Adds a comment and/or files to an open request.
pub async fn comment_support_request(
    id: SupportRequestId,
    comment: String,
    files: Vec<web_sys::File>,
) -> ApiResult<SupportRequest> {
    Call::post(format!("/support-requests/{id}/comments"))
        .form(&[("comment", &comment)], &files)?
        .fetch()
        .await
}

/// A support agent's status change.
pub async fn change_support_status(
    id: SupportRequestId,
    change: SupportStatusChange,
) -> ApiResult<SupportRequest> {
    Call::new("PATCH", format!("/support-requests/{id}"))
        .json(&change)
        .fetch()
        .await
}

/// The address of a request's file, for a plain download link.
pub fn attachment_url(request: &SupportRequestId, attachment: &AttachmentId) -> String {
    format!("{BASE}/support-requests/{request}/attachments/{attachment}")
}

/// The partner's webhook endpoints (Global admins).
pub async fn webhooks() -> ApiResult<WebhookList> {
    Call::get("/webhooks").fetch().await
}

/// Registers an endpoint; the answer carries its signing secret, shown this once.
pub async fn create_webhook(webhook: NewWebhook) -> ApiResult<WebhookWithSecret> {
    Call::post("/webhooks").json(&webhook).fetch().await
}

/// Switches an endpoint on or off, or changes its event types.
pub async fn change_webhook(id: WebhookId, change: WebhookChange) -> ApiResult<Webhook> {
    Call::new("PATCH", format!("/webhooks/{id}"))
        .json(&change)
        .fetch()
        .await
}

pub async fn delete_webhook(id: WebhookId) -> ApiResult<()> {
    Call::delete(format!("/webhooks/{id}")).run().await
}

/// Sends a `webhook.test` event to the endpoint (it appears in its delivery log).
pub async fn send_test_event(id: WebhookId) -> ApiResult<TestEventSent> {
    Call::post(format!("/webhooks/{id}/test")).fetch().await
}

/// A new signing secret, shown this once; the old one keeps signing for a while.
pub async fn rotate_webhook_secret(id: WebhookId) -> ApiResult<WebhookWithSecret> {
    Call::post(format!("/webhooks/{id}/rotate-secret"))
        .fetch()
        .await
}

/// The endpoint's latest deliveries, newest first.
pub async fn webhook_deliveries(id: WebhookId) -> ApiResult<WebhookDeliveryList> {
    Call::get(format!("/webhooks/{id}/deliveries"))
        .fetch()
        .await
}

/// The signed-in user's language for mails and the mails they get.
pub async fn profile() -> ApiResult<Profile> {
    Call::get("/profile").fetch().await
}

pub async fn change_profile(change: ProfileChange) -> ApiResult<Profile> {
    Call::new("PATCH", "/profile").json(&change).fetch().await
}

/// Changes the signed-in user's password; their other sessions end.
pub async fn change_password(change: PasswordChange) -> ApiResult<()> {
    Call::post("/session/password").json(&change).run().await
}

/// The partner's users (Global admins and Account admins).
pub async fn users() -> ApiResult<UserList> {
    Call::get("/users").fetch().await
}

/// Invites a colleague; the answer carries the one-time link to set a password, shown once.
pub async fn invite_user(user: NewUserRequest) -> ApiResult<UserInvited> {
    Call::post("/users").json(&user).fetch().await
}

/// New roles for a user, or (de)activation; the answer is every user after the change.
pub async fn change_user(id: UserId, change: UserChange) -> ApiResult<UserList> {
    Call::new("PATCH", format!("/users/{id}"))
        .json(&change)
        .fetch()
        .await
}

/// Sets the first password from an invitation link; signed in afterwards.
pub async fn accept_invitation(accept: AcceptToken) -> ApiResult<User> {
    Call::post("/invitations/accept")
        .json(&accept)
        .fetch::<SessionResponse>()
        .await
        .map(|s| s.user)
}

/// "Forgot your password?": the server answers the same whether the address has an account.
pub async fn request_password_reset(request: PasswordResetRequest) -> ApiResult<()> {
    Call::post("/password-resets").json(&request).run().await
}

/// Sets a new password from a reset link; signed in afterwards.
pub async fn accept_password_reset(accept: AcceptToken) -> ApiResult<SignInAnswer> {
    Call::post("/password-resets/accept")
        .json(&accept)
        .fetch()
        .await
}
