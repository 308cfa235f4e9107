//! `/profile` (the "Profile" link in the banner): the signed-in user's own settings — the
//! language their mails are written in and, for partner users, the mails they may switch off
//! (order confirmations, support request updates). Every kind of user can open it; mails
//! about cancelled purchases and switched-off webhooks are always sent.

use csp_domain::account::{check_new_password, PasswordChange, PASSWORD_MIN_CHARS};
use csp_domain::notification::{parse_language, Profile, ProfileChange, LANGUAGES};
use csp_domain::{FieldIssue, UserKind};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::field::{described_by, TextField};
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::Spinner;
use crate::i18n::{tr, use_i18n, Locale, Msg};
use crate::loader::use_loader;
use crate::pages::devices::DevicesSection;
use crate::pages::two_step::TwoStepSection;
use crate::state::use_session;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = use_loader(|| (), |()| api::profile());
    view! {
        <PageHeader title=move || i18n.t(Msg::NavProfile) intro=move || i18n.t(Msg::ProfileIntro)/>
        <Loaded loader=profile children={move |p: Profile| {
            let two_step = p.two_step;
            // Roles that need two-step sign-in are sent here to set it up: it comes first.
            let setup_first = use_session()
                .user
                .with_untracked(|u| u.as_ref().is_some_and(|u| u.two_step_setup_required));
            if setup_first {
                view! { <TwoStepSection status=two_step/><ProfileForm profile=p/><PasswordForm/><DevicesSection/> }.into_any()
            } else {
                view! { <ProfileForm profile=p/><PasswordForm/><TwoStepSection status=two_step/><DevicesSection/> }.into_any()
            }
        }}/>
    }
}

/// Change password: the current one, and a new one of the rules; the user's other sessions
/// end, this one goes on.
#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let email = session
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.email.clone()));
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let current_error = RwSignal::new(None::<String>);
    let new_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let changed = RwSignal::new(false);
    let hint =
        Signal::derive(move || i18n.f(Msg::PasswordRuleHint, &[("min", &PASSWORD_MIN_CHARS)]));

    let change: Action<PasswordChange, ApiResult<()>> =
        Action::new_local(|c: &PasswordChange| api::change_password(c.clone()));
    let pending = change.pending();
    Effect::new(move |_| {
        let result = change.value().get();
        untrack(|| match result {
            Some(Ok(())) => {
                current.set(String::new());
                new.set(String::new());
                changed.set(true);
            }
            Some(Err(f)) => {
                current_error.set(i18n.server_field_error(&f, "current_password"));
                new_error.set(i18n.server_field_error(&f, "new_password"));
                failure.set(Some(f));
            }
            None => {}
        })
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        changed.set(false);
        failure.set(None);
        let (now, next) = (current.get_untracked(), new.get_untracked());
        current_error.set(
            now.is_empty()
                .then(|| i18n.t(Msg::FieldRequired).to_string()),
        );
        new_error.set(
            check_new_password(&next, email.as_ref())
                .err()
                .map(|issue| i18n.text(&issue.text())),
        );
        if current_error.with_untracked(Option::is_none)
            && new_error.with_untracked(Option::is_none)
        {
            change.dispatch_local(PasswordChange {
                current_password: now,
                new_password: next,
            });
        }
    };
    view! {
        <section class="card panel" aria-labelledby="password-heading">
            <h2 id="password-heading">{tr(Msg::PasswordSection)}</h2>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="current-password" name="current_password" label=Msg::CurrentPassword value=current
                    input_type="password" autocomplete="current-password" required=true error=current_error/>
                <TextField id="changed-password" name="new_password" label=Msg::NewPassword value=new
                    input_type="password" autocomplete="new-password" required=true error=new_error hint=hint/>
                {move || changed.get().then(|| view! {
                    <p class="message message--success" role="status">{tr(Msg::PasswordChanged)}</p>
                })}
                {move || failure.get().filter(|f| f.field_codes.is_empty()).map(|f| view! {
                    <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
                })}
                <div class="form__actions">
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()><Spinner/></Show>
                        {tr(Msg::SavePasswordButton)}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn ProfileForm(profile: Profile) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Only partner users place orders and file support requests.
    let partner = session
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.kind == UserKind::Partner));
    let language = RwSignal::new(profile.language.clone());
    let order_confirmations = RwSignal::new(profile.order_confirmations);
    let support_updates = RwSignal::new(profile.support_updates);
    let language_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let saved = RwSignal::new(false);

    // The language switch in the banner sets the language of mails too (it tells the server):
    // show the language it chose.
    Effect::new(move |previous: Option<Locale>| {
        let locale = i18n.locale.get();
        if previous.is_some_and(|p| p != locale) {
            language.set(locale.tag().to_string());
        }
        locale
    });

    let save: Action<ProfileChange, ApiResult<Profile>> =
        Action::new_local(|change: &ProfileChange| api::change_profile(change.clone()));
    let pending = save.pending();
    Effect::new(move |_| {
        let result = save.value().get();
        untrack(|| match result {
            Some(Ok(profile)) => {
                language.set(profile.language);
                order_confirmations.set(profile.order_confirmations);
                support_updates.set(profile.support_updates);
                saved.set(true);
            }
            Some(Err(f)) => {
                language_error.set(i18n.server_field_error(&f, "language"));
                failure.set(Some(f));
            }
            None => {}
        })
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        failure.set(None);
        match parse_language(&language.get_untracked()) {
            Ok(tag) => {
                language_error.set(None);
                save.dispatch_local(ProfileChange {
                    language: Some(tag.to_string()),
                    order_confirmations: partner.then(|| order_confirmations.get_untracked()),
                    support_updates: partner.then(|| support_updates.get_untracked()),
                });
            }
            Err(issue) => language_error.set(Some(i18n.text(&issue.text()))),
        }
    };

    // Each language under its own name, as in the language switch.
    let options = LANGUAGES
        .into_iter()
        .map(|tag| {
            let name = Locale::from_tag(tag).map_or(tag, Locale::native_name);
            view! { <option value=tag lang=tag prop:selected=move || language.get() == tag>{name}</option> }
        })
        .collect_view();
    let has_error = move || language_error.with(Option::is_some);

    view! {
        <div class="card panel profile">
            <dl class="details">
                <div><dt>{tr(Msg::ContactName)}</dt><dd>{profile.display_name.clone()}</dd></div>
                <div><dt>{tr(Msg::Email)}</dt><dd>{profile.email.clone()}</dd></div>
            </dl>
            <form class="form" novalidate on:submit=on_submit>
                <div class="field" class:field--invalid=has_error>
                    <label for="mail-language">{tr(Msg::MailLanguage)}</label>
                    <select
                        id="mail-language"
                        name="language"
                        aria-invalid=move || has_error().to_string()
                        aria-describedby=move || described_by("mail-language", false, has_error())
                        on:change=move |ev| language.set(event_target_value(&ev))
                    >
                        {options}
                    </select>
                    {move || language_error.get().map(|e| view! { <p id="mail-language-error" class="field__error">{e}</p> })}
                </div>
                {partner.then(|| view! {
                    <div class="field">
                        <label class="choice" for="mail-order-confirmations">
                            <input type="checkbox" id="mail-order-confirmations" name="order_confirmations"
                                prop:checked=move || order_confirmations.get()
                                on:change=move |ev| order_confirmations.set(event_target_checked(&ev))/>
                            {tr(Msg::MailOrderConfirmations)}
                        </label>
                        <label class="choice" for="mail-support-updates">
                            <input type="checkbox" id="mail-support-updates" name="support_updates"
                                prop:checked=move || support_updates.get()
                                on:change=move |ev| support_updates.set(event_target_checked(&ev))/>
                            {tr(Msg::MailSupportUpdates)}
                        </label>
                    </div>
                })}
                <p class="note">{tr(Msg::MailAlwaysSent)}</p>
                {move || saved.get().then(|| view! {
                    <p class="message message--success" role="status">{tr(Msg::ProfileSaved)}</p>
                })}
                {move || failure.get().filter(|f| f.field_codes.is_empty()).map(|f| view! {
                    <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
                })}
                <div class="form__actions">
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()><Spinner/></Show>
                        {tr(Msg::SaveProfile)}
                    </button>
                </div>
            </form>
        </div>
    }
}
