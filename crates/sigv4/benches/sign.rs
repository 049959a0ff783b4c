//! Signing a Bedrock ConverseStream request (1 KiB and 64 KiB JSON bodies), in one run:
//!
//! - `sigv4`: this crate, reused `Signer` buffers and a warm `SigningKeyCache`;
//! - `aws-sigv4`: the official Rust SDK's signer (derives the key on every call);
//! - `floor`: the unavoidable cryptography with `ring`: SHA-256 of the body, SHA-256 of the
//!   canonical request, one HMAC with a prepared key.
//!
//! Run with `cargo bench -p sigv4 --bench sign`.
// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
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

fn bench_sign(c: &mut Criterion) {
    let time = UNIX_EPOCH + Duration::from_secs(1_736_937_000);
    let headers = [
        ("content-type", "application/json"),
        ("accept", "application/vnd.amazon.eventstream"),
    ];
    let mut group = c.benchmark_group("sign_converse_stream");
    group.measurement_time(Duration::from_secs(4));
    for size in [1024usize, 64 * 1024] {
        let body = body(size);
        let label = format!("{}KiB", size / 1024);
        group.throughput(Throughput::Bytes(size as u64));

        // This crate.
        let creds = Credentials::new(AKID, SECRET);
        let cache = SigningKeyCache::new();
        let mut signer = Signer::new();
        let params =
            SigningParams::new(&creds, "us-east-1", "bedrock", time).with_key_cache(&cache);
        let request = SignableRequest::new("POST", URI, &headers, Payload::Bytes(&body));
        let (canonical, string_to_sign) = {
            let out = signer.sign(&request, &params).expect("signs");
            (
                out.canonical_request().to_owned(),
                out.string_to_sign().to_owned(),
            )
        };
        group.bench_function(BenchmarkId::new("sigv4", &label), |b| {
            b.iter(|| {
                let out = signer.sign(black_box(&request), &params).expect("signs");
                black_box(out.signature().len())
            })
        });

        // aws-sigv4.
        let identity =
            aws_credential_types::Credentials::new(AKID, SECRET, None, None, "bench").into();
        let aws_params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("bedrock")
            .time(time)
            .settings(aws_sigv4::http_request::SigningSettings::default())
            .build()
            .expect("aws params")
            .into();
        group.bench_function(BenchmarkId::new("aws-sigv4", &label), |b| {
            b.iter(|| {
                let request = aws_sigv4::http_request::SignableRequest::new(
                    "POST",
                    URI,
                    headers.iter().copied(),
                    aws_sigv4::http_request::SignableBody::Bytes(black_box(&body)),
                )
                .expect("aws request");
                let out = aws_sigv4::http_request::sign(request, &aws_params).expect("aws signs");
                black_box(out.signature().len())
            })
        });

        // The floor: the cryptography alone.
        let key = hmac::Key::new(hmac::HMAC_SHA256, &[7u8; 32]);
        group.bench_function(BenchmarkId::new("floor", &label), |b| {
            b.iter(|| {
                let body_hash = digest::digest(&digest::SHA256, black_box(&body));
                let creq_hash = digest::digest(&digest::SHA256, black_box(canonical.as_bytes()));
                let tag = hmac::sign(&key, black_box(string_to_sign.as_bytes()));
                black_box((body_hash, creq_hash, tag))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_sign);
criterion_main!(benches);
