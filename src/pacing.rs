//! The first page, drawn in steps. Drawn at once, a signed-in start (the frame, the shell and
//! the customer list) was one task of 45–70 ms on the build machine, about half of it V8
//! compiling, on first call, the 1 100 wasm functions it runs: on a phone, several hundred
//! milliseconds in which a tap waits (Lighthouse counted them as blocking time). So while the
//! first page is drawn, each step comes a task after the one it is in: the module starts, then
//! the mount (`main.rs`), the frame with the banner (`app.rs`), the navigation
//! (`components/shell.rs`), the page (`workspace.rs`), and the rows when their answer arrives.
//! Each takes 10–26 ms there, and the browser can paint and answer input between them; what
//! is drawn grows downwards, so nothing already shown moves.
//!
//! Only while the first page is drawn: a page opened later is drawn at once, in the task of
//! the click. Whether the first page is still being drawn is whether its early answers are
//! still kept (`api::KeepEarlyAnswers`): a step keeps them until the task after it was drawn,
//! so the requests it sends, and the steps inside it, still count as the first page's; so does
//! the frame that waits for the session ([`not_drawn_yet`]), and `pages::chunks` while the
//! part of the app the first page is in arrives (a shell drawn meanwhile comes in steps too).

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

/// The first page is not drawn while the view this is called in lives: for the frame that
/// waits for the session's answer before it knows which page comes first. (Until a task after
/// it goes, so the page that follows it is still drawn in steps.)
pub fn not_drawn_yet() {
    if let Some(keep) = KeepEarlyAnswers::new() {
        on_cleanup(move || set_timeout(move || drop(keep), Duration::ZERO));
    }
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
                // The owner may have gone (the frame changed first: a redirect, a session that
                // ended): then nothing is drawn.
                drawn.try_set(true);
                set_timeout(move || drop(keep), Duration::ZERO);
            },
            Duration::ZERO,
        );
    }
    move || drawn.get().then(&draw)
}
