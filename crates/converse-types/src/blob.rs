//! Binary data, base64-encoded on the wire.

use std::fmt;
use std::ops::Deref;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Decodes standard base64 whether or not the input carries `=` padding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A Smithy `blob`: raw bytes that travel as standard base64 in JSON.
///
/// Serializes with padding (RFC 4648 section 4); deserializes with or without padding.
/// `Debug` prints only the length, so logging a request with an image in it stays readable.
///
/// ```
/// use converse_types::Blob;
/// let blob = Blob::from(&b"hi"[..]);
/// assert_eq!(serde_json::to_string(&blob).unwrap(), r#""aGk=""#);
/// let back: Blob = serde_json::from_str(r#""aGk""#).unwrap();
/// assert_eq!(back.as_bytes(), b"hi");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Blob(pub Vec<u8>);

impl Blob {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Takes the bytes out.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// The standard, padded base64 form of the bytes.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// Decodes standard base64, with or without padding.
    ///
    /// # Errors
    /// Returns the decoder's error when `text` is not valid standard base64.
    pub fn from_base64(text: &str) -> Result<Self, base64::DecodeError> {
        LENIENT.decode(text).map(Self)
    }
}

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl Deref for Blob {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<Blob> for Vec<u8> {
    fn from(blob: Blob) -> Self {
        blob.0
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BlobVisitor;
        impl serde::de::Visitor<'_> for BlobVisitor {
            type Value = Blob;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Blob, E> {
                Blob::from_base64(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(BlobVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_accepts_unpadded() {
        let blob = Blob::new(vec![0u8, 1, 2, 255]);
        let json = serde_json::to_string(&blob).unwrap();
        assert_eq!(json, r#""AAEC/w==""#);
        assert_eq!(serde_json::from_str::<Blob>(&json).unwrap(), blob);
        assert_eq!(serde_json::from_str::<Blob>(r#""AAEC/w""#).unwrap(), blob);
    }

    #[test]
    fn rejects_invalid_base64() {
        assert!(serde_json::from_str::<Blob>(r#""not base64!""#).is_err());
        assert!(serde_json::from_str::<Blob>("12").is_err());
    }

    #[test]
    fn debug_shows_length_only() {
        assert_eq!(format!("{:?}", Blob::new(vec![7u8; 3])), "Blob(3 bytes)");
    }
}
