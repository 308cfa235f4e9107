//! The one HTTP client of the app: typed calls to `/api/v1` (same origin, cookie session).
//!
//! Every non-2xx answer becomes an [`ApiFailure`] parsed from the server's
//! `{"error": {"code", "message"}}` body, so pages can tell "not found" from "forbidden" from
//! "the network is down" and show the server's own words.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use csp_domain::{
    ActivityLogPage, ApiErrorBody, Customer, Page, SessionResponse, SignInRequest,
    SupportRequestList, User,
};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

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
    pub code: String,
    /// The server's message for people; empty for client codes (the UI words those itself).
    pub message: String,
    /// Per-field messages of a `validation_failed` answer.
    pub fields: BTreeMap<String, String>,
}

impl ApiFailure {
    fn client(status: u16, code: &str) -> Self {
        ApiFailure {
            status,
            code: code.into(),
            message: String::new(),
            fields: BTreeMap::new(),
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }
}

pub type ApiResult<T> = Result<T, ApiFailure>;

thread_local! {
    /// What to do when the session turns out to be gone (set once by the app shell).
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

async fn send(request: Result<Request, gloo_net::Error>) -> ApiResult<Response> {
    let request = request.map_err(|_| ApiFailure::client(0, NETWORK_ERROR))?;
    let response = request
        .send()
        .await
        .map_err(|_| ApiFailure::client(0, NETWORK_ERROR))?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    // The handler only acts while someone is signed in, so a wrong password stays a wrong password.
    if status == 401 {
        notify_unauthorized();
    }
    // Proxies and crashed servers answer with HTML or nothing: fall back to a client code.
    let failure = match response.json::<ApiErrorBody>().await {
        Ok(body) => ApiFailure {
            status,
            code: body.error.code,
            message: body.error.message,
            fields: body.error.fields.unwrap_or_default(),
        },
        Err(_) => ApiFailure::client(status, UNEXPECTED_RESPONSE),
    };
    Err(failure)
}

async fn json<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    let status = response.status();
    response
        .json::<T>()
        .await
        .map_err(|_| ApiFailure::client(status, UNEXPECTED_RESPONSE))
}

fn builder(builder: RequestBuilder) -> RequestBuilder {
    builder.header("Accept", "application/json")
}

/// GET a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str, query: &[(&str, &str)]) -> ApiResult<T> {
    let request = builder(Request::get(&format!("{BASE}{path}")))
        .query(query.iter().copied())
        .build();
    json(send(request).await?).await
}

/// POST a JSON body and read a JSON answer.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    let request = builder(Request::post(&format!("{BASE}{path}"))).json(body);
    json(send(request).await?).await
}

/// DELETE a resource; the answer body (usually none, 204) is ignored.
pub async fn delete(path: &str) -> ApiResult<()> {
    let request = builder(Request::delete(&format!("{BASE}{path}"))).build();
    send(request).await.map(|_| ())
}

// -- endpoints --

pub async fn sign_in(email: String, password: String) -> ApiResult<User> {
    let body = SignInRequest { email, password };
    post::<_, SessionResponse>("/sessions", &body)
        .await
        .map(|s| s.user)
}

pub async fn current_session() -> ApiResult<User> {
    get::<SessionResponse>("/session", &[])
        .await
        .map(|s| s.user)
}

pub async fn sign_out() -> ApiResult<()> {
    delete("/session").await
}

pub async fn customers(q: String, page: u32) -> ApiResult<Page<Customer>> {
    let page = page.to_string();
    let mut query = vec![("page", page.as_str())];
    if !q.trim().is_empty() {
        query.push(("q", q.trim()));
    }
    get("/customers", &query).await
}

pub async fn customer(id: String) -> ApiResult<Customer> {
    get(&format!("/customers/{}", encode(&id)), &[]).await
}

pub async fn tenant() -> ApiResult<Customer> {
    get("/tenant", &[]).await
}

pub async fn activity_log(from: String, to: String) -> ApiResult<ActivityLogPage> {
    get("/activity-log", &[("from", &from), ("to", &to)]).await
}

/// The CSV export of the same range, for a plain download link.
pub fn activity_log_csv_url(from: &str, to: &str) -> String {
    format!(
        "{BASE}/activity-log?from={}&to={}&format=csv",
        encode(from),
        encode(to)
    )
}

pub async fn support_requests() -> ApiResult<SupportRequestList> {
    get("/support-requests", &[]).await
}

/// Percent-encodes one URL component.
pub fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}
