//! Settings → Activity log → Changes to users: who invited, re-roled, (de)activated a user,
//! and the users' own password and two-step changes, newest first (the roles of R-ROLE-3).

use csp_domain::account::{UserChangeAction, UserChangeEntry, UserChangeList};
use csp_domain::Role;
use leptos::prelude::*;

use crate::api;
use crate::components::data_table::DataTable;
use crate::components::loaded::Loaded;
use crate::components::states::EmptyState;
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::loader::use_loader;

const COLUMNS: &[Msg] = &[
    Msg::ColDateTime,
    Msg::ColBy,
    Msg::ColUser,
    Msg::ColChange,
    Msg::ColAddress,
];

#[component]
pub fn UserChangesSection() -> impl IntoView {
    let list = use_loader(|| (), |()| api::user_changes());
    view! {
        <section class="card panel" aria-labelledby="user-changes-heading">
            <h2 id="user-changes-heading">{tr(Msg::UserChangesHeading)}</h2>
            <p class="note">{tr(Msg::UserChangesIntro)}</p>
            <Loaded loader=list children={move |l: UserChangeList| view! { <Changes items=l.items busy=list.busy/> }}/>
        </section>
    }
}

#[component]
fn Changes(items: Vec<UserChangeEntry>, busy: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <EmptyState title=move || i18n.t(Msg::NoUserChanges)/> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|c| view! { <ChangeRow change=c/> })
        .collect_view();
    view! {
        <TableRegion label=Msg::UserChangesTable busy=busy>
            <DataTable columns=COLUMNS>{rows}</DataTable>
        </TableRegion>
    }
    .into_any()
}

/// Role names from the record's `admin_agent global_admin`.
fn roles(i18n: I18n, words: &str) -> String {
    let names: Vec<&str> = words
        .split_whitespace()
        .map(|w| Role::parse(w).map_or(w, |r| i18n.role(r)))
        .collect();
    if names.is_empty() {
        i18n.t(Msg::NoRoles).to_string()
    } else {
        names.join(", ")
    }
}

/// What was done, in the reader's language; an action of a newer server in its wire name.
fn describe(i18n: I18n, change: &UserChangeEntry) -> String {
    let plain = |msg| i18n.t(msg).to_string();
    match &change.action {
        UserChangeAction::Invited => i18n.f(
            Msg::ChangeInvited,
            &[("roles", &roles(i18n, &change.detail))],
        ),
        UserChangeAction::RolesChanged => {
            let (before, after) = change.detail.split_once("->").unwrap_or(("", ""));
            i18n.f(
                Msg::ChangeRolesTo,
                &[
                    ("before", &roles(i18n, before)),
                    ("after", &roles(i18n, after)),
                ],
            )
        }
        UserChangeAction::Deactivated => plain(Msg::ChangeDeactivated),
        UserChangeAction::Reactivated => plain(Msg::ChangeReactivated),
        UserChangeAction::PasswordSet => plain(Msg::ChangePasswordSet),
        UserChangeAction::PasswordResetRequested => plain(Msg::ChangeResetRequested),
        UserChangeAction::PasswordReset => plain(Msg::ChangePasswordReset),
        UserChangeAction::PasswordChanged => plain(Msg::ChangePasswordChanged),
        UserChangeAction::TwoStepEnabled => plain(Msg::ChangeTwoStepOn),
        UserChangeAction::TwoStepDisabled => plain(Msg::ChangeTwoStepOff),
        UserChangeAction::RecoveryCodeUsed => plain(Msg::ChangeRecoveryCode),
        UserChangeAction::TwoStepReset => plain(Msg::ChangeTwoStepReset),
        UserChangeAction::SsoLinked => plain(Msg::ChangeSsoLinked),
        UserChangeAction::SsoCreated => plain(Msg::ChangeSsoCreated),
        UserChangeAction::Unknown(raw) => raw.clone(),
    }
}

#[component]
fn ChangeRow(change: UserChangeEntry) -> impl IntoView {
    let i18n = use_i18n();
    let at = change.at;
    let user = format!("{} ({})", change.user_name, change.user_email);
    let (by, address) = (change.actor_email.clone(), change.client_ip.clone());
    view! {
        <tr>
            <td class="nowrap"><time datetime=format::machine_time(at)>{format::local_date_time(at)}</time></td>
            <td>{by}</td>
            <td>{user}</td>
            <td>{move || describe(i18n, &change)}</td>
            <td>{address}</td>
        </tr>
    }
}
