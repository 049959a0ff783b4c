//! Differential tests against `aws-smithy-eventstream`, both ways.

use aws_smithy_eventstream::frame::{
    DecodedFrame, MessageFrameDecoder, read_message_from, write_message_to,
};
use aws_smithy_types::DateTime;
use aws_smithy_types::event_stream as aws;
use bytes::{Bytes, BytesMut};
use eventstream::{ByteStr, Header, HeaderValue, Message};
use proptest::collection::vec;
use proptest::prelude::*;

use crate::support::{decode_all, encode_all, message};

/// Timestamps the AWS type can round-trip through `DateTime`.
const TS_RANGE: std::ops::Range<i64> = -(1 << 52)..(1 << 52);

fn to_aws(message: &Message) -> aws::Message {
    let headers = message
        .headers()
        .iter()
        .map(|h| {
            let value = match h.value() {
                HeaderValue::Bool(v) => aws::HeaderValue::Bool(*v),
                HeaderValue::Byte(v) => aws::HeaderValue::Byte(*v),
                HeaderValue::Int16(v) => aws::HeaderValue::Int16(*v),
                HeaderValue::Int32(v) => aws::HeaderValue::Int32(*v),
                HeaderValue::Int64(v) => aws::HeaderValue::Int64(*v),
                HeaderValue::ByteArray(v) => aws::HeaderValue::ByteArray(v.clone()),
                HeaderValue::String(v) => aws::HeaderValue::String(v.to_string().into()),
                HeaderValue::Timestamp(v) => aws::HeaderValue::Timestamp(DateTime::from_millis(*v)),
                HeaderValue::Uuid(v) => aws::HeaderValue::Uuid(u128::from_be_bytes(*v)),
                other => panic!("unmapped value {other:?}"),
            };
            aws::Header::new(h.name().to_string(), value)
        })
        .collect();
    aws::Message::new_from_parts(headers, message.payload().clone())
}

fn from_aws(message: &aws::Message) -> Message {
    let headers = message
        .headers()
        .iter()
        .map(|h| {
            let value = match h.value() {
                aws::HeaderValue::Bool(v) => HeaderValue::Bool(*v),
                aws::HeaderValue::Byte(v) => HeaderValue::Byte(*v),
                aws::HeaderValue::Int16(v) => HeaderValue::Int16(*v),
                aws::HeaderValue::Int32(v) => HeaderValue::Int32(*v),
                aws::HeaderValue::Int64(v) => HeaderValue::Int64(*v),
                aws::HeaderValue::ByteArray(v) => HeaderValue::ByteArray(v.clone()),
                aws::HeaderValue::String(v) => HeaderValue::from(v.as_str().to_owned()),
                aws::HeaderValue::Timestamp(v) => HeaderValue::Timestamp(v.to_millis().unwrap()),
                aws::HeaderValue::Uuid(v) => HeaderValue::Uuid(v.to_be_bytes()),
                other => panic!("unmapped value {other:?}"),
            };
            Header::new(ByteStr::from(h.name().as_str().to_owned()), value)
        })
        .collect();
    Message::from_parts(headers, message.payload().clone())
}

fn timestamps_in_range(m: &Message) -> bool {
    m.headers().iter().all(|h| {
        h.value()
            .as_timestamp()
            .is_none_or(|t| TS_RANGE.contains(&t))
    })
}

/// Decodes `wire` with AWS's streaming decoder.
fn aws_decode_all(wire: &[u8]) -> Vec<aws::Message> {
    let mut decoder = MessageFrameDecoder::new();
    let mut buf = Bytes::copy_from_slice(wire);
    let mut out = Vec::new();
    while !buf.is_empty() {
        match decoder.decode_frame(&mut buf).unwrap() {
            DecodedFrame::Complete(m) => out.push(m),
            DecodedFrame::Incomplete => panic!("aws decoder stalled"),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Frames from AWS's encoder decode here to the same messages, and our
    /// encoder then writes the very same bytes.
    #[test]
    fn aws_frames_decode_identically_here(messages in vec(message(), 0..5)) {
        prop_assume!(messages.iter().all(timestamps_in_range));
        let mut wire = Vec::new();
        for m in &messages {
            write_message_to(&to_aws(m), &mut wire).unwrap();
        }
        let ours = decode_all(&wire).unwrap();
        prop_assert_eq!(&ours, &messages);
        prop_assert_eq!(&encode_all(&ours)[..], &wire[..]);
    }

    /// Frames from our encoder decode identically with AWS's decoders.
    #[test]
    fn our_frames_decode_identically_there(messages in vec(message(), 0..5)) {
        prop_assume!(messages.iter().all(timestamps_in_range));
        let wire = encode_all(&messages);
        let theirs = aws_decode_all(&wire);
        prop_assert_eq!(theirs.len(), messages.len());
        for (theirs, ours) in theirs.iter().zip(&messages) {
            prop_assert_eq!(&from_aws(theirs), ours);
            prop_assert_eq!(theirs, &to_aws(ours));
        }
        for m in &messages {
            let frame = m.to_bytes().unwrap();
            prop_assert_eq!(&from_aws(&read_message_from(frame).unwrap()), m);
        }
    }

    /// Both decoders accept or reject the same single-byte corruptions of a
    /// valid frame (AWS does not check for repeated names, and neither decoder
    /// accepts a CRC failure).
    #[test]
    fn both_reject_corrupted_frames(m in message(), at in any::<prop::sample::Index>(), mask in 1u8..) {
        prop_assume!(timestamps_in_range(&m));
        let mut frame = BytesMut::from(&m.to_bytes().unwrap()[..]);
        let at = at.index(frame.len());
        frame[at] ^= mask;
        let ours = decode_all(&frame);
        prop_assert!(ours.is_err());
        let theirs = read_message_from(frame.freeze());
        prop_assert!(theirs.is_err());
    }
}

#[test]
fn bedrock_like_frame_matches_aws_byte_for_byte() {
    let message = Message::new(&br#"{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abc"}"#[..])
        .with_header(":event-type", "contentBlockDelta")
        .with_header(":content-type", "application/json")
        .with_header(":message-type", "event");
    let mut theirs = Vec::new();
    write_message_to(&to_aws(&message), &mut theirs).unwrap();
    assert_eq!(&message.to_bytes().unwrap()[..], &theirs[..]);
    assert_eq!(decode_all(&theirs).unwrap(), vec![message]);
}
