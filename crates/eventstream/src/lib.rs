#![doc = include_str!("../README.md")]
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
