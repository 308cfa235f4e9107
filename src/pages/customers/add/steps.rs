//! The steps of the add-customer wizard. Each has a heading that takes the focus when the step
//! opens (screen readers announce where the user is) — or, when the server refused a field of
//! the step, that field — and Back/Next that keep the draft.

use std::time::Duration;

use csp_domain::account::INVITATION_HOURS;
use csp_domain::onboarding::{CustomerDomain, DOMAIN_SUFFIX};
use csp_domain::Market;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{first_problem, markets, Added, Availability, DomainState, WizardContext};
use crate::api;
use crate::components::copy_button::CopyField;
use crate::components::field::{described_by, TextField};
use crate::components::focus::{focus_by_id, later};
use crate::components::states::Spinner;
use crate::i18n::{tr, use_i18n, Msg};
use crate::pages::customers::address::AddressFields;
use crate::router::A;
use crate::routes::{AddCustomerStep, CustomerTab, Route, WizardStep};

/// How long typing pauses before the domain's availability is asked.
const PAUSE: Duration = Duration::from_millis(400);

/// The step's heading, focused when the step opens — or the field the wizard was sent back for.
#[component]
fn StepHeading(label: Msg) -> impl IntoView {
    let context = expect_context::<WizardContext>();
    let heading = NodeRef::<html::H2>::new();
    heading.on_load(
        move |h| match context.focus_next.try_update_value(Option::take).flatten() {
            Some(id) => later(move || focus_by_id(id)),
            None => {
                let _ = h.focus();
            }
        },
    );
    view! { <h2 id="step-heading" class="step__heading" tabindex="-1" node_ref=heading>{tr(label)}</h2> }
}

/// Back and the step's submit button at its foot.
#[component]
fn StepActions(
    #[prop(optional)] back: Option<AddCustomerStep>,
    children: Children,
) -> impl IntoView {
    let context = expect_context::<WizardContext>();
    view! {
        <div class="step__actions">
            {back.map(|step| view! {
                <button type="button" class="button" on:click=move |_| context.go.run(step)>{tr(Msg::Back)}</button>
            })}
            {children()}
        </div>
    }
}

/// Step 1: the company, the country or region it is in (which sets its currency), its address
/// and tax ID.
#[component]
pub fn CompanyStep() -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<WizardContext>();
    let form = context.form;
    let error = move |field| context.error(i18n, field);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        context.next(AddCustomerStep::Company, AddCustomerStep::Domain);
    };
    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepCompany/>
            <form novalidate on:submit=on_submit>
                <TextField id="company-name" label=Msg::CompanyName value=form.company_name autocomplete="off"
                    required=true error=error("company_name")/>
                <MarketField value=form.market error=error("market")/>
                <AddressFields inputs=form.address error=Callback::new(error)/>
                <TextField id="tax-id" label=Msg::TaxIdOptional value=form.tax_id autocomplete="off"
                    error=error("tax_id") hint=Signal::derive(move || i18n.t(Msg::TaxIdHint).to_string())/>
                <StepActions>
                    <button type="submit" class="button button--primary">{tr(Msg::Next)}</button>
                </StepActions>
            </form>
        </section>
    }
}

/// The country or region, named in the user's language, and the currency it bills in.
#[component]
fn MarketField(value: RwSignal<String>, error: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let markets = StoredValue::new(markets());
    // Named and sorted in the user's language, again when it changes.
    let choices = Memo::new(move |_| markets.with_value(|m| i18n.market_choices(m)));
    let currency =
        Memo::new(move |_| value.with(|v| Market::parse(v).ok().map(|m| m.billing_currency())));
    let has_error = move || error.with(Option::is_some);
    view! {
        <div class="field" class:field--invalid=has_error>
            <label for="market">{tr(Msg::CountryOrRegion)}</label>
            <select id="market" name="market" required
                aria-invalid=move || has_error().to_string()
                aria-describedby=move || described_by("market", currency.get().is_some(), has_error())
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="" prop:selected=move || value.with(String::is_empty)>{tr(Msg::ChooseCountry)}</option>
                {move || choices.get().into_iter().map(|(code, name)| {
                    let this = code.clone();
                    view! { <option value=code prop:selected=move || value.with(|v| *v == this)>{name}</option> }
                }).collect_view()}
            </select>
            {move || currency.get().map(|c| view! {
                <p id="market-hint" class="field__hint">{move || i18n.f(Msg::BilledIn, &[("currency", &c)])}</p>
            })}
            {move || error.get().map(|e| view! { <p id="market-error" class="field__error">{e}</p> })}
        </div>
    }
}

/// Step 2: the primary domain's prefix, checked by the domain's rule as it is typed and with
/// the server for availability once typing pauses; the outcome is announced.
#[component]
pub fn DomainStep() -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<WizardContext>();
    let domain = context.form.domain;
    let availability = context.availability;
    use_availability_check(domain, availability);
    let state = Memo::new(move |_| domain.with(|d| availability.state(d)));
    let taken = move || state.get() == DomainState::Taken;
    // The rule's or the server's problem; "taken" is said once, by the status below.
    let error = {
        let error = context.error(i18n, "domain");
        Signal::derive(move || if taken() { None } else { error.get() })
    };
    let invalid = move || taken() || error.with(Option::is_some);
    let status = move || match state.get() {
        DomainState::Unknown => String::new(),
        DomainState::Checking => i18n.t(Msg::DomainChecking).to_string(),
        DomainState::Free(domain) => i18n.f(Msg::DomainAvailable, &[("domain", &domain)]),
        DomainState::Taken => i18n.t(Msg::DomainTaken).to_string(),
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if state.get_untracked() == DomainState::Taken {
            focus_by_id("domain");
            return;
        }
        context.next(AddCustomerStep::Domain, AddCustomerStep::Admin);
    };
    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepDomain/>
            <form novalidate on:submit=on_submit>
                <div class="field" class:field--invalid=invalid>
                    <label for="domain">{tr(Msg::PrimaryDomain)}</label>
                    <p id="domain-hint" class="field__hint">{tr(Msg::DomainHint)}</p>
                    <div class="domain-input">
                        <input id="domain" name="domain" type="text" autocomplete="off" autocapitalize="none"
                            spellcheck="false" required
                            aria-invalid=move || invalid().to_string()
                            aria-describedby=move || {
                                let more = described_by("domain", true, error.with(Option::is_some)).unwrap_or_default();
                                format!("domain-suffix {more} domain-status")
                            }
                            prop:value=move || domain.get()
                            on:input=move |ev| domain.set(event_target_value(&ev))/>
                        <span id="domain-suffix" class="domain-input__suffix">{DOMAIN_SUFFIX}</span>
                    </div>
                    {move || error.get().map(|e| view! { <p id="domain-error" class="field__error">{e}</p> })}
                    // Always present, so it is one live region whose text changes (and is announced).
                    <p id="domain-status" role="status" class="field__status"
                        class:field__status--taken=taken
                        class:field__status--free=move || matches!(state.get(), DomainState::Free(_))>
                        {status}
                    </p>
                </div>
                <StepActions back=AddCustomerStep::Company>
                    <button type="submit" class="button button--primary">{tr(Msg::Next)}</button>
                </StepActions>
            </form>
        </section>
    }
}

/// Asks the server whether the typed domain is free, once typing pauses; only the answer about
/// what is typed then is kept.
fn use_availability_check(domain: RwSignal<String>, availability: Availability) {
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let stop = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        let typed = domain.get();
        stop();
        let Ok(parsed) = CustomerDomain::parse(&typed) else {
            availability.checking.set(None);
            return;
        };
        let asked = parsed.as_str().to_string();
        let known = availability
            .known
            .with_untracked(|k| k.as_ref().is_some_and(|(d, _)| *d == asked));
        if known {
            availability.checking.set(None);
            return;
        }
        availability.checking.set(Some(asked.clone()));
        let ask = move || {
            spawn_local(async move {
                let answer = api::domain_availability(asked.clone()).await;
                let current = availability.checking.try_get_untracked().flatten();
                if current.as_deref() == Some(asked.as_str()) {
                    // A failed check says nothing: the server checks again when adding.
                    if let Ok(answer) = answer {
                        availability.known.try_set(Some((asked, answer.available)));
                    }
                    availability.checking.try_set(None);
                }
            })
        };
        timer.set_value(set_timeout_with_handle(ask, PAUSE).ok());
    });
    on_cleanup(stop);
}

/// Step 3: the customer's first admin, invited to the customer admin center.
#[component]
pub fn AdminStep() -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<WizardContext>();
    let form = context.form;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        context.next(AddCustomerStep::Admin, AddCustomerStep::Review);
    };
    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepFirstAdmin/>
            <p class="note">{tr(Msg::FirstAdminIntro)}</p>
            <form novalidate on:submit=on_submit>
                <TextField id="admin-name" name="admin_name" label=Msg::ContactName value=form.admin_name
                    autocomplete="off" required=true error=context.error(i18n, "admin_name")/>
                <TextField id="admin-email" name="admin_email" label=Msg::Email value=form.admin_email
                    input_type="email" autocomplete="off" required=true error=context.error(i18n, "admin_email")/>
                <StepActions back=AddCustomerStep::Domain>
                    <button type="submit" class="button button--primary">{tr(Msg::Next)}</button>
                </StepActions>
            </form>
        </section>
    }
}

/// Step 4: everything at a glance, the confirmation of the customer's acceptance of the
/// Microsoft Customer Agreement, and adding the customer — once, however often it is clicked.
#[component]
pub fn ReviewStep() -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<WizardContext>();
    let form = context.form;
    let request = untrack(|| form.request());
    let market = Market::parse(&request.market).ok();
    let currency = market.as_ref().map(|m| m.billing_currency().to_string());
    let address = request.address.lines().join("\n");
    let admin = format!("{} ({})", request.admin_name, request.admin_email);
    let tax_id = request.tax_id.clone();
    let pending = context.submit.pending();
    let agreement_error = context.error(i18n, "agreement_accepted");
    let has_error = move || agreement_error.with(Option::is_some);
    // A refusal that names no field of the wizard is said here.
    let failure = move || {
        context.refused.with(|r| {
            r.as_ref()
                .filter(|r| first_problem(|f| r.failure.field_codes.get(f).is_some()).is_none())
                .map(|r| r.failure.clone())
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        context.tried.set(AddCustomerStep::ALL.to_vec());
        let problem = context
            .checked
            .with_untracked(|c| first_problem(|f| c.contains(f)));
        match problem {
            Some((id, AddCustomerStep::Review)) => focus_by_id(id),
            Some((id, step)) => {
                context.focus_next.set_value(Some(id));
                context.go.run(step);
            }
            None => {
                context.refused.set(None);
                context
                    .submit
                    .dispatch((untrack(|| form.request()), form.idempotency_key()));
            }
        }
    };
    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepReview/>
            <dl class="details summary">
                <div><dt>{tr(Msg::CompanyName)}</dt><dd>{request.company_name.clone()}</dd></div>
                <div><dt>{tr(Msg::CountryOrRegion)}</dt><dd>{move || market.as_ref().map(|m| i18n.market_choice_name(m))}</dd></div>
                <div><dt>{tr(Msg::ColCurrency)}</dt><dd>{currency}</dd></div>
                <div><dt>{tr(Msg::CompanyAddress)}</dt><dd class="prewrap">{address}</dd></div>
                <div><dt>{tr(Msg::TaxId)}</dt><dd>{move || tax_id.clone().unwrap_or_else(|| i18n.t(Msg::NoTaxId).to_string())}</dd></div>
                <div><dt>{tr(Msg::PrimaryDomain)}</dt><dd>{request.domain.clone()}</dd></div>
                <div><dt>{tr(Msg::StepFirstAdmin)}</dt><dd>{admin}</dd></div>
            </dl>
            <form novalidate on:submit=on_submit>
                <div class="field" class:field--invalid=has_error>
                    <label class="choice" for="agreement">
                        <input type="checkbox" id="agreement" name="agreement_accepted"
                            aria-describedby=move || has_error().then_some("agreement-error")
                            aria-invalid=move || has_error().to_string()
                            prop:checked=move || form.agreement.get()
                            on:change=move |ev| form.agreement.set(event_target_checked(&ev))/>
                        {tr(Msg::AgreementConfirm)}
                    </label>
                    {move || agreement_error.get().map(|e| view! { <p id="agreement-error" class="field__error">{e}</p> })}
                </div>
                {move || failure().map(|f| view! {
                    <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
                })}
                <StepActions back=AddCustomerStep::Admin>
                    <button type="submit" class="button button--primary" disabled=move || pending.get()
                        aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()><Spinner/></Show>
                        {tr(Msg::AddCustomer)}
                    </button>
                </StepActions>
            </form>
            <p class="visually-hidden" role="status">{move || pending.get().then(|| i18n.t(Msg::AddingCustomer))}</p>
        </section>
    }
}

/// Step 5: the customer is there; its admin's one-time invitation link, shown this once, and
/// where to go next.
#[component]
pub fn DoneStep() -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<WizardContext>();
    context.added.get_untracked().map(|added| {
        let Added {
            created,
            admin_name,
            admin_email,
        } = added;
        let customer = created.customer;
        let open = Route::customer(&customer.id, CustomerTab::Software).to_path();
        let buy = Route::AddProduct {
            customer: customer.id.clone(),
            step: WizardStep::Product,
        }
        .to_path();
        let name = customer.company_name;
        let days = INVITATION_HOURS / 24;
        // A retry whose first answer was lost is told the customer, never the link again.
        let body = if created.admin.is_some() {
            Msg::CustomerAddedBody
        } else {
            Msg::CustomerAddedNoLink
        };
        view! {
            <section class="card step step--done" aria-labelledby="step-heading">
                <StepHeading label=Msg::CustomerAdded/>
                <div class="message message--success invitation">
                    <p role="status">{move || i18n.f(body, &[
                        ("customer", &name), ("admin", &admin_name), ("email", &admin_email), ("days", &days),
                    ])}</p>
                    {created.admin.map(|admin| view! {
                        <CopyField id="invitation-link" label=Msg::InvitationLink text=admin.invitation_url button=Msg::CopyLink/>
                    })}
                </div>
                <div class="step__actions">
                    <A href=open attr:class="button button--primary">{tr(Msg::OpenCustomer)}</A>
                    <A href=buy attr:class="button">{tr(Msg::BuyProduct)}</A>
                </div>
            </section>
        }
    })
}
