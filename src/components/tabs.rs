//! A tab list whose tabs are links: the active tab lives in the URL, so it survives a reload
//! and can be shared. Follows the WAI-ARIA tabs pattern: one tab in the Tab order, arrow
//! keys (and Home/End) move between tabs.

use crate::router::use_navigate;
use leptos::prelude::*;

use crate::components::focus::focus_by_id;
use crate::i18n::{tr, Msg};

#[derive(Clone)]
pub struct TabLink {
    pub label: Msg,
    pub href: String,
    /// Element id of the tab, for the panel's `aria-labelledby`.
    pub id: &'static str,
}

#[component]
pub fn Tabs(
    label: Msg,
    tabs: Vec<TabLink>,
    #[prop(into)] selected: Signal<usize>,
    /// Element id of the panel the tabs control.
    panel_id: &'static str,
) -> impl IntoView {
    let navigate = use_navigate();
    let count = tabs.len();
    let targets = StoredValue::new(
        tabs.iter()
            .map(|t| (t.href.clone(), t.id))
            .collect::<Vec<_>>(),
    );

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let current = selected.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" => (current + 1) % count,
            "ArrowLeft" => (current + count - 1) % count,
            "Home" => 0,
            "End" => count - 1,
            _ => return,
        };
        ev.prevent_default();
        let (href, id) = targets.with_value(|t| t[next].clone());
        navigate(&href, Default::default());
        focus_by_id(id);
    };

    view! {
        <div class="tabs" role="tablist" aria-label=tr(label) on:keydown=on_keydown>
            {tabs
                .into_iter()
                .enumerate()
                .map(|(i, tab)| {
                    let is_selected = move || selected.get() == i;
                    view! {
                        <a
                            class="tabs__tab"
                            role="tab"
                            id=tab.id
                            href=tab.href
                            aria-controls=panel_id
                            aria-selected=move || is_selected().to_string()
                            tabindex=move || if is_selected() { "0" } else { "-1" }
                        >
                            {tr(tab.label)}
                        </a>
                    }
                })
                .collect_view()}
        </div>
    }
}
