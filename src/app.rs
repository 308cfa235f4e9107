//! The app: shared state, the route table, and the guard that keeps each page to the users
//! it is for.

use csp_domain::UserKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{path, NavigateOptions};

use crate::api;
use crate::components::shell::AppShell;
use crate::components::states::LoadingState;
use crate::i18n::I18n;
use crate::pages::activity_log::ActivityLogPage;
use crate::pages::customer_details::CustomerDetailsPage;
use crate::pages::customer_tab::{InvoicesTab, OrdersTab, SoftwareTab};
use crate::pages::customers::CustomersPage;
use crate::pages::home::HomePage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::sign_in::SignInPage;
use crate::pages::support::SupportPage;
use crate::pages::tenant::TenantPage;
use crate::state::{use_session, Session};
use crate::urls;

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

    view! {
        <Router>
            <Routes fallback=NotFoundRoute>
                <Route path=path!("/sign-in") view=SignInPage/>
                <Route path=path!("/") view=HomePage/>
                <ParentRoute path=path!("") view=SignedIn>
                    <Route path=path!("/customers") view=CustomersPage/>
                    <ParentRoute path=path!("/customers/:id") view=CustomerDetailsPage>
                        <Route path=path!("") view=SoftwareTab/>
                        <Route path=path!("/software") view=SoftwareTab/>
                        <Route path=path!("/orders") view=OrdersTab/>
                        <Route path=path!("/invoices") view=InvoicesTab/>
                    </ParentRoute>
                    <Route path=path!("/activity-log") view=ActivityLogPage/>
                    <Route path=path!("/support") view=SupportPage/>
                    <Route path=path!("/tenant") view=TenantPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// What the guard decided for the current page.
#[derive(Clone, PartialEq)]
enum Gate {
    /// We do not know yet whether there is a session.
    Checking,
    SignIn,
    /// Signed in, but this page is for another kind of user.
    WrongKind(UserKind),
    Open,
}

/// The layout route of every signed-in page: guards it, then draws the shell around it.
#[component]
fn SignedIn() -> impl IntoView {
    let session = use_session();
    let location = use_location();

    // A memo, so a re-validated (equal) user or a move between allowed pages does not
    // re-create the page.
    let gate = Memo::new(move |_| {
        if !session.ready.get() && session.user.with(Option::is_none) {
            return Gate::Checking;
        }
        let Some(kind) = session.user.with(|u| u.as_ref().map(|u| u.kind)) else {
            return Gate::SignIn;
        };
        if urls::allowed_kinds(&location.pathname.get()).contains(&kind) {
            Gate::Open
        } else {
            Gate::WrongKind(kind)
        }
    });

    let (sign_out, signing_out) = use_sign_out();

    let replace = || NavigateOptions {
        replace: true,
        ..Default::default()
    };
    move || match gate.get() {
        Gate::Checking => view! { <div class="page-loading"><LoadingState/></div> }.into_any(),
        Gate::SignIn => {
            let wanted = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked()
            );
            view! { <Redirect path=urls::sign_in_returning_to(&wanted) options=replace()/> }
                .into_any()
        }
        Gate::WrongKind(kind) => {
            view! { <Redirect path=urls::home_for(kind) options=replace()/> }.into_any()
        }
        Gate::Open => view! {
            <AppShell user=session.user on_sign_out=sign_out signing_out=signing_out>
                <Outlet/>
            </AppShell>
        }
        .into_any(),
    }
}

/// The sign-out action of the shell, and whether it is under way.
fn use_sign_out() -> (Callback<()>, RwSignal<bool>) {
    let session = use_session();
    let navigate = use_navigate();
    let signing_out = RwSignal::new(false);
    let sign_out = Callback::new(move |()| {
        signing_out.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            // Signed out locally even if the server cannot be told: the cookie then expires.
            let _ = api::sign_out().await;
            // Leave first, then forget the user, so the guard does not remember this page
            // as the place to come back to.
            navigate(urls::SIGN_IN, NavigateOptions::default());
            session.clear();
            signing_out.try_set(false);
        });
    });
    (sign_out, signing_out)
}

/// Unknown paths: inside the shell for signed-in users, so they keep their navigation.
#[component]
fn NotFoundRoute() -> impl IntoView {
    let session = use_session();
    let (sign_out, signing_out) = use_sign_out();
    let signed_in = Memo::new(move |_| session.user.with(Option::is_some));
    move || {
        if signed_in.get() {
            view! {
                <AppShell user=session.user on_sign_out=sign_out signing_out=signing_out>
                    <NotFoundPage/>
                </AppShell>
            }
            .into_any()
        } else {
            view! { <main id="main" class="main"><NotFoundPage/></main> }.into_any()
        }
    }
}
