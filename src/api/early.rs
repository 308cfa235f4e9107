//! Answers that start with the page. While the browser downloads the app's code, the loader in
//! index.html (scripts/build-app.mjs) already asks for what the app will ask for first, so on a
//! slow network the app's first requests no longer wait for its code. It does so in a browser
//! that is signed in (state.rs's mark): for the session always, and, on a reload in the same
//! tab, for what the page at this address asked for as it opened last time.
//!
//! This module writes the second down and hands the early answers to the app's first requests:
//! - a page's requests as it opens are the GETs sent in the same task as the first one at a new
//!   address (its data, not what later clicks ask for; the session, which the loader always
//!   asks for, is left out); they go to sessionStorage under `csp.early`: the address (path and
//!   query), then the URLs, a line each (neither can hold a line break: both are
//!   percent-encoded);
//! - a GET of the same URL takes the early answer instead of asking again, but only while the
//!   first page opens: while a [`KeepEarlyAnswers`] lives (one for the mount, one for each of
//!   the steps the first page is drawn in and one while the app waits for the session to know
//!   which page that is (`pacing`), one while the part of the app the first page is in
//!   arrives). A task after the last one goes, the rest are dropped, so an answer fetched at
//!   start-up is never shown as current later. (An early request that got no answer at all,
//!   the loader forgets: the app then asks for itself.)

use std::cell::{Cell, RefCell};
use std::time::Duration;

use leptos::prelude::set_timeout;
use wasm_bindgen::{JsCast, JsValue};

/// Where the loader leaves its requests (an object from URL to the `fetch` promise).
const EARLY: &str = "cspEarly";
/// What the loader asks for in every signed-in browser: `api::current_session`'s URL, written
/// out whole (built from `BASE` and compared, it cost the first page 100–270 bytes brotli).
const SESSION: &str = "/api/v1/session";
const STORAGE_KEY: &str = "csp.early";
/// A page opens with one or two requests; this bounds what a reload asks for in advance.
const MOST: usize = 4;

#[derive(Default)]
struct Opening {
    at: String,
    urls: Vec<String>,
    recording: bool,
}

thread_local! {
    static OPENING: RefCell<Opening> = RefCell::default();
    /// How many [`KeepEarlyAnswers`] live; `None` once the early answers are dropped.
    static KEEPERS: Cell<Option<u32>> = const { Cell::new(Some(0)) };
}

/// Keeps the early answers for the first page's requests while it lives.
pub struct KeepEarlyAnswers(());

impl KeepEarlyAnswers {
    /// `None` once the first page has opened: later pages ask for themselves.
    pub fn new() -> Option<Self> {
        let keepers = KEEPERS.get()?;
        KEEPERS.set(Some(keepers + 1));
        Some(KeepEarlyAnswers(()))
    }
}

impl Drop for KeepEarlyAnswers {
    fn drop(&mut self) {
        match KEEPERS.get() {
            Some(1) => {
                KEEPERS.set(None);
                // A task later: the requests of what was just drawn go out in this one.
                set_timeout(
                    || {
                        if let Some(window) = web_sys::window() {
                            let _ = js_sys::Reflect::delete_property(&window, &EARLY.into());
                        }
                    },
                    Duration::ZERO,
                );
            }
            Some(keepers) => KEEPERS.set(Some(keepers.saturating_sub(1))),
            None => {}
        }
    }
}

/// The early answer to `GET url`, once.
pub(super) fn take(url: &str) -> Option<js_sys::Promise> {
    let early = js_sys::Reflect::get(&web_sys::window()?.into(), &EARLY.into()).ok()?;
    let early = early.dyn_into::<js_sys::Object>().ok()?;
    let key = JsValue::from_str(url);
    let answer = js_sys::Reflect::get(&early, &key).ok()?.dyn_into().ok()?;
    js_sys::Reflect::delete_property(&early, &key).ok()?;
    Some(answer)
}

/// Notes `GET url` as part of what the page at the current address opens with.
pub(super) fn note(url: &str) {
    if url == SESSION {
        return;
    }
    let Some(at) = address() else { return };
    OPENING.with_borrow_mut(|opening| {
        if opening.at != at {
            *opening = Opening {
                at,
                urls: Vec::new(),
                recording: true,
            };
            // The page's opening requests go out in this task; later ones are someone's clicks.
            set_timeout(
                || OPENING.with_borrow_mut(|o| o.recording = false),
                Duration::ZERO,
            );
        }
        if opening.recording && opening.urls.len() < MOST && !opening.urls.iter().any(|u| u == url)
        {
            opening.urls.push(url.to_owned());
            save(opening);
        }
    });
}

fn address() -> Option<String> {
    let location = web_sys::window()?.location();
    Some(location.pathname().ok()? + &location.search().ok()?)
}

fn save(opening: &Opening) {
    let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.session_storage()) else {
        return;
    };
    let mut lines = opening.at.clone();
    for url in &opening.urls {
        lines.push('\n');
        lines.push_str(url);
    }
    // Full or disabled storage only means the next reload asks once the app has arrived.
    let _ = storage.set_item(STORAGE_KEY, &lines);
}
