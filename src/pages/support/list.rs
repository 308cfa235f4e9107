//! `/support`: support requests. A partner sees the requests it filed; a support agent sees
//! everyone's (the server decides which).

use csp_domain::{SupportRequestSummary, SupportStatus, UserKind};
use leptos::prelude::*;

use crate::api;
use crate::components::data_table::DataTable;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::EmptyState;
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{use_i18n, Msg};
use crate::loader::use_loader;
use crate::state::use_session;

#[component]
pub fn SupportPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let is_agent = move || {
        session
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.kind == UserKind::Support))
    };
    let requests = use_loader(|| (), |()| api::support_requests());

    view! {
        <PageHeader
            title=move || i18n.t(Msg::SupportHeading)
            intro=move || i18n.t(if is_agent() { Msg::SupportIntroAgent } else { Msg::SupportIntroPartner })
        />
        <Loaded loader=requests children={move |list: csp_domain::SupportRequestList| {
            if list.items.is_empty() {
                view! { <EmptyState title=move || i18n.t(Msg::NoSupportRequests)/> }.into_any()
            } else {
                view! { <SupportTable items=list.items busy=requests.busy/> }.into_any()
            }
        }}/>
    }
}

#[component]
fn SupportTable(items: Vec<SupportRequestSummary>, busy: RwSignal<bool>) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|r| view! { <SupportRow request=r/> })
        .collect_view();
    view! {
        <TableRegion label=Msg::SupportHeading busy=busy>
            <DataTable columns=&[Msg::ColNumber, Msg::ColTitle, Msg::ColCustomer, Msg::ColStatus, Msg::ColCreated]>{rows}</DataTable>
        </TableRegion>
    }
}

#[component]
fn SupportRow(request: SupportRequestSummary) -> impl IntoView {
    let i18n = use_i18n();
    let status = request.status.clone();
    let tone = badge_tone(&status);
    let label = move || {
        status_label(&status)
            .map(|m| i18n.t(m).to_string())
            .unwrap_or_else(|| status.to_string())
    };
    view! {
        <tr>
            <td class="mono">{request.number}</td>
            <th scope="row" class="table__primary">{request.title}</th>
            <td>{request.customer}</td>
            <td><span class=format!("badge badge--{tone}")>{label}</span></td>
            <td class="nowrap">
                <time datetime=format::machine_time(request.created_at)>{format::local_date(request.created_at)}</time>
            </td>
        </tr>
    }
}

/// Known statuses in words; statuses added later show their wire name.
fn status_label(status: &SupportStatus) -> Option<Msg> {
    match status {
        SupportStatus::New => Some(Msg::StatusNew),
        SupportStatus::InProgress => Some(Msg::StatusInProgress),
        SupportStatus::Approved => Some(Msg::StatusApproved),
        SupportStatus::Rejected => Some(Msg::StatusRejected),
        SupportStatus::Unknown(_) => None,
    }
}

fn badge_tone(status: &SupportStatus) -> &'static str {
    match status {
        SupportStatus::New => "info",
        SupportStatus::InProgress => "warning",
        SupportStatus::Approved => "success",
        SupportStatus::Rejected => "danger",
        SupportStatus::Unknown(_) => "neutral",
    }
}
