//! Step 4: pay — the partner's billing profile, the terms, and the order placed once.

use crate::router::use_navigate;
use crate::router::NavigateOptions;
use csp_domain::order::{OrderLineRequest, MAX_PO_NUMBER_LEN};
use csp_domain::text::{self, TextError};
use csp_domain::{BillingProfile, Customer, IdempotencyKey, Order, OrderRequest};
use leptos::prelude::*;

use super::review::OrderSummary;
use super::{StepActions, StepHeading};
use crate::api::{self, ApiResult};
use crate::components::field::TextField;
use crate::components::loaded::Loaded;
use crate::components::states::Spinner;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::pages::buying::WizardContext;
use crate::routes::{Route, WizardStep};

/// Step 4: the partner's billing profile, a PO number, the terms, and the order.
#[component]
pub fn PayStep(customer: Customer, forget: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let context = expect_context::<WizardContext>();
    let draft = context.draft;
    let navigate = use_navigate();
    let profile = use_loader(|| (), |()| api::billing_profile());
    let po = RwSignal::new(draft.with_untracked(|d| d.po_number.clone()));
    Effect::new(move |_| {
        let value = po.get();
        if draft.with_untracked(|d| d.po_number != value) {
            draft.update(|d| d.po_number = value);
        }
    });
    let tried = RwSignal::new(false);
    let po_error = Signal::derive(move || match text::line(&po.get(), MAX_PO_NUMBER_LEN) {
        Ok(_) | Err(TextError::Required) => None,
        Err(e) => Some(i18n.text(&csp_domain::FieldIssue::text(&e))),
    });
    let terms_error = Signal::derive(move || {
        (tried.get() && !draft.with(|d| d.terms_accepted))
            .then(|| i18n.t(Msg::AcceptTermsRequired).to_string())
    });

    let place: Action<(), ApiResult<Order>> = {
        let customer_id = customer.id.clone();
        Action::new_local(move |()| {
            let (request, key) = draft.with_untracked(|d| {
                let offer = d.offer.clone().map(|o| o.to_string()).unwrap_or_default();
                let quantity = d.quantity.trim().parse().unwrap_or(0);
                let po = Some(d.po_number.trim().to_string()).filter(|p| !p.is_empty());
                (
                    OrderRequest {
                        line_items: vec![OrderLineRequest {
                            offer_id: offer,
                            quantity,
                        }],
                        purchase_order_number: po,
                    },
                    d.idempotency_key.clone(),
                )
            });
            let customer = customer_id.clone();
            async move {
                // The draft's key is a UUID; a draft without one (storage edited by hand) gets
                // a new one, which can at worst place this order once more, never merge two.
                let key =
                    IdempotencyKey::parse(&key).unwrap_or_else(crate::state::new_idempotency_key);
                api::place_order(customer, request, key).await
            }
        })
    };
    let pending = place.pending();
    let customer_id = customer.id.clone();
    Effect::new(move |_| {
        if let Some(Ok(order)) = place.value().get() {
            forget.run(());
            let done = Route::AddProduct {
                customer: customer_id.clone(),
                step: WizardStep::Done,
            };
            navigate(
                &done.with_query(&[("order", order.id.as_str())]),
                NavigateOptions::default(),
            );
        }
    });
    let failure = move || match place.value().get() {
        Some(Err(f)) => Some(f),
        _ => None,
    };
    let submit = move |_| {
        tried.set(true);
        if pending.get_untracked()
            || terms_error.get_untracked().is_some()
            || po_error.get_untracked().is_some()
        {
            return;
        }
        place.dispatch(());
    };
    let offer = context.offer();
    let quantity = draft.with_untracked(|d| d.quantity.trim().to_string());

    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepPay/>
            {offer.map(|o| view! { <OrderSummary offer=o quantity=quantity/> })}
            <h3>{tr(Msg::BillingProfile)}</h3>
            <Loaded loader=profile children={|p: BillingProfile| view! { <BillingProfileCard profile=p/> }}/>
            <TextField id="po-number" label=Msg::PoNumber value=po error=po_error
                hint=Signal::derive(move || i18n.t(Msg::PoNumberHint).to_string())/>
            <div class="field" class:field--invalid=move || terms_error.get().is_some()>
                <label class="choice" for="accept-terms">
                    <input type="checkbox" id="accept-terms"
                        aria-describedby=move || terms_error.get().map(|_| "accept-terms-error")
                        aria-invalid=move || terms_error.get().is_some().to_string()
                        prop:checked=move || draft.with(|d| d.terms_accepted)
                        on:change=move |ev| draft.update(|d| d.terms_accepted = event_target_checked(&ev))/>
                    {tr(Msg::AcceptTerms)}
                </label>
                {move || terms_error.get().map(|e| view! { <p id="accept-terms-error" class="field__error">{e}</p> })}
            </div>
            {move || failure().map(|f| {
                let fields: Vec<String> = f.field_codes.keys().filter_map(|field| i18n.server_field_error(&f, field)).collect();
                view! {
                    <div class="message message--error" role="alert">
                        <p>{i18n.failure(&f)}</p>
                        {fields.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                    </div>
                }
            })}
            <StepActions back=WizardStep::Review>
                <button type="button" class="button button--primary" disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string() on:click=submit>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::PlaceOrder)}
                </button>
            </StepActions>
            <p class="visually-hidden" role="status">{move || pending.get().then(|| i18n.t(Msg::PlacingOrder))}</p>
        </section>
    }
}

#[component]
fn BillingProfileCard(profile: BillingProfile) -> impl IntoView {
    view! {
        <dl class="details details--inline">
            <div>
                <dt>{tr(Msg::BillingProfile)}</dt>
                <dd>{profile.company_name}<br/>{profile.address_lines.join(", ")}</dd>
            </div>
            <div><dt>{tr(Msg::PaymentMethod)}</dt><dd>{profile.payment_method}</dd></div>
            <div><dt>{tr(Msg::InvoicesSentTo)}</dt><dd>{profile.invoice_email}</dd></div>
        </dl>
    }
}
