//! Feeds arbitrary bytes to the decoder in arbitrary chunks.
//!
//! Checks: no panic; the buffer never holds more than one capped frame plus one
//! chunk; after an error the decoder keeps returning it; the messages decoded
//! before an error are the same whether the input comes whole or in chunks.
//!
//! Random bytes almost never carry valid CRCs, so on its own the fuzzer stays
//! in the prelude check. When bit 7 of the first byte is set, the CRCs of each
//! frame in the input are rewritten to be valid first, which lets it reach the
//! length checks, the header parser and the duplicate check.
#![no_main]

use bytes::BytesMut;
use eventstream::{Decoder, Error, Message};
use libfuzzer_sys::fuzz_target;

/// A small cap so that the fuzzer can reach it.
const CAP: usize = 4096;

fn run(data: &[u8], chunk: usize) -> (Vec<Message>, Option<Error>) {
    let mut decoder = Decoder::with_max_message_size(CAP);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for piece in data.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            let result = decoder.decode(&mut buf);
            assert!(buf.len() < CAP + chunk, "buffered {} bytes", buf.len());
            match result {
                Ok(Some(message)) => out.push(message),
                Ok(None) => break,
                Err(e) => {
                    assert_eq!(decoder.decode(&mut buf), Err(e.clone()));
                    return (out, Some(e));
                }
            }
        }
    }
    match decoder.decode_eof(&mut buf) {
        Ok(Some(message)) => {
            out.push(message);
            (out, None)
        }
        Ok(None) => (out, None),
        Err(e) => (out, Some(e)),
    }
}

/// Bitwise CRC-32/ISO-HDLC, independent of the crate's.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Makes the prelude and message CRCs of each frame in `data` valid, as far
/// as the lengths in the preludes say the frames go.
fn fix_crcs(data: &mut [u8]) {
    let mut at = 0;
    while let Some(prelude) = data.get(at..at + 8) {
        let total = u32::from_be_bytes([prelude[0], prelude[1], prelude[2], prelude[3]]) as usize;
        let prelude_crc = crc32(prelude).to_be_bytes();
        let Some(slot) = data.get_mut(at + 8..at + 12) else {
            return;
        };
        slot.copy_from_slice(&prelude_crc);
        if total < 16 || data.len() - at < total {
            return;
        }
        let message_crc = crc32(&data[at..at + total - 4]).to_be_bytes();
        data[at + total - 4..at + total].copy_from_slice(&message_crc);
        at += total;
    }
}

fuzz_target!(|input: &[u8]| {
    // The first byte picks a chunk size and whether to fix the CRCs; the rest
    // is the stream.
    let Some((&first, data)) = input.split_first() else {
        return;
    };
    let chunk = usize::from(first % 64) + 1;
    let mut fixed;
    let data = if first & 0x80 != 0 {
        fixed = data.to_vec();
        fix_crcs(&mut fixed);
        &fixed[..]
    } else {
        data
    };
    let whole = run(data, data.len().max(1));
    let split = run(data, chunk);
    assert_eq!(whole, split, "chunk size {chunk}");
    // Whatever decodes re-encodes to frames that decode the same.
    for message in &whole.0 {
        let frame = message.to_bytes().expect("a decoded message re-encodes");
        let again = run(&frame, frame.len().max(1));
        assert_eq!(again, (vec![message.clone()], None));
    }
});
