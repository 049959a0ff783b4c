//! The signing and decoding micro-benchmarks, the same workloads as
//! `crates/sigv4/benches/sign.rs` and `crates/eventstream/benches/decode.rs`, measured in-harness
//! so that they run in the same process and build as the rest of the comparison.
//!
//! Each measurement is the median over many batches of the time of one operation; batches of
//! ours and of the peer alternate, so background load hits both alike.

use std::hint::black_box;
use std::time::{Duration, Instant, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};

const URI: &str = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream";
const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// Ours and peer, nanoseconds per operation.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    pub ours_ns: f64,
    pub peer_ns: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Times `ours` and `peer` in alternating batches of `per_batch` calls for about `budget`.
fn alternate(
    budget: Duration,
    per_batch: u32,
    mut ours: impl FnMut(),
    mut peer: impl FnMut(),
) -> Pair {
    // Warm-up.
    for _ in 0..per_batch {
        ours();
        peer();
    }
    let (mut o, mut p) = (Vec::new(), Vec::new());
    let start = Instant::now();
    let mut round = 0u32;
    while start.elapsed() < budget || o.len() < 10 {
        let time = |f: &mut dyn FnMut()| {
            let t = Instant::now();
            for _ in 0..per_batch {
                f();
            }
            t.elapsed().as_nanos() as f64 / f64::from(per_batch)
        };
        if round.is_multiple_of(2) {
            o.push(time(&mut ours));
            p.push(time(&mut peer));
        } else {
            p.push(time(&mut peer));
            o.push(time(&mut ours));
        }
        round += 1;
    }
    Pair {
        ours_ns: median(o),
        peer_ns: median(p),
    }
}

fn body(size: usize) -> Vec<u8> {
    let mut body = br#"{"messages":[{"role":"user","content":[{"text":""#.to_vec();
    let tail = br#""}]}],"inferenceConfig":{"maxTokens":512}}"#;
    while body.len() + tail.len() < size {
        body.push(b'a' + (body.len() % 26) as u8);
    }
    body.extend_from_slice(tail);
    body
}

/// SigV4 signing of a 1 KiB Bedrock ConverseStream request: `sigv4` (reused `Signer`, warm
/// `SigningKeyCache`, as goai-bedrock uses it) against `aws-sigv4` (as the SDK uses it).
pub fn sign_1kib(budget: Duration) -> Pair {
    let time = UNIX_EPOCH + Duration::from_secs(1_736_937_000);
    let headers = [
        ("content-type", "application/json"),
        ("accept", "application/vnd.amazon.eventstream"),
    ];
    let body = body(1024);

    let creds = sigv4::Credentials::new(AKID, SECRET);
    let cache = sigv4::SigningKeyCache::new();
    let mut signer = sigv4::Signer::new();
    let params =
        sigv4::SigningParams::new(&creds, "us-east-1", "bedrock", time).with_key_cache(&cache);
    let request = sigv4::SignableRequest::new("POST", URI, &headers, sigv4::Payload::Bytes(&body));

    let identity = aws_credential_types::Credentials::new(AKID, SECRET, None, None, "bench").into();
    let aws_params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("bedrock")
        .time(time)
        .settings(aws_sigv4::http_request::SigningSettings::default())
        .build()
        .expect("aws params")
        .into();

    // Both must agree before we time them.
    let ours_sig = signer
        .sign(&request, &params)
        .expect("signs")
        .signature()
        .to_owned();
    let peer_sig = {
        let request = aws_sigv4::http_request::SignableRequest::new(
            "POST",
            URI,
            headers.iter().copied(),
            aws_sigv4::http_request::SignableBody::Bytes(&body),
        )
        .expect("aws request");
        aws_sigv4::http_request::sign(request, &aws_params)
            .expect("aws signs")
            .signature()
            .to_owned()
    };
    assert_eq!(ours_sig, peer_sig, "sigv4 and aws-sigv4 disagree");

    alternate(
        budget,
        200,
        || {
            let out = signer.sign(black_box(&request), &params).expect("signs");
            black_box(out.signature().len());
        },
        || {
            let request = aws_sigv4::http_request::SignableRequest::new(
                "POST",
                URI,
                headers.iter().copied(),
                aws_sigv4::http_request::SignableBody::Bytes(black_box(&body)),
            )
            .expect("aws request");
            let out = aws_sigv4::http_request::sign(request, &aws_params).expect("aws signs");
            black_box(out.signature().len());
        },
    )
}

/// 1,000 Bedrock-like contentBlockDelta frames (about 209 bytes each), as in the eventstream
/// crate's decode bench.
fn small_frames(n: usize) -> Bytes {
    let mut wire = BytesMut::new();
    for i in 0..n {
        let payload = format!(
            r#"{{"contentBlockIndex":0,"delta":{{"text":" token{i:05}"}},"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"}}"#
        );
        eventstream::Message::new(payload)
            .with_header(":event-type", "contentBlockDelta")
            .with_header(":content-type", "application/json")
            .with_header(":message-type", "event")
            .encode_to(&mut wire)
            .expect("valid frame");
    }
    wire.freeze()
}

/// Decoding 1,000 small frames: `eventstream::Decoder` against aws-smithy-eventstream's
/// `MessageFrameDecoder`. Per operation = the whole 1,000 frames (copying the input into the
/// decoder's buffer is included for both).
pub fn decode_1000(budget: Duration) -> Pair {
    use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
    let wire = small_frames(1000);
    let ours = || {
        let mut buf = BytesMut::from(&wire[..]);
        let mut decoder = eventstream::Decoder::new();
        let mut count = 0;
        while let Some(message) = decoder.decode(&mut buf).expect("valid input") {
            black_box(&message);
            count += 1;
        }
        assert_eq!(count, 1000);
    };
    let peer = || {
        let mut buf = Bytes::copy_from_slice(&wire[..]);
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
        assert_eq!(count, 1000);
    };
    alternate(budget, 5, ours, peer)
}
