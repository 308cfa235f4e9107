//! The states every data view goes through besides "here is the data" (loading, failed, empty,
//! not for the user's roles), and the busy state of a signed-out form's submit button.

use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::i18n::{tr, use_i18n, Msg};

/// A spinner for screens; its meaning is given by the text next to it.
#[component]
pub fn Spinner() -> impl IntoView {
    view! { <span class="spinner" aria-hidden="true"></span> }
}

/// A whole area that is waiting for its first data. Not a live region: pages announce their
/// own status line, and two status regions would talk over each other.
#[component]
pub fn LoadingState() -> impl IntoView {
    view! {
        <div class="state state--loading" aria-busy="true">
            <Spinner/>
            <span>{tr(Msg::Loading)}</span>
        </div>
    }
}

/// A failed load, announced to screen readers, with a way to try again.
#[component]
pub fn ErrorState(
    failure: ApiFailure,
    /// Offered as "Try again" when given; leave out for failures that asking again cannot fix.
    #[prop(into, default = None)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="state state--error" role="alert">
            <p>{move || i18n.failure(&failure)}</p>
            {on_retry.map(|retry| view! {
                <button type="button" class="button" on:click=move |_| retry.run(())>
                    {tr(Msg::TryAgain)}
                </button>
            })}
        </div>
    }
}

/// Nothing to list, said in words (and what to do about it, when there is something to do).
#[component]
pub fn EmptyState(
    #[prop(into)] title: TextProp,
    #[prop(optional, into)] hint: Option<TextProp>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="state state--empty">
            <svg class="state__icon" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M4 5h16v3H4zM5 9h14v10H5z M9 12h6" fill="none" stroke="currentColor" stroke-width="1.5"/>
            </svg>
            <p class="state__title">{move || title.get()}</p>
            {hint.map(|hint| view! { <p class="state__hint">{move || hint.get()}</p> })}
            {children.map(|children| children())}
        </div>
    }
}

/// The one submit button of a signed-out form (sign-in, passwords): full width, busy with a
/// spinner while `pending`, and what is happening said to screen readers.
#[component]
pub fn BlockSubmit(pending: Signal<bool>, label: Msg, busy: Msg) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button button--primary button--block"
            disabled=move || pending.get()
            aria-busy=move || pending.get().to_string()
        >
            <Show when=move || pending.get()><Spinner/></Show>
            {tr(label)}
        </button>
        <p class="visually-hidden" role="status">
            {move || pending.get().then(tr(busy))}
        </p>
    }
}

/// A page's content for users whose roles grant `permission`; for the others, which roles do
/// (the server refuses them anyway).
#[component]
pub fn NeedsPermission(permission: csp_domain::Permission, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let allowed = crate::state::use_session()
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.can(permission)));
    if allowed {
        children().into_any()
    } else {
        view! {
            <div class="card panel">
                <p class="note">{move || i18n.requires(permission)}</p>
            </div>
        }
        .into_any()
    }
}
