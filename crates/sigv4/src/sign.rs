//! Client-side signing: from a request to the headers or query parameters to add.

use std::sync::Arc;
use std::time::SystemTime;

use ring::digest;

use crate::canonical::{CanonicalInput, Canonicalizer, HeaderPlan};
use crate::credentials::Credentials;
use crate::date::AmzDateTime;
use crate::encoding::{push_hex32, push_uri_encoded};
use crate::error::Error;
use crate::request::{Payload, SignableRequest, TargetCache, UNSIGNED_PAYLOAD};
use crate::settings::{
    DEFAULT_SETTINGS, MAX_PRESIGNED_EXPIRY, SessionTokenMode, SignatureLocation, SigningSettings,
};
use crate::signing_key::{SigningKey, SigningKeyCache};

/// The signing algorithm name.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Who signs, for which scope, and when.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use sigv4::{Credentials, SigningKeyCache, SigningParams, SigningSettings};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret");
/// let cache = SigningKeyCache::new();
/// let settings = SigningSettings::new();
/// let params = SigningParams::new(&creds, "us-east-1", "bedrock", SystemTime::now())
///     .with_settings(&settings)
///     .with_key_cache(&cache);
/// assert_eq!(params.region, "us-east-1");
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SigningParams<'a> {
    /// The credentials to sign with.
    pub credentials: &'a Credentials,
    /// The region of the credential scope, e.g. `us-east-1`.
    pub region: &'a str,
    /// The signing name of the service, e.g. `bedrock` (not `bedrock-runtime`).
    pub service: &'a str,
    /// The signing time. The signer never reads the clock.
    pub time: SystemTime,
    /// Settings. Default is [`SigningSettings::new`].
    pub settings: &'a SigningSettings,
    /// Where to find (and keep) derived signing keys. Default is none: four extra HMACs
    /// per signature.
    pub key_cache: Option<&'a SigningKeyCache>,
}

impl<'a> SigningParams<'a> {
    /// Parameters with default settings and no key cache.
    pub fn new(
        credentials: &'a Credentials,
        region: &'a str,
        service: &'a str,
        time: SystemTime,
    ) -> Self {
        Self {
            credentials,
            region,
            service,
            time,
            settings: &DEFAULT_SETTINGS,
            key_cache: None,
        }
    }

    /// Uses these settings.
    #[must_use]
    pub fn with_settings(mut self, settings: &'a SigningSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Takes signing keys from this cache.
    #[must_use]
    pub fn with_key_cache(mut self, key_cache: &'a SigningKeyCache) -> Self {
        self.key_cache = Some(key_cache);
        self
    }
}

/// A header the signer asks to set on the request.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AddedHeader<'s> {
    /// Lower-case header name.
    pub name: &'static str,
    /// Header value.
    pub value: &'s str,
    /// Whether the value is a credential (the session token, or `authorization`): mark it
    /// sensitive and never log it.
    pub sensitive: bool,
}

impl std::fmt::Debug for AddedHeader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddedHeader")
            .field("name", &self.name)
            .field(
                "value",
                if self.sensitive {
                    &"** redacted **"
                } else {
                    &self.value
                },
            )
            .field("sensitive", &self.sensitive)
            .finish()
    }
}

const NO_HEADER: AddedHeader<'static> = AddedHeader {
    name: "",
    value: "",
    sensitive: false,
};

/// The result of signing: what to add to the request, and the intermediate values.
///
/// It borrows the [`Signer`]'s buffers, so it lives until the signer is used again.
#[derive(Clone, Copy)]
pub struct SigningOutput<'s> {
    signer: &'s Signer,
    added: Added<'s>,
}

/// What to add to the request: headers or query parameters, and how many.
#[derive(Clone, Copy)]
enum Added<'s> {
    Headers([AddedHeader<'s>; 4], u8),
    Params([(&'static str, &'s str); 7], u8),
}

impl<'s> SigningOutput<'s> {
    /// The canonical request that was signed. It contains the session token when the token
    /// is signed: treat it as sensitive.
    pub fn canonical_request(&self) -> &'s str {
        &self.signer.canon.out
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &'s str {
        &self.signer.string_to_sign
    }

    /// The signature: 64 lower-case hex digits.
    pub fn signature(&self) -> &'s str {
        &self.signer.signature
    }

    /// The `SignedHeaders` list, e.g. `host;x-amz-date`.
    pub fn signed_headers(&self) -> &'s str {
        &self.signer.canon.signed_headers
    }

    /// The `X-Amz-Date` value.
    pub fn amz_date(&self) -> &'s str {
        &self.signer.date_time
    }

    /// Headers to set on the request, replacing any existing header of the same name.
    /// Empty when signing into the query string. In order: `x-amz-security-token` (when the
    /// credentials have one), `x-amz-date`, `x-amz-content-sha256` (when asked for),
    /// `authorization`.
    pub fn headers(&self) -> &[AddedHeader<'s>] {
        match &self.added {
            Added::Headers(headers, n) => headers.get(..usize::from(*n)).unwrap_or(&[]),
            Added::Params(..) => &[],
        }
    }

    /// The `Authorization` header value, when signing into headers.
    pub fn authorization(&self) -> Option<&'s str> {
        (!self.signer.authorization.is_empty()).then_some(self.signer.authorization.as_str())
    }

    /// Query parameters to append, unencoded. Empty when signing into headers. In order:
    /// `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`,
    /// `X-Amz-Expires`, `X-Amz-Security-Token` (when the credentials have one),
    /// `X-Amz-Signature`. The token is a credential: never log it.
    pub fn query_params(&self) -> &[(&'static str, &'s str)] {
        match &self.added {
            Added::Params(params, n) => params.get(..usize::from(*n)).unwrap_or(&[]),
            Added::Headers(..) => &[],
        }
    }

    /// [`query_params`](Self::query_params) URI-encoded and joined with `&`, ready to append
    /// to the target after `?` (or `&` when it already has a query). Empty when signing into
    /// headers.
    pub fn query_string(&self) -> &'s str {
        &self.signer.query
    }
}

impl std::fmt::Debug for SigningOutput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningOutput")
            .field("signature", &self.signature())
            .field("signed_headers", &self.signed_headers())
            .field("headers", &self.headers())
            .field("query_params", &self.query_params().len())
            .finish_non_exhaustive()
    }
}

/// Signs requests, reusing its buffers: after the first few requests, signing allocates
/// nothing. Cheap to create; keep one per thread or task for the best speed.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use sigv4::{Credentials, Payload, SignableRequest, Signer, SigningParams};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30T12:36:00Z
/// let headers = [("Host", "example.amazonaws.com")];
/// let request = SignableRequest::new("GET", "/", &headers, Payload::Bytes(b""));
/// let mut signer = Signer::new();
/// let out = signer.sign(&request, &SigningParams::new(&creds, "us-east-1", "service", time))?;
/// assert_eq!(
///     out.signature(),
///     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
/// );
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Default)]
pub struct Signer {
    pub(crate) canon: Canonicalizer,
    pub(crate) string_to_sign: String,
    pub(crate) signature: String,
    pub(crate) date_time: String,
    pub(crate) scope: String,
    pub(crate) credential: String,
    pub(crate) payload_hash: String,
    pub(crate) expires: String,
    pub(crate) token: String,
    pub(crate) authorization: String,
    pub(crate) query: String,
    /// The time `date_time` and `scope` were last written for.
    pub(crate) stamp: Option<AmzDateTime>,
    pub(crate) targets: TargetCache,
    pub(crate) hasher: CanonicalHasher,
}

/// Shows only the last request time: the reused buffers hold the session token, the
/// canonical request (with every signed header value) and the signature, none of which
/// belongs in logs.
impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("last_time", &self.stamp)
            .finish_non_exhaustive()
    }
}

/// SHA-256 of canonical requests that remembers the hash state after the whole 64-byte
/// blocks that consecutive requests share. Requests to one endpoint repeat the method,
/// path, query and most headers, so hashing the next one starts from that state: the same
/// digest, with fewer blocks to compress.
#[derive(Default)]
pub(crate) struct CanonicalHasher {
    /// The shared leading blocks, and the state after hashing them.
    prefix: Vec<u8>,
    state: Option<digest::Context>,
    /// The last request hashed without the state, to find what the next one shares.
    previous: Vec<u8>,
}

impl std::fmt::Debug for CanonicalHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The canonical request may hold a session token: show sizes only.
        f.debug_struct("CanonicalHasher")
            .field("prefix_len", &self.prefix.len())
            .finish_non_exhaustive()
    }
}

const SHA256_BLOCK: usize = 64;

impl CanonicalHasher {
    /// The SHA-256 digest of `data`.
    pub(crate) fn digest(&mut self, data: &[u8]) -> digest::Digest {
        if let Some(state) = &self.state
            && let Some(rest) = data.strip_prefix(self.prefix.as_slice())
        {
            let mut context = state.clone();
            context.update(rest);
            return context.finish();
        }
        let shared = data
            .chunks_exact(SHA256_BLOCK)
            .zip(self.previous.chunks_exact(SHA256_BLOCK))
            .take_while(|(a, b)| a == b)
            .count()
            * SHA256_BLOCK;
        match data.split_at_checked(shared) {
            Some((prefix, rest)) if !prefix.is_empty() => {
                let mut context = digest::Context::new(&digest::SHA256);
                context.update(prefix);
                self.prefix.clear();
                self.prefix.extend_from_slice(prefix);
                self.state = Some(context.clone());
                context.update(rest);
                context.finish()
            }
            _ => {
                self.previous.clear();
                self.previous.extend_from_slice(data);
                digest::digest(&digest::SHA256, data)
            }
        }
    }
}

/// Checks a region or service name for characters that would break the credential scope.
pub(crate) fn check_scope_part(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic() && b != b'/')
}

fn check_payload_hash(hash: &str) -> Result<(), Error> {
    if !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(Error::InvalidPayloadHash {
            hash: hash.to_owned(),
        })
    }
}

impl Signer {
    /// A signer with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the payload hash into `self.payload_hash`.
    pub(crate) fn set_payload_hash(&mut self, payload: Payload<'_>) -> Result<(), Error> {
        self.payload_hash.clear();
        match payload {
            Payload::Bytes(bytes) => {
                let hashed = digest::digest(&digest::SHA256, bytes);
                push_hex32(&mut self.payload_hash, hashed.as_ref());
            }
            Payload::Precomputed(hash) => {
                check_payload_hash(hash)?;
                self.payload_hash.push_str(hash);
            }
            Payload::Unsigned => self.payload_hash.push_str(UNSIGNED_PAYLOAD),
        }
        Ok(())
    }

    /// Writes `date_time` and `scope` (`YYYYMMDD/region/service/aws4_request`).
    pub(crate) fn set_scope(&mut self, date: AmzDateTime, region: &str, service: &str) {
        // Usually the same as last time: keep what is written.
        if let Some(stamp) = self.stamp {
            let same_scope = stamp.date_number() == date.date_number()
                && self
                    .scope
                    .get(9..)
                    .and_then(|s| s.strip_prefix(region))
                    .and_then(|s| s.strip_prefix('/'))
                    .and_then(|s| s.strip_prefix(service))
                    == Some("/aws4_request");
            if same_scope {
                if stamp != date {
                    self.date_time.clear();
                    date.write_date_time(&mut self.date_time);
                    self.stamp = Some(date);
                }
                return;
            }
        }
        self.stamp = None;
        self.date_time.clear();
        date.write_date_time(&mut self.date_time);
        self.scope.clear();
        date.write_date(&mut self.scope);
        self.scope.push('/');
        self.scope.push_str(region);
        self.scope.push('/');
        self.scope.push_str(service);
        self.scope.push_str("/aws4_request");
        self.stamp = Some(date);
    }

    /// Hashes the canonical request into the string to sign and signs it.
    pub(crate) fn finish_signature(&mut self, key: &SigningKey) {
        let hashed = self.hasher.digest(self.canon.out.as_bytes());
        self.string_to_sign.clear();
        self.string_to_sign.push_str(ALGORITHM);
        self.string_to_sign.push('\n');
        self.string_to_sign.push_str(&self.date_time);
        self.string_to_sign.push('\n');
        self.string_to_sign.push_str(&self.scope);
        self.string_to_sign.push('\n');
        push_hex32(&mut self.string_to_sign, hashed.as_ref());
        self.signature.clear();
        push_hex32(
            &mut self.signature,
            &key.sign(self.string_to_sign.as_bytes()),
        );
    }

    /// Signs `request`.
    ///
    /// With [`SignatureLocation::Headers`] the output lists the headers to set; with
    /// [`SignatureLocation::Query`] it lists the query parameters to append (a presigned URL).
    ///
    /// # Errors
    ///
    /// Any invalid input is reported and nothing is signed: [`Error::InvalidMethod`],
    /// [`Error::InvalidTarget`], [`Error::MissingHost`], [`Error::InvalidHeaderName`],
    /// [`Error::InvalidHeaderValue`], [`Error::InvalidPayloadHash`], [`Error::InvalidTime`],
    /// [`Error::InvalidRegion`], [`Error::InvalidService`], [`Error::InvalidAccessKeyId`],
    /// [`Error::InvalidExpires`].
    pub fn sign<'s>(
        &'s mut self,
        request: &SignableRequest<'_>,
        params: &SigningParams<'_>,
    ) -> Result<SigningOutput<'s>, Error> {
        let creds = params.credentials;
        creds.validate()?;
        if !check_scope_part(params.region) {
            return Err(Error::InvalidRegion {
                region: params.region.to_owned(),
            });
        }
        if !check_scope_part(params.service) {
            return Err(Error::InvalidService {
                service: params.service.to_owned(),
            });
        }
        let settings = params.settings;
        let date = AmzDateTime::from_system_time(params.time)?;
        let target = self.targets.parse(request.target())?;
        self.set_payload_hash(request.payload())?;
        self.set_scope(date, params.region, params.service);

        let token = creds.session_token();
        let token_signed = token.is_some() && settings.session_token == SessionTokenMode::Signed;
        let after_signing: &[&'static str] = match settings.session_token {
            SessionTokenMode::AddedAfterSigning => &["x-amz-security-token"],
            SessionTokenMode::Signed => &[],
        };
        self.token.clear();
        self.token.push_str(token.unwrap_or(""));
        self.authorization.clear();
        self.query.clear();

        match settings.signature_location {
            SignatureLocation::Headers => {
                let mut extras: [(&'static str, &str); 3] = [("", ""); 3];
                let mut n = 0;
                for extra in [
                    Some(("x-amz-date", self.date_time.as_str())),
                    token.map(|t| ("x-amz-security-token", t)),
                    settings
                        .content_sha256_header
                        .then_some(("x-amz-content-sha256", self.payload_hash.as_str())),
                ]
                .into_iter()
                .flatten()
                {
                    if let Some(slot) = extras.get_mut(n) {
                        *slot = extra;
                        n += 1;
                    }
                }
                let input = CanonicalInput {
                    method: request.method(),
                    target,
                    headers: request.headers(),
                    plan: HeaderPlan::Sign {
                        excluded: settings.excluded_headers,
                        also_excluded: after_signing,
                        extras: extras.get(..n).unwrap_or(&[]),
                    },
                    extra_params: &[],
                    signed_headers_param: false,
                    skip_params: &[],
                    payload_hash: &self.payload_hash,
                    encoding: settings.percent_encoding,
                    normalize_path: settings.normalize_path,
                };
                self.canon.build(&input)?;
            }
            SignatureLocation::Query { expires_in } => {
                let seconds = expires_in.as_secs();
                if seconds == 0 || seconds > MAX_PRESIGNED_EXPIRY.as_secs() {
                    return Err(Error::InvalidExpires { seconds });
                }
                self.expires.clear();
                self.expires.push_str(&seconds.to_string());
                self.credential.clear();
                self.credential.push_str(creds.access_key_id());
                self.credential.push('/');
                self.credential.push_str(&self.scope);
                let all_params = [
                    ("X-Amz-Algorithm", ALGORITHM),
                    ("X-Amz-Credential", self.credential.as_str()),
                    ("X-Amz-Date", self.date_time.as_str()),
                    ("X-Amz-Expires", self.expires.as_str()),
                    ("X-Amz-Security-Token", token.unwrap_or("")),
                ];
                let extra_params = all_params
                    .get(..if token_signed { 5 } else { 4 })
                    .unwrap_or(&[]);
                let mut also_excluded: [&'static str; 3] =
                    ["x-amz-user-agent", "x-amz-checksum-mode", ""];
                let mut n_excluded = 2;
                if let Some(name) = after_signing.first() {
                    also_excluded[2] = name;
                    n_excluded = 3;
                }
                let input = CanonicalInput {
                    method: request.method(),
                    target,
                    headers: request.headers(),
                    plan: HeaderPlan::Sign {
                        excluded: settings.excluded_headers,
                        also_excluded: also_excluded.get(..n_excluded).unwrap_or(&[]),
                        extras: &[],
                    },
                    extra_params,
                    signed_headers_param: true,
                    skip_params: &[],
                    payload_hash: &self.payload_hash,
                    encoding: settings.percent_encoding,
                    normalize_path: settings.normalize_path,
                };
                self.canon.build(&input)?;
            }
        }

        let key: Arc<SigningKey> = match params.key_cache {
            Some(cache) => cache.get_or_derive(creds, date, params.region, params.service),
            None => Arc::new(SigningKey::derive(
                creds.secret_access_key(),
                date,
                params.region,
                params.service,
            )),
        };
        self.finish_signature(&key);

        let has_token = token.is_some();
        match settings.signature_location {
            SignatureLocation::Headers => {
                let auth = &mut self.authorization;
                auth.push_str(ALGORITHM);
                auth.push_str(" Credential=");
                auth.push_str(creds.access_key_id());
                auth.push('/');
                auth.push_str(&self.scope);
                auth.push_str(", SignedHeaders=");
                auth.push_str(&self.canon.signed_headers);
                auth.push_str(", Signature=");
                auth.push_str(&self.signature);
            }
            SignatureLocation::Query { .. } => {
                let pairs = [
                    ("X-Amz-Algorithm", ALGORITHM),
                    ("X-Amz-Credential", self.credential.as_str()),
                    ("X-Amz-Date", self.date_time.as_str()),
                    ("X-Amz-SignedHeaders", self.canon.signed_headers.as_str()),
                    ("X-Amz-Expires", self.expires.as_str()),
                    ("X-Amz-Security-Token", self.token.as_str()),
                    ("X-Amz-Signature", self.signature.as_str()),
                ];
                for (name, value) in pairs {
                    if name == "X-Amz-Security-Token" && !has_token {
                        continue;
                    }
                    if !self.query.is_empty() {
                        self.query.push('&');
                    }
                    self.query.push_str(name);
                    self.query.push('=');
                    push_uri_encoded(&mut self.query, value);
                }
            }
        }

        let this: &'s Signer = self;
        let added = match settings.signature_location {
            SignatureLocation::Headers => {
                let mut headers = [NO_HEADER; 4];
                let mut n = 0u8;
                let candidates = [
                    has_token.then_some(AddedHeader {
                        name: "x-amz-security-token",
                        value: &this.token,
                        sensitive: true,
                    }),
                    Some(AddedHeader {
                        name: "x-amz-date",
                        value: &this.date_time,
                        sensitive: false,
                    }),
                    settings.content_sha256_header.then_some(AddedHeader {
                        name: "x-amz-content-sha256",
                        value: &this.payload_hash,
                        sensitive: false,
                    }),
                    Some(AddedHeader {
                        name: "authorization",
                        value: &this.authorization,
                        sensitive: true,
                    }),
                ];
                for (slot, header) in headers.iter_mut().zip(candidates.into_iter().flatten()) {
                    *slot = header;
                    n += 1;
                }
                Added::Headers(headers, n)
            }
            SignatureLocation::Query { .. } => {
                let mut params = [("", ""); 7];
                let mut n = 0u8;
                let candidates = [
                    Some(("X-Amz-Algorithm", ALGORITHM)),
                    Some(("X-Amz-Credential", this.credential.as_str())),
                    Some(("X-Amz-Date", this.date_time.as_str())),
                    Some(("X-Amz-SignedHeaders", this.canon.signed_headers.as_str())),
                    Some(("X-Amz-Expires", this.expires.as_str())),
                    has_token.then_some(("X-Amz-Security-Token", this.token.as_str())),
                    Some(("X-Amz-Signature", this.signature.as_str())),
                ];
                for (slot, param) in params.iter_mut().zip(candidates.into_iter().flatten()) {
                    *slot = param;
                    n += 1;
                }
                Added::Params(params, n)
            }
        };
        let out = SigningOutput {
            signer: this,
            added,
        };
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_hasher_matches_sha256() {
        let mut hasher = CanonicalHasher::default();
        let base: Vec<u8> = (0..300u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut inputs = vec![base.clone(), base.clone(), Vec::new(), b"x".to_vec()];
        for cut in [0, 1, 63, 64, 65, 128, 200, 299, 300] {
            let mut changed = base.clone();
            if let Some(b) = changed.get_mut(cut) {
                *b = b'#';
            }
            inputs.push(changed.clone());
            inputs.push(changed.clone());
            inputs.push(changed.get(..cut).unwrap_or_default().to_vec());
            changed.extend_from_slice(b"tail");
            inputs.push(changed);
            inputs.push(base.clone());
        }
        for input in &inputs {
            assert_eq!(
                hasher.digest(input).as_ref(),
                digest::digest(&digest::SHA256, input).as_ref()
            );
        }
        assert!(!hasher.prefix.is_empty());
    }

    #[test]
    fn debug_of_a_used_signer_shows_no_secret_material() {
        use crate::{Credentials, Payload, SignableRequest, SigningParams};
        use std::time::{Duration, UNIX_EPOCH};

        let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            .with_session_token("SESSION-TOKEN-SECRET-VALUE");
        let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let headers = [
            ("Host", "example.amazonaws.com"),
            ("X-Private", "header-value-42"),
        ];
        let request = SignableRequest::new("POST", "/", &headers, Payload::Bytes(b"{}"));
        let mut signer = Signer::new();
        let signature = signer
            .sign(
                &request,
                &SigningParams::new(&creds, "us-east-1", "service", time),
            )
            .map(|out| out.signature().to_owned())
            .unwrap_or_default();
        assert_eq!(signature.len(), 64);
        let shown = format!("{signer:?}");
        for secret in [
            "SESSION-TOKEN-SECRET-VALUE",
            "wJalrXUtnFEMI",
            "header-value-42",
            signature.as_str(),
        ] {
            assert!(!shown.contains(secret), "Debug shows {secret:?}: {shown}");
        }
    }
}
