//! A complete serde model of the Amazon Bedrock Runtime Converse API: Converse,
//! ConverseStream (request, events, in-stream exceptions), CountTokens and the error shapes.
//!
//! - Field names are exactly as on the wire (camelCase); absent optional members are left out.
//! - Blobs are base64 on the wire ([`Blob`]); Smithy documents are [`serde_json::Value`].
//! - Unions are Rust enums that round-trip exactly; each has an `Unknown { name, value }`
//!   variant that keeps a member AWS adds later, verbatim. String enums have `Unknown(String)`.
//! - [`parse_stream_frame`] reads a ConverseStream frame from its header values and payload.
//! - [`classify_error`] turns an HTTP error response into an [`ApiError`].
//!
//! What this crate does not do: I/O, HTTP, signing, or EventStream frame decoding (see the
//! `sigv4` and `eventstream` crates). It has no features.
//!
//! Every type is re-exported at the crate root; the modules group them by topic.
//!
//! ```
//! use converse_types::{ConverseRequest, ConverseResponse, Message};
//! let request = ConverseRequest::new("amazon.nova-micro-v1:0", vec![Message::user_text("Hello")]);
//! assert_eq!(
//!     serde_json::to_string(&request).unwrap(),
//!     r#"{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}"#
//! );
//! let response: ConverseResponse = serde_json::from_str(r#"{
//!     "output": {"message": {"role": "assistant", "content": [{"text": "Hi!"}]}},
//!     "stopReason": "end_turn",
//!     "usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5},
//!     "metrics": {"latencyMs": 120}
//! }"#).unwrap();
//! assert_eq!(response.text(), "Hi!");
//! ```
#![forbid(unsafe_code)]

#[macro_use]
mod macros;

pub mod blob;
pub mod citation;
pub mod content;
pub mod count_tokens;
pub mod error;
pub mod guardrail;
pub mod media;
pub mod reasoning;
pub mod request;
pub mod response;
pub mod stream;
pub mod tool;

pub use crate::blob::Blob;
pub use crate::citation::*;
pub use crate::content::*;
pub use crate::count_tokens::*;
pub use crate::error::*;
pub use crate::guardrail::*;
pub use crate::media::*;
pub use crate::reasoning::*;
pub use crate::request::*;
pub use crate::response::*;
pub use crate::stream::*;
pub use crate::tool::*;
