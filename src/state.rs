//! The signed-in user, shared by every page through context.
//!
//! The user is mirrored into sessionStorage so a reload renders at once; the server stays the
//! authority: the stored user is re-validated with `GET /session` on start and dropped on 401.

use csp_domain::User;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

const STORAGE_KEY: &str = "csp.session.user";

#[derive(Clone, Copy)]
pub struct Session {
    /// `None` when signed out.
    pub user: RwSignal<Option<User>>,
    /// False until we know whether there is a session (no stored user and the check is running).
    pub ready: RwSignal<bool>,
}

impl Session {
    /// Creates the session, starts its re-validation and keeps storage in step with it.
    pub fn start() -> Self {
        let stored = load();
        let session = Session {
            user: RwSignal::new(stored.clone()),
            ready: RwSignal::new(stored.is_some()),
        };

        Effect::new(move |_| session.user.with(save));

        // Another tab may have signed in (sessionStorage is per tab) or the cookie may have
        // expired since the user was stored: ask the server either way.
        spawn_local(async move {
            // On 401 the API hook has already cleared the user; other failures (server
            // restarting, offline) keep the stored user rather than signing people out.
            if let Ok(user) = api::current_session().await {
                if session.user.with_untracked(|u| u.as_ref() != Some(&user)) {
                    session.user.set(Some(user));
                }
            }
            session.ready.set(true);
        });
        session
    }

    pub fn sign_in(self, user: User) {
        self.user.set(Some(user));
    }

    pub fn clear(self) {
        if self.user.with_untracked(Option::is_some) {
            self.user.set(None);
        }
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn load() -> Option<User> {
    let raw = storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&raw).ok()
}

fn save(user: &Option<User>) {
    let Some(storage) = storage() else { return };
    // Storage can be full or disabled (private mode): the app then simply re-validates on reload.
    let _ = match user {
        Some(user) => match serde_json::to_string(user) {
            Ok(raw) => storage.set_item(STORAGE_KEY, &raw),
            Err(_) => Ok(()),
        },
        None => storage.remove_item(STORAGE_KEY),
    };
}
