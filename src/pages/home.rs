//! `/`: sends each user to where their kind of user works.

use crate::router::NavigateOptions;
use crate::router::Redirect;
use leptos::prelude::*;

use crate::components::states::LoadingState;
use crate::routes::Route;
use crate::state::use_session;

/// Redirects by kind of user: partner → customers, customer → tenant, support → support.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let target = Memo::new(
        move |_| match session.user.with(|u| u.as_ref().map(|u| u.kind)) {
            Some(kind) => Some(Route::home_for(kind).to_path()),
            None if session.ready.get() => Some(Route::SignIn.to_path()),
            None => None,
        },
    );
    move || {
        match target.get() {
        Some(path) => {
            view! { <Redirect path=path options=NavigateOptions { replace: true, ..Default::default() }/> }.into_any()
        }
        None => view! { <div class="page-loading"><LoadingState/></div> }.into_any(),
    }
    }
}
