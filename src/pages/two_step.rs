//! Profile → Two-step sign-in: set it up (a QR code and the key for an authenticator app,
//! turned on by a code of it; then the ten recovery codes, shown this once) or switch it off
//! with the password. The second step of a sign-in is on the sign-in page.

use csp_domain::two_step::{Enrolment, OneTimeCode, RecoveryCodes, TwoStepStatus};
use csp_domain::FieldIssue;
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::copy_button::{CopyButton, CopyField};
use crate::components::field::TextField;
use crate::components::focus::{focus_by_id, later};
use crate::components::states::Spinner;
use crate::i18n::{tr, use_i18n, Msg};
use crate::state::use_session;

#[component]
pub fn TwoStepSection(status: TwoStepStatus) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(status);
    let enrolment = RwSignal::new(None::<Enrolment>);
    let recovery = RwSignal::new(None::<Vec<String>>);
    let turned_off = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);

    let start: Action<(), ApiResult<Enrolment>> = Action::new_local(|()| api::start_two_step());
    let starting = start.pending();
    Effect::new(move |_| {
        let result = start.value().get();
        untrack(|| match result {
            Some(Ok(e)) => {
                enrolment.set(Some(e));
                later(|| focus_by_id("two-step-code"));
            }
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });
    let on_start = move |_| {
        failure.set(None);
        turned_off.set(false);
        recovery.set(None);
        start.dispatch_local(());
    };
    let session = use_session();
    let setup_first = move || {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.two_step_setup_required))
    };
    let on_enabled = Callback::new(move |codes: RecoveryCodes| {
        enrolment.set(None);
        session.user.update(|u| {
            if let Some(u) = u {
                u.two_step_setup_required = false;
            }
        });
        status.set(TwoStepStatus {
            enabled: true,
            recovery_codes_left: codes.recovery_codes.len() as u32,
        });
        recovery.set(Some(codes.recovery_codes));
        later(|| focus_by_id("recovery-codes"));
    });
    let on_disabled = Callback::new(move |()| {
        status.set(TwoStepStatus::default());
        recovery.set(None);
        turned_off.set(true);
    });

    view! {
        <section class="card panel" aria-labelledby="two-step-heading">
            <h2 id="two-step-heading">{tr(Msg::TwoStepHeading)}</h2>
            {move || setup_first().then(|| view! {
                <p class="message message--warning">{tr(Msg::TwoStepRequiredNotice)}</p>
            })}
            {move || recovery.get().map(|codes| view! { <ShownRecoveryCodes codes=codes/> })}
            {move || turned_off.get().then(|| view! {
                <p class="message message--success" role="status">{tr(Msg::TwoStepTurnedOff)}</p>
            })}
            {move || failure.get().map(|f| view! {
                <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
            })}
            {move || {
                let TwoStepStatus { enabled, recovery_codes_left } = status.get();
                if enabled {
                    view! {
                        <p>{move || i18n.f(Msg::TwoStepOn, &[("count", &recovery_codes_left)])}</p>
                        <TurnOff on_disabled=on_disabled/>
                    }.into_any()
                } else if let Some(e) = enrolment.get() {
                    view! { <Confirm enrolment=e on_enabled=on_enabled/> }.into_any()
                } else {
                    view! {
                        <p>{tr(Msg::TwoStepOff)}</p>
                        <div class="form__actions">
                            <button type="button" class="button button--primary" on:click=on_start
                                disabled=move || starting.get() aria-busy=move || starting.get().to_string()>
                                <Show when=move || starting.get()><Spinner/></Show>
                                {tr(Msg::TwoStepSetUp)}
                            </button>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

/// The QR code and key of a new secret, and the code that turns it on.
#[component]
fn Confirm(enrolment: Enrolment, on_enabled: Callback<RecoveryCodes>) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let confirm: Action<String, ApiResult<RecoveryCodes>> =
        Action::new_local(|code: &String| api::confirm_two_step(code.clone()));
    let pending = confirm.pending();
    Effect::new(move |_| {
        let result = confirm.value().get();
        untrack(|| match result {
            Some(Ok(codes)) => on_enabled.run(codes),
            Some(Err(f)) => {
                code_error.set(i18n.server_field_error(&f, "code"));
                failure.set(Some(f).filter(|f| f.field_codes.is_empty()));
            }
            None => {}
        })
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let typed = code.get_untracked();
        match OneTimeCode::parse(&typed) {
            Ok(OneTimeCode::Authenticator(_)) => {
                code_error.set(None);
                confirm.dispatch_local(typed);
            }
            Ok(OneTimeCode::Recovery(_)) => {
                code_error.set(Some(i18n.t(Msg::TwoStepCodeMalformed).to_string()))
            }
            Err(issue) => code_error.set(Some(i18n.text(&issue.text()))),
        }
    };
    let Enrolment { secret, qr_svg, .. } = enrolment;
    view! {
        <p>{tr(Msg::TwoStepScan)}</p>
        <div class="two-step__qr" role="img" aria-label=move || i18n.t(Msg::TwoStepQrLabel) inner_html=qr_svg></div>
        <CopyField id="two-step-key" label=Msg::TwoStepKeyLabel text=secret button=Msg::CopyKey/>
        <form class="form" novalidate on:submit=on_submit>
            <TextField id="two-step-code" name="code" label=Msg::TwoStepCodeLabel value=code
                autocomplete="one-time-code" inputmode="numeric" required=true error=code_error/>
            {move || failure.get().map(|f| view! {
                <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
            })}
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::TwoStepConfirm)}
                </button>
            </div>
        </form>
    }
}

/// The recovery codes just made, with a copy button: shown this once.
#[component]
fn ShownRecoveryCodes(codes: Vec<String>) -> impl IntoView {
    let text = codes.join("\n");
    let rows = codes.len();
    view! {
        <div class="message message--success two-step__recovery" role="status">
            <p>{tr(Msg::TwoStepRecoveryIntro)}</p>
            <label for="recovery-codes">{tr(Msg::TwoStepRecoveryLabel)}</label>
            <textarea id="recovery-codes" class="two-step__codes" readonly rows=rows prop:value=text.clone()></textarea>
            <CopyButton text=text field_id="recovery-codes".to_string() label=Msg::TwoStepCopyCodes/>
        </div>
    }
}

/// Switching two-step sign-in off, with the password.
#[component]
fn TurnOff(on_disabled: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let password_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let disable: Action<String, ApiResult<()>> =
        Action::new_local(|password: &String| api::disable_two_step(password.clone()));
    let pending = disable.pending();
    Effect::new(move |_| {
        let result = disable.value().get();
        untrack(|| match result {
            Some(Ok(())) => on_disabled.run(()),
            Some(Err(f)) => {
                password_error.set(i18n.server_field_error(&f, "password"));
                failure.set(Some(f).filter(|f| f.field_codes.is_empty()));
            }
            None => {}
        })
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let typed = password.get_untracked();
        if typed.is_empty() {
            password_error.set(Some(i18n.t(Msg::PasswordRequired).to_string()));
            return;
        }
        password_error.set(None);
        disable.dispatch_local(typed);
    };
    view! {
        <form class="form" novalidate on:submit=on_submit>
            <p class="note">{tr(Msg::TwoStepTurnOffPrompt)}</p>
            <TextField id="two-step-password" name="password" label=Msg::Password value=password
                input_type="password" autocomplete="current-password" required=true error=password_error/>
            {move || failure.get().map(|f| view! {
                <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
            })}
            <div class="form__actions">
                <button type="submit" class="button button--danger" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::TwoStepTurnOff)}
                </button>
            </div>
        </form>
    }
}
