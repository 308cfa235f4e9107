//! The Company tab of a customer's details page: the company's name, address and tax ID; who
//! accepted the Microsoft Customer Agreement for it, when, and which partner user confirmed it;
//! and every change of these details (who, when, what, from → to). Admin agents and Global
//! admins edit the details in a dialog, checked with the domain's `CustomerEdit::check` before
//! sending; other roles are told who can.

use csp_domain::onboarding::{AgreementAcceptance, CustomerChange, CustomerDetails, CustomerEdit};
use csp_domain::Permission;
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::data_table::DataTable;
use crate::components::dialog::Dialog;
use crate::components::field::{field_problem, first_with_problem, TextField};
use crate::components::focus::focus_by_id;
use crate::components::states::Spinner;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::pages::customers::address::{AddressFields, AddressInputs};
use crate::state::use_session;

/// What the tab last said about an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Saved,
    NothingChanged,
}

/// The tab; `details` is the page's copy of the customer, which an edit replaces.
#[component]
pub fn CompanyTab(details: RwSignal<CustomerDetails>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_edit = Memo::new(move |_| {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.can(Permission::AddCustomers)))
    });
    let open = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let on_done = Callback::new(move |done: Outcome| outcome.set(Some(done)));
    let edit = move |_| {
        outcome.set(None);
        open.set(true);
    };
    view! {
        <section class="card panel" aria-labelledby="company-heading">
            <div class="section__header">
                <h2 id="company-heading">{tr(Msg::TabCompany)}</h2>
                {move || if may_edit.get() {
                    view! { <button type="button" class="button" on:click=edit>{tr(Msg::EditDetails)}</button> }.into_any()
                } else {
                    view! { <p class="page-header__note">{tr(Msg::EditDetails)}": "{move || i18n.requires(Permission::AddCustomers)}</p> }.into_any()
                }}
            </div>
            <p class="message message--success" role="status" class:visually-hidden=move || outcome.get().is_none()>
                {move || outcome.get().map(|o| i18n.t(match o {
                    Outcome::Saved => Msg::DetailsSaved,
                    Outcome::NothingChanged => Msg::NothingChanged,
                }))}
            </p>
            {move || details.with(|d| view! { <CompanyDetails details=d.clone()/> })}
        </section>
        <Dialog open=open labelled_by="edit-details-title">
            {move || open.get().then(|| view! { <EditForm details=details open=open on_done=on_done/> })}
        </Dialog>
    }
}

#[component]
fn CompanyDetails(details: CustomerDetails) -> impl IntoView {
    let i18n = use_i18n();
    let CustomerDetails {
        customer,
        address,
        tax_id,
        agreement,
        changes,
    } = details;
    let address = address.map(|a| a.lines().join("\n"));
    view! {
        <dl class="details">
            <div><dt>{tr(Msg::CompanyName)}</dt><dd>{customer.company_name}</dd></div>
            <div><dt>{tr(Msg::CompanyAddress)}</dt><dd class="prewrap">{move || address.clone().unwrap_or_else(|| i18n.t(Msg::NoAddress).to_string())}</dd></div>
            <div><dt>{tr(Msg::TaxId)}</dt><dd>{move || tax_id.clone().unwrap_or_else(|| i18n.t(Msg::NoTaxId).to_string())}</dd></div>
        </dl>
        <h3>{tr(Msg::Agreement)}</h3>
        {match agreement {
            Some(agreement) => view! { <Acceptance agreement=agreement/> }.into_any(),
            None => view! { <p class="note">{tr(Msg::NoAgreementRecord)}</p> }.into_any(),
        }}
        <h3>{tr(Msg::DetailsChanges)}</h3>
        <Changes changes=changes/>
    }
}

/// Who accepted the agreement and when (in UTC and the browser's time), who confirmed it.
#[component]
fn Acceptance(agreement: AgreementAcceptance) -> impl IntoView {
    let i18n = use_i18n();
    let at = agreement.accepted_at;
    let who = format!(
        "{} ({})",
        agreement.accepted_by_name, agreement.accepted_by_email
    );
    view! {
        <dl class="details">
            <div><dt>{tr(Msg::AcceptedBy)}</dt><dd>{who}</dd></div>
            <div><dt>{tr(Msg::AcceptedAt)}</dt><dd><time datetime=format::machine_time(at)>{move || i18n.f(Msg::TimeBoth, &[
                ("utc", &format::utc_date_time(at)),
                ("local", &format::local_date_time(at)),
                ("zone", &format::local_zone_at(at)),
            ])}</time></dd></div>
            <div><dt>{tr(Msg::ConfirmedBy)}</dt><dd>{agreement.confirmed_by}</dd></div>
        </dl>
    }
}

#[component]
fn Changes(changes: Vec<CustomerChange>) -> impl IntoView {
    let i18n = use_i18n();
    if changes.is_empty() {
        return view! { <p class="note">{tr(Msg::NoCustomerChanges)}</p> }.into_any();
    }
    let zone = format::local_zone();
    let rows = changes
        .into_iter()
        .map(|c| {
            let field = c.field.clone();
            view! {
                <tr>
                    <td class="nowrap"><time datetime=format::machine_time(c.at)>{format::local_date_time(c.at)}</time></td>
                    <td>{c.by}</td>
                    <th scope="row" class="table__primary">{move || i18n.customer_field(&field)}</th>
                    <td class="prewrap">{c.from.unwrap_or_else(|| "—".into())}</td>
                    <td class="prewrap">{c.to}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="list-note">{move || i18n.f(Msg::TimesInZone, &[("zone", &zone)])}</p>
        <div class="table-region"><div class="table-region__scroll" tabindex="0">
            <DataTable columns=&[Msg::ColWhen, Msg::ColChangedBy, Msg::ColChange, Msg::ColFrom, Msg::ColTo]>{rows}</DataTable>
        </div></div>
    }
    .into_any()
}

/// The edit of what differs from `details`: only changed fields are sent (a tax ID emptied
/// is removed); an address stays absent while none is typed.
fn edit_of(
    details: &CustomerDetails,
    name: &str,
    address: &AddressInputs,
    tax_id: &str,
) -> CustomerEdit {
    let name = name.trim();
    let typed = address.address();
    let tax_id = tax_id.trim();
    CustomerEdit {
        company_name: (name != details.customer.company_name).then(|| name.to_string()),
        address: (details.address.as_ref() != Some(&typed)
            && !(details.address.is_none() && address.is_empty()))
        .then_some(typed),
        tax_id: (Some(tax_id) != details.tax_id.as_deref().or(Some("")))
            .then(|| tax_id.to_string()),
    }
}

/// The dialog's form: the company's name, address and tax ID.
#[component]
fn EditForm(
    details: RwSignal<CustomerDetails>,
    open: RwSignal<bool>,
    on_done: Callback<Outcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = details.get_untracked();
    let id = current.customer.id.clone();
    let title = current.customer.company_name.clone();
    let name = RwSignal::new(current.customer.company_name.clone());
    let address = AddressInputs::new(current.address.as_ref());
    let tax_id = RwSignal::new(current.tax_id.clone().unwrap_or_default());
    let edit =
        Memo::new(move |_| details.with(|d| edit_of(d, &name.get(), &address, &tax_id.get())));
    let checked = Memo::new(move |_| edit.with(|e| e.check().err().unwrap_or_default()));
    let tried = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);
    let save: Action<CustomerEdit, ApiResult<CustomerDetails>> =
        Action::new_local(move |edit: &CustomerEdit| api::edit_customer(id.clone(), edit.clone()));
    let pending = save.pending();
    Effect::new(move |_| {
        let result = save.value().get();
        untrack(|| match result {
            Some(Ok(updated)) => {
                details.set(updated);
                open.set(false);
                on_done.run(Outcome::Saved);
            }
            Some(Err(f)) => {
                if let Some(id) =
                    first_with_problem(&EDIT_FIELDS, |field| f.field_codes.get(field).is_some())
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
        if let Some(id) =
            checked.with_untracked(|c| first_with_problem(&EDIT_FIELDS, |field| c.contains(field)))
        {
            focus_by_id(id);
            return;
        }
        let edit = edit.get_untracked();
        if edit == CustomerEdit::default() {
            open.set(false);
            on_done.run(Outcome::NothingChanged);
            return;
        }
        save.dispatch_local(edit);
    };
    view! {
        <h2 id="edit-details-title">{move || i18n.f(Msg::EditDetailsOf, &[("customer", &title)])}</h2>
        <form novalidate on:submit=on_submit>
            <TextField id="company-name" label=Msg::CompanyName value=name autocomplete="off"
                required=true error=error("company_name")/>
            <AddressFields inputs=address error=Callback::new(error)/>
            <TextField id="tax-id" label=Msg::TaxIdOptional value=tax_id autocomplete="off"
                error=error("tax_id") hint=Signal::derive(move || i18n.t(Msg::TaxIdHint).to_string())/>
            {move || failure.get().filter(|f| first_with_problem(&EDIT_FIELDS, |field| f.field_codes.get(field).is_some()).is_none()).map(|f| view! {
                <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
            })}
            <div class="dialog__actions">
                <button type="button" class="button" on:click=move |_| open.set(false)>{tr(Msg::CloseDialog)}</button>
                <button type="submit" class="button button--primary" disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::SaveChanges)}
                </button>
            </div>
        </form>
    }
}

/// The fields of the edit and their controls, in the form's order.
const EDIT_FIELDS: [(&str, &str); 7] = [
    ("company_name", "company-name"),
    ("address.line1", "address-line1"),
    ("address.line2", "address-line2"),
    ("address.city", "address-city"),
    ("address.region", "address-region"),
    ("address.postal_code", "address-postal-code"),
    ("tax_id", "tax-id"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use csp_domain::onboarding::Address;
    use csp_domain::Customer;

    fn details(address: Option<Address>, tax_id: Option<&str>) -> CustomerDetails {
        let customer: Customer = serde_json::from_value(serde_json::json!({
            "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "company_name": "Litware Inc",
            "tenant_id": "1f8fad5b-d9cb-469f-a165-70867728950e",
            "domain": "litware.onmicrosoft.com",
            "market": "DE",
            "currency": "EUR",
        }))
        .unwrap();
        CustomerDetails {
            customer,
            address,
            tax_id: tax_id.map(str::to_string),
            agreement: None,
            changes: Vec::new(),
        }
    }

    #[test]
    fn only_what_differs_is_sent() {
        let owner = Owner::new();
        owner.set();
        let berlin = Address {
            line1: "Hauptstraße 1".into(),
            line2: None,
            city: "Berlin".into(),
            region: None,
            postal_code: "10115".into(),
        };
        let current = details(Some(berlin.clone()), Some("DE 1"));
        let same = AddressInputs::new(Some(&berlin));
        assert_eq!(
            edit_of(&current, " Litware Inc ", &same, "DE 1"),
            CustomerEdit::default()
        );
        let edit = edit_of(&current, "Litware GmbH", &same, "");
        assert_eq!(edit.company_name.as_deref(), Some("Litware GmbH"));
        assert_eq!(edit.address, None);
        assert_eq!(
            edit.tax_id.as_deref(),
            Some(""),
            "an emptied tax ID is removed"
        );
        same.city.set("München".into());
        assert_eq!(
            edit_of(&current, "Litware Inc", &same, "DE 1")
                .address
                .map(|a| a.city),
            Some("München".into())
        );
        // A customer without an address keeps none until one is typed.
        let none = details(None, None);
        let empty = AddressInputs::new(None);
        assert_eq!(
            edit_of(&none, "Litware Inc", &empty, " "),
            CustomerEdit::default()
        );
        empty.line1.set("Hauptstraße 1".into());
        assert!(edit_of(&none, "Litware Inc", &empty, "").address.is_some());
    }
}
