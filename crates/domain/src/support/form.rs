//! The form a partner files (R-SUP-2…4): the same checks in the app and the server; whether
//! the customer and order are the partner's own, the server finds out (`ResolveIssue`).

use serde::{Deserialize, Serialize};

use super::{Impact, ProblemType};
use crate::email::Email;
use crate::error::{FieldCode, FieldErrors, FieldIssue, Required, Text};
use crate::ids::OrderId;
use crate::money::{Amount, Currency, Money};
use crate::text::{self, TextError};
use csp_messages::Msg;

/// Limits of a request's text fields.
pub const MAX_TITLE: usize = 120;
pub const MAX_REASON: usize = 2000;
pub const MAX_NAME: usize = 100;
pub const MAX_PHONE: usize = 30;

/// The text fields of `POST /api/v1/support-requests` as sent (multipart form fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportForm {
    pub problem_type: String,
    pub impact: String,
    pub title: String,
    /// The customer's tenant ID or primary domain.
    pub customer: String,
    /// The order ID (or subscription ID) the request is about.
    pub order_id: String,
    pub refund_reason: String,
    /// A decimal string in the order's currency, e.g. `"1234.56"`.
    pub amount_requested: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

/// A form whose fields are all well formed. Whether the customer and the order are the
/// partner's, and the amount within what was paid, the server checks against its data.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedForm {
    pub problem_type: ProblemType,
    pub impact: Impact,
    pub title: String,
    /// Refund requests name a customer, an order, a reason and an amount (R-SUP-3).
    pub customer: Option<String>,
    pub order_id: Option<OrderId>,
    pub refund_reason: Option<String>,
    /// Checked as a decimal here; against the order's currency by the server.
    pub amount_requested: Option<Amount>,
    pub contact_name: String,
    pub contact_email: Email,
    pub contact_phone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormIssue {
    Choose,
    InvalidOrderId,
    InvalidPhone,
    NotPositive,
}

impl FieldIssue for FormIssue {
    fn code(&self) -> FieldCode {
        match self {
            FormIssue::Choose => FieldCode::Required,
            FormIssue::InvalidOrderId => FieldCode::InvalidOrderId,
            FormIssue::InvalidPhone => FieldCode::InvalidPhone,
            FormIssue::NotPositive => FieldCode::NotPositive,
        }
    }

    fn text(&self) -> Text {
        Text::new(match self {
            FormIssue::Choose => Msg::FieldChoose,
            FormIssue::InvalidOrderId => Msg::FieldInvalidOrderId,
            FormIssue::InvalidPhone => Msg::FieldInvalidPhone,
            FormIssue::NotPositive => Msg::FieldNotPositive,
        })
    }
}

fn phone(raw: &str) -> Result<String, FieldErrorKind> {
    let value = text::line(raw, MAX_PHONE).map_err(FieldErrorKind::Text)?;
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if digits >= 6
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./".contains(c))
    {
        Ok(value)
    } else {
        Err(FieldErrorKind::Form(FormIssue::InvalidPhone))
    }
}

enum FieldErrorKind {
    Text(TextError),
    Form(FormIssue),
}

impl SupportForm {
    /// The checks of R-SUP-2…4, the same in the form and in the server.
    pub fn check(&self) -> Result<CheckedForm, FieldErrors> {
        let mut errors = FieldErrors::new();
        let known = |raw: &str| !raw.trim().is_empty();
        let problem_type = ProblemType::parse(self.problem_type.trim());
        if !problem_type.is_known() {
            errors.add("problem_type", &FormIssue::Choose);
        }
        let impact = Impact::parse(self.impact.trim());
        if !impact.is_known() {
            errors.add("impact", &FormIssue::Choose);
        }
        let title = errors.take("title", text::line(&self.title, MAX_TITLE));
        let refund = problem_type == ProblemType::CspPurchaseRefund;
        let optional_line = |raw: &str, max| {
            if known(raw) || refund {
                Some(text::line(raw, max))
            } else {
                None
            }
        };
        let customer = match optional_line(&self.customer, 254) {
            Some(r) => errors.take("customer", r),
            None => None,
        };
        let order_id = if known(&self.order_id) || refund {
            match OrderId::parse(&self.order_id) {
                Ok(id) => Some(id),
                Err(_) if !known(&self.order_id) => {
                    errors.add("order_id", &Required);
                    None
                }
                Err(_) => {
                    errors.add("order_id", &FormIssue::InvalidOrderId);
                    None
                }
            }
        } else {
            None
        };
        let refund_reason = if known(&self.refund_reason) || refund {
            errors.take(
                "refund_reason",
                text::paragraphs(&self.refund_reason, MAX_REASON),
            )
        } else {
            None
        };
        let amount_requested = if known(&self.amount_requested) || refund {
            if !known(&self.amount_requested) {
                errors.add("amount_requested", &Required);
                None
            } else {
                match Amount::try_from(self.amount_requested.trim().to_string()) {
                    Ok(a)
                        if a.to_money(Currency::parse("KWD").expect("KWD"))
                            .is_ok_and(|m| m.minor() > 0) =>
                    {
                        Some(a)
                    }
                    Ok(_) => {
                        errors.add("amount_requested", &FormIssue::NotPositive);
                        None
                    }
                    Err(e) => {
                        errors.add("amount_requested", &e);
                        None
                    }
                }
            }
        } else {
            None
        };
        let contact_name = errors.take("contact_name", text::line(&self.contact_name, MAX_NAME));
        let contact_email = errors.take("contact_email", Email::parse(&self.contact_email));
        let contact_phone = match phone(&self.contact_phone) {
            Ok(p) => Some(p),
            Err(FieldErrorKind::Text(e)) => {
                errors.add("contact_phone", &e);
                None
            }
            Err(FieldErrorKind::Form(e)) => {
                errors.add("contact_phone", &e);
                None
            }
        };
        errors.finish(|| {
            Some(CheckedForm {
                problem_type,
                impact,
                title: title?,
                customer,
                order_id,
                refund_reason,
                amount_requested,
                contact_name: contact_name?,
                contact_email: contact_email?,
                contact_phone: contact_phone?,
            })
        })
    }
}

/// What the server finds when it checks a form against its data: the customer and the order
/// must be the partner's own, and the amount at most what can still be refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveIssue {
    UnknownCustomer,
    UnknownOrder,
    OtherCustomersOrder,
    /// An amount without an order has no currency.
    NeedsOrder,
    /// More than was paid less earlier credits (that maximum).
    AbovePaid(Money),
}

impl FieldIssue for ResolveIssue {
    fn code(&self) -> FieldCode {
        match self {
            ResolveIssue::UnknownCustomer => FieldCode::UnknownCustomer,
            ResolveIssue::UnknownOrder => FieldCode::UnknownOrder,
            ResolveIssue::OtherCustomersOrder => FieldCode::OtherCustomersOrder,
            ResolveIssue::NeedsOrder => FieldCode::NeedsOrder,
            ResolveIssue::AbovePaid(_) => FieldCode::AbovePaid,
        }
    }

    fn text(&self) -> Text {
        match self {
            ResolveIssue::UnknownCustomer => Text::new(Msg::FieldUnknownCustomer),
            ResolveIssue::UnknownOrder => Text::new(Msg::FieldUnknownOrder),
            ResolveIssue::OtherCustomersOrder => Text::new(Msg::FieldOtherCustomersOrder),
            ResolveIssue::NeedsOrder => Text::new(Msg::FieldNeedsOrder),
            ResolveIssue::AbovePaid(max) => Text::new(Msg::FieldAbovePaidMax).with("max", max),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refund() -> SupportForm {
        SupportForm {
            problem_type: "csp_purchase_refund".into(),
            impact: "high".into(),
            title: "Refund for a cancelled SQL Server order".into(),
            customer: "contoso.onmicrosoft.com".into(),
            order_id: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
            refund_reason: "Bought the wrong edition.".into(),
            amount_requested: "29263.68".into(),
            contact_name: "Avery Agent".into(),
            contact_email: "avery@northwind.example".into(),
            contact_phone: "+1 (425) 555-0100".into(),
        }
    }

    #[test]
    fn a_complete_refund_request_passes() {
        let checked = refund().check().unwrap();
        assert_eq!(checked.problem_type, ProblemType::CspPurchaseRefund);
        assert_eq!(checked.amount_requested.unwrap().as_str(), "29263.68");
    }

    #[test]
    fn refund_requests_need_customer_order_reason_and_amount() {
        let empty = SupportForm {
            problem_type: "csp_purchase_refund".into(),
            ..SupportForm::default()
        };
        let errors = empty.check().unwrap_err();
        for field in [
            "impact",
            "title",
            "customer",
            "order_id",
            "refund_reason",
            "amount_requested",
            "contact_name",
            "contact_email",
            "contact_phone",
        ] {
            assert!(errors.contains(field), "{field}");
        }
        let other = SupportForm {
            problem_type: "other".into(),
            ..refund()
        };
        let other = SupportForm {
            customer: String::new(),
            order_id: String::new(),
            refund_reason: String::new(),
            amount_requested: String::new(),
            ..other
        };
        assert!(other.check().is_ok(), "other problems need no order");
    }

    #[test]
    fn each_field_is_checked() {
        let bad = SupportForm {
            problem_type: "made_up".into(),
            impact: "urgent".into(),
            order_id: "1234".into(),
            amount_requested: "-5".into(),
            contact_email: "nobody".into(),
            contact_phone: "call me".into(),
            title: "x".repeat(121),
            ..refund()
        };
        let errors = bad.check().unwrap_err();
        assert_eq!(errors.code("problem_type"), Some(FieldCode::Required));
        assert_eq!(errors.code("impact"), Some(FieldCode::Required));
        assert_eq!(errors.code("order_id"), Some(FieldCode::InvalidOrderId));
        assert_eq!(
            errors.code("amount_requested"),
            Some(FieldCode::NotPositive)
        );
        assert_eq!(errors.code("contact_email"), Some(FieldCode::InvalidEmail));
        assert_eq!(errors.code("contact_phone"), Some(FieldCode::InvalidPhone));
        assert_eq!(errors.code("title"), Some(FieldCode::TooLong));
        let zero = SupportForm {
            amount_requested: "0.00".into(),
            ..refund()
        };
        assert_eq!(
            zero.check().unwrap_err().code("amount_requested"),
            Some(FieldCode::NotPositive)
        );
        let words = SupportForm {
            amount_requested: "lots".into(),
            ..refund()
        };
        assert_eq!(
            words.check().unwrap_err().code("amount_requested"),
            Some(FieldCode::InvalidAmount)
        );
    }
}
