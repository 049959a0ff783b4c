//! The incremental frame decoder.

use std::str::Utf8Error;
use std::sync::{Arc, LazyLock};

use bytes::{Buf, Bytes, BytesMut};

use crate::crc32::{crc32_continue, crc32_prelude};
use crate::encoder::PAIRWISE_DUPLICATE_CHECK_MAX;
use crate::error::Error;
use crate::header::{ByteStr, Header, HeaderValue, INLINE_CAP, type_id};
use crate::message::{HeaderList, Message};
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
    last: LastSection,
}

/// The header section of the last frame outside [`KNOWN_SECTIONS`], so that a
/// stream that repeats its headers (most do) shares one validated header list
/// instead of parsing and allocating it for every frame.
///
/// The first time a section is seen only its bytes are kept; when the next
/// frame repeats it, its headers are built once into `headers` and shared by
/// every frame that repeats it after that. Sections with any header value that
/// would be a slice of the frame are not kept, so that the decoder never holds
/// on to a receive buffer.
#[derive(Clone, Default)]
struct LastSection {
    wire: Vec<u8>,
    headers: Option<Arc<[Header]>>,
}

/// The longest header section [`LastSection`] keeps.
const LAST_SECTION_MAX: usize = 512;

impl std::fmt::Debug for LastSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LastSection")
            .field("len", &self.wire.len())
            .field("shared", &self.headers.is_some())
            .finish()
    }
}

#[derive(Debug, Clone)]
enum State {
    /// Waiting for the 12-byte prelude at the start of the buffer.
    Prelude,
    /// The prelude at the start of the buffer is valid; waiting for the rest.
    /// `crc` is the CRC of its first 8 bytes.
    Body {
        total: usize,
        headers_len: usize,
        crc: u32,
    },
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
            last: LastSection::default(),
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
        let (total, headers_len, crc) = match &self.state {
            State::Body {
                total,
                headers_len,
                crc,
            } => (*total, *headers_len, *crc),
            State::Prelude => match self.read_prelude(buf) {
                Ok(Some(prelude)) => prelude,
                Ok(None) => return Ok(None),
                Err(e) => return Err(self.fail(e)),
            },
            State::Failed(e) => return Err(e.clone()),
        };
        if buf.len() < total {
            // Bounded: `total` passed the cap in `read_prelude`.
            buf.reserve(total - buf.len());
            self.state = State::Body {
                total,
                headers_len,
                crc,
            };
            return Ok(None);
        }
        self.state = State::Prelude;
        match parse_frame(buf.split_to(total), headers_len, crc, &mut self.last) {
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
    /// returns `total_length`, `headers_length` and the CRC of the first 8
    /// bytes.
    fn read_prelude(&self, buf: &[u8]) -> Result<Option<(usize, usize, u32)>, Error> {
        let Some(prelude) = buf.first_chunk::<PRELUDE_LEN>() else {
            return Ok(None);
        };
        let [t0, t1, t2, t3, h0, h1, h2, h3, c0, c1, c2, c3] = *prelude;
        let expected = u32::from_be_bytes([c0, c1, c2, c3]);
        let actual = crc32_prelude(&[t0, t1, t2, t3, h0, h1, h2, h3]);
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
        Ok(Some((
            total_length as usize,
            headers_length as usize,
            actual,
        )))
    }
}

/// Checks the message CRC of a whole frame (whose prelude is already valid) and
/// takes it apart. The payload and long header values are split off the frame
/// without copying; short strings are copied inline.
fn parse_frame(
    mut frame: BytesMut,
    headers_len: usize,
    crc: u32,
    last: &mut LastSection,
) -> Result<Message, Error> {
    let Some((body, stored_crc)) = frame.split_last_chunk::<4>() else {
        // Unreachable: the prelude check guarantees at least 16 bytes.
        return Err(Error::MessageTooShort {
            total_length: frame.len() as u32,
        });
    };
    let expected = u32::from_be_bytes(*stored_crc);
    // Carries on from the prelude's first 8 bytes.
    let actual = crc32_continue(crc, body.get(8..).unwrap_or_default());
    if expected != actual {
        return Err(Error::MessageCrcMismatch { expected, actual });
    }
    // The prelude check guarantees headers_len <= total - 16.
    let payload_start = PRELUDE_LEN + headers_len;
    let payload_len = body.len().saturating_sub(payload_start);
    let section = body.get(PRELUDE_LEN..payload_start).unwrap_or_default();
    if let Some(headers) = known_headers(section) {
        // Byte for byte a section the encoder made from valid headers, so it
        // passes every check the scan below makes.
        frame.advance(payload_start);
        frame.truncate(payload_len);
        return Ok(Message::from_list(
            HeaderList::Static(headers),
            frame.freeze(),
        ));
    }
    let repeated = !last.wire.is_empty() && last.wire[..] == *section;
    if let (true, Some(headers)) = (repeated, &last.headers) {
        // Validated when it was first seen.
        let headers = HeaderList::Shared(Arc::clone(headers));
        frame.advance(payload_start);
        frame.truncate(payload_len);
        return Ok(Message::from_list(headers, frame.freeze()));
    }
    let mut spill = Vec::new();
    let mut inline = [RawHeader::EMPTY; INLINE_RAW];
    let (count, has_long) = scan_headers(body, payload_start, &mut inline, &mut spill)?;
    let raw = if spill.is_empty() {
        inline.get(..count).unwrap_or_default()
    } else {
        &spill[..]
    };
    let headers = if has_long {
        last.wire.clear();
        last.headers = None;
        let head = frame.split_to(payload_start).freeze();
        HeaderList::Owned(build_headers(raw, &head, Some(&head)))
    } else {
        let headers = if repeated {
            // Seen twice in a row: share it from now on.
            let shared: Arc<[Header]> = build_headers(raw, body, None).into();
            last.headers = Some(Arc::clone(&shared));
            HeaderList::Shared(shared)
        } else {
            last.wire.clear();
            last.headers = None;
            if section.len() <= LAST_SECTION_MAX {
                last.wire.extend_from_slice(section);
            }
            HeaderList::Owned(build_headers(raw, body, None))
        };
        frame.advance(payload_start);
        headers
    };
    frame.truncate(payload_len);
    Ok(Message::from_list(headers, frame.freeze()))
}

/// A header section that AWS sends on nearly every message, encoded, with its
/// headers.
struct KnownSection {
    wire: Vec<u8>,
    headers: Vec<Header>,
}

/// The header sections of Amazon Bedrock's stream events and in-stream
/// exceptions, in the order AWS writes the headers: `:event-type` (or
/// `:exception-type`), `:content-type`, `:message-type`. Like HTTP/2's static
/// table: a message whose header section is byte for byte one of these shares
/// its headers (already validated) instead of parsing and allocating them.
static KNOWN_SECTIONS: LazyLock<KnownSections> = LazyLock::new(|| {
    const EVENTS: [&str; 7] = [
        "contentBlockDelta",
        "contentBlockStart",
        "contentBlockStop",
        "messageStart",
        "messageStop",
        "metadata",
        "chunk",
    ];
    const EXCEPTIONS: [&str; 5] = [
        "internalServerException",
        "modelStreamErrorException",
        "validationException",
        "throttlingException",
        "serviceUnavailableException",
    ];
    let section = |kind_name: &'static str, kind: &'static str, message_type: &'static str| {
        let headers = vec![
            Header::new(kind_name, kind),
            Header::new(":content-type", "application/json"),
            Header::new(":message-type", message_type),
        ];
        let mut wire = bytes::BytesMut::new();
        for header in &headers {
            crate::encoder::put_header(header, &mut wire);
        }
        KnownSection {
            wire: wire.to_vec(),
            headers,
        }
    };
    let list: Vec<KnownSection> = EVENTS
        .iter()
        .map(|&e| section(":event-type", e, "event"))
        .chain(
            EXCEPTIONS
                .iter()
                .map(|&e| section(":exception-type", e, "exception")),
        )
        .collect();
    let lengths = list.iter().map(|k| k.wire.len());
    KnownSections {
        min_len: lengths.clone().min().unwrap_or(0),
        max_len: lengths.max().unwrap_or(0),
        list,
    }
});

/// [`KNOWN_SECTIONS`] and the range of their lengths.
struct KnownSections {
    min_len: usize,
    max_len: usize,
    list: Vec<KnownSection>,
}

/// The shared headers of `section` if it is one of [`KNOWN_SECTIONS`].
#[inline]
fn known_headers(section: &[u8]) -> Option<&'static [Header]> {
    let known = &*KNOWN_SECTIONS;
    if section.len() < known.min_len || section.len() > known.max_len {
        return None;
    }
    known
        .list
        .iter()
        .find(|k| k.wire.len() == section.len() && k.wire[..] == *section)
        .map(|k| &k.headers[..])
}

/// Headers up to this many are scanned into a stack array; more go to a `Vec`.
const INLINE_RAW: usize = 8;

/// A string found while scanning the headers: a well-known `&'static str`, or
/// `len` bytes at `start` in the frame, already checked to be UTF-8.
#[derive(Debug, Clone, Copy)]
enum RawText {
    Static(&'static str),
    Frame { start: usize, len: usize },
}

/// A header value found while scanning: the fixed-size values themselves,
/// strings and byte arrays as where they are in the frame.
#[derive(Debug, Clone, Copy)]
enum RawValue {
    Bool(bool),
    Byte(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    ByteArray { start: usize, len: usize },
    String(RawText),
    Timestamp(i64),
    Uuid([u8; 16]),
}

/// A header found while scanning; `offset` is where its name length byte is.
#[derive(Debug, Clone, Copy)]
struct RawHeader {
    offset: usize,
    name: RawText,
    value: RawValue,
}

impl RawHeader {
    const EMPTY: RawHeader = RawHeader {
        offset: 0,
        name: RawText::Static(""),
        value: RawValue::Bool(false),
    };
}

/// Scans and validates the headers in `frame[12..end]` into `inline`, or into
/// `spill` once there are more than [`INLINE_RAW`] (then `spill` holds all of
/// them). Returns how many there are and whether any string or byte array will
/// be a slice of the frame rather than a copy.
fn scan_headers(
    frame: &[u8],
    end: usize,
    inline: &mut [RawHeader; INLINE_RAW],
    spill: &mut Vec<RawHeader>,
) -> Result<(usize, bool), Error> {
    let mut count = 0;
    let mut has_long = false;
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
        let name = match reader.string(usize::from(name_len)) {
            Ok(name) => name,
            Err(Err(e)) => return Err(e),
            Err(Ok(utf8)) => {
                return Err(Error::InvalidHeaderNameUtf8 {
                    offset: offset + 1,
                    valid_up_to: utf8.valid_up_to(),
                });
            }
        };
        has_long |= is_long(name);
        let [type_byte] = reader.array::<1>()?;
        let value = match type_byte {
            type_id::BOOL_TRUE => RawValue::Bool(true),
            type_id::BOOL_FALSE => RawValue::Bool(false),
            type_id::BYTE => RawValue::Byte(i8::from_be_bytes(reader.array()?)),
            type_id::INT16 => RawValue::Int16(i16::from_be_bytes(reader.array()?)),
            type_id::INT32 => RawValue::Int32(i32::from_be_bytes(reader.array()?)),
            type_id::INT64 => RawValue::Int64(i64::from_be_bytes(reader.array()?)),
            type_id::BYTE_ARRAY => {
                let len = usize::from(u16::from_be_bytes(reader.array()?));
                let start = reader.pos;
                reader.skip(len)?;
                has_long |= len > 0;
                RawValue::ByteArray { start, len }
            }
            type_id::STRING => {
                let len = usize::from(u16::from_be_bytes(reader.array()?));
                match reader.string(len) {
                    Ok(value) => {
                        has_long |= is_long(value);
                        RawValue::String(value)
                    }
                    Err(Err(e)) => return Err(e),
                    Err(Ok(utf8)) => {
                        return Err(Error::InvalidStringUtf8 {
                            name: lossy(name_at(frame, offset)),
                            valid_up_to: utf8.valid_up_to(),
                        });
                    }
                }
            }
            type_id::TIMESTAMP => RawValue::Timestamp(i64::from_be_bytes(reader.array()?)),
            type_id::UUID => RawValue::Uuid(reader.array()?),
            other => {
                return Err(Error::UnknownHeaderType {
                    name: lossy(name_at(frame, offset)),
                    type_id: other,
                });
            }
        };
        let raw = RawHeader {
            offset,
            name,
            value,
        };
        match inline.get_mut(count) {
            Some(slot) if spill.is_empty() => *slot = raw,
            _ => {
                if spill.is_empty() {
                    spill.reserve((end / 24).clamp(2 * INLINE_RAW, 1024));
                    spill.extend_from_slice(inline);
                }
                spill.push(raw);
            }
        }
        count += 1;
    }
    let raw = if spill.is_empty() {
        inline.get(..count).unwrap_or_default()
    } else {
        &spill[..]
    };
    if count <= PAIRWISE_DUPLICATE_CHECK_MAX && !has_long {
        // The first header (in wire order) whose name repeats an earlier one.
        for (i, h) in raw.iter().enumerate().skip(1) {
            let name = name_at(frame, h.offset);
            let earlier = raw.get(..i).unwrap_or_default();
            if earlier
                .iter()
                .any(|e| same_bytes(name_at(frame, e.offset), name))
            {
                return Err(Error::DuplicateHeader { name: lossy(name) });
            }
        }
    } else {
        check_unique_sorted(frame, raw)?;
    }
    Ok((count, has_long))
}

/// Whether a string will be a slice of the frame rather than stored inline.
#[inline]
fn is_long(text: RawText) -> bool {
    matches!(text, RawText::Frame { len, .. } if len > INLINE_CAP)
}

/// Builds the headers from a scan of `bytes` (the frame, or its front up to
/// the payload). Long strings and byte arrays are slices of `shared`, which
/// holds the same bytes and is `Some` whenever the scan found any.
fn build_headers(raw: &[RawHeader], bytes: &[u8], shared: Option<&Bytes>) -> Vec<Header> {
    let text = |t: RawText| build_text(t, bytes, shared);
    raw.iter()
        .map(|h| Header {
            name: text(h.name),
            value: match h.value {
                RawValue::Bool(v) => HeaderValue::Bool(v),
                RawValue::Byte(v) => HeaderValue::Byte(v),
                RawValue::Int16(v) => HeaderValue::Int16(v),
                RawValue::Int32(v) => HeaderValue::Int32(v),
                RawValue::Int64(v) => HeaderValue::Int64(v),
                RawValue::ByteArray { start, len } => HeaderValue::ByteArray(match shared {
                    Some(b) if len > 0 => b.slice(start..start + len),
                    _ => Bytes::new(),
                }),
                RawValue::String(t) => HeaderValue::String(text(t)),
                RawValue::Timestamp(v) => HeaderValue::Timestamp(v),
                RawValue::Uuid(v) => HeaderValue::Uuid(v),
            },
        })
        .collect()
}

/// A scanned string as a [`ByteStr`]; see [`build_headers`].
#[inline(always)]
fn build_text(t: RawText, bytes: &[u8], shared: Option<&Bytes>) -> ByteStr {
    match t {
        RawText::Static(s) => ByteStr::from_static(s),
        RawText::Frame { start, len } => {
            let rest = bytes.get(start..).unwrap_or_default();
            ByteStr::inline_prefix(rest, len).unwrap_or_else(|| match shared {
                Some(b) => ByteStr::from_checked_bytes(b.slice(start..start + len)),
                None => ByteStr::default(),
            })
        }
    }
}

/// The name of the header at `offset` (its length byte) in `frame`.
#[inline]
fn name_at(frame: &[u8], offset: usize) -> &[u8] {
    let len = usize::from(frame.get(offset).copied().unwrap_or(0));
    frame.get(offset + 1..offset + 1 + len).unwrap_or_default()
}

/// Text checked to be UTF-8, as a `String` for an error.
#[cold]
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The duplicate check for many headers, or when some are long: sorts the
/// names and reports the first repeated one in sorted order.
#[cold]
fn check_unique_sorted(frame: &[u8], raw: &[RawHeader]) -> Result<(), Error> {
    let mut names: Vec<&[u8]> = raw.iter().map(|h| name_at(frame, h.offset)).collect();
    names.sort_unstable();
    match names.windows(2).find_map(|w| match w {
        [a, b] if a == b => Some(*a),
        _ => None,
    }) {
        Some(name) => Err(Error::DuplicateHeader { name: lossy(name) }),
        None => Ok(()),
    }
}

/// The header names and values that AWS services send on nearly every message
/// (the `:`-prefixed protocol headers, and Amazon Bedrock's event types).
/// Decoding one of them stores a `&'static str`: no copy, and
/// [`ByteStr::as_str`] need not re-check it.
#[inline]
fn well_known(bytes: &[u8]) -> Option<&'static str> {
    // By length first, so that each lookup compares against at most three
    // candidates, each with a fixed-length comparison (no `memcmp` call).
    let candidates: &[&'static str] = match bytes.len() {
        5 => &["event", "error", "chunk"],
        8 => &["metadata"],
        9 => &["exception"],
        11 => &[":event-type", ":error-code", "messageStop"],
        12 => &["messageStart"],
        13 => &[":message-type", ":content-type"],
        14 => &[":error-message"],
        15 => &[":exception-type"],
        16 => &["application/json", "contentBlockStop"],
        17 => &["contentBlockDelta", "contentBlockStart"],
        19 => &["validationException", "throttlingException"],
        // Amazon Bedrock Runtime's exception types.
        23 => &["internalServerException"],
        25 => &["modelStreamErrorException"],
        27 => &["serviceUnavailableException"],
        _ => return None,
    };
    candidates
        .iter()
        .copied()
        .find(|known| same_bytes(known.as_bytes(), bytes))
}

/// `a == b`, with the common short lengths compared as two overlapping
/// fixed-size words rather than by a `memcmp` call.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    fn ends<const N: usize>(s: &[u8]) -> Option<(&[u8; N], &[u8; N])> {
        Some((s.first_chunk::<N>()?, s.last_chunk::<N>()?))
    }
    match a.len() {
        4..=8 => ends::<4>(a) == ends::<4>(b),
        9..=16 => ends::<8>(a) == ends::<8>(b),
        17..=32 => ends::<16>(a) == ends::<16>(b),
        _ => a == b,
    }
}

/// A bounds-checked cursor over the front of a frame; positions are frame offsets.
struct Reader<'a> {
    /// The frame up to the end of the header section.
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

    /// Skips `n` bytes and returns them.
    #[inline]
    fn skip(&mut self, n: usize) -> Result<&'a [u8], Error> {
        match self.data.get(self.pos..).and_then(|rest| rest.get(..n)) {
            Some(bytes) => {
                self.pos += n;
                Ok(bytes)
            }
            None => Err(self.truncated(n)),
        }
    }

    /// The next `n` bytes as a string: well-known or where it is in the frame.
    /// The error is `Err(Ok(_))` for bad UTF-8, `Err(Err(_))` for a truncated
    /// header.
    #[inline(always)]
    fn string(&mut self, n: usize) -> Result<RawText, Result<Utf8Error, Error>> {
        let start = self.pos;
        let bytes = self.skip(n).map_err(Err)?;
        if let Some(known) = well_known(bytes) {
            return Ok(RawText::Static(known));
        }
        // Header names and values are nearly always ASCII, which is quicker to check.
        if !bytes.is_ascii() {
            std::str::from_utf8(bytes).map_err(Ok)?;
        }
        Ok(RawText::Frame { start, len: n })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crc32::crc32;

    /// A frame with valid CRCs around arbitrary header bytes.
    fn raw_frame(headers: &[u8], payload: &[u8]) -> BytesMut {
        let total = (16 + headers.len() + payload.len()) as u32;
        raw_frame_with_lengths(total, headers.len() as u32, headers, payload)
    }

    /// A frame with valid CRCs and the given length fields, whatever the content.
    fn raw_frame_with_lengths(
        total: u32,
        headers_len: u32,
        headers: &[u8],
        payload: &[u8],
    ) -> BytesMut {
        let mut f = Vec::new();
        f.extend_from_slice(&total.to_be_bytes());
        f.extend_from_slice(&headers_len.to_be_bytes());
        let prelude_crc = crc32(&f);
        f.extend_from_slice(&prelude_crc.to_be_bytes());
        f.extend_from_slice(headers);
        f.extend_from_slice(payload);
        let message_crc = crc32(&f);
        f.extend_from_slice(&message_crc.to_be_bytes());
        BytesMut::from(&f[..])
    }

    #[test]
    fn well_known_strings_are_found_and_near_misses_are_not() {
        let all = [
            ":message-type",
            ":event-type",
            ":content-type",
            ":exception-type",
            ":error-code",
            ":error-message",
            "event",
            "exception",
            "error",
            "application/json",
            "messageStart",
            "contentBlockStart",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata",
            "chunk",
            "internalServerException",
            "modelStreamErrorException",
            "validationException",
            "throttlingException",
            "serviceUnavailableException",
        ];
        for known in all {
            assert_eq!(well_known(known.as_bytes()), Some(known));
            for i in 0..known.len() {
                let mut near = known.as_bytes().to_vec();
                near[i] ^= 0x20;
                assert_eq!(well_known(&near), None, "{known} changed at {i}");
            }
            assert_eq!(well_known(&known.as_bytes()[1..]), None);
        }
        assert_eq!(well_known(b""), None);
    }

    #[test]
    fn same_bytes_agrees_with_eq() {
        let data: Vec<u8> = (0..80u8).collect();
        let twin = data.clone();
        for len in 0..40 {
            let a = &data[..len];
            assert!(same_bytes(a, &twin[..len]));
            for i in 0..len {
                let mut b = a.to_vec();
                b[i] ^= 1;
                assert!(!same_bytes(a, &b), "len {len} at {i}");
            }
            assert!(!same_bytes(a, &data[..len + 1]));
        }
    }

    fn decode_one(buf: &mut BytesMut) -> Result<Option<Message>, Error> {
        Decoder::new().decode(buf)
    }

    #[test]
    fn decodes_all_value_types() {
        let mut headers = Vec::new();
        headers.extend_from_slice(b"\x01t\x00");
        headers.extend_from_slice(b"\x01f\x01");
        headers.extend_from_slice(b"\x01b\x02\xff");
        headers.extend_from_slice(b"\x01s\x03\x80\x00");
        headers.extend_from_slice(b"\x01i\x04\x00\x00\xa0\x0c");
        headers.extend_from_slice(b"\x01l\x05\x80\x00\x00\x00\x00\x00\x00\x01");
        headers.extend_from_slice(b"\x01a\x06\x00\x03abc");
        headers.extend_from_slice(b"\x03str\x07\x00\x02\xc3\xa9");
        headers.extend_from_slice(b"\x02ts\x08\x00\x00\x00\x00\x00\x84\x5f\xed");
        headers.extend_from_slice(b"\x01u\x09");
        headers.extend_from_slice(&(0u8..16).collect::<Vec<_>>());
        let mut buf = raw_frame(&headers, b"payload");
        let m = decode_one(&mut buf).unwrap().unwrap();
        assert!(buf.is_empty());
        let expected = Message::new(&b"payload"[..])
            .with_header("t", true)
            .with_header("f", false)
            .with_header("b", -1i8)
            .with_header("s", i16::MIN)
            .with_header("i", 0xa00c_i32)
            .with_header("l", i64::MIN + 1)
            .with_header("a", Bytes::from_static(b"abc"))
            .with_header("str", "é")
            .with_header("ts", HeaderValue::Timestamp(8_675_309))
            .with_header(
                "u",
                <[u8; 16]>::try_from((0u8..16).collect::<Vec<_>>()).unwrap(),
            );
        assert_eq!(m, expected);
        // And the encoder writes the very same bytes.
        assert_eq!(
            expected.to_bytes().unwrap(),
            raw_frame(&headers, b"payload").freeze()
        );
    }

    #[test]
    fn payload_and_headers_share_the_frame_allocation() {
        let mut buf = raw_frame(b"\x01k\x07\x00\x01v", b"0123456789");
        let frame_start = buf.as_ptr() as usize;
        let m = decode_one(&mut buf).unwrap().unwrap();
        assert_eq!(m.payload().as_ptr() as usize, frame_start + 12 + 6);
        // Long strings and byte arrays are slices of the frame too.
        let long = "n".repeat(40);
        let mut headers = vec![40u8];
        headers.extend_from_slice(long.as_bytes());
        headers.extend_from_slice(b"\x06\x00\x02ab");
        let mut buf = raw_frame(&headers, b"");
        let frame_start = buf.as_ptr() as usize;
        let m = decode_one(&mut buf).unwrap().unwrap();
        assert_eq!(m.headers()[0].name(), long.as_str());
        assert_eq!(m.headers()[0].name().as_ptr() as usize, frame_start + 13);
        let value = m.headers()[0].value().as_bytes().unwrap();
        assert_eq!(value.as_ptr() as usize, frame_start + 13 + 40 + 3);
    }

    #[test]
    fn prelude_crc_is_checked_with_only_12_bytes() {
        let mut frame = raw_frame(b"", b"abc");
        frame[3] ^= 0x01; // total_length
        let mut buf = BytesMut::from(&frame[..11]);
        let mut decoder = Decoder::new();
        assert_eq!(decoder.decode(&mut buf), Ok(None));
        buf.extend_from_slice(&frame[11..12]);
        assert!(matches!(
            decoder.decode(&mut buf),
            Err(Error::PreludeCrcMismatch { .. })
        ));
    }

    #[test]
    fn prelude_crc_error_names_both_values() {
        let mut frame = raw_frame(b"", b"");
        frame[11] ^= 0xff;
        let stored = u32::from_be_bytes([frame[8], frame[9], frame[10], frame[11]]);
        assert_eq!(
            decode_one(&mut frame),
            Err(Error::PreludeCrcMismatch {
                expected: stored,
                actual: stored ^ 0xff
            })
        );
    }

    #[test]
    fn huge_length_fails_at_once_without_buffering() {
        let mut buf = raw_frame_with_lengths(u32::MAX, 0, b"", b"");
        buf.truncate(12);
        let capacity = buf.capacity();
        assert_eq!(
            decode_one(&mut buf),
            Err(Error::MessageTooLarge {
                total_length: u64::from(u32::MAX),
                max: DEFAULT_MAX_MESSAGE_SIZE as u64
            })
        );
        assert_eq!(buf.capacity(), capacity);
    }

    #[test]
    fn cap_is_configurable_and_inclusive() {
        let frame = raw_frame(b"", &[7; 100]);
        let mut decoder = Decoder::with_max_message_size(116);
        assert!(decoder.decode(&mut frame.clone()).unwrap().is_some());
        let mut decoder = Decoder::with_max_message_size(115);
        assert_eq!(
            decoder.decode(&mut frame.clone()),
            Err(Error::MessageTooLarge {
                total_length: 116,
                max: 115
            })
        );
        assert_eq!(
            Decoder::new().max_message_size(),
            16 + 128 * 1024 + 24 * 1024 * 1024
        );
    }

    #[test]
    fn incomplete_frame_reserves_exactly_the_frame() {
        let frame = raw_frame(b"", &[1; 5000]);
        let mut buf = BytesMut::from(&frame[..12]);
        let mut decoder = Decoder::new();
        assert_eq!(decoder.decode(&mut buf), Ok(None));
        assert!(buf.capacity() >= frame.len());
        assert!(buf.capacity() < 2 * frame.len());
    }

    #[test]
    fn rejects_short_total_length() {
        let mut buf = raw_frame_with_lengths(15, 0, b"", b"");
        assert_eq!(
            decode_one(&mut buf),
            Err(Error::MessageTooShort { total_length: 15 })
        );
    }

    #[test]
    fn rejects_headers_length_past_the_payload() {
        let mut buf = raw_frame_with_lengths(20, 5, b"", b"abcd");
        assert_eq!(
            decode_one(&mut buf),
            Err(Error::HeadersLengthOutOfRange {
                headers_length: 5,
                total_length: 20
            })
        );
        // Exactly total - 16 is allowed (here the last header byte is then cut short).
        let mut buf = raw_frame_with_lengths(20, 4, b"\x01a\x00", b"\x05");
        assert!(matches!(
            decode_one(&mut buf),
            Err(Error::TruncatedHeader { .. })
        ));
    }

    #[test]
    fn rejects_headers_over_their_cap() {
        let headers = b"\x01a\x06\x00\x10aaaaaaaaaaaaaaaa";
        let mut decoder = Decoder::new();
        decoder.set_max_headers_size(headers.len() - 1);
        assert_eq!(
            decoder.decode(&mut raw_frame(headers, b"")),
            Err(Error::HeadersTooLarge {
                headers_length: headers.len() as u64,
                max: headers.len() as u64 - 1
            })
        );
    }

    #[test]
    fn rejects_empty_header_name() {
        assert_eq!(
            decode_one(&mut raw_frame(b"\x00\x00", b"")),
            Err(Error::InvalidHeaderNameLength {
                offset: 12,
                length: 0
            })
        );
    }

    #[test]
    fn rejects_truncated_headers() {
        // Name runs past the header section.
        assert_eq!(
            decode_one(&mut raw_frame(b"\x05ab", b"payload")),
            Err(Error::TruncatedHeader {
                offset: 13,
                needed: 5,
                remaining: 2
            })
        );
        // Missing type byte.
        assert_eq!(
            decode_one(&mut raw_frame(b"\x01a", b"")),
            Err(Error::TruncatedHeader {
                offset: 14,
                needed: 1,
                remaining: 0
            })
        );
        // Int32 cut short.
        assert!(matches!(
            decode_one(&mut raw_frame(b"\x01a\x04\x00\x00", b"")),
            Err(Error::TruncatedHeader { needed: 4, .. })
        ));
        // String length past the end.
        assert!(matches!(
            decode_one(&mut raw_frame(b"\x01a\x07\x00\x09abc", b"")),
            Err(Error::TruncatedHeader { needed: 9, .. })
        ));
    }

    #[test]
    fn rejects_unknown_types() {
        for type_byte in [10u8, 11, 0x7f, 0xff] {
            assert_eq!(
                decode_one(&mut raw_frame(&[1, b'x', type_byte], b"")),
                Err(Error::UnknownHeaderType {
                    name: "x".into(),
                    type_id: type_byte
                })
            );
        }
    }

    #[test]
    fn rejects_invalid_utf8() {
        assert_eq!(
            decode_one(&mut raw_frame(b"\x02a\xff\x00", b"")),
            Err(Error::InvalidHeaderNameUtf8 {
                offset: 13,
                valid_up_to: 1
            })
        );
        assert_eq!(
            decode_one(&mut raw_frame(b"\x01k\x07\x00\x03ab\xc3", b"")),
            Err(Error::InvalidStringUtf8 {
                name: "k".into(),
                valid_up_to: 2
            })
        );
        // Byte arrays need not be UTF-8.
        assert!(decode_one(&mut raw_frame(b"\x01k\x06\x00\x01\xff", b"")).is_ok());
    }

    #[test]
    fn rejects_repeated_names() {
        assert_eq!(
            decode_one(&mut raw_frame(b"\x01a\x00\x01b\x00\x01a\x01", b"")),
            Err(Error::DuplicateHeader { name: "a".into() })
        );
        // Many headers take the sorting path.
        let mut headers = Vec::new();
        for i in 0..100u8 {
            headers.extend_from_slice(&[2, b'h', i, 0]);
        }
        assert_eq!(
            decode_one(&mut raw_frame(&headers, b"")).map(|m| m.map(|m| m.headers().len())),
            Ok(Some(100))
        );
        headers.extend_from_slice(&[2, b'h', 42, 1]);
        assert_eq!(
            decode_one(&mut raw_frame(&headers, b"")),
            Err(Error::DuplicateHeader { name: "h*".into() })
        );
    }

    #[test]
    fn any_number_of_headers_round_trips() {
        // Around the scan's stack array (8) and the pairwise duplicate check (16).
        for n in [0usize, 1, 7, 8, 9, 15, 16, 17, 40] {
            let mut m = Message::new(&b"p"[..]);
            for i in 0..n {
                let value = match i % 4 {
                    0 => HeaderValue::from(format!("value {i} {}", "x".repeat(i))),
                    1 => HeaderValue::ByteArray(Bytes::from(vec![i as u8; i])),
                    2 => HeaderValue::from(":event-type"),
                    _ => HeaderValue::Int32(i as i32),
                };
                m.push_header(Header::new(ByteStr::from(format!("h{i}")), value));
            }
            let mut buf = BytesMut::from(&m.to_bytes().unwrap()[..]);
            assert_eq!(decode_one(&mut buf), Ok(Some(m)), "{n} headers");
        }
        // More than 8 short headers, the 10th repeating the 3rd and the 11th the
        // 1st: the first repeat in wire order is reported.
        let mut headers = Vec::new();
        for i in 0..9u8 {
            headers.extend_from_slice(&[1, b'a' + i, 0]);
        }
        headers.extend_from_slice(b"\x01c\x00\x01a\x00");
        assert_eq!(
            decode_one(&mut raw_frame(&headers, b"")),
            Err(Error::DuplicateHeader { name: "c".into() })
        );
    }

    #[test]
    fn long_names_and_values_are_checked_like_short_ones() {
        let long = |c: u8| vec![c; 100];
        let header = |name: &[u8], type_and_value: &[u8]| {
            let mut h = vec![name.len() as u8];
            h.extend_from_slice(name);
            h.extend_from_slice(type_and_value);
            h
        };
        // Repeated long names.
        let mut headers = header(&long(b'a'), b"\x00");
        headers.extend(header(b"b", b"\x00"));
        headers.extend(header(&long(b'a'), b"\x01"));
        assert_eq!(
            decode_one(&mut raw_frame(&headers, b"")),
            Err(Error::DuplicateHeader {
                name: "a".repeat(100)
            })
        );
        // Unknown type after a long name names the header.
        assert_eq!(
            decode_one(&mut raw_frame(&header(&long(b'z'), b"\x0b"), b"")),
            Err(Error::UnknownHeaderType {
                name: "z".repeat(100),
                type_id: 11
            })
        );
        // Bad UTF-8 in a long string value, after a long name.
        let mut value = vec![7, 0, 100];
        value.extend(vec![b'v'; 99]);
        value.push(0xff);
        assert_eq!(
            decode_one(&mut raw_frame(&header(&long(b'n'), &value), b"")),
            Err(Error::InvalidStringUtf8 {
                name: "n".repeat(100),
                valid_up_to: 99
            })
        );
        // Bad UTF-8 in a long name.
        let mut name = long(b'n');
        name[50] = 0xc3;
        assert_eq!(
            decode_one(&mut raw_frame(&header(&name, b"\x00"), b"")),
            Err(Error::InvalidHeaderNameUtf8 {
                offset: 13,
                valid_up_to: 50
            })
        );
        // And a valid mix decodes, long values included.
        let mut value = vec![7, 0, 100];
        value.extend("é".repeat(50).as_bytes());
        let mut headers = header(&long(b'n'), &value);
        headers.extend(header(b"short", b"\x07\x00\x02ok"));
        headers.extend(header(&long(b'm'), b"\x06\x00\x03\x00\x01\x02"));
        let m = decode_one(&mut raw_frame(&headers, b"p")).unwrap().unwrap();
        let expected = Message::new(&b"p"[..])
            .with_header("n".repeat(100), "é".repeat(50))
            .with_header("short", "ok")
            .with_header("m".repeat(100), Bytes::from_static(b"\x00\x01\x02"));
        assert_eq!(m, expected);
    }

    /// Scans `section` with the general path, as if it were not a known section.
    fn scan_only(section: &[u8]) -> Result<Vec<Header>, Error> {
        let frame = raw_frame(section, b"");
        let end = PRELUDE_LEN + section.len();
        let mut inline = [RawHeader::EMPTY; INLINE_RAW];
        let mut spill = Vec::new();
        let (count, _) = scan_headers(&frame, end, &mut inline, &mut spill)?;
        let raw = if spill.is_empty() {
            &inline[..count]
        } else {
            &spill[..]
        };
        let shared = frame.clone().freeze();
        Ok(build_headers(raw, &shared, Some(&shared)))
    }

    #[test]
    fn known_sections_decode_like_the_scan() {
        let known = &*KNOWN_SECTIONS;
        assert_eq!(known.list.len(), 12);
        for k in &known.list {
            assert!((known.min_len..=known.max_len).contains(&k.wire.len()));
            assert_eq!(scan_only(&k.wire).unwrap(), k.headers);
            let m = decode_one(&mut raw_frame(&k.wire, b"{}")).unwrap().unwrap();
            assert!(matches!(m.headers, HeaderList::Static(_)));
            assert_eq!(m.headers(), &k.headers[..]);
            assert_eq!(&m.payload()[..], b"{}");
            // The same headers built by hand compare equal, hash alike and
            // encode to the same frame.
            let mut built = Message::new(&b"{}"[..]);
            for h in &k.headers {
                built.push_header(h.clone());
            }
            assert_eq!(m, built);
            assert_eq!(format!("{m:?}"), format!("{built:?}"));
            assert_eq!(m.to_bytes().unwrap(), built.to_bytes().unwrap());
            // Adding a header to a decoded message copies the shared list.
            let mut more = m.clone();
            more.push_header(Header::new("x", 1i32));
            assert_eq!(more.headers().len(), 4);
            assert_eq!(&more.headers()[..3], m.headers());
            let (headers, payload) = m.into_parts();
            assert_eq!(headers, k.headers);
            assert_eq!(&payload[..], b"{}");
        }
    }

    #[test]
    fn near_misses_of_known_sections_take_the_scan() {
        let wire = &KNOWN_SECTIONS.list[0].wire;
        // Any single-byte change is either another valid section (decoded by
        // the scan, to what the scan says) or an error the scan reports.
        for i in 0..wire.len() {
            for flip in [0x01u8, 0x20, 0x80] {
                let mut section = wire.clone();
                section[i] ^= flip;
                let got = decode_one(&mut raw_frame(&section, b"p"));
                match scan_only(&section) {
                    Ok(headers) => {
                        let m = got.unwrap().unwrap();
                        assert!(matches!(m.headers, HeaderList::Owned(_)));
                        assert_eq!(m.headers(), &headers[..]);
                    }
                    Err(e) => assert_eq!(got, Err(e)),
                }
            }
        }
        // The same headers in another order are not in the table.
        let mut section = BytesMut::new();
        for h in KNOWN_SECTIONS.list[0].headers.iter().rev() {
            crate::encoder::put_header(h, &mut section);
        }
        let m = decode_one(&mut raw_frame(&section, b"p")).unwrap().unwrap();
        assert!(matches!(m.headers, HeaderList::Owned(_)));
        assert_eq!(m.headers().len(), 3);
    }

    #[test]
    fn repeated_sections_share_one_header_list() {
        let frame = |name: &'static str, value: &'static str, payload: &'static str| {
            let m = Message::new(payload)
                .with_header(":event-type", "Records")
                .with_header(name, value);
            BytesMut::from(&m.to_bytes().unwrap()[..])
        };
        let kind = |m: &Message| match &m.headers {
            HeaderList::Owned(_) => "owned",
            HeaderList::Static(_) => "static",
            HeaderList::Shared(_) => "shared",
        };
        let mut wire = BytesMut::new();
        for (name, value, payload) in [
            ("a", "1", "p0"),
            ("a", "1", "p1"),
            ("a", "1", "p2"),
            ("b", "2", "p3"),
            ("a", "1", "p4"),
            ("a", "1", "p5"),
        ] {
            wire.extend_from_slice(&frame(name, value, payload));
        }
        let mut decoder = Decoder::new();
        let messages: Vec<Message> =
            std::iter::from_fn(|| decoder.decode(&mut wire).unwrap()).collect();
        let kinds: Vec<&str> = messages.iter().map(kind).collect();
        assert_eq!(
            kinds,
            ["owned", "shared", "shared", "owned", "owned", "shared"]
        );
        for (i, m) in messages.iter().enumerate() {
            assert_eq!(m.payload(), format!("p{i}").as_bytes());
            let expected = if i == 3 { ("b", "2") } else { ("a", "1") };
            assert_eq!(m.header_str(expected.0), Some(expected.1));
            assert_eq!(m.header_str(":event-type"), Some("Records"));
        }
        let (HeaderList::Shared(a), HeaderList::Shared(b)) =
            (&messages[1].headers, &messages[2].headers)
        else {
            panic!("shared");
        };
        assert!(Arc::ptr_eq(a, b));
        assert!(format!("{decoder:?}").contains("shared: true"));

        // A section with a value that would be a slice of the frame is never
        // kept, so the decoder holds no receive buffer.
        let long = "v".repeat(INLINE_CAP + 1);
        let m = Message::new(&b"x"[..]).with_header("k", long);
        let mut wire = BytesMut::new();
        for _ in 0..3 {
            wire.extend_from_slice(&m.to_bytes().unwrap());
        }
        let mut decoder = Decoder::new();
        for _ in 0..3 {
            let got = decoder.decode(&mut wire).unwrap().unwrap();
            assert_eq!(kind(&got), "owned");
            assert_eq!(got, m);
        }
        assert!(decoder.last.wire.is_empty() && decoder.last.headers.is_none());
    }

    #[test]
    fn well_known_strings_decode_like_any_other() {
        let m = Message::new(&b"{}"[..])
            .with_header(":event-type", "contentBlockDelta".to_owned())
            .with_header(":content-type", "application/json".to_owned())
            .with_header(":message-type", "event".to_owned())
            .with_header(":x-custom", "contentBlockDelta!".to_owned());
        let mut buf = BytesMut::from(&m.to_bytes().unwrap()[..]);
        let decoded = decode_one(&mut buf).unwrap().unwrap();
        assert_eq!(decoded, m);
        assert_eq!(decoded.header_str(":event-type"), Some("contentBlockDelta"));
        assert_eq!(decoded.header_str(":x-custom"), Some("contentBlockDelta!"));
    }

    #[test]
    fn message_crc_error_names_both_values() {
        let mut frame = raw_frame(b"", b"abc");
        let n = frame.len();
        let stored = u32::from_be_bytes([frame[n - 4], frame[n - 3], frame[n - 2], frame[n - 1]]);
        frame[12] ^= 0x20;
        let actual = crc32(&frame[..n - 4]);
        assert_eq!(
            decode_one(&mut frame),
            Err(Error::MessageCrcMismatch {
                expected: stored,
                actual
            })
        );
    }

    #[test]
    fn errors_are_sticky() {
        let good = raw_frame(b"", b"ok");
        let mut bad = raw_frame(b"", b"ok");
        bad[13] ^= 1;
        let mut decoder = Decoder::new();
        let mut buf = bad;
        buf.extend_from_slice(&good);
        let first = decoder.decode(&mut buf).unwrap_err();
        assert!(decoder.is_failed());
        assert_eq!(decoder.decode(&mut buf), Err(first.clone()));
        assert_eq!(decoder.decode(&mut good.clone()), Err(first.clone()));
        assert_eq!(decoder.decode_eof(&mut BytesMut::new()), Err(first));
    }

    #[test]
    fn clean_end_and_unexpected_end_differ() {
        let frame = raw_frame(b"\x01a\x00", b"xyz");
        let mut decoder = Decoder::new();
        let mut buf = frame.clone();
        assert!(decoder.decode_eof(&mut buf).unwrap().is_some());
        assert_eq!(decoder.decode_eof(&mut buf), Ok(None));

        // Inside the prelude: the length is not known yet.
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode_eof(&mut BytesMut::from(&frame[..5])),
            Err(Error::UnexpectedEof {
                buffered: 5,
                total_length: None
            })
        );
        assert!(decoder.is_failed());

        // Inside the body.
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode_eof(&mut BytesMut::from(&frame[..frame.len() - 1])),
            Err(Error::UnexpectedEof {
                buffered: frame.len() - 1,
                total_length: Some(frame.len() as u32)
            })
        );
    }

    #[test]
    fn byte_at_a_time_gives_the_same_messages() {
        let mut wire = raw_frame(b"\x01a\x04\x00\x00\x00\x01", b"first");
        wire.extend_from_slice(&raw_frame(b"", b""));
        wire.extend_from_slice(&raw_frame(b"\x02bb\x07\x00\x01z", b"third"));
        let expected: Vec<Message> = {
            let mut buf = wire.clone();
            let mut d = Decoder::new();
            std::iter::from_fn(|| d.decode(&mut buf).unwrap()).collect()
        };
        assert_eq!(expected.len(), 3);
        let mut decoder = Decoder::new();
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for &b in wire.iter() {
            buf.extend_from_slice(&[b]);
            while let Some(m) = decoder.decode(&mut buf).unwrap() {
                got.push(m);
            }
        }
        assert_eq!(decoder.decode_eof(&mut buf), Ok(None));
        assert_eq!(got, expected);
    }
}
