//! The heading block of a page. It also names the browser tab after the page, so history,
//! tabs and screen readers announce where the user is.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};

#[component]
pub fn PageHeader(
    #[prop(into)] title: TextProp,
    #[prop(optional, into)] intro: Option<TextProp>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let heading = title.clone();
    use_document_title(move || title.get().to_string());
    view! {
        <div class="page-header">
            <div class="page-header__text">
                <h1>{move || heading.get()}</h1>
                {intro.map(|intro| view! { <p class="page-header__intro">{move || intro.get()}</p> })}
            </div>
            {children.map(|c| view! { <div class="page-header__actions">{c()}</div> })}
        </div>
    }
}

/// Keeps `document.title` at "<page> – CSP Software Center" in the current language.
pub fn use_document_title(page: impl Fn() -> String + 'static) {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let app = i18n.t(Msg::AppName);
        let page = page();
        document().set_title(&if page.is_empty() {
            app.to_string()
        } else {
            format!("{page} – {app}")
        });
    });
}
