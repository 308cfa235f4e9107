//! Settings → Users → Two-step sign-in: the partner's own rule. A Global admin may require it
//! of every user; Account admins see the rule. A Global admin who has not set it up is sent to
//! set it up at their next page.

use csp_domain::two_step::TwoStepPolicy;
use csp_domain::Permission;
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::loaded::Loaded;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::state::use_session;

#[component]
pub fn TwoStepRule() -> impl IntoView {
    let policy = use_loader(|| (), |()| api::two_step_policy());
    view! {
        <section class="card panel" aria-labelledby="two-step-rule-heading">
            <h2 id="two-step-rule-heading">{tr(Msg::TwoStepPolicyHeading)}</h2>
            <Loaded loader=policy children={move |p: TwoStepPolicy| view! { <RuleForm policy=p/> }}/>
        </section>
    }
}

#[component]
fn RuleForm(policy: TwoStepPolicy) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let (may_change, organization) = session.user.with_untracked(|u| {
        (
            u.as_ref()
                .is_some_and(|u| u.can(Permission::ManageGlobalAdmins)),
            u.as_ref()
                .map(|u| u.organization.clone())
                .unwrap_or_default(),
        )
    });
    let everyone = RwSignal::new(policy.required_for_everyone);
    let saved = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);
    let save: Action<bool, ApiResult<TwoStepPolicy>> = Action::new_local(|required: &bool| {
        api::set_two_step_policy(TwoStepPolicy {
            required_for_everyone: *required,
        })
    });
    let pending = save.pending();
    Effect::new(move |_| {
        let result = save.value().get();
        untrack(|| match result {
            Some(Ok(p)) => {
                everyone.set(p.required_for_everyone);
                saved.set(true);
                // The rule may now apply to this user too: the session says so from here on.
                leptos::task::spawn_local(async move {
                    if let Ok(user) = api::current_session().await {
                        session.user.set(Some(user));
                    }
                });
            }
            Some(Err(f)) => {
                everyone.set(!everyone.get_untracked());
                failure.set(Some(f));
            }
            None => {}
        })
    });
    let label = move || {
        i18n.f(
            Msg::TwoStepPolicyEveryone,
            &[("organization", &organization)],
        )
    };
    view! {
        <div class="field">
            <label class="choice" for="two-step-everyone">
                <input type="checkbox" id="two-step-everyone" aria-describedby="two-step-everyone-hint"
                    disabled=move || !may_change || pending.get()
                    prop:checked=move || everyone.get()
                    on:change=move |ev| {
                        let required = event_target_checked(&ev);
                        everyone.set(required);
                        saved.set(false);
                        failure.set(None);
                        save.dispatch_local(required);
                    }/>
                {label}
            </label>
            <p id="two-step-everyone-hint" class="field__hint">{tr(Msg::TwoStepPolicyHint)}</p>
            {(!may_change).then(|| view! {
                <p class="note">{move || i18n.requires(Permission::ManageGlobalAdmins)}</p>
            })}
        </div>
        {move || saved.get().then(|| view! {
            <p class="message message--success" role="status">{tr(Msg::TwoStepPolicySaved)}</p>
        })}
        {move || failure.get().map(|f| view! {
            <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
        })}
    }
}
