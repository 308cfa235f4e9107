//! The pages of the mailed links, opened signed out (or signed in — the link is what counts):
//! `/accept-invitation?token=…` ("Set your password", from an invitation) and
//! `/reset-password?token=…` ("Choose a new password", from a reset mail), which set the
//! password once, sign the user in and take them to their start page; and `/forgot-password`,
//! which asks for a reset link and answers the same whether the address has an account.
//!
//! The new password is checked with the domain's `check_new_password` before sending, as the
//! server checks it; the server's word (too short, too common) is shown next to the field, and
//! a used or expired link (410 `invalid_link`) as a message with the ways on.

use csp_domain::account::{
    check_new_password, AcceptToken, PasswordResetRequest, PASSWORD_MIN_CHARS, RESET_MINUTES,
};
use csp_domain::two_step::SignInAnswer;
use csp_domain::{Email, ErrorCode, FieldIssue, SessionResponse};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::field::TextField;
use crate::components::focus::focus_by_id;
use crate::components::language_switch::LanguageSwitch;
use crate::components::page_header::use_document_title;
use crate::components::states::BlockSubmit;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::router::{use_query_map, NavigateOptions, Redirect};
use crate::routes::Route;
use crate::state::use_session;

/// Which link a password page was opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// An invitation: the account's first password.
    Invitation,
    /// A password reset.
    Reset,
}

impl LinkPurpose {
    fn heading(self) -> Msg {
        match self {
            LinkPurpose::Invitation => Msg::AcceptInvitationHeading,
            LinkPurpose::Reset => Msg::ResetPasswordHeading,
        }
    }

    fn intro(self) -> Msg {
        match self {
            LinkPurpose::Invitation => Msg::AcceptInvitationIntro,
            LinkPurpose::Reset => Msg::ResetPasswordIntro,
        }
    }

    fn button(self) -> Msg {
        match self {
            LinkPurpose::Invitation => Msg::SetPasswordButton,
            LinkPurpose::Reset => Msg::SavePasswordButton,
        }
    }
}

/// What is wrong with the two password fields before asking the server, as texts of the
/// message table (so they follow a change of language).
#[derive(Debug, Clone, PartialEq, Default)]
struct PasswordProblems {
    password: Option<csp_domain::Text>,
    repeat: Option<Msg>,
}

impl PasswordProblems {
    fn check(password: &str, repeat: &str) -> PasswordProblems {
        let password_problem = if password.is_empty() {
            Some(csp_domain::Text::new(Msg::NewPasswordRequired))
        } else {
            check_new_password(password, None)
                .err()
                .map(|issue| issue.text())
        };
        PasswordProblems {
            password: password_problem,
            repeat: (password != repeat).then_some(Msg::PasswordsDiffer),
        }
    }

    fn is_empty(&self) -> bool {
        self.password.is_none() && self.repeat.is_none()
    }
}

/// "Set your password" (an invitation) or "Choose a new password" (a reset).
#[component]
pub fn SetPasswordPage(purpose: LinkPurpose) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let token = query.with_untracked(|q| q.get("token")).unwrap_or_default();
    let token = token.trim().to_string();

    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let checked = Memo::new(move |_| PasswordProblems::check(&password.get(), &repeat.get()));

    let accept: Action<AcceptToken, ApiResult<SignInAnswer>> =
        Action::new_local(move |accept: &AcceptToken| {
            let accept = accept.clone();
            async move {
                match purpose {
                    LinkPurpose::Invitation => api::accept_invitation(accept)
                        .await
                        .map(|user| SignInAnswer::SignedIn(SessionResponse { user })),
                    LinkPurpose::Reset => api::accept_password_reset(accept).await,
                }
            }
        });
    let pending = accept.pending();
    let failure = RwSignal::new(None::<ApiFailure>);
    let destination = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let result = accept.value().get();
        untrack(|| match result {
            Some(Ok(SignInAnswer::SignedIn(SessionResponse { user }))) => {
                let home = Route::home_for(user.kind).to_path();
                session.sign_in(user);
                destination.set(Some(home));
            }
            // The password is set; a user with two-step sign-in still gives the code.
            Some(Ok(SignInAnswer::CodeNeeded(_))) => {
                destination.set(Some(format!("{}?step=code", Route::SignIn.to_path())));
            }
            Some(Err(f)) => {
                let on_field = f.field_codes.get("password").is_some();
                failure.set(Some(f));
                if on_field {
                    focus_by_id("new-password");
                }
            }
            None => {}
        })
    });

    // A link without a token, or one the server no longer knows: no form, the ways on.
    let no_token = token.is_empty();
    let link_dead = move || {
        no_token
            || failure.with(|f| {
                f.as_ref()
                    .is_some_and(|f| f.known_code() == Some(ErrorCode::InvalidLink))
            })
    };

    let password_error = Signal::derive(move || {
        if tried.get() {
            if let Some(text) = checked.with(|c| c.password.as_ref().map(|t| i18n.text(t))) {
                return Some(text);
            }
        }
        failure.with(|f| {
            f.as_ref()
                .and_then(|f| i18n.server_field_error(f, "password"))
        })
    });
    let repeat_error = Signal::derive(move || {
        if tried.get() {
            checked.with(|c| c.repeat.map(|m| i18n.t(m).to_string()))
        } else {
            None
        }
    });
    let hint =
        Signal::derive(move || i18n.f(Msg::PasswordRuleHint, &[("min", &PASSWORD_MIN_CHARS)]));

    let submit_token = StoredValue::new(token);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if pending.get_untracked() {
            return;
        }
        let problems = checked.get_untracked();
        if problems.password.is_some() {
            focus_by_id("new-password");
            return;
        }
        if problems.repeat.is_some() {
            focus_by_id("repeat-password");
            return;
        }
        debug_assert!(problems.is_empty());
        failure.set(None);
        accept.dispatch_local(AcceptToken {
            token: submit_token.get_value(),
            password: password.get_untracked(),
        });
    };

    let general_failure = move || {
        failure
            .get()
            .filter(|f| f.field_codes.is_empty() && f.known_code() != Some(ErrorCode::InvalidLink))
    };

    let form = move || {
        view! {
            {move || general_failure().map(|f| view! {
                <div class="message message--error" role="alert">{move || i18n.failure(&f)}</div>
            })}
            <form novalidate on:submit=on_submit>
                <TextField id="new-password" name="password" label=Msg::NewPassword value=password
                    input_type="password" autocomplete="new-password" required=true
                    error=password_error hint=hint/>
                <TextField id="repeat-password" name="repeat" label=Msg::RepeatPassword value=repeat
                    input_type="password" autocomplete="new-password" required=true
                    error=repeat_error/>
                <BlockSubmit pending=pending.into() label=purpose.button() busy=Msg::SettingPassword/>
            </form>
        }
    };
    let dead = move || {
        let text = if failure.with(Option::is_some) {
            failure.get().map(|f| i18n.failure(&f)).unwrap_or_default()
        } else {
            i18n.t(Msg::LinkMissing).to_string()
        };
        view! {
            <div class="message message--error" role="alert">{text}</div>
            <OnwardLinks i18n=i18n/>
        }
    };

    view! {
        {move || destination.get().map(|path| view! {
            <Redirect path=path options=NavigateOptions { replace: true, ..Default::default() }/>
        })}
        <SignedOutCard heading=purpose.heading() intro=purpose.intro()>
            {move || if link_dead() { dead().into_any() } else { form().into_any() }}
        </SignedOutCard>
    }
}

/// "Go to sign in" and "Forgot your password?": where a dead link leaves the user.
#[component]
fn OnwardLinks(i18n: I18n) -> impl IntoView {
    view! {
        <ul class="sign-in__links">
            <li><a href=Route::SignIn.to_path()>{move || i18n.t(Msg::GoToSignIn)}</a></li>
            <li><a href=Route::ForgotPassword.to_path()>{move || i18n.t(Msg::ForgotPasswordLink)}</a></li>
        </ul>
    }
}

/// "Reset your password": the address; the answer is the same whether it has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let checked = Memo::new(move |_| Email::parse(&email.get()).err());
    let send: Action<PasswordResetRequest, ApiResult<()>> =
        Action::new_local(|request: &PasswordResetRequest| {
            api::request_password_reset(request.clone())
        });
    let pending = send.pending();
    let failure = RwSignal::new(None::<ApiFailure>);
    let sent = RwSignal::new(false);
    Effect::new(move |_| {
        let result = send.value().get();
        untrack(|| match result {
            Some(Ok(())) => sent.set(true),
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });

    let email_error = Signal::derive(move || {
        if tried.get() {
            if let Some(text) = checked.with(|c| c.as_ref().map(|issue| i18n.text(&issue.text()))) {
                return Some(text);
            }
        }
        failure.with(|f| f.as_ref().and_then(|f| i18n.server_field_error(f, "email")))
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if pending.get_untracked() {
            return;
        }
        if checked.with_untracked(Option::is_some) {
            focus_by_id("forgot-email");
            return;
        }
        failure.set(None);
        send.dispatch_local(PasswordResetRequest {
            email: email.get_untracked().trim().to_string(),
        });
    };

    let form = move || {
        view! {
            {move || failure.get().filter(|f| f.field_codes.is_empty()).map(|f| view! {
                <div class="message message--error" role="alert">{move || i18n.failure(&f)}</div>
            })}
            <form novalidate on:submit=on_submit>
                <TextField id="forgot-email" name="email" label=Msg::Email value=email input_type="email"
                    autocomplete="username" required=true error=email_error/>
                <BlockSubmit pending=pending.into() label=Msg::SendResetLink busy=Msg::SendingResetLink/>
            </form>
        }
    };

    view! {
        <SignedOutCard heading=Msg::ForgotPasswordHeading intro=Msg::ForgotPasswordIntro>
            {move || if sent.get() {
                view! {
                    <p class="message message--success" role="status">
                        {move || i18n.f(Msg::ResetLinkSent, &[("minutes", &RESET_MINUTES)])}
                    </p>
                }.into_any()
            } else {
                form().into_any()
            }}
            <ul class="sign-in__links">
                <li><a href=Route::SignIn.to_path()>{tr(Msg::GoToSignIn)}</a></li>
            </ul>
        </SignedOutCard>
    }
}

/// The frame of a signed-out page, as the sign-in page has it: the language in a banner, the
/// card with the product's name, the heading and its introduction.
#[component]
fn SignedOutCard(heading: Msg, intro: Msg, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    use_document_title(move || i18n.t(heading).to_string());
    view! {
        <div class="sign-in">
            <header class="sign-in__language"><LanguageSwitch/></header>
            <main id="main" class="sign-in__card">
                <div class="sign-in__brand">
                    <span class="banner__logo" aria-hidden="true"></span>
                    <span>{tr(Msg::AppName)}</span>
                </div>
                <h1>{tr(heading)}</h1>
                <p class="sign-in__intro">{tr(intro)}</p>
                {children()}
            </main>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fields_are_checked_before_sending() {
        let empty = PasswordProblems::check("", "");
        assert_eq!(
            empty.password.map(|t| t.key),
            Some(Msg::NewPasswordRequired)
        );
        assert_eq!(empty.repeat, None);
        let common = PasswordProblems::check("password1234", "password1234");
        assert_eq!(common.password.map(|t| t.key), Some(Msg::PasswordCommon));
        let short = PasswordProblems::check("short", "short");
        assert_eq!(short.password.map(|t| t.key), Some(Msg::PasswordTooShort));
        let differ = PasswordProblems::check("purple elephant rides", "purple elephant ride");
        assert_eq!(differ.password, None);
        assert_eq!(differ.repeat, Some(Msg::PasswordsDiffer));
        assert!(
            PasswordProblems::check("purple elephant rides", "purple elephant rides").is_empty()
        );
    }
}
