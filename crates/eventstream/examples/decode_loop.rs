//! A profiling driver for the small-frame decode path: decodes the bench's
//! 1,000 Bedrock-like contentBlockDelta frames `ROUNDS` times with this crate
//! (`ours`) or aws-smithy-eventstream (`aws`).
//!
//! ```text
//! CARGO_PROFILE_RELEASE_DEBUG=1 CARGO_TARGET_DIR=/tmp/es-prof \
//!     cargo build --release -p eventstream --example decode_loop
//! valgrind --tool=callgrind /tmp/es-prof/release/examples/decode_loop ours 20
//! ```
//!
//! `decode_loop time 2000` times both, interleaved, and prints min and median
//! ns/frame, after some floors: the crc crate's Table<16> CRC over each frame
//! (called plainly, prelude then the rest, as the decoder did before it hashed
//! the odd bytes as a zero-padded block; and in one call over various
//! lengths), and
//! `BytesMut::split_to` + `freeze` + drop per frame (two atomic reference-count
//! updates, which any zero-copy payload costs).
//!
//! With `DECODE_LOOP_HEADERS=uncommon`, the frames carry header values outside
//! the decoder's table of Bedrock header sections (the bench's
//! `1000_small_frames_uncommon_headers`), so the general header scan is timed
//! once and the decoder's shared copy of the repeated section after that; with
//! `DECODE_LOOP_HEADERS=unique`, every frame's section is different (an
//! `:event-type` of `R000000`, `R000001`, ...), so every frame is scanned.
//!
//! Instructions per frame: (count of `ours 20` - count of `ours 0`) / 20,000.
//! That includes copying the input into a fresh `BytesMut` each round (about
//! 209 memcpy instructions per frame), which the criterion bench leaves out.

use std::hint::black_box;
use std::time::Instant;

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use bytes::{Bytes, BytesMut};
use eventstream::{Decoder, Message};

/// The bench's small frames (about 209 bytes each).
fn small_frames(n: usize) -> Bytes {
    let mut wire = BytesMut::new();
    for i in 0..n {
        let payload = format!(
            r#"{{"contentBlockIndex":0,"delta":{{"text":" token{i:05}"}},"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"}}"#
        );
        let (event_type, content_type) = match std::env::var("DECODE_LOOP_HEADERS").as_deref() {
            Ok("uncommon") => ("Records".to_owned(), "application/octet-stream"),
            // A different header section on every frame: nothing to share.
            Ok("unique") => (format!("R{i:06}"), "application/octet-stream"),
            _ => ("contentBlockDelta".to_owned(), "application/json"),
        };
        Message::new(payload)
            .with_header(":event-type", event_type)
            .with_header(":content-type", content_type)
            .with_header(":message-type", "event")
            .encode_to(&mut wire)
            .expect("valid frame");
    }
    wire.freeze()
}

static TABLE16: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISO_HDLC);

/// Decodes all of `buf` with this crate; returns the frame count.
fn ours(mut buf: BytesMut) -> (usize, BytesMut) {
    let mut decoder = Decoder::new();
    let mut count = 0;
    while let Some(m) = decoder.decode(&mut buf).expect("valid") {
        black_box(&m);
        count += 1;
    }
    (count, buf)
}

/// Decodes all of `buf` with aws-smithy-eventstream; returns the frame count.
fn aws(mut buf: Bytes) -> (usize, Bytes) {
    let mut decoder = MessageFrameDecoder::new();
    let mut count = 0;
    while let DecodedFrame::Complete(m) = decoder.decode_frame(&mut buf).expect("valid") {
        black_box(&m);
        count += 1;
    }
    (count, buf)
}

/// `time ROUNDS`: ours and aws interleaved, each round decoding the 1,000
/// frames once; prints the minimum and median ns/frame of each and the ratio.
fn time(wire: &Bytes, rounds: usize) {
    let mut t_ours = Vec::with_capacity(rounds);
    let mut t_aws = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let buf = BytesMut::from(&wire[..]);
        let start = Instant::now();
        let (n, buf) = ours(buf);
        t_ours.push(start.elapsed().as_nanos() as f64 / n as f64);
        drop(buf);
        let buf = wire.clone();
        let start = Instant::now();
        let (n, buf) = aws(buf);
        t_aws.push(start.elapsed().as_nanos() as f64 / n as f64);
        drop(buf);
    }
    let mut t_crc = Vec::with_capacity(rounds);
    let frame_len = wire.len() / 1000;
    for _ in 0..rounds {
        let start = Instant::now();
        let mut x = 0;
        for f in black_box(&wire[..]).chunks_exact(frame_len) {
            let mut d = TABLE16.digest();
            d.update(&f[..8]);
            x ^= d.clone().finalize();
            d.update(&f[8..frame_len - 4]);
            x ^= d.finalize();
        }
        black_box(x);
        t_crc.push(start.elapsed().as_nanos() as f64 / 1000.0);
    }
    t_crc.sort_by(f64::total_cmp);
    {
        let mut t = Vec::new();
        let mut t2 = Vec::new();
        for _ in 0..rounds {
            let mut buf = BytesMut::from(&wire[..]);
            let start = Instant::now();
            while !buf.is_empty() {
                let f = buf.split_to(frame_len).freeze();
                black_box(&f);
            }
            t.push(start.elapsed().as_nanos() as f64 / 1000.0);
            let start = Instant::now();
            for _ in 0..1000 {
                let v: Vec<[u64; 10]> = Vec::with_capacity(3);
                black_box(&v);
            }
            t2.push(start.elapsed().as_nanos() as f64 / 1000.0);
        }
        t.sort_by(f64::total_cmp);
        t2.sort_by(f64::total_cmp);
        println!(
            "split_to+freeze+drop: min {:.1}; Vec alloc+free: min {:.1}",
            t[0], t2[0]
        );
    }
    for (name, a, b) in [
        ("205 one call", 0usize, frame_len - 4),
        ("192 one call", 0, 192),
        ("8 only", 0, 8),
        ("13 only", 0, 13),
    ] {
        let mut t = Vec::new();
        for _ in 0..rounds {
            let start = Instant::now();
            let mut x = 0;
            for f in black_box(&wire[..]).chunks_exact(frame_len) {
                x ^= TABLE16.checksum(&f[a..b]);
            }
            black_box(x);
            t.push(start.elapsed().as_nanos() as f64 / 1000.0);
        }
        t.sort_by(f64::total_cmp);
        println!("crc {name}: min {:.1}", t[0]);
    }
    println!(
        "crc as the decoder computes it: min {:.1} median {:.1} ns/frame",
        t_crc[0],
        t_crc[rounds / 2]
    );
    for t in [&mut t_ours, &mut t_aws] {
        t.sort_by(f64::total_cmp);
    }
    let (mo, ma) = (t_ours[0], t_aws[0]);
    let (do_, da) = (t_ours[rounds / 2], t_aws[rounds / 2]);
    println!(
        "ns/frame min: ours {mo:.1} aws {ma:.1} ({:.2}x); median: ours {do_:.1} aws {da:.1} ({:.2}x)",
        ma / mo,
        da / do_
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "ours".to_owned());
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let wire = small_frames(1000);
    if which == "time" {
        time(&wire, rounds);
        return;
    }
    let mut count = 0usize;
    for _ in 0..rounds {
        if which == "aws" {
            count += aws(wire.clone()).0;
        } else {
            count += ours(BytesMut::from(&wire[..])).0;
        }
    }
    println!("{which}: {count} frames");
}
