//! CSP Software Center in the browser: a Leptos client-side app that talks to `/api/v1`.

mod api;
mod app;
mod components;
mod format;
mod i18n;
mod loader;
mod pages;
mod router;
mod routes;
mod state;
mod workspace;

fn main() {
    // Panics show up in the browser console with a Rust message instead of "unreachable".
    console_error_panic_hook::set_once();
    // Leptos's own executor starts with the mount, so this waits on wasm-bindgen's.
    wasm_bindgen_futures::spawn_local(async {
        i18n::load_saved_locale().await;
        leptos::mount::mount_to_body(app::App);
    });
}
