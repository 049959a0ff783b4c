//! Writing frames.

use bytes::{BufMut, BytesMut};

use crate::crc32::crc32;
use crate::error::Error;
use crate::header::{Header, HeaderValue};
use crate::message::Message;
use crate::{MIN_MESSAGE_LEN, PRELUDE_LEN};

/// Header lists up to this long are checked for repeats pairwise; longer ones
/// are sorted.
pub(crate) const PAIRWISE_DUPLICATE_CHECK_MAX: usize = 16;

/// Appends the frame of `message` to `dst`.
///
/// The frame is exactly the layout: big-endian `total_length` and
/// `headers_length`, the prelude CRC, the headers in order, the payload and the
/// message CRC. A `Bool` is written as type 0 or 1 with no value byte.
///
/// ```
/// use bytes::BytesMut;
///
/// # fn main() -> Result<(), eventstream::Error> {
/// let mut dst = BytesMut::new();
/// eventstream::encode(&eventstream::Message::new(&b""[..]), &mut dst)?;
/// assert_eq!(
///     &dst[..],
///     b"\x00\x00\x00\x10\x00\x00\x00\x00\x05\xc2\x48\xeb\x7d\x98\xc8\xff"
/// );
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// Fails, leaving `dst` unchanged, if the message cannot be framed: a header
/// name is empty or over 255 bytes ([`Error::InvalidHeaderNameLength`]), a name
/// repeats ([`Error::DuplicateHeader`]), a string or byte-array value is over
/// 65,535 bytes ([`Error::HeaderValueTooLong`]), or the frame would exceed
/// `u32::MAX` bytes ([`Error::HeadersTooLarge`], [`Error::MessageTooLarge`]).
pub fn encode(message: &Message, dst: &mut BytesMut) -> Result<(), Error> {
    let (total, headers_len) = frame_len(message)?;
    dst.reserve(total);
    let start = dst.len();
    // Both lengths were checked to fit in u32 by `frame_len`.
    let prelude = ((total as u64) << 32 | headers_len as u64).to_be_bytes();
    dst.put_slice(&prelude);
    dst.put_u32(crc32(&prelude));
    for header in message.headers() {
        put_header(header, dst);
    }
    dst.put_slice(message.payload());
    let message_crc = crc32(dst.get(start..).unwrap_or_default());
    dst.put_u32(message_crc);
    Ok(())
}

/// Validates `message` for framing and returns `(total_length, headers_length)`.
pub(crate) fn frame_len(message: &Message) -> Result<(usize, usize), Error> {
    let headers = message.headers();
    let mut headers_len: usize = 0;
    for header in headers {
        let name_len = header.name().as_bytes().len();
        if !(1..=255).contains(&name_len) {
            return Err(Error::InvalidHeaderNameLength {
                offset: 0,
                length: name_len,
            });
        }
        let value_len = match header.value() {
            HeaderValue::ByteArray(v) => v.len(),
            HeaderValue::String(v) => v.as_bytes().len(),
            _ => 0,
        };
        if value_len > usize::from(u16::MAX) {
            return Err(Error::HeaderValueTooLong {
                name: header.name().to_string(),
                length: value_len,
            });
        }
        headers_len = headers_len.saturating_add(1 + name_len + header.value().encoded_len());
    }
    check_unique(headers)?;
    if headers_len > u32::MAX as usize {
        return Err(Error::HeadersTooLarge {
            headers_length: headers_len as u64,
            max: u64::from(u32::MAX),
        });
    }
    let total = MIN_MESSAGE_LEN
        .saturating_add(headers_len)
        .saturating_add(message.payload().len());
    if total > u32::MAX as usize {
        return Err(Error::MessageTooLarge {
            total_length: total as u64,
            max: u64::from(u32::MAX),
        });
    }
    debug_assert!(total >= PRELUDE_LEN + 4);
    Ok((total, headers_len))
}

/// Fails with [`Error::DuplicateHeader`] if a name appears twice.
pub(crate) fn check_unique(headers: &[Header]) -> Result<(), Error> {
    let duplicate = if headers.len() <= PAIRWISE_DUPLICATE_CHECK_MAX {
        headers.iter().enumerate().find_map(|(i, h)| {
            headers
                .iter()
                .take(i)
                .any(|earlier| earlier.name().as_bytes() == h.name().as_bytes())
                .then(|| h.name().as_str())
        })
    } else {
        let mut names: Vec<&str> = headers.iter().map(|h| h.name().as_str()).collect();
        names.sort_unstable();
        names.windows(2).find_map(|w| match w {
            [a, b] if a == b => Some(*a),
            _ => None,
        })
    };
    match duplicate {
        Some(name) => Err(Error::DuplicateHeader {
            name: name.to_owned(),
        }),
        None => Ok(()),
    }
}

pub(crate) fn put_header(header: &Header, dst: &mut BytesMut) {
    let name = header.name().as_bytes();
    // Checked to be 1..=255 by `frame_len`.
    dst.put_u8(name.len() as u8);
    dst.put_slice(name);
    let value = header.value();
    dst.put_u8(value.type_id());
    match value {
        HeaderValue::Bool(_) => {}
        HeaderValue::Byte(v) => dst.put_i8(*v),
        HeaderValue::Int16(v) => dst.put_i16(*v),
        HeaderValue::Int32(v) => dst.put_i32(*v),
        HeaderValue::Int64(v) | HeaderValue::Timestamp(v) => dst.put_i64(*v),
        HeaderValue::ByteArray(v) => {
            // Checked to be at most u16::MAX by `frame_len`.
            dst.put_u16(v.len() as u16);
            dst.put_slice(v);
        }
        HeaderValue::String(v) => {
            dst.put_u16(v.as_bytes().len() as u16);
            dst.put_slice(v.as_bytes());
        }
        HeaderValue::Uuid(v) => dst.put_slice(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn rejects_bad_name_lengths() {
        let m = Message::new(Bytes::new()).with_header("", true);
        assert_eq!(
            m.to_bytes(),
            Err(Error::InvalidHeaderNameLength {
                offset: 0,
                length: 0
            })
        );
        let long = "n".repeat(256);
        let m = Message::new(Bytes::new()).with_header(long, true);
        assert_eq!(
            m.to_bytes(),
            Err(Error::InvalidHeaderNameLength {
                offset: 0,
                length: 256
            })
        );
        let ok = "n".repeat(255);
        assert!(
            Message::new(Bytes::new())
                .with_header(ok, true)
                .to_bytes()
                .is_ok()
        );
    }

    #[test]
    fn rejects_long_values() {
        let m = Message::new(Bytes::new()).with_header("s", "x".repeat(65_536));
        assert_eq!(
            m.to_bytes(),
            Err(Error::HeaderValueTooLong {
                name: "s".into(),
                length: 65_536
            })
        );
        let m = Message::new(Bytes::new()).with_header("b", Bytes::from(vec![0; 65_535]));
        assert_eq!(
            m.to_bytes().map(|b| b.len()),
            Ok(16 + 1 + 1 + 1 + 2 + 65_535)
        );
    }

    #[test]
    fn rejects_duplicates_small_and_large() {
        let m = Message::new(Bytes::new())
            .with_header("a", 1i32)
            .with_header("b", 2i32)
            .with_header("a", 3i32);
        assert_eq!(
            m.to_bytes(),
            Err(Error::DuplicateHeader { name: "a".into() })
        );
        let mut m = Message::new(Bytes::new());
        for i in 0..40 {
            m.push_header(Header::new(format!("h{i}"), i));
        }
        assert!(m.to_bytes().is_ok());
        m.push_header(Header::new("h17".to_owned(), true));
        assert_eq!(
            m.to_bytes(),
            Err(Error::DuplicateHeader { name: "h17".into() })
        );
    }

    #[test]
    fn failed_encode_leaves_dst_unchanged() {
        let mut dst = BytesMut::from(&b"abc"[..]);
        let m = Message::new(Bytes::new()).with_header("", true);
        assert!(m.encode_to(&mut dst).is_err());
        assert_eq!(&dst[..], b"abc");
    }

    #[test]
    fn appends_after_existing_bytes() {
        let mut dst = BytesMut::from(&b"abc"[..]);
        let m = Message::new(&b"xy"[..]).with_header("k", "v");
        m.encode_to(&mut dst).unwrap();
        assert_eq!(&dst[..3], b"abc");
        assert_eq!(dst[3..], m.to_bytes().unwrap()[..]);
        assert_eq!(m.encoded_len(), Ok(dst.len() - 3));
    }
}
