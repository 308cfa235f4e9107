//! The frame around a data table: scrolls sideways on narrow screens and, while newer data is
//! on its way, keeps showing the rows it has, marked busy, with a spinner over them.

use leptos::prelude::*;

use crate::components::states::Spinner;
use crate::i18n::{tr, Msg};

#[component]
pub fn TableRegion(
    /// Names the region for assistive technology (e.g. the page's heading text).
    label: Msg,
    #[prop(into)] busy: Signal<bool>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-region" role="region" aria-label=tr(label) aria-busy=move || busy.get().to_string()>
            <div class="table-region__scroll" tabindex="0">{children()}</div>
            <Show when=move || busy.get()>
                <div class="table-region__busy">
                    <Spinner/>
                    <span class="visually-hidden">{tr(Msg::Loading)}</span>
                </div>
            </Show>
        </div>
    }
}
