//! Builds a message from arbitrary bytes, encodes it and decodes it again.
#![no_main]

use bytes::{Bytes, BytesMut};
use eventstream::{ByteStr, Decoder, Header, HeaderValue, Message};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let mut rest = input;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = rest.split_at_checked(n)?;
        rest = tail;
        Some(head)
    };
    let mut headers = Vec::new();
    while let Some(&[kind, len]) = take(2) {
        let Some(name) = take(usize::from(len % 40)) else {
            break;
        };
        let name = ByteStr::from(String::from_utf8_lossy(name).into_owned());
        let Some(raw) = take(16) else {
            break;
        };
        let int = i64::from_be_bytes(raw[..8].try_into().unwrap_or_default());
        let value = match kind % 10 {
            0 => HeaderValue::Bool(int & 1 == 0),
            1 => HeaderValue::Byte(int as i8),
            2 => HeaderValue::Int16(int as i16),
            3 => HeaderValue::Int32(int as i32),
            4 => HeaderValue::Int64(int),
            5 => HeaderValue::ByteArray(Bytes::copy_from_slice(raw)),
            6 => HeaderValue::from(String::from_utf8_lossy(raw).into_owned()),
            7 => HeaderValue::Timestamp(int),
            _ => HeaderValue::Uuid(raw.try_into().unwrap_or_default()),
        };
        headers.push(Header::new(name, value));
    }
    let message = Message::from_parts(headers, Bytes::copy_from_slice(rest));
    let Ok(frame) = message.to_bytes() else {
        // Empty or repeated names: the encoder refuses them.
        return;
    };
    let mut buf = BytesMut::from(&frame[..]);
    let decoded = Decoder::new().decode_eof(&mut buf).expect("our own frame decodes");
    assert_eq!(decoded, Some(message));
    assert!(buf.is_empty());
});
