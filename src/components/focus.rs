//! Moving the keyboard focus: to an element by its id, now or once the view has drawn.

use std::time::Duration;

use leptos::prelude::{document, set_timeout};
use wasm_bindgen::JsCast;

/// Focuses the element with this id, if it is on the page and can take focus.
pub fn focus_by_id(id: &str) {
    let element = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Runs `f` after the current task, when a view just asked for has been drawn.
pub fn later(f: impl FnOnce() + 'static) {
    set_timeout(f, Duration::ZERO);
}
