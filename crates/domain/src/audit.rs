//! The audit trail (SPEC §11 `GET /api/v1/audit-log`): every state-changing action, who did it,
//! to what, from where, in which request. Readable by the roles of R-ROLE-3 for their partner,
//! and by support leads for the support organisation's agents.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::open_enum::open_enum;

/// How long entries are kept unless the operator says otherwise (`AUDIT_RETENTION_DAYS`).
pub const DEFAULT_RETENTION_DAYS: u32 = 7 * 365;

/// The most entries one page of the API holds.
pub const MAX_PAGE_SIZE: u32 = 500;

open_enum! {
    /// What was done.
    pub enum AuditAction {
        SignedIn = "signed_in",
        SignInFailed = "sign_in_failed",
        OrderPlaced = "order_placed",
        CancellationRequested = "cancellation_requested",
        SupportRequestFiled = "support_request_filed",
        SupportRequestStatusChanged = "support_request_status_changed",
        SupportRequestCommented = "support_request_commented",
        CustomerAdded = "customer_added",
        CustomerChanged = "customer_changed",
        BillingProfileChanged = "billing_profile_changed",
        UserInvited = "user_invited",
        UserChanged = "user_changed",
        WebhookCreated = "webhook_created",
        WebhookChanged = "webhook_changed",
        WebhookDeleted = "webhook_deleted",
        IdentityProviderSet = "identity_provider_set",
        IdentityProviderRemoved = "identity_provider_removed",
        TwoStepPolicyChanged = "two_step_policy_changed",
        PasswordChanged = "password_changed",
        TwoStepEnabled = "two_step_enabled",
        TwoStepDisabled = "two_step_disabled",
        SessionsEnded = "sessions_ended",
        ProfileChanged = "profile_changed",
        ActivityLogExported = "activity_log_exported",
        AuditLogExported = "audit_log_exported",
        SignedOut = "signed_out",
        InvitationAccepted = "invitation_accepted",
        PasswordReset = "password_reset",
        CancellationCompleted = "cancellation_completed",
        AutoRenewChanged = "auto_renew_changed",
        SubscriptionRenewed = "subscription_renewed",
        SubscriptionExpired = "subscription_expired",
        OrdersExported = "orders_exported",
    }
}

/// One entry of the trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: String,
    /// When, UTC.
    pub at: DateTime<Utc>,
    /// `partner`, `customer` (a customer's user: in its partner's trail), `support`, `system`
    /// (the product's own background work, such as processing a cancellation) or — for a
    /// failed sign-in — `anonymous`.
    pub actor_kind: String,
    /// Who (as typed, for a failed sign-in).
    pub actor_email: String,
    pub action: AuditAction,
    /// What it was done to: `order`, `customer`, `user`, `support_request`, …
    pub target_type: String,
    pub target_id: String,
    /// The customer concerned, where there is one.
    pub customer_id: Option<String>,
    /// Before and after, where it applies (`roles: admin_agent -> global_admin`).
    pub detail: String,
    pub client_ip: String,
    /// The request's `X-Request-Id`, to find its log lines.
    pub request_id: String,
}

/// `GET /api/v1/audit-log`: newest first; `next_cursor` asks for the page after this one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditLogPage {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}
