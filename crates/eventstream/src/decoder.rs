//! The incremental frame decoder.

use bytes::{Bytes, BytesMut};

use crate::crc32::crc32;
use crate::encoder::check_unique;
use crate::error::Error;
use crate::header::{ByteStr, Header, HeaderValue, type_id};
use crate::message::Message;
use crate::{MIN_MESSAGE_LEN, PRELUDE_LEN};

/// The default cap on a frame's `total_length`: 16 bytes of framing, 128 KiB of
/// headers and 24 MiB of payload.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 + 128 * 1024 + 24 * 1024 * 1024;

/// The default cap on a frame's `headers_length`: 128 KiB, the limit AWS
/// documents. It bounds the memory a frame full of tiny headers can cost.
pub const DEFAULT_MAX_HEADERS_SIZE: usize = 128 * 1024;

/// An incremental EventStream decoder in the codec style.
///
/// Append received bytes to a [`BytesMut`] and call [`decode`](Self::decode)
/// until it returns `Ok(None)` ("need more bytes"); when the input ends, call
/// [`decode_eof`](Self::decode_eof). The result is the same however the input
/// is split into chunks.
///
/// Limits are enforced from the 12-byte prelude, before the rest of a frame is
/// buffered: the prelude CRC is checked first, then `total_length` against
/// [`max_message_size`](Self::max_message_size) and `headers_length` against
/// [`max_headers_size`](Self::max_headers_size). While a frame is incomplete the
/// decoder reserves room for exactly that frame, never more.
///
/// Errors are final: after one, every call returns the same error. The decoder
/// never skips ahead to look for the next frame.
///
/// ```
/// use bytes::BytesMut;
/// use eventstream::{Decoder, Error, Message};
///
/// # fn main() -> Result<(), Error> {
/// let frame = Message::new(&b"hello"[..]).with_header("n", 1i32).to_bytes()?;
/// let mut decoder = Decoder::new();
/// let mut buf = BytesMut::new();
/// let (head, tail) = frame.split_at(10);
///
/// buf.extend_from_slice(head);
/// assert_eq!(decoder.decode(&mut buf)?, None); // not even a prelude yet
/// buf.extend_from_slice(tail);
/// let message = decoder.decode(&mut buf)?.expect("a whole frame");
/// assert_eq!(&message.payload()[..], b"hello");
///
/// // Input that stops inside a frame is an error, not a clean end.
/// buf.extend_from_slice(&frame[..20]);
/// assert!(matches!(decoder.decode_eof(&mut buf), Err(Error::UnexpectedEof { .. })));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Decoder {
    max_message_size: usize,
    max_headers_size: usize,
    state: State,
}

#[derive(Debug, Clone)]
enum State {
    /// Waiting for the 12-byte prelude at the start of the buffer.
    Prelude,
    /// The prelude at the start of the buffer is valid; waiting for the rest.
    Body { total: usize, headers_len: usize },
    /// An error was returned; it is returned again on every call.
    Failed(Error),
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    /// A decoder with the default limits, [`DEFAULT_MAX_MESSAGE_SIZE`] and
    /// [`DEFAULT_MAX_HEADERS_SIZE`].
    pub fn new() -> Self {
        Decoder::with_max_message_size(DEFAULT_MAX_MESSAGE_SIZE)
    }

    /// A decoder that rejects frames whose `total_length` exceeds `max` bytes.
    /// The header cap is [`DEFAULT_MAX_HEADERS_SIZE`].
    pub fn with_max_message_size(max: usize) -> Self {
        Decoder {
            max_message_size: max,
            max_headers_size: DEFAULT_MAX_HEADERS_SIZE,
            state: State::Prelude,
        }
    }

    /// Sets the cap on `total_length`. Default is [`DEFAULT_MAX_MESSAGE_SIZE`].
    pub fn set_max_message_size(&mut self, max: usize) -> &mut Self {
        self.max_message_size = max;
        self
    }

    /// Sets the cap on `headers_length`. Default is [`DEFAULT_MAX_HEADERS_SIZE`].
    pub fn set_max_headers_size(&mut self, max: usize) -> &mut Self {
        self.max_headers_size = max;
        self
    }

    /// The cap on `total_length`, in bytes.
    pub fn max_message_size(&self) -> usize {
        self.max_message_size
    }

    /// The cap on `headers_length`, in bytes.
    pub fn max_headers_size(&self) -> usize {
        self.max_headers_size
    }

    /// Whether the decoder has returned an error (and will return it again).
    pub fn is_failed(&self) -> bool {
        matches!(self.state, State::Failed(_))
    }

    /// Takes the next whole message from the front of `buf`.
    ///
    /// Returns `Ok(None)` if `buf` does not yet hold a whole frame; the bytes
    /// stay in `buf`. On success the frame's bytes are split off `buf` and the
    /// message's payload and headers point into them, without copying.
    ///
    /// # Errors
    ///
    /// Any malformed frame: [`Error::PreludeCrcMismatch`],
    /// [`Error::MessageTooShort`], [`Error::MessageTooLarge`],
    /// [`Error::HeadersLengthOutOfRange`], [`Error::HeadersTooLarge`] (all from
    /// the prelude, as soon as 12 bytes are buffered), then
    /// [`Error::MessageCrcMismatch`], [`Error::InvalidHeaderNameLength`],
    /// [`Error::TruncatedHeader`], [`Error::UnknownHeaderType`],
    /// [`Error::InvalidHeaderNameUtf8`], [`Error::InvalidStringUtf8`] and
    /// [`Error::DuplicateHeader`] once the frame is complete. After an error,
    /// every call returns it again.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Message>, Error> {
        let (total, headers_len) = match &self.state {
            State::Body { total, headers_len } => (*total, *headers_len),
            State::Prelude => match self.read_prelude(buf) {
                Ok(Some(lengths)) => lengths,
                Ok(None) => return Ok(None),
                Err(e) => return Err(self.fail(e)),
            },
            State::Failed(e) => return Err(e.clone()),
        };
        if buf.len() < total {
            // Bounded: `total` passed the cap in `read_prelude`.
            buf.reserve(total - buf.len());
            self.state = State::Body { total, headers_len };
            return Ok(None);
        }
        self.state = State::Prelude;
        let frame = buf.split_to(total).freeze();
        match parse_frame(frame, headers_len) {
            Ok(message) => Ok(Some(message)),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Like [`decode`](Self::decode), for when the input has ended.
    ///
    /// Returns `Ok(None)` for a clean end (no bytes left in `buf`).
    ///
    /// # Errors
    ///
    /// [`Error::UnexpectedEof`] if `buf` holds part of a frame, with the number of
    /// bytes buffered and the frame length if the prelude had arrived; otherwise
    /// the errors of [`decode`](Self::decode).
    pub fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Message>, Error> {
        match self.decode(buf)? {
            Some(message) => Ok(Some(message)),
            None if buf.is_empty() => Ok(None),
            None => {
                let total_length = match self.state {
                    State::Body { total, .. } => u32::try_from(total).ok(),
                    _ => None,
                };
                Err(self.fail(Error::UnexpectedEof {
                    buffered: buf.len(),
                    total_length,
                }))
            }
        }
    }

    fn fail(&mut self, error: Error) -> Error {
        self.state = State::Failed(error.clone());
        error
    }

    /// Validates the prelude at the front of `buf`, if it has arrived, and
    /// returns `(total_length, headers_length)`.
    fn read_prelude(&self, buf: &[u8]) -> Result<Option<(usize, usize)>, Error> {
        let Some(prelude) = buf.first_chunk::<PRELUDE_LEN>() else {
            return Ok(None);
        };
        let [t0, t1, t2, t3, h0, h1, h2, h3, c0, c1, c2, c3] = *prelude;
        let expected = u32::from_be_bytes([c0, c1, c2, c3]);
        let actual = crc32(&[t0, t1, t2, t3, h0, h1, h2, h3]);
        if expected != actual {
            return Err(Error::PreludeCrcMismatch { expected, actual });
        }
        let total_length = u32::from_be_bytes([t0, t1, t2, t3]);
        let headers_length = u32::from_be_bytes([h0, h1, h2, h3]);
        if (total_length as usize) < MIN_MESSAGE_LEN {
            return Err(Error::MessageTooShort { total_length });
        }
        if u64::from(total_length) > self.max_message_size as u64 {
            return Err(Error::MessageTooLarge {
                total_length: u64::from(total_length),
                max: self.max_message_size as u64,
            });
        }
        // total_length >= 16 was checked above.
        if headers_length > total_length - MIN_MESSAGE_LEN as u32 {
            return Err(Error::HeadersLengthOutOfRange {
                headers_length,
                total_length,
            });
        }
        if u64::from(headers_length) > self.max_headers_size as u64 {
            return Err(Error::HeadersTooLarge {
                headers_length: u64::from(headers_length),
                max: self.max_headers_size as u64,
            });
        }
        Ok(Some((total_length as usize, headers_length as usize)))
    }
}

/// Checks the message CRC of a whole frame, whose prelude is already valid, and
/// slices out its headers and payload.
fn parse_frame(frame: Bytes, headers_len: usize) -> Result<Message, Error> {
    let Some((body, crc)) = frame.split_last_chunk::<4>() else {
        // Unreachable: the prelude check guarantees at least 16 bytes.
        return Err(Error::MessageTooShort {
            total_length: frame.len() as u32,
        });
    };
    let expected = u32::from_be_bytes(*crc);
    let actual = crc32(body);
    if expected != actual {
        return Err(Error::MessageCrcMismatch { expected, actual });
    }
    let payload_start = PRELUDE_LEN + headers_len;
    let payload_end = body.len();
    let headers = parse_headers(&frame, payload_start)?;
    let payload = frame.slice(payload_start..payload_end);
    Ok(Message::from_parts(headers, payload))
}

/// Reads the headers in `frame[12..end]`.
fn parse_headers(frame: &Bytes, end: usize) -> Result<Vec<Header>, Error> {
    let mut headers = Vec::new();
    if end == PRELUDE_LEN {
        return Ok(headers);
    }
    let mut reader = Reader {
        data: frame.get(..end).unwrap_or_default(),
        pos: PRELUDE_LEN,
    };
    while reader.pos < end {
        let offset = reader.pos;
        let [name_len] = reader.array::<1>()?;
        if name_len == 0 {
            return Err(Error::InvalidHeaderNameLength { offset, length: 0 });
        }
        let (name_at, name_bytes) = reader.slice(usize::from(name_len))?;
        if let Err(e) = std::str::from_utf8(name_bytes) {
            return Err(Error::InvalidHeaderNameUtf8 {
                offset: name_at,
                valid_up_to: e.valid_up_to(),
            });
        }
        let name = ByteStr(frame.slice(name_at..name_at + name_bytes.len()));
        let [type_byte] = reader.array::<1>()?;
        let value = match type_byte {
            type_id::BOOL_TRUE => HeaderValue::Bool(true),
            type_id::BOOL_FALSE => HeaderValue::Bool(false),
            type_id::BYTE => HeaderValue::Byte(i8::from_be_bytes(reader.array()?)),
            type_id::INT16 => HeaderValue::Int16(i16::from_be_bytes(reader.array()?)),
            type_id::INT32 => HeaderValue::Int32(i32::from_be_bytes(reader.array()?)),
            type_id::INT64 => HeaderValue::Int64(i64::from_be_bytes(reader.array()?)),
            type_id::BYTE_ARRAY => {
                let len = usize::from(u16::from_be_bytes(reader.array()?));
                let (at, _) = reader.slice(len)?;
                HeaderValue::ByteArray(frame.slice(at..at + len))
            }
            type_id::STRING => {
                let len = usize::from(u16::from_be_bytes(reader.array()?));
                let (at, bytes) = reader.slice(len)?;
                if let Err(e) = std::str::from_utf8(bytes) {
                    return Err(Error::InvalidStringUtf8 {
                        name: name.to_string(),
                        valid_up_to: e.valid_up_to(),
                    });
                }
                HeaderValue::String(ByteStr(frame.slice(at..at + len)))
            }
            type_id::TIMESTAMP => HeaderValue::Timestamp(i64::from_be_bytes(reader.array()?)),
            type_id::UUID => HeaderValue::Uuid(reader.array()?),
            other => {
                return Err(Error::UnknownHeaderType {
                    name: name.to_string(),
                    type_id: other,
                });
            }
        };
        headers.push(Header::new(name, value));
    }
    check_unique(&headers)?;
    Ok(headers)
}

/// A bounds-checked cursor over the front of a frame; positions are frame offsets.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        match self.data.get(self.pos..).and_then(<[u8]>::first_chunk::<N>) {
            Some(array) => {
                self.pos += N;
                Ok(*array)
            }
            None => Err(self.truncated(N)),
        }
    }

    /// The next `n` bytes and their offset.
    #[inline]
    fn slice(&mut self, n: usize) -> Result<(usize, &'a [u8]), Error> {
        match self.data.get(self.pos..).and_then(|rest| rest.get(..n)) {
            Some(bytes) => {
                let at = self.pos;
                self.pos += n;
                Ok((at, bytes))
            }
            None => Err(self.truncated(n)),
        }
    }

    #[cold]
    fn truncated(&self, needed: usize) -> Error {
        Error::TruncatedHeader {
            offset: self.pos,
            needed,
            remaining: self.data.len().saturating_sub(self.pos),
        }
    }
}
