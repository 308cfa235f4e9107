//! The Invoices & credits tab of a customer's details page: the customer's share of a month's
//! invoice (`?month=YYYY-MM`, this month by default).

use crate::router::use_query_map;
use csp_domain::{Customer, Invoice, InvoiceMonth};
use leptos::prelude::*;

use crate::api;
use crate::components::invoice_view::{InvoiceView, MonthNav};
use crate::components::loaded::Loaded;
use crate::loader::use_loader;
use crate::routes::{CustomerTab, Route};

#[component]
pub fn InvoicesTab(customer: Customer) -> impl IntoView {
    let query = use_query_map();
    let month = Memo::new(move |_| {
        query
            .with(|q| q.get("month"))
            .and_then(|m| InvoiceMonth::parse(&m))
            .unwrap_or_else(|| InvoiceMonth::of(chrono::Utc::now()))
    });
    let id = customer.id.clone();
    let invoice = use_loader(
        move || (month.get(), id.clone()),
        |(m, c)| api::invoice(m, Some(c)),
    );
    let id = customer.id.clone();
    let href = Callback::new(move |m: InvoiceMonth| {
        Route::customer(&id, CustomerTab::Invoices).with_query(&[("month", &m.to_string())])
    });
    let id = customer.id.clone();
    view! {
        {move || view! { <MonthNav month=month.get() href=href/> }}
        <Loaded loader=invoice children={move |i: Invoice| view! { <InvoiceView invoice=i customer=id.clone()/> }}/>
    }
}
