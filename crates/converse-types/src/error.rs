//! The modelled exceptions and the classification of error responses.
//!
//! A failed call answers with an HTTP status, usually an `x-amzn-ErrorType` header and a JSON
//! body such as `{"message": "..."}`. [`classify_error`] turns those three into an [`ApiError`]
//! with a typed [`ErrorKind`], the message and whether a retry may succeed.

use std::fmt;

use serde::Serialize;

macro_rules! message_exception {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// What went wrong. Also read from `Message`, which some AWS front ends send.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub message: Option<String>,
        }

        struct_deserialize! {
            $name {
                message: "message" | "Message",
            }
        }
    };
}

message_exception! {
    /// The caller may not perform the action (`AccessDeniedException`, HTTP 403).
    AccessDeniedException
}
message_exception! {
    /// The service failed (`InternalServerException`, HTTP 500).
    InternalServerException
}
message_exception! {
    /// The model is not ready; the SDKs retry it (`ModelNotReadyException`, HTTP 429).
    ModelNotReadyException
}
message_exception! {
    /// The model took too long (`ModelTimeoutException`, HTTP 408).
    ModelTimeoutException
}
message_exception! {
    /// The model or resource does not exist (`ResourceNotFoundException`, HTTP 404).
    ResourceNotFoundException
}
message_exception! {
    /// The service is unavailable (`ServiceUnavailableException`, HTTP 503).
    ServiceUnavailableException
}
message_exception! {
    /// Too many requests (`ThrottlingException`, HTTP 429).
    ThrottlingException
}
message_exception! {
    /// The request is invalid (`ValidationException`, HTTP 400).
    ValidationException
}

/// The model failed while processing the request (`ModelErrorException`, HTTP 424).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelErrorException {
    /// What went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The status the model returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_status_code: Option<u16>,
    /// The resource that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
}

struct_deserialize! {
    ModelErrorException {
        message: "message" | "Message",
        original_status_code: "originalStatusCode",
        resource_name: "resourceName",
    }
}

/// The model failed while streaming (`ModelStreamErrorException`, HTTP 424).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelStreamErrorException {
    /// What went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The status the model returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_status_code: Option<u16>,
    /// The message the model returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_message: Option<String>,
}

struct_deserialize! {
    ModelStreamErrorException {
        message: "message" | "Message",
        original_status_code: "originalStatusCode",
        original_message: "originalMessage",
    }
}

/// What kind of error the service returned.
///
/// The names follow the exception shapes (`ThrottlingException` is [`ErrorKind::Throttling`]),
/// plus the errors the AWS front end returns before a request reaches Bedrock
/// (`UnrecognizedClientException`, `InvalidSignatureException`, `ExpiredTokenException`,
/// `ServiceQuotaExceededException`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `AccessDeniedException`.
    AccessDenied,
    /// `ResourceNotFoundException`.
    ResourceNotFound,
    /// `ThrottlingException` (also `TooManyRequestsException`).
    Throttling,
    /// `ServiceUnavailableException`.
    ServiceUnavailable,
    /// `ModelNotReadyException`.
    ModelNotReady,
    /// `ModelTimeoutException`.
    ModelTimeout,
    /// `ModelErrorException` (also the in-stream `ModelStreamErrorException`).
    ModelError,
    /// `ValidationException`.
    Validation,
    /// `InternalServerException` (also `InternalFailure`).
    InternalServer,
    /// `ServiceQuotaExceededException`.
    ServiceQuotaExceeded,
    /// `UnrecognizedClientException`: the access key or bearer token is not known.
    UnrecognizedClient,
    /// `InvalidSignatureException`: the SigV4 signature did not match.
    InvalidSignature,
    /// `ExpiredTokenException`: the session token has expired.
    ExpiredToken,
    /// Any other error name, sanitized; empty when the response named none and its status
    /// says nothing either.
    Unknown(String),
}

impl ErrorKind {
    /// The kind for a sanitized error name such as `ThrottlingException`.
    ///
    /// The `Exception` suffix is optional; an unrecognised name becomes [`ErrorKind::Unknown`].
    pub fn from_name(name: &str) -> Self {
        let short = name.strip_suffix("Exception").unwrap_or(name);
        match short {
            "AccessDenied" => Self::AccessDenied,
            "ResourceNotFound" => Self::ResourceNotFound,
            "Throttling" | "TooManyRequests" => Self::Throttling,
            "ServiceUnavailable" => Self::ServiceUnavailable,
            "ModelNotReady" => Self::ModelNotReady,
            "ModelTimeout" => Self::ModelTimeout,
            "ModelError" | "ModelStreamError" => Self::ModelError,
            "Validation" => Self::Validation,
            "InternalServer" | "InternalFailure" => Self::InternalServer,
            "ServiceQuotaExceeded" => Self::ServiceQuotaExceeded,
            "UnrecognizedClient" => Self::UnrecognizedClient,
            "InvalidSignature" => Self::InvalidSignature,
            "ExpiredToken" => Self::ExpiredToken,
            _ => Self::Unknown(name.to_owned()),
        }
    }

    /// The kind a bare HTTP status implies, for responses that name no error.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::Validation,
            403 => Self::AccessDenied,
            404 => Self::ResourceNotFound,
            408 => Self::ModelTimeout,
            424 => Self::ModelError,
            429 => Self::Throttling,
            500 => Self::InternalServer,
            503 => Self::ServiceUnavailable,
            _ => Self::Unknown(String::new()),
        }
    }

    /// The exception name, e.g. `ThrottlingException`; for `Unknown`, the name it holds.
    pub fn name(&self) -> &str {
        match self {
            Self::AccessDenied => "AccessDeniedException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::Throttling => "ThrottlingException",
            Self::ServiceUnavailable => "ServiceUnavailableException",
            Self::ModelNotReady => "ModelNotReadyException",
            Self::ModelTimeout => "ModelTimeoutException",
            Self::ModelError => "ModelErrorException",
            Self::Validation => "ValidationException",
            Self::InternalServer => "InternalServerException",
            Self::ServiceQuotaExceeded => "ServiceQuotaExceededException",
            Self::UnrecognizedClient => "UnrecognizedClientException",
            Self::InvalidSignature => "InvalidSignatureException",
            Self::ExpiredToken => "ExpiredTokenException",
            Self::Unknown(name) => name,
        }
    }

    /// Whether this kind of error is worth retrying: throttling, service unavailable,
    /// internal server error and model not ready.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Throttling
                | Self::ServiceUnavailable
                | Self::InternalServer
                | Self::ModelNotReady
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown(name) if name.is_empty() => f.write_str("unknown error"),
            other => f.write_str(other.name()),
        }
    }
}

/// An error response from Bedrock Runtime, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What kind of error it is.
    pub kind: ErrorKind,
    /// The service's message (may be empty).
    pub message: String,
    /// The HTTP status. For in-stream exceptions, the status the API model gives the
    /// exception (e.g. 429 for `throttlingException`), or 200 when the exception is unknown.
    pub status: u16,
    /// Whether a retry may succeed: a retryable [`ErrorKind`], HTTP 429 or any 5xx.
    pub retryable: bool,
}

impl ApiError {
    /// An error of this kind, with `retryable` derived from the kind and the status.
    pub fn new(kind: ErrorKind, message: impl Into<String>, status: u16) -> Self {
        let retryable = kind.is_retryable() || status == 429 || (500..=599).contains(&status);
        Self {
            kind,
            message: message.into(),
            status,
            retryable,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.kind, self.status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Reduces a raw error type to its bare name.
///
/// Cuts at the first `:` and keeps what follows the last `#`, then trims whitespace:
/// `aws.protocoltests#FooError:http://internal.amazon.com/` becomes `FooError`.
///
/// ```
/// assert_eq!(converse_types::sanitize_error_type("com.amazon#ThrottlingException:x"), "ThrottlingException");
/// assert_eq!(converse_types::sanitize_error_type("ValidationException"), "ValidationException");
/// ```
pub fn sanitize_error_type(raw: &str) -> &str {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let after_hash = before_colon.rsplit('#').next().unwrap_or(before_colon);
    after_hash.trim()
}

/// The longest message, in bytes, taken from a body that is not JSON.
const MAX_RAW_MESSAGE: usize = 512;

/// Classifies an error response.
///
/// - The name comes from `error_type` (the `x-amzn-ErrorType` header) when it is present and
///   not blank, else from the body's `__type` or `code` (or `Code`); each is sanitized with
///   [`sanitize_error_type`]. With no name, the status decides ([`ErrorKind::from_status`]).
/// - The message is the body's `message` (or `Message`); a body that is not JSON gives its
///   first 512 bytes of text instead.
/// - Retryable: throttling, service unavailable, internal server, model not ready, 429 or 5xx.
///
/// Never fails and never panics, whatever the body holds.
///
/// ```
/// use converse_types::{classify_error, ErrorKind};
/// let err = classify_error(429, Some("ThrottlingException:http://internal.amazon.com/"),
///     br#"{"message":"Too many requests, please wait before trying again."}"#);
/// assert_eq!(err.kind, ErrorKind::Throttling);
/// assert!(err.retryable);
/// assert_eq!(err.message, "Too many requests, please wait before trying again.");
/// ```
pub fn classify_error(status: u16, error_type: Option<&str>, body: &[u8]) -> ApiError {
    let json: Option<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(body).ok();
    let field = |names: &[&str]| -> Option<String> {
        let map = json.as_ref()?;
        names
            .iter()
            .find_map(|name| map.get(*name).and_then(|v| v.as_str()).map(str::to_owned))
    };

    let header_name = error_type
        .map(sanitize_error_type)
        .filter(|name| !name.is_empty());
    let body_name = field(&["__type", "code", "Code"]);
    let name = header_name
        .map(str::to_owned)
        .or_else(|| body_name.map(|raw| sanitize_error_type(&raw).to_owned()))
        .filter(|name| !name.is_empty());
    let kind = match name {
        Some(name) => ErrorKind::from_name(&name),
        None => ErrorKind::from_status(status),
    };

    let message = match &json {
        Some(_) => field(&["message", "Message"]).unwrap_or_default(),
        None => raw_message(body),
    };
    ApiError::new(kind, message, status)
}

/// The first [`MAX_RAW_MESSAGE`] bytes of a non-JSON body as text, cut at a char boundary.
fn raw_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let mut end = text.len().min(MAX_RAW_MESSAGE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_wins_and_is_sanitized() {
        let err = classify_error(
            400,
            Some("aws.protocoltests#ValidationException:http://internal.amazon.com/coral/"),
            br#"{"__type":"ThrottlingException","message":"bad input"}"#,
        );
        assert_eq!(err.kind, ErrorKind::Validation);
        assert_eq!(err.message, "bad input");
        assert_eq!(err.status, 400);
        assert!(!err.retryable);
    }

    #[test]
    fn falls_back_to_body_type_then_code() {
        let err = classify_error(
            403,
            None,
            br#"{"__type":"com.amazon#AccessDeniedException","Message":"no"}"#,
        );
        assert_eq!(err.kind, ErrorKind::AccessDenied);
        assert_eq!(err.message, "no");
        let err = classify_error(400, Some("  "), br#"{"code":"ExpiredTokenException"}"#);
        assert_eq!(err.kind, ErrorKind::ExpiredToken);
        assert_eq!(err.message, "");
    }

    #[test]
    fn status_decides_when_nothing_is_named() {
        let err = classify_error(503, None, b"<html>Service Unavailable</html>");
        assert_eq!(err.kind, ErrorKind::ServiceUnavailable);
        assert_eq!(err.message, "<html>Service Unavailable</html>");
        assert!(err.retryable);
        let err = classify_error(418, None, b"");
        assert_eq!(err.kind, ErrorKind::Unknown(String::new()));
        assert!(!err.retryable);
    }

    #[test]
    fn unknown_names_are_kept_and_5xx_retryable() {
        let err = classify_error(502, Some("BadGatewayException"), b"{}");
        assert_eq!(err.kind, ErrorKind::Unknown("BadGatewayException".into()));
        assert!(err.retryable);
        assert_eq!(err.to_string(), "BadGatewayException (HTTP 502)");
    }

    #[test]
    fn every_named_kind_is_recognised() {
        for (name, kind, retryable) in [
            ("AccessDeniedException", ErrorKind::AccessDenied, false),
            (
                "ResourceNotFoundException",
                ErrorKind::ResourceNotFound,
                false,
            ),
            ("ThrottlingException", ErrorKind::Throttling, true),
            (
                "ServiceUnavailableException",
                ErrorKind::ServiceUnavailable,
                true,
            ),
            ("ModelNotReadyException", ErrorKind::ModelNotReady, true),
            ("ModelTimeoutException", ErrorKind::ModelTimeout, false),
            ("ModelErrorException", ErrorKind::ModelError, false),
            ("ValidationException", ErrorKind::Validation, false),
            ("InternalServerException", ErrorKind::InternalServer, true),
            (
                "ServiceQuotaExceededException",
                ErrorKind::ServiceQuotaExceeded,
                false,
            ),
            (
                "UnrecognizedClientException",
                ErrorKind::UnrecognizedClient,
                false,
            ),
            (
                "InvalidSignatureException",
                ErrorKind::InvalidSignature,
                false,
            ),
            ("ExpiredTokenException", ErrorKind::ExpiredToken, false),
        ] {
            assert_eq!(ErrorKind::from_name(name), kind, "{name}");
            assert_eq!(kind.name(), name);
            assert_eq!(kind.is_retryable(), retryable, "{name}");
        }
    }

    #[test]
    fn raw_message_is_capped_on_a_char_boundary() {
        let body = "é".repeat(400);
        let err = classify_error(500, None, body.as_bytes());
        assert!(err.message.len() <= MAX_RAW_MESSAGE);
        assert!(err.message.chars().all(|c| c == 'é'));
    }

    #[test]
    fn exceptions_accept_capitalised_message() {
        let e: ThrottlingException = serde_json::from_str(r#"{"Message":"slow down"}"#).unwrap();
        assert_eq!(e.message.as_deref(), Some("slow down"));
    }
}
