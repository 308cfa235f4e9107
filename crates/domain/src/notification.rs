//! Notifications: the events the product tells people and partners' systems about, the
//! webhook endpoints partners register, who is mailed what, and how often a delivery is tried.
//!
//! An event is `{"id", "type", "created_at", "data"}` (SPEC §11): the id is stable, so a
//! receiver that sees it twice (deliveries are at least once) drops the second.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use chrono::{DateTime, Utc};
use csp_messages::Msg;
use serde::{Deserialize, Serialize};

use crate::error::{FieldCode, FieldIssue, Text};
use crate::ids::{
    CancellationId, CreditId, CustomerId, DeliveryId, EventId, OrderId, SupportRequestId, WebhookId,
};
use crate::ledger::CreditSource;
use crate::money::{Amount, Currency};
use crate::open_enum::open_enum;

open_enum! {
    /// What happened. Webhook endpoints subscribe to the types of [`EventType::SUBSCRIBABLE`].
    pub enum EventType {
        OrderCreated = "order.created",
        CancellationRequested = "cancellation.requested",
        CancellationCompleted = "cancellation.completed",
        CreditCreated = "credit.created",
        SupportRequestCreated = "support_request.created",
        SupportRequestUpdated = "support_request.updated",
        WebhookTest = "webhook.test",
        /// An endpoint was switched off because its deliveries kept failing; mailed to Global admins.
        WebhookDisabled = "webhook.disabled",
        /// Someone was invited: the mail carries their one-time link.
        AccountInvitation = "account.invitation",
        /// Someone asked for a password reset: the mail carries the one-time link.
        PasswordReset = "account.password_reset",
        /// A term ends or a cancellation window closes soon: mailed to the Admin agents.
        DeadlineReminder = "deadline.reminder",
    }
}

impl EventType {
    /// The types an endpoint can choose (the test event always reaches the endpoint it tests).
    pub const SUBSCRIBABLE: [EventType; 6] = [
        EventType::OrderCreated,
        EventType::CancellationRequested,
        EventType::CancellationCompleted,
        EventType::CreditCreated,
        EventType::SupportRequestCreated,
        EventType::SupportRequestUpdated,
    ];

    /// What the type means, for the list of types to choose from.
    pub fn msg(&self) -> Msg {
        match self {
            EventType::OrderCreated => Msg::EventOrderCreated,
            EventType::CancellationRequested => Msg::EventCancellationRequested,
            EventType::CancellationCompleted => Msg::EventCancellationCompleted,
            EventType::CreditCreated => Msg::EventCreditCreated,
            EventType::SupportRequestCreated => Msg::EventSupportRequestCreated,
            EventType::SupportRequestUpdated => Msg::EventSupportRequestUpdated,
            EventType::WebhookTest => Msg::EventWebhookTest,
            EventType::WebhookDisabled => Msg::EventWebhookDisabled,
            EventType::AccountInvitation => Msg::EventAccountInvitation,
            EventType::PasswordReset => Msg::EventPasswordReset,
            EventType::DeadlineReminder => Msg::EventDeadlineReminder,
            EventType::Unknown(_) => Msg::EventUnknown,
        }
    }
}

/// One line of an order, as events describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventOrderLine {
    pub product_name: String,
    pub sku_name: String,
    pub quantity: u32,
    pub amount: Amount,
}

/// `order.created`: an order was placed (R-BUY-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderCreated {
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub placed_by: String,
    pub line_items: Vec<EventOrderLine>,
    pub total: Amount,
    pub currency: Currency,
    pub tax_inclusive: bool,
}

/// `cancellation.requested`: a cancellation was accepted; the worker completes it shortly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancellationRequested {
    pub cancellation_id: CancellationId,
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub product_name: String,
    pub requested_by: String,
    /// The credit the cancellation will book.
    pub credit: Amount,
    pub currency: Currency,
}

/// `cancellation.completed`: the order is cancelled, its keys and downloads revoked (R-CAN-8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancellationCompleted {
    pub cancellation_id: CancellationId,
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub product_name: String,
    pub credit: Amount,
    pub currency: Currency,
    /// Set when a support agent's approval of this refund request cancelled the order.
    pub support_request_id: Option<SupportRequestId>,
}

/// `deadline.reminder`: a subscription's term ends, or an order's cancellation window closes,
/// in `days_before` days (at `at`), and what will happen then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineReminder {
    /// `term_end` or `cancellation_window`.
    pub deadline: String,
    pub days_before: u32,
    pub at: DateTime<Utc>,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub order_id: OrderId,
    pub product_name: String,
    /// For a term end: whether it renews then (otherwise it expires).
    pub renews: Option<bool>,
    /// For a renewal: what it would cost at today's catalog price, in `currency`.
    pub renewal_price: Option<Amount>,
    pub currency: Currency,
}

/// `credit.created`: a credit was booked on the next month's invoice (R-CAN-9, R-SUP-6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditCreated {
    pub credit_id: CreditId,
    pub order_id: OrderId,
    pub customer_id: CustomerId,
    pub amount: Amount,
    pub currency: Currency,
    /// `cancellation` or `support_request`.
    pub source: CreditSource,
    pub source_id: String,
    pub description: String,
    /// The invoice it is on, `YYYY-MM`.
    pub invoice_month: String,
}

open_enum! {
    /// What changed on a support request.
    pub enum SupportChange {
        StatusChanged = "status_changed",
        Comment = "comment",
        FilesAdded = "files_added",
    }
}

/// `support_request.created`: a partner filed a support request (R-SUP).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestCreated {
    pub support_request_id: SupportRequestId,
    pub number: i64,
    pub title: String,
    pub problem_type: String,
    pub customer_id: Option<CustomerId>,
    pub order_id: Option<OrderId>,
    pub created_by: String,
}

/// `support_request.updated`: its status changed, or someone commented or added files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestUpdated {
    pub support_request_id: SupportRequestId,
    pub number: i64,
    pub title: String,
    pub change: SupportChange,
    /// The status after the change.
    pub status: String,
    /// The comment, or the note that came with the status change.
    pub note: Option<String>,
    /// Whether a support agent made the change (otherwise the partner did).
    pub by_support: bool,
    /// Who made it: a partner user's address, or "CSP support".
    pub changed_by: String,
    /// Who filed the request (their address).
    pub created_by: String,
}

/// `webhook.test`: sent by "Send test event"; changes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookTest {
    pub webhook_id: WebhookId,
    pub sent_by: String,
}

/// `webhook.disabled` (e-mail only): an endpoint was switched off because its deliveries kept
/// failing, or were refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDisabled {
    pub webhook_id: WebhookId,
    pub url: String,
    pub last_error: String,
}

/// `account.invitation` (e-mail only): a user was invited; `link` sets their first password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountInvitation {
    pub user_id: crate::ids::UserId,
    pub email: String,
    pub organization: String,
    pub invited_by: String,
    pub link: String,
    pub expires_at: DateTime<Utc>,
}

/// `account.password_reset` (e-mail only): `link` sets a new password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    pub user_id: crate::ids::UserId,
    pub email: String,
    pub link: String,
    pub expires_at: DateTime<Utc>,
}

/// What happened, with its details: the `type` and `data` of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "data")]
pub enum EventData {
    #[serde(rename = "order.created")]
    OrderCreated(OrderCreated),
    #[serde(rename = "cancellation.requested")]
    CancellationRequested(CancellationRequested),
    #[serde(rename = "cancellation.completed")]
    CancellationCompleted(CancellationCompleted),
    #[serde(rename = "credit.created")]
    CreditCreated(CreditCreated),
    #[serde(rename = "support_request.created")]
    SupportRequestCreated(SupportRequestCreated),
    #[serde(rename = "support_request.updated")]
    SupportRequestUpdated(SupportRequestUpdated),
    #[serde(rename = "webhook.test")]
    WebhookTest(WebhookTest),
    #[serde(rename = "webhook.disabled")]
    WebhookDisabled(WebhookDisabled),
    #[serde(rename = "account.invitation")]
    AccountInvitation(AccountInvitation),
    #[serde(rename = "account.password_reset")]
    PasswordReset(PasswordReset),
    #[serde(rename = "deadline.reminder")]
    DeadlineReminder(DeadlineReminder),
}

impl EventData {
    pub fn event_type(&self) -> EventType {
        match self {
            EventData::OrderCreated(_) => EventType::OrderCreated,
            EventData::CancellationRequested(_) => EventType::CancellationRequested,
            EventData::CancellationCompleted(_) => EventType::CancellationCompleted,
            EventData::CreditCreated(_) => EventType::CreditCreated,
            EventData::SupportRequestCreated(_) => EventType::SupportRequestCreated,
            EventData::SupportRequestUpdated(_) => EventType::SupportRequestUpdated,
            EventData::WebhookTest(_) => EventType::WebhookTest,
            EventData::WebhookDisabled(_) => EventType::WebhookDisabled,
            EventData::AccountInvitation(_) => EventType::AccountInvitation,
            EventData::PasswordReset(_) => EventType::PasswordReset,
            EventData::DeadlineReminder(_) => EventType::DeadlineReminder,
        }
    }

    /// Who is mailed about it (R-… of issue "notifications"): the buyer of an order, the
    /// customer's admins when its purchase is cancelled (keys and downloads stop working), the
    /// support queue when a request is filed or its filer writes, the filer when support
    /// changes or comments on it, the partner's Global admins when an endpoint is disabled.
    pub fn mail_audience(&self) -> Option<Audience> {
        match self {
            EventData::OrderCreated(_) => Some(Audience::Buyer),
            EventData::CancellationCompleted(_) => Some(Audience::CustomerAdmins),
            EventData::SupportRequestCreated(_) => Some(Audience::SupportQueue),
            EventData::SupportRequestUpdated(u) if u.by_support => Some(Audience::RequestFiler),
            EventData::SupportRequestUpdated(_) => Some(Audience::SupportQueue),
            EventData::WebhookDisabled(_) => Some(Audience::GlobalAdmins),
            EventData::DeadlineReminder(_) => Some(Audience::AdminAgents),
            EventData::AccountInvitation(_) | EventData::PasswordReset(_) => {
                Some(Audience::Addressee)
            }
            EventData::CancellationRequested(_)
            | EventData::CreditCreated(_)
            | EventData::WebhookTest(_) => None,
        }
    }
}

/// Who an event's mail goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The partner user who placed the order (optional: "order confirmations").
    Buyer,
    /// Every customer user of the customer (always: their keys stopped working).
    CustomerAdmins,
    /// The support queue address, or every support agent when none is configured.
    SupportQueue,
    /// The partner user who filed the request (optional: "support request updates").
    RequestFiler,
    /// The partner's Global admins (always).
    GlobalAdmins,
    /// The partner's Admin agents, who buy and cancel (always: a deadline is near).
    AdminAgents,
    /// The user the event is about, at their address (always: their link).
    Addressee,
}

impl Audience {
    /// The preference that can switch this mail off, if any.
    pub fn preference(self) -> Option<MailPreference> {
        match self {
            Audience::Buyer => Some(MailPreference::OrderConfirmations),
            Audience::RequestFiler => Some(MailPreference::SupportUpdates),
            Audience::CustomerAdmins
            | Audience::SupportQueue
            | Audience::GlobalAdmins
            | Audience::AdminAgents
            | Audience::Addressee => None,
        }
    }
}

/// The mails a user can switch off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailPreference {
    OrderConfirmations,
    SupportUpdates,
}

/// An event as it is stored and delivered: `{"id", "type", "created_at", "data"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: EventId,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub data: EventData,
}

// ---- webhook endpoints ----

/// A partner's webhook endpoint. The secret is shown once, when it is made or rotated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: WebhookId,
    pub url: String,
    pub events: Vec<EventType>,
    /// False once switched off, by an admin or after its deliveries kept failing (`disabled_reason`).
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// Until then deliveries are signed with the previous secret too (after a rotation).
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookList {
    pub items: Vec<Webhook>,
}

/// The event types an endpoint can choose, for the OpenAPI document of requests (the wire
/// type is [`EventType`]; `webhook.test` and `webhook.disabled` are not chosen).
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub enum SubscribableEventType {
    #[schema(rename = "order.created")]
    OrderCreated,
    #[schema(rename = "cancellation.requested")]
    CancellationRequested,
    #[schema(rename = "cancellation.completed")]
    CancellationCompleted,
    #[schema(rename = "credit.created")]
    CreditCreated,
    #[schema(rename = "support_request.created")]
    SupportRequestCreated,
    #[schema(rename = "support_request.updated")]
    SupportRequestUpdated,
}

/// The languages mails are written in, for the OpenAPI document.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub enum MailLanguage {
    #[schema(rename = "en")]
    En,
    #[schema(rename = "zh-CN")]
    ZhCn,
}

/// `POST /api/v1/webhooks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhook {
    pub url: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<SubscribableEventType>, min_items = 1))]
    pub events: Vec<EventType>,
}

/// `PATCH /api/v1/webhooks/{id}`: switch on or off, or choose other event types.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<SubscribableEventType>>, min_items = 1))]
    pub events: Option<Vec<EventType>>,
}

/// The answer to a new endpoint or a rotation: the endpoint and its (new) secret, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_…`: the key of the HMAC-SHA256 signature of every delivery.
    pub secret: String,
}

/// How long deliveries stay signed with the old secret after a rotation, so receivers can
/// switch without losing one.
pub const SECRET_OVERLAP_HOURS: i64 = 24;

open_enum! {
    /// Where a delivery stands.
    pub enum DeliveryState {
        /// Waiting for its first attempt, or for the next one after a failure.
        Pending = "pending",
        Sending = "sending",
        Delivered = "delivered",
        /// Every attempt failed; no more will be made.
        Failed = "failed",
        /// Not sent: its endpoint was switched off or removed first.
        Skipped = "skipped",
    }
}

/// One delivery of an event to an endpoint, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: DeliveryId,
    pub event_id: EventId,
    pub event_type: EventType,
    pub state: DeliveryState,
    pub attempts: u32,
    /// The HTTP status of the last attempt, if it got one.
    pub response_status: Option<u16>,
    /// Why the last attempt failed, if it did.
    pub error: Option<String>,
    pub duration_ms: Option<u64>,
    /// When the next attempt is due (pending deliveries).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryList {
    pub items: Vec<WebhookDelivery>,
}

/// The answer to "send test event": the event that is on its way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TestEventSent {
    pub event_id: EventId,
    pub delivery_id: DeliveryId,
}

// ---- the user's own settings ----

/// `GET /api/v1/profile`: the signed-in user's language for mails and the mails they get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub email: String,
    pub display_name: String,
    /// `en` or `zh-CN`.
    pub language: String,
    /// Mail on every order this user places.
    pub order_confirmations: bool,
    /// Mail when support changes or comments on a request this user filed.
    pub support_updates: bool,
    /// Two-step sign-in (`/api/v1/profile/two-step`).
    #[serde(default)]
    pub two_step: crate::two_step::TwoStepStatus,
}

/// `PATCH /api/v1/profile`: any of the fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<MailLanguage>))]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_confirmations: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_updates: Option<bool>,
}

/// The languages mails are written in: the app's.
pub const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// `raw` as one of [`LANGUAGES`] (tags are case-blind).
pub fn parse_language(raw: &str) -> Result<&'static str, NotificationIssue> {
    LANGUAGES
        .into_iter()
        .find(|l| l.eq_ignore_ascii_case(raw.trim()))
        .ok_or(NotificationIssue::UnknownLanguage)
}

// ---- rules ----

/// How often and how long a delivery is tried: waits of `base`, 2×, 4×… (each at most
/// `longest_wait`), until `max_attempts` attempts have failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub longest_wait: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 30 s, 1 min, 2 min … 6 h: 12 attempts over about 14½ hours.
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(30),
            longest_wait: Duration::from_secs(6 * 3600),
            max_attempts: 12,
        }
    }
}

impl RetryPolicy {
    /// After `attempts` failed attempts: the wait before the next, or `None` to give up.
    pub fn next_wait(&self, attempts: u32) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let factor = 1u32 << attempts.saturating_sub(1).min(20);
        Some(self.base.saturating_mul(factor).min(self.longest_wait))
    }

    /// The longest a delivery can be retried for.
    pub fn give_up_after(&self) -> Duration {
        (1..self.max_attempts)
            .filter_map(|n| self.next_wait(n))
            .sum()
    }
}

/// What a problem with a webhook or a profile setting is, field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationIssue {
    /// Not an absolute `https://host/…` URL.
    InvalidUrl,
    /// `http://` outside of demo mode (or to an address other than this machine).
    HttpsRequired,
    /// A user name or password in the URL.
    CredentialsInUrl,
    /// An address of this machine or of a private network.
    PrivateAddress,
    NoEvents,
    UnknownEventType,
    UnknownLanguage,
}

impl FieldIssue for NotificationIssue {
    fn code(&self) -> FieldCode {
        match self {
            NotificationIssue::InvalidUrl | NotificationIssue::CredentialsInUrl => {
                FieldCode::InvalidUrl
            }
            NotificationIssue::HttpsRequired => FieldCode::HttpsRequired,
            NotificationIssue::PrivateAddress => FieldCode::PrivateAddress,
            NotificationIssue::NoEvents => FieldCode::Required,
            NotificationIssue::UnknownEventType | NotificationIssue::UnknownLanguage => {
                FieldCode::UnknownValue
            }
        }
    }

    fn text(&self) -> Text {
        Text::new(match self {
            NotificationIssue::InvalidUrl => Msg::WebhookUrlInvalid,
            NotificationIssue::HttpsRequired => Msg::WebhookUrlHttps,
            NotificationIssue::CredentialsInUrl => Msg::WebhookUrlCredentials,
            NotificationIssue::PrivateAddress => Msg::WebhookUrlPrivate,
            NotificationIssue::NoEvents => Msg::WebhookEventsRequired,
            NotificationIssue::UnknownEventType => Msg::WebhookEventUnknown,
            NotificationIssue::UnknownLanguage => Msg::LanguageUnknown,
        })
    }
}

/// Which addresses outbound requests may reach besides the public internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reach {
    /// This machine, also over plain HTTP (demo mode: the demo and the tests receive there).
    pub loopback: bool,
    /// Private networks (an operator's own systems), over HTTPS.
    pub private: bool,
}

impl Reach {
    /// Whether a request may go to `ip`.
    pub fn allows(self, ip: IpAddr) -> bool {
        match classify(ip) {
            AddressClass::Public => true,
            AddressClass::Loopback => self.loopback,
            AddressClass::Private => self.private,
            AddressClass::Never => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddressClass {
    Public,
    Loopback,
    /// RFC 1918, unique-local, link-local, carrier-grade NAT: someone's own network.
    Private,
    /// Unspecified, broadcast, multicast, documentation, reserved: never a webhook receiver.
    Never,
}

fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return classify_v4(v4);
            }
            let s = v6.segments();
            let ipv4_compatible = s[..6].iter().all(|&x| x == 0);
            if v6.is_loopback() {
                AddressClass::Loopback
            } else if v6.is_unspecified()
                || v6.is_multicast()
                || ipv4_compatible
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                // Link-local and site-local: never a receiver (cloud metadata lives there).
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0
                // NAT64, 6to4 and Teredo carry an IPv4 address that could be anything.
                || (s[0] == 0x0064 && s[1] == 0xff9b)
                || s[0] == 0x2002
                || (s[0] == 0x2001 && s[1] == 0)
            {
                AddressClass::Never
            } else if (s[0] & 0xfe00) == 0xfc00 {
                AddressClass::Private
            } else {
                AddressClass::Public
            }
        }
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let [a, b, c, d] = ip.octets();
    if ip.is_loopback() {
        AddressClass::Loopback
    } else if ip.is_link_local() || [a, b, c, d] == [100, 100, 100, 200] {
        // 169.254/16 and a cloud's metadata address inside 100.64/10: never a receiver.
        AddressClass::Never
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        AddressClass::Private
    } else if a == 0
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a >= 240
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
    {
        AddressClass::Never
    } else {
        AddressClass::Public
    }
}

/// A webhook endpoint's URL that passed the checks: absolute, HTTPS (plain HTTP only to this
/// machine in demo mode), no credentials, and not an address outside `reach`. A host name is
/// checked again when it is resolved, at every delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub const MAX_LEN: usize = 2000;

    pub fn parse(raw: &str, reach: Reach) -> Result<WebhookUrl, NotificationIssue> {
        let raw = raw.trim();
        if raw.is_empty()
            || raw.len() > Self::MAX_LEN
            || raw.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(NotificationIssue::InvalidUrl);
        }
        let lower = raw.to_ascii_lowercase();
        let (https, rest) = if let Some(rest) = lower.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = lower.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(NotificationIssue::InvalidUrl);
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(NotificationIssue::CredentialsInUrl);
        }
        let host = host_of(authority).ok_or(NotificationIssue::InvalidUrl)?;
        let loopback_name = host == "localhost" || host.ends_with(".localhost");
        let class = match host.parse::<IpAddr>() {
            Ok(ip) => classify(ip),
            Err(_) if loopback_name => AddressClass::Loopback,
            Err(_) => {
                let valid = host.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                });
                // A name must have a dot: "intranet" would resolve inside the operator's network.
                // A last label of digits (or 0x…) makes URL parsers read the host as an IPv4
                // address in another notation (`127.1`, `0x7f.1`): refused, not guessed at.
                let last = host.rsplit('.').next().unwrap_or_default();
                let numeric = last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x");
                if !valid || !host.contains('.') || numeric {
                    return Err(NotificationIssue::InvalidUrl);
                }
                AddressClass::Public
            }
        };
        match class {
            AddressClass::Loopback if !reach.loopback => {
                return Err(NotificationIssue::PrivateAddress)
            }
            AddressClass::Private if !reach.private => {
                return Err(NotificationIssue::PrivateAddress)
            }
            AddressClass::Never => return Err(NotificationIssue::PrivateAddress),
            _ => {}
        }
        if !https && class != AddressClass::Loopback {
            return Err(NotificationIssue::HttpsRequired);
        }
        Ok(WebhookUrl(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The host of `host[:port]` (IPv6 in brackets), lower-case; `None` when malformed.
fn host_of(authority: &str) -> Option<&str> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        host.parse::<Ipv6Addr>().ok()?;
        return match after {
            "" => Some(host),
            port => port
                .strip_prefix(':')
                .filter(|p| valid_port(p))
                .map(|_| host),
        };
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if host.is_empty() || port.is_some_and(|p| !valid_port(p)) {
        return None;
    }
    Some(host.trim_end_matches('.'))
}

fn valid_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.parse::<u16>().is_ok_and(|p| p > 0)
}

/// The event types of a request: at least one, each one an endpoint can choose, no repeats.
pub fn check_event_types(types: &[EventType]) -> Result<Vec<EventType>, NotificationIssue> {
    if types.is_empty() {
        return Err(NotificationIssue::NoEvents);
    }
    let mut chosen: Vec<EventType> = Vec::new();
    for t in types {
        if !EventType::SUBSCRIBABLE.contains(t) {
            return Err(NotificationIssue::UnknownEventType);
        }
        if !chosen.contains(t) {
            chosen.push(t.clone());
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLIC: Reach = Reach {
        loopback: false,
        private: false,
    };
    const DEMO: Reach = Reach {
        loopback: true,
        private: false,
    };

    #[test]
    fn endpoints_are_https_on_public_addresses() {
        assert!(WebhookUrl::parse("https://hooks.example.com/csp?x=1", PUBLIC).is_ok());
        assert!(
            WebhookUrl::parse("https://203.0.113.9/x", PUBLIC).is_err(),
            "documentation range"
        );
        assert!(WebhookUrl::parse("https://8.8.8.8:8443/x", PUBLIC).is_ok());
        let err = |url: &str, reach| WebhookUrl::parse(url, reach).unwrap_err();
        assert_eq!(
            err("http://hooks.example.com/", PUBLIC),
            NotificationIssue::HttpsRequired
        );
        assert_eq!(
            err("ftp://hooks.example.com/", PUBLIC),
            NotificationIssue::InvalidUrl
        );
        assert_eq!(
            err("https://user:pw@hooks.example.com/", PUBLIC),
            NotificationIssue::CredentialsInUrl
        );
        assert_eq!(
            err("https://intranet/", PUBLIC),
            NotificationIssue::InvalidUrl
        );
        assert_eq!(
            err("https://hooks.example.com:99999/", PUBLIC),
            NotificationIssue::InvalidUrl
        );
        for private in [
            "https://10.1.2.3/",
            "https://192.168.0.10/",
            "https://172.16.5.4/",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://127.0.0.1/",
            "https://localhost:8080/",
            "https://[::1]/",
            "https://0.0.0.0/",
        ] {
            assert_eq!(
                err(private, PUBLIC),
                NotificationIssue::PrivateAddress,
                "{private}"
            );
        }
    }

    #[test]
    fn demo_mode_reaches_this_machine_over_plain_http_but_not_private_networks() {
        assert!(WebhookUrl::parse("http://127.0.0.1:9000/hook", DEMO).is_ok());
        assert!(WebhookUrl::parse("http://localhost:9000/hook", DEMO).is_ok());
        assert!(WebhookUrl::parse("http://[::1]:9000/hook", DEMO).is_ok());
        assert_eq!(
            WebhookUrl::parse("http://10.0.0.5/hook", DEMO).unwrap_err(),
            NotificationIssue::PrivateAddress
        );
        let operator = Reach {
            loopback: false,
            private: true,
        };
        assert!(WebhookUrl::parse("https://10.0.0.5/hook", operator).is_ok());
        assert_eq!(
            WebhookUrl::parse("http://10.0.0.5/hook", operator).unwrap_err(),
            NotificationIssue::HttpsRequired
        );
        assert!(!operator.allows("127.0.0.1".parse().unwrap()));
        for never in [
            "169.254.169.254",
            "100.100.100.200",
            "fe80::1",
            "fec0::1",
            "::10.0.0.1",
            "2001:0:4136::1",
        ] {
            assert!(!operator.allows(never.parse().unwrap()), "{never}");
        }
        assert!(!DEMO.allows("169.254.169.254".parse().unwrap()));
        assert!(PUBLIC.allows("93.184.216.34".parse().unwrap()));
    }

    #[test]
    fn retries_back_off_and_give_up_after_about_fourteen_hours() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.next_wait(1), Some(Duration::from_secs(30)));
        assert_eq!(policy.next_wait(2), Some(Duration::from_secs(60)));
        assert_eq!(policy.next_wait(11), Some(Duration::from_secs(6 * 3600)));
        assert_eq!(policy.next_wait(12), None);
        let total = policy.give_up_after();
        assert_eq!(total, Duration::from_secs(52_290), "about 14½ hours");
    }

    #[test]
    fn events_serialize_as_the_contract_says() {
        let event = Event {
            id: "0f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
            created_at: "2026-12-06T10:00:00Z".parse().unwrap(),
            data: EventData::WebhookTest(WebhookTest {
                webhook_id: "1f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
                sent_by: "owner@northwind.example".into(),
            }),
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], "webhook.test");
        assert_eq!(json["id"], "0f8fad5b-d9cb-469f-a165-70867728950e");
        assert_eq!(
            json["data"]["webhook_id"],
            "1f8fad5b-d9cb-469f-a165-70867728950e"
        );
        let back: Event = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);
    }

    #[test]
    fn event_types_are_checked_and_deduplicated() {
        assert_eq!(check_event_types(&[]), Err(NotificationIssue::NoEvents));
        assert_eq!(
            check_event_types(&[EventType::WebhookTest]),
            Err(NotificationIssue::UnknownEventType)
        );
        assert_eq!(
            check_event_types(&[EventType::parse("order.exploded")]),
            Err(NotificationIssue::UnknownEventType)
        );
        assert_eq!(
            check_event_types(&[EventType::OrderCreated, EventType::OrderCreated]).unwrap(),
            vec![EventType::OrderCreated]
        );
    }

    #[test]
    fn only_support_changes_mail_the_filer_and_optional_mails_name_their_switch() {
        let update = |by_support| {
            EventData::SupportRequestUpdated(SupportRequestUpdated {
                support_request_id: "0f8fad5b-d9cb-469f-a165-70867728950e".parse().unwrap(),
                number: 1,
                title: "t".into(),
                change: SupportChange::Comment,
                status: "new".into(),
                note: None,
                by_support,
                changed_by: "a@b.example".into(),
                created_by: "a@b.example".into(),
            })
        };
        assert_eq!(update(true).mail_audience(), Some(Audience::RequestFiler));
        assert_eq!(update(false).mail_audience(), Some(Audience::SupportQueue));
        assert_eq!(
            Audience::RequestFiler.preference(),
            Some(MailPreference::SupportUpdates)
        );
        assert_eq!(Audience::CustomerAdmins.preference(), None);
    }
}
