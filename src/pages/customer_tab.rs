//! The tab panels of a customer's details page. Their lists arrive in later releases; until
//! then each says so plainly.

use csp_domain::Customer;
use leptos::prelude::*;

use crate::components::states::EmptyState;
use crate::i18n::{use_i18n, Msg};

/// Software bought for the customer (R-SW-1).
#[component]
pub fn SoftwareTab(customer: Customer) -> impl IntoView {
    let _ = customer; // the list of this tab arrives in a later release
    view! { <ComingSoon body=Msg::SoftwareComingSoon/> }
}

/// The customer's orders.
#[component]
pub fn OrdersTab(customer: Customer) -> impl IntoView {
    let _ = customer; // the list of this tab arrives in a later release
    view! { <ComingSoon body=Msg::OrdersComingSoon/> }
}

/// Invoices and credits for the customer (R-INV).
#[component]
pub fn InvoicesTab(customer: Customer) -> impl IntoView {
    let _ = customer; // the list of this tab arrives in a later release
    view! { <ComingSoon body=Msg::InvoicesComingSoon/> }
}

#[component]
fn ComingSoon(body: Msg) -> impl IntoView {
    let i18n = use_i18n();
    view! { <EmptyState title=move || i18n.t(Msg::ComingSoon) hint=move || i18n.t(body)/> }
}
