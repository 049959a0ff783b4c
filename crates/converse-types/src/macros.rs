//! Declarative macros that generate the string enums, the unions and the structure
//! deserializers of the model.
//!
//! Every string enum and every union of the API model has the same shape and the same
//! forward-compatibility rules, so they are generated here instead of being written by hand
//! thirty times. Structures derive `Serialize` but get their `Deserialize` from
//! [`struct_deserialize!`]: serde's derive would also accept a structure written as a JSON array
//! and give every structure its own field-identifier type, code that is compiled for every
//! structure and that Bedrock never needs.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

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

/// A structure member name, read as its index in the structure's table of wire names.
///
/// One seed type for every structure, so that the deserializer's key-reading code is compiled
/// once; the name is looked up by [`member_index`], also compiled once. A name that is not in
/// the table reads as `usize::MAX`.
pub(crate) struct MemberSeed(pub(crate) &'static [(&'static str, usize)]);

impl<'de> de::DeserializeSeed<'de> for MemberSeed {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MemberSeed {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        Ok(member_index(self.0, v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
        Ok(std::str::from_utf8(v).map_or(usize::MAX, |v| member_index(self.0, v)))
    }
}

/// The index of a member name in a structure's table of wire names and aliases, or
/// `usize::MAX` for a name the structure does not have.
fn member_index(keys: &[(&str, usize)], name: &str) -> usize {
    keys.iter()
        .find(|(key, _)| *key == name)
        .map_or(usize::MAX, |&(_, index)| index)
}

/// Records that the member `index` of a structure was read, failing with serde's
/// `duplicate field` error (naming the member by `names[index]`) if it already was.
///
/// `seen` holds one bit per member; [`struct_deserialize!`] checks at compile time that a
/// structure has at most 64. Indices past the table (unknown members) are not recorded.
pub(crate) fn mark_member<E: de::Error>(
    seen: &mut u64,
    index: usize,
    names: &[&'static str],
) -> Result<(), E> {
    if index < names.len() {
        let bit = 1u64 << index;
        if *seen & bit != 0 {
            return Err(E::duplicate_field(names[index]));
        }
        *seen |= bit;
    }
    Ok(())
}

/// Reads a member's value in place: one seed type per member type, shared by every structure,
/// so that a structure's visitor reads each member with a single call.
///
/// Not inlined, like [`check_absent`]: each member type's deserializer then stays out of the
/// visitors of the structures that have it, which measurably shortens the crate's release build.
pub(crate) struct Place<'a, T>(pub(crate) &'a mut T);

impl<'de, T: serde::Deserialize<'de>> de::DeserializeSeed<'de> for Place<'_, T> {
    type Value = ();

    #[inline(never)]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        *self.0 = T::deserialize(deserializer)?;
        Ok(())
    }
}

/// Whether a member of this type may be absent: yes (and it reads as `None`) for an `Option`,
/// otherwise serde's `missing field` error, as with `#[derive(Deserialize)]`.
///
/// The member's type is inferred from the reference, so the macro does not need to know which
/// members are optional. Compiled once per member type rather than once per member.
#[inline(never)]
pub(crate) fn check_absent<'de, T: serde::Deserialize<'de>, E: de::Error>(
    _member: &T,
    name: &'static str,
) -> Result<(), E> {
    T::deserialize(MissingField(name, PhantomData)).map(drop)
}

/// A deserializer for an absent member: `None` for an `Option`, `missing_field` for the rest.
struct MissingField<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for MissingField<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Generates `Deserialize` for a structure from its members' wire names.
///
/// ```text
/// struct_deserialize! {
///     Name {
///         member: "wireName",
///         other: "other" | "Alias",
///     }
///     default { skipped_member }
/// }
/// ```
///
/// Members under `default` are not read (`#[serde(skip)]`). The structure must implement
/// `Default` with every `Option` member `None` (the derive does): the members are read into a
/// default value in place.
///
/// The semantics are those of `#[derive(Deserialize)]` for a structure read from a JSON object:
/// unknown members are ignored, a member given twice is a `duplicate field` error (named by its
/// first wire name, also when it came under an alias), an absent or `null` `Option` member is
/// `None`, an absent required member is a `missing field` error (the first one in declaration
/// order) and a skipped member is `Default::default()`. Unlike the derive, a JSON array is not
/// accepted as a structure.
///
/// The code is shaped for compile time, because it is compiled once per structure for every
/// deserializer: keys are read with the shared [`MemberSeed`] and duplicates caught by
/// [`mark_member`]; values are read in place with the per-type [`Place`] and absent members
/// checked by the per-type [`check_absent`]; and the visitor only holds `&mut` the structure
/// and returns `()`, so that neither it nor the deserializer's `deserialize_map` moves or drops
/// the structure.
macro_rules! struct_deserialize {
    (
        $name:ident {
            $( $field:ident : $wire:literal $( | $alias:literal )* ),* $(,)?
        }
        $( default { $( $skip:ident ),* $(,)? } )?
    ) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct StructVisitor<'a>(&'a mut $name);
                impl<'de> serde::de::Visitor<'de> for StructVisitor<'_> {
                    type Value = ();
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    #[allow(unused_mut, unused_variables)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                        #[allow(non_camel_case_types, dead_code)]
                        enum Member { $( $field, )* }
                        const NAMES: &[&str] = &[$( $wire ),*];
                        const KEYS: &[(&str, usize)] = &[
                            $( ($wire, Member::$field as usize), $( ($alias, Member::$field as usize), )* )*
                        ];
                        const _: () = assert!(NAMES.len() <= 64);
                        let value = self.0;
                        let mut seen = 0u64;
                        while let Some(index) = map.next_key_seed($crate::macros::MemberSeed(KEYS))? {
                            $crate::macros::mark_member(&mut seen, index, NAMES)?;
                            $(
                                if index == Member::$field as usize {
                                    map.next_value_seed($crate::macros::Place(&mut value.$field))?;
                                    continue;
                                }
                            )*
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                        $(
                            if seen & (1 << Member::$field as usize) == 0 {
                                $crate::macros::check_absent(&value.$field, $wire)?;
                            }
                        )*
                        Ok(())
                    }
                }
                let mut value = <$name as Default>::default();
                deserializer.deserialize_map(StructVisitor(&mut value))?;
                Ok(value)
            }
        }
    };
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

#[cfg(test)]
mod tests {
    //! `struct_deserialize!` against serde's derive for the same structure.

    use serde::Deserialize;

    /// A structure with every kind of member the model uses.
    #[derive(Debug, Clone, PartialEq, Default)]
    struct Lean {
        required: String,
        count: Option<u32>,
        r#type: Option<String>,
        message: Option<String>,
        nested: Option<Vec<Lean>>,
        skipped: String,
    }

    struct_deserialize! {
        Lean {
            required: "required",
            count: "count",
            r#type: "type",
            message: "message" | "Message",
            nested: "nested",
        }
        default { skipped }
    }

    /// The same structure with serde's derive, as the crate had it.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Derived {
        required: String,
        count: Option<u32>,
        #[serde(rename = "type")]
        r#type: Option<String>,
        #[serde(alias = "Message")]
        message: Option<String>,
        nested: Option<Vec<Derived>>,
        #[serde(skip)]
        skipped: String,
    }

    impl From<Derived> for Lean {
        fn from(d: Derived) -> Self {
            Lean {
                required: d.required,
                count: d.count,
                r#type: d.r#type,
                message: d.message,
                nested: d.nested.map(|n| n.into_iter().map(Lean::from).collect()),
                skipped: d.skipped,
            }
        }
    }

    /// Reads `json` both ways (from bytes, from a `&str` and from a `Value` where it is one) and
    /// checks that the results, or the error messages, are the same.
    fn same(json: &str) -> Result<Lean, String> {
        let lean = serde_json::from_slice::<Lean>(json.as_bytes()).map_err(|e| e.to_string());
        let derived = serde_json::from_slice::<Derived>(json.as_bytes())
            .map(Lean::from)
            .map_err(|e| e.to_string().replace("Derived", "Lean"));
        assert_eq!(lean, derived, "{json}");
        let from_str = serde_json::from_str::<Lean>(json).map_err(|e| e.to_string());
        assert_eq!(from_str, lean, "{json} (from_str)");
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(json) {
            let lean = serde_json::from_value::<Lean>(value.clone()).map_err(|e| e.to_string());
            let derived = serde_json::from_value::<Derived>(value)
                .map(Lean::from)
                .map_err(|e| e.to_string().replace("Derived", "Lean"));
            assert_eq!(lean, derived, "{json} (from_value)");
        }
        lean
    }

    #[test]
    fn members_are_read_by_wire_name() {
        let lean = same(
            r#"{"required":"r","count":3,"type":"t","message":"m","nested":[{"required":"n"}]}"#,
        );
        assert_eq!(
            lean.unwrap(),
            Lean {
                required: "r".into(),
                count: Some(3),
                r#type: Some("t".into()),
                message: Some("m".into()),
                nested: Some(vec![Lean {
                    required: "n".into(),
                    ..Lean::default()
                }]),
                skipped: String::new(),
            }
        );
        // An escaped key is not borrowed from the input (`visit_str`, not `visit_borrowed_str`).
        assert_eq!(same(r#"{"requ\u0069red":"r"}"#).unwrap().required, "r");
    }

    #[test]
    fn unknown_members_are_ignored() {
        let lean = same(r#"{"zzz":{"a":[1,2,{"b":null}]},"required":"r","__type":"x","Count":9}"#);
        assert_eq!(
            lean.unwrap(),
            Lean {
                required: "r".into(),
                ..Lean::default()
            }
        );
    }

    #[test]
    fn absent_and_null_options_are_none() {
        let lean = same(r#"{"required":"r","count":null,"type":null}"#).unwrap();
        assert_eq!(
            (lean.count, lean.r#type, lean.message, lean.nested),
            (None, None, None, None)
        );
    }

    #[test]
    fn an_alias_is_read_as_its_member() {
        assert_eq!(
            same(r#"{"required":"r","Message":"m"}"#)
                .unwrap()
                .message
                .as_deref(),
            Some("m")
        );
    }

    #[test]
    fn a_skipped_member_is_default_even_when_sent() {
        assert_eq!(
            same(r#"{"required":"r","skipped":"s"}"#).unwrap().skipped,
            ""
        );
    }

    #[test]
    fn a_member_given_twice_is_serdes_duplicate_field_error() {
        let error = same(r#"{"required":"r","count":1,"count":2}"#).unwrap_err();
        assert!(error.starts_with("duplicate field `count`"), "{error}");
        // Also under an alias, named by the first wire name; and after a null.
        let error = same(r#"{"required":"r","message":"a","Message":"b"}"#).unwrap_err();
        assert!(error.starts_with("duplicate field `message`"), "{error}");
        let error = same(r#"{"type":null,"required":"r","type":"t"}"#).unwrap_err();
        assert!(error.starts_with("duplicate field `type`"), "{error}");
    }

    #[test]
    fn an_absent_required_member_is_serdes_missing_field_error() {
        let error = same(r#"{"count":1}"#).unwrap_err();
        assert!(error.starts_with("missing field `required`"), "{error}");
        let error = same(r#"{"nested":[{"count":1}],"required":"r"}"#).unwrap_err();
        assert!(error.starts_with("missing field `required`"), "{error}");
    }

    #[test]
    fn errors_in_values_and_shapes_match_the_derive() {
        for json in [
            r#"{"required":1}"#,
            r#"{"required":"r","count":"3"}"#,
            r#"{"required":"r","count":-1}"#,
            r#"{"required":"r","nested":{}}"#,
            r#"{"required":"r""#,
            r#"{"required":"r",}"#,
            r#""required""#,
            "null",
            "",
        ] {
            assert!(same(json).is_err(), "{json}");
        }
    }

    #[test]
    fn an_array_is_not_a_structure() {
        // serde's derive would read `["r"]` as the members in order; Bedrock never sends that.
        let error = serde_json::from_str::<Lean>(r#"["r",null,null,null,null]"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid type: sequence, expected struct Lean"),
            "{error}"
        );
        assert!(serde_json::from_str::<Derived>(r#"["r",null,null,null,null]"#).is_ok());
    }

    #[test]
    fn exceptions_read_message_and_its_alias() {
        let e: crate::ThrottlingException =
            serde_json::from_str(r#"{"Message":"slow down"}"#).unwrap();
        assert_eq!(e.message.as_deref(), Some("slow down"));
        let e: crate::ThrottlingException = serde_json::from_str("{}").unwrap();
        assert_eq!(e.message, None);
    }
}
