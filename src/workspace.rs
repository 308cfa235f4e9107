//! What a signed-in user works in: the shell (banner, navigation, sign-out) around the page of
//! the address. It is part of the main module with the customer list: a separate chunk made
//! the signed-in start slower (13 more modules to compile after the main one) for 20 KB less on
//! the sign-in page. The other pages come from their chunks (`pages::chunks`).

use crate::router::use_navigate;
use crate::router::{NavigateOptions, Redirect};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::shell::AppShell;
use crate::pages::chunks;
use crate::pages::customers::list::CustomersPage;
use crate::pages::not_found::NotFoundPage;
use crate::routes::Route;
use crate::state::use_session;

/// The shell around the page of the address (`page`: the route without its sub-state; `route`:
/// the whole route as it changes).
pub fn draw(page: Memo<Option<Route>>, route: Memo<Option<Route>>) -> AnyView {
    let session = use_session();
    let (sign_out, signing_out) = use_sign_out();
    view! {
        <AppShell user=session.user on_sign_out=sign_out signing_out=signing_out>
            {move || signed_in_page(page.get(), route)}
        </AppShell>
    }
    .into_any()
}

/// The page of a route that lives inside the shell (`None`: not found). The customer list
/// comes with the workspace; the other pages from their own chunk.
fn signed_in_page(page: Option<Route>, route: Memo<Option<Route>>) -> AnyView {
    let Some(page) = page else {
        return view! { <NotFoundPage/> }.into_any();
    };
    // Roles that need two-step sign-in, before it is on: only the profile, where it is set up.
    // Read when the page changes (not tracked: turning it on must not redraw the profile).
    let setup_first = use_session()
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.two_step_setup_required));
    if setup_first && page != Route::Profile {
        return view! {
            <Redirect path=Route::Profile.to_path() options=NavigateOptions { replace: true, ..Default::default() }/>
        }
        .into_any();
    }
    if let Some(load) = chunks::load(&page) {
        return chunks::show(load, page, route);
    }
    match page {
        Route::Customers => view! { <CustomersPage/> }.into_any(),
        _ => view! { <NotFoundPage/> }.into_any(),
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
            let provider_page = api::sign_out().await.ok().flatten();
            // Leave first, then forget the user, so the guard does not remember this page
            // as the place to come back to. Signed in at the organisation's provider: on to
            // its own sign-out page.
            match provider_page.and_then(|url| Some((web_sys::window()?, url))) {
                Some((window, url)) if window.location().assign(&url).is_ok() => {}
                _ => navigate(&Route::SignIn.to_path(), NavigateOptions::default()),
            }
            session.clear();
            signing_out.try_set(false);
        });
    });
    (sign_out, signing_out)
}
