//! A modal dialog on the native `<dialog>` element: `showModal()` makes the rest of the page
//! inert (focus stays inside), Escape closes it, and focus goes back to the element that had
//! it when the dialog opened.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn Dialog(
    /// Open while true; the dialog sets it to false when the user closes it (Escape).
    open: RwSignal<bool>,
    /// Id of the element that names the dialog (its heading).
    labelled_by: &'static str,
    #[prop(optional)] described_by: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);

    Effect::new(move |_| {
        let Some(el) = dialog.get() else { return };
        if open.get() {
            if !el.open() {
                opener.set_value(
                    document()
                        .active_element()
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
                );
                let _ = el.show_modal();
            }
        } else if el.open() {
            el.close();
        }
    });

    let on_close = move |_| {
        open.set(false);
        if let Some(element) = opener.get_value() {
            let _ = element.focus();
        }
    };

    view! {
        <dialog
            class="dialog"
            node_ref=dialog
            aria-labelledby=labelled_by
            aria-describedby=described_by
            on:close=on_close
        >
            {children()}
        </dialog>
    }
}
