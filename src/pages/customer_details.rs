//! `/customers/:id[/software|/orders|/invoices]`: who the customer is, and tabs for what was
//! bought, ordered and invoiced. The tab is part of the URL; the tab content is a child route.

use csp_domain::{Customer, Market};
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_params_map};

use crate::api;
use crate::components::page_header::PageHeader;
use crate::components::states::{EmptyState, ErrorState, LoadingState};
use crate::components::tabs::{TabLink, Tabs};
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::urls::{self, CustomerTab};

const PANEL_ID: &str = "customer-tab-panel";

/// A customer's details page with its tabs.
#[component]
pub fn CustomerDetailsPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let customer = use_loader(move || id.get(), api::customer);

    move || {
        match customer.data.get() {
        None => view! { <LoadingState/> }.into_any(),
        Some(Ok(found)) => view! { <CustomerDetails customer=found/> }.into_any(),
        Some(Err(failure)) if failure.is_not_found() => view! { <CustomerNotFound/> }.into_any(),
        Some(Err(failure)) => {
            view! { <ErrorState failure=failure on_retry=Callback::new(move |()| customer.reload())/> }.into_any()
        }
    }
    }
}

#[component]
fn CustomerDetails(customer: Customer) -> impl IntoView {
    let location = use_location();
    let tax_inclusive = Market(&customer.market).tax_inclusive();

    let tabs: Vec<TabLink> = CustomerTab::ALL
        .into_iter()
        .map(|tab| TabLink {
            label: tab_label(tab),
            href: urls::customer_tab(&customer.id, tab),
            id: tab_id(tab),
        })
        .collect();
    let active = Memo::new(move |_| CustomerTab::from_path(&location.pathname.get()));
    let selected = Signal::derive(move || {
        CustomerTab::ALL
            .iter()
            .position(|t| *t == active.get())
            .unwrap_or(0)
    });

    let name = customer.company_name.clone();
    view! {
        <nav class="breadcrumb" aria-label=tr(Msg::Breadcrumb)>
            <ol>
                <li>
                    <A href=urls::CUSTOMERS>{tr(Msg::NavCustomers)}</A>
                    <span class="breadcrumb__sep" aria-hidden="true">" › "</span>
                </li>
                <li aria-current="page">{customer.company_name.clone()}</li>
            </ol>
        </nav>
        <PageHeader title=name/>
        <section class="card" aria-labelledby="customer-details-heading">
            <h2 id="customer-details-heading" class="visually-hidden">{tr(Msg::CustomerDetails)}</h2>
            <dl class="details">
                <div>
                    <dt>{tr(Msg::ColDomain)}</dt>
                    <dd>{customer.domain.clone()}</dd>
                </div>
                <div>
                    <dt>{tr(Msg::ColTenantId)}</dt>
                    <dd class="mono">{customer.tenant_id.clone()}</dd>
                </div>
                <div>
                    <dt>{tr(Msg::ColMarket)}</dt>
                    <dd>{customer.market.clone()}</dd>
                </div>
                <div>
                    <dt>{tr(Msg::ColCurrency)}</dt>
                    <dd>{customer.currency.clone()}</dd>
                </div>
                <div>
                    <dt>{tr(Msg::Tax)}</dt>
                    <dd>{tr(if tax_inclusive { Msg::PricesIncludeTax } else { Msg::PricesExcludeTax })}</dd>
                </div>
            </dl>
        </section>
        <Tabs label=Msg::CustomerSections tabs=tabs selected=selected panel_id=PANEL_ID/>
        <div
            class="tab-panel"
            role="tabpanel"
            id=PANEL_ID
            aria-labelledby=move || tab_id(active.get())
            tabindex="0"
        >
            <Outlet/>
        </div>
    }
}

fn tab_label(tab: CustomerTab) -> Msg {
    match tab {
        CustomerTab::Software => Msg::TabSoftware,
        CustomerTab::Orders => Msg::TabOrders,
        CustomerTab::Invoices => Msg::TabInvoices,
    }
}

fn tab_id(tab: CustomerTab) -> &'static str {
    match tab {
        CustomerTab::Software => "customer-tab-software",
        CustomerTab::Orders => "customer-tab-orders",
        CustomerTab::Invoices => "customer-tab-invoices",
    }
}

#[component]
fn CustomerNotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeader title=move || i18n.t(Msg::CustomerNotFound)/>
        <EmptyState title=move || i18n.t(Msg::CustomerNotFoundBody)>
            <A href=urls::CUSTOMERS attr:class="button">{tr(Msg::BackToCustomers)}</A>
        </EmptyState>
    }
}
