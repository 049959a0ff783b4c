//! The crate's error type.

use std::fmt;

/// Everything that can go wrong while signing a request or checking a received signature.
///
/// Each variant names the input that was rejected. Secret material (the secret access key, the
/// session token, header values that may carry credentials) is never copied into an error.
/// The `Display` text is meant for people and is not a stable format.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The HTTP method is empty or is not an RFC 9110 token.
    InvalidMethod {
        /// The rejected method.
        method: String,
    },
    /// The request target is neither an absolute `scheme://authority/path` URL nor an
    /// origin-form path starting with `/`.
    InvalidTarget {
        /// The rejected target.
        target: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No `Host` header was given and the request target has no authority to derive it from.
    MissingHost,
    /// A header name is empty or is not an RFC 9110 token.
    InvalidHeaderName {
        /// The rejected name.
        name: String,
    },
    /// A header value holds a control character (other than a tab, or a line break that starts
    /// an obsolete line folding).
    InvalidHeaderValue {
        /// The name of the header whose value was rejected (the value itself is not repeated,
        /// since it may be a credential).
        name: String,
    },
    /// A precomputed payload hash is empty or holds characters that cannot appear in a header.
    InvalidPayloadHash {
        /// The rejected hash.
        hash: String,
    },
    /// The signing time is before 1970 or after 9999.
    InvalidTime,
    /// The region is empty or holds `/`, whitespace or non-ASCII characters.
    InvalidRegion {
        /// The rejected region.
        region: String,
    },
    /// The service (signing name) is empty or holds `/`, whitespace or non-ASCII characters.
    InvalidService {
        /// The rejected service name.
        service: String,
    },
    /// The access key id is empty or holds `/`, `,`, `=`, whitespace or non-ASCII characters.
    InvalidAccessKeyId {
        /// The rejected access key id.
        access_key_id: String,
    },
    /// A presigned URL lifetime is outside 1 second to 7 days.
    InvalidExpires {
        /// The rejected lifetime, in seconds.
        seconds: u64,
    },
    /// An `X-Amz-Date` value is not a valid `YYYYMMDD'T'HHMMSS'Z'` UTC time.
    InvalidAmzDate {
        /// The rejected value.
        value: String,
    },
    /// A received `Authorization` header or presigned query could not be parsed.
    MalformedAuthorization {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A received signature uses an algorithm other than `AWS4-HMAC-SHA256`.
    UnsupportedAlgorithm {
        /// The algorithm that was received.
        algorithm: String,
    },
    /// A received credential is not `AKID/YYYYMMDD/region/service/aws4_request`.
    MalformedCredential {
        /// The rejected credential.
        credential: String,
    },
    /// A received `SignedHeaders` list is empty, unsorted, repeats a name, or is not lower case.
    MalformedSignedHeaders {
        /// The rejected list.
        signed_headers: String,
    },
    /// A received signature is not 64 lower-case hexadecimal digits.
    MalformedSignature {
        /// The rejected signature.
        signature: String,
    },
    /// A presigned query lacks a required `X-Amz-*` parameter.
    MissingQueryParameter {
        /// The missing parameter.
        name: &'static str,
    },
    /// A presigned query repeats an `X-Amz-*` parameter.
    DuplicateQueryParameter {
        /// The repeated parameter.
        name: &'static str,
    },
    /// A header listed in `SignedHeaders` is not present in the received request.
    MissingSignedHeader {
        /// The missing header.
        name: String,
    },
    /// The date of the credential scope differs from the date of `X-Amz-Date`.
    ScopeDateMismatch {
        /// `YYYYMMDD` from the credential scope.
        scope_date: String,
        /// The `X-Amz-Date` value.
        amz_date: String,
    },
    /// The received signature does not match the one recomputed from the request.
    SignatureMismatch,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidMethod { method } => write!(f, "invalid HTTP method {method:?}"),
            Self::InvalidTarget { target, reason } => {
                write!(f, "invalid request target {target:?}: {reason}")
            }
            Self::MissingHost => {
                f.write_str("no Host header and no authority in the request target")
            }
            Self::InvalidHeaderName { name } => write!(f, "invalid header name {name:?}"),
            Self::InvalidHeaderValue { name } => {
                write!(f, "the value of header {name:?} holds a control character")
            }
            Self::InvalidPayloadHash { hash } => write!(f, "invalid payload hash {hash:?}"),
            Self::InvalidTime => f.write_str("signing time is outside the years 1970 to 9999"),
            Self::InvalidRegion { region } => write!(f, "invalid region {region:?}"),
            Self::InvalidService { service } => write!(f, "invalid service name {service:?}"),
            Self::InvalidAccessKeyId { access_key_id } => {
                write!(f, "invalid access key id {access_key_id:?}")
            }
            Self::InvalidExpires { seconds } => write!(
                f,
                "presigned URL lifetime of {seconds} s is outside 1 s to 604800 s"
            ),
            Self::InvalidAmzDate { value } => write!(f, "invalid X-Amz-Date {value:?}"),
            Self::MalformedAuthorization { reason } => {
                write!(f, "malformed SigV4 authorization: {reason}")
            }
            Self::UnsupportedAlgorithm { algorithm } => {
                write!(f, "unsupported signing algorithm {algorithm:?}")
            }
            Self::MalformedCredential { credential } => {
                write!(f, "malformed credential {credential:?}")
            }
            Self::MalformedSignedHeaders { signed_headers } => {
                write!(f, "malformed signed headers list {signed_headers:?}")
            }
            Self::MalformedSignature { signature } => {
                write!(f, "malformed signature {signature:?}")
            }
            Self::MissingQueryParameter { name } => {
                write!(f, "presigned query lacks the {name} parameter")
            }
            Self::DuplicateQueryParameter { name } => {
                write!(f, "presigned query repeats the {name} parameter")
            }
            Self::MissingSignedHeader { name } => {
                write!(f, "signed header {name:?} is missing from the request")
            }
            Self::ScopeDateMismatch {
                scope_date,
                amz_date,
            } => write!(
                f,
                "credential scope date {scope_date} does not match X-Amz-Date {amz_date}"
            ),
            Self::SignatureMismatch => f.write_str("signature does not match"),
        }
    }
}

impl std::error::Error for Error {}
