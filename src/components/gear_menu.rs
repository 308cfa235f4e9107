//! The Settings gear: a button that shows a small panel of links. It is a disclosure, not an
//! ARIA menu, so the entries stay ordinary links for keyboards and screen readers alike.
//! Closes on Escape (focus back to the gear), on a click outside, and when a link is chosen.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{tr, Msg};

#[component]
pub fn GearMenu(
    label: Msg,
    /// A question mark instead of the gear: the Help menu.
    #[prop(optional)]
    help: bool,
    children: Children,
) -> impl IntoView {
    let panel_id = if help { "help-panel" } else { "gear-panel" };
    let open = RwSignal::new(false);
    let container = NodeRef::<leptos::html::Div>::new();
    let button = NodeRef::<leptos::html::Button>::new();

    let outside = window_event_listener(leptos::ev::click, move |ev| {
        if !open.get_untracked() {
            return;
        }
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let inside = container
            .get_untracked()
            .is_some_and(|c| c.contains(target.as_ref()));
        if !inside {
            open.set(false);
        }
    });
    on_cleanup(move || outside.remove());

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
    };

    view! {
        <div class="gear" node_ref=container on:keydown=on_keydown>
            <button
                type="button"
                class="gear__button"
                node_ref=button
                aria-label=tr(label)
                title=tr(label)
                aria-expanded=move || open.get().to_string()
                aria-controls=panel_id
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {help.then(|| view! {
                    <svg viewBox="0 0 24 24" aria-hidden="true" class="gear__icon">
                        <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.6"/>
                        <path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5v.7" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>
                        <circle cx="12" cy="17" r="1" fill="currentColor"/>
                    </svg>
                })}
                {(!help).then(|| view! {
                <svg viewBox="0 0 24 24" aria-hidden="true" class="gear__icon">
                    <path
                        fill="currentColor"
                        d="M12 8.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7Zm0 5.5a2 2 0 1 1 0-4 2 2 0 0 1 0 4Zm8.2-3.3-1.7-.3a6.9 6.9 0 0 0-.6-1.5l1-1.4a.8.8 0 0 0-.1-1l-1.3-1.3a.8.8 0 0 0-1-.1l-1.4 1a6.9 6.9 0 0 0-1.5-.6l-.3-1.7a.8.8 0 0 0-.8-.6h-1.8a.8.8 0 0 0-.8.6l-.3 1.7a6.9 6.9 0 0 0-1.5.6l-1.4-1a.8.8 0 0 0-1 .1L4.2 6.4a.8.8 0 0 0-.1 1l1 1.4a6.9 6.9 0 0 0-.6 1.5l-1.7.3a.8.8 0 0 0-.6.8v1.8c0 .4.3.7.6.8l1.7.3c.1.5.3 1 .6 1.5l-1 1.4a.8.8 0 0 0 .1 1l1.3 1.3c.3.3.7.3 1 .1l1.4-1c.5.3 1 .5 1.5.6l.3 1.7c.1.4.4.6.8.6h1.8c.4 0 .7-.3.8-.6l.3-1.7a6.9 6.9 0 0 0 1.5-.6l1.4 1c.3.2.7.2 1-.1l1.3-1.3c.3-.3.3-.7.1-1l-1-1.4c.3-.5.5-1 .6-1.5l1.7-.3c.4-.1.6-.4.6-.8v-1.8a.8.8 0 0 0-.6-.8Zm-.9 2-1.6.3a.8.8 0 0 0-.6.6 5.4 5.4 0 0 1-.8 1.9.8.8 0 0 0 0 .8l.9 1.3-.4.4-1.3-.9a.8.8 0 0 0-.8 0c-.6.4-1.2.6-1.9.8a.8.8 0 0 0-.6.6l-.3 1.6h-.6l-.3-1.6a.8.8 0 0 0-.6-.6 5.4 5.4 0 0 1-1.9-.8.8.8 0 0 0-.8 0l-1.3.9-.4-.4.9-1.3a.8.8 0 0 0 0-.8 5.4 5.4 0 0 1-.8-1.9.8.8 0 0 0-.6-.6l-1.6-.3v-.6l1.6-.3a.8.8 0 0 0 .6-.6c.2-.7.4-1.3.8-1.9a.8.8 0 0 0 0-.8l-.9-1.3.4-.4 1.3.9c.2.2.6.2.8 0 .6-.4 1.2-.6 1.9-.8a.8.8 0 0 0 .6-.6l.3-1.6h.6l.3 1.6c.1.3.3.5.6.6.7.2 1.3.4 1.9.8.2.2.6.2.8 0l1.3-.9.4.4-.9 1.3a.8.8 0 0 0 0 .8c.4.6.6 1.2.8 1.9.1.3.3.5.6.6l1.6.3v.6Z"
                    />
                </svg>
                })}
            </button>
            <div
                id=panel_id
                class="gear__panel"
                hidden=move || !open.get()
                // Choosing an entry navigates; the panel should not linger over the new page.
                on:click=move |ev| {
                    let on_link = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|e| e.closest("a").ok().flatten().is_some());
                    if on_link {
                        open.set(false);
                    }
                }
            >
                {children()}
            </div>
        </div>
    }
}
