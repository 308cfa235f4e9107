//! The three states of loaded data in one place: a spinner until the first answer, the error
//! (in the user's language, with "Try again" when asking again may help), or the data.

use leptos::prelude::*;

use crate::components::states::{ErrorState, LoadingState};
use crate::loader::Loader;

/// Renders `children(data)` once `loader` has data; `not_found` (when given) replaces the
/// error for a 404.
#[component]
pub fn Loaded<T, V, F>(
    loader: Loader<T>,
    children: F,
    #[prop(optional, into)] not_found: Option<ViewFn>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || match loader.data.get() {
        None => view! { <LoadingState/> }.into_any(),
        Some(Ok(data)) => children(data).into_any(),
        Some(Err(failure)) if failure.is_not_found() && not_found.is_some() => {
            not_found.as_ref().map(|v| v.run()).into_any()
        }
        Some(Err(failure)) => {
            let retry = failure
                .is_retryable()
                .then(|| Callback::new(move |()| loader.reload()));
            view! { <ErrorState failure=failure on_retry=retry/> }.into_any()
        }
    }
}
