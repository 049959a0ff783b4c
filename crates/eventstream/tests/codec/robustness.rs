//! Arbitrary input: never a panic, and never more buffered than the cap allows.

use bytes::BytesMut;
use eventstream::{Decoder, Error};
use proptest::collection::vec;
use proptest::prelude::*;

use crate::support::{encode_all, message};

/// Feeds `input` in chunks of `chunk` bytes to a decoder capped at `cap` and
/// checks the buffer bound after every call.
fn feed(input: &[u8], chunk: usize, cap: usize) -> Result<usize, Error> {
    let mut decoder = Decoder::with_max_message_size(cap);
    let mut buf = BytesMut::new();
    let mut count = 0;
    for piece in input.chunks(chunk.max(1)) {
        buf.extend_from_slice(piece);
        loop {
            let result = decoder.decode(&mut buf);
            // What stays buffered is part of one frame the cap allows, plus at
            // most one chunk; the decoder reserves at most up to the frame.
            assert!(
                buf.len() < cap.max(12) + chunk.max(1),
                "buffered {}",
                buf.len()
            );
            assert!(
                buf.capacity() <= cap.max(12) + input.len(),
                "capacity {}",
                buf.capacity()
            );
            match result {
                Ok(Some(_)) => count += 1,
                Ok(None) => break,
                Err(e) => {
                    assert!(decoder.is_failed());
                    assert_eq!(decoder.decode(&mut buf), Err(e.clone()));
                    return Err(e);
                }
            }
        }
    }
    decoder
        .decode_eof(&mut buf)
        .map(|m| count + usize::from(m.is_some()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Random bytes never panic the decoder.
    #[test]
    fn arbitrary_bytes_never_panic(input in vec(any::<u8>(), 0..2048), chunk in 1usize..64) {
        let _ = feed(&input, chunk, 1024);
    }

    /// Random bytes after a valid prelude (so the length fields are believed)
    /// never panic and never buffer past the cap.
    #[test]
    fn arbitrary_bodies_never_panic(
        total in 0u32..4096,
        headers_len in 0u32..4096,
        body in vec(any::<u8>(), 0..4096),
        chunk in 1usize..512,
        cap in 16usize..4096,
    ) {
        let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
        let mut input = Vec::new();
        input.extend_from_slice(&total.to_be_bytes());
        input.extend_from_slice(&headers_len.to_be_bytes());
        let prelude_crc = crc.checksum(&input);
        input.extend_from_slice(&prelude_crc.to_be_bytes());
        input.extend_from_slice(&body);
        let _ = feed(&input, chunk, cap);
    }

    /// Valid messages with arbitrary bytes appended: the valid ones come out
    /// first, and the garbage ends in an error or a clean stop, never a panic.
    #[test]
    fn garbage_after_valid_frames(messages in vec(message(), 1..4), tail in vec(any::<u8>(), 1..64)) {
        let mut input = encode_all(&messages).to_vec();
        input.extend_from_slice(&tail);
        let result = feed(&input, 7, eventstream::DEFAULT_MAX_MESSAGE_SIZE);
        prop_assert!(result.is_err() || result == Ok(messages.len() + 1));
    }
}

#[test]
fn four_gib_length_is_rejected_from_the_prelude() {
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let mut prelude = Vec::new();
    prelude.extend_from_slice(&u32::MAX.to_be_bytes());
    prelude.extend_from_slice(&0u32.to_be_bytes());
    let c = crc.checksum(&prelude);
    prelude.extend_from_slice(&c.to_be_bytes());
    let mut buf = BytesMut::from(&prelude[..]);
    let error = Decoder::new().decode(&mut buf).unwrap_err();
    assert!(
        matches!(error, Error::MessageTooLarge { total_length, .. } if total_length == u64::from(u32::MAX))
    );
    assert!(buf.capacity() < 1024);
}
