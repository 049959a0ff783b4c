//! One logical Bedrock call: build, authenticate, send, classify, retry.
//!
//! Every attempt of a call carries the same `amz-sdk-invocation-id` and an
//! `amz-sdk-request: attempt=N; max=M` header. Retryable failures (throttling,
//! 5xx, network errors, retryable stream exceptions before any content) are
//! retried with the provider's [`RetryPolicy`](goai_core::RetryPolicy). A
//! `Signature expired` answer corrects the signing clock from the server's
//! `Date` header and is followed by one re-signed attempt that does not count
//! as a retry.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use goai_core::{Error, Headers};
use http::header::{HeaderName, HeaderValue};
use http_body_util::Full;
use hyper::body::Incoming;

use crate::client::{Auth, Bedrock, Endpoint};
use crate::error::{ServiceError, credentials_error};
use crate::routing;

/// Largest error body read to classify an error (1 MiB).
pub(crate) const MAX_ERROR_BODY: usize = 1 << 20;

/// The user agent sent with every request.
const USER_AGENT: &str = concat!("goai-rs/", env!("CARGO_PKG_VERSION"), " goai-bedrock");

/// A Bedrock Runtime operation on a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Converse,
    ConverseStream,
    /// InvokeModel (embeddings).
    Invoke,
    /// CountTokens.
    CountTokens,
}

impl Operation {
    fn path_suffix(self) -> &'static str {
        match self {
            Self::Converse => "converse",
            Self::ConverseStream => "converse-stream",
            Self::Invoke => "invoke",
            Self::CountTokens => "count-tokens",
        }
    }

    fn accept(self) -> &'static str {
        match self {
            Self::Converse | Self::Invoke | Self::CountTokens => "application/json",
            Self::ConverseStream => "application/vnd.amazon.eventstream",
        }
    }
}

/// Where one attempt goes: the model id on the wire and the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) model_id: String,
    pub(crate) region: String,
}

/// Why an attempt failed.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// Bedrock answered with an error (HTTP status, or an exception at the
    /// start of a stream).
    Service(ServiceError),
    /// Anything else, already mapped.
    Other(Error),
}

impl AttemptError {
    fn is_retryable(&self) -> bool {
        match self {
            Self::Service(e) => e.retryable,
            Self::Other(e) => e.is_retryable(),
        }
    }

    pub(crate) fn into_core(self) -> Error {
        match self {
            Self::Service(e) => e.into_core(),
            Self::Other(e) => e,
        }
    }
}

/// Why a whole call failed: the last error plus the errors of earlier attempts.
#[derive(Debug)]
pub(crate) struct CallError {
    pub(crate) last: AttemptError,
    pub(crate) earlier: Vec<Error>,
}

impl CallError {
    /// The service error, when the call failed with one on its only attempt
    /// (what the fallback chain reacts to).
    pub(crate) fn single_service_error(&self) -> Option<&ServiceError> {
        match &self.last {
            AttemptError::Service(e) if self.earlier.is_empty() => Some(e),
            _ => None,
        }
    }

    pub(crate) fn into_core(self) -> Error {
        let last = self.last.into_core();
        if self.earlier.is_empty() {
            return last;
        }
        let mut attempts = self.earlier;
        attempts.push(last);
        Error::RetriesExhausted { attempts }
    }
}

/// A fresh id for one logical call (UUID v4 format, from the std hasher's
/// random keys plus a counter).
pub(crate) fn invocation_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut words = [0u64; 2];
    for (i, w) in words.iter_mut().enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(n);
        h.write_usize(i);
        *w = h.finish();
    }
    let hi = (words[0] & 0xffff_ffff_ffff_0fff) | 0x4000;
    let lo = (words[1] & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    // `{:08x}-{:04x}-{:04x}-{:04x}-{:012x}` of the two words, without `format!`.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 36];
    let mut pos = 0;
    for (word, groups) in [
        (hi, [8usize, 4, 4].as_slice()),
        (lo, [4usize, 12].as_slice()),
    ] {
        let mut shift = 64;
        for &digits in groups {
            if pos > 0 {
                out[pos] = b'-';
                pos += 1;
            }
            for _ in 0..digits {
                shift -= 4;
                out[pos] = HEX[((word >> shift) & 0xf) as usize];
                pos += 1;
            }
        }
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// Converts response headers into goai-core's header list.
pub(crate) fn to_headers(map: &http::HeaderMap) -> Headers {
    map.iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// What one attempt's request is built from.
#[derive(Clone, Copy)]
struct RequestParts<'a> {
    target: &'a Target,
    op: Operation,
    body: &'a Bytes,
    request_headers: &'a Headers,
    invocation_id: &'a str,
    attempt: (u32, u32),
}

impl Bedrock {
    /// The URL of `op` on the target's model: under the base URL when one is
    /// configured, else at AWS's endpoint for the target's region.
    fn operation_url(&self, target: &Target, op: Operation) -> String {
        let suffix = op.path_suffix();
        match &self.inner.base_url {
            Some(base) => base.model_url(&target.model_id, suffix),
            None => Endpoint::for_region(&target.region, self.inner.variant)
                .model_url(&target.model_id, suffix),
        }
    }

    /// The HTTP request of one attempt: URL, headers (defaults, configured ones,
    /// then the signature's), body. `credentials` is required with SigV4 auth.
    fn build_request(
        &self,
        parts: &RequestParts<'_>,
        credentials: Option<&crate::credentials::Credentials>,
    ) -> Result<http::Request<Full<Bytes>>, AttemptError> {
        let RequestParts {
            target,
            op,
            body,
            request_headers,
            invocation_id,
            attempt,
        } = *parts;
        let url = self.operation_url(target, op);
        let amz_request = format!("attempt={}; max={}", attempt.0, attempt.1);
        // A name set on the request replaces the provider's headers of that name, and either
        // replaces a default; every value given for a name at one level is kept, in order.
        let provider_headers: Vec<(&str, &str)> = self
            .inner
            .headers
            .iter()
            .filter(|(n, _)| !is_reserved_header(n))
            .collect();
        let call_headers: Vec<(&str, &str)> = request_headers
            .iter()
            .filter(|(n, _)| !is_reserved_header(n))
            .collect();
        let named = |list: &[(&str, &str)], name: &str| {
            list.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        let defaults: [(&'static HeaderName, SentValue<'_>); 5] = [
            (&USER_AGENT_NAME, SentValue::Constant(USER_AGENT)),
            (&CONTENT_TYPE_NAME, SentValue::Constant("application/json")),
            (&ACCEPT_NAME, SentValue::Constant(op.accept())),
            (&INVOCATION_ID_NAME, SentValue::Given(invocation_id)),
            (&REQUEST_NAME, SentValue::Given(amz_request.as_str())),
        ];
        // Every header sent, in order, before signing: a default keeps its name constant (no
        // parsing) and a constant value as such (no validation or copy); a configured header
        // is kept as given, its name lower-cased.
        let mut sent: Vec<(SentName, SentValue<'_>)> =
            Vec::with_capacity(defaults.len() + provider_headers.len() + call_headers.len());
        for (name, value) in defaults {
            if !named(&provider_headers, name.as_str()) && !named(&call_headers, name.as_str()) {
                sent.push((SentName::Default(name), value));
            }
        }
        for (n, v) in &provider_headers {
            if !named(&call_headers, n) {
                sent.push((
                    SentName::Custom(n.to_ascii_lowercase()),
                    SentValue::Given(v),
                ));
            }
        }
        for (n, v) in &call_headers {
            sent.push((
                SentName::Custom(n.to_ascii_lowercase()),
                SentValue::Given(v),
            ));
        }
        let mut headers = http::HeaderMap::with_capacity(sent.len() + 3);
        for (name, value) in &sent {
            let value = match value {
                SentValue::Constant(constant) => HeaderValue::from_static(constant),
                SentValue::Given(given) => HeaderValue::from_str(given).map_err(|_| {
                    AttemptError::Other(Error::invalid_request(format!(
                        "invalid value for header {:?}",
                        name.as_str()
                    )))
                })?,
            };
            let name = match name {
                SentName::Default(name) => (*name).clone(),
                SentName::Custom(n) => HeaderName::from_bytes(n.as_bytes()).map_err(|_| {
                    AttemptError::Other(Error::invalid_request(format!(
                        "invalid header name {n:?}"
                    )))
                })?,
            };
            headers.append(name, value);
        }
        let mut sensitive = Vec::new();
        match &self.inner.auth {
            Auth::Bearer(token) => sensitive.push(("authorization", format!("Bearer {}", token.0))),
            Auth::SigV4(_) => {
                let Some(creds) = credentials else {
                    return Err(AttemptError::Other(Error::invalid_request(
                        "no credentials to sign the request with",
                    )));
                };
                let signable: Vec<(&str, &str)> =
                    sent.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
                let added = self
                    .inner
                    .signer
                    .sign(creds, &target.region, &url, &signable, body)
                    .map_err(|e| {
                        AttemptError::Other(Error::invalid_request(format!(
                            "could not sign the request: {e}"
                        )))
                    })?;
                for (name, value, is_sensitive) in added {
                    if is_sensitive {
                        sensitive.push((name, value));
                    } else {
                        let value = HeaderValue::from_str(&value).map_err(|_| {
                            AttemptError::Other(Error::invalid_request(format!(
                                "invalid value for header {name:?}"
                            )))
                        })?;
                        // The signer's header names are lower-case literals.
                        headers.append(HeaderName::from_static(name), value);
                    }
                }
            }
        }
        for (n, v) in sensitive {
            let mut value = HeaderValue::from_str(&v).map_err(|_| {
                AttemptError::Other(Error::invalid_request(format!(
                    "invalid characters in the {n} header"
                )))
            })?;
            value.set_sensitive(true);
            headers.append(HeaderName::from_static(n), value);
        }
        let uri = http::Uri::try_from(url).map_err(|e| {
            AttemptError::Other(Error::invalid_request(format!("invalid request URL: {e}")))
        })?;
        let mut request = http::Request::new(Full::new(body.clone()));
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }

    /// Sends one attempt and returns the successful response (status 2xx),
    /// with its body unread.
    async fn attempt(
        &self,
        target: &Target,
        op: Operation,
        body: &Bytes,
        request_headers: &Headers,
        invocation_id: &str,
        attempt: (u32, u32),
    ) -> Result<http::Response<Incoming>, AttemptError> {
        if !routing::is_valid_region(&target.region) {
            return Err(AttemptError::Other(Error::invalid_request(format!(
                "region {:?} is not a valid AWS region name",
                target.region
            ))));
        }
        // Built in a plain function, so that the attempt's future holds only the request
        // being sent, not the headers and strings it was assembled from.
        let request = {
            let credentials = match &self.inner.auth {
                Auth::SigV4(provider) => Some(
                    provider
                        .provide_credentials()
                        .await
                        .map_err(|e| AttemptError::Other(credentials_error(e)))?,
                ),
                Auth::Bearer(_) => None,
            };
            let parts = RequestParts {
                target,
                op,
                body,
                request_headers,
                invocation_id,
                attempt,
            };
            self.build_request(&parts, credentials.as_ref())?
        };
        let transport = &self.inner.transport;
        let response = transport
            .send(request)
            .await
            .map_err(|e| AttemptError::Other(e.into()))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        let headers = to_headers(response.headers());
        let mut body = response.into_body();
        let bytes = transport
            .read_body(&mut body, MAX_ERROR_BODY)
            .await
            .unwrap_or_default();
        Err(AttemptError::Service(ServiceError::from_response(
            status, headers, &bytes,
        )))
    }

    /// Runs a whole call: attempts with retries and clock-skew correction.
    /// `finish` turns a successful response into the result (reading the body,
    /// or peeking at the start of a stream); its errors are retried too when
    /// retryable.
    pub(crate) async fn call<T, F, Fut>(
        &self,
        target: &Target,
        op: Operation,
        body: Bytes,
        request_headers: &Headers,
        invocation_id: &str,
        mut finish: F,
    ) -> Result<T, CallError>
    where
        F: FnMut(http::Response<Incoming>) -> Fut,
        Fut: std::future::Future<Output = Result<T, AttemptError>>,
    {
        let policy = &self.inner.retry;
        let max_attempts = policy.get_max_retries().saturating_add(1);
        let mut earlier: Vec<Error> = Vec::new();
        let mut retry_no = 0u32;
        let mut skew_corrected = false;
        let mut attempt_no = 1u32;
        loop {
            let result = match self
                .attempt(
                    target,
                    op,
                    &body,
                    request_headers,
                    invocation_id,
                    (attempt_no, max_attempts),
                )
                .await
            {
                Ok(response) => finish(response).await,
                Err(e) => Err(e),
            };
            attempt_no = attempt_no.saturating_add(1);
            let err = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            if let AttemptError::Service(se) = &err
                && se.is_clock_skew()
                && !skew_corrected
                && se
                    .headers
                    .get("date")
                    .is_some_and(|d| self.inner.signer.learn_skew(d))
            {
                skew_corrected = true;
                tracing::debug!(error = %se.message, "clock skew detected; re-signing with the server's time");
                continue;
            }
            if !err.is_retryable() || retry_no >= policy.get_max_retries() {
                return Err(CallError { last: err, earlier });
            }
            retry_no += 1;
            let core = err.into_core();
            let delay = policy.delay_for(retry_no, &core);
            tracing::debug!(attempt = retry_no, error = %core, ?delay, invocation_id, "retrying Bedrock call");
            earlier.push(core);
            tokio::time::sleep(delay).await;
        }
    }
}

// The names of the headers every request carries unless the caller replaces them.
static USER_AGENT_NAME: HeaderName = http::header::USER_AGENT;
static CONTENT_TYPE_NAME: HeaderName = http::header::CONTENT_TYPE;
static ACCEPT_NAME: HeaderName = http::header::ACCEPT;
static INVOCATION_ID_NAME: HeaderName = HeaderName::from_static("amz-sdk-invocation-id");
static REQUEST_NAME: HeaderName = HeaderName::from_static("amz-sdk-request");

/// The name of a header about to be sent.
enum SentName {
    /// One of the defaults.
    Default(&'static HeaderName),
    /// A configured header's name, lower-cased.
    Custom(String),
}

impl SentName {
    fn as_str(&self) -> &str {
        match self {
            Self::Default(name) => name.as_str(),
            Self::Custom(n) => n,
        }
    }
}

/// The value of a header about to be sent.
#[derive(Clone, Copy)]
enum SentValue<'a> {
    /// A constant: sent without validating or copying it.
    Constant(&'static str),
    /// A value computed per call or configured.
    Given(&'a str),
}

impl SentValue<'_> {
    fn as_str(&self) -> &str {
        match *self {
            Self::Constant(v) => v,
            Self::Given(v) => v,
        }
    }
}

/// Headers the client sets itself and callers may not override.
fn is_reserved_header(name: &str) -> bool {
    [
        "host",
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "content-length",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
        "transfer-encoding",
    ]
    .iter()
    .any(|r| r.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_ids_are_uuid_shaped_and_distinct() {
        let a = invocation_id();
        let b = invocation_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert!(a.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
        let dashes: Vec<usize> = a.match_indices('-').map(|(i, _)| i).collect();
        assert_eq!(dashes, [8, 13, 18, 23]);
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn reserved_headers() {
        assert!(is_reserved_header("Authorization"));
        assert!(is_reserved_header("AMZ-SDK-INVOCATION-ID"));
        assert!(!is_reserved_header("x-emulator-fault"));
    }
}
