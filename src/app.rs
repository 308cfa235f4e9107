//! The app: shared state, and the one place that turns the address into a page. The address is
//! parsed into a [`Route`]; the guard (`routes::gate`) decides from the route and the signed-in
//! user whether the page opens, sends the user to sign in, or to their own start page.

use leptos::prelude::*;

use crate::api;
use crate::components::states::LoadingState;
use crate::i18n::I18n;
use crate::pages::chunks;
use crate::pages::home::HomePage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::sign_in::SignInPage;
use crate::router::{use_location, NavigateOptions, Redirect, Router};
use crate::routes::{self, gate, Gate, Route};
use crate::state::{use_session, Session};
use crate::workspace;

#[component]
pub fn App() -> impl IntoView {
    // -- state --
    provide_context(I18n::start());
    let session = Session::start();
    provide_context(session);

    // -- effects --
    // A 401 on any call means the server no longer knows us: forget the user; the guard then
    // sends them to sign in and back here afterwards.
    api::on_unauthorized(move || session.clear());

    // `Pages` parses the address itself into a typed `Route`: one route table, in `routes.rs`.
    view! {
        <Router>
            <Pages/>
        </Router>
    }
}

/// What the address shows, decided before anything is drawn.
#[derive(Debug, Clone, PartialEq)]
enum Frame {
    /// The session check has not answered yet.
    Checking,
    Redirect(String),
    /// A page without the shell (home, sign-in, the pages of mailed links, not found while
    /// signed out).
    Bare(Option<Route>),
    /// A signed-in page (or not found while signed in) inside the shell.
    Shell,
}

/// Picks the page for the current address and guards it.
#[component]
fn Pages() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let route = Memo::new(move |_| Route::parse(&location.pathname.get()));
    // The page without its sub-state: moving between a customer's tabs keeps the page.
    let page = Memo::new(move |_| route.with(|r| r.as_ref().map(Route::page)));
    let frame = Memo::new(move |_| {
        let kind = session.user.with(|u| u.as_ref().map(|u| u.kind));
        let Some(page) = page.get() else {
            return if kind.is_some() {
                Frame::Shell
            } else {
                Frame::Bare(None)
            };
        };
        match gate(&page, kind, session.ready.get()) {
            Gate::Checking => Frame::Checking,
            Gate::SignIn => {
                // `search` comes without its "?".
                let search = location.search.get_untracked();
                let search = search.trim_start_matches('?');
                let path = location.pathname.get_untracked();
                let wanted = if search.is_empty() {
                    path
                } else {
                    format!("{path}?{search}")
                };
                Frame::Redirect(routes::sign_in_returning_to(&wanted))
            }
            Gate::Elsewhere(home) => Frame::Redirect(home.to_path()),
            Gate::Open if page.is_bare() => Frame::Bare(Some(page)),
            Gate::Open => Frame::Shell,
        }
    });

    move || draw(frame.get(), page, route)
}

/// What a frame shows.
fn draw(frame: Frame, page: Memo<Option<Route>>, route: Memo<Option<Route>>) -> AnyView {
    match frame {
        // A new tab: which page comes first waits for the session's answer.
        Frame::Checking => view! { <div class="page-loading"><LoadingState/></div> }.into_any(),
        Frame::Redirect(path) => {
            view! { <Redirect path=path options=NavigateOptions { replace: true, ..Default::default() }/> }.into_any()
        }
        Frame::Bare(Some(Route::SignIn)) => view! { <SignInPage/> }.into_any(),
        // Setting a password and asking for a reset link come from their own chunk.
        Frame::Bare(Some(page)) => match chunks::load(&page) {
            Some(load) => chunks::show(load, page, route),
            None => view! { <HomePage/> }.into_any(),
        },
        Frame::Bare(None) => view! { <main id="main" class="main"><NotFoundPage/></main> }.into_any(),
        Frame::Shell => workspace::draw(page, route),
    }
}
