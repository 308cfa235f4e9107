//! The Orders tab of a customer's details page: the order history, newest first, and one
//! order with its lines, what was paid and credited for it, and who did what to it.

use crate::router::A;
use csp_domain::order::{OrderEvent, OrderEventKind};
use csp_domain::{CreditSource, Customer, CustomerId, Order, OrderId, OrderStatus, Page};
use leptos::prelude::*;

use crate::api;
use crate::components::data_table::DataTable;
use crate::components::loaded::Loaded;
use crate::components::pager::Pager;
use crate::components::states::EmptyState;
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::routes::{use_list_query, CustomerSection, CustomerTab, ListQuery, Route};

/// The customer's orders, paged by the server (`?page=`).
#[component]
pub fn OrdersTab(customer: Customer) -> impl IntoView {
    let ListQuery { page, on_page, .. } =
        use_list_query(Route::customer(&customer.id, CustomerTab::Orders));
    let id = customer.id.clone();
    let orders = use_loader(
        move || (id.clone(), page.get()),
        |(id, page)| api::orders(id, page),
    );
    let customer_id = customer.id.clone();
    view! {
        <Loaded loader=orders children={move |list: Page<Order>| {
            view! { <OrderList list=list customer=customer_id.clone() busy=orders.busy on_page=on_page/> }
        }}/>
    }
}

#[component]
fn OrderList(
    list: Page<Order>,
    customer: CustomerId,
    busy: RwSignal<bool>,
    on_page: Callback<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    if list.items.is_empty() && list.total == 0 {
        return view! { <EmptyState title=move || i18n.t(Msg::NoOrders)/> }.into_any();
    }
    let (page, page_count) = (list.page, list.page_count());
    let status = list
        .shown_range()
        .map(|(first, last)| (first, last, list.total));
    let rows = list
        .items
        .into_iter()
        .map(|order| view! { <OrderRow order=order customer=customer.clone()/> })
        .collect_view();
    view! {
        <p class="list-status" role="status">{move || status.map(|(first, last, total)| {
            i18n.f(Msg::ShowingOrders, &[("first", &first), ("last", &last), ("total", &total)])
        })}</p>
        <TableRegion label=Msg::TabOrders busy=busy>
            <DataTable columns=&[Msg::ColOrderId, Msg::ColDate, Msg::ColProducts, Msg::ColTotal, Msg::ColStatus, Msg::ColPlacedBy]>{rows}</DataTable>
        </TableRegion>
        <Show when=move || { page_count > 1 }>
            <Pager page=Signal::derive(move || page) page_count=Signal::derive(move || page_count) on_page=on_page/>
        </Show>
    }
    .into_any()
}

/// "Windows Server 2022 Standard" or "… and 2 more".
fn products_text(i18n: crate::i18n::I18n, order: &Order) -> String {
    match order.line_items.as_slice() {
        [] => String::new(),
        [only] => only.product_name.clone(),
        [first, rest @ ..] => i18n.f(
            Msg::MoreProducts,
            &[("first", &first.product_name), ("n", &rest.len())],
        ),
    }
}

#[component]
fn OrderRow(order: Order, customer: CustomerId) -> impl IntoView {
    let i18n = use_i18n();
    let href = Route::Customer {
        id: customer,
        section: CustomerSection::Order(order.id.clone()),
    }
    .to_path();
    let order = StoredValue::new(order);
    let products = move || order.with_value(|o| products_text(i18n, o));
    let total = move || order.with_value(|o| i18n.price(&o.total, o.currency, o.tax_inclusive));
    view! {
        <tr>
            <th scope="row" class="table__primary mono"><A href=href>{order.with_value(|o| o.id.to_string())}</A></th>
            <td class="nowrap">{order.with_value(|o| format::local_date(o.created_at))}</td>
            <td>{products}</td>
            <td class="nowrap">{total}</td>
            <td><StatusBadge status=order.with_value(|o| o.status.clone())/></td>
            <td><PlacedBy who=order.with_value(|o| o.placed_by.clone())/></td>
        </tr>
    }
}

/// Who placed an order: a person's address, or the product's own renewal in words.
#[component]
pub fn PlacedBy(who: String) -> impl IntoView {
    if who == csp_domain::subscription::RENEWAL_PLACED_BY {
        tr(Msg::PlacedByRenewal).into_any()
    } else {
        who.into_any()
    }
}

/// An order's (or purchase's) status as a badge; statuses added later show as sent.
#[component]
pub fn StatusBadge(status: OrderStatus) -> impl IntoView {
    let i18n = use_i18n();
    let tone = match status {
        OrderStatus::Completed | OrderStatus::Renewed => "success",
        OrderStatus::CancellationPending => "warning",
        OrderStatus::Cancelled | OrderStatus::Expired | OrderStatus::Unknown(_) => "neutral",
    };
    view! { <span class=format!("badge badge--{tone}")>{move || i18n.order_status(&status)}</span> }
}

/// One order with its lines, under the Orders tab.
#[component]
pub fn OrderDetail(customer: Customer, order: OrderId) -> impl IntoView {
    let i18n = use_i18n();
    let id = customer.id.clone();
    let loaded = use_loader(
        move || (id.clone(), order.clone()),
        |(c, o)| api::order(c, o),
    );
    let back = Route::customer(&customer.id, CustomerTab::Orders).to_path();
    view! {
        <p><A href=back>{tr(Msg::BackToOrders)}</A></p>
        <Loaded
            loader=loaded
            not_found=move || view! { <EmptyState title=move || i18n.t(Msg::OrderNotFound)/> }
            children={move |order: Order| view! { <OrderView order=order/> }}
        />
    }
}

#[component]
fn OrderView(order: Order) -> impl IntoView {
    let i18n = use_i18n();
    let o = StoredValue::new(order.clone());
    let lines = order
        .line_items
        .iter()
        .map(|line| {
            let line = line.clone();
            let (currency, tax) = (order.currency, order.tax_inclusive);
            let unit = line.unit_price.clone();
            let amount = line.amount.clone();
            view! {
                <tr>
                    <th scope="row" class="table__primary">{line.product_name.clone()}</th>
                    <td>{line.sku_name.clone()}</td>
                    <td>{move || i18n.term(line.term)}</td>
                    <td class="numeric">{line.quantity}</td>
                    <td class="nowrap numeric">{move || i18n.price(&unit, currency, tax)}</td>
                    <td class="nowrap numeric">{move || i18n.price(&amount, currency, tax)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="order-heading">
            <h2 id="order-heading">{move || o.with_value(|o| i18n.f(Msg::OrderHeading, &[("id", &o.id)]))}</h2>
            <dl class="details">
                <div><dt>{tr(Msg::ColDate)}</dt><dd>{o.with_value(|o| format::local_date_time(o.created_at))}</dd></div>
                <div><dt>{tr(Msg::ColStatus)}</dt><dd><StatusBadge status=order.status.clone()/></dd></div>
                <div><dt>{tr(Msg::ColPlacedBy)}</dt><dd><PlacedBy who=order.placed_by.clone()/></dd></div>
                <div><dt>{tr(Msg::ColTotal)}</dt><dd>{move || o.with_value(|o| i18n.price(&o.total, o.currency, o.tax_inclusive))}</dd></div>
                {order.purchase_order_number.clone().map(|po| view! { <div><dt>{tr(Msg::PoNumberShort)}</dt><dd>{po}</dd></div> })}
                {order.cancellable_until.filter(|_| order.status == OrderStatus::Completed).map(|until| view! {
                    <div><dt>{tr(Msg::CancellationPolicy)}</dt><dd>{move || i18n.f(Msg::CancellableUntil, &[("date", &format::utc_date_time(until))])}</dd></div>
                })}
            </dl>
            <h3>{tr(Msg::OrderLines)}</h3>
            <div class="table-region"><div class="table-region__scroll" tabindex="0">
                <DataTable columns=&[Msg::ColProducts, Msg::ColSku, Msg::ColTerm, Msg::ColQuantity, Msg::ColUnitPrice, Msg::ColAmount]>{lines}</DataTable>
            </div></div>
            <h3>{tr(Msg::OrderLedger)}</h3>
            <LedgerFigures order=order.clone()/>
            <h3>{tr(Msg::OrderHistory)}</h3>
            <div class="table-region"><div class="table-region__scroll" tabindex="0">
                <DataTable columns=&[Msg::ColWhen, Msg::ColWho, Msg::ColWhat, Msg::ColAmount, Msg::ColWhy]>
                    {order.history.iter().map(|e| view! { <HistoryRow event=e.clone() order=order.clone()/> }).collect_view()}
                </DataTable>
            </div></div>
        </section>
    }
}

/// Paid, credited, promised by a pending cancellation, and left to credit: the figures the
/// cancel dialog and the support console use too.
#[component]
fn LedgerFigures(order: Order) -> impl IntoView {
    let i18n = use_i18n();
    let (currency, tax) = (order.currency, order.tax_inclusive);
    let ledger = order.ledger;
    let price = move |a: &csp_domain::Amount| i18n.price(a, currency, tax);
    let pending = ledger
        .pending_credit
        .to_money(currency)
        .is_ok_and(|m| !m.is_zero());
    view! {
        <dl class="details">
            <div><dt>{tr(Msg::Paid)}</dt><dd>{price(&ledger.paid)}</dd></div>
            <div><dt>{tr(Msg::CreditedSoFar)}</dt><dd>{price(&ledger.credited)}</dd></div>
            {pending.then(|| view! {
                <div><dt>{tr(Msg::PendingCredit)}</dt><dd>{price(&ledger.pending_credit)}</dd></div>
            })}
            <div><dt>{tr(Msg::LeftToCredit)}</dt><dd>{price(&ledger.left_to_credit)}</dd></div>
        </dl>
    }
}

/// One entry of an order's history: when, who, what, how much and why.
#[component]
fn HistoryRow(event: OrderEvent, order: Order) -> impl IntoView {
    let i18n = use_i18n();
    let what = match (&event.kind, &event.source) {
        (OrderEventKind::Placed, _) => Msg::OrderEventPlaced,
        (OrderEventKind::CancellationRequested, _) => Msg::OrderEventCancellationRequested,
        (OrderEventKind::Cancelled, _) => Msg::OrderEventCancelled,
        (_, Some(CreditSource::SupportRequest)) => Msg::OrderEventCreditedRefund,
        _ => Msg::OrderEventCreditedCancellation,
    };
    let raw = match &event.kind {
        OrderEventKind::Unknown(raw) => Some(raw.clone()),
        _ => None,
    };
    let amount = event
        .amount
        .map(|a| i18n.price(&a, order.currency, order.tax_inclusive));
    let request = event.support_request.map(|r| {
        let href = Route::SupportRequest { id: r.id }.to_path();
        view! { <A href=href>{move || i18n.f(Msg::SupportRequestNumber, &[("number", &r.number)])}</A> }
    });
    view! {
        <tr>
            <td class="nowrap"><time datetime=format::machine_time(event.at)>{format::local_date_time(event.at)}</time></td>
            <td>{event.by}</td>
            <th scope="row" class="table__primary">{move || raw.clone().unwrap_or_else(|| i18n.t(what).to_string())}</th>
            <td class="nowrap numeric">{amount}</td>
            <td>{request}{event.note.map(|n| view! { <span class="note prewrap">" "{n}</span> })}</td>
        </tr>
    }
}
