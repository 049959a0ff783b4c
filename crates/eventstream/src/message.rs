//! [`Message`]: headers in wire order plus a payload.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use crate::error::Error;
use crate::header::{ByteStr, Header, HeaderValue};

/// One EventStream message: headers in wire order and a payload.
///
/// A decoded message's payload, header names and string and byte-array values
/// are slices of the frame received, not copies.
///
/// ```
/// use eventstream::{HeaderValue, Message};
///
/// let m = Message::new(&b"{}"[..])
///     .with_header(":message-type", "event")
///     .with_header(":event-type", "messageStop");
/// assert_eq!(m.header_str(":event-type"), Some("messageStop"));
/// assert_eq!(m.header(":message-type"), Some(&HeaderValue::from("event")));
/// assert_eq!(m.headers().len(), 2);
/// assert_eq!(&m.payload()[..], b"{}");
/// ```
#[derive(Clone, Default)]
pub struct Message {
    pub(crate) headers: HeaderList,
    payload: Bytes,
}

/// The headers of a message.
#[derive(Clone)]
pub(crate) enum HeaderList {
    /// Headers owned by the message.
    Owned(Vec<Header>),
    /// A shared, immutable list: the decoder's table of header sections that
    /// AWS sends on nearly every message (see `decoder::known_headers`).
    Static(&'static [Header]),
    /// A shared, immutable list: a header section that the decoder saw repeated.
    Shared(Arc<[Header]>),
}

impl Default for HeaderList {
    fn default() -> Self {
        HeaderList::Owned(Vec::new())
    }
}

impl HeaderList {
    #[inline]
    fn as_slice(&self) -> &[Header] {
        match self {
            HeaderList::Owned(v) => v,
            HeaderList::Static(s) => s,
            HeaderList::Shared(s) => s,
        }
    }

    fn push(&mut self, header: Header) {
        match self {
            HeaderList::Owned(v) => v.push(header),
            HeaderList::Static(_) | HeaderList::Shared(_) => {
                let s = self.as_slice();
                let mut v = Vec::with_capacity(s.len() + 1);
                v.extend_from_slice(s);
                v.push(header);
                *self = HeaderList::Owned(v);
            }
        }
    }

    fn into_vec(self) -> Vec<Header> {
        match self {
            HeaderList::Owned(v) => v,
            HeaderList::Static(s) => s.to_vec(),
            HeaderList::Shared(s) => s.to_vec(),
        }
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("headers", &self.headers())
            .field("payload", &self.payload)
            .finish()
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        self.headers() == other.headers() && self.payload == other.payload
    }
}

impl Eq for Message {}

impl Hash for Message {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.headers().hash(state);
        self.payload.hash(state);
    }
}

impl Message {
    /// A message with this payload and no headers.
    pub fn new(payload: impl Into<Bytes>) -> Self {
        Message {
            headers: HeaderList::default(),
            payload: payload.into(),
        }
    }

    /// A message from its headers (in wire order) and payload.
    pub fn from_parts(headers: Vec<Header>, payload: impl Into<Bytes>) -> Self {
        Message {
            headers: HeaderList::Owned(headers),
            payload: payload.into(),
        }
    }

    /// A decoded message.
    #[inline]
    pub(crate) fn from_list(headers: HeaderList, payload: Bytes) -> Self {
        Message { headers, payload }
    }

    /// Adds a header after the existing ones and returns the message.
    ///
    /// Names must be unique; [`encode_to`](Self::encode_to) rejects repeats.
    pub fn with_header(mut self, name: impl Into<ByteStr>, value: impl Into<HeaderValue>) -> Self {
        self.headers.push(Header::new(name, value));
        self
    }

    /// Adds a header after the existing ones.
    pub fn push_header(&mut self, header: Header) {
        self.headers.push(header);
    }

    /// The headers in wire order.
    pub fn headers(&self) -> &[Header] {
        self.headers.as_slice()
    }

    /// The value of the header named `name`, if there is one.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers()
            .iter()
            .find(|h| h.name().as_bytes() == name.as_bytes())
            .map(Header::value)
    }

    /// The value of the header named `name`, if there is one and it is a string.
    ///
    /// Handy for Bedrock's `:message-type`, `:event-type`, `:exception-type`
    /// and `:content-type`.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(HeaderValue::as_str)
    }

    /// The payload.
    pub fn payload(&self) -> &Bytes {
        &self.payload
    }

    /// The headers and the payload.
    pub fn into_parts(self) -> (Vec<Header>, Bytes) {
        (self.headers.into_vec(), self.payload)
    }

    /// Appends this message's frame to `dst`. Same as [`encode`](crate::encode).
    ///
    /// # Errors
    ///
    /// Fails, leaving `dst` unchanged, if the message cannot be framed: a header
    /// name is empty or over 255 bytes ([`Error::InvalidHeaderNameLength`]), a
    /// name repeats ([`Error::DuplicateHeader`]), a string or byte-array value is
    /// over 65,535 bytes ([`Error::HeaderValueTooLong`]), or the frame would
    /// exceed `u32::MAX` bytes ([`Error::HeadersTooLarge`],
    /// [`Error::MessageTooLarge`]).
    pub fn encode_to(&self, dst: &mut BytesMut) -> Result<(), Error> {
        crate::encoder::encode(self, dst)
    }

    /// This message's frame as a new buffer.
    ///
    /// # Errors
    ///
    /// As [`encode_to`](Self::encode_to).
    pub fn to_bytes(&self) -> Result<Bytes, Error> {
        let mut dst = BytesMut::new();
        self.encode_to(&mut dst)?;
        Ok(dst.freeze())
    }

    /// The length of this message's frame.
    ///
    /// # Errors
    ///
    /// As [`encode_to`](Self::encode_to).
    pub fn encoded_len(&self) -> Result<usize, Error> {
        crate::encoder::frame_len(self).map(|(total, _)| total)
    }
}
