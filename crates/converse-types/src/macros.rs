//! Declarative macros that generate the string enums and unions of the model.
//!
//! Every string enum and every union of the API model has the same shape and the same
//! forward-compatibility rules, so they are generated here instead of being written by hand
//! thirty times.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// A map key that borrows from the input when it can.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a union member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Generates a string enum with an `Unknown(String)` variant.
///
/// The first listed variant is the `Default`.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(#[$fmeta:meta])* $first:ident = $first_wire:literal,
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        ///
        /// Values this version of the crate does not know are kept in `Unknown` and serialize
        /// back unchanged. `Default` is the first value the API model lists.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        #[non_exhaustive]
        pub enum $name {
            $(#[$fmeta])*
            #[default]
            $first,
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know, kept verbatim.
            ///
            /// Should not be used as a request value unless the service documents it; match on
            /// [`Self::as_str`] to handle new values in a forward-compatible way.
            Unknown(String),
        }

        impl $name {
            /// Every value the API model lists for this enum, in model order.
            pub const VALUES: &'static [&'static str] = &[$first_wire $(, $wire)*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    Self::$first => $first_wire,
                    $( Self::$variant => $wire, )*
                    Self::Unknown(value) => value,
                }
            }

            /// Whether this value is one this version of the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $first_wire => Self::$first,
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct EnumVisitor;
                impl<'de> serde::de::Visitor<'de> for EnumVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                }
                deserializer.deserialize_str(EnumVisitor)
            }
        }
    };
}

/// Generates a Smithy union: an enum whose JSON form is an object with exactly one member.
///
/// Deserialization ignores members whose value is `null` and the `__type` key (as the
/// restJson1 protocol requires), keeps an unknown member in `Unknown`, and rejects an object
/// with no member or with more than one.
macro_rules! union_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        ///
        /// On the wire this is a JSON object with exactly one member. A member this version of
        /// the crate does not know is kept in `Unknown` and serializes back unchanged.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )+
            /// A member this version of the crate does not know, kept verbatim.
            Unknown {
                /// The member name on the wire.
                name: String,
                /// The member value, as received.
                value: serde_json::Value,
            },
        }

        impl $name {
            /// Every member name the API model lists for this union, in model order.
            pub const MEMBERS: &'static [&'static str] = &[$($wire),+];

            /// The name of the member that is set, as it appears on the wire.
            pub fn member_name(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $wire, )+
                    Self::Unknown { name, .. } => name,
                }
            }

            /// Whether the member that is set is one this version of the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown { .. })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(Some(1))?;
                match self {
                    $( Self::$variant(value) => map.serialize_entry($wire, value)?, )+
                    Self::Unknown { name, value } => map.serialize_entry(name, value)?,
                }
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct UnionVisitor;
                impl<'de> serde::de::Visitor<'de> for UnionVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " union (an object with one member)"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        let mut found: Option<$name> = None;
                        while let Some($crate::macros::Key(key)) = map.next_key()? {
                            let value = match key.as_ref() {
                                $( $wire => map.next_value::<Option<$ty>>()?.map($name::$variant), )+
                                "__type" => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                    None
                                }
                                _ => {
                                    let value: serde_json::Value = map.next_value()?;
                                    if value.is_null() {
                                        None
                                    } else {
                                        Some($name::Unknown { name: key.into_owned(), value })
                                    }
                                }
                            };
                            if let Some(value) = value {
                                if found.is_some() {
                                    return Err(serde::de::Error::custom(concat!(
                                        "more than one member set in union ",
                                        stringify!($name)
                                    )));
                                }
                                found = Some(value);
                            }
                        }
                        found.ok_or_else(|| {
                            serde::de::Error::custom(concat!("no member set in union ", stringify!($name)))
                        })
                    }
                }
                deserializer.deserialize_map(UnionVisitor)
            }
        }
    };
}
