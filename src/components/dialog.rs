//! A modal dialog on the native `<dialog>` element: `showModal()` makes the rest of the page
//! inert (focus stays inside), Escape closes it, and focus goes back to the element that had
//! it when the dialog opened.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What can take keyboard focus inside a dialog.
const FOCUSABLE: &str =
    "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), \
    textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

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

    // Tab from the last control goes to the first and Shift+Tab from the first to the last, so
    // keyboard focus never leaves the open dialog (the browser would move it to its own UI).
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Tab" {
            return;
        }
        let Some(el) = dialog.get_untracked() else {
            return;
        };
        let Ok(found) = el.query_selector_all(FOCUSABLE) else {
            return;
        };
        let focusable: Vec<web_sys::HtmlElement> = (0..found.length())
            .filter_map(|i| found.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|e| e.offset_parent().is_some())
            .collect();
        let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
            return;
        };
        let active = document().active_element();
        let at = |e: &web_sys::HtmlElement| {
            active
                .as_ref()
                .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
        };
        let outside = !active.as_ref().is_some_and(|a| el.contains(Some(a)));
        if ev.shift_key() && (at(first) || outside) {
            ev.prevent_default();
            let _ = last.focus();
        } else if !ev.shift_key() && (at(last) || outside) {
            ev.prevent_default();
            let _ = first.focus();
        }
    };

    view! {
        <dialog
            class="dialog"
            node_ref=dialog
            aria-labelledby=labelled_by
            aria-describedby=described_by
            on:close=on_close
            on:keydown=on_keydown
        >
            {children()}
        </dialog>
    }
}
