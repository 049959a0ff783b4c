//! Decoding throughput against `aws-smithy-eventstream`'s `MessageFrameDecoder`,
//! in the same run, with plain CRC-32 over the same bytes as the floor.
//!
//! ```sh
//! cargo bench -p eventstream --bench decode
//! cargo bench -p eventstream --bench decode --features crc32fast
//! ```

// reason: `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use bytes::{Bytes, BytesMut};
use criterion::{BatchSize, Criterion, Throughput, black_box, criterion_group, criterion_main};
use eventstream::{Decoder, Message};

/// `n` Bedrock-like contentBlockDelta frames: three string headers and a JSON
/// payload of about 100 bytes (the frames are about 209 bytes).
fn small_frames(n: usize) -> Bytes {
    small_frames_with(n, "contentBlockDelta", "application/json")
}

/// `n` frames like [`small_frames`] but with header values that are not among
/// the well-known AWS strings and a header section that is not in the
/// decoder's table of Bedrock sections (S3 Select-like `Records` events), so
/// that the general header scan is what is timed.
fn small_frames_uncommon_headers(n: usize) -> Bytes {
    small_frames_with(n, "Records", "application/octet-stream")
}

/// `n` frames of ~100-byte JSON payloads with these `:event-type` and
/// `:content-type` values and `:message-type: event`.
fn small_frames_with(n: usize, event_type: &'static str, content_type: &'static str) -> Bytes {
    let mut wire = BytesMut::new();
    for i in 0..n {
        let payload = format!(
            r#"{{"contentBlockIndex":0,"delta":{{"text":" token{i:05}"}},"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"}}"#
        );
        Message::new(payload)
            .with_header(":event-type", event_type)
            .with_header(":content-type", content_type)
            .with_header(":message-type", "event")
            .encode_to(&mut wire)
            .expect("valid frame");
    }
    wire.freeze()
}

/// `n` frames with 64 KiB payloads and the same three headers.
fn large_frames(n: usize) -> Bytes {
    let mut wire = BytesMut::new();
    for i in 0..n {
        let payload: Vec<u8> = (0..64 * 1024).map(|j| (i * 31 + j * 7) as u8).collect();
        Message::new(payload)
            .with_header(":event-type", "chunk")
            .with_header(":content-type", "application/octet-stream")
            .with_header(":message-type", "event")
            .encode_to(&mut wire)
            .expect("valid frame");
    }
    wire.freeze()
}

/// Decodes every frame with this crate, dropping each message as a consumer
/// would. The emptied buffer is returned so that freeing it is not timed.
fn ours(mut buf: BytesMut) -> (usize, BytesMut) {
    let mut decoder = Decoder::new();
    let mut count = 0;
    while let Some(message) = decoder.decode(&mut buf).expect("valid input") {
        black_box(&message);
        count += 1;
    }
    (count, buf)
}

/// Decodes every frame with aws-smithy-eventstream's streaming decoder.
fn aws(mut buf: Bytes) -> (usize, Bytes) {
    let mut decoder = MessageFrameDecoder::new();
    let mut count = 0;
    while !buf.is_empty() {
        match decoder.decode_frame(&mut buf).expect("valid input") {
            DecodedFrame::Complete(message) => {
                black_box(&message);
                count += 1;
            }
            DecodedFrame::Incomplete => break,
        }
    }
    (count, buf)
}

static TABLE16: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISO_HDLC);

fn bench_workload(c: &mut Criterion, name: &str, wire: &Bytes, frames: usize, per_frame: bool) {
    let mut group = c.benchmark_group(name);
    group.throughput(if per_frame {
        Throughput::Elements(frames as u64)
    } else {
        Throughput::Bytes(wire.len() as u64)
    });
    let backend = if cfg!(feature = "crc32fast") {
        "crc32fast"
    } else {
        "crc-table16"
    };
    group.bench_function(format!("eventstream ({backend})"), |b| {
        b.iter_batched(
            || BytesMut::from(&wire[..]),
            |buf| {
                let (count, buf) = ours(buf);
                assert_eq!(count, frames);
                buf
            },
            BatchSize::LargeInput,
        );
    });
    group.bench_function("aws-smithy-eventstream", |b| {
        b.iter_batched(
            || wire.clone(),
            |buf| {
                let (count, buf) = aws(buf);
                assert_eq!(count, frames);
                buf
            },
            BatchSize::LargeInput,
        );
    });
    group.bench_function("crc32 floor (crc-table16)", |b| {
        b.iter(|| TABLE16.checksum(black_box(&wire[..])));
    });
    #[cfg(feature = "crc32fast")]
    group.bench_function("crc32 floor (crc32fast)", |b| {
        b.iter(|| crc32fast::hash(black_box(&wire[..])));
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    let small = small_frames(1000);
    println!("small frames: 1000 frames, {} bytes", small.len());
    bench_workload(c, "decode/1000_small_frames", &small, 1000, true);
    let uncommon = small_frames_uncommon_headers(1000);
    println!(
        "small frames, uncommon headers: 1000 frames, {} bytes",
        uncommon.len()
    );
    bench_workload(
        c,
        "decode/1000_small_frames_uncommon_headers",
        &uncommon,
        1000,
        true,
    );
    let large = large_frames(100);
    println!("large frames: 100 frames, {} bytes", large.len());
    bench_workload(c, "decode/100_frames_64KiB", &large, 100, false);
}

fn encode(c: &mut Criterion) {
    let wire = small_frames(1000);
    let mut decoder = Decoder::new();
    let mut buf = BytesMut::from(&wire[..]);
    let messages: Vec<Message> =
        std::iter::from_fn(|| decoder.decode(&mut buf).expect("valid")).collect();
    let mut group = c.benchmark_group("encode/1000_small_frames");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("eventstream", |b| {
        let mut out = BytesMut::with_capacity(wire.len());
        b.iter(|| {
            out.clear();
            for m in &messages {
                m.encode_to(&mut out).expect("valid");
            }
            black_box(out.len())
        });
    });
    group.finish();
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
