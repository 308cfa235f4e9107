//! Loads data for a page and keeps showing the last answer while a newer one is on its way,
//! so lists do not flash empty on every search or page turn.
//!
//! A plain effect + request ticket instead of `<Transition>`: the transition keeps old views on
//! screen after their reactive scope is gone, and those views still react (busy flag, language)
//! — a use-after-dispose panic. Here a view is only replaced when its data is.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiFailure, ApiResult};

pub struct Loader<T: Send + Sync + 'static> {
    /// The latest answer; `None` until the first one arrives.
    pub data: RwSignal<Option<Result<T, ApiFailure>>>,
    /// True while a request is in flight (the first one or a newer one).
    pub busy: RwSignal<bool>,
    reloads: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for Loader<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loader<T> {}

impl<T: Send + Sync + 'static> Loader<T> {
    /// Asks again with the same inputs ("Try again", "Show" on an unchanged range).
    pub fn reload(self) {
        self.reloads.try_update(|n| *n = n.wrapping_add(1));
    }
}

/// Fetches `fetch(source())` now and whenever `source` changes; only the answer to the most
/// recent request is kept, so a slow old search cannot overwrite a newer one.
pub fn use_loader<S, T, Fut>(
    source: impl Fn() -> S + 'static,
    fetch: impl Fn(S) -> Fut + 'static,
) -> Loader<T>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = ApiResult<T>> + 'static,
{
    let loader = Loader {
        data: RwSignal::new(None),
        busy: RwSignal::new(true),
        reloads: RwSignal::new(0),
    };
    let ticket = StoredValue::new(0u64);

    Effect::new(move |_| {
        loader.reloads.track();
        let input = source();
        let mine = ticket.get_value() + 1;
        ticket.set_value(mine);
        loader.busy.set(true);
        let request = untrack(|| fetch(input));
        spawn_local(async move {
            let result = request.await;
            // `try_`: the page may have been left while the request was in flight.
            if ticket.try_get_value() == Some(mine) {
                loader.data.try_set(Some(result));
                loader.busy.try_set(false);
            }
        });
    });
    loader
}
