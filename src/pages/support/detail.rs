//! `/support/{id}`: one support request — what was asked, the order it is about (its state and
//! what was credited for it already), the files (downloads), the history of who did what and
//! when, comments and files while it is open, and for support agents the status change with
//! a note for the partner and, for an approval, the credit to book.

use crate::router::use_query_map;
use crate::router::A;
use csp_domain::support::{
    max_credit, ApprovalOutcome, SupportEventKind, SupportRequest, SupportStatusChange,
};
use csp_domain::{Amount, InvoiceMonth, OrderStatus, SupportRequestId, SupportStatus, UserKind};
use leptos::prelude::*;

use super::{badge_tone, impact_label, problem_label, status_label};
use crate::api::{self, ApiFailure, ApiResult};
use crate::components::field::{TextAreaField, TextField};
use crate::components::file_picker::{files_problem, FilePicker};
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::Spinner;
use crate::format;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::loader::use_loader;
use crate::routes::Route;
use crate::state::use_session;

#[component]
pub fn SupportRequestPage(id: SupportRequestId) -> impl IntoView {
    let request = use_loader(move || id.clone(), api::support_request);
    let on_changed = Callback::new(move |()| request.reload());
    view! {
        <Loaded loader=request children={move |r: SupportRequest| view! { <RequestView request=r on_changed=on_changed/> }}/>
    }
}

#[component]
fn RequestView(request: SupportRequest, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let agent = session
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.kind == UserKind::Support));
    let just_filed = query.with_untracked(|q| q.get("filed").is_some()) && !agent;
    let s = request.summary.clone();
    let number = s.number;
    let title = s.title.clone();
    let status = s.status.clone();
    let tone = badge_tone(&status);
    let status_text = status.clone();
    let problem = s.problem_type.clone();
    let impact = s.impact.clone();
    let currency = request.currency;
    let tax_inclusive = request.order.as_ref().is_some_and(|o| o.tax_inclusive);
    let money = move |a: &Amount| {
        currency
            .map(|c| i18n.price(a, c, tax_inclusive))
            .unwrap_or_else(|| a.to_string())
    };
    let approved = request
        .history
        .iter()
        .rev()
        .find(|e| e.status == Some(SupportStatus::Approved))
        .map(|e| e.at);
    let credited = request.credited.clone().map(|c| (money(&c), approved));
    let approved_text = if request.outcome == Some(ApprovalOutcome::CancelPurchase) {
        Msg::CreditApprovedCancelled
    } else {
        Msg::CreditApproved
    };
    let open = status.is_open();

    view! {
        <p class="breadcrumb"><A href=Route::Support.to_path() exact=true>{tr(if agent { Msg::SupportConsoleHeading } else { Msg::SupportHeading })}</A></p>
        <PageHeader title=move || i18n.f(Msg::RequestHeading, &[("number", &number), ("title", &title)])>
            <span class=format!("badge badge--{tone} badge--large")>{move || status_label(i18n, &status_text)}</span>
        </PageHeader>
        {just_filed.then(|| view! {
            <p class="message message--success" role="status">{move || i18n.f(Msg::RequestFiled, &[("number", &number)])}</p>
        })}
        {credited.map(|(amount, at)| {
            let next = at.map(|t| InvoiceMonth::of(t).next());
            view! {
                <div class="message message--success">
                    <p>{move || i18n.f(approved_text, &[("credit", &amount)])}</p>
                    {(!agent).then(|| next.map(|month| view! {
                        <p><A href=Route::Invoices { month: Some(month) }.to_path()>{move || i18n.f(Msg::SeeInvoice, &[("month", &month)])}</A></p>
                    }))}
                </div>
            }
        })}
        <div class="request-layout">
            <div class="request-layout__main">
                <section class="card panel" aria-labelledby="request-details">
                    <h2 id="request-details">{tr(Msg::SectionDetails)}</h2>
                    <dl class="details">
                        {agent.then(|| view! { <div><dt>{tr(Msg::ColPartner)}</dt><dd>{s.partner_name.clone()}</dd></div> })}
                        <div><dt>{tr(Msg::ProblemType)}</dt><dd>{move || problem_label(i18n, &problem)}</dd></div>
                        <div><dt>{tr(Msg::Impact)}</dt><dd>{move || impact_label(i18n, &impact)}</dd></div>
                        <div><dt>{tr(Msg::CustomerTenantOrDomain)}</dt><dd>{non_empty(&s.customer)}</dd></div>
                        <div><dt>{tr(Msg::OrderOrSubscriptionId)}</dt><dd class="mono">{s.order_id.as_ref().map(|o| o.to_string()).unwrap_or_else(|| "—".into())}</dd></div>
                        <div><dt>{tr(Msg::AmountRequested)}</dt><dd>{request.amount_requested.as_ref().map(money).unwrap_or_else(|| "—".into())}</dd></div>
                        <div><dt>{tr(Msg::RefundReason)}</dt><dd class="prewrap">{request.refund_reason.clone().unwrap_or_else(|| "—".into())}</dd></div>
                        <div><dt>{tr(Msg::SectionContact)}</dt><dd>{[request.contact_name.clone(), request.contact_email.as_ref().map(ToString::to_string).unwrap_or_default(), request.contact_phone.clone()].into_iter().filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" · ")}</dd></div>
                        <div><dt>{tr(Msg::ColCreated)}</dt><dd>{format::local_date_time(s.created_at)}</dd></div>
                        <div><dt>{tr(Msg::ColUpdated)}</dt><dd>{format::local_date_time(s.updated_at)}</dd></div>
                    </dl>
                </section>
                {request.order.clone().map(|o| {
                    let (currency, tax) = (o.currency, o.tax_inclusive);
                    let money = move |a: &Amount| i18n.price(a, currency, tax);
                    let status = o.status.clone();
                    let ledger = o.ledger.clone();
                    let pending = ledger.pending_credit.to_money(currency).is_ok_and(|m| !m.is_zero());
                    let since = o.credited_since_filed.clone();
                    let since_text = (since.to_money(currency).is_ok_and(|m| !m.is_zero()))
                        .then(|| money(&since));
                    view! {
                        <section class="card panel" aria-labelledby="request-order">
                            <h2 id="request-order">{tr(Msg::TheOrder)}</h2>
                            {since_text.map(|amount| view! {
                                <p class="message message--warning" role="note">{move || i18n.f(Msg::CreditedSinceFiled, &[("amount", &amount)])}</p>
                            })}
                            <dl class="details">
                                <div><dt>{tr(Msg::ColCustomer)}</dt><dd>{o.customer_name.clone()}</dd></div>
                                <div><dt>{tr(Msg::ColProduct)}</dt><dd>{o.products.join(", ")}</dd></div>
                                <div><dt>{tr(Msg::ColStatus)}</dt><dd>{move || i18n.order_status(&status)}</dd></div>
                                <div><dt>{tr(Msg::Placed)}</dt><dd>{format::local_date(o.created_at)}</dd></div>
                                <div><dt>{tr(Msg::Paid)}</dt><dd>{money(&ledger.paid)}</dd></div>
                                <div><dt>{tr(Msg::CreditedSoFar)}</dt><dd>{money(&ledger.credited)}</dd></div>
                                {pending.then(|| view! {
                                    <div><dt>{tr(Msg::PendingCredit)}</dt><dd>{money(&ledger.pending_credit)}</dd></div>
                                })}
                                <div><dt>{tr(Msg::LeftToCredit)}</dt><dd><strong>{money(&ledger.left_to_credit)}</strong></dd></div>
                            </dl>
                        </section>
                    }
                })}
                <Attachments request=request.clone()/>
                <History request=request.clone()/>
            </div>
            <div class="request-layout__side">
                {(agent && open).then(|| view! { <StatusForm request=request.clone() on_changed=on_changed/> })}
                {if open {
                    view! { <CommentForm id=s.id.clone() on_changed=on_changed/> }.into_any()
                } else {
                    view! { <p class="note">{tr(Msg::RequestClosedNote)}</p> }.into_any()
                }}
            </div>
        </div>
    }
}

fn non_empty(text: &str) -> String {
    if text.trim().is_empty() {
        "—".into()
    } else {
        text.to_string()
    }
}

#[component]
fn Attachments(request: SupportRequest) -> impl IntoView {
    let id = request.summary.id.clone();
    view! {
        <section class="card panel" aria-labelledby="request-files">
            <h2 id="request-files">{tr(Msg::Attachments)}</h2>
            {if request.attachments.is_empty() {
                view! { <p class="note">{tr(Msg::NoAttachments)}</p> }.into_any()
            } else {
                view! {
                    <ul class="file-list">
                        {request.attachments.into_iter().map(|a| {
                            let href = api::attachment_url(&id, &a.id);
                            view! {
                                <li class="file-list__item">
                                    <a href=href download=a.file_name.clone() rel="external">{a.file_name.clone()}</a>
                                    <span class="note">{format!("{} · {} · {}", format::file_size(a.size_bytes), a.uploaded_by, format::local_date_time(a.uploaded_at))}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn History(request: SupportRequest) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card panel" aria-labelledby="request-history">
            <h2 id="request-history">{tr(Msg::History)}</h2>
            <ol class="history">
                {request.history.into_iter().map(|e| {
                    let who = if e.by_support { format!("{} ({})", e.by, i18n.t(Msg::SupportAgent)) } else { e.by.clone() };
                    let what = event_text(i18n, &e.kind, e.status.as_ref());
                    view! {
                        <li class="history__item" class:history__item--support=e.by_support>
                            <p class="history__meta">
                                <time datetime=format::machine_time(e.at)>{format::local_date_time(e.at)}</time>
                                " · "<strong>{who}</strong>" · "{what}
                            </p>
                            {e.note.map(|n| view! { <p class="history__note prewrap">{n}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

fn event_text(i18n: I18n, kind: &SupportEventKind, status: Option<&SupportStatus>) -> String {
    match kind {
        SupportEventKind::Created => i18n.t(Msg::EventCreated).into(),
        SupportEventKind::Comment => i18n.t(Msg::EventComment).into(),
        SupportEventKind::FilesAdded => i18n.t(Msg::EventFilesAdded).into(),
        SupportEventKind::StatusChanged => i18n.f(
            Msg::EventStatusChanged,
            &[(
                "status",
                &status.map(|s| status_label(i18n, s)).unwrap_or_default(),
            )],
        ),
        SupportEventKind::Unknown(raw) => raw.clone(),
    }
}

/// Adds a comment and files to an open request.
#[component]
fn CommentForm(id: SupportRequestId, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let files = RwSignal::new_local(Vec::<web_sys::File>::new());
    let error = RwSignal::new(None::<String>);
    let files_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let send: Action<(String, Vec<web_sys::File>), ApiResult<SupportRequest>> =
        Action::new_local(move |(t, f): &(String, Vec<web_sys::File>)| {
            api::comment_support_request(id.clone(), t.clone(), f.clone())
        });
    let pending = send.pending();
    Effect::new(move |_| match send.value().get() {
        Some(Ok(_)) => {
            text.set(String::new());
            files.set(Vec::new());
            on_changed.run(());
        }
        Some(Err(f)) => {
            error.set(i18n.server_field_error(&f, "comment"));
            files_error.set(i18n.server_field_error(&f, "files"));
            failure.set(Some(f));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let picked = files.get_untracked();
        let comment = text.get_untracked();
        error.set(
            (comment.trim().is_empty() && picked.is_empty())
                .then(|| i18n.t(Msg::CommentOrFile).to_string()),
        );
        files_error.set(files_problem(&picked).map(|problem| i18n.text(&problem)));
        if error.with_untracked(Option::is_none) && files_error.with_untracked(Option::is_none) {
            send.dispatch_local((comment, picked));
        }
    };
    view! {
        <form class="card panel form" novalidate on:submit=on_submit aria-labelledby="comment-heading">
            <h2 id="comment-heading">{tr(Msg::AddComment)}</h2>
            <TextAreaField id="comment" label=Msg::Comment value=text error=error rows=4
                maxlength=csp_domain::support::MAX_COMMENT/>
            <FilePicker id="comment-files" label=Msg::AttachFiles files=files error=files_error/>
            {move || failure.get().filter(|f| f.field_codes.is_empty()).map(|f| view! {
                <p class="message message--error" role="alert">{i18n.failure(&f)}</p>
            })}
            <div class="form__actions">
                <button type="submit" class="button" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::AddComment)}
                </button>
            </div>
        </form>
    }
}

/// A support agent moves the request on, with a note for the partner and, when approving a
/// refund, the credit (at most what was asked and what is left to credit on the order).
#[component]
fn StatusForm(request: SupportRequest, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let from = request.summary.status.clone();
    let choices: Vec<(SupportStatus, Msg)> = [
        (SupportStatus::InProgress, Msg::StatusInProgress),
        (SupportStatus::Approved, Msg::Approve),
        (SupportStatus::Rejected, Msg::Reject),
    ]
    .into_iter()
    .filter(|(to, _)| from.can_change_to(to))
    .collect();
    let first = choices
        .first()
        .map(|(s, _)| s.clone())
        .unwrap_or(SupportStatus::InProgress);
    let to = RwSignal::new(first);
    let note = RwSignal::new(String::new());
    // What approving would credit at most, when the request names an order and an amount.
    let most = match (&request.order, &request.amount_requested) {
        (Some(o), Some(requested)) => requested
            .to_money(o.currency)
            .ok()
            .map(|r| (max_credit(r, &o.ledger.ledger(o.currency)), o)),
        _ => None,
    };
    // Whether the approval may cancel the purchase (R-CAN-8) or only credit it.
    let may_cancel = most
        .as_ref()
        .is_some_and(|(_, o)| o.status == OrderStatus::Completed && o.cancellable_kind);
    let only_credit_why = most.as_ref().and_then(|(m, o)| {
        if m.is_zero() {
            Some(Msg::OutcomeNothingLeft)
        } else if o.status != OrderStatus::Completed {
            Some(Msg::OutcomeOnlyCreditCancelled)
        } else if !o.cancellable_kind {
            Some(Msg::OutcomeOnlyCreditPlan)
        } else {
            None
        }
    });
    let outcome = RwSignal::new(if may_cancel {
        ApprovalOutcome::CancelPurchase
    } else {
        ApprovalOutcome::CreditOnly
    });
    let (tax, most_currency) = most
        .as_ref()
        .map_or((false, None), |(_, o)| (o.tax_inclusive, Some(o.currency)));
    let most = most.map(|(m, _)| m);
    let credit = RwSignal::new(most.map(|m| m.amount().to_string()).unwrap_or_default());
    let errors = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let failure = RwSignal::new(None::<ApiFailure>);
    let id = request.summary.id.clone();
    let change: Action<SupportStatusChange, ApiResult<SupportRequest>> =
        Action::new_local(move |c: &SupportStatusChange| {
            api::change_support_status(id.clone(), c.clone())
        });
    let pending = change.pending();
    Effect::new(move |_| match change.value().get() {
        Some(Ok(_)) => on_changed.run(()),
        Some(Err(f)) => {
            errors.set(
                ["status", "note", "credit", "outcome"]
                    .into_iter()
                    .filter_map(|field| {
                        Some((field.to_string(), i18n.server_field_error(&f, field)?))
                    })
                    .collect(),
            );
            failure.set(Some(f));
        }
        None => {}
    });
    let approving = move || to.get() == SupportStatus::Approved;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let status = to.get_untracked();
        let refund = status == SupportStatus::Approved && most.is_some();
        let request = SupportStatusChange {
            status: status.as_str().to_string(),
            note: Some(note.get_untracked()),
            credit: refund
                .then(|| Amount::try_from(credit.get_untracked().trim().to_string()).ok())
                .flatten(),
            outcome: refund.then(|| outcome.get_untracked().as_str().to_string()),
        };
        // The server's own checks first (a rejection says why, …); it checks again.
        if let Err(problems) = request.check() {
            errors.set(
                problems
                    .iter()
                    .map(|(field, _, text)| (field.to_string(), i18n.text(text)))
                    .collect(),
            );
            return;
        }
        errors.set(Default::default());
        change.dispatch_local(request);
    };
    let error =
        move |field: &'static str| Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    let most_text = most
        .zip(most_currency)
        .map(|(m, c)| i18n.price(&m.amount(), c, tax));
    let outcome_choice = move |value: ApprovalOutcome, label: Msg| {
        let checked = {
            let value = value.clone();
            move || outcome.get() == value
        };
        let disabled = value == ApprovalOutcome::CancelPurchase && !may_cancel;
        view! {
            <label class="choice">
                <input type="radio" name="outcome" value=value.as_str().to_string() prop:checked=checked
                    disabled=disabled on:change=move |_| outcome.set(value.clone())/>
                {tr(label)}
            </label>
        }
    };
    view! {
        <form class="card panel form" novalidate on:submit=on_submit aria-labelledby="status-heading">
            <h2 id="status-heading">{tr(Msg::ChangeStatus)}</h2>
            <fieldset class="choice-group">
                <legend>{tr(Msg::NewStatus)}</legend>
                {choices.into_iter().map(|(status, label)| {
                    let value = status.as_str().to_string();
                    let checked = { let status = status.clone(); move || to.get() == status };
                    view! {
                        <label class="choice">
                            <input type="radio" name="new-status" value=value prop:checked=checked
                                on:change=move |_| to.set(status.clone())/>
                            {tr(label)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <TextAreaField id="status-note" label=Msg::NoteForPartner value=note error=error("note") rows=3
                maxlength=csp_domain::support::MAX_NOTE/>
            {most_text.map(|most| view! {
                <Show when=approving>
                    <fieldset class="choice-group" aria-describedby=only_credit_why.map(|_| "outcome-why")>
                        <legend>{tr(Msg::OutcomeLegend)}</legend>
                        {outcome_choice(ApprovalOutcome::CancelPurchase, Msg::OutcomeCancel)}
                        {outcome_choice(ApprovalOutcome::CreditOnly, Msg::OutcomeCreditOnly)}
                        {only_credit_why.map(|why| view! { <p id="outcome-why" class="note">{tr(why)}</p> })}
                        {move || error("outcome").get().map(|e| view! { <p class="field__error" role="alert">{e}</p> })}
                    </fieldset>
                    <TextField id="credit" label=Msg::CreditToBook value=credit inputmode="decimal" error=error("credit")
                        hint=Signal::derive({ let most = most.clone(); move || i18n.f(Msg::CreditAtMost, &[("max", &most)]) })/>
                </Show>
            })}
            {move || failure.get().filter(|f| f.field_codes.is_empty()).map(|f| view! {
                <p class="message message--error" role="alert">{i18n.failure(&f)}</p>
            })}
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::SaveStatus)}
                </button>
            </div>
        </form>
    }
}
