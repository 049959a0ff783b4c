//! The codec's error type.

/// Everything that can go wrong while decoding or encoding an EventStream frame.
///
/// Decoding errors describe malformed input and are final: once a
/// [`Decoder`](crate::Decoder) has returned one, it returns the same error on
/// every later call. Encoding errors describe a [`Message`](crate::Message) that
/// the frame format cannot represent.
///
/// Variants carry the values that were seen. Offsets are byte offsets from the
/// start of the frame. The `Display` text is meant for people and may change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The prelude CRC in the frame does not match the CRC of its first 8 bytes.
    #[error("prelude CRC mismatch: frame says {expected:#010x}, computed {actual:#010x}")]
    PreludeCrcMismatch {
        /// The CRC stored in the frame.
        expected: u32,
        /// The CRC computed over the first 8 bytes.
        actual: u32,
    },
    /// The message CRC in the frame does not match the CRC of the bytes before it.
    #[error("message CRC mismatch: frame says {expected:#010x}, computed {actual:#010x}")]
    MessageCrcMismatch {
        /// The CRC stored in the frame.
        expected: u32,
        /// The CRC computed over the frame, without its last 4 bytes.
        actual: u32,
    },
    /// `total_length` is below 16, the size of an empty frame.
    #[error("message length {total_length} is below the minimum of 16")]
    MessageTooShort {
        /// The `total_length` field of the frame.
        total_length: u32,
    },
    /// The frame is larger than the configured cap (decoding), or larger than
    /// `u32::MAX` bytes (encoding).
    #[error("message length {total_length} exceeds the maximum of {max}")]
    MessageTooLarge {
        /// The frame length declared by the prelude, or computed by the encoder.
        total_length: u64,
        /// The largest frame allowed.
        max: u64,
    },
    /// `headers_length` is larger than `total_length − 16`.
    #[error("headers length {headers_length} does not fit in a message of length {total_length}")]
    HeadersLengthOutOfRange {
        /// The `headers_length` field of the frame.
        headers_length: u32,
        /// The `total_length` field of the frame.
        total_length: u32,
    },
    /// The header section is larger than the configured cap (decoding), or
    /// larger than `u32::MAX` bytes (encoding).
    #[error("headers length {headers_length} exceeds the maximum of {max}")]
    HeadersTooLarge {
        /// The header section length.
        headers_length: u64,
        /// The largest header section allowed.
        max: u64,
    },
    /// A header name is empty or longer than 255 bytes.
    #[error("header name length {length} at offset {offset} is outside 1..=255")]
    InvalidHeaderNameLength {
        /// Offset of the header in the frame (0 when encoding).
        offset: usize,
        /// The name length.
        length: usize,
    },
    /// A header runs past the end of the header section.
    #[error(
        "header at offset {offset} is truncated: needs {needed} more bytes, {remaining} remain"
    )]
    TruncatedHeader {
        /// Offset in the frame of the field that does not fit.
        offset: usize,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left in the header section.
        remaining: usize,
    },
    /// A header has a value type other than 0 to 9.
    #[error("header {name:?} has unknown value type {type_id}")]
    UnknownHeaderType {
        /// The header name.
        name: String,
        /// The value type byte.
        type_id: u8,
    },
    /// A header name is not valid UTF-8.
    #[error("header name at offset {offset} is not valid UTF-8 (valid up to byte {valid_up_to})")]
    InvalidHeaderNameUtf8 {
        /// Offset of the name in the frame.
        offset: usize,
        /// Length of the valid UTF-8 prefix of the name.
        valid_up_to: usize,
    },
    /// A string header value is not valid UTF-8.
    #[error("string value of header {name:?} is not valid UTF-8 (valid up to byte {valid_up_to})")]
    InvalidStringUtf8 {
        /// The header name.
        name: String,
        /// Length of the valid UTF-8 prefix of the value.
        valid_up_to: usize,
    },
    /// A header name appears more than once in one message.
    #[error("header {name:?} appears more than once")]
    DuplicateHeader {
        /// The repeated header name.
        name: String,
    },
    /// A string or byte-array header value is longer than 65,535 bytes (encoding).
    #[error("value of header {name:?} is {length} bytes, more than the maximum of 65535")]
    HeaderValueTooLong {
        /// The header name.
        name: String,
        /// The value length.
        length: usize,
    },
    /// The input ended inside a frame.
    #[error("input ended inside a frame: {buffered} bytes buffered, frame length {}",
        match .total_length { Some(n) => n.to_string(), None => "unknown".to_owned() })]
    UnexpectedEof {
        /// Bytes of the incomplete frame that had arrived.
        buffered: usize,
        /// The frame length from the prelude, if the prelude had arrived.
        total_length: Option<u32>,
    },
}
