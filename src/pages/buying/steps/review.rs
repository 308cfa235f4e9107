//! Step 3: review — unit price, total, tax label and the product's cancellation policy.

use csp_domain::Offer;
use leptos::prelude::*;

use super::configure::line_total;
use super::{StepActions, StepHeading};
use crate::i18n::{tr, use_i18n, Msg};
use crate::pages::buying::WizardContext;
use crate::routes::WizardStep;

/// What the draft will order, as the review and payment steps show it.
#[component]
pub(super) fn OrderSummary(offer: Offer, quantity: String) -> impl IntoView {
    let i18n = use_i18n();
    let total = line_total(&offer, &quantity);
    let o = offer.clone();
    view! {
        <dl class="details summary">
            <div><dt>{tr(Msg::ColProducts)}</dt><dd>{offer.product_name.clone()}</dd></div>
            <div><dt>{tr(Msg::Sku)}</dt><dd>{offer.sku_name.clone()}</dd></div>
            <div><dt>{tr(Msg::Term)}</dt><dd>{move || i18n.term(o.term)}</dd></div>
            <div><dt>{tr(Msg::Quantity)}</dt><dd>{quantity.clone()}</dd></div>
            <div><dt>{tr(Msg::UnitPrice)}</dt><dd>{
                let o = offer.clone();
                move || i18n.price(&o.unit_price, o.currency, o.tax_inclusive)
            }</dd></div>
            <div class="summary__total"><dt>{tr(Msg::Total)}</dt><dd>{
                let tax = offer.tax_inclusive;
                move || total.map(|t| format!("{t} {}", i18n.tax_label(tax)))
            }</dd></div>
            <div><dt>{tr(Msg::CancellationPolicy)}</dt><dd>{
                let days = offer.cancellation_window_days;
                move || i18n.cancellation_policy(days)
            }</dd></div>
        </dl>
    }
}

/// Step 3: everything at a glance before paying.
#[component]
pub fn ReviewStep() -> impl IntoView {
    let context = expect_context::<WizardContext>();
    let offer = context.offer();
    let quantity = context
        .draft
        .with_untracked(|d| d.quantity.trim().to_string());
    view! {
        <section class="card step" aria-labelledby="step-heading">
            <StepHeading label=Msg::StepReview/>
            {offer.map(|o| view! { <OrderSummary offer=o quantity=quantity/> })}
            <StepActions back=WizardStep::Configure>
                <button type="button" class="button button--primary" on:click=move |_| context.go.run(WizardStep::Pay)>{tr(Msg::Next)}</button>
            </StepActions>
        </section>
    }
}
