//! A labelled search field that reports what was typed once typing pauses, so a list is not
//! fetched on every keystroke.

use std::time::Duration;

use leptos::prelude::*;

use crate::i18n::{tr, Msg};

#[component]
pub fn SearchBox(
    /// The accessible (and visually hidden) label.
    label: Msg,
    placeholder: Msg,
    /// The search in effect (e.g. from the URL); the field follows it on back/forward.
    #[prop(into)]
    value: Signal<String>,
    on_search: Callback<String>,
    #[prop(default = 300)] debounce_ms: u64,
) -> impl IntoView {
    let text = RwSignal::new(value.get_untracked());
    // Each keystroke cancels the timer of the one before, so only a pause fires a search.
    let pending = StoredValue::new(None::<TimeoutHandle>);

    let cancel_pending = move || {
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        pending.set_value(None);
    };

    Effect::new(move |_| {
        // Compared trimmed: the URL drops the blank the user may just have typed.
        let v = value.get();
        if text.get_untracked().trim() != v.trim() {
            text.set(v);
        }
    });

    let on_input = move |ev| {
        text.set(event_target_value(&ev));
        cancel_pending();
        let handle = set_timeout_with_handle(
            move || {
                pending.set_value(None);
                let current = text.get_untracked();
                if current.trim() != value.get_untracked().trim() {
                    on_search.run(current);
                }
            },
            Duration::from_millis(debounce_ms),
        );
        pending.set_value(handle.ok());
    };

    // Enter searches at once.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        cancel_pending();
        on_search.run(text.get_untracked());
    };

    on_cleanup(cancel_pending);

    view! {
        <form class="search" role="search" on:submit=on_submit>
            <label for="search-box" class="visually-hidden">{tr(label)}</label>
            <svg class="search__icon" viewBox="0 0 20 20" aria-hidden="true">
                <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" stroke-width="1.6"/>
                <path d="M12.6 12.6 17 17" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>
            </svg>
            <input
                id="search-box"
                type="search"
                autocomplete="off"
                spellcheck="false"
                placeholder=tr(placeholder)
                prop:value=move || text.get()
                on:input=on_input
            />
        </form>
    }
}
