//! A data table with translated column headings; pages supply only the rows.

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
