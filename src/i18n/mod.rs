//! The app in English and Simplified Chinese (zh-CN): the message table is `csp_messages`
//! (`crates/messages`); here the chosen locale and its loading, and placeholders; the texts
//! built from domain values are in `values.rs`. The locale is a signal in context, so switching language re-renders text in place;
//! it is remembered in localStorage and mirrored to `<html lang>` for screen readers.
//!
//! In the browser the Chinese texts arrive in their own file (`zh-CN.json` beside the wasm),
//! fetched before the first paint when Chinese was chosen before, or when it is chosen.

mod values;

use std::fmt::Display;

pub use csp_messages::{fill, Msg};
use leptos::prelude::*;

const STORAGE_KEY: &str = "csp.locale";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// BCP 47 tag, for `lang` attributes and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// The language's own name, so people find their language whatever is showing.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhCn => "简体中文",
        }
    }
}

impl Locale {
    /// The text of `key` in this language. In the browser, Chinese falls back to English
    /// until its texts have arrived ([`load_saved_locale`], [`I18n::choose`]).
    pub fn text(self, key: Msg) -> &'static str {
        match self {
            Locale::En => key.english(),
            Locale::ZhCn => chinese::text(key).unwrap_or_else(|| key.english()),
        }
    }

    /// Whether this language's texts are here.
    fn is_ready(self) -> bool {
        self == Locale::En || chinese::text(Msg::AppName).is_some()
    }
}

/// The Chinese texts: built in natively (tests), fetched in the browser.
#[cfg(not(target_arch = "wasm32"))]
mod chinese {
    use super::Msg;

    pub fn text(key: Msg) -> Option<&'static str> {
        Some(key.chinese())
    }

    pub async fn load() -> bool {
        true
    }
}

#[cfg(target_arch = "wasm32")]
mod chinese {
    use std::cell::OnceCell;

    use super::Msg;

    thread_local! {
        static TEXTS: OnceCell<Vec<&'static str>> = const { OnceCell::new() };
    }

    pub fn text(key: Msg) -> Option<&'static str> {
        TEXTS.with(|texts| texts.get().map(|t| t[key.index()]))
    }

    /// Fetches `zh-CN.json` from beside the app's wasm; false when it cannot be had (offline,
    /// or a table of another build).
    pub async fn load() -> bool {
        if text(Msg::AppName).is_some() {
            return true;
        }
        let Some(url) = leptos::prelude::document()
            .query_selector("link[data-app=wasm]")
            .ok()
            .flatten()
            .and_then(|link| link.get_attribute("href"))
            .and_then(|wasm| Some(format!("{}/zh-CN.json", wasm.rsplit_once('/')?.0)))
        else {
            return false;
        };
        match crate::api::app_file::<Vec<String>>(&url).await {
            Ok(texts) if texts.len() == Msg::COUNT => {
                // Kept for the life of the page, like the English texts built in.
                let texts = texts.into_iter().map(|t| &*t.leak()).collect();
                TEXTS.with(|cell| {
                    let _ = cell.set(texts);
                });
                true
            }
            _ => {
                leptos::logging::warn!("the Chinese texts could not be loaded from {url}");
                false
            }
        }
    }
}

/// Before the first paint: the Chinese texts when Chinese is the saved choice, so its readers
/// never see the app in English first. Without them the app starts in English.
pub async fn load_saved_locale() {
    if saved_locale() == Some(Locale::ZhCn) {
        chinese::load().await;
    }
}

fn saved_locale() -> Option<Locale> {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|tag| Locale::from_tag(&tag))
}

/// The locale, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
}

impl I18n {
    /// Restores the saved locale and keeps storage and `<html lang>` in step with it.
    pub fn start() -> Self {
        let saved = saved_locale()
            .filter(|l| l.is_ready())
            .unwrap_or(Locale::En);
        let i18n = I18n {
            locale: RwSignal::new(saved),
        };
        Effect::new(move |_| {
            let locale = i18n.locale.get();
            if let Some(storage) = storage() {
                let _ = storage.set_item(STORAGE_KEY, locale.tag());
            }
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", locale.tag());
            }
        });
        i18n
    }

    /// The text of `key` in the current locale (tracked: callers re-run on a switch).
    pub fn t(self, key: Msg) -> &'static str {
        self.locale.get().text(key)
    }

    /// Switches to `locale` once its texts are here; if they cannot be fetched, stays in the
    /// current language (and says so to a picker showing the new one).
    pub fn choose(self, locale: Locale) {
        if locale.is_ready() {
            self.locale.set(locale);
            return;
        }
        leptos::task::spawn_local(async move {
            if chinese::load().await {
                self.locale.set(locale);
            } else {
                // Tell the pickers again which language is showing.
                self.locale.notify();
            }
        });
    }

    /// The text of `key` with `{name}` placeholders filled in.
    pub fn f(self, key: Msg, args: &[(&str, &dyn Display)]) -> String {
        fill(self.t(key), args)
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// A reactive text for use directly in views: `{tr(Msg::Show)}` or `aria-label=tr(Msg::Settings)`.
pub fn tr(key: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.t(key)
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn i18n(locale: Locale) -> I18n {
        I18n {
            locale: RwSignal::new(locale),
        }
    }

    #[test]
    fn locales_round_trip_through_their_tags() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
        assert_eq!(Locale::from_tag("fr"), None);
    }
}
