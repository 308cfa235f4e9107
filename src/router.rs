//! Moving around without reloading: the address as a signal, moves through the History API,
//! and links that move in place. The app has one page switch that parses the address itself
//! (`routes::Route`), so this is all the routing it needs — a few dozen lines where a routing
//! library took about 40 KB of the main module.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The address the app shows, kept in step with the browser's.
#[derive(Clone, Copy)]
pub struct Location {
    url: RwSignal<Url>,
    /// The path, `/customers/…`.
    pub pathname: Memo<String>,
    /// The query without its `?`.
    pub search: Memo<String>,
}

#[derive(Clone, Debug, PartialEq, Default)]
struct Url {
    path: String,
    search: String,
}

impl Url {
    fn current() -> Url {
        let location = window().location();
        let search = location.search().unwrap_or_default();
        Url {
            path: location.pathname().unwrap_or_else(|_| "/".into()),
            search: search.trim_start_matches('?').to_string(),
        }
    }
}

/// How to move: replace the current history entry instead of adding one; scroll to the top.
#[derive(Clone, Copy, Debug)]
pub struct NavigateOptions {
    pub replace: bool,
    pub scroll: bool,
}

impl Default for NavigateOptions {
    fn default() -> Self {
        NavigateOptions {
            replace: false,
            scroll: true,
        }
    }
}

impl Location {
    fn go(self, to: &str, options: NavigateOptions) {
        let window = window();
        // Only the app's own paths: anything else (another site, `//host`, `/\host`) is a
        // mistake, never followed; the home page instead.
        let to = if to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\") {
            to
        } else {
            "/"
        };
        let without_hash = to.split('#').next().unwrap_or_default();
        let (path, search) = without_hash.split_once('?').unwrap_or((without_hash, ""));
        let next = Url {
            path: path.to_string(),
            search: search.to_string(),
        };
        let same = self.url.with_untracked(|url| *url == next);
        if let Ok(history) = window.history() {
            let _ = if options.replace || same {
                history.replace_state_with_url(&JsValue::NULL, "", Some(to))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(to))
            };
        }
        self.url.set(next);
        if options.scroll {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
    }
}

/// Provides the address to the app and keeps it in step with the browser: Back and Forward,
/// and clicks on links to the app's own pages, which move in place instead of reloading.
#[component]
pub fn Router(children: Children) -> impl IntoView {
    let url = RwSignal::new(Url::current());
    let location = Location {
        url,
        pathname: Memo::new(move |_| url.with(|u| u.path.clone())),
        search: Memo::new(move |_| url.with(|u| u.search.clone())),
    };
    provide_context(location);

    let window = window();
    let on_pop = Closure::<dyn Fn()>::new(move || url.set(Url::current()));
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if let Some(to) = in_app_link(&ev) {
            ev.prevent_default();
            location.go(&to, NavigateOptions::default());
        }
    });
    let _ = window.add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    // The app lives as long as the page; the listeners do too.
    on_pop.forget();
    on_click.forget();

    children()
}

/// The address a click on a link should move to in place, if it is a plain click on a link to
/// one of the app's pages (not a download, another window, another site or the API) that
/// nothing else has handled (the buying wizard's leave question
/// handles clicks first, on `document`).
fn in_app_link(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.ctrl_key()
        || ev.meta_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let anchor = ev
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    let target = anchor.target();
    if anchor.has_attribute("download")
        || !(target.is_empty() || target == "_self")
        || anchor.rel().split_whitespace().any(|r| r == "external")
        || anchor.origin() != window().location().origin().ok()?
        || anchor.pathname().starts_with("/api/")
    {
        return None;
    }
    let (path, search, hash) = (anchor.pathname(), anchor.search(), anchor.hash());
    let here = window().location();
    // A jump within this page: the browser's own.
    if !hash.is_empty() && here.pathname().ok()? == path && here.search().ok()? == search {
        return None;
    }
    Some(format!("{path}{search}{hash}"))
}

pub fn use_location() -> Location {
    expect_context()
}

/// Moves to another address of the app.
pub fn use_navigate() -> impl Fn(&str, NavigateOptions) + Clone + Send + Sync + 'static {
    let location = use_location();
    move |to, options| location.go(to, options)
}

/// The query of the address, decoded.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(search: &str) -> Query {
        Query(
            search
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(key), decode(value))
                })
                .collect(),
        )
    }

    /// Every `key=value`, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}

/// Percent-decoding as in a query (`+` is a space); invalid escapes stay as they are.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: Option<&u8>) -> Option<u8> {
    (*digit? as char).to_digit(16).map(|d| d as u8)
}

pub fn use_query_map() -> Memo<Query> {
    let location = use_location();
    Memo::new(move |_| location.search.with(|s| Query::parse(s)))
}

/// Something a link can point at: an address, or a function that gives the current one.
pub trait ToHref {
    fn to_href(&self) -> String;
}

impl ToHref for String {
    fn to_href(&self) -> String {
        self.clone()
    }
}

impl ToHref for &'static str {
    fn to_href(&self) -> String {
        self.to_string()
    }
}

impl<F: Fn() -> String> ToHref for F {
    fn to_href(&self) -> String {
        self()
    }
}

/// A link to a page of the app; `aria-current="page"` while that page (or, unless `exact`, one
/// below it) is shown, which the navigation's styles show. Breadcrumbs link their parents
/// `exact`: the current page there is the crumb without a link.
#[component]
pub fn A<H>(href: H, #[prop(optional)] exact: bool, children: Children) -> impl IntoView
where
    H: ToHref + Send + Sync + 'static,
{
    let location = use_location();
    let href = StoredValue::new(href);
    let link = move || href.with_value(ToHref::to_href);
    let current = move || {
        let link = link();
        let path = link
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_string();
        location.pathname.with(|here| {
            let below = !exact
                && path != "/"
                && here.starts_with(&format!("{}/", path.trim_end_matches('/')));
            (*here == path || below).then_some("page")
        })
    };
    view! { <a href=link aria-current=current>{children()}</a> }
}

/// Moves to `path` once drawn (after this turn of the event loop, not while drawing).
#[component]
pub fn Redirect(path: String, #[prop(optional)] options: Option<NavigateOptions>) -> impl IntoView {
    let navigate = use_navigate();
    spawn_local(async move { navigate(&path, options.unwrap_or_default()) });
}

#[cfg(test)]
mod tests {
    use super::Query;

    #[test]
    fn the_query_is_decoded() {
        let q = Query::parse(
            "q=Contoso%20Ltd&page=2&next=%2Fcustomers%3Fq%3D%E5%8C%97&plus=a+b&bad=%zz&empty&x=%E5%",
        );
        assert_eq!(q.get("q").as_deref(), Some("Contoso Ltd"));
        assert_eq!(q.get("page").as_deref(), Some("2"));
        assert_eq!(q.get("next").as_deref(), Some("/customers?q=北"));
        assert_eq!(q.get("plus").as_deref(), Some("a b"));
        assert_eq!(q.get("bad").as_deref(), Some("%zz"));
        assert_eq!(q.get("empty").as_deref(), Some(""));
        assert_eq!(q.get("x").as_deref(), Some("\u{FFFD}%"));
        assert_eq!(q.get("missing"), None);
        assert_eq!(Query::parse("").get("q"), None);
    }
}
