//! `/settings/audit-log` (Settings → Audit log): everything the partner's people did, and what
//! support did for the partner, newest first — narrowed by days, person and action (the filters
//! live in the URL), older entries on request (the server's keyset pages), and the whole
//! selection as a CSV file. The server decides who may read it (the roles of R-ROLE-3) and
//! shows its refusal as is. The key-access log (R-LOG) stays on its own page, linked here.
//! Support leads read the support organisation's agents' trail on the same page.

use csp_domain::audit::{AuditAction, AuditEntry, AuditLogPage};
use csp_domain::{Permission, UserKind};
use leptos::prelude::*;

use crate::api::{self, AuditFilter};
use crate::components::keyset_list::KeysetList;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::NeedsPermission;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::router::{use_navigate, use_query_map};
use crate::routes::Route;
use crate::state::use_session;

/// The actions a reader can narrow the trail to, in the order the list offers them.
const ACTIONS: [(AuditAction, Msg); 33] = [
    (AuditAction::SignedIn, Msg::AuditSignedIn),
    (AuditAction::SignInFailed, Msg::AuditSignInFailed),
    (AuditAction::OrderPlaced, Msg::AuditOrderPlaced),
    (
        AuditAction::CancellationRequested,
        Msg::AuditCancellationRequested,
    ),
    (
        AuditAction::SupportRequestFiled,
        Msg::AuditSupportRequestFiled,
    ),
    (
        AuditAction::SupportRequestStatusChanged,
        Msg::AuditSupportRequestStatusChanged,
    ),
    (
        AuditAction::SupportRequestCommented,
        Msg::AuditSupportRequestCommented,
    ),
    (AuditAction::CustomerAdded, Msg::AuditCustomerAdded),
    (AuditAction::CustomerChanged, Msg::AuditCustomerChanged),
    (
        AuditAction::BillingProfileChanged,
        Msg::AuditBillingProfileChanged,
    ),
    (AuditAction::UserInvited, Msg::AuditUserInvited),
    (AuditAction::UserChanged, Msg::AuditUserChanged),
    (AuditAction::WebhookCreated, Msg::AuditWebhookCreated),
    (AuditAction::WebhookChanged, Msg::AuditWebhookChanged),
    (AuditAction::WebhookDeleted, Msg::AuditWebhookDeleted),
    (
        AuditAction::IdentityProviderSet,
        Msg::AuditIdentityProviderSet,
    ),
    (
        AuditAction::IdentityProviderRemoved,
        Msg::AuditIdentityProviderRemoved,
    ),
    (
        AuditAction::TwoStepPolicyChanged,
        Msg::AuditTwoStepPolicyChanged,
    ),
    (AuditAction::PasswordChanged, Msg::AuditPasswordChanged),
    (AuditAction::TwoStepEnabled, Msg::AuditTwoStepEnabled),
    (AuditAction::TwoStepDisabled, Msg::AuditTwoStepDisabled),
    (AuditAction::SessionsEnded, Msg::AuditSessionsEnded),
    (AuditAction::ProfileChanged, Msg::AuditProfileChanged),
    (
        AuditAction::ActivityLogExported,
        Msg::AuditActivityLogExported,
    ),
    (AuditAction::AuditLogExported, Msg::AuditAuditLogExported),
    (AuditAction::SignedOut, Msg::AuditSignedOut),
    (
        AuditAction::InvitationAccepted,
        Msg::AuditInvitationAccepted,
    ),
    (AuditAction::PasswordReset, Msg::AuditPasswordReset),
    (
        AuditAction::CancellationCompleted,
        Msg::AuditCancellationCompleted,
    ),
    (AuditAction::AutoRenewChanged, Msg::AuditAutoRenewChanged),
    (
        AuditAction::SubscriptionRenewed,
        Msg::AuditSubscriptionRenewed,
    ),
    (
        AuditAction::SubscriptionExpired,
        Msg::AuditSubscriptionExpired,
    ),
    (AuditAction::OrdersExported, Msg::AuditOrdersExported),
];

fn action_msg(action: &AuditAction) -> Option<Msg> {
    ACTIONS.iter().find(|(a, _)| a == action).map(|(_, m)| *m)
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let get = |name: &str| q.get(name).unwrap_or_default();
            AuditFilter {
                from: get("from"),
                to: get("to"),
                actor: get("actor"),
                action: get("action"),
            }
        })
    });
    let trail = use_loader(move || filter.get(), |f| api::audit_log(f, None));

    // The form edits its own copy; the URL (and so the list) changes on "Show".
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    Effect::new(move |_| {
        let f = filter.get();
        from.set(f.from);
        to.set(f.to);
        actor.set(f.actor);
        action.set(f.action);
    });
    let dates_error = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = AuditFilter {
            from: from.get_untracked(),
            to: to.get_untracked(),
            actor: actor.get_untracked().trim().to_string(),
            action: action.get_untracked(),
        };
        // ISO dates compare as text.
        let inverted = !typed.from.is_empty() && !typed.to.is_empty() && typed.from > typed.to;
        dates_error.set(inverted);
        if inverted {
            return;
        }
        if typed == filter.get_untracked() {
            trail.reload();
        } else {
            navigate(
                &Route::AuditLog.with_query(&[
                    ("from", &typed.from),
                    ("to", &typed.to),
                    ("actor", &typed.actor),
                    ("action", &typed.action),
                ]),
                Default::default(),
            );
        }
    };
    let action_options = move || {
        ACTIONS
            .iter()
            .map(|(a, m)| {
                let value = a.as_str().to_string();
                let selected = value.clone();
                view! { <option value=value prop:selected=move || action.get() == selected>{tr(*m)}</option> }
            })
            .collect_view()
    };

    // Support leads read the support organisation's agents' trail: no key-access log there.
    let support = use_session()
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.kind == UserKind::Support));
    let needed = if support {
        Permission::ManageSupportAgents
    } else {
        Permission::ViewActivityLog
    };
    view! {
        <PageHeader title=move || i18n.t(Msg::AuditLog) intro=move || i18n.t(if support { Msg::AuditLogIntroSupport } else { Msg::AuditLogIntro })/>
        <NeedsPermission permission=needed>
        <Show when=move || !support>
            <p class="note"><a href=Route::ActivityLog.to_path()>{tr(Msg::AuditKeyAccessLink)}</a></p>
        </Show>
        <form class="card filter" aria-label=tr(Msg::AuditLog) novalidate on:submit=on_submit>
            <div class="field">
                <label for="audit-from">{tr(Msg::From)}</label>
                <input id="audit-from" type="date" prop:value=move || from.get()
                    on:input=move |ev| from.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="audit-to">{tr(Msg::To)}</label>
                <input id="audit-to" type="date" prop:value=move || to.get()
                    on:input=move |ev| to.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="audit-actor">{tr(Msg::AuditActor)}</label>
                <input id="audit-actor" type="email" autocomplete="off" prop:value=move || actor.get()
                    on:input=move |ev| actor.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="audit-action">{tr(Msg::ColAction)}</label>
                <select id="audit-action" on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="" prop:selected=move || action.get().is_empty()>{tr(Msg::AuditAllActions)}</option>
                    {action_options}
                </select>
            </div>
            <button type="submit" class="button button--primary">{tr(Msg::Show)}</button>
        </form>
        <Show when=move || dates_error.get()>
            <div class="message message--error" role="alert">{tr(Msg::AuditDatesOrder)}</div>
        </Show>
        <Loaded loader=trail children={move |page: AuditLogPage| {
            let filter = filter.get_untracked();
            let csv = api::audit_log_csv_url(&filter);
            let load = move |after: String| {
                let filter = filter.clone();
                async move {
                    api::audit_log(filter, Some(after)).await.map(|p| (p.items, p.next_cursor))
                }
            };
            view! {
                <KeysetList items=page.items next_cursor=page.next_cursor load=load
                    key=|e: &AuditEntry| e.id.clone() row=|entry| view! { <AuditRow entry=entry/> }
                    label=Msg::AuditLog empty=Msg::AuditNone more_label=Msg::AuditLoadMore csv=csv busy=trail.busy
                    columns=&[Msg::ColDateTime, Msg::AuditActor, Msg::ColAction, Msg::AuditTarget, Msg::AuditDetail, Msg::AuditWhere]/>
            }
        }}/>
        </NeedsPermission>
    }
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let i18n = use_i18n();
    let action = action_msg(&entry.action);
    // Actions added later on the server still show, in their wire name.
    let raw_action = entry.action.to_string();
    let target = format!("{} {}", entry.target_type, entry.target_id);
    let system = entry.actor_kind == "system";
    let actor = entry.actor_email;
    view! {
        <tr>
            <td class="nowrap"><time datetime=format::machine_time(entry.at)>{format::local_date_time(entry.at)}</time></td>
            <td>{move || if system { i18n.t(Msg::AuditBySystem).to_string() } else { actor.clone() }}</td>
            <td>{move || action.map(|a| i18n.t(a).to_string()).unwrap_or_else(|| raw_action.clone())}</td>
            <td class="break">{target}</td>
            <td class="break">{entry.detail}</td>
            <td class="break">{entry.client_ip}<br/><span class="audit__request">{entry.request_id}</span></td>
        </tr>
    }
}
