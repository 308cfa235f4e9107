//! `/admin-center/billing/products/software[?tenant=…]`: the customer admin center's Software
//! page (R-SW-3), where a customer user lands from the partner's deep link: everything bought
//! for the tenant, each key shown on request (and recorded), each file downloadable.

use crate::router::use_query_map;
use crate::router::A;
use csp_domain::software::{Download, KeyReveal, TenantSoftware, TenantSoftwareList};
use csp_domain::{OrderStatus, PurchaseId, TenantId};
use leptos::prelude::*;

use crate::api::{self, ApiResult};
use crate::components::copy_button::CopyField;
use crate::components::data_table::DataTable;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::{EmptyState, Spinner};
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::pages::customers::orders::StatusBadge;
use crate::routes::Route;

#[component]
pub fn AdminCenterSoftwarePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let wanted = Memo::new(move |_| query.with(|q| q.get("tenant")).map(|t| TenantId::parse(&t)));
    let list = use_loader(|| (), |()| api::tenant_software());
    let trail = move || {
        [Msg::Billing, Msg::YourProducts, Msg::TabSoftware]
            .map(|m| i18n.t(m))
            .join(" › ")
    };
    view! {
        <nav class="breadcrumb" aria-label=tr(Msg::Breadcrumb)>
            <ol>
                <li><A href=Route::Tenant.to_path() exact=true>{tr(Msg::AdminCenter)}</A><span class="breadcrumb__sep" aria-hidden="true">" › "</span></li>
                <li aria-current="page">{trail}</li>
            </ol>
        </nav>
        <Loaded loader=list children={move |list: TenantSoftwareList| {
            match wanted.get() {
                // The link names another organisation (or nothing readable): show none of it.
                Some(Err(_)) => view! { <OtherOrganisation/> }.into_any(),
                Some(Ok(tenant)) if tenant != list.tenant_id => view! { <OtherOrganisation/> }.into_any(),
                _ => view! { <TenantSoftwareView list=list/> }.into_any(),
            }
        }}/>
    }
}

#[component]
fn OtherOrganisation() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeader title=move || i18n.t(Msg::OtherOrganisationTitle)/>
        <EmptyState title=move || i18n.t(Msg::OtherOrganisationBody)>
            <A href=Route::AdminCenterSoftware.to_path() attr:class="button">{tr(Msg::YourSoftware)}</A>
        </EmptyState>
    }
}

#[component]
fn TenantSoftwareView(list: TenantSoftwareList) -> impl IntoView {
    let i18n = use_i18n();
    let name = list.company_name.clone();
    let body = if list.items.is_empty() {
        view! { <EmptyState title=move || i18n.t(Msg::NoTenantSoftware) hint=move || i18n.t(Msg::NoTenantSoftwareHint)/> }.into_any()
    } else {
        list.items
            .into_iter()
            .map(|item| view! { <PurchaseCard item=item/> })
            .collect_view()
            .into_any()
    };
    view! {
        <PageHeader title=move || i18n.f(Msg::SoftwareFor, &[("customer", &name)]) intro=move || i18n.t(Msg::AdminCenterIntro)/>
        <div class="tabs" role="tablist" aria-label=tr(Msg::YourProducts)>
            <span class="tabs__tab" role="tab" aria-selected="true" tabindex="0">{tr(Msg::TabSoftware)}</span>
        </div>
        <div class="tab-panel purchases" role="tabpanel">{body}</div>
    }
}

#[component]
fn PurchaseCard(item: TenantSoftware) -> impl IntoView {
    let i18n = use_i18n();
    let p = item.purchase.clone();
    let heading_id = format!("purchase-{}", p.id);
    let labelled_by = heading_id.clone();
    let term = p.term;
    let details = move || {
        let mut parts = vec![
            p.sku_name.clone(),
            i18n.term(term).to_string(),
            i18n.f(Msg::QuantityN, &[("n", &p.quantity)]),
            i18n.f(
                Msg::PurchasedOn,
                &[("date", &format::local_date(p.purchased_at))],
            ),
        ];
        // Where the term runs or ran: in the viewer's time with UTC beside it.
        if let Some(end) = p.term_end {
            let when = i18n.f(
                Msg::TimeBoth,
                &[
                    ("utc", &format::utc_date_time(end)),
                    ("local", &format::local_date_time(end)),
                    ("zone", &format::local_zone_at(end)),
                ],
            );
            parts.push(i18n.f(Msg::TermEndsOn, &[("when", &when)]));
        }
        parts.join(" · ")
    };
    let content = if item.revoked {
        let note = match &item.purchase.status {
            OrderStatus::Expired => Msg::ExpiredNote,
            OrderStatus::Renewed => Msg::RenewedNote,
            _ => Msg::RevokedNote,
        };
        view! { <p class="message message--warning">{tr(note)}</p> }.into_any()
    } else if item.purchase.has_keys {
        view! {
            <ProductKeys purchase=item.purchase.id.clone() count=item.key_count/>
            <Downloads purchase=item.purchase.id.clone() files=item.downloads/>
        }
        .into_any()
    } else {
        view! { <p class="note">{tr(Msg::NoKeysNeeded)}</p> }.into_any()
    };
    view! {
        <article class="card purchase" aria-labelledby=labelled_by>
            <div class="purchase__head">
                <h2 id=heading_id>{item.purchase.product_name.clone()}</h2>
                <StatusBadge status=item.purchase.status.clone()/>
            </div>
            <p class="purchase__details">{details}</p>
            {content}
        </article>
    }
}

/// The keys of a purchase: masked until "Show key", which the server records (R-KEY-2).
#[component]
fn ProductKeys(purchase: PurchaseId, count: u32) -> impl IntoView {
    let i18n = use_i18n();
    let reveal: Action<(), ApiResult<KeyReveal>> = {
        let purchase = purchase.clone();
        Action::new_local(move |()| api::reveal_keys(purchase.clone()))
    };
    let pending = reveal.pending();
    let masked = "•••••-•••••-•••••-•••••-•••••";
    let field_prefix = format!("key-{purchase}");
    view! {
        <h3>{move || i18n.t(if count == 1 { Msg::ProductKey } else { Msg::ProductKeys })}</h3>
        {move || match reveal.value().get() {
            Some(Ok(shown)) => shown
                .product_keys
                .into_iter()
                .enumerate()
                .map(|(i, key)| view! { <CopyField id=format!("{field_prefix}-{i}") label=Msg::ProductKey text=key button=Msg::CopyKey/> })
                .collect_view()
                .into_any(),
            other => view! {
                <p class="key-masked mono" aria-label=move || i18n.t(Msg::KeyHidden)>{masked}</p>
                {other.and_then(Result::err).map(|f| view! { <p class="message message--error" role="alert">{i18n.failure(&f)}</p> })}
                <button type="button" class="button" disabled=move || pending.get() on:click=move |_| { reveal.dispatch(()); }>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::ShowKey)}
                </button>
                <p class="note">{tr(Msg::ShowKeyNote)}</p>
            }
            .into_any(),
        }}
    }
}

#[component]
fn Downloads(purchase: PurchaseId, files: Vec<Download>) -> impl IntoView {
    let i18n = use_i18n();
    if files.is_empty() {
        return ().into_any();
    }
    let rows = files
        .into_iter()
        .map(|file| {
            let href = api::download_url(&purchase, &file.id);
            let size = format::file_size(file.size_bytes);
            view! {
                <tr>
                    // `download` and rel=external: the browser saves the file; the router stays out.
                    <th scope="row" class="table__primary"><a href=href download=file.file_name.clone() rel="external">{file.file_name.clone()}</a></th>
                    <td>{file.version}</td>
                    <td>{file.language}</td>
                    <td class="nowrap numeric">{size}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{move || i18n.t(Msg::Downloads)}</h3>
        <div class="table-region"><div class="table-region__scroll" tabindex="0">
            <DataTable columns=&[Msg::ColFile, Msg::ColVersion, Msg::ColLanguage, Msg::ColSize]>{rows}</DataTable>
        </div></div>
    }
    .into_any()
}
