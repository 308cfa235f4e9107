//! The use cases: each opens the transaction its writes share and applies the domain's rules
//! to what the store reads in it. Routes call them; they know nothing of HTTP.

pub mod accounts;
pub mod cancelling;
pub mod customer_directory;
pub mod onboarding;
pub mod ordering;
pub mod reminding;
pub mod renewing;
pub mod sign_in_guard;
pub mod sso;
pub mod support_desk;
pub mod two_step;
pub mod uploads;
