//! `/tenant`: the customer admin center, where a customer user lands from a partner's deep
//! link (R-SW-3): Billing → Your products → Software.

use csp_domain::Customer;
use leptos::prelude::*;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::EmptyState;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;

#[component]
pub fn TenantPage() -> impl IntoView {
    let tenant = use_loader(|| (), |()| api::tenant());
    view! { <Loaded loader=tenant children={|found: Customer| view! { <TenantHome tenant=found/> }}/> }
}

#[component]
fn TenantHome(tenant: Customer) -> impl IntoView {
    let i18n = use_i18n();
    let path = move || {
        [Msg::Billing, Msg::YourProducts, Msg::TabSoftware]
            .map(|m| i18n.t(m))
            .join(" › ")
    };
    view! {
        <PageHeader title=tenant.company_name.clone()/>
        <dl class="details details--inline">
            <div>
                <dt>{tr(Msg::ColDomain)}</dt>
                <dd>{tenant.domain}</dd>
            </div>
            <div>
                <dt>{tr(Msg::ColTenantId)}</dt>
                <dd class="mono">{tenant.tenant_id.to_string()}</dd>
            </div>
        </dl>
        <section class="section" aria-labelledby="tenant-software-heading">
            <h2 id="tenant-software-heading">{path}</h2>
            <EmptyState
                title=move || i18n.t(Msg::NoTenantSoftware)
                hint=move || i18n.t(Msg::NoTenantSoftwareHint)
            />
        </section>
    }
}
