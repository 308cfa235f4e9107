//! `/sign-in`: email and password; afterwards back to the page the user wanted (`?next=`).

use csp_domain::User;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use leptos_router::NavigateOptions;

use crate::api::{self, ApiResult};
use crate::components::language_switch::LanguageSwitch;
use crate::components::page_header::use_document_title;
use crate::components::states::{failure_text, Spinner};
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::use_session;
use crate::urls;

/// The sign-in form for partner, customer and support users alike.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    use_document_title(move || i18n.t(Msg::SignInHeading).to_string());

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Client-side checks only run once the user has tried to submit.
    let tried = RwSignal::new(false);

    let sign_in: Action<(String, String), ApiResult<User>> =
        Action::new_local(|(email, password): &(String, String)| {
            api::sign_in(email.clone(), password.clone())
        });
    let pending = sign_in.pending();

    Effect::new(move |_| {
        if let Some(Ok(user)) = sign_in.value().get() {
            session.sign_in(user);
        }
    });

    let server_error = move || match sign_in.value().get() {
        Some(Err(failure)) => Some(failure),
        _ => None,
    };
    let field_error = move |field: &str, missing: Msg, value: RwSignal<String>| {
        if tried.get() && value.with(|v| v.trim().is_empty()) {
            return Some(i18n.t(missing).to_string());
        }
        server_error().and_then(|f| f.fields.get(field).cloned())
    };
    let email_error = move || field_error("email", Msg::EmailRequired, email);
    let password_error = move || field_error("password", Msg::PasswordRequired, password);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let (e, p) = (
            email.get_untracked().trim().to_string(),
            password.get_untracked(),
        );
        if e.is_empty() || p.is_empty() || pending.get_untracked() {
            return;
        }
        sign_in.dispatch((e, p));
    };

    // Signed in (now, or already when the page opened): go where the user was headed.
    let destination = Memo::new(move |_| {
        let kind = session.user.with(|u| u.as_ref().map(|u| u.kind))?;
        let next = query
            .with(|q| q.get("next"))
            .and_then(|n| urls::safe_next(&n));
        Some(next.unwrap_or_else(|| urls::home_for(kind).to_string()))
    });

    view! {
        {move || destination.get().map(|path| view! {
            <Redirect path=path options=NavigateOptions { replace: true, ..Default::default() }/>
        })}
        <div class="sign-in">
            <div class="sign-in__language"><LanguageSwitch/></div>
            <main id="main" class="sign-in__card">
                <div class="sign-in__brand">
                    <span class="banner__logo" aria-hidden="true"></span>
                    <span>{tr(Msg::AppName)}</span>
                </div>
                <h1>{tr(Msg::SignInHeading)}</h1>
                <p class="sign-in__intro">{tr(Msg::SignInIntro)}</p>
                {move || server_error().map(|failure| view! {
                    <div class="message message--error" role="alert">{failure_text(i18n, &failure)}</div>
                })}
                <form novalidate on:submit=on_submit>
                    <div class="field">
                        <label for="sign-in-email">{tr(Msg::Email)}</label>
                        <input
                            id="sign-in-email"
                            type="email"
                            name="email"
                            autocomplete="username"
                            required
                            aria-invalid=move || email_error().is_some().to_string()
                            aria-describedby=move || email_error().map(|_| "sign-in-email-error")
                            prop:value=move || email.get()
                            on:input=move |ev| email.set(event_target_value(&ev))
                        />
                        {move || email_error().map(|e| view! {
                            <p id="sign-in-email-error" class="field__error">{e}</p>
                        })}
                    </div>
                    <div class="field">
                        <label for="sign-in-password">{tr(Msg::Password)}</label>
                        <input
                            id="sign-in-password"
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required
                            aria-invalid=move || password_error().is_some().to_string()
                            aria-describedby=move || password_error().map(|_| "sign-in-password-error")
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                        {move || password_error().map(|e| view! {
                            <p id="sign-in-password-error" class="field__error">{e}</p>
                        })}
                    </div>
                    <button
                        type="submit"
                        class="button button--primary button--block"
                        disabled=move || pending.get()
                        aria-busy=move || pending.get().to_string()
                    >
                        <Show when=move || pending.get()><Spinner/></Show>
                        {tr(Msg::SignInButton)}
                    </button>
                    <p class="visually-hidden" role="status">
                        {move || pending.get().then(|| i18n.t(Msg::SigningIn))}
                    </p>
                </form>
            </main>
        </div>
    }
}
