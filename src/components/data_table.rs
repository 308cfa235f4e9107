//! A data table with translated column headings (pages supply only the rows), and the link
//! that exports a table's rows as CSV.

use leptos::prelude::*;

use crate::i18n::{tr, Msg};

#[component]
pub fn DataTable(
    /// Column headings, in order.
    columns: &'static [Msg],
    /// The `<tr>` rows of the body.
    children: Children,
) -> impl IntoView {
    view! {
        <table class="table">
            <thead>
                <tr>
                    {columns.iter().map(|&column| view! { <th scope="col">{tr(column)}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}

/// "Export CSV": a plain download link to `href` (`download` and rel=external keep the router
/// from treating the file as a page).
#[component]
pub fn CsvLink(href: String) -> impl IntoView {
    view! {
        <a class="button" href=href download="" rel="external">
            <svg viewBox="0 0 20 20" aria-hidden="true" class="button__icon">
                <path d="M10 3v9m0 0-3.5-3.5M10 12l3.5-3.5M4 15h12" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>
            </svg>
            {tr(Msg::ExportCsv)}
        </a>
    }
}
