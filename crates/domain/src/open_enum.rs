//! Open enums: the values this build knows, plus `Unknown(String)` for values a newer server
//! may send (SPEC §10: clients must tolerate values they do not know). The UI shows an unknown
//! value as it was sent instead of failing.

/// `open_enum! { pub enum Status { Completed = "completed", … } }`
macro_rules! open_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this build does not know; shown as sent.
            Unknown(String),
        }

        impl $name {
            /// The values this build knows, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(raw) => raw,
                }
            }

            pub fn parse(raw: &str) -> $name {
                match raw {
                    $($wire => $name::$variant,)*
                    other => $name::Unknown(other.to_string()),
                }
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok($name::parse(&raw))
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),*]))
                    .description(Some("An open set: clients must tolerate values not listed here."))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    open_enum! {
        pub enum Colour {
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn known_values_round_trip_and_unknown_ones_are_kept() {
        assert_eq!(Colour::parse("dark_blue"), Colour::DarkBlue);
        assert_eq!(serde_json::to_string(&Colour::Red).unwrap(), "\"red\"");
        let later: Colour = serde_json::from_str("\"ultraviolet\"").unwrap();
        assert_eq!(later, Colour::Unknown("ultraviolet".into()));
        assert_eq!(later.as_str(), "ultraviolet");
        assert!(!later.is_known());
        assert_eq!(serde_json::to_string(&later).unwrap(), "\"ultraviolet\"");
        assert_eq!(Colour::KNOWN, &[Colour::Red, Colour::DarkBlue]);
    }
}
