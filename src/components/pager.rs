//! Previous/next paging with "Page 2 of 4" (or "Page 2 of 40+") in between.

use leptos::prelude::*;

use crate::i18n::{tr, use_i18n, Msg};

#[component]
pub fn Pager(
    #[prop(into)] page: Signal<u32>,
    #[prop(into)] page_count: Signal<u32>,
    on_page: Callback<u32>,
    /// There are more items than the pages reach (a search counted to its cap).
    #[prop(optional)]
    more: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let at_start = move || page.get() <= 1;
    let at_end = move || page.get() >= page_count.get();
    view! {
        <div class="pager" role="group" aria-label=tr(Msg::Pagination)>
            <button
                type="button"
                class="button button--subtle"
                disabled=at_start
                on:click=move |_| on_page.run(page.get_untracked().saturating_sub(1).max(1))
            >
                <span aria-hidden="true" class="pager__arrow">"‹"</span>
                {tr(Msg::PreviousPage)}
            </button>
            <span class="pager__position">
                {move || i18n.f(
                    if more { Msg::PageOfMore } else { Msg::PageOf },
                    &[("page", &page.get()), ("pages", &page_count.get())],
                )}
            </span>
            <button
                type="button"
                class="button button--subtle"
                disabled=at_end
                on:click=move |_| on_page.run(page.get_untracked() + 1)
            >
                {tr(Msg::NextPage)}
                <span aria-hidden="true" class="pager__arrow">"›"</span>
            </button>
        </div>
    }
}
