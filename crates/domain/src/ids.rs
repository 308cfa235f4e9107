//! Identifiers. Every id of the API is a UUID; a value of one of these types has been checked
//! and is in canonical form (lower-case, hyphenated), so two spellings of one id compare equal
//! and an id of one kind cannot be passed where another kind is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a text is not an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdError;

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an id (expected a GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e)")
    }
}

impl std::error::Error for IdError {}

/// `raw` as a canonical GUID: 8-4-4-4-12 hex digits, case-blind, no braces.
pub fn canonical_guid(raw: &str) -> Result<String, IdError> {
    let raw = raw.trim();
    let bytes = raw.as_bytes();
    if bytes.len() != 36 {
        return Err(IdError);
    }
    for (i, b) in bytes.iter().enumerate() {
        let ok = match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        };
        if !ok {
            return Err(IdError);
        }
    }
    Ok(raw.to_ascii_lowercase())
}

macro_rules! guid_type {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                canonical_guid(raw).map($name)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(raw: String) -> Result<Self, IdError> {
                Self::parse(&raw)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(raw: &str) -> Result<Self, IdError> {
                Self::parse(raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .format(Some(utoipa::openapi::SchemaFormat::Custom("uuid".into())))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    )*};
}

guid_type! {
    /// A partner organisation (a reseller).
    PartnerId;
    /// A user of any kind.
    UserId;
    /// A customer of a partner.
    CustomerId;
    /// A customer's Microsoft Entra tenant (R-CUST-1).
    TenantId;
    /// One purchasable SKU and term of the catalog.
    OfferId;
    /// An order placed for a customer (R-BUY-2).
    OrderId;
    /// One keyed software purchase: a line of an order that has keys and downloads.
    PurchaseId;
    /// A download file of a purchase.
    FileId;
    /// A support request (R-SUP).
    SupportRequestId;
    /// A file attached to a support request.
    AttachmentId;
    /// An entry of a support request's history.
    SupportEventId;
    /// A cancellation of an order.
    CancellationId;
    /// A credit on an invoice.
    CreditId;
    /// An event of the notification outbox: the id a webhook receiver deduplicates by.
    EventId;
    /// A partner's webhook endpoint.
    WebhookId;
    /// One delivery of an event: an e-mail to one address, or a POST to one endpoint.
    DeliveryId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_accepted_in_any_case_and_stored_lower_case() {
        let id = CustomerId::parse(" 0F8FAD5B-D9CB-469F-A165-70867728950E ").unwrap();
        assert_eq!(id.as_str(), "0f8fad5b-d9cb-469f-a165-70867728950e");
        assert_eq!(
            id,
            CustomerId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap()
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for raw in [
            "",
            "123",
            "0f8fad5b-d9cb-469f-a165-70867728950",
            "0f8fad5b-d9cb-469f-a165-70867728950ex",
            "{0f8fad5b-d9cb-469f-a165-70867728950e}",
            "0f8fad5bxd9cb-469f-a165-70867728950e",
            "0f8fad5b-d9cb-469f-a165-70867728950g",
            "0f8fad5b-d9cb-469f-a165-70867728950\u{e9}",
            "../../etc/passwd",
        ] {
            assert_eq!(OrderId::parse(raw), Err(IdError), "{raw:?}");
        }
    }

    #[test]
    fn ids_travel_as_strings_and_are_checked_when_read() {
        let id = TenantId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"0f8fad5b-d9cb-469f-a165-70867728950e\"");
        assert_eq!(serde_json::from_str::<TenantId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<TenantId>("\"nope\"").is_err());
    }
}
