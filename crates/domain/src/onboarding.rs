//! Onboarding a customer (Customers → Add customer): the company and its address, the primary
//! `<prefix>.onmicrosoft.com` domain, the customer's first admin, and the confirmation that the
//! customer accepted the Microsoft Customer Agreement; later edits of the company's details.
//! The rules are here once: the browser checks a form with them before sending it, the server
//! again when it arrives.

use chrono::{DateTime, Utc};
use csp_messages::Msg;
use serde::{Deserialize, Serialize};

use crate::customer::Customer;
use crate::email::Email;
use crate::error::{FieldCode, FieldErrors, FieldIssue, RequiredAs, Text};
use crate::market::Market;
use crate::money::Currency;
use crate::text;

/// The suffix of every customer's primary domain.
pub const DOMAIN_SUFFIX: &str = ".onmicrosoft.com";
/// The longest prefix of a primary domain.
pub const DOMAIN_PREFIX_MAX: usize = 27;
/// The longest company name.
pub const COMPANY_NAME_MAX: usize = 100;

/// A customer's primary domain, `<prefix>.onmicrosoft.com` in lower case: the prefix is 1 to 27
/// letters and digits (no dots, hyphens or spaces). People may type the prefix alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDomain(String);

/// Why a primary domain is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainIssue {
    Required,
    TooLong,
    /// Characters other than letters and digits, or another suffix than `.onmicrosoft.com`.
    Format,
    /// Another customer has it (of any partner).
    Taken,
}

impl FieldIssue for DomainIssue {
    fn code(&self) -> FieldCode {
        match self {
            DomainIssue::Required => FieldCode::Required,
            DomainIssue::TooLong => FieldCode::TooLong,
            DomainIssue::Format => FieldCode::InvalidCharacters,
            DomainIssue::Taken => FieldCode::Taken,
        }
    }

    fn text(&self) -> Text {
        match self {
            DomainIssue::Required => Text::new(Msg::FieldRequired),
            DomainIssue::TooLong | DomainIssue::Format => {
                Text::new(Msg::DomainRules).with("max", DOMAIN_PREFIX_MAX)
            }
            DomainIssue::Taken => Text::new(Msg::DomainTaken),
        }
    }
}

impl CustomerDomain {
    /// `contoso`, `Contoso.onmicrosoft.com` → `contoso.onmicrosoft.com`.
    pub fn parse(raw: &str) -> Result<CustomerDomain, DomainIssue> {
        let lower = raw.trim().to_ascii_lowercase();
        let prefix = lower.strip_suffix(DOMAIN_SUFFIX).unwrap_or(&lower);
        if prefix.is_empty() {
            return Err(if lower.is_empty() {
                DomainIssue::Required
            } else {
                DomainIssue::Format
            });
        }
        if !prefix.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(DomainIssue::Format);
        }
        if prefix.len() > DOMAIN_PREFIX_MAX {
            return Err(DomainIssue::TooLong);
        }
        Ok(CustomerDomain(format!("{prefix}{DOMAIN_SUFFIX}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A postal address as a form or request gives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    /// State, province or region, where the country has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub postal_code: String,
}

impl Address {
    /// The address trimmed, each part within its length; problems are recorded under
    /// `address.line1`, `address.city`, …
    pub fn check(&self, errors: &mut FieldErrors) -> Option<Address> {
        let optional = |raw: &Option<String>, field: &str, errors: &mut FieldErrors| match raw
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Some(None),
            Some(s) => errors.take(field, text::line(s, 100)).map(Some),
        };
        let line1 = errors.take("address.line1", text::line(&self.line1, 100));
        let line2 = optional(&self.line2, "address.line2", errors);
        let city = errors.take("address.city", text::line(&self.city, 60));
        let region = optional(&self.region, "address.region", errors);
        let postal_code = errors.take("address.postal_code", text::line(&self.postal_code, 20));
        Some(Address {
            line1: line1?,
            line2: line2?,
            city: city?,
            region: region?,
            postal_code: postal_code?,
        })
    }

    /// The address as lines, as an invoice or a page prints it.
    pub fn lines(&self) -> Vec<String> {
        let mut city = String::new();
        city += &self.postal_code;
        if !city.is_empty() {
            city.push(' ');
        }
        city += &self.city;
        if let Some(region) = &self.region {
            city += ", ";
            city += region;
        }
        [Some(self.line1.clone()), self.line2.clone(), Some(city)]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// A tax ID as businesses write them: letters, digits, spaces and `-./`, 2 to 32 characters.
fn check_tax_id(raw: Option<&str>) -> Result<Option<String>, TaxIdIssue> {
    let Some(id) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.' | '/');
    if id.chars().count() < 2 || id.chars().count() > 32 || !id.chars().all(allowed) {
        return Err(TaxIdIssue);
    }
    Ok(Some(id.to_ascii_uppercase()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxIdIssue;

impl FieldIssue for TaxIdIssue {
    fn code(&self) -> FieldCode {
        FieldCode::InvalidCharacters
    }
    fn text(&self) -> Text {
        Text::new(Msg::TaxIdRules)
    }
}

/// A market code that is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownMarket;

impl FieldIssue for UnknownMarket {
    fn code(&self) -> FieldCode {
        FieldCode::UnknownValue
    }
    fn text(&self) -> Text {
        Text::new(Msg::MarketUnknown)
    }
}

/// `POST /api/v1/customers` (SPEC §11), with an `Idempotency-Key` header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCustomerRequest {
    pub company_name: String,
    /// The full primary domain, `<prefix>.onmicrosoft.com` (the prefix alone is accepted).
    pub domain: String,
    /// ISO 3166 country code (or a subdivision listed on its own, e.g. `NO-21`); sets the
    /// currency the customer is billed in.
    pub market: String,
    pub address: Address,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    /// The customer's first admin, invited to the customer admin center.
    pub admin_name: String,
    pub admin_email: String,
    /// The partner confirms that the customer accepted the Microsoft Customer Agreement.
    pub agreement_accepted: bool,
}

/// A new customer that passed every rule but the availability of its domain and admin address.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    pub company_name: String,
    pub domain: CustomerDomain,
    pub market: Market,
    pub currency: Currency,
    pub address: Address,
    pub tax_id: Option<String>,
    pub admin_name: String,
    pub admin_email: Email,
}

impl NewCustomerRequest {
    /// Every field checked; the problems of all fields at once.
    pub fn check(&self) -> Result<NewCustomer, FieldErrors> {
        let mut errors = FieldErrors::new();
        let company_name = errors.take(
            "company_name",
            text::line(&self.company_name, COMPANY_NAME_MAX),
        );
        let domain = errors.take("domain", CustomerDomain::parse(&self.domain));
        let market = errors.take(
            "market",
            Market::parse(&self.market).map_err(|_| UnknownMarket),
        );
        let address = self.address.check(&mut errors);
        let tax_id = errors.take("tax_id", check_tax_id(self.tax_id.as_deref()));
        let admin_name = errors.take("admin_name", text::line(&self.admin_name, 100));
        let admin_email = errors.take("admin_email", Email::parse(&self.admin_email));
        if !self.agreement_accepted {
            errors.add("agreement_accepted", &RequiredAs(Msg::AgreementRequired));
        }
        match (
            company_name,
            domain,
            market,
            address,
            tax_id,
            admin_name,
            admin_email,
        ) {
            (
                Some(company_name),
                Some(domain),
                Some(market),
                Some(address),
                Some(tax_id),
                Some(admin_name),
                Some(admin_email),
            ) if errors.is_empty() => Ok(NewCustomer {
                company_name,
                domain,
                currency: market.billing_currency(),
                market,
                address,
                tax_id,
                admin_name,
                admin_email,
            }),
            _ => Err(errors),
        }
    }
}

/// `PATCH /api/v1/customers/{id}`: the company's details (never its tenant ID, domain or
/// market). Absent fields stay as they are; `tax_id` `""` removes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
}

/// An edit that passed the rules.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckedEdit {
    pub company_name: Option<String>,
    pub address: Option<Address>,
    /// `Some(None)`: remove the tax ID.
    pub tax_id: Option<Option<String>>,
}

impl CustomerEdit {
    pub fn check(&self) -> Result<CheckedEdit, FieldErrors> {
        let mut errors = FieldErrors::new();
        let company_name = self
            .company_name
            .as_deref()
            .map(|n| errors.take("company_name", text::line(n, COMPANY_NAME_MAX)));
        let address = self.address.as_ref().map(|a| a.check(&mut errors));
        let tax_id = self
            .tax_id
            .as_deref()
            .map(|t| errors.take("tax_id", check_tax_id(Some(t))));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CheckedEdit {
            company_name: company_name.flatten(),
            address: address.flatten(),
            tax_id: tax_id.flatten(),
        })
    }
}

/// Who accepted the Microsoft Customer Agreement for the customer, and when; who confirmed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementAcceptance {
    /// The customer's person who accepted it (their first admin).
    pub accepted_by_name: String,
    pub accepted_by_email: String,
    pub accepted_at: DateTime<Utc>,
    /// The partner user who confirmed the acceptance when adding the customer.
    pub confirmed_by: String,
}

/// A change of a customer's details: who, when, which field, from what to what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerChange {
    pub at: DateTime<Utc>,
    pub by: String,
    /// `created`, `company_name`, `address` or `tax_id`.
    pub field: String,
    pub from: Option<String>,
    pub to: String,
}

/// `GET /api/v1/customers/{id}`: the customer and its company's details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerDetails {
    #[serde(flatten)]
    pub customer: Customer,
    /// Customers added before addresses were kept have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementAcceptance>,
    /// Changes of the details, newest first (partner users only).
    #[serde(default)]
    pub changes: Vec<CustomerChange>,
}

/// The answer to `POST /api/v1/customers`: the customer, and the invitation of its first admin
/// (the one-time link is also mailed when mail is configured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerCreated {
    #[serde(flatten)]
    pub customer: Customer,
    /// Absent on a replay (the same `Idempotency-Key` and body again): the one-time link was in
    /// the first answer and in the admin's mail, and is never stored to be shown again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<crate::account::UserInvited>,
}

/// `GET /api/v1/domain-availability?domain=`: whether a primary domain is free.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DomainAvailability {
    /// The domain as it would be stored, `<prefix>.onmicrosoft.com`.
    pub domain: String,
    pub available: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> NewCustomerRequest {
        NewCustomerRequest {
            company_name: " Litware Inc ".into(),
            domain: "Litware".into(),
            market: "de".into(),
            address: Address {
                line1: "Hauptstraße 1".into(),
                line2: Some("  ".into()),
                city: "Berlin".into(),
                region: None,
                postal_code: "10115".into(),
            },
            tax_id: Some("de 123456789".into()),
            admin_name: "Ada Admin".into(),
            admin_email: "Ada@Litware.example".into(),
            agreement_accepted: true,
        }
    }

    #[test]
    fn a_complete_request_is_read_with_its_market_currency() {
        let new = request().check().unwrap();
        assert_eq!(new.company_name, "Litware Inc");
        assert_eq!(new.domain.as_str(), "litware.onmicrosoft.com");
        assert_eq!(new.currency, Currency::EUR);
        assert_eq!(new.address.line2, None);
        assert_eq!(new.tax_id.as_deref(), Some("DE 123456789"));
        assert_eq!(new.admin_email.as_str(), "ada@litware.example");
        assert_eq!(
            new.address.lines(),
            vec!["Hauptstraße 1".to_string(), "10115 Berlin".to_string()]
        );
    }

    #[test]
    fn every_refused_field_is_named_at_once() {
        let mut bad = request();
        bad.company_name = " ".into();
        bad.domain = "lit-ware".into();
        bad.market = "ZZ".into();
        bad.address.city = String::new();
        bad.tax_id = Some("<script>".into());
        bad.admin_email = "nobody".into();
        bad.agreement_accepted = false;
        let errors = bad.check().unwrap_err();
        for field in [
            "company_name",
            "domain",
            "market",
            "address.city",
            "tax_id",
            "admin_email",
            "agreement_accepted",
        ] {
            assert!(errors.contains(field), "{field}");
        }
        assert!(!errors.contains("address.line1"));
    }

    #[test]
    fn primary_domains_are_letters_and_digits_on_onmicrosoft_com() {
        let ok = |s: &str| CustomerDomain::parse(s).map(|d| d.as_str().to_string());
        assert_eq!(ok("contoso2"), Ok("contoso2.onmicrosoft.com".into()));
        assert_eq!(
            ok(" CONTOSO.onmicrosoft.com "),
            Ok("contoso.onmicrosoft.com".into())
        );
        assert_eq!(ok(""), Err(DomainIssue::Required));
        assert_eq!(ok(".onmicrosoft.com"), Err(DomainIssue::Format));
        assert_eq!(ok("contoso.com"), Err(DomainIssue::Format));
        assert_eq!(ok("con toso"), Err(DomainIssue::Format));
        assert_eq!(ok("contosö"), Err(DomainIssue::Format));
        assert_eq!(
            ok(&"a".repeat(27)),
            Ok(format!("{}.onmicrosoft.com", "a".repeat(27)))
        );
        assert_eq!(ok(&"a".repeat(28)), Err(DomainIssue::TooLong));
    }

    #[test]
    fn edits_leave_out_what_is_absent_and_remove_a_tax_id_given_empty() {
        let edit = CustomerEdit {
            company_name: None,
            address: None,
            tax_id: Some(String::new()),
        };
        assert_eq!(
            edit.check().unwrap(),
            CheckedEdit {
                tax_id: Some(None),
                ..CheckedEdit::default()
            }
        );
        let bad = CustomerEdit {
            company_name: Some("\u{0}".into()),
            ..CustomerEdit::default()
        };
        assert!(bad.check().unwrap_err().contains("company_name"));
    }
}
