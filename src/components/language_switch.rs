//! Picks the interface language; each language is listed under its own name. For a signed-in
//! user the choice is also the language of their mails: the profile is told in the background.

use csp_domain::notification::ProfileChange;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::i18n::{tr, use_i18n, Locale, Msg};
use crate::state::use_session;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Once the new language is showing (Chinese may fail to arrive, then nothing changed):
    // mails follow it. A failure is ignored — the profile page can set it again.
    Effect::new(move |previous: Option<Locale>| {
        let locale = i18n.locale.get();
        let changed = previous.is_some_and(|p| p != locale);
        if changed && session.user.with_untracked(Option::is_some) {
            spawn_local(async move {
                let change = ProfileChange {
                    language: Some(locale.tag().to_string()),
                    ..ProfileChange::default()
                };
                let _ = api::change_profile(change).await;
            });
        }
        locale
    });
    let on_change = move |ev| {
        if let Some(locale) = Locale::from_tag(&event_target_value(&ev)) {
            i18n.choose(locale);
        }
    };
    view! {
        <label class="language">
            <span class="visually-hidden">{tr(Msg::Language)}</span>
            <svg class="language__icon" viewBox="0 0 20 20" aria-hidden="true">
                <circle cx="10" cy="10" r="7.5" fill="none" stroke="currentColor" stroke-width="1.3"/>
                <path d="M2.5 10h15M10 2.5c2.2 2.3 2.2 12.7 0 15M10 2.5c-2.2 2.3-2.2 12.7 0 15" fill="none" stroke="currentColor" stroke-width="1.3"/>
            </svg>
            <select on:change=on_change>
                {Locale::ALL
                    .into_iter()
                    .map(|l| view! {
                        <option value=l.tag() lang=l.tag() prop:selected=move || i18n.locale.get() == l>
                            {l.native_name()}
                        </option>
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
