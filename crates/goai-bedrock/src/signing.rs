//! SigV4 signing of Bedrock requests (service `bedrock`), with cached signing
//! keys and clock-skew correction.
//!
//! The target handed to the signer is the URL exactly as sent, so the model id
//! that goes on the wire as `...-v1%3A0` is signed as `...-v1%253A0` (the
//! canonical URI is the URI-encoding of the sent path). The two can never differ.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, TryLockError};
use std::time::{Duration, SystemTime};

use sigv4::{Payload, SignableRequest, SigningKeyCache, SigningParams};

use crate::credentials::Credentials;

/// The SigV4 signing name of Bedrock Runtime.
pub(crate) const SIGNING_NAME: &str = "bedrock";

/// An injectable wall clock.
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Signs requests; keeps the signing-key cache and the learned clock offset.
pub(crate) struct Signer {
    clock: Clock,
    /// Server time minus local time, in milliseconds.
    skew_ms: AtomicI64,
    keys: SigningKeyCache,
    /// A reused `sigv4::Signer`: its buffers, parsed-target and scope caches
    /// and the hash state of the canonical-request blocks consecutive requests
    /// share survive from one request to the next. Taken with `try_lock`; a
    /// request that finds it busy signs with a fresh one (same output).
    reused: Mutex<sigv4::Signer>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("skew_ms", &self.skew_ms.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Signer {
    pub(crate) fn new(clock: Clock) -> Self {
        Self {
            clock,
            skew_ms: AtomicI64::new(0),
            keys: SigningKeyCache::new(),
            reused: Mutex::new(sigv4::Signer::new()),
        }
    }

    /// The local clock corrected by the learned offset.
    pub(crate) fn now(&self) -> SystemTime {
        let local = (self.clock)();
        let skew = self.skew_ms.load(Ordering::Relaxed);
        let magnitude = Duration::from_millis(skew.unsigned_abs());
        if skew >= 0 {
            local.checked_add(magnitude).unwrap_or(local)
        } else {
            local.checked_sub(magnitude).unwrap_or(local)
        }
    }

    /// Learns the clock offset from a server's `Date` header (RFC 7231 date).
    /// Returns whether the header could be used.
    pub(crate) fn learn_skew(&self, server_date: &str) -> bool {
        let Ok(server) = httpdate::parse_http_date(server_date.trim()) else {
            return false;
        };
        let local = (self.clock)();
        let skew_ms = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap_or(i64::MAX),
        };
        self.skew_ms.store(skew_ms, Ordering::Relaxed);
        tracing::debug!(
            skew_ms,
            "corrected the signing clock from the server's Date header"
        );
        true
    }

    /// Signs a request and returns the headers to add (`authorization`,
    /// `x-amz-date`, and `x-amz-security-token` for temporary credentials).
    ///
    /// `url` is the absolute URL as sent; `headers` every header sent except
    /// `host` (derived from the URL) and `user-agent` (never signed).
    pub(crate) fn sign(
        &self,
        credentials: &Credentials,
        region: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Vec<(&'static str, String, bool)>, sigv4::Error> {
        let creds = credentials.signing_keys();
        let request = SignableRequest::new("POST", url, headers, Payload::Bytes(body));
        let params =
            SigningParams::new(creds, region, SIGNING_NAME, self.now()).with_key_cache(&self.keys);
        let added = |signer: &mut sigv4::Signer| -> Result<_, sigv4::Error> {
            let out = signer.sign(&request, &params)?;
            Ok(out
                .headers()
                .iter()
                .map(|h| (h.name, h.value.to_owned(), h.sensitive))
                .collect())
        };
        match self.reused.try_lock() {
            Ok(mut signer) => added(&mut signer),
            // A panic while signing may have left its caches half-written:
            // start again from a fresh signer.
            Err(TryLockError::Poisoned(poisoned)) => {
                let mut signer = poisoned.into_inner();
                *signer = sigv4::Signer::new();
                self.reused.clear_poison();
                added(&mut signer)
            }
            Err(TryLockError::WouldBlock) => added(&mut sigv4::Signer::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(secs: u64) -> Clock {
        Arc::new(move || SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn skew_is_learned_from_date_header() {
        // 2024-01-01T00:00:00Z
        let signer = Signer::new(fixed(1_704_067_200));
        assert!(signer.learn_skew("Mon, 01 Jan 2024 00:10:00 GMT"));
        assert_eq!(
            signer.now(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_800)
        );
        assert!(signer.learn_skew("Sun, 31 Dec 2023 23:50:00 GMT"));
        assert_eq!(
            signer.now(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_066_600)
        );
        assert!(!signer.learn_skew("not a date"));
    }

    #[test]
    fn signs_the_encoded_path_double_encoded() {
        let signer = Signer::new(fixed(1_704_067_200));
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("TOKEN".into()),
        );
        let url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";
        let headers = [("content-type", "application/json")];
        let added = signer
            .sign(&creds, "us-east-1", url, &headers, b"{}")
            .expect("signs");
        let auth = added
            .iter()
            .find(|h| h.0.eq_ignore_ascii_case("authorization"))
            .expect("authorization");
        assert!(auth.1.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/bedrock/aws4_request"
        ));
        assert!(auth.2, "authorization is marked sensitive");
        assert!(
            added
                .iter()
                .any(|h| h.0.eq_ignore_ascii_case("x-amz-security-token") && h.1 == "TOKEN")
        );
        assert!(
            added
                .iter()
                .any(|h| h.0.eq_ignore_ascii_case("x-amz-date") && h.1 == "20240101T000000Z")
        );
    }
}
