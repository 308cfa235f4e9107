//! The cancel dialog (R-CAN-4…7): the customer and product, the order ID drop-down of that
//! product's orders, what cancelling the chosen order would do (days left, counting live in
//! UTC; the window passed; cannot be cancelled; or above the refund limit, with the support
//! request form) and the exact credit — all from the domain's `assess`, the rule the server
//! books with — the Important message, its checkbox, and Submit.

use std::time::Duration;

use crate::router::A;
use csp_domain::cancellation::{assess, credit_basis, Assessment, CreditBasis};
use csp_domain::{BillingProfile, Customer, Order, OrderId, Page};
use leptos::prelude::*;

use crate::api::{self, ApiResult};
use crate::components::dialog::Dialog;
use crate::components::loaded::Loaded;
use crate::components::states::Spinner;
use crate::format;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::loader::use_loader;
use crate::routes::Route;

/// What the dialog is about: a product of a customer, first showing one of its orders.
#[derive(Debug, Clone, PartialEq)]
pub struct CancelTarget {
    pub product: String,
    pub order: OrderId,
}

#[component]
pub fn CancelDialog(
    customer: Customer,
    target: RwSignal<Option<CancelTarget>>,
    /// Called after a cancellation was accepted, so the list shows it pending.
    on_cancelled: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    // Each side is only written when it differs, or the two effects would wake each other
    // forever.
    Effect::new(move |_| {
        let wanted = target.with(Option::is_some);
        if open.get_untracked() != wanted {
            open.set(wanted);
        }
    });
    Effect::new(move |_| {
        if !open.get() && target.with_untracked(Option::is_some) {
            target.set(None);
        }
    });
    let customer = StoredValue::new(customer);
    view! {
        <Dialog open=open labelled_by="cancel-title" described_by="cancel-important">
            {move || target.get().map(|t| view! { <CancelForm customer=customer.get_value() target=t open=open on_cancelled=on_cancelled/> })}
        </Dialog>
    }
}

#[component]
fn CancelForm(
    customer: Customer,
    target: CancelTarget,
    open: RwSignal<bool>,
    on_cancelled: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = customer.id.clone();
    let orders = use_loader(move || id.clone(), api::recent_orders);
    let profile = use_loader(|| (), |()| api::billing_profile());
    let product = target.product.clone();
    let title_product = product.clone();
    let name = customer.company_name.clone();
    view! {
        <h2 id="cancel-title">{move || i18n.f(Msg::CancelTitle, &[("product", &title_product)])}</h2>
        <dl class="details details--inline">
            <div><dt>{tr(Msg::ColCustomer)}</dt><dd>{name}</dd></div>
            <div><dt>{tr(Msg::ColTenantId)}</dt><dd class="mono">{customer.tenant_id.to_string()}</dd></div>
            <div><dt>{tr(Msg::ColDomain)}</dt><dd>{customer.domain.clone()}</dd></div>
        </dl>
        <Loaded loader=orders children={move |page: Page<Order>| {
            let product = product.clone();
            let of_product: Vec<Order> = page.items.into_iter().filter(|o| o.line_items.iter().any(|l| l.product_name == product)).collect();
            let customer = customer.clone();
            let first = target.order.clone();
            view! {
                <Loaded loader=profile children={move |p: BillingProfile| view! {
                    <CancelChoice customer=customer.clone() orders=of_product.clone() first=first.clone() profile=p open=open on_cancelled=on_cancelled/>
                }}/>
            }
        }}/>
    }
}

#[component]
fn CancelChoice(
    customer: Customer,
    orders: Vec<Order>,
    first: OrderId,
    profile: BillingProfile,
    open: RwSignal<bool>,
    on_cancelled: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let orders = StoredValue::new(orders);
    let chosen = RwSignal::new(first);
    let confirmed = RwSignal::new(false);
    // "Now", refreshed every half minute: days left change at midnight UTC while it is open.
    let now = RwSignal::new(chrono::Utc::now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(chrono::Utc::now()), Duration::from_secs(30))
    {
        on_cleanup(move || handle.clear());
    }
    let order = Memo::new(move |_| {
        let id = chosen.get();
        orders.with_value(|all| all.iter().find(|o| o.id == id).cloned())
    });
    let assessment = Memo::new(move |_| {
        let order = order.get()?;
        Some(assess(&order.facts(), now.get(), profile.refund_limit))
    });
    let submit: Action<(), ApiResult<csp_domain::cancellation::Cancellation>> = {
        let customer = customer.id.clone();
        Action::new_local(move |()| api::cancel_order(customer.clone(), chosen.get_untracked()))
    };
    let pending = submit.pending();
    Effect::new(move |_| {
        if let Some(Ok(_)) = submit.value().get() {
            on_cancelled.run(());
        }
    });
    let can_submit = move || {
        confirmed.get()
            && matches!(assessment.get(), Some(Assessment::Cancellable { .. }))
            && !pending.get()
    };
    let tenant = customer.tenant_id.to_string();

    view! {
        {move || match submit.value().get() {
            Some(Ok(done)) => {
                let order_id = done.order_id.to_string();
                view! {
                    <p class="message message--success" role="status">{move || i18n.f(Msg::CancellationRequested, &[("id", &order_id)])}</p>
                    <div class="dialog__actions">
                        <button type="button" class="button button--primary" autofocus on:click=move |_| open.set(false)>{tr(Msg::Close)}</button>
                    </div>
                }.into_any()
            }
            other => {
                let failure = other.and_then(Result::err);
                let tenant = tenant.clone();
                view! {
                    <div class="field">
                        <label for="cancel-order">{tr(Msg::CancelOrderChoice)}</label>
                        <select id="cancel-order" aria-describedby="cancel-state"
                            on:change=move |ev| {
                                if let Ok(id) = OrderId::parse(&event_target_value(&ev)) {
                                    chosen.set(id);
                                }
                            }>
                            {orders.with_value(|all| all.iter().map(|o| {
                                let id = o.id.clone();
                                let selected = { let id = id.clone(); move || chosen.get() == id };
                                let label = format!("{} · {}", o.id, format::local_date(o.created_at));
                                view! { <option value=id.to_string() prop:selected=selected>{label}</option> }
                            }).collect_view())}
                        </select>
                    </div>
                    <div id="cancel-state" class="cancel-state" aria-live="polite">
                        {move || match (assessment.get(), order.get()) {
                            (Some(a), Some(o)) => state_view(i18n, a, &o, &tenant).into_any(),
                            _ => ().into_any(),
                        }}
                    </div>
                    <section id="cancel-important" class="message message--warning important" aria-labelledby="important-title">
                        <h3 id="important-title">{tr(Msg::Important)}</h3>
                        <p>{tr(Msg::ImportantText)}</p>
                    </section>
                    <label class="choice" for="cancel-confirm">
                        <input type="checkbox" id="cancel-confirm" prop:checked=move || confirmed.get()
                            on:change=move |ev| confirmed.set(event_target_checked(&ev))/>
                        {tr(Msg::ConfirmRead)}
                    </label>
                    {failure.map(|f| view! { <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p> })}
                    <div class="dialog__actions">
                        <button type="button" class="button" on:click=move |_| open.set(false)>{tr(Msg::CloseDialog)}</button>
                        <button type="button" class="button button--danger" disabled=move || !can_submit()
                            aria-busy=move || pending.get().to_string() on:click=move |_| { submit.dispatch(()); }>
                            <Show when=move || pending.get()><Spinner/></Show>
                            {tr(Msg::Submit)}
                        </button>
                    </div>
                }.into_any()
            }
        }}
    }
}

/// What cancelling the chosen order would do, in words.
fn state_view(i18n: I18n, assessment: Assessment, order: &Order, tenant: &str) -> impl IntoView {
    let money =
        |amount: &csp_domain::Amount| i18n.price(amount, order.currency, order.tax_inclusive);
    match assessment {
        Assessment::Cancellable {
            credit,
            days_left,
            until,
        } => {
            let days = if days_left == 1 {
                i18n.t(Msg::LastDayLeft).to_string()
            } else {
                i18n.f(Msg::DaysLeft, &[("n", &days_left)])
            };
            let until = i18n.f(
                Msg::CancellableUntilBoth,
                &[
                    ("utc", &format::utc_date_time(until)),
                    ("local", &format::local_date_time(until)),
                    ("zone", &format::local_zone_at(until)),
                ],
            );
            let basis = match order
                .facts()
                .lines
                .first()
                .map(|l| credit_basis(l, chrono::Utc::now()))
            {
                Some(CreditBasis::Prorated {
                    unused_days,
                    term_days,
                }) if order.line_items.len() == 1 => i18n.f(
                    Msg::CreditProrated,
                    &[("unused", &unused_days), ("days", &term_days)],
                ),
                _ => i18n.t(Msg::CreditFull).to_string(),
            };
            // An approved refund credited part of it already: the credit is what is left.
            let capped = (order.ledger.credited != zero(order)).then(|| {
                i18n.f(
                    Msg::CreditCapped,
                    &[
                        ("credited", &money(&order.ledger.credited)),
                        ("paid", &money(&order.total)),
                    ],
                )
            });
            view! {
                <p class="cancel-state__days"><strong>{days}</strong></p>
                <p class="note cancel-state__until">{until}</p>
                <p>{i18n.f(Msg::CreditPreview, &[("credit", &money(&credit))])}" "<span class="note">{basis}</span></p>
                {capped.map(|text| view! { <p class="note">{text}</p> })}
            }
            .into_any()
        }
        Assessment::WindowPassed { .. } => {
            view! { <p class="message message--error">{i18n.t(Msg::WindowPassedText)}</p> }
                .into_any()
        }
        Assessment::NotCancellable => {
            view! { <p class="message message--error">{i18n.t(Msg::NotCancellableText)}</p> }
                .into_any()
        }
        Assessment::AlreadyCancelled => {
            view! { <p class="message">{i18n.t(Msg::AlreadyCancelledText)}</p> }.into_any()
        }
        Assessment::NothingToRefund => {
            view! { <p class="message">{i18n.t(Msg::NothingToRefundText)}</p> }.into_any()
        }
        Assessment::NeedsSupportRequest { credit, limit } => {
            let form = Route::NewSupportRequest.with_query(&[
                ("customer", tenant),
                ("order", order.id.as_str()),
                ("amount", credit.as_str()),
                ("currency", order.currency.code()),
            ]);
            view! {
                <p class="message message--warning">{i18n.f(Msg::NeedsSupportText, &[("credit", &money(&credit)), ("limit", &money(&limit))])}</p>
                <p><A href=form attr:class="button button--primary">{i18n.t(Msg::FileSupportRequest)}</A></p>
            }
            .into_any()
        }
    }
}

/// Zero in the order's currency, as the wire writes it.
fn zero(order: &Order) -> csp_domain::Amount {
    csp_domain::Money::zero(order.currency).amount()
}
