//! `/tenant`: the home of the customer admin center: the organisation, the way to its
//! software (Billing → Your products → Software), where the partner's deep link also leads,
//! and its users (`pages::tenant_users`).

use crate::router::A;
use csp_domain::Customer;
use leptos::prelude::*;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::pages::tenant_users::TenantUsers;
use crate::routes::Route;

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
        <section class="card section" aria-labelledby="tenant-software-heading">
            <h2 id="tenant-software-heading">{path}</h2>
            <p>{tr(Msg::AdminCenterIntro)}</p>
            <A href=Route::AdminCenterSoftware.to_path() attr:class="button button--primary">{tr(Msg::OpenYourSoftware)}</A>
        </section>
        <TenantUsers/>
    }
}
