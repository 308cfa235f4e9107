//! Files to attach: a file input that adds to a list (so files can be picked in several goes),
//! each file shown with its size and a button to remove it. The limits are stated next to it;
//! the form checks them before upload and the server again after.

use csp_domain::support::{ACCEPT, MAX_FILES, MAX_FILE_BYTES};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::field::described_by;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};

#[component]
pub fn FilePicker(
    id: &'static str,
    label: Msg,
    files: RwSignal<Vec<web_sys::File>, LocalStorage>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if let Some(list) = input.files() {
            let picked: Vec<web_sys::File> =
                (0..list.length()).filter_map(|i| list.get(i)).collect();
            files.update(|all| all.extend(picked));
        }
        // Cleared, so picking the same file again (after removing it) is noticed.
        input.set_value("");
    };
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field file-picker" class:field--invalid=move || error.with(Option::is_some)>
            <label for=id>{tr(label)}</label>
            <p id=hint_id class="field__hint">
                {move || i18n.f(Msg::FileLimits, &[("count", &MAX_FILES), ("mb", &(MAX_FILE_BYTES / 1024 / 1024))])}
            </p>
            <input
                id=id
                type="file"
                multiple
                accept=ACCEPT
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=move || described_by(id, true, error.with(Option::is_some))
                on:change=on_change
            />
            {move || error.get().map(|e| view! { <p id=format!("{id}-error") class="field__error">{e}</p> })}
            <ul class="file-list" aria-live="polite">
                {move || files.with(|all| all.iter().enumerate().map(|(i, f)| {
                    let name = f.name();
                    let size = format::file_size(f.size() as u64);
                    let remove_label = name.clone();
                    view! {
                        <li class="file-list__item">
                            <span class="file-list__name">{name}</span>
                            <span class="note">{size}</span>
                            <button type="button" class="button button--small"
                                aria-label=move || i18n.f(Msg::RemoveFile, &[("name", &remove_label)])
                                on:click=move |_| files.update(|all| { if i < all.len() { all.remove(i); } })>
                                {tr(Msg::Remove)}
                            </button>
                        </li>
                    }
                }).collect_view())}
            </ul>
        </div>
    }
}

/// The problem with the picked files, checked as the server will (count, size, kind by name).
pub fn files_problem(files: &[web_sys::File]) -> Option<csp_domain::Text> {
    use csp_domain::support::{precheck_file, FileIssue};
    use csp_domain::FieldIssue;
    if files.len() > MAX_FILES {
        return Some(FileIssue::TooMany.text());
    }
    files
        .iter()
        .find_map(|f| precheck_file(&f.name(), f.size() as u64).err())
        .map(|issue| issue.text())
}
