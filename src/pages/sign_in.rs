//! `/sign-in`: email and password, then — for a user with two-step sign-in — the code of
//! their authenticator app or a recovery code (also straight away with `?step=code`, after a
//! password reset); afterwards back to the page the user wanted (`?next=`). "Forgot your
//! password?" leads to `/forgot-password` (`pages::password`).

use crate::router::use_query_map;
use crate::router::NavigateOptions;
use crate::router::Redirect;
use csp_domain::two_step::{OneTimeCode, SignInAnswer, REMEMBER_DAYS};
use csp_domain::{ErrorCode, FieldErrors, FieldIssue, SignInRequest, User};
use leptos::prelude::*;

use crate::api::{self, ApiResult};
use crate::components::field::{SelectField, TextField};
use crate::components::language_switch::LanguageSwitch;
use crate::components::page_header::use_document_title;
use crate::components::states::BlockSubmit;
use crate::i18n::{tr, use_i18n, Msg};
use crate::routes::{self, Route};
use crate::state::use_session;

/// The sign-in form for partner, customer and support users alike.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    use_document_title(move || i18n.t(Msg::SignInHeading).to_string());

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // The form's own checks (the domain's, as the server runs them) show once the user has
    // tried to submit, and follow the typing from then on.
    let tried = RwSignal::new(false);
    let request = move || SignInRequest {
        email: email.get(),
        password: password.get(),
    };
    let checked = Memo::new(move |_| request().check().err().unwrap_or_else(FieldErrors::new));

    let sign_in: Action<SignInRequest, ApiResult<SignInAnswer>> =
        Action::new_local(|request: &SignInRequest| api::sign_in(request.clone()));
    let pending = sign_in.pending();
    // The password passed and the sign-in waits for the code (or a reset sent the user here).
    let code_step =
        RwSignal::new(query.with_untracked(|q| q.get("step")).as_deref() == Some("code"));

    Effect::new(move |_| match sign_in.value().get() {
        Some(Ok(SignInAnswer::SignedIn(s))) => session.sign_in(s.user),
        Some(Ok(SignInAnswer::CodeNeeded(_))) => code_step.set(true),
        _ => {}
    });
    let restart = Callback::new(move |()| {
        sign_in.value().set(None);
        password.set(String::new());
        tried.set(false);
        code_step.set(false);
    });

    let server_error = move || match sign_in.value().get() {
        Some(Err(failure)) => Some(failure),
        _ => None,
    };
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            if tried.get() {
                if let Some(text) = checked.with(|c| c.text(field).map(|t| i18n.text(t))) {
                    return Some(text);
                }
            }
            server_error().and_then(|f| i18n.server_field_error(&f, field))
        })
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if !checked.with_untracked(FieldErrors::is_empty) || pending.get_untracked() {
            return;
        }
        sign_in.dispatch(request());
    };

    // Signed in (now, or already when the page opened): go where the user was headed.
    let destination = Memo::new(move |_| {
        let kind = session.user.with(|u| u.as_ref().map(|u| u.kind))?;
        let next = query
            .with(|q| q.get("next"))
            .and_then(|n| routes::safe_next(&n));
        Some(next.unwrap_or_else(|| Route::home_for(kind).to_path()))
    });

    view! {
        {move || destination.get().map(|path| view! {
            <Redirect path=path options=NavigateOptions { replace: true, ..Default::default() }/>
        })}
        <div class="sign-in">
            // A banner landmark: every part of the page is inside one (the language, the form).
            <header class="sign-in__language"><LanguageSwitch/></header>
            <main id="main" class="sign-in__card">
                <div class="sign-in__brand">
                    <span class="banner__logo" aria-hidden="true"></span>
                    <span>{tr(Msg::AppName)}</span>
                </div>
                {move || if code_step.get() {
                    view! { <CodeStep on_restart=restart/> }.into_any()
                } else {
                    view! {
                        <h1>{tr(Msg::SignInHeading)}</h1>
                        <p class="sign-in__intro">{tr(Msg::SignInIntro)}</p>
                        {move || server_error().map(|failure| view! {
                            <div class="message message--error" role="alert">{move || i18n.failure(&failure)}</div>
                        })}
                        <form novalidate on:submit=on_submit>
                            <TextField id="sign-in-email" name="email" label=Msg::Email value=email input_type="email"
                                autocomplete="username" required=true error=field_error("email")/>
                            <TextField id="sign-in-password" name="password" label=Msg::Password value=password input_type="password"
                                autocomplete="current-password" required=true error=field_error("password")/>
                            <BlockSubmit pending=pending.into() label=Msg::SignInButton busy=Msg::SigningIn/>
                        </form>
                        <p class="sign-in__links">
                            <a href=Route::ForgotPassword.to_path()>{tr(Msg::ForgotPasswordLink)}</a>
                        </p>
                    }.into_any()
                }}
            </main>
        </div>
    }
}

/// The second step: the authenticator's code or a recovery code. A sign-in that stopped
/// waiting (5 minutes) or never was offers to start again.
#[component]
fn CodeStep(on_restart: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<String>);
    // "" (every time) or one of the domain's REMEMBER_DAYS.
    let remember = RwSignal::new(String::new());
    let verify: Action<(String, Option<u32>), ApiResult<User>> =
        Action::new_local(|(code, days): &(String, Option<u32>)| {
            api::second_step(code.clone(), *days)
        });
    let pending = verify.pending();
    Effect::new(move |_| match verify.value().get() {
        Some(Ok(user)) => session.sign_in(user),
        Some(Err(failure)) => code_error.set(i18n.server_field_error(&failure, "code")),
        None => {}
    });
    let failure = move || {
        verify
            .value()
            .get()
            .and_then(Result::err)
            .filter(|f| f.field_codes.is_empty())
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let typed = code.get_untracked();
        match OneTimeCode::parse(&typed) {
            Ok(_) => {
                code_error.set(None);
                let days = remember
                    .get_untracked()
                    .parse::<u32>()
                    .ok()
                    .filter(|d| REMEMBER_DAYS.contains(d));
                verify.dispatch((typed, days));
            }
            Err(issue) => code_error.set(Some(i18n.text(&issue.text()))),
        }
    };
    view! {
        <h1>{tr(Msg::TwoStepHeading)}</h1>
        <p class="sign-in__intro">{tr(Msg::TwoStepPrompt)}</p>
        {move || failure().map(|failure| {
            let expired = failure.known_code() == Some(ErrorCode::Unauthenticated);
            view! {
                <div class="message message--error" role="alert">
                    {move || if expired { i18n.t(Msg::TwoStepExpired).to_string() } else { i18n.failure(&failure) }}
                </div>
            }
        })}
        <form novalidate on:submit=on_submit>
            <TextField id="sign-in-code" name="code" label=Msg::TwoStepCodeLabel value=code
                autocomplete="one-time-code" inputmode="text" required=true error=code_error/>
            <SelectField id="remember-browser" label=Msg::RememberBrowser value=remember error=Signal::derive(|| None::<String>)
                options=vec![("", Msg::RememberEveryTime), ("7", Msg::RememberWeek), ("30", Msg::RememberMonth)]/>
            <BlockSubmit pending=pending.into() label=Msg::TwoStepVerify busy=Msg::TwoStepVerifying/>
        </form>
        <p class="sign-in__links">
            <button type="button" class="link-button" on:click=move |_| on_restart.run(())>
                {tr(Msg::TwoStepStartOver)}
            </button>
        </p>
    }
}
