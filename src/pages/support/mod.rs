//! Support requests (R-SUP): the list (a partner's own, or the support agents' queue across
//! partners), the form a partner files, and one request with its files, history, comments
//! and — for support agents — its status changes.

mod detail;
mod list;
mod new;

pub use detail::SupportRequestPage;
pub use list::SupportPage;
pub use new::NewSupportRequestPage;

use csp_domain::support::{Impact, ProblemType};
use csp_domain::SupportStatus;

use crate::i18n::{I18n, Msg};

/// Known statuses in words; statuses added later show their wire name.
pub fn status_label(i18n: I18n, status: &SupportStatus) -> String {
    match status.msg() {
        Some(key) => i18n.t(key).to_string(),
        None => status.as_str().to_string(),
    }
}

pub fn badge_tone(status: &SupportStatus) -> &'static str {
    match status {
        SupportStatus::New => "info",
        SupportStatus::InProgress => "warning",
        SupportStatus::Approved => "success",
        SupportStatus::Rejected => "danger",
        SupportStatus::Unknown(_) => "neutral",
    }
}

pub const PROBLEM_TYPES: [(&str, Msg); 3] = [
    ("csp_purchase_refund", Msg::ProblemRefund),
    ("billing", Msg::ProblemBilling),
    ("other", Msg::ProblemOther),
];

pub const IMPACTS: [(&str, Msg); 3] = [
    ("low", Msg::ImpactLow),
    ("medium", Msg::ImpactMedium),
    ("high", Msg::ImpactHigh),
];

pub const STATUSES: [(&str, Msg); 4] = [
    ("new", Msg::StatusNew),
    ("in_progress", Msg::StatusInProgress),
    ("approved", Msg::StatusApproved),
    ("rejected", Msg::StatusRejected),
];

pub fn problem_label(i18n: I18n, problem: &ProblemType) -> String {
    match problem.msg() {
        Some(key) => i18n.t(key).to_string(),
        None => problem.as_str().to_string(),
    }
}

pub fn impact_label(i18n: I18n, impact: &Impact) -> String {
    IMPACTS
        .iter()
        .find(|(v, _)| *v == impact.as_str())
        .map(|(_, m)| i18n.t(*m).to_string())
        .unwrap_or_else(|| impact.as_str().to_string())
}
