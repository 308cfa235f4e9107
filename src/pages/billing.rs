//! `/settings/billing` (Settings → Billing profile): how the partner pays, and its
//! self-service refund limit (R-CAN-6) — which its Global admins change here, within the
//! operator's maximum, with every change listed with who made it and when.

use csp_domain::billing::RefundLimit;
use csp_domain::{BillingProfile, FieldIssue, Permission};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::data_table::DataTable;
use crate::components::field::TextField;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::Spinner;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::state::use_session;

#[component]
pub fn BillingProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = use_loader(|| (), |()| api::billing_profile());
    // Kept by the page: the profile is read again after a change, and the form with it.
    let saved = RwSignal::new(None::<RefundLimit>);
    let on_saved = Callback::new(move |()| profile.reload());
    view! {
        <PageHeader title=move || i18n.t(Msg::BillingProfile) intro=move || i18n.t(Msg::BillingIntro)/>
        <Loaded loader=profile children={move |p: BillingProfile| view! { <ProfileView profile=p saved=saved on_saved=on_saved/> }}/>
    }
}

#[component]
fn ProfileView(
    profile: BillingProfile,
    saved: RwSignal<Option<RefundLimit>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_change = session.user.with_untracked(|u| {
        u.as_ref()
            .is_some_and(|u| u.can(Permission::ManageBillingSettings))
    });
    let limit = profile.refund_limit;
    let max = profile.refund_limit_max;
    let changes = profile
        .refund_limit_changes
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <td class="nowrap"><time datetime=format::machine_time(c.at)>{format::local_date_time(c.at)}</time></td>
                    <th scope="row" class="table__primary">{c.by.clone()}</th>
                    <td class="numeric">{c.from.clone().unwrap_or_else(|| "—".into())}</td>
                    <td class="numeric">{c.to.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let no_changes = profile.refund_limit_changes.is_empty();
    view! {
        <section class="card panel" aria-labelledby="billing-profile">
            <h2 id="billing-profile">{tr(Msg::BillingProfile)}</h2>
            <dl class="details">
                <div><dt>{tr(Msg::ColCompany)}</dt><dd>{profile.company_name.clone()}</dd></div>
                <div><dt>{tr(Msg::BillingAddress)}</dt><dd class="prewrap">{profile.address_lines.join("\n")}</dd></div>
                <div><dt>{tr(Msg::InvoicesSentTo)}</dt><dd>{profile.invoice_email.clone()}</dd></div>
                <div><dt>{tr(Msg::PaymentMethod)}</dt><dd>{profile.payment_method.clone()}</dd></div>
            </dl>
        </section>
        <section class="card panel" aria-labelledby="refund-limit">
            <h2 id="refund-limit">{tr(Msg::RefundLimit)}</h2>
            <p class="refund-limit__value"><strong>{limit.grouped()}</strong></p>
            <p class="note">{move || i18n.f(Msg::RefundLimitHint, &[("max", &max.grouped())])}</p>
            {if may_change {
                view! { <LimitForm current=limit saved=saved on_saved=on_saved/> }.into_any()
            } else {
                view! { <p class="note">{move || i18n.requires(Permission::ManageBillingSettings)}</p> }.into_any()
            }}
            <h3>{tr(Msg::RefundLimitChanges)}</h3>
            {if no_changes {
                view! { <p class="note">{tr(Msg::NoRefundLimitChanges)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-region"><div class="table-region__scroll" tabindex="0">
                        <DataTable columns=&[Msg::ColWhen, Msg::ColChangedBy, Msg::ColFrom, Msg::ColTo]>{changes}</DataTable>
                    </div></div>
                }.into_any()
            }}
        </section>
    }
}

/// The limit as a Global admin changes it: checked with the domain's rule before sending (the
/// server checks the operator's maximum too).
#[component]
fn LimitForm(
    current: RefundLimit,
    saved: RwSignal<Option<RefundLimit>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = RwSignal::new(current.to_string());
    let error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let save: Action<String, ApiResult<BillingProfile>> =
        Action::new_local(|limit: &String| api::set_refund_limit(limit.clone()));
    let pending = save.pending();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(profile)) => {
            saved.set(Some(profile.refund_limit));
            on_saved.run(());
        }
        Some(Err(f)) => {
            error.set(i18n.server_field_error(&f, "refund_limit"));
            failure.set(Some(f));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        saved.set(None);
        let text = value.get_untracked().trim().to_string();
        match RefundLimit::parse(&text) {
            Ok(_) => {
                error.set(None);
                save.dispatch_local(text);
            }
            Err(issue) => error.set(Some(i18n.text(&issue.text()))),
        }
    };
    view! {
        <form class="form" novalidate on:submit=on_submit>
            <TextField id="refund_limit" label=Msg::NewRefundLimit value=value inputmode="decimal" error=error/>
            {move || saved.get().map(|limit| view! {
                <p class="message message--success" role="status">{move || i18n.f(Msg::RefundLimitSaved, &[("limit", &limit.grouped())])}</p>
            })}
            {move || failure.get().filter(|f| f.field_codes.is_empty()).map(|f| view! {
                <p class="message message--error" role="alert">{i18n.failure(&f)}</p>
            })}
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::SaveRefundLimit)}
                </button>
            </div>
        </form>
    }
}
