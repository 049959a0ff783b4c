//! AWS Signature Version 4 (SigV4) request signing, standalone.
//!
//! `sigv4` signs any AWS HTTP request with the signature in headers (`Authorization`) or
//! in the query string (a presigned URL), and checks received signatures on the server side.
//! It depends on `ring` only; the optional `http1` feature adds helpers for
//! [`http::Request`](https://docs.rs/http). It does no I/O, has no async code, and never
//! reads the clock: the signing time is always passed in.
//!
//! The steps follow the
//! [SigV4 specification](https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
//! canonical request, string to sign, signing key, signature. Each intermediate value is
//! exposed for debugging. Signing keys are cached per (access key, date, region, service)
//! with [`SigningKeyCache`], and a [`Signer`] reuses its buffers, so a steady stream of
//! requests costs two SHA-256 passes and one HMAC each.
//!
//! What it does not do: find credentials (environment, profiles, IMDS), correct clock skew,
//! SigV4a, or chunked (`aws-chunked`) payload signing.
//!
//! # Features
//!
//! - `http1`: [`http::sign_request`] signs an `http::Request` in place.
//!
//! # Examples
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use sigv4::{Credentials, Payload, SignableRequest, Signer, SigningKeyCache, SigningParams};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let cache = SigningKeyCache::new();
//! let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let body = br#"{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}"#;
//! let headers = [("content-type", "application/json")];
//! let request = SignableRequest::new(
//!     "POST",
//!     "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
//!     &headers,
//!     Payload::Bytes(body),
//! );
//! let params = SigningParams::new(&creds, "us-east-1", "bedrock", time).with_key_cache(&cache);
//! let mut signer = Signer::new();
//! let out = signer.sign(&request, &params)?;
//! assert!(out.canonical_request().contains("anthropic.claude-3-haiku-20240307-v1%253A0"));
//! for header in out.headers() {
//!     println!("{}: {}", header.name, if header.sensitive { "<redacted>" } else { header.value });
//! }
//! # Ok::<(), sigv4::Error>(())
//! ```
#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

mod authorization;
mod canonical;
mod credentials;
mod date;
mod encoding;
mod error;
#[cfg(feature = "http1")]
pub mod http;
mod request;
mod settings;
mod sign;
mod signing_key;

pub use crate::authorization::{
    AuthorizationSource, ParsedAuthorization, RecomputedSignature, constant_time_eq,
};
pub use crate::credentials::Credentials;
pub use crate::date::AmzDateTime;
pub use crate::error::Error;
pub use crate::request::{EMPTY_PAYLOAD_SHA256, Payload, SignableRequest, UNSIGNED_PAYLOAD};
pub use crate::settings::{
    DEFAULT_EXCLUDED_HEADERS, MAX_PRESIGNED_EXPIRY, PercentEncoding, SessionTokenMode,
    SignatureLocation, SigningSettings,
};
pub use crate::sign::{ALGORITHM, AddedHeader, Signer, SigningOutput, SigningParams};
pub use crate::signing_key::{SigningKey, SigningKeyCache};
