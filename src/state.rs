//! What the app keeps between pages and reloads: the signed-in user (shared by every page
//! through context) and drafts of unfinished forms.
//!
//! The user is mirrored into sessionStorage so a reload renders at once; the server stays the
//! authority: the stored user is re-validated with `GET /session` on start and dropped on 401.
//! A browser that has never signed in (no "signed in before" mark in localStorage) is not
//! asked about: a first visit starts signed out at once, without a 401 in the console.

use csp_domain::{CustomerId, IdempotencyKey, OfferId, ProductKind, User};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::api;

const STORAGE_KEY: &str = "csp.session.user";
/// In localStorage (shared by the tabs): this browser has a session, or had one. The loader in
/// index.html reads it too, to ask for the session early (`api::current_session`).
const SIGNED_IN_MARK: &str = "csp.session.signed-in";

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
        let ask = stored.is_some() || signed_in_before().is_some();
        let session = Session {
            user: RwSignal::new(stored.clone()),
            ready: RwSignal::new(stored.is_some() || !ask),
        };

        Effect::new(move |_| session.user.with(save));

        // Another tab may have signed in (sessionStorage is per tab) or the cookie may have
        // expired since the user was stored: ask the server, unless this browser never signed in.
        if !ask {
            return session;
        }
        spawn_local(async move {
            // On 401 the API hook has already cleared the user; other failures (server
            // restarting, offline) keep the stored user rather than signing people out.
            match api::current_session().await {
                Ok(user) => {
                    mark_signed_in(true);
                    if session.user.with_untracked(|u| u.as_ref() != Some(&user)) {
                        session.user.set(Some(user));
                    }
                }
                Err(failure) if failure.status == 401 => mark_signed_in(false),
                Err(_) => {}
            }
            session.ready.set(true);
        });
        session
    }

    pub fn sign_in(self, user: User) {
        mark_signed_in(true);
        self.user.set(Some(user));
    }

    /// The browser leaves for the organisation's own sign-in page (single sign-on) and comes
    /// back with a session cookie: the app then asks the server who is signed in, as in a
    /// browser that was signed in before (a 401 takes the mark away again).
    pub fn expect_sign_in_elsewhere(self) {
        mark_signed_in(true);
    }

    /// Signed out, or the session ended (a 401 while signed in).
    pub fn clear(self) {
        if self.user.with_untracked(Option::is_some) {
            mark_signed_in(false);
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

fn signed_in_before() -> Option<()> {
    let local = web_sys::window()?.local_storage().ok()??;
    local.get_item(SIGNED_IN_MARK).ok()??;
    Some(())
}

/// Sets or removes the "signed in before" mark (storage may be disabled: then every new tab
/// simply starts signed out).
fn mark_signed_in(signed_in: bool) {
    if let Some(Ok(Some(local))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = if signed_in {
            local.set_item(SIGNED_IN_MARK, "1")
        } else {
            local.remove_item(SIGNED_IN_MARK)
        };
    }
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

// -- drafts --

const ORDER_DRAFT_PREFIX: &str = "csp.draft.order.";

/// An add-product wizard in progress for one customer. Kept in sessionStorage, so a reload of
/// the tab keeps it (R-BUY-4) and closing the tab forgets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderDraft {
    /// The product-type filter of the first step.
    pub kind: Option<ProductKind>,
    pub search: String,
    /// The chosen product (its name).
    pub product: Option<String>,
    /// The chosen SKU and term.
    pub offer: Option<OfferId>,
    pub quantity: String,
    pub po_number: String,
    pub terms_accepted: bool,
    /// One key per draft: every retry of this order sends it, so it is placed at most once.
    pub idempotency_key: String,
}

impl OrderDraft {
    pub fn new() -> OrderDraft {
        OrderDraft {
            kind: None,
            search: String::new(),
            product: None,
            offer: None,
            quantity: String::new(),
            po_number: String::new(),
            terms_accepted: false,
            idempotency_key: random_uuid(),
        }
    }

    /// Whether leaving would lose something the user chose.
    pub fn has_choices(&self) -> bool {
        self.product.is_some()
    }
}

pub fn load_order_draft(customer: &CustomerId) -> Option<OrderDraft> {
    let raw = storage()?
        .get_item(&format!("{ORDER_DRAFT_PREFIX}{customer}"))
        .ok()??;
    serde_json::from_str(&raw).ok()
}

pub fn save_order_draft(customer: &CustomerId, draft: &OrderDraft) {
    if let (Some(storage), Ok(raw)) = (storage(), serde_json::to_string(draft)) {
        let _ = storage.set_item(&format!("{ORDER_DRAFT_PREFIX}{customer}"), &raw);
    }
}

pub fn discard_order_draft(customer: &CustomerId) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&format!("{ORDER_DRAFT_PREFIX}{customer}"));
    }
}

const SUPPORT_DRAFT_KEY: &str = "csp.draft.support";

/// A support request being written: its text fields (files cannot be stored), kept in
/// sessionStorage so a reload of the tab keeps what was typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SupportDraft {
    pub form: csp_domain::support::SupportForm,
    /// The order's currency when the cancel dialog sent it (shown next to the amount).
    pub currency: String,
    /// Sent as `Idempotency-Key`: a retry of a filing whose answer was lost files it once.
    #[serde(default)]
    pub idempotency_key: String,
}

pub fn load_support_draft() -> Option<SupportDraft> {
    let raw = storage()?.get_item(SUPPORT_DRAFT_KEY).ok()??;
    serde_json::from_str(&raw).ok()
}

pub fn save_support_draft(draft: &SupportDraft) {
    if let (Some(storage), Ok(raw)) = (storage(), serde_json::to_string(draft)) {
        let _ = storage.set_item(SUPPORT_DRAFT_KEY, &raw);
    }
}

pub fn discard_support_draft() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(SUPPORT_DRAFT_KEY);
    }
}

/// A fresh idempotency key for an order or a support request.
pub fn new_idempotency_key() -> IdempotencyKey {
    IdempotencyKey::parse(&random_uuid()).expect("a UUID is a valid key")
}

/// A random version 4 UUID from the browser's cryptographic generator (`getRandomValues`,
/// which unlike `randomUUID` also works on plain-HTTP intranet addresses).
fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
