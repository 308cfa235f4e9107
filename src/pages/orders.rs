//! `/orders`: every order of every customer of the partner, newest first — narrowed by days,
//! status and product kind (the filters live in the URL), older orders on request (the
//! server's keyset pages, as fast deep as on top), and the whole selection as a CSV file.
//! Each order links to its page under its customer's Orders tab.

use csp_domain::order_list::{OrderListPage, OrderSummary};
use csp_domain::{OrderStatus, ProductKind};
use leptos::prelude::*;

use crate::api::{self, OrdersFilter};
use crate::components::keyset_list::KeysetList;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::pages::customers::orders::{PlacedBy, StatusBadge};
use crate::router::{use_navigate, use_query_map, A};
use crate::routes::{CustomerSection, CustomerTab, Route};

/// The statuses an order can have, as the filter offers them.
const STATUSES: [OrderStatus; 3] = [
    OrderStatus::Completed,
    OrderStatus::CancellationPending,
    OrderStatus::Cancelled,
];

#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let get = |name: &str| q.get(name).unwrap_or_default();
            OrdersFilter {
                from: get("from"),
                to: get("to"),
                status: get("status"),
                kind: get("kind"),
            }
        })
    });
    let orders = use_loader(move || filter.get(), |f| api::all_orders(f, None));

    // The form edits its own copy; the URL (and so the list) changes on "Show".
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    Effect::new(move |_| {
        let f = filter.get();
        from.set(f.from);
        to.set(f.to);
        status.set(f.status);
        kind.set(f.kind);
    });
    let dates_error = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = OrdersFilter {
            from: from.get_untracked(),
            to: to.get_untracked(),
            status: status.get_untracked(),
            kind: kind.get_untracked(),
        };
        // ISO dates compare as text.
        let inverted = !typed.from.is_empty() && !typed.to.is_empty() && typed.from > typed.to;
        dates_error.set(inverted);
        if inverted {
            return;
        }
        if typed == filter.get_untracked() {
            orders.reload();
        } else {
            navigate(
                &Route::Orders.with_query(&typed.pairs()),
                Default::default(),
            );
        }
    };
    let status_options = move || {
        STATUSES
            .iter()
            .map(|s| {
                let value = s.as_str().to_string();
                let selected = value.clone();
                let label = s.clone();
                view! { <option value=value prop:selected=move || status.get() == selected>{move || i18n.order_status(&label)}</option> }
            })
            .collect_view()
    };
    let kind_options = move || {
        ProductKind::ALL
            .iter()
            .map(|k| {
                let k = *k;
                let value = k.as_str().to_string();
                let selected = value.clone();
                view! { <option value=value prop:selected=move || kind.get() == selected>{move || i18n.kind(k)}</option> }
            })
            .collect_view()
    };

    view! {
        <PageHeader title=move || i18n.t(Msg::NavOrders) intro=move || i18n.t(Msg::OrdersIntro)/>
        <form class="card filter" aria-label=tr(Msg::NavOrders) novalidate on:submit=on_submit>
            <div class="field">
                <label for="orders-from">{tr(Msg::From)}</label>
                <input id="orders-from" type="date" prop:value=move || from.get()
                    on:input=move |ev| from.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="orders-to">{tr(Msg::To)}</label>
                <input id="orders-to" type="date" prop:value=move || to.get()
                    on:input=move |ev| to.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="orders-status">{tr(Msg::ColStatus)}</label>
                <select id="orders-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="" prop:selected=move || status.get().is_empty()>{tr(Msg::AllStatuses)}</option>
                    {status_options}
                </select>
            </div>
            <div class="field">
                <label for="orders-kind">{tr(Msg::ColProductKind)}</label>
                <select id="orders-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="" prop:selected=move || kind.get().is_empty()>{tr(Msg::AllKinds)}</option>
                    {kind_options}
                </select>
            </div>
            <button type="submit" class="button button--primary">{tr(Msg::Show)}</button>
        </form>
        <Show when=move || dates_error.get()>
            <div class="message message--error" role="alert">{tr(Msg::AuditDatesOrder)}</div>
        </Show>
        <Loaded loader=orders children={move |page: OrderListPage| {
            let filter = filter.get_untracked();
            let csv = api::orders_csv_url(&filter);
            let load = move |after: String| {
                let filter = filter.clone();
                async move {
                    api::all_orders(filter, Some(after)).await.map(|p| (p.items, p.next_cursor))
                }
            };
            view! {
                <KeysetList items=page.items next_cursor=page.next_cursor load=load
                    key=|o: &OrderSummary| o.id.clone() row=|order| view! { <OrderRow order=order/> }
                    label=Msg::NavOrders empty=Msg::OrdersNone more_label=Msg::OrdersLoadMore csv=csv busy=orders.busy
                    columns=&[Msg::ColDateTime, Msg::ColOrderId, Msg::ColCustomer, Msg::ColProducts, Msg::ColTotal, Msg::ColStatus, Msg::ColPlacedBy]/>
            }
        }}/>
    }
}

#[component]
fn OrderRow(order: OrderSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = Route::Customer {
        id: order.customer_id.clone(),
        section: CustomerSection::Order(order.id.clone()),
    }
    .to_path();
    let customer = Route::customer(&order.customer_id, CustomerTab::Orders).to_path();
    let (total, currency, tax_inclusive) =
        (order.total.clone(), order.currency, order.tax_inclusive);
    view! {
        <tr>
            <td class="nowrap"><time datetime=format::machine_time(order.created_at)>{format::local_date_time(order.created_at)}</time></td>
            <th scope="row" class="table__primary mono"><A href=href>{order.id.to_string()}</A></th>
            <td><A href=customer>{order.customer_name.clone()}</A></td>
            <td>{order.products.join(", ")}</td>
            <td class="nowrap">{move || i18n.price(&total, currency, tax_inclusive)}</td>
            <td><StatusBadge status=order.status.clone()/></td>
            <td class="break"><PlacedBy who=order.placed_by.clone()/></td>
        </tr>
    }
}
