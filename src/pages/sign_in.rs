//! `/sign-in`: email and password, then — for a user with two-step sign-in — the code of
//! their authenticator app or a recovery code (also straight away with `?step=code`, after a
//! password reset, and with `?second_step=1`, after a sign-in at the organisation's provider
//! without a second factor); afterwards back to the page the user wanted (`?next=`). "Forgot
//! your password?" leads to `/forgot-password` (`pages::password`).
//!
//! The address decides first: when its domain signs in at the organisation's own identity
//! provider (single sign-on), the browser goes there and the password is neither needed nor
//! sent; otherwise the password signs in. A sign-in at the provider that failed comes back with
//! `?sso_error=`, said at the top of the page. A customer's user on the way to the customer
//! admin center (the partner's deep link) may "Sign in with Microsoft" instead, where the
//! operator set it up.

use crate::router::use_query_map;
use crate::router::NavigateOptions;
use crate::router::Redirect;
use csp_domain::sso::SsoFailure;
use csp_domain::two_step::{OneTimeCode, SignInAnswer, REMEMBER_DAYS};
use csp_domain::{Area, ErrorCode, FieldErrors, FieldIssue, SignInRequest, User};
use leptos::prelude::*;

use crate::api::{self, ApiResult};
use crate::components::field::{SelectField, TextField};
use crate::components::focus::focus_by_id;
use crate::components::language_switch::LanguageSwitch;
use crate::components::page_header::use_document_title;
use crate::components::states::BlockSubmit;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::routes::{self, Access, Route};
use crate::state::use_session;

/// What submitting the form came to.
#[derive(Debug, Clone, PartialEq)]
enum Submitted {
    /// The address signs in at its organisation's provider: its sign-in page.
    Provider(String),
    /// The address has no provider, and the password is missing (or too long).
    PasswordNeeded,
    /// The password sign-in's answer.
    Answer(SignInAnswer),
}

/// The address first (only it, and where to go afterwards: never the password), then — when
/// it has no provider — the password.
async fn submit(request: SignInRequest, next: Option<String>) -> ApiResult<Submitted> {
    let unreachable = match api::start_sso(request.email.clone(), next).await {
        Ok(Some(url)) => return Ok(Submitted::Provider(url)),
        Ok(None) => None,
        // The provider (or the service) cannot be reached just now. Global admins keep their
        // passwords for this: a password typed is tried; for everybody else, the reason.
        Err(failure) if failure.is_retryable() => Some(failure),
        Err(failure) => return Err(failure),
    };
    if request.check().is_err_and(|e| e.contains("password")) {
        return match unreachable {
            Some(failure) => Err(failure),
            None => Ok(Submitted::PasswordNeeded),
        };
    }
    match api::sign_in(request).await {
        Ok(answer) => Ok(Submitted::Answer(answer)),
        // Passwords are refused to this user: the provider's trouble is the one to tell.
        Err(failure) if failure.known_code() == Some(ErrorCode::SsoRequired) => {
            Err(unreachable.unwrap_or(failure))
        }
        Err(failure) => Err(failure),
    }
}

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
    // tried to submit — the password's once it turned out to be needed — and follow the
    // typing from then on.
    let tried = RwSignal::new(false);
    let password_asked = RwSignal::new(false);
    let request = move || SignInRequest {
        email: email.get(),
        password: password.get(),
    };
    let checked = Memo::new(move |_| request().check().err().unwrap_or_else(FieldErrors::new));
    // Where to go afterwards, as this app accepts it (the provider brings the user back there).
    let next = move || {
        query
            .with_untracked(|q| q.get("next"))
            .and_then(|n| routes::safe_next(&n))
    };

    let sign_in: Action<(SignInRequest, Option<String>), ApiResult<Submitted>> =
        Action::new_local(|(request, next): &(SignInRequest, Option<String>)| {
            submit(request.clone(), next.clone())
        });
    // On the way to the provider's page: the form stays busy until the browser has left.
    let leaving = RwSignal::new(false);
    let pending = Signal::derive(move || sign_in.pending().get() || leaving.get());
    // The password passed and the sign-in waits for the code (or a reset, or a sign-in at the
    // provider, sent the user here).
    let code_step = RwSignal::new(query.with_untracked(|q| {
        q.get("step").as_deref() == Some("code") || q.get("second_step").as_deref() == Some("1")
    }));
    // Why the sign-in at the organisation's provider did not sign in, until the next try.
    let sso_error = RwSignal::new(
        query
            .with_untracked(|q| q.get("sso_error"))
            .map(|code| SsoFailure::parse(&code).msg()),
    );

    Effect::new(move |_| match sign_in.value().get() {
        Some(Ok(Submitted::Provider(url))) => {
            leaving.set(true);
            // It comes back with a session cookie: the app asks who is signed in.
            session.expect_sign_in_elsewhere();
            if window().location().assign(&url).is_err() {
                leaving.set(false);
            }
        }
        Some(Ok(Submitted::PasswordNeeded)) => {
            password_asked.set(true);
            focus_by_id("sign-in-password");
        }
        Some(Ok(Submitted::Answer(SignInAnswer::SignedIn(s)))) => session.sign_in(s.user),
        Some(Ok(Submitted::Answer(SignInAnswer::CodeNeeded(_)))) => code_step.set(true),
        _ => {}
    });
    let restart = Callback::new(move |()| {
        sign_in.value().set(None);
        password.set(String::new());
        tried.set(false);
        password_asked.set(false);
        code_step.set(false);
    });

    let server_error = move || match sign_in.value().get() {
        Some(Err(failure)) => Some(failure),
        _ => None,
    };
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            let shown = if field == "password" {
                password_asked.get()
            } else {
                tried.get()
            };
            if shown {
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
        if checked.with_untracked(|c| c.contains("email")) || pending.get_untracked() {
            return;
        }
        sso_error.set(None);
        sign_in.dispatch((request(), next()));
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
                        {move || sso_error.get().map(|msg| view! {
                            <div class="message message--error" role="alert">{tr(msg)}</div>
                        })}
                        {move || server_error().map(|failure| view! {
                            <div class="message message--error" role="alert">{move || i18n.failure(&failure)}</div>
                        })}
                        <form novalidate on:submit=on_submit>
                            <TextField id="sign-in-email" name="email" label=Msg::Email value=email input_type="email"
                                autocomplete="username" required=true error=field_error("email")/>
                            // Not required: an address that signs in at its organisation's
                            // provider needs none, as the hint says.
                            <TextField id="sign-in-password" name="password" label=Msg::Password value=password input_type="password"
                                autocomplete="current-password" error=field_error("password")
                                hint=Signal::derive(move || i18n.t(Msg::SignInSsoHint).to_string())/>
                            <BlockSubmit pending=pending label=Msg::SignInButton busy=Msg::SigningIn/>
                        </form>
                        <p class="sign-in__links">
                            <a href=Route::ForgotPassword.to_path()>{tr(Msg::ForgotPasswordLink)}</a>
                        </p>
                        {next().filter(|n| leads_to_customers(n)).map(|next| view! {
                            <MicrosoftSignIn next=next leaving=leaving/>
                        })}
                    }.into_any()
                }}
            </main>
        </div>
    }
}

/// Whether `next` is a page of the customer admin center: a customer's user followed the
/// partner's deep link here.
fn leads_to_customers(next: &str) -> bool {
    let path = next.split(['?', '#']).next().unwrap_or_default();
    Route::parse(path).is_some_and(|r| r.access() == Access::Area(Area::AdminCenter))
}

/// "Sign in with Microsoft" for a customer's user on the way to the customer admin center,
/// when the operator set it up: the customer's own directory signs the user in, and the
/// browser comes back where the deep link leads.
#[component]
fn MicrosoftSignIn(next: String, leaving: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let available = use_loader(|| (), |()| api::customer_sso_available());
    let start: Action<String, ApiResult<Option<String>>> =
        Action::new_local(|next: &String| api::start_customer_sso(Some(next.clone())));
    Effect::new(move |_| {
        if let Some(Ok(Some(url))) = start.value().get() {
            leaving.set(true);
            // It comes back with a session cookie: the app asks who is signed in.
            session.expect_sign_in_elsewhere();
            if window().location().assign(&url).is_err() {
                leaving.set(false);
            }
        }
    });
    let failure = move || start.value().get().and_then(Result::err);
    let busy = move || start.pending().get() || leaving.get();
    view! {
        <Show when=move || matches!(available.data.get(), Some(Ok(true)))>
            <div class="sign-in__alternative">
                <p class="sign-in__or">{tr(Msg::SignInOr)}</p>
                {move || failure().map(|failure| view! {
                    <div class="message message--error" role="alert">{move || i18n.failure(&failure)}</div>
                })}
                <button type="button" class="button button--block" disabled=busy
                    aria-describedby="sign-in-microsoft-hint"
                    on:click={
                        let next = next.clone();
                        move |_| {
                            if !busy() {
                                start.dispatch(next.clone());
                            }
                        }
                    }>
                    {tr(Msg::SignInWithMicrosoft)}
                </button>
                <p id="sign-in-microsoft-hint" class="sign-in__hint">{tr(Msg::SignInWithMicrosoftHint)}</p>
            </div>
        </Show>
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
