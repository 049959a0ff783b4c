//! Signing settings.

use std::time::Duration;

/// Headers that are never signed by default: they are computed by signing
/// (`authorization`), changed by proxies (`user-agent`), set per hop (`transfer-encoding`) or
/// by tracing infrastructure (`x-amzn-trace-id`). Compared case-insensitively.
pub const DEFAULT_EXCLUDED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

/// The longest lifetime AWS accepts for a presigned URL: 7 days.
pub const MAX_PRESIGNED_EXPIRY: Duration = Duration::from_secs(604_800);

/// Where the signature goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureLocation {
    /// An `Authorization` header (plus `x-amz-date` and, when present, `x-amz-security-token`).
    Headers,
    /// The query string: a presigned URL with `X-Amz-Algorithm`, `X-Amz-Credential`,
    /// `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders` and `X-Amz-Signature`.
    Query {
        /// How long the URL stays valid (`X-Amz-Expires`), from 1 second to 7 days.
        /// Fractions of a second are dropped.
        expires_in: Duration,
    },
}

/// How the path is percent-encoded into the canonical request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PercentEncoding {
    /// URI-encode the path as sent on the wire, so `%3A` becomes `%253A`. Every service but S3.
    Double,
    /// Use the path as sent on the wire (only bytes outside visible ASCII get encoded). S3.
    Single,
}

/// What happens to the session token of temporary credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// Sign `x-amz-security-token` (or `X-Amz-Security-Token` in a presigned query) like any
    /// other header or parameter. What almost every service expects.
    Signed,
    /// Compute the signature without the token, then add it. Some services (IoT presigned
    /// WebSocket URLs, for example) require this.
    AddedAfterSigning,
}

/// Settings that shape the canonical request. The defaults suit every service but S3.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use sigv4::{SignatureLocation, SigningSettings};
///
/// let mut presign = SigningSettings::new();
/// presign.signature_location = SignatureLocation::Query { expires_in: Duration::from_secs(900) };
/// let s3 = SigningSettings::s3();
/// assert!(!s3.normalize_path);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningSettings {
    /// Headers or query string. Default is [`SignatureLocation::Headers`].
    pub signature_location: SignatureLocation,
    /// Single or double path encoding. Default is [`PercentEncoding::Double`].
    pub percent_encoding: PercentEncoding,
    /// Remove `.` and `..` segments and repeated slashes from the path before encoding it.
    /// Default is true; S3 needs false.
    pub normalize_path: bool,
    /// Add (and sign) an `x-amz-content-sha256` header holding the payload hash. Only applies
    /// when signing into headers. Default is false; S3 needs true.
    pub content_sha256_header: bool,
    /// Sign the session token or add it after signing. Default is [`SessionTokenMode::Signed`].
    pub session_token: SessionTokenMode,
    /// Header names left out of the signature, compared case-insensitively.
    /// Default is [`DEFAULT_EXCLUDED_HEADERS`].
    pub excluded_headers: &'static [&'static str],
}

impl SigningSettings {
    /// The default settings: headers, double encoding, path normalization, no
    /// `x-amz-content-sha256`, signed session token.
    pub const fn new() -> Self {
        Self {
            signature_location: SignatureLocation::Headers,
            percent_encoding: PercentEncoding::Double,
            normalize_path: true,
            content_sha256_header: false,
            session_token: SessionTokenMode::Signed,
            excluded_headers: DEFAULT_EXCLUDED_HEADERS,
        }
    }

    /// Settings for S3: single encoding, no path normalization, `x-amz-content-sha256` added.
    pub const fn s3() -> Self {
        Self {
            percent_encoding: PercentEncoding::Single,
            normalize_path: false,
            content_sha256_header: true,
            ..Self::new()
        }
    }

    /// These settings with the signature moved into the query string (a presigned URL valid
    /// for `expires_in`).
    #[must_use]
    pub const fn presigned(mut self, expires_in: Duration) -> Self {
        self.signature_location = SignatureLocation::Query { expires_in };
        self
    }
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self::new()
    }
}

pub(crate) static DEFAULT_SETTINGS: SigningSettings = SigningSettings::new();
