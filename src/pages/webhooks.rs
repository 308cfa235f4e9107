//! `/settings/webhooks` (Settings → Webhooks): the partner's webhook endpoints. Its Global
//! admins add one (an HTTPS address and the events it receives; its signing secret is shown
//! once), send it a test event, rotate its secret (the old one keeps signing for
//! `SECRET_OVERLAP_HOURS`), switch it off and on, remove it, and read its delivery log — asked
//! again every 2 s while a delivery is on its way and for 20 s after a test event. Other
//! partner users are told which role manages webhooks (the server refuses them the list).

use std::time::Duration;

use chrono::{DateTime, Utc};
use csp_domain::notification::{
    check_event_types, DeliveryState, EventType, NewWebhook, NotificationIssue, Reach, Webhook,
    WebhookChange, WebhookDelivery, WebhookDeliveryList, WebhookList, WebhookUrl,
    WebhookWithSecret, SECRET_OVERLAP_HOURS,
};
use csp_domain::{FieldIssue, Permission, WebhookId};
use leptos::html;
use leptos::prelude::*;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::copy_button::CopyField;
use crate::components::data_table::DataTable;
use crate::components::dialog::Dialog;
use crate::components::field::TextField;
use crate::components::focus::{focus_by_id, later};
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::states::{ErrorState, LoadingState, NeedsPermission, Spinner};
use crate::format;
use crate::i18n::{tr, use_i18n, I18n, Msg};
use crate::loader::{use_loader, Loader};

/// What the form lets through before asking the server: any address but the ones that are
/// never a receiver. Whether this machine and private networks may be reached is the server's
/// setting, so it decides those (and says so next to the field).
const BEFORE_SENDING: Reach = Reach {
    loopback: true,
    private: true,
};

/// How often the delivery log is asked again while something is on its way.
const POLL_EVERY: Duration = Duration::from_secs(2);

/// How long the log is asked again after a test event was sent.
const POLL_AFTER_TEST_SECS: i64 = 20;

/// The columns of the delivery log.
const DELIVERY_COLUMNS: &[Msg] = &[
    Msg::ColEvent,
    Msg::ColResult,
    Msg::ColAttempts,
    Msg::ColDuration,
    Msg::ColNextAttempt,
    Msg::ColWhen,
];

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeader title=move || i18n.t(Msg::NavWebhooks) intro=move || i18n.t(Msg::WebhooksIntro)/>
        <p class="note webhooks__signature">{tr(Msg::WebhookSignatureHelp)}</p>
        <NeedsPermission permission=Permission::ManageWebhooks>
            <ManageWebhooks/>
        </NeedsPermission>
    }
}

#[component]
fn ManageWebhooks() -> impl IntoView {
    let list = use_loader(|| (), |()| api::webhooks());
    view! {
        <Loaded loader=list children={move |l: WebhookList| view! { <Endpoints initial=l.items/> }}/>
    }
}

/// A signing secret the server has just shown: of a new endpoint, or after a rotation.
#[derive(Debug, Clone, PartialEq)]
struct Revealed {
    id: WebhookId,
    url: String,
    secret: String,
    rotated: bool,
}

/// What the endpoints' cards share: the endpoints as the server last answered, the one secret
/// on show, and the endpoint the remove dialog asks about.
#[derive(Clone, Copy)]
struct Shared {
    endpoints: RwSignal<Vec<Webhook>>,
    revealed: RwSignal<Option<Revealed>>,
    removing: RwSignal<Option<Webhook>>,
}

impl Shared {
    /// Puts the server's answer about an endpoint in its place.
    fn replace(self, webhook: Webhook) {
        self.endpoints.update(|all| {
            if let Some(slot) = all.iter_mut().find(|w| w.id == webhook.id) {
                *slot = webhook;
            }
        });
    }
}

/// The endpoints, each a card of its own that changes in place (so focus stays on the button
/// that was pressed), the form that adds one, and the remove dialog.
#[component]
fn Endpoints(initial: Vec<Webhook>) -> impl IntoView {
    let shared = Shared {
        endpoints: RwSignal::new(initial),
        revealed: RwSignal::new(None),
        removing: RwSignal::new(None),
    };
    let heading = NodeRef::<html::H2>::new();
    let ids = move || {
        shared
            .endpoints
            .with(|all| all.iter().map(|w| w.id.clone()).collect::<Vec<_>>())
    };
    let on_created = Callback::new(move |made: WebhookWithSecret| {
        let id = made.webhook.id.clone();
        shared.revealed.set(Some(Revealed {
            id: id.clone(),
            url: made.webhook.url.clone(),
            secret: made.secret,
            rotated: false,
        }));
        shared.endpoints.update(|all| all.push(made.webhook));
        // Once its card is drawn: to the secret, which is shown this once.
        later(move || focus_by_id(&secret_field_id(&id)));
    });
    let on_removed = Callback::new(move |id: WebhookId| {
        shared.endpoints.update(|all| all.retain(|w| w.id != id));
        if shared
            .revealed
            .with_untracked(|r| r.as_ref().is_some_and(|r| r.id == id))
        {
            shared.revealed.set(None);
        }
        // The card and its button are gone: focus goes to the list's heading.
        later(move || {
            if let Some(h) = heading.get_untracked() {
                let _ = h.focus();
            }
        });
    });
    view! {
        <section class="section" aria-labelledby="webhook-endpoints">
            <h2 id="webhook-endpoints" tabindex="-1" node_ref=heading>{tr(Msg::WebhookEndpoints)}</h2>
            <Show when=move || shared.endpoints.with(Vec::is_empty)>
                <p class="note">{tr(Msg::WebhooksNone)}</p>
            </Show>
            <div class="webhooks">
                <For each=ids key=|id| id.clone() children=move |id| view! { <Endpoint id=id shared=shared/> }/>
            </div>
        </section>
        <AddEndpoint on_created=on_created/>
        <RemoveDialog removing=shared.removing on_removed=on_removed/>
    }
}

/// One endpoint: its address, events and state, the secret when just shown, its actions and
/// its delivery log.
#[component]
fn Endpoint(id: WebhookId, shared: Shared) -> impl IntoView {
    let i18n = use_i18n();
    let webhook = Memo::new({
        let id = id.clone();
        move |_| {
            shared
                .endpoints
                .with(|all| all.iter().find(|w| w.id == id).cloned())
        }
    });
    // The address never changes; the rest may, with each answer.
    let url = webhook.with_untracked(|w| w.as_ref().map(|w| w.url.clone()).unwrap_or_default());
    let events = Memo::new(move |_| webhook.with(|w| w.as_ref().map(|w| w.events.clone())));
    let active = Memo::new(move |_| webhook.with(|w| w.as_ref().is_some_and(|w| w.active)));
    let reason =
        Memo::new(move |_| webhook.with(|w| w.as_ref().and_then(|w| w.disabled_reason.clone())));
    let created =
        webhook.with_untracked(|w| w.as_ref().map(|w| (w.created_at, w.created_by.clone())));
    let old_secret_until = Memo::new(move |_| {
        webhook.with(|w| {
            w.as_ref()
                .and_then(|w| w.previous_secret_expires_at)
                .filter(|t| *t > Utc::now())
        })
    });

    let key = id.to_string();
    let heading_id = format!("webhook-{key}");
    let labelled_by = heading_id.clone();
    let failure = RwSignal::new(None::<ApiFailure>);
    let test_sent = RwSignal::new(None::<String>);
    let poll_until = RwSignal::new(None::<DateTime<Utc>>);
    let deliveries = use_loader(
        {
            let id = id.clone();
            move || id.clone()
        },
        api::webhook_deliveries,
    );
    poll(deliveries, poll_until);

    let test: Action<(), ApiResult<csp_domain::notification::TestEventSent>> = {
        let id = id.clone();
        Action::new_local(move |_: &()| api::send_test_event(id.clone()))
    };
    let rotate: Action<(), ApiResult<WebhookWithSecret>> = {
        let id = id.clone();
        Action::new_local(move |_: &()| api::rotate_webhook_secret(id.clone()))
    };
    let switch: Action<bool, ApiResult<Webhook>> = {
        let id = id.clone();
        Action::new_local(move |on: &bool| {
            api::change_webhook(
                id.clone(),
                WebhookChange {
                    active: Some(*on),
                    events: None,
                },
            )
        })
    };
    Effect::new(move |_| {
        let result = test.value().get();
        untrack(|| match result {
            Some(Ok(sent)) => {
                test_sent.set(Some(sent.event_id.to_string()));
                poll_until.set(Some(
                    Utc::now() + chrono::Duration::seconds(POLL_AFTER_TEST_SECS),
                ));
                deliveries.reload();
            }
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });
    Effect::new(move |_| {
        let result = rotate.value().get();
        untrack(|| match result {
            Some(Ok(made)) => {
                shared.revealed.set(Some(Revealed {
                    id: made.webhook.id.clone(),
                    url: made.webhook.url.clone(),
                    secret: made.secret,
                    rotated: true,
                }));
                shared.replace(made.webhook);
            }
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });
    Effect::new(move |_| {
        let result = switch.value().get();
        untrack(|| match result {
            Some(Ok(changed)) => shared.replace(changed),
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });

    let test_pending = test.pending();
    let rotate_pending = rotate.pending();
    let switch_pending = switch.pending();
    let on_test = move |_| {
        failure.set(None);
        test_sent.set(None);
        test.dispatch_local(());
    };
    let on_rotate = move |_| {
        failure.set(None);
        rotate.dispatch_local(());
    };
    let on_switch = move |_| {
        failure.set(None);
        switch.dispatch_local(!active.get_untracked());
    };
    let on_remove = move |_| {
        failure.set(None);
        shared.removing.set(webhook.get_untracked());
    };

    let secret = {
        let id = id.clone();
        move || {
            shared
                .revealed
                .get()
                .filter(|r| r.id == id)
                .map(|r| view! { <SecretShown revealed=r/> })
        }
    };
    let events_view = move || {
        events
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|t| {
                let wire = t.as_str().to_string();
                let label = t.msg();
                view! { <li>{tr(label)}" "<code class="webhook__wire">{wire}</code></li> }
            })
            .collect_view()
    };
    let state_view = move || {
        if active.get() {
            view! { <span class="badge badge--success">{tr(Msg::WebhookActive)}</span> }.into_any()
        } else {
            let text = move || match reason.get() {
                Some(reason) => i18n.f(Msg::DisabledBecause, &[("reason", &reason)]),
                None => i18n.t(Msg::WebhookInactive).to_string(),
            };
            view! { <span class="badge badge--neutral webhook__off">{text}</span> }.into_any()
        }
    };
    let busy = move || test_pending.get() || rotate_pending.get() || switch_pending.get();

    view! {
        <section class="card panel webhook" aria-labelledby=labelled_by>
            <h3 id=heading_id class="webhook__url">{url}</h3>
            <dl class="details">
                <div><dt>{tr(Msg::ColStatus)}</dt><dd>{state_view}</dd></div>
                <div><dt>{tr(Msg::WebhookEvents)}</dt><dd><ul class="webhook__events">{events_view}</ul></dd></div>
                {created.map(|(at, by)| view! {
                    <div>
                        <dt>{tr(Msg::ColCreated)}</dt>
                        <dd>{move || i18n.f(Msg::WebhookCreatedBy, &[("time", &format::local_date_time(at)), ("by", &by)])}</dd>
                    </div>
                })}
            </dl>
            {move || old_secret_until.get().map(|t| view! {
                <p class="note">{move || i18n.f(Msg::WebhookOldSecretUntil, &[("time", &format::local_date_time(t))])}</p>
            })}
            {secret}
            {move || test_sent.get().map(|event| view! {
                <p class="message message--success" role="status">{move || i18n.f(Msg::WebhookTestSent, &[("id", &event)])}</p>
            })}
            {move || failure.get().map(|f| view! {
                <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
            })}
            <div class="toolbar webhook__actions" aria-busy=move || busy().to_string()>
                <button type="button" class="button" disabled=move || test_pending.get() on:click=on_test>
                    <Show when=move || test_pending.get()><Spinner/></Show>
                    {tr(Msg::WebhookSendTest)}
                </button>
                <button type="button" class="button" disabled=move || rotate_pending.get() on:click=on_rotate>
                    <Show when=move || rotate_pending.get()><Spinner/></Show>
                    {tr(Msg::WebhookRotate)}
                </button>
                <button type="button" class="button" disabled=move || switch_pending.get() on:click=on_switch>
                    <Show when=move || switch_pending.get()><Spinner/></Show>
                    {move || i18n.t(if active.get() { Msg::WebhookSwitchOff } else { Msg::WebhookSwitchOn })}
                </button>
                <button type="button" class="button button--danger" on:click=on_remove>{tr(Msg::WebhookDelete)}</button>
            </div>
            <h4 class="webhook__log-heading">{tr(Msg::WebhookDeliveries)}</h4>
            <DeliveryLog deliveries=deliveries/>
        </section>
    }
}

/// Asks for the delivery log again every [`POLL_EVERY`] while a delivery is being sent or its
/// next attempt is due, and until `poll_until` (after a test event); never two at a time.
fn poll(deliveries: Loader<WebhookDeliveryList>, poll_until: RwSignal<Option<DateTime<Utc>>>) {
    let tick = move || {
        if deliveries.busy.get_untracked() {
            return;
        }
        let now = Utc::now();
        let after_test = poll_until.get_untracked().is_some_and(|until| now < until);
        let on_its_way = deliveries.data.with_untracked(
            |data| matches!(data, Some(Ok(list)) if list.items.iter().any(|d| on_its_way(d, now))),
        );
        if after_test || on_its_way {
            deliveries.reload();
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, POLL_EVERY) {
        on_cleanup(move || handle.clear());
    }
}

/// Whether a delivery may change within the next moments: being sent, or waiting for an
/// attempt that is due (a retry hours away is not waited for until it is near).
fn on_its_way(delivery: &WebhookDelivery, now: DateTime<Utc>) -> bool {
    match delivery.state {
        DeliveryState::Sending => true,
        DeliveryState::Pending => delivery
            .next_attempt_at
            .is_none_or(|at| at <= now + chrono::Duration::seconds(5)),
        _ => false,
    }
}

/// The delivery log: drawn again only when the answer differs from the one shown, so asking
/// every two seconds does not redraw (or flash) an unchanged table.
#[component]
fn DeliveryLog(deliveries: Loader<WebhookDeliveryList>) -> impl IntoView {
    let i18n = use_i18n();
    let shown = Memo::new(move |_| deliveries.data.get());
    move || match shown.get() {
        None => view! { <LoadingState/> }.into_any(),
        Some(Err(failure)) => {
            let retry = failure
                .is_retryable()
                .then(|| Callback::new(move |()| deliveries.reload()));
            view! { <ErrorState failure=failure on_retry=retry/> }.into_any()
        }
        Some(Ok(list)) if list.items.is_empty() => {
            view! { <p class="note">{tr(Msg::WebhookNoDeliveries)}</p> }.into_any()
        }
        Some(Ok(list)) => {
            let rows = list
                .items
                .into_iter()
                .map(|d| delivery_row(i18n, d))
                .collect_view();
            view! {
                <div class="table-region"><div class="table-region__scroll" tabindex="0">
                    <DataTable columns=DELIVERY_COLUMNS>{rows}</DataTable>
                </div></div>
            }
            .into_any()
        }
    }
}

fn delivery_row(i18n: I18n, d: WebhookDelivery) -> impl IntoView {
    let wire = d.event_type.as_str().to_string();
    let event = d.event_type.msg();
    let state = d.state.clone();
    let tone = match &d.state {
        DeliveryState::Delivered => "success",
        DeliveryState::Failed => "danger",
        DeliveryState::Pending | DeliveryState::Sending => "info",
        DeliveryState::Skipped | DeliveryState::Unknown(_) => "neutral",
    };
    let status = d.response_status;
    let duration = d.duration_ms;
    let next = d.next_attempt_at;
    view! {
        <tr>
            <th scope="row" class="table__primary">
                {tr(event)}
                <span class="table__secondary mono">{wire}</span>
            </th>
            <td>
                <span class=format!("badge badge--{tone}")>{move || delivery_state(i18n, &state)}</span>
                {status.map(|status| view! { " "<span class="webhook__http">{move || i18n.f(Msg::DeliveryHttpStatus, &[("status", &status)])}</span> })}
                {d.error.map(|error| view! { <span class="table__secondary">{error}</span> })}
            </td>
            <td class="numeric">{d.attempts}</td>
            <td class="numeric nowrap">{move || duration.map(|ms| i18n.f(Msg::DurationMs, &[("ms", &ms)])).unwrap_or_else(|| "—".into())}</td>
            <td class="nowrap">{match next {
                Some(at) => view! { <time datetime=format::machine_time(at)>{format::local_date_time(at)}</time> }.into_any(),
                None => "—".into_any(),
            }}</td>
            <td class="nowrap"><time datetime=format::machine_time(d.created_at)>{format::local_date_time(d.created_at)}</time></td>
        </tr>
    }
}

/// A delivery's state in words; a state added later shows as sent.
fn delivery_state(i18n: I18n, state: &DeliveryState) -> String {
    let key = match state {
        DeliveryState::Pending => Msg::DeliveryPending,
        DeliveryState::Sending => Msg::DeliverySending,
        DeliveryState::Delivered => Msg::DeliveryDelivered,
        DeliveryState::Failed => Msg::DeliveryFailed,
        DeliveryState::Skipped => Msg::DeliverySkipped,
        DeliveryState::Unknown(raw) => return raw.clone(),
    };
    i18n.t(key).to_string()
}

/// The secret the server has just shown, with its copy button: the only time it is shown.
#[component]
fn SecretShown(revealed: Revealed) -> impl IntoView {
    let i18n = use_i18n();
    let Revealed {
        id,
        url,
        secret,
        rotated,
    } = revealed;
    let text = move || {
        if rotated {
            i18n.f(Msg::WebhookRotated, &[("hours", &SECRET_OVERLAP_HOURS)])
        } else {
            i18n.f(Msg::WebhookSecretOnce, &[("url", &url)])
        }
    };
    view! {
        <div class="message message--success webhook__secret">
            <p role="status">{text}</p>
            <CopyField id=secret_field_id(&id) label=Msg::WebhookSecret text=secret button=Msg::WebhookCopySecret/>
        </div>
    }
}

fn secret_field_id(id: &WebhookId) -> String {
    format!("webhook-secret-{id}")
}

/// "Add endpoint": the address and the events, checked with the domain's rules before
/// sending; the server's problems are shown next to their field in the user's language.
#[component]
fn AddEndpoint(on_created: Callback<WebhookWithSecret>) -> impl IntoView {
    let i18n = use_i18n();
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<EventType>::new());
    // Problems found here, kept as issues so they follow a change of language.
    let url_issue = RwSignal::new(None::<NotificationIssue>);
    let events_issue = RwSignal::new(None::<NotificationIssue>);
    let failure = RwSignal::new(None::<ApiFailure>);
    let create: Action<NewWebhook, ApiResult<WebhookWithSecret>> =
        Action::new_local(|webhook: &NewWebhook| api::create_webhook(webhook.clone()));
    let pending = create.pending();
    Effect::new(move |_| {
        let result = create.value().get();
        untrack(|| match result {
            Some(Ok(made)) => {
                url.set(String::new());
                chosen.set(Vec::new());
                on_created.run(made);
            }
            Some(Err(f)) => {
                // To the field the server refused, if it names one (its alert says the rest).
                let refused = if f.field_codes.get("url").is_some() {
                    Some("webhook-url".to_string())
                } else {
                    f.field_codes.get("events").map(|_| event_box_id(0))
                };
                failure.set(Some(f));
                if let Some(id) = refused {
                    focus_by_id(&id);
                }
            }
            None => {}
        })
    });

    let error = move |field: &'static str, issue: RwSignal<Option<NotificationIssue>>| {
        Signal::derive(move || match issue.get() {
            Some(issue) => Some(i18n.text(&issue.text())),
            None => failure.with(|f| f.as_ref().and_then(|f| i18n.server_field_error(f, field))),
        })
    };
    let url_error = error("url", url_issue);
    let events_error = error("events", events_issue);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let address = url.get_untracked().trim().to_string();
        let picked: Vec<EventType> = chosen.with_untracked(|chosen| {
            EventType::SUBSCRIBABLE
                .into_iter()
                .filter(|t| chosen.contains(t))
                .collect()
        });
        let url_checked = WebhookUrl::parse(&address, BEFORE_SENDING);
        let events_checked = check_event_types(&picked);
        url_issue.set(url_checked.as_ref().err().copied());
        events_issue.set(events_checked.as_ref().err().copied());
        match (url_checked, events_checked) {
            (Ok(_), Ok(events)) => {
                create.dispatch_local(NewWebhook {
                    url: address,
                    events,
                });
            }
            (Err(_), _) => focus_by_id("webhook-url"),
            (_, Err(_)) => focus_by_id(&event_box_id(0)),
        }
    };

    let boxes = EventType::SUBSCRIBABLE
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let box_id = event_box_id(i);
            let label_for = box_id.clone();
            let wire = t.as_str().to_string();
            let wire_value = wire.clone();
            let label = t.msg();
            let checked = {
                let t = t.clone();
                move || chosen.with(|c| c.contains(&t))
            };
            let on_change = move |ev| {
                let on = event_target_checked(&ev);
                chosen.update(|c| {
                    c.retain(|x| *x != t);
                    if on {
                        c.push(t.clone());
                    }
                });
            };
            view! {
                <label class="choice" for=label_for>
                    <input type="checkbox" id=box_id name="events" value=wire_value
                        aria-invalid=move || events_error.with(Option::is_some).to_string()
                        prop:checked=checked on:change=on_change/>
                    <span>{tr(label)}" "<code class="webhook__wire">{wire}</code></span>
                </label>
            }
        })
        .collect_view();

    view! {
        <section class="card panel" aria-labelledby="webhook-add">
            <h2 id="webhook-add">{tr(Msg::WebhookAdd)}</h2>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="webhook-url" name="url" label=Msg::WebhookUrl value=url input_type="url"
                    required=true error=url_error
                    hint=Signal::derive(move || i18n.t(Msg::WebhookUrlHint).to_string())/>
                <fieldset class="choice-group choice-group--column"
                    aria-describedby=move || events_error.with(Option::is_some).then_some("webhook-events-error")>
                    <legend>{tr(Msg::WebhookEvents)}</legend>
                    {boxes}
                    {move || events_error.get().map(|e| view! { <p id="webhook-events-error" class="field__error">{e}</p> })}
                </fieldset>
                {move || failure.get().filter(|f| f.field_codes.is_empty()).map(|f| view! {
                    <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
                })}
                <div class="form__actions">
                    <button type="submit" class="button button--primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                        <Show when=move || pending.get()><Spinner/></Show>
                        {tr(Msg::WebhookCreate)}
                    </button>
                </div>
            </form>
        </section>
    }
}

fn event_box_id(index: usize) -> String {
    format!("webhook-event-{index}")
}

/// "Remove endpoint?" for the endpoint in `removing`; closing the dialog forgets it.
#[component]
fn RemoveDialog(
    removing: RwSignal<Option<Webhook>>,
    on_removed: Callback<WebhookId>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        let wanted = removing.with(Option::is_some);
        if open.get_untracked() != wanted {
            open.set(wanted);
        }
    });
    Effect::new(move |_| {
        if !open.get() && removing.with_untracked(Option::is_some) {
            removing.set(None);
        }
    });
    view! {
        <Dialog open=open labelled_by="webhook-remove-title" described_by="webhook-remove-body">
            {move || removing.get().map(|w| view! { <RemoveConfirm webhook=w open=open on_removed=on_removed/> })}
        </Dialog>
    }
}

#[component]
fn RemoveConfirm(
    webhook: Webhook,
    open: RwSignal<bool>,
    on_removed: Callback<WebhookId>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Webhook { id, url, .. } = webhook;
    let remove: Action<(), ApiResult<()>> = {
        let id = id.clone();
        Action::new_local(move |_: &()| api::delete_webhook(id.clone()))
    };
    let pending = remove.pending();
    let failure = RwSignal::new(None::<ApiFailure>);
    Effect::new(move |_| {
        let result = remove.value().get();
        untrack(|| match result {
            // Already gone (removed in another tab): gone all the same.
            Some(Ok(())) => {
                open.set(false);
                on_removed.run(id.clone());
            }
            Some(Err(f)) if f.is_not_found() => {
                open.set(false);
                on_removed.run(id.clone());
            }
            Some(Err(f)) => failure.set(Some(f)),
            None => {}
        })
    });
    view! {
        <h2 id="webhook-remove-title">{tr(Msg::WebhookDelete)}</h2>
        <p id="webhook-remove-body">{move || i18n.f(Msg::WebhookDeleteConfirm, &[("url", &url)])}</p>
        {move || failure.get().map(|f| view! {
            <p class="message message--error" role="alert">{move || i18n.failure(&f)}</p>
        })}
        <div class="dialog__actions">
            <button type="button" class="button" autofocus on:click=move |_| open.set(false)>{tr(Msg::CloseDialog)}</button>
            <button type="button" class="button button--danger" disabled=move || pending.get()
                aria-busy=move || pending.get().to_string() on:click=move |_| { failure.set(None); remove.dispatch_local(()); }>
                <Show when=move || pending.get()><Spinner/></Show>
                {tr(Msg::WebhookDelete)}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(state: DeliveryState, next: Option<DateTime<Utc>>) -> WebhookDelivery {
        WebhookDelivery {
            id: "0f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
            event_id: "1f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
            event_type: EventType::WebhookTest,
            state,
            attempts: 1,
            response_status: None,
            error: None,
            duration_ms: None,
            next_attempt_at: next,
            created_at: Utc::now(),
            finished_at: None,
        }
    }

    #[test]
    fn the_log_is_asked_again_only_while_a_delivery_may_change_soon() {
        let now = Utc::now();
        let in_ = |secs| Some(now + chrono::Duration::seconds(secs));
        assert!(on_its_way(&delivery(DeliveryState::Sending, None), now));
        assert!(on_its_way(&delivery(DeliveryState::Pending, None), now));
        assert!(on_its_way(&delivery(DeliveryState::Pending, in_(3)), now));
        assert!(on_its_way(&delivery(DeliveryState::Pending, in_(-60)), now));
        assert!(!on_its_way(
            &delivery(DeliveryState::Pending, in_(3600)),
            now
        ));
        for done in [
            DeliveryState::Delivered,
            DeliveryState::Failed,
            DeliveryState::Skipped,
        ] {
            assert!(!on_its_way(&delivery(done, None), now));
        }
    }

    #[test]
    fn the_form_lets_the_server_decide_about_this_machine_and_private_networks() {
        for url in [
            "http://127.0.0.1:9000/hook",
            "https://10.0.0.5/hook",
            "https://hooks.example.com/csp",
        ] {
            assert!(WebhookUrl::parse(url, BEFORE_SENDING).is_ok(), "{url}");
        }
        for url in [
            "hooks.example.com",
            "https://user:pw@hooks.example.com/",
            "http://hooks.example.com/",
        ] {
            assert!(WebhookUrl::parse(url, BEFORE_SENDING).is_err(), "{url}");
        }
    }
}
