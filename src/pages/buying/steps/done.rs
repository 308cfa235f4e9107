//! Step 5: the confirmation with the order ID.

use crate::router::use_query_map;
use crate::router::A;
use csp_domain::Customer;
use leptos::prelude::*;

use super::StepHeading;
use crate::i18n::{tr, use_i18n, Msg};
use crate::pages::buying::WizardContext;
use crate::routes::{CustomerSection, CustomerTab, Route, WizardStep};

/// The confirmation: the order ID, and where to go next.
#[component]
pub fn DoneStep(customer: Customer) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let order = Memo::new(move |_| {
        query
            .with(|q| q.get("order"))
            .and_then(|o| csp_domain::OrderId::parse(&o).ok())
    });
    let context = expect_context::<WizardContext>();
    let id = customer.id.clone();
    view! {
        <section class="card step step--done" aria-labelledby="step-heading">
            <StepHeading label=Msg::OrderPlaced/>
            {move || order.get().map(|order_id| {
                let shown = order_id.to_string();
                let orders = Route::Customer { id: id.clone(), section: CustomerSection::Order(order_id) }.to_path();
                let software = Route::customer(&id, CustomerTab::Software).to_path();
                view! {
                    <p role="status" class="message message--success">{move || i18n.f(Msg::OrderPlacedBody, &[("id", &shown)])}</p>
                    <div class="step__actions">
                        <A href=orders attr:class="button button--primary">{tr(Msg::ViewOrders)}</A>
                        <A href=software attr:class="button">{tr(Msg::ViewSoftware)}</A>
                        <button type="button" class="button" on:click=move |_| context.go.run(WizardStep::Product)>{tr(Msg::AddAnother)}</button>
                    </div>
                }
            })}
        </section>
    }
}
