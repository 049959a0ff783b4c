//! Feeds arbitrary bytes to the decoder in arbitrary chunks.
//!
//! Checks: no panic; the buffer never holds more than one capped frame plus one
//! chunk; after an error the decoder keeps returning it; the messages decoded
//! before an error are the same whether the input comes whole or in chunks.
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

fuzz_target!(|input: &[u8]| {
    // The first byte picks a chunk size; the rest is the stream.
    let Some((&first, data)) = input.split_first() else {
        return;
    };
    let chunk = usize::from(first % 64) + 1;
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
