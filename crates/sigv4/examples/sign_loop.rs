//! Signs the benchmark's Bedrock ConverseStream request in a loop, for profiling with
//! `valgrind --tool=callgrind` (instruction counts are stable on a busy machine).
//!
//! ```text
//! cargo build --release -p sigv4 --example sign_loop
//! valgrind --tool=callgrind target/release/examples/sign_loop sigv4 1024 10000
//! ```
//!
//! Arguments: `sigv4`, `floor` (SHA-256 of the body and of the canonical request, one
//! HMAC: the cryptography alone) or `aws-sigv4`; the body size in bytes; the iteration count.
//!
//! Mode `time` instead times batches of 1000 signatures of each kind, interleaved, for the
//! given number of rounds, and prints the fastest batch of each (ns per signature): on a
//! shared machine the minimum is far steadier than the mean.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, UNIX_EPOCH};

use ring::{digest, hmac};
use sigv4::{Credentials, Payload, SignableRequest, Signer, SigningKeyCache, SigningParams};

const URI: &str = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream";
const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn body(size: usize) -> Vec<u8> {
    let mut body = br#"{"messages":[{"role":"user","content":[{"text":""#.to_vec();
    let tail = br#""}]}],"inferenceConfig":{"maxTokens":512}}"#;
    while body.len() + tail.len() < size {
        body.push(b'a' + (body.len() % 26) as u8);
    }
    body.extend_from_slice(tail);
    body
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(size), Some(n)) = (
        args.first(),
        args.get(1).and_then(|s| s.parse::<usize>().ok()),
        args.get(2).and_then(|s| s.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: sign_loop sigv4|floor|aws-sigv4 BODY_SIZE ITERATIONS");
        return ExitCode::from(2);
    };
    let time = UNIX_EPOCH + Duration::from_secs(1_736_937_000);
    let headers = [
        ("content-type", "application/json"),
        ("accept", "application/vnd.amazon.eventstream"),
    ];
    let body = body(size);
    let creds = Credentials::new(AKID, SECRET);
    let cache = SigningKeyCache::new();
    let mut signer = Signer::new();
    let params = SigningParams::new(&creds, "us-east-1", "bedrock", time).with_key_cache(&cache);
    let request = SignableRequest::new("POST", URI, &headers, Payload::Bytes(&body));
    let Ok(out) = signer.sign(&request, &params) else {
        eprintln!("signing failed");
        return ExitCode::FAILURE;
    };
    let canonical = out.canonical_request().to_owned();
    let string_to_sign = out.string_to_sign().to_owned();
    let mut total = 0usize;
    if mode == "time" {
        let key = hmac::Key::new(hmac::HMAC_SHA256, &[7u8; 32]);
        let mut best = [f64::MAX; 2];
        for _ in 0..n {
            let start = std::time::Instant::now();
            for _ in 0..1000 {
                if let Ok(out) = signer.sign(black_box(&request), &params) {
                    total += black_box(out.signature().len());
                }
            }
            best[0] = best[0].min(start.elapsed().as_secs_f64() * 1e6);
            let start = std::time::Instant::now();
            for _ in 0..1000 {
                let body_hash = digest::digest(&digest::SHA256, black_box(&body));
                let creq_hash = digest::digest(&digest::SHA256, black_box(canonical.as_bytes()));
                let tag = hmac::sign(&key, black_box(string_to_sign.as_bytes()));
                black_box((body_hash, creq_hash, tag));
            }
            best[1] = best[1].min(start.elapsed().as_secs_f64() * 1e6);
        }
        println!(
            "{size} bytes: sigv4 {:.0} ns, floor {:.0} ns, ratio {:.3} ({total})",
            best[0],
            best[1],
            best[0] / best[1]
        );
        return ExitCode::SUCCESS;
    }
    match mode.as_str() {
        "sigv4" => {
            for _ in 0..n {
                if let Ok(out) = signer.sign(black_box(&request), &params) {
                    total += black_box(out.signature().len());
                }
            }
        }
        "floor" => {
            let key = hmac::Key::new(hmac::HMAC_SHA256, &[7u8; 32]);
            for _ in 0..n {
                let body_hash = digest::digest(&digest::SHA256, black_box(&body));
                let creq_hash = digest::digest(&digest::SHA256, black_box(canonical.as_bytes()));
                let tag = hmac::sign(&key, black_box(string_to_sign.as_bytes()));
                black_box((body_hash, creq_hash, tag));
                total += 1;
            }
        }
        "aws-sigv4" => {
            let identity =
                aws_credential_types::Credentials::new(AKID, SECRET, None, None, "loop").into();
            let Ok(aws_params) = aws_sigv4::sign::v4::SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("bedrock")
                .time(time)
                .settings(aws_sigv4::http_request::SigningSettings::default())
                .build()
            else {
                return ExitCode::FAILURE;
            };
            let aws_params = aws_params.into();
            for _ in 0..n {
                let Ok(request) = aws_sigv4::http_request::SignableRequest::new(
                    "POST",
                    URI,
                    headers.iter().copied(),
                    aws_sigv4::http_request::SignableBody::Bytes(black_box(&body)),
                ) else {
                    return ExitCode::FAILURE;
                };
                if let Ok(out) = aws_sigv4::http_request::sign(request, &aws_params) {
                    total += black_box(out.signature().len());
                }
            }
        }
        other => {
            eprintln!("unknown mode {other:?}");
            return ExitCode::from(2);
        }
    }
    println!("{mode}: {n} iterations, {total}");
    ExitCode::SUCCESS
}
