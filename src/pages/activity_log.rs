//! `/activity-log` (Settings → Activity log, R-LOG): who revealed keys or downloaded software
//! in a date range. The range lives in the URL; the server decides who may read the log and
//! which ranges are valid, and the page shows its answer as is. Below it, the changes to the
//! partner's users (`pages::user_changes`).

use crate::router::{use_navigate, use_query_map};
use csp_domain::activity_log::RangeError;
use csp_domain::{
    ActivityAction, ActivityLogEntry, ActivityLogPage as LogPage, DateRange, Permission,
};
use leptos::prelude::*;

use crate::api;
use crate::components::data_table::{CsvLink, DataTable};
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::pager::Pager;
use crate::components::states::EmptyState;
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::pages::user_changes::UserChangesSection;
use crate::routes::Route;
use crate::state::use_session;

#[component]
pub fn ActivityLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let may_read = use_session().user.with_untracked(|u| {
        u.as_ref()
            .is_some_and(|u| u.can(Permission::ViewActivityLog))
    });

    let default_range = DateRange::last_days_until(format::today_utc());
    let range = Memo::new(move |_| {
        query.with(|q| {
            let from = q
                .get("from")
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| format::iso(default_range.from()));
            let to = q
                .get("to")
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| format::iso(default_range.to()));
            (from, to)
        })
    });
    let page = Memo::new(move |_| {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1)
        })
    });
    let log = use_loader(
        move || (range.get(), page.get()),
        |((from, to), page)| api::activity_log(from, to, page),
    );
    let on_page = {
        let navigate = navigate.clone();
        Callback::new(move |p: u32| {
            let (f, t) = range.get_untracked();
            navigate(
                &Route::ActivityLog.with_query(&[
                    ("from", &f),
                    ("to", &t),
                    ("page", &p.to_string()),
                ]),
                Default::default(),
            );
        })
    };

    // The form edits its own copy; the URL (and so the list) changes on "Show".
    let from = RwSignal::new(range.get_untracked().0);
    let to = RwSignal::new(range.get_untracked().1);
    Effect::new(move |_| {
        let (f, t) = range.get();
        from.set(f);
        to.set(t);
    });
    // The range is checked here by the domain's rule, as the server checks it.
    let range_error = RwSignal::new(None::<Option<RangeError>>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (f, t) = (from.get_untracked(), to.get_untracked());
        if f.is_empty() || t.is_empty() {
            range_error.set(Some(None));
            return;
        }
        if let Err(e) = DateRange::parse(Some(&f), Some(&t), format::today_utc()) {
            range_error.set(Some(Some(e)));
            return;
        }
        range_error.set(None);
        if (f.clone(), t.clone()) == range.get_untracked() {
            // Same range again: the user wants fresh entries.
            log.reload();
        } else {
            navigate(
                &Route::ActivityLog.with_query(&[("from", &f), ("to", &t)]),
                Default::default(),
            );
        }
    };

    view! {
        <PageHeader title=move || i18n.t(Msg::ActivityLog) intro=move || i18n.t(Msg::ActivityLogIntro)/>
        <form class="card filter" aria-label=tr(Msg::DateRange) novalidate on:submit=on_submit>
            <div class="field">
                <label for="activity-from">{tr(Msg::From)}</label>
                <input
                    id="activity-from"
                    type="date"
                    required
                    prop:value=move || from.get()
                    on:input=move |ev| from.set(event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="activity-to">{tr(Msg::To)}</label>
                <input
                    id="activity-to"
                    type="date"
                    required
                    prop:value=move || to.get()
                    on:input=move |ev| to.set(event_target_value(&ev))
                />
            </div>
            <button type="submit" class="button button--primary">{tr(Msg::Show)}</button>
        </form>
        {move || range_error.get().map(|problem| {
            let text = move || match &problem {
                None => i18n.t(Msg::DatesRequired).to_string(),
                Some(e) => i18n.range_error(e),
            };
            view! { <div class="message message--error" role="alert">{text}</div> }
        })}
        <Loaded loader=log children={move |page: LogPage| view! { <ActivityResults page=page busy=log.busy on_page=on_page/> }}/>
        // Only for the roles that read the log: the refusal above says it once.
        {may_read.then(|| view! { <UserChangesSection/> })}
    }
}

#[component]
fn ActivityResults(page: LogPage, busy: RwSignal<bool>, on_page: Callback<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let count = page.total;
    let current = page.page;
    let page_count = page.total.div_ceil(u64::from(page.page_size.max(1))).max(1) as u32;
    let (from, to) = (format::iso(page.from), format::iso(page.to));
    let summary = move || {
        let args: [(&str, &dyn std::fmt::Display); 3] =
            [("count", &count), ("from", &from), ("to", &to)];
        i18n.f(
            if count == 1 {
                Msg::ActivityEntry
            } else {
                Msg::ActivityEntries
            },
            &args,
        )
    };
    let csv = api::activity_log_csv_url(&format::iso(page.from), &format::iso(page.to));
    let zone = format::local_zone();

    let body = if page.items.is_empty() {
        view! { <EmptyState title=move || i18n.t(Msg::NoActivity)/> }.into_any()
    } else {
        let rows = page
            .items
            .into_iter()
            .map(|entry| view! { <ActivityRow entry=entry/> })
            .collect_view();
        view! {
            <DataTable columns=&[Msg::ColDateTime, Msg::ColAction, Msg::ColUser, Msg::ColCustomer, Msg::ColProduct]>{rows}</DataTable>
        }
        .into_any()
    };

    view! {
        <div class="list-summary">
            <div>
                <p class="list-status" role="status">{summary}</p>
                <p class="list-note">{move || i18n.f(Msg::TimesInZone, &[("zone", &zone)])}</p>
            </div>
            <CsvLink href=csv/>
        </div>
        <TableRegion label=Msg::ActivityLog busy=busy>{body}</TableRegion>
        <Show when=move || { page_count > 1 }>
            <Pager page=Signal::derive(move || current) page_count=Signal::derive(move || page_count) on_page=on_page/>
        </Show>
    }
}

#[component]
fn ActivityRow(entry: ActivityLogEntry) -> impl IntoView {
    let action = match &entry.action {
        ActivityAction::KeyRevealed => Some(Msg::ActionKeyRevealed),
        ActivityAction::SoftwareDownloaded => Some(Msg::ActionSoftwareDownloaded),
        ActivityAction::Unknown(_) => None,
    };
    let raw_action = entry.action.to_string();
    let i18n = use_i18n();
    view! {
        <tr>
            <td class="nowrap"><time datetime=format::machine_time(entry.at)>{format::local_date_time(entry.at)}</time></td>
            // Actions added later on the server still show, in their wire name.
            <td>{move || action.map(|a| i18n.t(a).to_string()).unwrap_or_else(|| raw_action.clone())}</td>
            <td>{entry.user_email.to_string()}</td>
            <td>{entry.customer_name}</td>
            <td>{entry.product_name}</td>
        </tr>
    }
}
