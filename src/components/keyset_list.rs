//! A list the server gives in keyset pages (`next_cursor`), newest first: the rows so far in a
//! table, the next page on request, the CSV of the whole selection and the time zone its times
//! are shown in. The page that uses it says how to read the page after a cursor.

use std::future::Future;
use std::hash::Hash;

use leptos::prelude::*;

use crate::api::{ApiFailure, ApiResult};
use crate::components::data_table::{CsvLink, DataTable};
use crate::components::states::EmptyState;
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};

/// A page's rows and its `next_cursor`.
pub type Keyset<T> = (Vec<T>, Option<String>);

#[component]
pub fn KeysetList<T, K, Load, Fut, Row, RowView>(
    /// The first page's rows.
    items: Vec<T>,
    /// The first page's `next_cursor`.
    next_cursor: Option<String>,
    /// Reads the page after a cursor: its rows and its `next_cursor`.
    load: Load,
    /// A row's identity (for keeping rows when more arrive).
    key: fn(&T) -> K,
    /// A row of the table.
    row: Row,
    /// The table's name, and its column headings.
    label: Msg,
    columns: &'static [Msg],
    /// Shown when the selection is empty.
    empty: Msg,
    /// The button that asks for the next page.
    more_label: Msg,
    /// The CSV export of the whole selection.
    csv: String,
    /// Set while the first page is being read again.
    busy: RwSignal<bool>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    K: Eq + Hash + 'static,
    Load: Fn(String) -> Fut + 'static,
    Fut: Future<Output = ApiResult<Keyset<T>>> + 'static,
    Row: Fn(T) -> RowView + Clone + Send + Sync + 'static,
    RowView: IntoView + 'static,
{
    let i18n = use_i18n();
    let rows = RwSignal::new(items);
    let cursor = RwSignal::new(next_cursor);
    let more: Action<String, ApiResult<Keyset<T>>> =
        Action::new_local(move |after: &String| load(after.clone()));
    let failure = RwSignal::new(None::<ApiFailure>);
    Effect::new(move |_| match more.value().get() {
        Some(Ok((page, next))) => {
            rows.update(|r| r.extend(page));
            cursor.set(next);
            failure.set(None);
        }
        Some(Err(f)) => failure.set(Some(f)),
        None => {}
    });
    let zone = format::local_zone();
    let on_more = move |_| {
        if let Some(after) = cursor.get_untracked() {
            if !more.pending().get_untracked() {
                more.dispatch(after);
            }
        }
    };
    view! {
        <div class="list-summary">
            <p class="list-note">{move || i18n.f(Msg::TimesInZone, &[("zone", &zone)])}</p>
            <CsvLink href=csv/>
        </div>
        <TableRegion label=label busy=busy>
            {move || if rows.with(Vec::is_empty) {
                view! { <EmptyState title=move || i18n.t(empty)/> }.into_any()
            } else {
                let row = row.clone();
                view! {
                    <DataTable columns=columns>
                        <For each=move || rows.get() key=key children=row.clone()/>
                    </DataTable>
                }.into_any()
            }}
        </TableRegion>
        {move || failure.get().map(|f| view! {
            <div class="message message--error" role="alert">{move || i18n.failure(&f)}</div>
        })}
        <Show when=move || cursor.with(Option::is_some)>
            <p class="list-more">
                <button type="button" class="button" disabled=move || more.pending().get() on:click=on_more>
                    {tr(more_label)}
                </button>
            </p>
        </Show>
    }
}
