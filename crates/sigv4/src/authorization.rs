//! Server side: parse a received SigV4 signature and check it.
//!
//! A server (the Bedrock emulator, for instance) receives either an `Authorization` header
//! or a presigned query. [`ParsedAuthorization`] reads either one; [`Signer::recompute`]
//! rebuilds the canonical request from exactly the signed headers and recomputes the
//! signature; [`Signer::verify`] compares the two in constant time.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::canonical::{CanonicalInput, HeaderPlan};
use crate::credentials::Credentials;
use crate::credentials::validate_access_key_id;
use crate::date::AmzDateTime;
use crate::encoding::{form_decode_into, is_token};
use crate::error::Error;
use crate::request::SignableRequest;
use crate::settings::{MAX_PRESIGNED_EXPIRY, SessionTokenMode, SigningSettings};
use crate::sign::{ALGORITHM, Signer, check_scope_part};
use crate::signing_key::{SigningKey, SigningKeyCache};

/// Compares two byte strings in time that depends only on their lengths.
///
/// # Examples
///
/// ```
/// assert!(sigv4::constant_time_eq(b"abc", b"abc"));
/// assert!(!sigv4::constant_time_eq(b"abc", b"abd"));
/// assert!(!sigv4::constant_time_eq(b"abc", b"ab"));
/// assert!(sigv4::constant_time_eq(b"0123456789abcdef012", b"0123456789abcdef012"));
/// assert!(!sigv4::constant_time_eq(b"0123456789abcdef012", b"0123456789abcdef013"));
/// assert!(!sigv4::constant_time_eq(b"0123456789abcdef012", b"0123456789abcdeg012"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // Eight bytes at a time, never stopping early.
    fn word(w: &[u8]) -> u64 {
        u64::from_ne_bytes(<[u8; 8]>::try_from(w).unwrap_or_default())
    }
    let mut diff = a
        .chunks_exact(8)
        .zip(b.chunks_exact(8))
        .fold(0u64, |acc, (x, y)| acc | (word(x) ^ word(y)));
    let tail = a.len() - a.len() % 8;
    if let (Some(x), Some(y)) = (a.get(tail..), b.get(tail..)) {
        diff |= u64::from(x.iter().zip(y).fold(0u8, |acc, (x, y)| acc | (x ^ y)));
    }
    std::hint::black_box(diff) == 0
}

/// Where a received signature was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorizationSource {
    /// An `Authorization: AWS4-HMAC-SHA256 ...` header.
    Header,
    /// A presigned query string (`X-Amz-Signature=...`).
    Query,
}

/// A received SigV4 signature, parsed and checked for shape (not yet verified).
///
/// # Examples
///
/// ```
/// use sigv4::ParsedAuthorization;
/// let auth = ParsedAuthorization::from_authorization_header(
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
///      SignedHeaders=host;x-amz-date, \
///      Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
/// )?;
/// assert_eq!(auth.access_key_id(), "AKIDEXAMPLE");
/// assert_eq!(auth.region(), "us-east-1");
/// assert_eq!(auth.signed_headers().collect::<Vec<_>>(), ["host", "x-amz-date"]);
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    source: AuthorizationSource,
    access_key_id: String,
    date: String,
    region: String,
    service: String,
    signed_headers: String,
    signature: String,
    amz_date: Option<AmzDateTime>,
    expires_in: Option<Duration>,
    security_token: Option<String>,
}

impl fmt::Debug for ParsedAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAuthorization")
            .field("source", &self.source)
            .field("access_key_id", &self.access_key_id)
            .field("date", &self.date)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &self.signature)
            .field("amz_date", &self.amz_date)
            .field("expires_in", &self.expires_in)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

struct Scope {
    access_key_id: String,
    date: String,
    region: String,
    service: String,
}

fn parse_credential(credential: &str) -> Result<Scope, Error> {
    let bad = || Error::MalformedCredential {
        credential: credential.to_owned(),
    };
    let mut parts = credential.split('/');
    let (Some(akid), Some(date), Some(region), Some(service), Some("aws4_request"), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(bad());
    };
    validate_access_key_id(akid).map_err(|_| bad())?;
    let date_ok = date.len() == 8
        && date.bytes().all(|b| b.is_ascii_digit())
        && AmzDateTime::parse(&format!("{date}T000000Z")).is_ok();
    if !date_ok || !check_scope_part(region) || !check_scope_part(service) {
        return Err(bad());
    }
    Ok(Scope {
        access_key_id: akid.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
    })
}

fn check_signed_headers(list: &str) -> Result<(), Error> {
    let bad = || Error::MalformedSignedHeaders {
        signed_headers: list.to_owned(),
    };
    let mut previous: Option<&str> = None;
    for name in list.split(';') {
        if !is_token(name) || name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(bad());
        }
        if previous.is_some_and(|p| p >= name) {
            return Err(bad());
        }
        previous = Some(name);
    }
    Ok(())
}

fn check_signature(signature: &str) -> Result<(), Error> {
    if signature.len() == 64
        && signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(Error::MalformedSignature {
            signature: signature.to_owned(),
        })
    }
}

impl ParsedAuthorization {
    /// Parses an `Authorization` header value:
    /// `AWS4-HMAC-SHA256 Credential=AKID/YYYYMMDD/region/service/aws4_request,
    /// SignedHeaders=a;b, Signature=hex`. The three components may come in any order,
    /// separated by commas with optional spaces.
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedAlgorithm`] for another scheme (including `Bearer`),
    /// [`Error::MalformedAuthorization`] when a component is missing, repeated or unknown,
    /// [`Error::MalformedCredential`], [`Error::MalformedSignedHeaders`] (empty, not lower
    /// case, unsorted or repeated names) or [`Error::MalformedSignature`].
    pub fn from_authorization_header(value: &str) -> Result<Self, Error> {
        let value = value.trim_matches(|c| c == ' ' || c == '\t');
        let (algorithm, rest) = value.split_once([' ', '\t']).unwrap_or((value, ""));
        if algorithm != ALGORITHM {
            return Err(Error::UnsupportedAlgorithm {
                algorithm: algorithm.to_owned(),
            });
        }
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for component in rest.split(',') {
            let component = component.trim_matches(|c| c == ' ' || c == '\t');
            let Some((key, val)) = component.split_once('=') else {
                return Err(Error::MalformedAuthorization {
                    reason: "a component is not key=value",
                });
            };
            let slot = match key {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                _ => {
                    return Err(Error::MalformedAuthorization {
                        reason: "unknown component",
                    });
                }
            };
            if slot.replace(val).is_some() {
                return Err(Error::MalformedAuthorization {
                    reason: "repeated component",
                });
            }
        }
        let credential = credential.ok_or(Error::MalformedAuthorization {
            reason: "missing Credential",
        })?;
        let signed_headers = signed_headers.ok_or(Error::MalformedAuthorization {
            reason: "missing SignedHeaders",
        })?;
        let signature = signature.ok_or(Error::MalformedAuthorization {
            reason: "missing Signature",
        })?;
        let scope = parse_credential(credential)?;
        check_signed_headers(signed_headers)?;
        check_signature(signature)?;
        Ok(Self {
            source: AuthorizationSource::Header,
            access_key_id: scope.access_key_id,
            date: scope.date,
            region: scope.region,
            service: scope.service,
            signed_headers: signed_headers.to_owned(),
            signature: signature.to_owned(),
            amz_date: None,
            expires_in: None,
            security_token: None,
        })
    }

    /// Parses the presigning parameters of a raw query string (the part after `?`, still
    /// percent-encoded): `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
    /// `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature` and the optional
    /// `X-Amz-Security-Token`. Other parameters are ignored here (they are signed).
    ///
    /// # Errors
    ///
    /// [`Error::MissingQueryParameter`], [`Error::DuplicateQueryParameter`],
    /// [`Error::UnsupportedAlgorithm`], [`Error::MalformedCredential`],
    /// [`Error::InvalidAmzDate`], [`Error::InvalidExpires`] (not a number, zero, or more
    /// than 7 days), [`Error::MalformedSignedHeaders`], [`Error::MalformedSignature`] or
    /// [`Error::ScopeDateMismatch`].
    pub fn from_query(query: &str) -> Result<Self, Error> {
        const NAMES: [&str; 7] = [
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-Expires",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature",
            "X-Amz-Security-Token",
        ];
        let mut values: [Option<String>; 7] = Default::default();
        let mut buf = Vec::new();
        for piece in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            form_decode_into(key, &mut buf);
            let Some(index) = NAMES.iter().position(|n| n.as_bytes() == buf.as_slice()) else {
                continue;
            };
            form_decode_into(value, &mut buf);
            let decoded = String::from_utf8_lossy(&buf).into_owned();
            let (Some(slot), Some(name)) = (values.get_mut(index), NAMES.get(index)) else {
                continue;
            };
            if slot.replace(decoded).is_some() {
                return Err(Error::DuplicateQueryParameter { name });
            }
        }
        let [
            algorithm,
            credential,
            date,
            expires,
            signed_headers,
            signature,
            token,
        ] = values;
        let algorithm = algorithm.ok_or(Error::MissingQueryParameter {
            name: "X-Amz-Algorithm",
        })?;
        if algorithm != ALGORITHM {
            return Err(Error::UnsupportedAlgorithm { algorithm });
        }
        let credential = credential.ok_or(Error::MissingQueryParameter {
            name: "X-Amz-Credential",
        })?;
        let date = date.ok_or(Error::MissingQueryParameter { name: "X-Amz-Date" })?;
        let expires = expires.ok_or(Error::MissingQueryParameter {
            name: "X-Amz-Expires",
        })?;
        let signed_headers = signed_headers.ok_or(Error::MissingQueryParameter {
            name: "X-Amz-SignedHeaders",
        })?;
        let signature = signature.ok_or(Error::MissingQueryParameter {
            name: "X-Amz-Signature",
        })?;
        let scope = parse_credential(&credential)?;
        let amz_date = AmzDateTime::parse(&date)?;
        let seconds = if !expires.is_empty() && expires.bytes().all(|b| b.is_ascii_digit()) {
            expires.parse::<u64>().unwrap_or(u64::MAX)
        } else {
            return Err(Error::MalformedAuthorization {
                reason: "X-Amz-Expires is not a number",
            });
        };
        if seconds == 0 || seconds > MAX_PRESIGNED_EXPIRY.as_secs() {
            return Err(Error::InvalidExpires { seconds });
        }
        check_signed_headers(&signed_headers)?;
        check_signature(&signature)?;
        if amz_date.date_string() != scope.date {
            return Err(Error::ScopeDateMismatch {
                scope_date: scope.date,
                amz_date: date,
            });
        }
        Ok(Self {
            source: AuthorizationSource::Query,
            access_key_id: scope.access_key_id,
            date: scope.date,
            region: scope.region,
            service: scope.service,
            signed_headers,
            signature,
            amz_date: Some(amz_date),
            expires_in: Some(Duration::from_secs(seconds)),
            security_token: token,
        })
    }

    /// Header or query.
    pub fn source(&self) -> AuthorizationSource {
        self.source
    }

    /// The access key id from the credential scope.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The `YYYYMMDD` date from the credential scope.
    pub fn date(&self) -> &str {
        &self.date
    }

    /// The region from the credential scope.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service from the credential scope.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The signed header names, lower case and sorted.
    pub fn signed_headers(&self) -> impl Iterator<Item = &str> {
        self.signed_headers.split(';')
    }

    /// The signed header names as received, `;`-separated.
    pub fn signed_headers_str(&self) -> &str {
        &self.signed_headers
    }

    /// The received signature, 64 lower-case hex digits.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// `X-Amz-Date` of a presigned query. `None` for a header, whose time is in the
    /// request's `x-amz-date` header.
    pub fn amz_date(&self) -> Option<AmzDateTime> {
        self.amz_date
    }

    /// `X-Amz-Expires` of a presigned query.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in
    }

    /// When a presigned query stops being valid (`X-Amz-Date` + `X-Amz-Expires`).
    pub fn expires_at(&self) -> Option<SystemTime> {
        Some(self.amz_date?.to_system_time() + self.expires_in?)
    }

    /// `X-Amz-Security-Token` of a presigned query, decoded. A credential: never log it.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

/// A signature recomputed from a received request; borrows the [`Signer`]'s buffers.
#[derive(Debug, Clone, Copy)]
pub struct RecomputedSignature<'s> {
    signer: &'s Signer,
    amz_date: AmzDateTime,
}

impl<'s> RecomputedSignature<'s> {
    /// The canonical request the server rebuilt (compare with the client's when debugging
    /// a mismatch).
    pub fn canonical_request(&self) -> &'s str {
        &self.signer.canon.out
    }

    /// The string to sign the server rebuilt.
    pub fn string_to_sign(&self) -> &'s str {
        &self.signer.string_to_sign
    }

    /// The expected signature, 64 lower-case hex digits.
    pub fn signature(&self) -> &'s str {
        &self.signer.signature
    }

    /// The request time (`X-Amz-Date`) the signature covers; check it against the clock
    /// (AWS allows 5 minutes of skew) or, for presigned URLs, against
    /// [`ParsedAuthorization::expires_at`].
    pub fn amz_date(&self) -> AmzDateTime {
        self.amz_date
    }
}

impl Signer {
    /// Recomputes the signature of a received request.
    ///
    /// `request` holds the method, the path and query exactly as received (origin form is
    /// fine), the received headers (all of them, or at least the signed ones; `host` must be
    /// among them, with HTTP/2 pass `:authority` as `host`), and the payload: its bytes, the
    /// received `x-amz-content-sha256` value once checked against the body, or
    /// [`Payload::Unsigned`](crate::Payload::Unsigned). Only `percent_encoding`,
    /// `normalize_path` and `session_token` of `settings` matter here.
    ///
    /// The time comes from `X-Amz-Date` (the query parameter, or the `x-amz-date` header)
    /// and must fall on the credential scope's date. The signing key is derived from
    /// `credentials` (whose access key id must match) or taken from `key_cache`.
    ///
    /// # Errors
    ///
    /// [`Error::MalformedAuthorization`] if the access key ids differ,
    /// [`Error::MissingSignedHeader`] (also when a header signature has no `x-amz-date`),
    /// [`Error::InvalidAmzDate`], [`Error::ScopeDateMismatch`], and the input errors of
    /// [`Signer::sign`].
    pub fn recompute<'s>(
        &'s mut self,
        request: &SignableRequest<'_>,
        authorization: &ParsedAuthorization,
        credentials: &Credentials,
        settings: &SigningSettings,
        key_cache: Option<&SigningKeyCache>,
    ) -> Result<RecomputedSignature<'s>, Error> {
        if credentials.access_key_id() != authorization.access_key_id {
            return Err(Error::MalformedAuthorization {
                reason: "the credentials are for another access key id",
            });
        }
        let amz_date = match authorization.amz_date {
            Some(date) => date,
            None => {
                let value = request
                    .headers()
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case("x-amz-date"))
                    .map(|(_, value)| *value)
                    .ok_or(Error::MissingSignedHeader {
                        name: "x-amz-date".to_owned(),
                    })?;
                AmzDateTime::parse(value.trim_matches(' '))?
            }
        };
        if amz_date.date_string() != authorization.date {
            return Err(Error::ScopeDateMismatch {
                scope_date: authorization.date.clone(),
                amz_date: amz_date.to_string(),
            });
        }
        let target = self.targets.parse(request.target())?;
        self.set_payload_hash(request.payload())?;
        self.set_scope(amz_date, &authorization.region, &authorization.service);
        let skip: &[&'static str] = match (authorization.source, settings.session_token) {
            (AuthorizationSource::Header, _) => &[],
            (AuthorizationSource::Query, SessionTokenMode::Signed) => &["X-Amz-Signature"],
            (AuthorizationSource::Query, SessionTokenMode::AddedAfterSigning) => {
                &["X-Amz-Signature", "X-Amz-Security-Token"]
            }
        };
        let input = CanonicalInput {
            method: request.method(),
            target,
            headers: request.headers(),
            plan: HeaderPlan::Verify {
                signed_headers: &authorization.signed_headers,
            },
            extra_params: &[],
            signed_headers_param: false,
            skip_params: skip,
            payload_hash: &self.payload_hash,
            encoding: settings.percent_encoding,
            normalize_path: settings.normalize_path,
        };
        self.canon.build(&input)?;
        let key = match key_cache {
            Some(cache) => cache.get_or_derive(
                credentials,
                amz_date,
                &authorization.region,
                &authorization.service,
            ),
            None => std::sync::Arc::new(SigningKey::derive(
                credentials.secret_access_key(),
                amz_date,
                &authorization.region,
                &authorization.service,
            )),
        };
        self.finish_signature(&key);
        Ok(RecomputedSignature {
            signer: self,
            amz_date,
        })
    }

    /// Recomputes the signature (see [`Signer::recompute`]) and compares it with the received
    /// one in constant time. Returns the request time so the caller can check clock skew or
    /// expiry.
    ///
    /// # Errors
    ///
    /// [`Error::SignatureMismatch`] when the signatures differ, and every error of
    /// [`Signer::recompute`].
    pub fn verify(
        &mut self,
        request: &SignableRequest<'_>,
        authorization: &ParsedAuthorization,
        credentials: &Credentials,
        settings: &SigningSettings,
        key_cache: Option<&SigningKeyCache>,
    ) -> Result<AmzDateTime, Error> {
        let recomputed =
            self.recompute(request, authorization, credentials, settings, key_cache)?;
        if constant_time_eq(
            recomputed.signature().as_bytes(),
            authorization.signature.as_bytes(),
        ) {
            Ok(recomputed.amz_date())
        } else {
            Err(Error::SignatureMismatch)
        }
    }
}
