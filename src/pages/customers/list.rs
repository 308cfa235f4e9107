//! `/customers`: the partner's customers, searchable and paged by the server, or only those
//! with a deadline near (a cancellation window closing within 7 days, a subscription renewing
//! within 30). Search text, page and deadline live in the URL (`?q=&page=&deadline=`), so
//! reload, back and shared links show the same list.
//! Admin agents and Global admins add customers from here (`/customers/new`).

use csp_domain::money::group_count as count;
use csp_domain::subscription::CustomerDeadline;
use csp_domain::{Customer, Page, Permission};
use leptos::prelude::*;

use crate::api;
use crate::components::data_table::DataTable;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::pager::Pager;
use crate::components::search_box::SearchBox;
use crate::components::states::EmptyState;
use crate::components::table_region::TableRegion;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::loader::use_loader;
use crate::router::{use_navigate, use_query_map, A};
use crate::routes::{list_move, use_list_query, AddCustomerStep, CustomerTab, ListQuery, Route};
use crate::state::use_session;

/// The customer list of the signed-in partner.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_add = Memo::new(move |_| {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.can(Permission::AddCustomers)))
    });
    let add = Route::AddCustomer {
        step: AddCustomerStep::Company,
    }
    .to_path();
    let ListQuery {
        q,
        page,
        on_search,
        on_page,
    } = use_list_query(Route::Customers);
    // Only customers with a deadline near (`?deadline=`), as the select below chooses.
    let query = use_query_map();
    let navigate = use_navigate();
    let deadline = Memo::new(move |_| query.with(|p| p.get("deadline").unwrap_or_default()));
    let on_deadline = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        navigate(
            &Route::Customers.with_query(&[("q", q.get_untracked().trim()), ("deadline", &chosen)]),
            list_move(true),
        );
    };
    // The answer carries the search it belongs to, for the "No customers match …" message.
    let customers = use_loader(
        move || (q.get(), page.get(), deadline.get()),
        |(q, page, deadline)| async move {
            api::customers(q.clone(), page, deadline)
                .await
                .map(|list| (q, list))
        },
    );
    let deadline_option = move |value: &'static str, label: Msg| {
        view! { <option value=value prop:selected=move || deadline.get() == value>{tr(label)}</option> }
    };
    let (closing, renewing) = (
        CustomerDeadline::WindowClosing.as_str(),
        CustomerDeadline::Renewing.as_str(),
    );

    view! {
        <PageHeader title=move || i18n.t(Msg::CustomersHeading) intro=move || i18n.t(Msg::CustomersIntro)>
            // Only Admin agents and Global admins add customers; others see no button.
            <Show when=move || may_add.get()>
                <A href=add.clone() attr:class="button button--primary">{tr(Msg::AddCustomer)}</A>
            </Show>
        </PageHeader>
        <div class="toolbar toolbar--filters">
            <SearchBox
                label=Msg::SearchCustomers
                placeholder=Msg::SearchPlaceholder
                value=q
                on_search=on_search
            />
            <div class="field field--inline">
                <label for="customers-deadline">{tr(Msg::CustomersShow)}</label>
                <select id="customers-deadline" on:change=on_deadline>
                    {deadline_option("", Msg::DeadlineAll)}
                    {deadline_option(closing, Msg::DeadlineWindowClosing)}
                    {deadline_option(renewing, Msg::DeadlineRenewing)}
                </select>
            </div>
        </div>
        // Always present, so it is one live region whose text changes (and is announced).
        <p class="list-status" role="status">
            {move || customers.data.with(|r| match r {
                Some(Ok((_, list))) => status_text(i18n, list),
                Some(Err(_)) => String::new(),
                None => i18n.t(Msg::Loading).to_string(),
            })}
        </p>
        <Loaded loader=customers children={move |(searched, list): (String, Page<Customer>)| view! {
            <CustomerList list=list searched=searched filtered=!deadline.get_untracked().is_empty() busy=customers.busy on_page=on_page/>
        }}/>
    }
}

#[component]
fn CustomerList(
    list: Page<Customer>,
    /// The search these customers answer.
    searched: String,
    /// Only customers with a deadline near are listed.
    filtered: bool,
    busy: RwSignal<bool>,
    on_page: Callback<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let page_count = list.page_count();
    let page = list.page;
    let total = list.total;
    let capped = list.total_capped;
    let is_empty = list.items.is_empty();
    let searched = searched.trim().to_string();

    let body = if !is_empty {
        let rows = list
            .items
            .into_iter()
            .map(|c| view! { <CustomerRow customer=c/> })
            .collect_view();
        view! {
            <DataTable columns=&[Msg::ColCompany, Msg::ColDomain, Msg::ColTenantId, Msg::ColMarket, Msg::ColCurrency]>{rows}</DataTable>
        }
        .into_any()
    } else if total > 0 {
        // Past the last page (e.g. an old link after customers were removed).
        view! {
            <EmptyState title=move || i18n.t(Msg::PageIsEmpty)>
                <button type="button" class="button" on:click=move |_| on_page.run(1)>{tr(Msg::FirstPage)}</button>
            </EmptyState>
        }
        .into_any()
    } else if !searched.is_empty() {
        view! {
            <EmptyState
                title=move || i18n.f(Msg::NoCustomersMatch, &[("q", &searched)])
                hint=move || i18n.t(Msg::NoCustomersMatchHint)
            />
        }
        .into_any()
    } else if filtered {
        view! { <EmptyState title=move || i18n.t(Msg::NoCustomersWithDeadline)/> }.into_any()
    } else {
        view! { <EmptyState title=move || i18n.t(Msg::NoCustomersYet)/> }.into_any()
    };

    view! {
        <TableRegion label=Msg::CustomersHeading busy=busy>{body}</TableRegion>
        <Show when=move || { total > 0 }>
            <Pager page=Signal::derive(move || page) page_count=Signal::derive(move || page_count) on_page=on_page more=capped/>
        </Show>
        <Show when=move || capped>
            <p class="list-note">{move || i18n.f(Msg::NarrowTheSearch, &[("total", &count(total))])}</p>
        </Show>
    }
}

/// "Showing 1–25 of 31 customers".
fn status_text(i18n: I18n, list: &Page<Customer>) -> String {
    let Some((first, last)) = list.shown_range() else {
        return i18n.t(Msg::NoCustomersToShow).to_string();
    };
    let key = if list.total_capped {
        Msg::ShowingCustomersOfMore
    } else if list.total == 1 {
        Msg::ShowingCustomer
    } else {
        Msg::ShowingCustomers
    };
    i18n.f(
        key,
        &[
            ("first", &count(first)),
            ("last", &count(last)),
            ("total", &count(list.total)),
        ],
    )
}

#[component]
fn CustomerRow(customer: Customer) -> impl IntoView {
    view! {
        // A plain link (the router moves in place on its click): a customer is never the page
        // shown here, so there is no `aria-current` to keep, as `A` would for every row.
        <tr>
            <th scope="row" class="table__primary">
                <a href=Route::customer(&customer.id, CustomerTab::Software).to_path()>{customer.company_name}</a>
            </th>
            <td>{customer.domain}</td>
            <td class="mono">{customer.tenant_id.to_string()}</td>
            <td>{customer.market.to_string()}</td>
            <td>{customer.currency.to_string()}</td>
        </tr>
    }
}
