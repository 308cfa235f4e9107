//! Copies a text to the clipboard in one click. Where the browser refuses (no permission, an
//! insecure context), it selects the text in its field instead and says to press Ctrl+C. The
//! outcome is announced to screen readers.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::i18n::{tr, use_i18n, Msg};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Idle,
    Copied,
    SelectInstead,
}

#[component]
pub fn CopyButton(
    /// The text to copy.
    #[prop(into)]
    text: Signal<String>,
    /// The id of the read-only field that shows the text (selected when copying is refused).
    field_id: String,
    label: Msg,
) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(Outcome::Idle);
    let status_id = format!("{field_id}-copy-status");
    let field = field_id.clone();
    let copy = move |_| {
        let value = text.get_untracked();
        let field = field.clone();
        spawn_local(async move {
            let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
            let copied = match clipboard {
                Some(clipboard) => {
                    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&value))
                        .await
                        .is_ok()
                }
                None => false,
            };
            if !copied {
                select_field(&field);
            }
            outcome.try_set(if copied {
                Outcome::Copied
            } else {
                Outcome::SelectInstead
            });
        });
    };
    view! {
        <button type="button" class="button" on:click=copy aria-describedby=status_id.clone()>
            {move || i18n.t(if outcome.get() == Outcome::Copied { Msg::Copied } else { label })}
        </button>
        <span id=status_id class="copy-status" role="status">
            {move || match outcome.get() {
                Outcome::Idle => String::new(),
                Outcome::Copied => i18n.t(Msg::CopiedToClipboard).to_string(),
                Outcome::SelectInstead => i18n.t(Msg::PressCtrlC).to_string(),
            }}
        </span>
    }
}

fn select_field(id: &str) {
    let input = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
        input.select();
    }
}

/// A read-only field with the text and its copy button.
#[component]
pub fn CopyField(
    #[prop(into)] id: String,
    label: Msg,
    #[prop(into)] text: Signal<String>,
    button: Msg,
) -> impl IntoView {
    let focus_id = id.clone();
    let label_for = id.clone();
    let input_id = id.clone();
    view! {
        <div class="field copy-field">
            <label for=label_for>{tr(label)}</label>
            <div class="copy-field__row">
                <input id=input_id type="text" readonly prop:value=move || text.get() on:focus=move |_| select_field(&focus_id)/>
                <CopyButton text=text field_id=id label=button/>
            </div>
        </div>
    }
}
