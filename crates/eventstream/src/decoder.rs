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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(m.headers()[0].name().as_ptr() as usize, frame_start + 13);
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
