//! `/customers/new[/domain|/admin|/review|/done]`: adding a customer in four steps — the
//! company and its address, the primary `<prefix>.onmicrosoft.com` domain, the first admin, and
//! a review with the confirmation that the customer accepted the Microsoft Customer Agreement —
//! and a confirmation with the admin's one-time invitation link.
//!
//! The step lives in the URL; what was typed lives in a draft in sessionStorage, so Back, Next
//! and a reload keep it. Every field is checked with the domain's `NewCustomerRequest::check`
//! before a step is left; the server's field problems are shown next to their fields, on the
//! step that holds them. The customer is added once per draft: its `Idempotency-Key` goes
//! with every try.

mod steps;

use csp_domain::market::AZURE_RESERVATIONS_UNAVAILABLE;
use csp_domain::onboarding::{CustomerCreated, CustomerDomain, NewCustomerRequest};
use csp_domain::{FieldCode, FieldErrors, IdempotencyKey, Market, Permission};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::page_header::PageHeader;
use crate::components::states::EmptyState;
use crate::components::stepper::Stepper;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::pages::customers::address::AddressInputs;
use crate::router::{use_navigate, NavigateOptions, Redirect};
use crate::routes::{AddCustomerStep, Route};
use crate::state::{new_idempotency_key, use_session};

/// The wizard, for partner users who may add customers; others are told which roles can.
#[component]
pub fn AddCustomerPage(#[prop(into)] step: Signal<AddCustomerStep>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_add = Memo::new(move |_| {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.can(Permission::AddCustomers)))
    });
    move || {
        if may_add.get() {
            view! { <Wizard step=step/> }.into_any()
        } else {
            view! {
                <PageHeader title=move || i18n.t(Msg::AddCustomer)/>
                <EmptyState title=move || i18n.refusal(Permission::AddCustomers)/>
            }
            .into_any()
        }
    }
}

/// Which step asks for each field of the request, and the id of its control.
const FIELDS: [(&str, &str, AddCustomerStep); 12] = [
    ("company_name", "company-name", AddCustomerStep::Company),
    ("market", "market", AddCustomerStep::Company),
    ("address.line1", "address-line1", AddCustomerStep::Company),
    ("address.line2", "address-line2", AddCustomerStep::Company),
    ("address.city", "address-city", AddCustomerStep::Company),
    ("address.region", "address-region", AddCustomerStep::Company),
    (
        "address.postal_code",
        "address-postal-code",
        AddCustomerStep::Company,
    ),
    ("tax_id", "tax-id", AddCustomerStep::Company),
    ("domain", "domain", AddCustomerStep::Domain),
    ("admin_name", "admin-name", AddCustomerStep::Admin),
    ("admin_email", "admin-email", AddCustomerStep::Admin),
    ("agreement_accepted", "agreement", AddCustomerStep::Review),
];

fn step_of(field: &str) -> Option<AddCustomerStep> {
    FIELDS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, _, s)| *s)
}

/// The first field (in the wizard's order) that `has` a problem: its control's id and step.
fn first_problem(has: impl Fn(&str) -> bool) -> Option<(&'static str, AddCustomerStep)> {
    FIELDS
        .iter()
        .find(|(field, _, _)| has(field))
        .map(|(_, id, step)| (*id, *step))
}

/// A request's value of `field`, to tell whether the user changed it since it was sent.
fn field_value(request: &NewCustomerRequest, field: &str) -> Option<String> {
    let address = &request.address;
    Some(match field {
        "company_name" => request.company_name.clone(),
        "market" => request.market.clone(),
        "address.line1" => address.line1.clone(),
        "address.line2" => address.line2.clone().unwrap_or_default(),
        "address.city" => address.city.clone(),
        "address.region" => address.region.clone().unwrap_or_default(),
        "address.postal_code" => address.postal_code.clone(),
        "tax_id" => request.tax_id.clone().unwrap_or_default(),
        "domain" => request.domain.clone(),
        "admin_name" => request.admin_name.clone(),
        "admin_email" => request.admin_email.clone(),
        "agreement_accepted" => request.agreement_accepted.to_string(),
        _ => return None,
    })
}

/// Every market a customer can be in, as the domain's `Market::parse` accepts them: the
/// countries (each pair of letters it knows, as the domain keeps its list of codes to itself)
/// and the parts of countries Table 1 lists on their own (Svalbard, Bonaire, …).
pub(crate) fn markets() -> Vec<Market> {
    let letters = || 'A'..='Z';
    letters()
        .flat_map(|a| letters().map(move |b| [a, b].iter().collect::<String>()))
        .chain(
            AZURE_RESERVATIONS_UNAVAILABLE
                .iter()
                .filter(|(code, _)| code.contains('-'))
                .map(|(code, _)| code.to_string()),
        )
        .filter_map(|code| Market::parse(&code).ok())
        .collect()
}

// -- the draft --

const DRAFT_KEY: &str = "csp.draft.customer";

/// What was typed into the wizard, kept in sessionStorage so a reload of the tab keeps it and
/// closing the tab forgets it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Draft {
    company_name: String,
    market: String,
    line1: String,
    line2: String,
    city: String,
    region: String,
    postal_code: String,
    tax_id: String,
    /// As typed: the prefix, or the whole domain.
    domain: String,
    admin_name: String,
    admin_email: String,
    agreement_accepted: bool,
    /// One key per draft: every try of this customer sends it, so it is added at most once.
    idempotency_key: String,
}

impl Draft {
    fn fresh() -> Draft {
        Draft {
            idempotency_key: new_idempotency_key().as_str().to_string(),
            ..Draft::default()
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn load_draft() -> Option<Draft> {
    let raw = storage()?.get_item(DRAFT_KEY).ok()??;
    serde_json::from_str(&raw).ok()
}

fn save_draft(draft: &Draft) {
    // Storage can be full or disabled (private mode): the draft then lasts as long as the page.
    if let (Some(storage), Ok(raw)) = (storage(), serde_json::to_string(draft)) {
        let _ = storage.set_item(DRAFT_KEY, &raw);
    }
}

/// The wizard's fields, one signal each, bound to the controls of the steps.
#[derive(Clone, Copy)]
pub(crate) struct CustomerForm {
    pub company_name: RwSignal<String>,
    pub market: RwSignal<String>,
    pub address: AddressInputs,
    pub tax_id: RwSignal<String>,
    pub domain: RwSignal<String>,
    pub admin_name: RwSignal<String>,
    pub admin_email: RwSignal<String>,
    pub agreement: RwSignal<bool>,
    key: RwSignal<String>,
}

impl CustomerForm {
    fn new(draft: Draft) -> CustomerForm {
        let form = CustomerForm {
            company_name: RwSignal::new(String::new()),
            market: RwSignal::new(String::new()),
            address: AddressInputs::new(None),
            tax_id: RwSignal::new(String::new()),
            domain: RwSignal::new(String::new()),
            admin_name: RwSignal::new(String::new()),
            admin_email: RwSignal::new(String::new()),
            agreement: RwSignal::new(false),
            key: RwSignal::new(String::new()),
        };
        form.fill(draft);
        form
    }

    /// Puts a draft into the fields.
    fn fill(&self, draft: Draft) {
        self.company_name.set(draft.company_name);
        self.market.set(draft.market);
        self.address.line1.set(draft.line1);
        self.address.line2.set(draft.line2);
        self.address.city.set(draft.city);
        self.address.region.set(draft.region);
        self.address.postal_code.set(draft.postal_code);
        self.tax_id.set(draft.tax_id);
        self.domain.set(draft.domain);
        self.admin_name.set(draft.admin_name);
        self.admin_email.set(draft.admin_email);
        self.agreement.set(draft.agreement_accepted);
        self.key.set(draft.idempotency_key);
    }

    /// The fields as a draft to keep (tracked).
    fn draft(&self) -> Draft {
        Draft {
            company_name: self.company_name.get(),
            market: self.market.get(),
            line1: self.address.line1.get(),
            line2: self.address.line2.get(),
            city: self.address.city.get(),
            region: self.address.region.get(),
            postal_code: self.address.postal_code.get(),
            tax_id: self.tax_id.get(),
            domain: self.domain.get(),
            admin_name: self.admin_name.get(),
            admin_email: self.admin_email.get(),
            agreement_accepted: self.agreement.get(),
            idempotency_key: self.key.get(),
        }
    }

    /// The request the fields make (tracked): the domain in full once it is one.
    pub fn request(&self) -> NewCustomerRequest {
        let typed = self.domain.get();
        let domain = CustomerDomain::parse(&typed)
            .map(|d| d.as_str().to_string())
            .unwrap_or_else(|_| typed.trim().to_string());
        NewCustomerRequest {
            company_name: self.company_name.get().trim().to_string(),
            domain,
            market: self.market.get(),
            address: self.address.address(),
            tax_id: Some(self.tax_id.get().trim().to_string()).filter(|t| !t.is_empty()),
            admin_name: self.admin_name.get().trim().to_string(),
            admin_email: self.admin_email.get().trim().to_string(),
            agreement_accepted: self.agreement.get(),
        }
    }

    /// The draft's key; a draft without a valid one (storage edited by hand) gets a new one,
    /// which can at worst add this customer once more, never merge two.
    fn idempotency_key(&self) -> IdempotencyKey {
        let key = self.key.get_untracked();
        IdempotencyKey::parse(&key).unwrap_or_else(|| {
            let fresh = new_idempotency_key();
            self.key.set(fresh.as_str().to_string());
            fresh
        })
    }
}

/// What the server said about the primary domain typed last.
#[derive(Clone, Copy)]
pub(crate) struct Availability {
    /// The last answer: the domain asked about, and whether it is free.
    pub known: RwSignal<Option<(String, bool)>>,
    /// The domain whose answer is awaited (after the pause in typing).
    pub checking: RwSignal<Option<String>>,
}

/// The primary domain's state, as the Domain step shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DomainState {
    /// Not a domain yet, or not asked about.
    Unknown,
    Checking,
    Free(String),
    Taken,
}

impl Availability {
    /// The state of the domain `typed` (tracked).
    pub fn state(&self, typed: &str) -> DomainState {
        let Ok(domain) = CustomerDomain::parse(typed) else {
            return DomainState::Unknown;
        };
        let domain = domain.as_str();
        match self.known.get() {
            Some((known, true)) if known == domain => DomainState::Free(known),
            Some((known, false)) if known == domain => DomainState::Taken,
            _ if self.checking.with(|c| c.as_deref() == Some(domain)) => DomainState::Checking,
            _ => DomainState::Unknown,
        }
    }
}

/// The answer to a try that the server refused, with the request it was about.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refused {
    pub failure: ApiFailure,
    pub sent: NewCustomerRequest,
}

/// A request sent, and the server's answer.
pub(crate) type Tried = (NewCustomerRequest, ApiResult<CustomerCreated>);

/// The customer just added, with the admin it was added with (for the confirmation).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Added {
    pub created: CustomerCreated,
    pub admin_name: String,
    pub admin_email: String,
}

/// What the wizard's steps share.
#[derive(Clone, Copy)]
pub(crate) struct WizardContext {
    pub form: CustomerForm,
    /// The domain's check of the fields as they stand.
    pub checked: Memo<FieldErrors>,
    /// The steps the user tried to leave (or to submit): their problems are shown.
    pub tried: RwSignal<Vec<AddCustomerStep>>,
    pub availability: Availability,
    /// The server's last refusal.
    pub refused: RwSignal<Option<Refused>>,
    /// Adds the customer; the answer comes with the request it answers.
    pub submit: Action<(NewCustomerRequest, IdempotencyKey), Tried>,
    pub added: RwSignal<Option<Added>>,
    /// The control to focus when the next step opens (instead of its heading).
    pub focus_next: StoredValue<Option<&'static str>>,
    /// Moves to a step (a new history entry, so the browser's Back works too).
    pub go: Callback<AddCustomerStep>,
}

impl WizardContext {
    /// The problem to show next to `field`, in the user's language: the domain's check once
    /// its step was tried (the domain's as soon as something is typed), else the server's
    /// while the field still holds what was sent.
    pub fn error(self, i18n: I18n, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            let tried = step_of(field).is_some_and(|s| self.tried.with(|t| t.contains(&s)));
            let typing_domain = field == "domain" && self.form.domain.with(|d| !d.is_empty());
            if tried || typing_domain {
                if let Some(text) = self.checked.with(|c| c.text(field).map(|t| i18n.text(t))) {
                    return Some(text);
                }
            }
            self.refused.with(|refused| {
                let refused = refused.as_ref()?;
                let unchanged =
                    field_value(&refused.sent, field) == field_value(&self.form.request(), field);
                unchanged
                    .then(|| i18n.server_field_error(&refused.failure, field))
                    .flatten()
            })
        })
    }

    /// Leaves `step` for `next` when its fields pass the domain's check; otherwise shows
    /// their problems and focuses the first.
    pub fn next(self, step: AddCustomerStep, next: AddCustomerStep) {
        self.tried.update(|t| {
            if !t.contains(&step) {
                t.push(step);
            }
        });
        let problem = self.checked.with_untracked(|c| {
            first_problem(|field| step_of(field) == Some(step) && c.contains(field))
        });
        match problem {
            Some((id, _)) => crate::components::focus::focus_by_id(id),
            None => self.go.run(next),
        }
    }

    /// The first step that still needs something from the user.
    fn first_incomplete(self) -> AddCustomerStep {
        self.checked
            .with_untracked(|c| first_problem(|field| c.contains(field)))
            .map_or(AddCustomerStep::Review, |(_, step)| step)
    }
}

#[component]
fn Wizard(step: Signal<AddCustomerStep>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let form = CustomerForm::new(load_draft().unwrap_or_else(Draft::fresh));
    // Saved on every change, so a reload of the tab keeps it.
    Effect::new(move |_| save_draft(&form.draft()));
    let checked = Memo::new(move |_| form.request().check().err().unwrap_or_default());
    let go = {
        let navigate = navigate.clone();
        Callback::new(move |step: AddCustomerStep| {
            navigate(
                &Route::AddCustomer { step }.to_path(),
                NavigateOptions::default(),
            )
        })
    };
    let submit = Action::new_local(|(request, key): &(NewCustomerRequest, IdempotencyKey)| {
        let (request, key) = (request.clone(), key.clone());
        async move {
            let answer = api::add_customer(request.clone(), key).await;
            (request, answer)
        }
    });
    let context = WizardContext {
        form,
        checked,
        tried: RwSignal::new(Vec::new()),
        availability: Availability {
            known: RwSignal::new(None),
            checking: RwSignal::new(None),
        },
        refused: RwSignal::new(None),
        submit,
        added: RwSignal::new(None),
        focus_next: StoredValue::new(None),
        go,
    };
    provide_context(context);
    use_outcome(context, step);

    let steps = vec![
        Msg::StepCompany,
        Msg::StepDomain,
        Msg::StepFirstAdmin,
        Msg::StepReview,
        Msg::StepDone,
    ];
    let current = Signal::derive(move || {
        AddCustomerStep::ALL
            .iter()
            .position(|s| *s == step.get())
            .unwrap_or(0)
    });
    // Forgets the draft and its key, and goes back to the list.
    let discard = move |_| {
        form.fill(Draft::fresh());
        navigate(&Route::Customers.to_path(), NavigateOptions::default());
    };

    view! {
        <PageHeader title=move || i18n.t(Msg::AddCustomer) intro=move || i18n.t(Msg::AddCustomerIntro)>
            <Show when=move || step.get() != AddCustomerStep::Done>
                <button type="button" class="button button--subtle" on:click=discard.clone()>{tr(Msg::DiscardCustomer)}</button>
            </Show>
        </PageHeader>
        <Stepper steps=steps current=current/>
        <CurrentStep step=step/>
    }
}

/// What becomes of a try: the confirmation, or the server's problems next to their fields on
/// the step that holds the first of them.
fn use_outcome(context: WizardContext, step: Signal<AddCustomerStep>) {
    let WizardContext {
        form,
        submit,
        refused,
        added,
        availability,
        focus_next,
        go,
        ..
    } = context;
    Effect::new(move |_| {
        let Some((sent, result)) = submit.value().get() else {
            return;
        };
        untrack(|| match result {
            Ok(created) => {
                refused.set(None);
                added.set(Some(Added {
                    created,
                    admin_name: sent.admin_name,
                    admin_email: sent.admin_email,
                }));
                // The next customer starts afresh, with a new key.
                form.fill(Draft::fresh());
                go.run(AddCustomerStep::Done);
            }
            Err(failure) => {
                let code = |field: &str| failure.field_codes.get(field).and_then(FieldCode::parse);
                if code("domain") == Some(FieldCode::Taken) {
                    availability.known.set(Some((sent.domain.clone(), false)));
                }
                let problem = first_problem(|field| code(field).is_some());
                refused.set(Some(Refused { failure, sent }));
                if let Some((id, at)) = problem {
                    if at == step.get_untracked() {
                        crate::components::focus::focus_by_id(id);
                    } else {
                        focus_next.set_value(Some(id));
                        go.run(at);
                    }
                }
            }
        })
    });
}

/// The step the URL names, or a redirect to the first step that still needs input.
#[component]
fn CurrentStep(step: Signal<AddCustomerStep>) -> impl IntoView {
    let context = expect_context::<WizardContext>();
    move || {
        let wanted = step.get();
        // Read once per step: the step's own view follows the fields from here on.
        let allowed = untrack(|| context.first_incomplete());
        let redirect = match wanted {
            // The confirmation shows what this page added; after a reload there is nothing.
            AddCustomerStep::Done if context.added.with_untracked(Option::is_none) => {
                Some(AddCustomerStep::Company)
            }
            AddCustomerStep::Done => None,
            wanted if wanted > allowed => Some(allowed),
            _ => None,
        };
        if let Some(step) = redirect {
            let path = Route::AddCustomer { step }.to_path();
            return view! { <Redirect path=path options=NavigateOptions { replace: true, ..Default::default() }/> }.into_any();
        }
        match wanted {
            AddCustomerStep::Company => view! { <steps::CompanyStep/> }.into_any(),
            AddCustomerStep::Domain => view! { <steps::DomainStep/> }.into_any(),
            AddCustomerStep::Admin => view! { <steps::AdminStep/> }.into_any(),
            AddCustomerStep::Review => view! { <steps::ReviewStep/> }.into_any(),
            AddCustomerStep::Done => view! { <steps::DoneStep/> }.into_any(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csp_domain::onboarding::Address;

    #[test]
    fn every_country_and_the_parts_table_1_lists_are_markets_to_choose() {
        let all = markets();
        assert_eq!(
            all.len(),
            250 + 5,
            "249 ISO 3166-1 codes, XK, five subdivisions"
        );
        for code in ["US", "DE", "CN", "XK", "NO-21", "BQ-BO"] {
            assert!(all.iter().any(|m| m.code() == code), "{code}");
        }
        assert!(!all.iter().any(|m| m.code() == "UK"));
    }

    #[test]
    fn every_field_of_the_request_has_its_step_and_control() {
        let empty = NewCustomerRequest {
            company_name: String::new(),
            domain: "-".into(),
            market: String::new(),
            address: Address::default(),
            tax_id: Some("<>".into()),
            admin_name: String::new(),
            admin_email: String::new(),
            agreement_accepted: false,
        };
        let errors = empty.check().unwrap_err();
        for (field, _, _) in errors.iter() {
            assert!(step_of(field).is_some(), "{field} has no step");
        }
        for (field, _, _) in FIELDS {
            assert!(field_value(&empty, field).is_some(), "{field}");
        }
        // The first problem is the first step's.
        assert_eq!(
            first_problem(|f| errors.contains(f)),
            Some(("company-name", AddCustomerStep::Company))
        );
        assert_eq!(
            first_problem(|f| f == "admin_email" || f == "agreement_accepted"),
            Some(("admin-email", AddCustomerStep::Admin))
        );
    }
}
