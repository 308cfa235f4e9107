//! The Software tab of a customer's details page. Its list arrives with the software chapter;
//! until then it says so plainly.

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

#[component]
fn ComingSoon(body: Msg) -> impl IntoView {
    let i18n = use_i18n();
    view! { <EmptyState title=move || i18n.t(Msg::ComingSoon) hint=move || i18n.t(body)/> }
}
