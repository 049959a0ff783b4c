//! Shared helpers: decoding whole inputs, and proptest strategies for messages.

use bytes::{Bytes, BytesMut};
use eventstream::{ByteStr, Decoder, Error, Header, HeaderValue, Message};
use proptest::collection::vec;
use proptest::prelude::*;

/// Decodes all of `wire`, fed in one piece.
pub(crate) fn decode_all(wire: &[u8]) -> Result<Vec<Message>, Error> {
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::from(wire);
    let mut out = Vec::new();
    while let Some(m) = decoder.decode_eof(&mut buf)? {
        out.push(m);
    }
    Ok(out)
}

/// Decodes `wire` fed in chunks cut at `cuts` (sorted offsets), returning the
/// messages and the first error, if any.
pub(crate) fn decode_split(wire: &[u8], cuts: &[usize]) -> (Vec<Message>, Option<Error>) {
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut start = 0;
    let ends = cuts.iter().copied().chain(std::iter::once(wire.len()));
    for end in ends {
        let end = end.clamp(start, wire.len());
        buf.extend_from_slice(&wire[start..end]);
        start = end;
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(m)) => out.push(m),
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
    }
    match decoder.decode_eof(&mut buf) {
        Ok(None) => (out, None),
        Ok(Some(m)) => {
            out.push(m);
            (out, None)
        }
        Err(e) => (out, Some(e)),
    }
}

/// Encodes `messages` back to back.
pub(crate) fn encode_all(messages: &[Message]) -> Bytes {
    let mut wire = BytesMut::new();
    for m in messages {
        m.encode_to(&mut wire).expect("valid message");
    }
    wire.freeze()
}

/// Any header value, with lengths kept modest.
pub(crate) fn header_value() -> impl Strategy<Value = HeaderValue> {
    prop_oneof![
        any::<bool>().prop_map(HeaderValue::Bool),
        any::<i8>().prop_map(HeaderValue::Byte),
        any::<i16>().prop_map(HeaderValue::Int16),
        any::<i32>().prop_map(HeaderValue::Int32),
        any::<i64>().prop_map(HeaderValue::Int64),
        vec(any::<u8>(), 0..40).prop_map(|v| HeaderValue::ByteArray(Bytes::from(v))),
        ".{0,20}".prop_map(HeaderValue::from),
        any::<i64>().prop_map(HeaderValue::Timestamp),
        any::<[u8; 16]>().prop_map(HeaderValue::Uuid),
    ]
}

/// A valid message: 0 to 8 headers with distinct names of 1 to 255 bytes.
pub(crate) fn message() -> impl Strategy<Value = Message> {
    (
        proptest::collection::btree_map("[:a-zA-Z0-9_-]{1,12}|.{1,30}", header_value(), 0..8),
        vec(any::<u8>(), 0..200),
    )
        .prop_map(|(headers, payload)| {
            let headers = headers
                .into_iter()
                .filter(|(name, _)| (1..=255).contains(&name.len()))
                .map(|(name, value)| Header::new(ByteStr::from(name), value))
                .collect();
            Message::from_parts(headers, payload)
        })
}
