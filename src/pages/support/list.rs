//! `/support`: support requests. A partner sees the requests it filed, newest first, and files
//! new ones; a support agent sees every partner's, oldest first (the queue). Filters, search
//! and page live in the URL, so reload, back and shared links show the same list.

use crate::router::A;
use crate::router::{use_navigate, use_query_map};
use csp_domain::{SupportRequestList, SupportRequestSummary, UserKind};
use leptos::prelude::*;

use super::{badge_tone, impact_label, problem_label, status_label, PROBLEM_TYPES, STATUSES};
use crate::api::{self, SupportFilter};
use crate::components::data_table::DataTable;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::pager::Pager;
use crate::components::search_box::SearchBox;
use crate::components::states::EmptyState;
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::routes::Route;
use crate::state::use_session;

#[component]
pub fn SupportPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let is_agent = move || {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.kind == UserKind::Support))
    };
    let filter = Memo::new(move |_| {
        query.with(|p| SupportFilter {
            status: p.get("status").unwrap_or_default(),
            problem_type: p.get("type").unwrap_or_default(),
            q: p.get("q").unwrap_or_default(),
            sort: p.get("sort").unwrap_or_default(),
            page: p
                .get("page")
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        })
    });
    let requests = use_loader(move || filter.get(), api::support_requests);

    let go = move |f: SupportFilter, replace: bool| {
        let page = if f.page > 1 {
            f.page.to_string()
        } else {
            String::new()
        };
        let url = Route::Support.with_query(&[
            ("status", &f.status),
            ("type", &f.problem_type),
            ("q", f.q.trim()),
            ("sort", &f.sort),
            ("page", &page),
        ]);
        navigate(&url, crate::routes::list_move(replace));
    };
    let refine = {
        let go = go.clone();
        move |change: &dyn Fn(&mut SupportFilter)| {
            let mut f = filter.get_untracked();
            change(&mut f);
            f.page = 1;
            go(f, true);
        }
    };
    let on_search = {
        let refine = refine.clone();
        Callback::new(move |text: String| refine(&|f| f.q = text.clone()))
    };
    let on_status = {
        let refine = refine.clone();
        Callback::new(move |v: String| refine(&|f| f.status = v.clone()))
    };
    let on_type = {
        let refine = refine.clone();
        Callback::new(move |v: String| refine(&|f| f.problem_type = v.clone()))
    };
    let on_sort = move |ev| {
        let v = event_target_value(&ev);
        refine(&|f| f.sort = v.clone())
    };
    let on_page = Callback::new(move |p: u32| {
        let mut f = filter.get_untracked();
        f.page = p;
        go(f, false);
    });
    let default_sort = move || if is_agent() { "oldest" } else { "newest" };

    view! {
        <PageHeader
            title=move || i18n.t(if is_agent() { Msg::SupportConsoleHeading } else { Msg::SupportHeading })
            intro=move || i18n.t(if is_agent() { Msg::SupportIntroAgent } else { Msg::SupportIntroPartner })
        >
            <Show when=move || !is_agent()>
                <A href=Route::NewSupportRequest.to_path() attr:class="button button--primary">{tr(Msg::ReportProblem)}</A>
            </Show>
        </PageHeader>
        <div class="toolbar toolbar--filters">
            <SearchBox
                label=Msg::SearchSupport
                placeholder=Msg::SearchSupportPlaceholder
                value=Signal::derive(move || filter.with(|f| f.q.clone()))
                on_search=on_search
            />
            <FilterSelect id="filter-status" label=Msg::ColStatus all=Msg::AllStatuses options=&STATUSES
                value=Signal::derive(move || filter.with(|f| f.status.clone())) on_change=on_status/>
            <FilterSelect id="filter-type" label=Msg::ProblemType all=Msg::AllTypes options=&PROBLEM_TYPES
                value=Signal::derive(move || filter.with(|f| f.problem_type.clone())) on_change=on_type/>
            <div class="field field--inline">
                <label for="filter-sort">{tr(Msg::SortBy)}</label>
                <select id="filter-sort" on:change=on_sort>
                    <option value="oldest" prop:selected=move || filter.with(|f| f.sort == "oldest" || f.sort.is_empty() && default_sort() == "oldest")>{tr(Msg::OldestFirst)}</option>
                    <option value="newest" prop:selected=move || filter.with(|f| f.sort == "newest" || f.sort.is_empty() && default_sort() == "newest")>{tr(Msg::NewestFirst)}</option>
                </select>
            </div>
        </div>
        <p class="list-status" role="status">
            {move || requests.data.with(|r| match r {
                Some(Ok(list)) if list.total == 1 => i18n.t(Msg::SupportCountOne).to_string(),
                Some(Ok(list)) => i18n.f(Msg::SupportCount, &[("total", &list.total)]),
                Some(Err(_)) => String::new(),
                None => i18n.t(Msg::Loading).to_string(),
            })}
        </p>
        <Loaded loader=requests children={move |list: SupportRequestList| {
            if list.items.is_empty() {
                view! { <EmptyState title=move || i18n.t(Msg::NoSupportRequests)/> }.into_any()
            } else {
                let page_count = (list.total.div_ceil(u64::from(list.page_size.max(1)))).max(1) as u32;
                let page = list.page;
                view! {
                    <SupportTable items=list.items busy=requests.busy agent=is_agent()/>
                    <Show when=move || { page_count > 1 }>
                        <Pager page=page page_count=page_count on_page=on_page/>
                    </Show>
                }.into_any()
            }
        }}/>
    }
}

/// One filter of the list: "All …" or one of the values.
#[component]
fn FilterSelect(
    id: &'static str,
    label: Msg,
    all: Msg,
    options: &'static [(&'static str, Msg)],
    value: Signal<String>,
    on_change: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="field field--inline">
            <label for=id>{tr(label)}</label>
            <select id=id on:change=move |ev| on_change.run(event_target_value(&ev))>
                <option value="" prop:selected=move || value.with(String::is_empty)>{tr(all)}</option>
                {options.iter().map(|&(v, m)| view! {
                    <option value=v prop:selected=move || value.with(|s| s == v)>{tr(m)}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

const PARTNER_COLUMNS: &[Msg] = &[
    Msg::ColNumber,
    Msg::ColTitle,
    Msg::ColCustomer,
    Msg::ProblemType,
    Msg::Impact,
    Msg::ColStatus,
    Msg::ColCreated,
    Msg::ColUpdated,
];
const AGENT_COLUMNS: &[Msg] = &[
    Msg::ColNumber,
    Msg::ColTitle,
    Msg::ColPartner,
    Msg::ColCustomer,
    Msg::ProblemType,
    Msg::Impact,
    Msg::ColStatus,
    Msg::ColCreated,
    Msg::ColUpdated,
];

#[component]
fn SupportTable(
    items: Vec<SupportRequestSummary>,
    busy: RwSignal<bool>,
    agent: bool,
) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|r| view! { <SupportRow request=r agent=agent/> })
        .collect_view();
    let columns = if agent {
        AGENT_COLUMNS
    } else {
        PARTNER_COLUMNS
    };
    view! {
        <TableRegion label=Msg::SupportHeading busy=busy>
            <DataTable columns=columns>{rows}</DataTable>
        </TableRegion>
    }
}

#[component]
fn SupportRow(request: SupportRequestSummary, agent: bool) -> impl IntoView {
    let i18n = use_i18n();
    let status = request.status.clone();
    let tone = badge_tone(&status);
    let problem = request.problem_type.clone();
    let impact = request.impact.clone();
    let href = Route::SupportRequest {
        id: request.id.clone(),
    }
    .to_path();
    view! {
        <tr>
            <td class="mono"><A href=href>{request.number}</A></td>
            <th scope="row" class="table__primary">{request.title}</th>
            {agent.then(|| view! { <td>{request.partner_name.clone()}</td> })}
            <td>{request.customer}</td>
            <td>{move || problem_label(i18n, &problem)}</td>
            <td>{move || impact_label(i18n, &impact)}</td>
            <td><span class=format!("badge badge--{tone}")>{move || status_label(i18n, &status)}</span></td>
            <td class="nowrap">
                <time datetime=format::machine_time(request.created_at)>{format::local_date(request.created_at)}</time>
            </td>
            <td class="nowrap">
                <time datetime=format::machine_time(request.updated_at)>{format::local_date_time(request.updated_at)}</time>
            </td>
        </tr>
    }
}
