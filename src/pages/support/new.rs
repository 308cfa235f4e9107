//! `/support/new`: "Report a problem" (R-SUP-1…5). Details, Description, Contact and Add files,
//! checked field by field with the domain's rules before sending (the server checks again,
//! and whether the customer and order are the partner's). What is typed is kept in the tab's
//! sessionStorage, so a reload keeps it; a failed upload keeps everything.
//! From the cancel dialog, `?customer=&order=&amount=&currency=` fill in the refund.

use std::collections::BTreeMap;

use crate::router::{use_navigate, use_query_map};
use csp_domain::support::{SupportForm, SupportRequest, MAX_REASON, MAX_TITLE};
use csp_domain::{ErrorCode, User};
use leptos::html;
use leptos::prelude::*;

use super::{IMPACTS, PROBLEM_TYPES};
use crate::api::{self, ApiFailure};
use crate::components::field::{SelectField, TextAreaField, TextField};
use crate::components::file_picker::{files_problem, FilePicker};
use crate::components::page_header::PageHeader;
use crate::components::states::Spinner;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::routes::Route;
use crate::state::{
    discard_support_draft, load_support_draft, new_idempotency_key, save_support_draft,
    use_session, SupportDraft,
};

/// The form's fields, one signal each.
#[derive(Clone, Copy)]
struct Fields {
    problem_type: RwSignal<String>,
    impact: RwSignal<String>,
    title: RwSignal<String>,
    customer: RwSignal<String>,
    order_id: RwSignal<String>,
    refund_reason: RwSignal<String>,
    amount_requested: RwSignal<String>,
    contact_name: RwSignal<String>,
    contact_email: RwSignal<String>,
    contact_phone: RwSignal<String>,
}

impl Fields {
    fn new(form: SupportForm) -> Fields {
        Fields {
            problem_type: RwSignal::new(form.problem_type),
            impact: RwSignal::new(form.impact),
            title: RwSignal::new(form.title),
            customer: RwSignal::new(form.customer),
            order_id: RwSignal::new(form.order_id),
            refund_reason: RwSignal::new(form.refund_reason),
            amount_requested: RwSignal::new(form.amount_requested),
            contact_name: RwSignal::new(form.contact_name),
            contact_email: RwSignal::new(form.contact_email),
            contact_phone: RwSignal::new(form.contact_phone),
        }
    }

    /// The form as it stands (tracked, so an effect re-runs on every change).
    fn form(&self) -> SupportForm {
        SupportForm {
            problem_type: self.problem_type.get(),
            impact: self.impact.get(),
            title: self.title.get(),
            customer: self.customer.get(),
            order_id: self.order_id.get(),
            refund_reason: self.refund_reason.get(),
            amount_requested: self.amount_requested.get(),
            contact_name: self.contact_name.get(),
            contact_email: self.contact_email.get(),
            contact_phone: self.contact_phone.get(),
        }
    }
}

/// The draft to start from: the stored one, with the signed-in user as the contact.
fn starting_draft(user: Option<User>) -> SupportDraft {
    let mut draft = load_support_draft().unwrap_or_default();
    if let Some(user) = user {
        if draft.form.contact_name.is_empty() && draft.form.contact_email.is_empty() {
            draft.form.contact_name = user.display_name;
            draft.form.contact_email = user.email.to_string();
        }
    }
    draft
}

#[component]
pub fn NewSupportRequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let draft = starting_draft(session.user.get_untracked());
    let currency = RwSignal::new(draft.currency.clone());
    let key = StoredValue::new(if draft.idempotency_key.is_empty() {
        new_idempotency_key().to_string()
    } else {
        draft.idempotency_key.clone()
    });
    let fields = Fields::new(draft.form);
    // Sent from the cancel dialog: a refund of that order, unless the draft is about it already
    // (a reload keeps what was typed since).
    Effect::new(move |_| {
        let param = |name: &str| query.with(|q| q.get(name)).unwrap_or_default();
        let order = param("order");
        if order.is_empty() || fields.order_id.get_untracked() == order {
            return;
        }
        fields.problem_type.set("csp_purchase_refund".into());
        fields.customer.set(param("customer"));
        fields.order_id.set(order);
        fields.amount_requested.set(param("amount"));
        fields.title.set(String::new());
        fields.refund_reason.set(String::new());
        currency.set(param("currency"));
    });
    let files = RwSignal::new_local(Vec::<web_sys::File>::new());
    // Field → message in the user's language.
    let errors = RwSignal::new(BTreeMap::<String, String>::new());
    let failure = RwSignal::new(None::<ApiFailure>);
    let summary = NodeRef::<html::Div>::new();

    Effect::new(move |_| {
        save_support_draft(&SupportDraft {
            form: fields.form(),
            currency: currency.get(),
            idempotency_key: key.get_value(),
        })
    });

    let submit = Action::new_local(move |(form, picked): &(SupportForm, Vec<web_sys::File>)| {
        api::file_support_request(form.clone(), picked.clone(), key.get_value())
    });
    let pending = submit.pending();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(request)) => {
            discard_support_draft();
            let SupportRequest { summary, .. } = request;
            navigate(
                &Route::SupportRequest { id: summary.id }.with_query(&[("filed", "1")]),
                Default::default(),
            );
        }
        Some(Err(f)) => {
            if f.known_code() == Some(ErrorCode::ValidationFailed) {
                errors.set(
                    f.field_codes
                        .keys()
                        .filter_map(|field| {
                            Some((field.to_string(), i18n.server_field_error(&f, field)?))
                        })
                        .collect(),
                );
            }
            failure.set(Some(f));
            focus(summary);
        }
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let form = fields.form();
        let picked = files.get_untracked();
        let mut found = BTreeMap::new();
        if let Err(problems) = form.check() {
            for (field, _, text) in problems.iter() {
                found.insert(field.to_string(), i18n.text(text));
            }
        }
        if let Some(problem) = files_problem(&picked) {
            found.insert("files".into(), i18n.text(&problem));
        }
        let ok = found.is_empty();
        errors.set(found);
        if ok {
            submit.dispatch_local((form, picked));
        } else {
            focus(summary);
        }
    };

    let error =
        move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    let refund = Signal::derive(move || fields.problem_type.get() == "csp_purchase_refund");
    let amount_hint = Signal::derive(move || currency_hint_text(i18n, &currency.get()));

    view! {
        <PageHeader title=move || i18n.t(Msg::ReportProblem) intro=move || i18n.t(Msg::ReportProblemIntro)/>
        <form class="form form--wide support-form" novalidate on:submit=on_submit>
            <div node_ref=summary tabindex="-1" class="form__summary">
                {move || summary_view(i18n, errors.get(), failure.get())}
            </div>
            <section class="form__section" aria-labelledby="details-heading">
                <h2 id="details-heading">{tr(Msg::SectionDetails)}</h2>
                <SelectField id="problem_type" label=Msg::ProblemType value=fields.problem_type
                    options=PROBLEM_TYPES.to_vec() prompt=Msg::ChooseOne required=true error=error("problem_type")/>
                <SelectField id="impact" label=Msg::Impact value=fields.impact
                    options=IMPACTS.to_vec() prompt=Msg::ChooseOne required=true error=error("impact")/>
                <TextField id="title" label=Msg::ColTitle value=fields.title required=true error=error("title")
                    hint=Signal::derive(move || i18n.f(Msg::AtMostChars, &[("max", &MAX_TITLE)]))/>
            </section>
            <section class="form__section" aria-labelledby="description-heading">
                <h2 id="description-heading">{tr(Msg::SectionDescription)}</h2>
                <p class="note">{move || i18n.t(if refund.get() { Msg::DescriptionRefundHint } else { Msg::DescriptionOtherHint })}</p>
                <TextField id="customer" label=Msg::CustomerTenantOrDomain value=fields.customer error=error("customer")/>
                <TextField id="order_id" label=Msg::OrderOrSubscriptionId value=fields.order_id error=error("order_id")/>
                <TextAreaField id="refund_reason" label=Msg::RefundReason value=fields.refund_reason error=error("refund_reason")
                    maxlength=MAX_REASON rows=5/>
                <TextField id="amount_requested" label=Msg::AmountRequested value=fields.amount_requested inputmode="decimal"
                    error=error("amount_requested") hint=amount_hint/>
            </section>
            <section class="form__section" aria-labelledby="contact-heading">
                <h2 id="contact-heading">{tr(Msg::SectionContact)}</h2>
                <TextField id="contact_name" label=Msg::ContactName value=fields.contact_name autocomplete="name" required=true error=error("contact_name")/>
                <TextField id="contact_email" label=Msg::ContactEmail value=fields.contact_email input_type="email" autocomplete="email" required=true error=error("contact_email")/>
                <TextField id="contact_phone" label=Msg::ContactPhone value=fields.contact_phone input_type="tel" autocomplete="tel" required=true error=error("contact_phone")/>
            </section>
            <section class="form__section" aria-labelledby="files-heading">
                <h2 id="files-heading">{tr(Msg::SectionFiles)}</h2>
                <FilePicker id="files" label=Msg::AttachFiles files=files error=error("files")/>
                <p class="note">{tr(Msg::FilesNotKept)}</p>
            </section>
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::Submit)}
                </button>
            </div>
        </form>
    }
}

fn currency_hint_text(i18n: I18n, currency: &str) -> String {
    if currency.is_empty() {
        i18n.t(Msg::AmountHint).to_string()
    } else {
        i18n.f(Msg::AmountHintCurrency, &[("currency", &currency)])
    }
}

/// What stops the form: a list of the fields to fix, or the failure, for screen readers too.
fn summary_view(
    i18n: I18n,
    errors: BTreeMap<String, String>,
    failure: Option<ApiFailure>,
) -> impl IntoView {
    if !errors.is_empty() {
        let items = errors
            .into_iter()
            .map(|(field, message)| {
                let href = format!("#{field}");
                view! { <li><a href=href rel="external">{message}</a></li> }
            })
            .collect_view();
        view! {
            <div class="message message--error" role="alert">
                <p><strong>{i18n.t(Msg::ErrValidationFailed)}</strong></p>
                <ul>{items}</ul>
            </div>
        }
        .into_any()
    } else if let Some(f) = failure {
        view! { <p class="message message--error" role="alert">{i18n.failure(&f)}</p> }.into_any()
    } else {
        ().into_any()
    }
}

fn focus(target: NodeRef<html::Div>) {
    if let Some(el) = target.get_untracked() {
        let _ = el.focus();
    }
}
