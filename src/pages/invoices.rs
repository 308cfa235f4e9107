//! `/invoices[/YYYY-MM]`: the partner's monthly invoice (R-INV-1), this month by default.

use csp_domain::{Invoice, InvoiceMonth};
use leptos::prelude::*;

use crate::api;
use crate::components::invoice_view::{InvoiceView, MonthNav};
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::routes::Route;

#[component]
pub fn InvoicesPage(#[prop(into)] month: Signal<Option<InvoiceMonth>>) -> impl IntoView {
    let i18n = use_i18n();
    let shown = Memo::new(move |_| {
        month
            .get()
            .unwrap_or_else(|| InvoiceMonth::of(chrono::Utc::now()))
    });
    let invoice = use_loader(move || shown.get(), |m| api::invoice(m, None));
    let href = Callback::new(|m: InvoiceMonth| Route::Invoices { month: Some(m) }.to_path());
    view! {
        <PageHeader title=move || i18n.t(Msg::InvoicesHeading) intro=move || i18n.t(Msg::InvoicesIntro)>
            // The print style sheet leaves out the app's frame and controls: the invoice alone.
            <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{tr(Msg::Print)}</button>
        </PageHeader>
        {move || view! { <MonthNav month=shown.get() href=href/> }}
        <Loaded loader=invoice children={|i: Invoice| view! { <InvoiceView invoice=i show_customer=true/> }}/>
    }
}
