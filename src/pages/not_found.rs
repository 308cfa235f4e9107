//! Any path the app does not know.

use crate::router::A;
use leptos::prelude::*;

use crate::components::page_header::use_document_title;
use crate::i18n::{tr, use_i18n, Msg};
use crate::routes::Route;

/// "Page not found", with a way home (which leads each user to their own start page).
/// The route decides the frame (shell or bare), so this is only the message.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    use_document_title(move || i18n.t(Msg::NotFoundHeading).to_string());
    view! {
        <section class="not-found">
            <p class="not-found__code" aria-hidden="true">"404"</p>
            <h1>{tr(Msg::NotFoundHeading)}</h1>
            <p>{tr(Msg::NotFoundBody)}</p>
            <A href=Route::Home.to_path() attr:class="button button--primary">{tr(Msg::GoHome)}</A>
        </section>
    }
}
