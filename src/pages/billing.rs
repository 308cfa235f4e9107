//! `/settings/billing` (Settings → Billing profile): how the partner pays — the billing
//! address, where invoices go and the payment method — and its self-service refund limit
//! (R-CAN-6). Its Global admins change both here (the details checked with the domain's
//! `BillingProfileChange::check_details`: a payment method is a reference, never a card
//! number; the limit within the operator's maximum), every change listed with who made it,
//! when, and what it was before; the other roles read them.

use csp_domain::billing::{BillingProfileChange, RefundLimit, SettingChange};
use csp_domain::{BillingProfile, FieldIssue, Permission};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::data_table::DataTable;
use crate::components::field::{field_problem, first_with_problem, TextAreaField, TextField};
use crate::components::focus::focus_by_id;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::Spinner;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::state::use_session;

/// What the page saved last, said next to the form that saved it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saved {
    RefundLimit(RefundLimit),
    Details,
    NothingChanged,
}

#[component]
pub fn BillingProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = use_loader(|| (), |()| api::billing_profile());
    // Kept by the page: the profile is read again after a change, and the forms with it.
    let saved = RwSignal::new(None::<Saved>);
    let on_saved = Callback::new(move |()| profile.reload());
    view! {
        <PageHeader title=move || i18n.t(Msg::BillingProfile) intro=move || i18n.t(Msg::BillingIntro)/>
        <Loaded loader=profile children={move |p: BillingProfile| view! { <ProfileView profile=p saved=saved on_saved=on_saved/> }}/>
    }
}

#[component]
fn ProfileView(
    profile: BillingProfile,
    saved: RwSignal<Option<Saved>>,
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
    let details_changes = profile.details_changes.clone();
    view! {
        <section class="card panel" aria-labelledby="billing-profile">
            <h2 id="billing-profile">{tr(Msg::BillingProfile)}</h2>
            <dl class="details">
                <div><dt>{tr(Msg::ColCompany)}</dt><dd>{profile.company_name.clone()}</dd></div>
                <div><dt>{tr(Msg::BillingAddress)}</dt><dd class="prewrap">{profile.address_lines.join("\n")}</dd></div>
                <div><dt>{tr(Msg::InvoicesSentTo)}</dt><dd>{profile.invoice_email.clone()}</dd></div>
                <div><dt>{tr(Msg::PaymentMethod)}</dt><dd>{profile.payment_method.clone()}</dd></div>
            </dl>
            {if may_change {
                view! { <DetailsForm profile=profile.clone() saved=saved on_saved=on_saved/> }.into_any()
            } else {
                view! { <p class="note">{move || i18n.requires(Permission::ManageBillingSettings)}</p> }.into_any()
            }}
            <h3>{tr(Msg::DetailsChanges)}</h3>
            <DetailsChanges changes=details_changes/>
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
    saved: RwSignal<Option<Saved>>,
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
            saved.set(Some(Saved::RefundLimit(profile.refund_limit)));
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
            {move || match saved.get() {
                Some(Saved::RefundLimit(limit)) => Some(view! {
                    <p class="message message--success" role="status">{move || i18n.f(Msg::RefundLimitSaved, &[("limit", &limit.grouped())])}</p>
                }),
                _ => None,
            }}
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

/// Who changed the address, the invoices' address or the payment method, when, from what.
#[component]
fn DetailsChanges(changes: Vec<SettingChange>) -> impl IntoView {
    let i18n = use_i18n();
    if changes.is_empty() {
        return view! { <p class="note">{tr(Msg::NoBillingDetailsChanges)}</p> }.into_any();
    }
    let rows = changes
        .into_iter()
        .map(|c| {
            let setting = c.setting.clone();
            view! {
                <tr>
                    <td class="nowrap"><time datetime=format::machine_time(c.at)>{format::local_date_time(c.at)}</time></td>
                    <th scope="row" class="table__primary">{c.by}</th>
                    <td>{move || i18n.billing_setting(&setting)}</td>
                    <td class="prewrap">{c.from.unwrap_or_else(|| "—".into())}</td>
                    <td class="prewrap">{c.to}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-region"><div class="table-region__scroll" tabindex="0">
            <DataTable columns=&[Msg::ColWhen, Msg::ColChangedBy, Msg::ColChange, Msg::ColFrom, Msg::ColTo]>{rows}</DataTable>
        </div></div>
    }
    .into_any()
}

/// The fields of the details form and their controls, in the form's order.
const DETAIL_FIELDS: [(&str, &str); 3] = [
    ("address_lines", "address-lines"),
    ("invoice_email", "invoice-email"),
    ("payment_method", "payment-method"),
];

/// The change of what differs from `profile` (the address one line per line, empty lines
/// left out); what is the same is not sent.
fn change_of(
    profile: &BillingProfile,
    lines: &str,
    email: &str,
    method: &str,
) -> BillingProfileChange {
    let lines: Vec<String> = lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let (email, method) = (email.trim(), method.trim());
    BillingProfileChange {
        refund_limit: None,
        address_lines: (lines != profile.address_lines).then_some(lines),
        invoice_email: (email != profile.invoice_email).then(|| email.to_string()),
        payment_method: (method != profile.payment_method).then(|| method.to_string()),
    }
}

/// The address, the invoices' address and the payment method as a Global admin changes them:
/// checked with the domain's rules before sending, the server's problems next to their fields.
#[component]
fn DetailsForm(
    profile: BillingProfile,
    saved: RwSignal<Option<Saved>>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lines = RwSignal::new(profile.address_lines.join("\n"));
    let email = RwSignal::new(profile.invoice_email.clone());
    let method = RwSignal::new(profile.payment_method.clone());
    let profile = StoredValue::new(profile);
    let change = Memo::new(move |_| {
        profile.with_value(|p| change_of(p, &lines.get(), &email.get(), &method.get()))
    });
    let checked = Memo::new(move |_| change.with(|c| c.check_details().err().unwrap_or_default()));
    let tried = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);
    let save: Action<BillingProfileChange, ApiResult<BillingProfile>> =
        Action::new_local(|change: &BillingProfileChange| {
            api::change_billing_details(change.clone())
        });
    let pending = save.pending();
    Effect::new(move |_| {
        let result = save.value().get();
        untrack(|| match result {
            Some(Ok(_)) => {
                saved.set(Some(Saved::Details));
                on_saved.run(());
            }
            Some(Err(f)) => {
                if let Some(id) =
                    first_with_problem(&DETAIL_FIELDS, |field| f.field_codes.get(field).is_some())
                {
                    focus_by_id(id);
                }
                failure.set(Some(f));
            }
            None => {}
        })
    });
    let error = move |field: &'static str| field_problem(i18n, field, tried, checked, failure);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        tried.set(true);
        failure.set(None);
        saved.set(None);
        if let Some(id) = checked
            .with_untracked(|c| first_with_problem(&DETAIL_FIELDS, |field| c.contains(field)))
        {
            focus_by_id(id);
            return;
        }
        let change = change.get_untracked();
        if change == BillingProfileChange::default() {
            saved.set(Some(Saved::NothingChanged));
            return;
        }
        save.dispatch_local(change);
    };
    view! {
        <h3>{tr(Msg::EditBillingDetails)}</h3>
        <form class="form" novalidate on:submit=on_submit>
            <TextAreaField id="address-lines" label=Msg::BillingAddress value=lines rows=5 required=true
                error=error("address_lines") hint=Signal::derive(move || i18n.t(Msg::BillingAddressHint).to_string())/>
            <TextField id="invoice-email" name="invoice_email" label=Msg::InvoicesSentTo value=email
                input_type="email" autocomplete="off" required=true error=error("invoice_email")/>
            <TextField id="payment-method" name="payment_method" label=Msg::PaymentMethod value=method
                autocomplete="off" required=true error=error("payment_method")
                hint=Signal::derive(move || i18n.t(Msg::PaymentMethodHint).to_string())/>
            {move || match saved.get() {
                Some(Saved::Details) => Some(view! { <p class="message message--success" role="status">{tr(Msg::BillingDetailsSaved)}</p> }),
                Some(Saved::NothingChanged) => Some(view! { <p class="message message--success" role="status">{tr(Msg::NothingChanged)}</p> }),
                _ => None,
            }}
            {move || failure.get().filter(|f| first_with_problem(&DETAIL_FIELDS, |field| f.field_codes.get(field).is_some()).is_none()).map(|f| view! {
                <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
            })}
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::SaveBillingDetails)}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_details_that_differ_are_sent() {
        let profile: BillingProfile = serde_json::from_value(serde_json::json!({
            "company_name": "Northwind Partners",
            "address_lines": ["1 Main St", "Redmond, WA 98052"],
            "invoice_email": "billing@northwind.example",
            "payment_method": "Bank transfer, 30 days net",
            "refund_limit": "25000.00",
            "refund_limit_max": "1000000.00",
            "refund_limit_changes": [],
        }))
        .unwrap();
        let same = change_of(
            &profile,
            " 1 Main St\n\nRedmond, WA 98052 \n",
            "billing@northwind.example ",
            "Bank transfer, 30 days net",
        );
        assert_eq!(same, BillingProfileChange::default());
        let card = change_of(
            &profile,
            "1 Main St\nRedmond, WA 98052",
            "billing@northwind.example",
            "Visa 4242 4242 4242 4242",
        );
        assert_eq!(card.address_lines, None);
        assert_eq!(card.invoice_email, None);
        assert_eq!(
            card.check_details().unwrap_err().code("payment_method"),
            Some(csp_domain::FieldCode::CardNumber)
        );
        let emptied = change_of(
            &profile,
            " \n",
            "billing@northwind.example",
            "Visa ending 4242",
        );
        assert_eq!(emptied.address_lines, Some(Vec::new()));
        assert!(emptied
            .check_details()
            .unwrap_err()
            .contains("address_lines"));
    }
}
