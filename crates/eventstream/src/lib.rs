//! An exact, fast and hardened codec for the AWS EventStream binary framing
//! (`application/vnd.amazon.eventstream`), as used by Amazon Bedrock, S3 Select,
//! Kinesis, Transcribe and others.
//!
//! The crate is sans-IO: it turns bytes into [`Message`]s and back, and does no
//! networking itself. It has no tokio, hyper or serde dependency.
//!
//! # Frame layout
//!
//! ```text
//! +----------------+------------------+-------------+---------+---------+-------------+
//! | total_length   | headers_length   | prelude_crc | headers | payload | message_crc |
//! | u32 big-endian | u32 big-endian   | u32 (CRC of |         |         | u32 (CRC of |
//! |                |                  |  8 bytes)   |         |         | all before) |
//! +----------------+------------------+-------------+---------+---------+-------------+
//! ```
//!
//! Both CRCs are CRC-32/ISO-HDLC. Each header is `name_len: u8`, `name`,
//! `type: u8` and a value whose encoding depends on the type (see [`HeaderValue`]).
//!
//! # Decoding
//!
//! [`Decoder`] follows the codec convention: append bytes to a
//! [`BytesMut`](bytes::BytesMut), call [`Decoder::decode`] until it returns
//! `Ok(None)`, and call [`Decoder::decode_eof`] once the input ends. Each frame is
//! cut from the buffer without copying; header names, string values, byte arrays
//! and the payload are all slices of it.
//!
//! The decoder validates everything the format allows it to: the prelude CRC (as
//! soon as 12 bytes are buffered, before the length is trusted), the size cap
//! (before any body bytes are buffered), the length fields, header names and
//! types, UTF-8, duplicate names and the message CRC. Any error is final: the
//! decoder never resynchronises, and every later call returns the same error.
//!
//! ```
//! use bytes::BytesMut;
//! use eventstream::{Decoder, Message};
//!
//! # fn main() -> Result<(), eventstream::Error> {
//! let message = Message::new(r#"{"delta":{"text":"Hi"}}"#)
//!     .with_header(":event-type", "contentBlockDelta")
//!     .with_header(":message-type", "event");
//! let mut wire = BytesMut::new();
//! message.encode_to(&mut wire)?;
//!
//! let mut decoder = Decoder::new();
//! let decoded = decoder.decode(&mut wire)?.expect("one whole frame");
//! assert_eq!(decoded.header_str(":event-type"), Some("contentBlockDelta"));
//! assert_eq!(decoded, message);
//! assert_eq!(decoder.decode_eof(&mut wire)?, None);
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! - `stream`: [`MessageStream`], a [`futures_core::Stream`] adapter from byte
//!   chunks to messages.
//! - `crc32fast`: compute CRC-32 with the SIMD-accelerated `crc32fast` crate
//!   instead of the `crc` crate's 16-table implementation. Much faster on large
//!   frames; off by default.
//!
//! # What this crate does not do
//!
//! It does not sign messages (SigV4 event signing), map messages to service
//! types, or parse JSON payloads.
#![forbid(unsafe_code)]
#![warn(clippy::indexing_slicing, clippy::unwrap_used)]

mod crc32;
mod decoder;
mod encoder;
mod error;
mod header;
mod message;
#[cfg(feature = "stream")]
mod stream;

pub use crate::decoder::{DEFAULT_MAX_HEADERS_SIZE, DEFAULT_MAX_MESSAGE_SIZE, Decoder};
pub use crate::encoder::encode;
pub use crate::error::Error;
pub use crate::header::{ByteStr, Header, HeaderValue};
pub use crate::message::Message;
#[cfg(feature = "stream")]
pub use crate::stream::MessageStream;

/// Length of the prelude: `total_length`, `headers_length` and `prelude_crc`.
pub(crate) const PRELUDE_LEN: usize = 12;
/// Length of a frame with no headers and no payload (prelude plus message CRC).
pub(crate) const MIN_MESSAGE_LEN: usize = 16;
