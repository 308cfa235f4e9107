//! The first page, drawn in steps. Drawn at once, a signed-in start (the frame, the shell and
//! the customer list) was one task of 45–65 ms on the build machine, about half of it V8
//! compiling, on first call, the 1 100 wasm functions it runs: on a phone, several hundred
//! milliseconds in which a tap waits (Lighthouse counted them as blocking time). So while the
//! first page is drawn, each step comes a task after the one it is in: the module starts, then
//! the mount (`main.rs`), the frame with the banner (`app.rs`), the navigation
//! (`components/shell.rs`), the page (`workspace.rs`), and the rows when their answer arrives.
//! None takes more than about 20 ms there, and the browser can paint and answer input between
//! them; what is drawn grows from the top, so nothing already shown moves.
//!
//! Only while the first page is drawn: a page opened later is drawn at once, in the task of
//! the click. Whether the first page is still being drawn is whether its early answers are
//! still kept (`api::KeepEarlyAnswers`); a step keeps them until the task after it was drawn,
//! so the requests it sends, and the steps inside it, still count as the first page's.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::KeepEarlyAnswers;

/// Resolves in a later task (the mount waits for it, so instantiating the module is a task of
/// its own).
pub async fn next_task() {
    // As Leptos's `set_timeout`, which the steps use, this relies on the window's timers.
    let tick = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(tick).await;
}

/// `draw`, a task later while the first page is being drawn, and at once after that.
pub fn step<V, F>(draw: F) -> impl IntoView
where
    F: Fn() -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let keep = KeepEarlyAnswers::new();
    let drawn = RwSignal::new(keep.is_none());
    if let Some(keep) = keep {
        set_timeout(
            move || {
                // The owner may have gone (the address changed first): then nothing is drawn.
                drawn.try_set(true);
                set_timeout(move || drop(keep), Duration::ZERO);
            },
            Duration::ZERO,
        );
    }
    move || drawn.get().then(&draw)
}
