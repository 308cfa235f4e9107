//! `/settings/users` (Settings → Users): the partner's users with their roles, status and last
//! sign-in. Global admins and Account admins invite colleagues (the one-time link is shown
//! once, and mailed when mail is configured), change their roles and deactivate or reactivate
//! them; only Global admins give the Global admin role or change a Global admin, and the
//! server keeps one active Global admin (409 `last_global_admin`). Other partner users are
//! told which roles manage users (the server refuses them the list). A support lead manages
//! the support agents on the same page, with the support organisation's one role (Support
//! lead; one active lead is kept, 409 `last_support_lead`).

use csp_domain::account::{
    check_display_name, NewTenantUser, NewUserRequest, UserChange, UserInvited, UserList,
    UserSummary, INVITATION_HOURS,
};
use csp_domain::{Email, ErrorCode, FieldErrors, Permission, Role, UserId, UserKind};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::copy_button::CopyField;
use crate::components::data_table::DataTable;
use crate::components::dialog::Dialog;
use crate::components::field::TextField;
use crate::components::focus::{focus_by_id, later};
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::{NeedsPermission, Spinner};
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::loader::use_loader;
use crate::pages::two_step_rule::TwoStepRule;
use crate::state::{use_session, Session};

const COLUMNS: &[Msg] = &[
    Msg::ContactName,
    Msg::Email,
    Msg::ColRoles,
    Msg::ColStatus,
    Msg::ColLastSignIn,
    Msg::ColActions,
];

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let support = session
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.kind == UserKind::Support));
    // Each organisation's users are managed by its own roles.
    let needed = if support {
        Permission::ManageSupportAgents
    } else {
        Permission::ManageUsers
    };
    view! {
        <PageHeader title=move || i18n.t(Msg::NavUsers) intro=move || i18n.t(Msg::UsersIntro)/>
        <NeedsPermission permission=needed>
            <ManageUsers/>
        </NeedsPermission>
    }
}

#[component]
fn ManageUsers() -> impl IntoView {
    let list = use_loader(|| (), |()| api::users());
    // The rule of two-step sign-in for everyone is a partner's setting.
    let partner = use_session()
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.kind == UserKind::Partner));
    view! {
        <Loaded loader=list children={move |l: UserList| view! { <Users initial=l.items/> }}/>
        {partner.then(|| view! { <TwoStepRule/> })}
    }
}

/// What the page last said about a change (a live status line).
#[derive(Debug, Clone, PartialEq)]
enum Done {
    RolesSaved { name: String, roles: Vec<Role> },
    Deactivated(String),
    Reactivated(String),
}

impl Done {
    fn text(&self, i18n: I18n) -> String {
        match self {
            Done::RolesSaved { name, roles } => {
                let roles = if roles.is_empty() {
                    i18n.t(Msg::NoRoles).to_string()
                } else {
                    i18n.roles(roles)
                };
                i18n.f(Msg::RolesSaved, &[("name", name), ("roles", &roles)])
            }
            Done::Deactivated(name) => i18n.f(Msg::UserWasDeactivated, &[("name", name)]),
            Done::Reactivated(name) => i18n.f(Msg::UserWasReactivated, &[("name", name)]),
        }
    }
}

/// What the rows, the form and the dialogs share: the users as the server last answered, the
/// user whose roles are being changed, and the one being (de)activated.
#[derive(Clone, Copy)]
struct Shared {
    users: RwSignal<Vec<UserSummary>>,
    editing: RwSignal<Option<UserSummary>>,
    switching: RwSignal<Option<UserSummary>>,
    done: RwSignal<Option<Done>>,
    session: Session,
}

impl Shared {
    /// Takes the server's list after a change, and keeps the signed-in user's own roles in
    /// step with it (the shell shows them, and the pages ask them what to offer).
    fn take(self, list: UserList) {
        let session = self.session;
        let me = session
            .user
            .with_untracked(|u| u.as_ref().map(|u| u.id.clone()));
        if let Some(mine) = list.items.iter().find(|u| Some(&u.id) == me.as_ref()) {
            let roles = mine.roles.clone();
            session.user.update(|u| {
                if let Some(u) = u.as_mut().filter(|u| u.roles != roles) {
                    u.roles = roles;
                }
            });
        }
        self.users.set(list.items);
    }
}

/// The users' table, each row of its own (so focus comes back to the button that opened a
/// dialog), the invitation form, and the two dialogs.
#[component]
fn Users(initial: Vec<UserSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let shared = Shared {
        users: RwSignal::new(initial),
        editing: RwSignal::new(None),
        switching: RwSignal::new(None),
        done: RwSignal::new(None),
        session: use_session(),
    };
    let ids = move || {
        shared
            .users
            .with(|all| all.iter().map(|u| u.id.clone()).collect::<Vec<_>>())
    };
    let refreshing = RwSignal::new(false);
    let on_invited = Callback::new(move |()| {
        shared.done.set(None);
        refreshing.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::users().await {
                shared.users.try_set(list.items);
            }
            refreshing.try_set(false);
        });
    });
    let on_changed = Callback::new(move |(list, done): (UserList, Done)| {
        shared.take(list);
        shared.done.set(Some(done));
    });
    view! {
        <div class="section">
            <h2>{tr(Msg::UsersList)}</h2>
            <p class="list-status" role="status">
                {move || shared.done.with(|d| d.as_ref().map(|d| d.text(i18n)))}
            </p>
            <TableRegion label=Msg::UsersList busy=refreshing>
                <DataTable columns=COLUMNS>
                    <For each=ids key=|id| id.clone() children=move |id| view! { <UserRow id=id shared=shared/> }/>
                </DataTable>
            </TableRegion>
        </div>
        <Invite on_invited=on_invited/>
        <RolesDialog shared=shared on_changed=on_changed/>
        <StatusDialog shared=shared on_changed=on_changed/>
    }
}

/// One user: name, address, roles in words, status, last sign-in in local time, and the
/// buttons that open the dialogs.
#[component]
fn UserRow(id: UserId, shared: Shared) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = session
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.id == id));
    let user = Memo::new(move |_| {
        shared
            .users
            .with(|all| all.iter().find(|u| u.id == id).cloned())
    });
    let field = move |f: fn(&UserSummary) -> String| {
        move || user.with(|u| u.as_ref().map(f).unwrap_or_default())
    };
    let name = field(|u| u.display_name.clone());
    let email = field(|u| u.email.clone());
    let roles = move || {
        user.with(|u| match u {
            Some(u) if !u.roles.is_empty() => i18n.roles(&u.roles),
            _ => i18n.t(Msg::NoRoles).to_string(),
        })
    };
    let active = Memo::new(move |_| user.with(|u| u.as_ref().is_some_and(|u| u.active)));
    let status = move || {
        let (text, tone) = user.with(|u| match u {
            Some(u) if !u.active => (Msg::UserDeactivated, "neutral"),
            Some(u) if u.invited => (Msg::UserInvited, "info"),
            _ => (Msg::UserActive, "success"),
        });
        view! { <span class=format!("badge badge--{tone}")>{move || i18n.t(text)}</span> }
    };
    let last = move || match user.with(|u| u.as_ref().and_then(|u| u.last_sign_in_at)) {
        Some(at) => {
            view! { <time datetime=format::machine_time(at)>{format::local_date_time(at)}</time> }
                .into_any()
        }
        None => {
            view! { <span class="table__secondary">{move || i18n.t(Msg::NeverSignedIn)}</span> }
                .into_any()
        }
    };
    let on_roles = move |_| {
        shared.done.set(None);
        shared.editing.set(user.get_untracked());
    };
    let on_status = move |_| {
        shared.done.set(None);
        shared.switching.set(user.get_untracked());
    };
    view! {
        <tr>
            <th scope="row" class="table__primary">
                {name}
                {me.then(|| view! { " "<span class="table__secondary users__you">{tr(Msg::YouMarker)}</span> })}
            </th>
            <td>{email}</td>
            <td>{roles}</td>
            <td>{status}</td>
            <td class="nowrap">{last}</td>
            <td>
                <div class="users__actions">
                    <button type="button" class="button button--subtle"
                        aria-label=move || i18n.f(Msg::ChangeRolesOf, &[("name", &name())])
                        on:click=on_roles>{tr(Msg::ChangeRoles)}</button>
                    <button type="button" class="button button--subtle"
                        aria-label=move || i18n.f(if active.get() { Msg::DeactivateOf } else { Msg::ReactivateOf }, &[("name", &name())])
                        on:click=on_status>
                        {move || i18n.t(if active.get() { Msg::Deactivate } else { Msg::Reactivate })}
                    </button>
                </div>
            </td>
        </tr>
    }
}

/// Role checkboxes: every role by its name, the Global admin role only for Global admins to
/// give or take (the others are told who can).
#[component]
fn RoleChoices(
    /// Prefix of the boxes' ids.
    prefix: &'static str,
    chosen: RwSignal<Vec<Role>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let (may_give_global, kind) = session.user.with_untracked(|u| {
        (
            u.as_ref()
                .is_some_and(|u| u.can(Permission::ManageGlobalAdmins)),
            u.as_ref().map_or(UserKind::Partner, |u| u.kind),
        )
    });
    let error_id = format!("{prefix}-roles-error");
    let described = error_id.clone();
    let boxes = Role::for_kind(kind)
        .iter()
        .copied()
        .map(|role| {
            let box_id = format!("{prefix}-role-{}", role.as_str());
            let label_for = box_id.clone();
            let hint_id = format!("{box_id}-hint");
            let locked = role == Role::GlobalAdmin && !may_give_global;
            let checked = move || chosen.with(|c| c.contains(&role));
            let on_change = move |ev| {
                let on = event_target_checked(&ev);
                chosen.update(|c| {
                    c.retain(|r| *r != role);
                    if on {
                        c.push(role);
                    }
                });
            };
            view! {
                <label class="choice" for=label_for>
                    <input type="checkbox" id=box_id name="roles" value=role.as_str()
                        disabled=locked
                        aria-describedby=locked.then(|| hint_id.clone())
                        prop:checked=checked on:change=on_change/>
                    <span>
                        {tr(role.msg())}
                        {locked.then(|| view! {
                            " "<span id=hint_id.clone() class="field__hint users__locked">{move || i18n.requires(Permission::ManageGlobalAdmins)}</span>
                        })}
                    </span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="choice-group choice-group--column"
            aria-describedby=move || error.with(Option::is_some).then(|| described.clone())>
            <legend>{tr(Msg::InviteRoles)}</legend>
            {boxes}
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="field__error">{e}</p> })}
        </fieldset>
    }
}

/// The roles chosen, in the domain's order.
fn in_order(chosen: &[Role]) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .chain(Role::SUPPORT)
        .filter(|r| chosen.contains(r))
        .collect()
}

/// A user-change failure in the user's language; deactivating oneself is said as such.
fn change_failure(i18n: I18n, failure: &ApiFailure) -> String {
    if failure.known_code() == Some(ErrorCode::InvalidStatusChange) {
        return i18n.t(Msg::ErrOwnAccount).to_string();
    }
    i18n.failure(failure)
}

/// "Invite a colleague": address, name and roles, checked with the domain's rules before
/// sending; the link the server answers with is shown once, with its copy button.
/// "Invite a colleague": e-mail, name and (for a partner's users) roles; the one-time link is
/// shown once. `tenant`: a customer's admin inviting another user of the tenant (no roles).
#[component]
pub fn Invite(on_invited: Callback<()>, #[prop(optional)] tenant: bool) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<Role>::new());
    let checked = RwSignal::new(FieldErrors::new());
    let failure = RwSignal::new(None::<ApiFailure>);
    let invited = RwSignal::new(None::<(String, UserInvited)>);
    let invite: Action<NewUserRequest, ApiResult<UserInvited>> =
        Action::new_local(move |user: &NewUserRequest| {
            let user = user.clone();
            async move {
                if tenant {
                    api::invite_tenant_user(NewTenantUser {
                        email: user.email,
                        display_name: user.display_name,
                    })
                    .await
                } else {
                    api::invite_user(user).await
                }
            }
        });
    let pending = invite.pending();
    let sent_to = StoredValue::new(String::new());
    Effect::new(move |_| {
        let result = invite.value().get();
        untrack(|| match result {
            Some(Ok(made)) => {
                invited.set(Some((sent_to.get_value(), made)));
                email.set(String::new());
                name.set(String::new());
                chosen.set(Vec::new());
                on_invited.run(());
                // To the link, shown this once.
                later(|| focus_by_id("invitation-link"));
            }
            Some(Err(f)) => {
                let refused = ["email", "display_name"]
                    .into_iter()
                    .find(|field| f.field_codes.get(field).is_some());
                failure.set(Some(f));
                if let Some(field) = refused {
                    focus_by_id(field_id(field));
                }
            }
            None => {}
        })
    });

    let error = move |field: &'static str| {
        Signal::derive(move || {
            checked
                .with(|c| c.text(field).map(|t| i18n.text(t)))
                .or_else(|| {
                    failure.with(|f| f.as_ref().and_then(|f| i18n.server_field_error(f, field)))
                })
        })
    };
    let roles_error = error("roles");

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        failure.set(None);
        invited.set(None);
        let mut errors = FieldErrors::new();
        let address = errors.take("email", Email::parse(&email.get_untracked()));
        let display_name = check_display_name(&name.get_untracked(), &mut errors);
        let first = ["email", "display_name"]
            .into_iter()
            .find(|f| errors.contains(f));
        checked.set(errors);
        if let Some(field) = first {
            focus_by_id(field_id(field));
            return;
        }
        if let (Some(address), Some(display_name)) = (address, display_name) {
            sent_to.set_value(address.as_str().to_string());
            invite.dispatch_local(NewUserRequest {
                email: address.as_str().to_string(),
                display_name,
                roles: chosen.with_untracked(|c| in_order(c)),
            });
        }
    };

    let shown = move || {
        invited.get().map(|(address, made)| {
            let days = INVITATION_HOURS / 24;
            view! {
                <div class="message message--success users__invited">
                    <p role="status">{move || i18n.f(Msg::InvitationCreated, &[("email", &address), ("days", &days)])}</p>
                    <CopyField id="invitation-link" label=Msg::InvitationLink text=made.invitation_url button=Msg::CopyLink/>
                </div>
            }
        })
    };

    view! {
        <section class="card panel" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{tr(Msg::InviteHeading)}</h2>
            {shown}
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="invite-email" name="email" label=Msg::Email value=email input_type="email"
                    autocomplete="off" required=true error=error("email")/>
                <TextField id="invite-name" name="display_name" label=Msg::ContactName value=name
                    autocomplete="off" required=true error=error("display_name")/>
                {(!tenant).then(|| view! { <RoleChoices prefix="invite" chosen=chosen error=roles_error/> })}
                {move || failure.get().filter(|f| f.field_codes.is_empty()).map(|f| view! {
                    <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
                })}
                <div class="form__actions">
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()><Spinner/></Show>
                        {tr(Msg::InviteButton)}
                    </button>
                    <span class="visually-hidden" role="status">{move || pending.get().then(|| i18n.t(Msg::Inviting))}</span>
                </div>
            </form>
        </section>
    }
}

fn field_id(field: &str) -> &'static str {
    match field {
        "display_name" => "invite-name",
        _ => "invite-email",
    }
}

/// Opens `dialog` while `target` holds a user; closing the dialog forgets the user.
fn follow(target: RwSignal<Option<UserSummary>>) -> RwSignal<bool> {
    let open = RwSignal::new(false);
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
    open
}

/// "Roles of …": the role boxes and Save.
#[component]
fn RolesDialog(shared: Shared, on_changed: Callback<(UserList, Done)>) -> impl IntoView {
    let open = follow(shared.editing);
    view! {
        <Dialog open=open labelled_by="user-roles-title">
            {move || shared.editing.get().map(|u| view! { <RolesForm user=u open=open on_changed=on_changed/> })}
        </Dialog>
    }
}

#[component]
fn RolesForm(
    user: UserSummary,
    open: RwSignal<bool>,
    on_changed: Callback<(UserList, Done)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let UserSummary {
        id,
        display_name,
        roles,
        ..
    } = user;
    let chosen = RwSignal::new(roles);
    let failure = RwSignal::new(None::<ApiFailure>);
    let save: Action<Vec<Role>, ApiResult<UserList>> =
        Action::new_local(move |roles: &Vec<Role>| {
            api::change_user(
                id.clone(),
                UserChange {
                    roles: Some(roles.clone()),
                    active: None,
                },
            )
        });
    let pending = save.pending();
    let title_name = display_name.clone();
    Effect::new(move |_| {
        let result = save.value().get();
        untrack(|| match result {
            Some(Ok(list)) => {
                open.set(false);
                on_changed.run((
                    list,
                    Done::RolesSaved {
                        name: display_name.clone(),
                        roles: chosen.with_untracked(|c| in_order(c)),
                    },
                ));
            }
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        failure.set(None);
        save.dispatch_local(chosen.with_untracked(|c| in_order(c)));
    };
    let roles_error = Signal::derive(move || {
        failure.with(|f| f.as_ref().and_then(|f| i18n.server_field_error(f, "roles")))
    });
    view! {
        <h2 id="user-roles-title">{move || i18n.f(Msg::RolesOf, &[("name", &title_name)])}</h2>
        <form novalidate on:submit=on_submit>
            <RoleChoices prefix="edit" chosen=chosen error=roles_error/>
            {move || failure.get().filter(|f| f.field_codes.is_empty()).map(|f| view! {
                <p class="message message--error" role="alert">{move || change_failure(i18n, &f)}</p>
            })}
            <div class="dialog__actions">
                <button type="button" class="button" on:click=move |_| open.set(false)>{tr(Msg::CloseDialog)}</button>
                <button type="submit" class="button button--primary" disabled=move || pending.get()
                    aria-busy=move || pending.get().to_string()>
                    <Show when=move || pending.get()><Spinner/></Show>
                    {tr(Msg::SaveRoles)}
                </button>
            </div>
        </form>
    }
}

/// "Deactivate …?" or "Reactivate …?", confirmed.
#[component]
fn StatusDialog(shared: Shared, on_changed: Callback<(UserList, Done)>) -> impl IntoView {
    let open = follow(shared.switching);
    view! {
        <Dialog open=open labelled_by="user-status-title" described_by="user-status-body">
            {move || shared.switching.get().map(|u| view! { <StatusConfirm user=u open=open on_changed=on_changed/> })}
        </Dialog>
    }
}

#[component]
fn StatusConfirm(
    user: UserSummary,
    open: RwSignal<bool>,
    on_changed: Callback<(UserList, Done)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let UserSummary {
        id,
        display_name,
        email,
        active,
        ..
    } = user;
    let action_label = if active {
        Msg::Deactivate
    } else {
        Msg::Reactivate
    };
    let failure = RwSignal::new(None::<ApiFailure>);
    let switch: Action<(), ApiResult<UserList>> = Action::new_local(move |_: &()| {
        api::change_user(
            id.clone(),
            UserChange {
                roles: None,
                active: Some(!active),
            },
        )
    });
    let pending = switch.pending();
    let done_name = display_name.clone();
    Effect::new(move |_| {
        let result = switch.value().get();
        untrack(|| match result {
            Some(Ok(list)) => {
                open.set(false);
                let done = if active {
                    Done::Deactivated(done_name.clone())
                } else {
                    Done::Reactivated(done_name.clone())
                };
                on_changed.run((list, done));
            }
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });
    let title = {
        let name = display_name.clone();
        move || {
            i18n.f(
                if active {
                    Msg::DeactivateOf
                } else {
                    Msg::ReactivateOf
                },
                &[("name", &name)],
            )
        }
    };
    let body = move || {
        i18n.f(
            if active {
                Msg::DeactivateConfirm
            } else {
                Msg::ReactivateConfirm
            },
            &[("name", &display_name), ("email", &email)],
        )
    };
    view! {
        <h2 id="user-status-title">{title}</h2>
        <p id="user-status-body">{body}</p>
        {move || failure.get().map(|f| view! {
            <p class="message message--error" role="alert">{move || change_failure(i18n, &f)}</p>
        })}
        <div class="dialog__actions">
            <button type="button" class="button" autofocus on:click=move |_| open.set(false)>{tr(Msg::CloseDialog)}</button>
            <button type="button" class=if active { "button button--danger" } else { "button button--primary" }
                disabled=move || pending.get() aria-busy=move || pending.get().to_string()
                on:click=move |_| { failure.set(None); switch.dispatch_local(()); }>
                <Show when=move || pending.get()><Spinner/></Show>
                {tr(action_label)}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_sent_in_the_domains_order() {
        assert_eq!(
            in_order(&[Role::ReferralAdmin, Role::AdminAgent]),
            vec![Role::AdminAgent, Role::ReferralAdmin]
        );
        assert_eq!(in_order(&[]), Vec::<Role>::new());
    }

    #[test]
    fn a_refused_own_deactivation_is_said_as_such() {
        let failure = ApiFailure {
            status: 409,
            code: "invalid_status_change".into(),
            message: "".into(),
            fields: Default::default(),
            field_codes: Default::default(),
            permission: None,
            retry_after_seconds: None,
            request_id: None,
        };
        let i18n = I18n {
            locale: RwSignal::new(crate::i18n::Locale::ZhCn),
        };
        assert_eq!(change_failure(i18n, &failure), Msg::ErrOwnAccount.chinese());
        let last = ApiFailure {
            code: "last_global_admin".into(),
            ..failure
        };
        assert_eq!(
            change_failure(i18n, &last),
            Msg::ErrLastGlobalAdmin.chinese()
        );
    }
}
