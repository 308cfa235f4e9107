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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_app_are_places_to_return_to() {
        assert_eq!(safe_next("/customers?q=contoso").as_deref(), Some("/customers?q=contoso"));
        for hostile in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil.example",
            "evil.example",
            "/sign-in?next=/customers",
            "/api/v1/session",
            "/customers\n",
        ] {
            assert_eq!(safe_next(hostile), None, "{hostile}");
        }
    }

    #[test]
    fn each_kind_of_user_has_its_pages() {
        assert_eq!(allowed_kinds("/customers/abc/orders"), &[UserKind::Partner]);
        assert_eq!(allowed_kinds("/activity-log"), &[UserKind::Partner]);
        assert_eq!(allowed_kinds("/support"), &[UserKind::Partner, UserKind::Support]);
        assert_eq!(allowed_kinds("/tenant"), &[UserKind::Customer]);
        for kind in [UserKind::Partner, UserKind::Customer, UserKind::Support] {
            assert!(allowed_kinds(home_for(kind)).contains(&kind), "{kind:?} may open its home");
        }
    }

    #[test]
    fn the_tab_comes_from_the_path() {
        assert_eq!(CustomerTab::from_path("/customers/abc"), CustomerTab::Software);
        assert_eq!(CustomerTab::from_path("/customers/abc/orders/"), CustomerTab::Orders);
        assert_eq!(CustomerTab::from_path("/customers/abc/invoices"), CustomerTab::Invoices);
    }
}
