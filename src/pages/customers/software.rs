//! The Software tab of a customer's details page (R-SW-1, R-SW-2): the deep link to share
//! with the customer (Admin agents copy it; other roles are told who can), and everything
//! bought for the customer — searchable by product or order ID, newest first, paged — with
//! each subscription's term end and whether it renews there (the roles that buy turn that
//! on or off until then).

use csp_domain::software::{DeepLink, SoftwarePurchase};
use csp_domain::subscription::renewable;
use std::time::Duration;

use crate::router::A;
use csp_domain::{Customer, CustomerId, OrderStatus, Page, Permission};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::copy_button::CopyField;
use crate::components::data_table::DataTable;
use crate::components::loaded::Loaded;
use crate::components::pager::Pager;
use crate::components::search_box::SearchBox;
use crate::components::states::EmptyState;
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::pages::customers::cancel_dialog::{CancelDialog, CancelTarget};
use crate::pages::customers::orders::StatusBadge;
use crate::routes::{use_list_query, CustomerSection, CustomerTab, ListQuery, Route};
use crate::state::use_session;

#[component]
pub fn SoftwareTab(customer: Customer) -> impl IntoView {
    let ListQuery {
        q,
        page,
        on_search,
        on_page,
    } = use_list_query(Route::customer(&customer.id, CustomerTab::Software));
    let id = customer.id.clone();
    let purchases = use_loader(
        move || (id.clone(), q.get(), page.get()),
        |(id, q, page)| api::software(id, q, page),
    );
    let customer_id = customer.id.clone();
    // While a cancellation is pending, ask again every few seconds: the list turns to
    // "Cancelled" without a reload once the worker is done (R-CAN-7).
    Effect::new(move |_| {
        let pending = purchases.data.with(|d| {
            matches!(d, Some(Ok(page)) if page.items.iter().any(|p| p.status == OrderStatus::CancellationPending))
        });
        if pending {
            set_timeout(move || purchases.reload(), Duration::from_secs(3));
        }
    });
    let cancel_target = RwSignal::new(None::<CancelTarget>);
    let on_cancelled = Callback::new(move |()| purchases.reload());

    view! {
        <DeepLinkArea customer=customer.clone()/>
        // Not a landmark of its own: the table's region below carries the name "Purchases".
        <section class="section">
            <h2 id="purchases-heading">{tr(Msg::Purchases)}</h2>
            <div class="toolbar">
                <SearchBox label=Msg::SearchSoftware placeholder=Msg::SearchSoftwarePlaceholder value=q on_search=on_search/>
            </div>
            <Loaded loader=purchases children={move |list: Page<SoftwarePurchase>| view! {
                <PurchaseList list=list customer=customer_id.clone() searched=q.get_untracked() busy=purchases.busy on_page=on_page
                    on_cancel=Callback::new(move |t: CancelTarget| cancel_target.set(Some(t)))/>
            }}/>
        </section>
        <CancelDialog customer=customer target=cancel_target on_cancelled=on_cancelled/>
    }
}

/// "Software product keys and download links": the deep link and its copy button.
#[component]
fn DeepLinkArea(customer: Customer) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_copy = Memo::new(move |_| {
        session.user.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.can(Permission::CopySoftwareDeepLink))
        })
    });
    let id = customer.id.clone();
    view! {
        <section class="card deep-link" aria-labelledby="deep-link-heading">
            <h2 id="deep-link-heading">{tr(Msg::KeysAndDownloads)}</h2>
            <p>{move || i18n.f(Msg::DeepLinkIntro, &[("customer", &customer.company_name)])}</p>
            {move || if may_copy.get() {
                view! { <DeepLinkField customer=id.clone()/> }.into_any()
            } else {
                view! { <p class="note">{i18n.requires(Permission::CopySoftwareDeepLink)}</p> }.into_any()
            }}
        </section>
    }
}

#[component]
fn DeepLinkField(customer: CustomerId) -> impl IntoView {
    let link = use_loader(move || customer.clone(), api::deep_link);
    view! {
        <Loaded loader=link children={|link: DeepLink| view! {
            <CopyField id="deep-link" label=Msg::DeepLink text=link.url button=Msg::CopyLink/>
        }}/>
    }
}

#[component]
fn PurchaseList(
    list: Page<SoftwarePurchase>,
    customer: CustomerId,
    searched: String,
    busy: RwSignal<bool>,
    on_page: Callback<u32>,
    on_cancel: Callback<CancelTarget>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Only Admin agents cancel (R-CAN-3); others see no Cancel, and once why not.
    let may_cancel = session.user.with_untracked(|u| {
        u.as_ref()
            .is_some_and(|u| u.can(Permission::CancelPurchase))
    });
    let may_renew = session
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.can(Permission::BuySoftware)));
    if list.items.is_empty() {
        let searched = searched.trim().to_string();
        return if searched.is_empty() {
            view! { <EmptyState title=move || i18n.t(Msg::NoSoftware)/> }.into_any()
        } else {
            view! { <EmptyState title=move || i18n.f(Msg::NoSoftwareMatches, &[("q", &searched)])/> }.into_any()
        };
    }
    let (page, page_count) = (list.page, list.page_count());
    let rows = list
        .items
        .into_iter()
        .map(|p| view! { <PurchaseRow purchase=p customer=customer.clone() on_cancel=may_cancel.then_some(on_cancel) may_renew=may_renew/> })
        .collect_view();
    view! {
        {(!may_cancel).then(|| view! { <p class="note">{move || i18n.f(Msg::CancelNeedsRole, &[("roles", &i18n.requires(Permission::CancelPurchase))])}</p> })}
        <TableRegion label=Msg::Purchases busy=busy>
            <DataTable columns=&[Msg::ColProducts, Msg::ColOrderId, Msg::ColPurchased, Msg::ColTerm, Msg::ColTermEnd, Msg::ColQuantity, Msg::ColStatus, Msg::ColActions]>{rows}</DataTable>
        </TableRegion>
        <Show when=move || { page_count > 1 }>
            <Pager page=Signal::derive(move || page) page_count=Signal::derive(move || page_count) on_page=on_page/>
        </Show>
    }
    .into_any()
}

#[component]
fn PurchaseRow(
    purchase: SoftwarePurchase,
    customer: CustomerId,
    on_cancel: Option<Callback<CancelTarget>>,
    may_renew: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let pending = purchase.status == OrderStatus::CancellationPending;
    let renewal = purchase.renewal_order_id.clone().map(|renewal| {
        Route::Customer {
            id: customer.clone(),
            section: CustomerSection::Order(renewal),
        }
        .to_path()
    });
    let term_end = purchase.term_end;
    let running =
        purchase.status == OrderStatus::Completed && renewable(purchase.kind, purchase.term);
    // Whether it renews: shown under the term end, changed from the actions.
    let auto_renew = RwSignal::new(purchase.auto_renew);
    let renew_button = (may_renew && running).then(|| {
        view! { <AutoRenewButton purchase=purchase.clone() customer=customer.clone() on=auto_renew/> }
    });
    let target = CancelTarget {
        product: purchase.product_name.clone(),
        order: purchase.order_id.clone(),
    };
    let product = purchase.product_name.clone();
    let order = Route::Customer {
        id: customer,
        section: CustomerSection::Order(purchase.order_id.clone()),
    }
    .to_path();
    let term = purchase.term;
    view! {
        <tr>
            <th scope="row" class="table__primary">
                {purchase.product_name.clone()}
                <span class="table__secondary">{purchase.sku_name.clone()}</span>
            </th>
            <td class="mono"><A href=order>{purchase.order_id.to_string()}</A></td>
            <td class="nowrap">{format::local_date(purchase.purchased_at)}</td>
            <td>{move || i18n.term(term)}</td>
            <td>
                // Local time (the zone in its tooltip), UTC beside it.
                {term_end.map(|end| view! {
                    <time class="nowrap" datetime=format::machine_time(end) title=format::local_zone_at(end)>{format::local_date_time(end)}</time>
                    <span class="table__secondary nowrap">{format!("{} UTC", format::utc_date_time(end))}</span>
                })}
                {running.then(|| view! {
                    <span class="table__secondary">{move || i18n.t(if auto_renew.get() { Msg::RenewsAutomatically } else { Msg::ExpiresAtTermEnd })}</span>
                })}
            </td>
            <td class="numeric">{purchase.quantity}</td>
            <td>
                <StatusBadge status=purchase.status.clone()/>
                {pending.then(|| view! { <span class="table__secondary">{tr(Msg::PendingNote)}</span> })}
                {renewal.map(|href| view! { <A href=href attr:class="table__secondary">{tr(Msg::RenewalOrder)}</A> })}
            </td>
            <td>
                {on_cancel.filter(|_| purchase.status == OrderStatus::Completed).map(|run| view! {
                    <button type="button" class="button button--subtle" aria-label=move || i18n.f(Msg::CancelPurchaseOf, &[("product", &product)])
                        on:click=move |_| run.run(target.clone())>{tr(Msg::CancelPurchase)}</button>
                })}
                {renew_button}
            </td>
        </tr>
    }
}

/// The button that turns a running subscription's renewal on or off (the roles that buy), and
/// what came of it. The server has the last word (the term may have ended meanwhile).
#[component]
fn AutoRenewButton(
    purchase: SoftwarePurchase,
    customer: CustomerId,
    on: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let changed = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiFailure>);
    let product = purchase.product_name.clone();
    let change: Action<bool, ApiResult<SoftwarePurchase>> =
        Action::new_local(move |value: &bool| {
            api::set_auto_renew(customer.clone(), purchase.id.clone(), *value)
        });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(now)) => {
            on.set(now.auto_renew);
            changed.set(true);
            failure.set(None);
        }
        Some(Err(f)) => failure.set(Some(f)),
        None => {}
    });
    let label_product = product.clone();
    let label = move || {
        let msg = if on.get() {
            Msg::TurnOffAutoRenewOf
        } else {
            Msg::TurnOnAutoRenewOf
        };
        i18n.f(msg, &[("product", &label_product)])
    };
    view! {
        <button type="button" class="button button--subtle" aria-label=label disabled=move || change.pending().get()
            on:click=move |_| { change.dispatch(!on.get_untracked()); }>
            {move || i18n.t(if on.get() { Msg::TurnOffAutoRenew } else { Msg::TurnOnAutoRenew })}
        </button>
        <span role="status" class="table__secondary">
            {move || changed.get().then(|| i18n.f(if on.get() { Msg::AutoRenewTurnedOn } else { Msg::AutoRenewTurnedOff }, &[("product", &product)]))}
        </span>
        {move || failure.get().map(|f| view! { <span class="message message--error" role="alert">{move || i18n.failure(&f)}</span> })}
    }
}
