//! Profile → Where you are signed in: the user's live sessions (browser and system, the
//! address, when signed in and last active), this one marked; sign out of one, or of every
//! other.

use csp_domain::session::{describe_user_agent, SessionInfo, SessionList};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::data_table::DataTable;
use crate::components::loaded::Loaded;
use crate::components::table_region::TableRegion;
use crate::format;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::loader::use_loader;

const COLUMNS: &[Msg] = &[
    Msg::ColDevice,
    Msg::ColAddress,
    Msg::ColSignedIn,
    Msg::ColLastActive,
    Msg::ColActions,
];

/// "Edge on Windows", or what of it is known.
fn device_name(i18n: I18n, user_agent: &str) -> String {
    match describe_user_agent(user_agent) {
        (Some(browser), Some(system)) => {
            i18n.f(Msg::DeviceOn, &[("browser", &browser), ("system", &system)])
        }
        (Some(name), None) | (None, Some(name)) => name.to_string(),
        (None, None) => i18n.t(Msg::DeviceUnknown).to_string(),
    }
}

#[component]
pub fn DevicesSection() -> impl IntoView {
    let list = use_loader(|| (), |()| api::sessions());
    view! {
        <section class="card panel" aria-labelledby="devices-heading">
            <h2 id="devices-heading">{tr(Msg::DevicesHeading)}</h2>
            <p class="note">{tr(Msg::DevicesIntro)}</p>
            <Loaded loader=list children={move |l: SessionList| view! { <Devices initial=l.items/> }}/>
        </section>
    }
}

#[component]
fn Devices(initial: Vec<SessionInfo>) -> impl IntoView {
    let i18n = use_i18n();
    let items = RwSignal::new(initial);
    let said = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiFailure>);

    let end_one: Action<SessionInfo, (SessionInfo, ApiResult<()>)> =
        Action::new_local(|s: &SessionInfo| {
            let s = s.clone();
            async move {
                let result = api::end_session(s.id.clone()).await;
                (s, result)
            }
        });
    let end_others: Action<(), ApiResult<()>> = Action::new_local(|()| api::end_other_sessions());
    let busy = Signal::derive(move || end_one.pending().get() || end_others.pending().get());
    Effect::new(move |_| {
        let result = end_one.value().get();
        untrack(|| match result {
            Some((ended, Ok(()))) => {
                items.update(|all| all.retain(|s| s.id != ended.id));
                failure.set(None);
                said.set(Some(i18n.f(
                    Msg::DeviceSignedOut,
                    &[("device", &device_name(i18n, &ended.user_agent))],
                )));
            }
            Some((_, Err(f))) => failure.set(Some(f)),
            None => {}
        })
    });
    Effect::new(move |_| {
        let result = end_others.value().get();
        untrack(|| match result {
            Some(Ok(())) => {
                items.update(|all| all.retain(|s| s.current));
                failure.set(None);
                said.set(Some(i18n.t(Msg::OthersSignedOut).to_string()));
            }
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });
    let others = move || items.with(|all| all.iter().any(|s| !s.current));

    view! {
        <p class="list-status" role="status">{move || said.get()}</p>
        {move || failure.get().map(|f| view! {
            <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
        })}
        <TableRegion label=Msg::DevicesTable busy=busy>
            <DataTable columns=COLUMNS>
                <For each=move || items.get() key=|s| s.id.clone() let:s>
                    <DeviceRow session=s on_end=Callback::new(move |s: SessionInfo| { end_one.dispatch_local(s); })/>
                </For>
            </DataTable>
        </TableRegion>
        <Show when=others>
            <div class="form__actions">
                <button type="button" class="button" disabled=move || busy.get()
                    on:click=move |_| { end_others.dispatch_local(()); }>
                    {tr(Msg::SignOutOthers)}
                </button>
            </div>
        </Show>
    }
}

#[component]
fn DeviceRow(session: SessionInfo, on_end: Callback<SessionInfo>) -> impl IntoView {
    let i18n = use_i18n();
    let name = device_name(i18n, &session.user_agent);
    let row_name = name.clone();
    let last_active = format::local_date_time(session.last_active_at);
    let label = move || {
        i18n.f(
            Msg::SignOutDeviceLabel,
            &[("device", &row_name), ("time", &last_active)],
        )
    };
    let current = session.current;
    let ended = session.clone();
    view! {
        <tr>
            <td>{name}</td>
            <td>{session.client_ip.clone()}</td>
            <td><time datetime=format::machine_time(session.signed_in_at)>{format::local_date_time(session.signed_in_at)}</time></td>
            <td><time datetime=format::machine_time(session.last_active_at)>{format::local_date_time(session.last_active_at)}</time></td>
            <td>
                {if current {
                    view! { <span class="badge badge--neutral">{tr(Msg::ThisDevice)}</span> }.into_any()
                } else {
                    view! {
                        <button type="button" class="button button--subtle" aria-label=label
                            on:click=move |_| on_end.run(ended.clone())>
                            {tr(Msg::SignOutDevice)}
                        </button>
                    }.into_any()
                }}
            </td>
        </tr>
    }
}
