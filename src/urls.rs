//! Every path of the app in one place, and who may open it: links, routes and guards all ask
//! here instead of repeating string literals.

use csp_domain::UserKind;

use crate::api::encode;

pub const HOME: &str = "/";
pub const SIGN_IN: &str = "/sign-in";
pub const CUSTOMERS: &str = "/customers";
pub const ACTIVITY_LOG: &str = "/activity-log";
pub const SUPPORT: &str = "/support";
pub const TENANT: &str = "/tenant";

/// Where each kind of user starts.
pub fn home_for(kind: UserKind) -> &'static str {
    match kind {
        UserKind::Partner => CUSTOMERS,
        UserKind::Customer => TENANT,
        UserKind::Support => SUPPORT,
    }
}

/// The kinds of user that may open a signed-in page.
pub fn allowed_kinds(path: &str) -> &'static [UserKind] {
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    match first {
        "customers" | "activity-log" => &[UserKind::Partner],
        "support" => &[UserKind::Partner, UserKind::Support],
        "tenant" => &[UserKind::Customer],
        _ => &[UserKind::Partner, UserKind::Customer, UserKind::Support],
    }
}

/// The tabs of a customer's details page; the active one lives in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerTab {
    Software,
    Orders,
    Invoices,
}

impl CustomerTab {
    pub const ALL: [CustomerTab; 3] = [
        CustomerTab::Software,
        CustomerTab::Orders,
        CustomerTab::Invoices,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            CustomerTab::Software => "software",
            CustomerTab::Orders => "orders",
            CustomerTab::Invoices => "invoices",
        }
    }

    /// The tab a details path shows; the bare `/customers/:id` shows Software.
    pub fn from_path(path: &str) -> CustomerTab {
        let last = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        CustomerTab::ALL
            .into_iter()
            .find(|t| t.slug() == last)
            .unwrap_or(CustomerTab::Software)
    }
}

pub fn customer(id: &str) -> String {
    format!("{CUSTOMERS}/{}", encode(id))
}

pub fn customer_tab(id: &str, tab: CustomerTab) -> String {
    format!("{}/{}", customer(id), tab.slug())
}

/// `path?k=v&…`, leaving out empty values so URLs stay short.
pub fn with_query(path: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// The sign-in page, remembering where the user was going.
pub fn sign_in_returning_to(wanted: &str) -> String {
    match safe_next(wanted) {
        Some(next) if next != HOME => with_query(SIGN_IN, &[("next", &next)]),
        _ => SIGN_IN.to_string(),
    }
}

/// Accepts only a path of this app as a place to return to, so a crafted link such as
/// `/sign-in?next=//evil.example` cannot send people elsewhere after they sign in.
pub fn safe_next(next: &str) -> Option<String> {
    let is_local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    let is_app_page = !next.starts_with(SIGN_IN) && !next.starts_with("/api/");
    (is_local && is_app_page && !next.chars().any(char::is_control)).then(|| next.to_string())
}
