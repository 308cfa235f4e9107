//! `/customers/:id[/software|/orders|/invoices|/company]`: who the customer is, and tabs for
//! what was bought, ordered and invoiced, and for the company's details. The tab is part of the
//! URL; switching tabs keeps the page.

use crate::router::A;
use csp_domain::onboarding::CustomerDetails;
use csp_domain::{CustomerId, Permission};
use leptos::prelude::*;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::EmptyState;
use crate::components::tabs::{TabLink, Tabs};
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::pages::customers::company::CompanyTab;
use crate::pages::customers::invoices::InvoicesTab;
use crate::pages::customers::orders::{OrderDetail, OrdersTab};
use crate::pages::customers::software::SoftwareTab;
use crate::routes::{CustomerSection, CustomerTab, Route, WizardStep};
use crate::state::use_session;

const PANEL_ID: &str = "customer-tab-panel";

/// A customer's details page with its tabs.
#[component]
pub fn CustomerDetailsPage(
    id: CustomerId,
    #[prop(into)] section: Signal<CustomerSection>,
) -> impl IntoView {
    let customer = use_loader(move || id.clone(), api::customer_details);
    view! {
        <Loaded
            loader=customer
            not_found=|| view! { <CustomerNotFound/> }
            children={move |found: CustomerDetails| view! { <CustomerView details=found section=section/> }}
        />
    }
}

#[component]
fn CustomerView(details: CustomerDetails, section: Signal<CustomerSection>) -> impl IntoView {
    let i18n = use_i18n();
    let customer = details.customer.clone();
    // The page's copy: an edit of the company's details replaces it (its name is the title).
    let details = RwSignal::new(details);
    let name = move || details.with(|d| d.customer.company_name.clone());
    let session = use_session();
    let tab = Memo::new(move |_| section.with(CustomerSection::tab));
    let tabs: Vec<TabLink> = CustomerTab::ALL
        .into_iter()
        .map(|t| TabLink {
            label: tab_label(t),
            href: Route::customer(&customer.id, t).to_path(),
            id: tab_id(t),
        })
        .collect();
    let selected = Signal::derive(move || {
        CustomerTab::ALL
            .iter()
            .position(|t| *t == tab.get())
            .unwrap_or(0)
    });
    let tax_label = customer.tax_label();
    // Only Admin agents and Global admins buy (R-ROLE-1); others are told who can.
    let may_buy = Memo::new(move |_| {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.can(Permission::BuySoftware)))
    });
    let add_product = Route::AddProduct {
        customer: customer.id.clone(),
        step: WizardStep::Product,
    }
    .to_path();

    view! {
        <nav class="breadcrumb" aria-label=tr(Msg::Breadcrumb)>
            <ol>
                <li>
                    <A href=Route::Customers.to_path() exact=true>{tr(Msg::NavCustomers)}</A>
                    <span class="breadcrumb__sep" aria-hidden="true">" › "</span>
                </li>
                <li aria-current="page">{name}</li>
            </ol>
        </nav>
        <PageHeader title=name>
            {move || if may_buy.get() {
                view! { <A href=add_product.clone() attr:class="button button--primary">{tr(Msg::AddProduct)}</A> }.into_any()
            } else {
                let roles = i18n.requires(Permission::BuySoftware);
                view! { <p class="page-header__note">{tr(Msg::AddProduct)}": "{roles}</p> }.into_any()
            }}
        </PageHeader>
        <section class="card" aria-labelledby="customer-details-heading">
            <h2 id="customer-details-heading" class="visually-hidden">{tr(Msg::CustomerDetails)}</h2>
            <dl class="details">
                <div>
                    <dt>{tr(Msg::ColDomain)}</dt>
                    <dd>{customer.domain.clone()}</dd>
                </div>
                <div>
                    <dt>{tr(Msg::ColTenantId)}</dt>
                    <dd class="mono">{customer.tenant_id.to_string()}</dd>
                </div>
                <div>
                    <dt>{tr(Msg::ColMarket)}</dt>
                    <dd>{customer.market.to_string()}</dd>
                </div>
                <div>
                    <dt>{tr(Msg::ColCurrency)}</dt>
                    <dd>{customer.currency.to_string()}</dd>
                </div>
                <div>
                    <dt>{tr(Msg::Tax)}</dt>
                    <dd>{tr(match tax_label {
                        csp_domain::TaxLabel::InclTax => Msg::PricesIncludeTax,
                        csp_domain::TaxLabel::ExclTax => Msg::PricesExcludeTax,
                    })}</dd>
                </div>
            </dl>
        </section>
        <Tabs label=Msg::CustomerSections tabs=tabs selected=selected panel_id=PANEL_ID/>
        <div class="tab-panel" role="tabpanel" id=PANEL_ID aria-labelledby=move || tab_id(tab.get()) tabindex="0">
            {move || {
                let customer = details.with_untracked(|d| d.customer.clone());
                match section.get() {
                    CustomerSection::Tab(CustomerTab::Software) => view! { <SoftwareTab customer=customer/> }.into_any(),
                    CustomerSection::Tab(CustomerTab::Orders) => view! { <OrdersTab customer=customer/> }.into_any(),
                    CustomerSection::Order(order) => view! { <OrderDetail customer=customer order=order/> }.into_any(),
                    CustomerSection::Tab(CustomerTab::Invoices) => view! { <InvoicesTab customer=customer/> }.into_any(),
                    CustomerSection::Tab(CustomerTab::Company) => view! { <CompanyTab details=details/> }.into_any(),
                }
            }}
        </div>
    }
}

fn tab_label(tab: CustomerTab) -> Msg {
    match tab {
        CustomerTab::Software => Msg::TabSoftware,
        CustomerTab::Orders => Msg::TabOrders,
        CustomerTab::Invoices => Msg::TabInvoices,
        CustomerTab::Company => Msg::TabCompany,
    }
}

fn tab_id(tab: CustomerTab) -> &'static str {
    match tab {
        CustomerTab::Software => "customer-tab-software",
        CustomerTab::Orders => "customer-tab-orders",
        CustomerTab::Invoices => "customer-tab-invoices",
        CustomerTab::Company => "customer-tab-company",
    }
}

#[component]
fn CustomerNotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeader title=move || i18n.t(Msg::CustomerNotFound)/>
        <EmptyState title=move || i18n.t(Msg::CustomerNotFoundBody)>
            <A href=Route::Customers.to_path() attr:class="button">{tr(Msg::BackToCustomers)}</A>
        </EmptyState>
    }
}
