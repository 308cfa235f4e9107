//! The admin center's Users: the tenant's users (status, last sign-in), and an invitation of
//! another one — a one-time link to set a password and reach the admin center.

use csp_domain::account::{UserList, UserSummary};
use leptos::prelude::*;

use crate::api;
use crate::components::data_table::DataTable;
use crate::components::loaded::Loaded;
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{tr, use_i18n, Msg};
use crate::loader::use_loader;
use crate::pages::users::Invite;

const COLUMNS: &[Msg] = &[
    Msg::ContactName,
    Msg::Email,
    Msg::ColStatus,
    Msg::ColLastSignIn,
];

#[component]
pub fn TenantUsers() -> impl IntoView {
    let list = use_loader(|| (), |()| api::tenant_users());
    let refresh = Callback::new(move |()| list.reload());
    view! {
        <section class="card panel" aria-labelledby="tenant-users-heading">
            <h2 id="tenant-users-heading">{tr(Msg::TenantUsersHeading)}</h2>
            <p class="note">{tr(Msg::TenantUsersIntro)}</p>
            <Loaded loader=list children={move |l: UserList| view! {
                <TableRegion label=Msg::TenantUsersTable busy=list.busy>
                    <DataTable columns=COLUMNS>
                        {l.items.into_iter().map(|u| view! { <TenantUserRow user=u/> }).collect_view()}
                    </DataTable>
                </TableRegion>
            }}/>
        </section>
        <Invite tenant=true on_invited=refresh/>
    }
}

#[component]
fn TenantUserRow(user: UserSummary) -> impl IntoView {
    let i18n = use_i18n();
    let (text, tone) = if !user.active {
        (Msg::UserDeactivated, "neutral")
    } else if user.invited {
        (Msg::UserInvited, "info")
    } else {
        (Msg::UserActive, "success")
    };
    let last = match user.last_sign_in_at {
        Some(at) => {
            view! { <time datetime=format::machine_time(at)>{format::local_date_time(at)}</time> }
                .into_any()
        }
        None => {
            view! { <span class="table__secondary">{move || i18n.t(Msg::NeverSignedIn)}</span> }
                .into_any()
        }
    };
    view! {
        <tr>
            <th scope="row" class="table__primary">{user.display_name}</th>
            <td>{user.email}</td>
            <td><span class=format!("badge badge--{tone}")>{move || i18n.t(text)}</span></td>
            <td>{last}</td>
        </tr>
    }
}
