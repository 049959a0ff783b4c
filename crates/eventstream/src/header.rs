//! Headers: [`ByteStr`], [`HeaderValue`] and [`Header`].

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::str::Utf8Error;

use bytes::Bytes;

/// Strings up to this many bytes are stored inline, without a heap allocation or
/// a reference count.
pub(crate) const INLINE_CAP: usize = 30;

/// An immutable, cheaply cloned UTF-8 string.
///
/// Header names and string values use it. Decoding stores short strings (up to
/// 30 bytes, which covers Bedrock's `:event-type`, `:content-type` and
/// `:message-type` names and their values) inline, and longer ones as a
/// [`Bytes`] slice of the received frame, so decoding a header allocates
/// nothing. The contents are checked to be UTF-8 when a `ByteStr` is made, and
/// it derefs to [`str`].
///
/// ```
/// use eventstream::ByteStr;
///
/// let s = ByteStr::from_static(":event-type");
/// assert_eq!(s, ":event-type");
/// assert!(s.starts_with(':'));
/// ```
#[derive(Clone)]
pub struct ByteStr(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Inline { len: u8, buf: [u8; INLINE_CAP] },
    Shared(Bytes),
}

impl ByteStr {
    /// Wraps a static string without copying it.
    pub const fn from_static(s: &'static str) -> Self {
        ByteStr(Repr::Static(s))
    }

    /// Copies `s` into a new `ByteStr` (inline if it is short).
    pub fn copy_from_str(s: &str) -> Self {
        ByteStr::inline(s.as_bytes())
            .unwrap_or_else(|| ByteStr(Repr::Shared(Bytes::copy_from_slice(s.as_bytes()))))
    }

    /// Wraps `bytes` after checking that they are UTF-8.
    ///
    /// # Errors
    ///
    /// Returns the [`Utf8Error`] if `bytes` is not valid UTF-8.
    pub fn from_utf8(bytes: Bytes) -> Result<Self, Utf8Error> {
        std::str::from_utf8(&bytes)?;
        Ok(ByteStr(Repr::Shared(bytes)))
    }

    /// Wraps bytes already checked to be UTF-8.
    pub(crate) fn from_checked_bytes(bytes: Bytes) -> Self {
        ByteStr(Repr::Shared(bytes))
    }

    /// Copies the first `len` bytes of `src`, already checked to be UTF-8,
    /// inline if they fit. When `src` has at least [`INLINE_CAP`] bytes, a
    /// fixed-size copy is used (no `memcpy` call); the bytes past `len` are
    /// never read.
    #[inline]
    pub(crate) fn inline_prefix(src: &[u8], len: usize) -> Option<Self> {
        if len > INLINE_CAP {
            return None;
        }
        match src.first_chunk::<INLINE_CAP>() {
            Some(chunk) => Some(ByteStr(Repr::Inline {
                len: len as u8,
                buf: *chunk,
            })),
            None => ByteStr::inline(src.get(..len)?),
        }
    }

    /// Copies bytes already checked to be UTF-8 inline, if they fit.
    #[inline]
    pub(crate) fn inline(bytes: &[u8]) -> Option<Self> {
        let mut buf = [0u8; INLINE_CAP];
        buf.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(ByteStr(Repr::Inline {
            // At most INLINE_CAP, so it fits in a u8.
            len: bytes.len() as u8,
            buf,
        }))
    }

    /// The string.
    ///
    /// Static strings are returned as they are; others are re-checked as
    /// UTF-8 on each call (this crate has no `unsafe`), which takes a few
    /// nanoseconds for a short name.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            // Every constructor checks UTF-8, so the fallback is never taken.
            _ => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
        }
    }

    /// The UTF-8 bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Static(s) => s.as_bytes(),
            Repr::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Shared(b) => b,
        }
    }

    /// The bytes as [`Bytes`]: without copying if the string is static or
    /// shared, by copying if it is stored inline.
    pub fn into_bytes(self) -> Bytes {
        match self.0 {
            Repr::Static(s) => Bytes::from_static(s.as_bytes()),
            Repr::Inline { .. } => Bytes::copy_from_slice(self.as_bytes()),
            Repr::Shared(b) => b,
        }
    }
}

impl Default for ByteStr {
    fn default() -> Self {
        ByteStr::from_static("")
    }
}

impl PartialEq for ByteStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for ByteStr {}

impl PartialOrd for ByteStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ByteStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Deref for ByteStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for ByteStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for ByteStr {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Borrow<str> for ByteStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Hash for ByteStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Hash as `str` does, so that `Borrow<str>` lookups work.
        self.as_str().hash(state);
    }
}

impl fmt::Debug for ByteStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ByteStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<&'static str> for ByteStr {
    fn from(s: &'static str) -> Self {
        ByteStr::from_static(s)
    }
}

impl From<String> for ByteStr {
    fn from(s: String) -> Self {
        ByteStr(Repr::Shared(Bytes::from(s)))
    }
}

impl From<Box<str>> for ByteStr {
    fn from(s: Box<str>) -> Self {
        ByteStr::from(String::from(s))
    }
}

impl From<ByteStr> for Bytes {
    fn from(s: ByteStr) -> Self {
        s.into_bytes()
    }
}

impl TryFrom<Bytes> for ByteStr {
    type Error = Utf8Error;
    fn try_from(bytes: Bytes) -> Result<Self, Utf8Error> {
        ByteStr::from_utf8(bytes)
    }
}

impl PartialEq<str> for ByteStr {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for ByteStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<String> for ByteStr {
    fn eq(&self, other: &String) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<ByteStr> for str {
    fn eq(&self, other: &ByteStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<ByteStr> for &str {
    fn eq(&self, other: &ByteStr) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

/// Wire type ids of header values.
pub(crate) mod type_id {
    pub(crate) const BOOL_TRUE: u8 = 0;
    pub(crate) const BOOL_FALSE: u8 = 1;
    pub(crate) const BYTE: u8 = 2;
    pub(crate) const INT16: u8 = 3;
    pub(crate) const INT32: u8 = 4;
    pub(crate) const INT64: u8 = 5;
    pub(crate) const BYTE_ARRAY: u8 = 6;
    pub(crate) const STRING: u8 = 7;
    pub(crate) const TIMESTAMP: u8 = 8;
    pub(crate) const UUID: u8 = 9;
}

/// The value of a header: one of the nine EventStream value types.
///
/// | variant | wire type | wire encoding |
/// |---|---|---|
/// | `Bool(true)` / `Bool(false)` | 0 / 1 | none |
/// | `Byte` | 2 | 1 byte |
/// | `Int16` | 3 | 2 bytes, big-endian |
/// | `Int32` | 4 | 4 bytes, big-endian |
/// | `Int64` | 5 | 8 bytes, big-endian |
/// | `ByteArray` | 6 | u16 length, bytes |
/// | `String` | 7 | u16 length, UTF-8 bytes |
/// | `Timestamp` | 8 | i64 milliseconds since the Unix epoch |
/// | `Uuid` | 9 | 16 bytes |
///
/// ```
/// use eventstream::HeaderValue;
///
/// let v = HeaderValue::from("application/json");
/// assert_eq!(v.as_str(), Some("application/json"));
/// assert_eq!(v.type_name(), "string");
/// assert_eq!(HeaderValue::Int32(7).as_int32(), Some(7));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderValue {
    /// A boolean (wire types 0 and 1).
    Bool(bool),
    /// A signed byte (wire type 2).
    Byte(i8),
    /// A 16-bit integer (wire type 3).
    Int16(i16),
    /// A 32-bit integer (wire type 4).
    Int32(i32),
    /// A 64-bit integer (wire type 5).
    Int64(i64),
    /// Bytes, at most 65,535 (wire type 6).
    ByteArray(Bytes),
    /// A UTF-8 string, at most 65,535 bytes (wire type 7).
    String(ByteStr),
    /// Milliseconds since the Unix epoch (wire type 8).
    Timestamp(i64),
    /// A UUID in its 16-byte big-endian form (wire type 9).
    Uuid([u8; 16]),
}

impl HeaderValue {
    /// The value's type as used by the `decode` example's JSON: `bool`, `byte`,
    /// `int16`, `int32`, `int64`, `bytes`, `string`, `timestamp` or `uuid`.
    pub fn type_name(&self) -> &'static str {
        match self {
            HeaderValue::Bool(_) => "bool",
            HeaderValue::Byte(_) => "byte",
            HeaderValue::Int16(_) => "int16",
            HeaderValue::Int32(_) => "int32",
            HeaderValue::Int64(_) => "int64",
            HeaderValue::ByteArray(_) => "bytes",
            HeaderValue::String(_) => "string",
            HeaderValue::Timestamp(_) => "timestamp",
            HeaderValue::Uuid(_) => "uuid",
        }
    }

    /// The wire type byte (0 to 9).
    pub fn type_id(&self) -> u8 {
        match self {
            HeaderValue::Bool(true) => type_id::BOOL_TRUE,
            HeaderValue::Bool(false) => type_id::BOOL_FALSE,
            HeaderValue::Byte(_) => type_id::BYTE,
            HeaderValue::Int16(_) => type_id::INT16,
            HeaderValue::Int32(_) => type_id::INT32,
            HeaderValue::Int64(_) => type_id::INT64,
            HeaderValue::ByteArray(_) => type_id::BYTE_ARRAY,
            HeaderValue::String(_) => type_id::STRING,
            HeaderValue::Timestamp(_) => type_id::TIMESTAMP,
            HeaderValue::Uuid(_) => type_id::UUID,
        }
    }

    /// The boolean, if this is a `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            HeaderValue::Bool(v) => Some(*v),
            _ => None,
        }
    }

    /// The byte, if this is a `Byte`.
    pub fn as_byte(&self) -> Option<i8> {
        match self {
            HeaderValue::Byte(v) => Some(*v),
            _ => None,
        }
    }

    /// The integer, if this is an `Int16`.
    pub fn as_int16(&self) -> Option<i16> {
        match self {
            HeaderValue::Int16(v) => Some(*v),
            _ => None,
        }
    }

    /// The integer, if this is an `Int32`.
    pub fn as_int32(&self) -> Option<i32> {
        match self {
            HeaderValue::Int32(v) => Some(*v),
            _ => None,
        }
    }

    /// The integer, if this is an `Int64`.
    pub fn as_int64(&self) -> Option<i64> {
        match self {
            HeaderValue::Int64(v) => Some(*v),
            _ => None,
        }
    }

    /// The bytes, if this is a `ByteArray`.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match self {
            HeaderValue::ByteArray(v) => Some(v),
            _ => None,
        }
    }

    /// The string, if this is a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderValue::String(v) => Some(v.as_str()),
            _ => None,
        }
    }

    /// The string as a [`ByteStr`], if this is a `String`.
    pub fn as_byte_str(&self) -> Option<&ByteStr> {
        match self {
            HeaderValue::String(v) => Some(v),
            _ => None,
        }
    }

    /// Milliseconds since the Unix epoch, if this is a `Timestamp`.
    pub fn as_timestamp(&self) -> Option<i64> {
        match self {
            HeaderValue::Timestamp(v) => Some(*v),
            _ => None,
        }
    }

    /// The 16 bytes, if this is a `Uuid`.
    pub fn as_uuid(&self) -> Option<&[u8; 16]> {
        match self {
            HeaderValue::Uuid(v) => Some(v),
            _ => None,
        }
    }

    /// Bytes this value takes on the wire, type byte included.
    pub(crate) fn encoded_len(&self) -> usize {
        1 + match self {
            HeaderValue::Bool(_) => 0,
            HeaderValue::Byte(_) => 1,
            HeaderValue::Int16(_) => 2,
            HeaderValue::Int32(_) => 4,
            HeaderValue::Int64(_) | HeaderValue::Timestamp(_) => 8,
            HeaderValue::ByteArray(v) => 2 + v.len(),
            HeaderValue::String(v) => 2 + v.as_bytes().len(),
            HeaderValue::Uuid(_) => 16,
        }
    }
}

impl From<bool> for HeaderValue {
    fn from(v: bool) -> Self {
        HeaderValue::Bool(v)
    }
}

impl From<i8> for HeaderValue {
    fn from(v: i8) -> Self {
        HeaderValue::Byte(v)
    }
}

impl From<i16> for HeaderValue {
    fn from(v: i16) -> Self {
        HeaderValue::Int16(v)
    }
}

impl From<i32> for HeaderValue {
    fn from(v: i32) -> Self {
        HeaderValue::Int32(v)
    }
}

/// An `i64` becomes `Int64`; build a `Timestamp` explicitly.
impl From<i64> for HeaderValue {
    fn from(v: i64) -> Self {
        HeaderValue::Int64(v)
    }
}

impl From<Bytes> for HeaderValue {
    fn from(v: Bytes) -> Self {
        HeaderValue::ByteArray(v)
    }
}

impl From<ByteStr> for HeaderValue {
    fn from(v: ByteStr) -> Self {
        HeaderValue::String(v)
    }
}

impl From<&'static str> for HeaderValue {
    fn from(v: &'static str) -> Self {
        HeaderValue::String(ByteStr::from_static(v))
    }
}

impl From<String> for HeaderValue {
    fn from(v: String) -> Self {
        HeaderValue::String(ByteStr::from(v))
    }
}

impl From<[u8; 16]> for HeaderValue {
    fn from(v: [u8; 16]) -> Self {
        HeaderValue::Uuid(v)
    }
}

/// One header: a name and a value.
///
/// ```
/// use eventstream::{Header, HeaderValue};
///
/// let h = Header::new(":message-type", "event");
/// assert_eq!(h.name(), ":message-type");
/// assert_eq!(h.value(), &HeaderValue::from("event"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    pub(crate) name: ByteStr,
    pub(crate) value: HeaderValue,
}

impl Header {
    /// A header. The name must be 1 to 255 bytes to be encoded; the encoder
    /// checks this.
    pub fn new(name: impl Into<ByteStr>, value: impl Into<HeaderValue>) -> Self {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }

    /// The name.
    pub fn name(&self) -> &ByteStr {
        &self.name
    }

    /// The value.
    pub fn value(&self) -> &HeaderValue {
        &self.value
    }

    /// The name and the value.
    pub fn into_parts(self) -> (ByteStr, HeaderValue) {
        (self.name, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn byte_str_rejects_invalid_utf8() {
        let err = ByteStr::from_utf8(Bytes::from_static(b"ab\xff")).unwrap_err();
        assert_eq!(err.valid_up_to(), 2);
        assert_eq!(
            ByteStr::from_utf8(Bytes::from_static("é".as_bytes())).unwrap(),
            "é"
        );
    }

    #[test]
    fn byte_str_representations_compare_by_content() {
        let long = "x".repeat(INLINE_CAP + 1);
        for text in [
            "",
            "a",
            ":event-type",
            "x".repeat(INLINE_CAP).as_str(),
            long.as_str(),
        ] {
            let shared = ByteStr::from_utf8(Bytes::copy_from_slice(text.as_bytes())).unwrap();
            let copied = ByteStr::copy_from_str(text);
            let owned = ByteStr::from(text.to_owned());
            assert_eq!(shared, copied);
            assert_eq!(copied, owned);
            assert_eq!(copied.as_str(), text);
            assert_eq!(copied.clone().into_bytes(), text.as_bytes());
            assert_eq!(shared.cmp(&copied), std::cmp::Ordering::Equal);
            assert_eq!(format!("{copied:?}"), format!("{text:?}"));
        }
        assert!(matches!(
            ByteStr::copy_from_str(&"x".repeat(INLINE_CAP)).0,
            Repr::Inline { .. }
        ));
        assert!(matches!(ByteStr::copy_from_str(&long).0, Repr::Shared(_)));
        assert_eq!(ByteStr::default(), "");
        assert!(ByteStr::copy_from_str("a") < ByteStr::from_static("b"));
    }

    #[test]
    fn byte_str_borrows_as_str_in_maps() {
        let mut map = HashMap::new();
        map.insert(ByteStr::copy_from_str(":event-type"), 1);
        assert_eq!(map.get(":event-type"), Some(&1));
    }

    #[test]
    fn type_ids_and_names_cover_all_types() {
        let values = [
            HeaderValue::Bool(true),
            HeaderValue::Bool(false),
            HeaderValue::Byte(-1),
            HeaderValue::Int16(-2),
            HeaderValue::Int32(-3),
            HeaderValue::Int64(-4),
            HeaderValue::ByteArray(Bytes::from_static(b"ab")),
            HeaderValue::String("cd".into()),
            HeaderValue::Timestamp(5),
            HeaderValue::Uuid([7; 16]),
        ];
        let ids: Vec<u8> = values.iter().map(HeaderValue::type_id).collect();
        assert_eq!(ids, (0..=9).collect::<Vec<u8>>());
        let lens: Vec<usize> = values.iter().map(HeaderValue::encoded_len).collect();
        assert_eq!(lens, [1, 1, 2, 3, 5, 9, 5, 5, 9, 17]);
        assert_eq!(values[6].type_name(), "bytes");
        assert_eq!(values[9].as_uuid(), Some(&[7; 16]));
        assert_eq!(values[8].as_timestamp(), Some(5));
        assert_eq!(values[8].as_int64(), None);
    }
}
