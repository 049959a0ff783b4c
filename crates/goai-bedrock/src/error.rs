//! Classification of Bedrock error responses and in-stream exceptions, and
//! their mapping into [`goai_core::Error`].

use converse_types::ErrorKind;
use goai_core::{ApiError, Error, Headers};

use crate::credentials::CredentialsError;

/// An error answer from Bedrock, classified, before it becomes a
/// [`goai_core::Error`]. The fallback chain and the clock-skew logic inspect it.
#[derive(Debug, Clone)]
pub(crate) struct ServiceError {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    pub(crate) status: u16,
    pub(crate) retryable: bool,
    pub(crate) body: String,
    pub(crate) headers: Headers,
    /// True for exceptions that arrived inside an event stream.
    pub(crate) in_stream: bool,
}

impl ServiceError {
    /// Classifies an HTTP error response.
    pub(crate) fn from_response(status: u16, headers: Headers, body: &[u8]) -> Self {
        let classified =
            converse_types::classify_error(status, headers.get("x-amzn-errortype"), body);
        Self {
            kind: classified.kind,
            message: classified.message,
            status: classified.status,
            retryable: classified.retryable,
            body: String::from_utf8_lossy(body).into_owned(),
            headers,
            in_stream: false,
        }
    }

    /// Classifies an in-stream exception by its `:exception-type` header and payload.
    pub(crate) fn from_stream_exception(exception_type: &str, payload: &[u8]) -> Self {
        let kind = ErrorKind::from_name(exception_type_to_name(exception_type).as_str());
        let status = stream_exception_status(&kind);
        let classified = converse_types::classify_error(status, Some(kind.name()), payload);
        Self {
            kind: classified.kind,
            message: classified.message,
            status,
            retryable: classified.retryable,
            body: String::from_utf8_lossy(payload).into_owned(),
            headers: Headers::new(),
            in_stream: true,
        }
    }

    fn message_lower(&self) -> String {
        self.message.to_lowercase()
    }

    /// "The provided model identifier is invalid" / "on-demand throughput isn't supported".
    pub(crate) fn wants_inference_profile(&self) -> bool {
        let m = self.message_lower();
        m.contains("model identifier is invalid")
            || m.contains("on-demand throughput isn\u{2019}t supported")
            || m.contains("on-demand throughput isn't supported")
    }

    /// "The provided model identifier is invalid".
    pub(crate) fn invalid_model_identifier(&self) -> bool {
        self.message_lower().contains("model identifier is invalid")
    }

    /// "... maximum tokens ... exceeds ...": maxTokens above the model's limit.
    pub(crate) fn max_tokens_too_large(&self) -> bool {
        let m = self.message_lower();
        m.contains("maximum tokens") && m.contains("exceeds")
    }

    /// Tool use is not supported while streaming.
    pub(crate) fn tools_unsupported_in_stream(&self) -> bool {
        let m = self.message_lower();
        if m.contains("mantle streaming error") {
            return true;
        }
        m.contains("tool")
            && m.contains("stream")
            && (m.contains("not supported")
                || m.contains("doesn't support")
                || m.contains("does not support"))
    }

    /// Prompt caching is not supported by this model.
    pub(crate) fn prompt_caching_unsupported(&self) -> bool {
        let m = self.message_lower();
        m.contains("prompt caching") || (m.contains("unsupported model") && m.contains("cach"))
    }

    /// `InvalidSignatureException` "Signature expired": our clock is off.
    pub(crate) fn is_clock_skew(&self) -> bool {
        let m = self.message_lower();
        (self.kind == ErrorKind::InvalidSignature || self.status == 403)
            && (m.contains("signature expired") || m.contains("signature not yet current"))
    }

    /// Whether the prompt did not fit the context window.
    fn is_context_overflow(&self) -> bool {
        if self.kind != ErrorKind::Validation && self.kind != ErrorKind::ModelError {
            return false;
        }
        let m = self.message_lower();
        m.contains("too long")
            || m.contains("context window")
            || m.contains("context length")
            || m.contains("too many input tokens")
            || m.contains("input is too large")
            || m.contains("model_context_window_exceeded")
            || (m.contains("prompt") && m.contains("exceed") && m.contains("token"))
    }

    /// The final mapping into goai-core's error.
    pub(crate) fn into_core(self) -> Error {
        if self.is_context_overflow() {
            return Error::context_overflow(self.message);
        }
        // ApiError::retry_after reads the retry-after headers kept here.
        let mut api = ApiError::new(self.status, self.body)
            .with_error_type(self.kind.name().to_owned())
            .with_headers(self.headers)
            .with_retryable(self.retryable);
        if !self.message.is_empty() {
            api = api.with_message(self.message);
        }
        Error::from(api)
    }
}

/// `throttlingException` → `ThrottlingException`.
fn exception_type_to_name(exception_type: &str) -> String {
    let mut chars = exception_type.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// The HTTP status the API model gives each in-stream exception.
fn stream_exception_status(kind: &ErrorKind) -> u16 {
    match kind {
        ErrorKind::InternalServer => 500,
        ErrorKind::ModelError => 424,
        ErrorKind::Validation => 400,
        ErrorKind::Throttling => 429,
        ErrorKind::ServiceUnavailable => 503,
        ErrorKind::ModelTimeout => 408,
        ErrorKind::AccessDenied => 403,
        ErrorKind::ResourceNotFound => 404,
        ErrorKind::ModelNotReady => 429,
        ErrorKind::ServiceQuotaExceeded => 400,
        ErrorKind::UnrecognizedClient | ErrorKind::InvalidSignature | ErrorKind::ExpiredToken => {
            403
        }
        // An exception type the API model does not name: 200, the status of the stream it
        // arrived on (as converse-types documents), so it is not retried blindly.
        _ => 200,
    }
}

/// Maps a credentials failure into goai-core's error (retryable only when the
/// source itself failed, e.g. an unreachable endpoint).
pub(crate) fn credentials_error(err: CredentialsError) -> Error {
    Error::Transport {
        message: format!("could not load AWS credentials: {err}"),
        retryable: err.is_provider_error(),
        source: Some(std::sync::Arc::new(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, kind: &str, message: &str) -> ServiceError {
        let mut h = Headers::new();
        h.insert(
            "x-amzn-ErrorType",
            format!("{kind}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
        );
        ServiceError::from_response(
            status,
            h,
            format!(r#"{{"message":"{message}"}}"#).as_bytes(),
        )
    }

    #[test]
    fn fallback_triggers() {
        assert!(
            err(
                400,
                "ValidationException",
                "The provided model identifier is invalid."
            )
            .wants_inference_profile()
        );
        assert!(
            err(
                400,
                "ValidationException",
                "Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model."
            )
            .wants_inference_profile()
        );
        assert!(
            err(
                400,
                "ValidationException",
                "The maximum tokens you requested exceeds the model limit of 8192."
            )
            .max_tokens_too_large()
        );
        assert!(
            err(
                400,
                "ValidationException",
                "This model doesn't support tool use in streaming mode."
            )
            .tools_unsupported_in_stream()
        );
        assert!(
            err(
                400,
                "ValidationException",
                "You invoked an unsupported model or your request did not allow prompt caching."
            )
            .prompt_caching_unsupported()
        );
        assert!(!err(429, "ThrottlingException", "Too many requests").max_tokens_too_large());
    }

    #[test]
    fn clock_skew_detection() {
        let e = err(
            403,
            "InvalidSignatureException",
            "Signature expired: 20240101T000000Z is now earlier than 20240101T001000Z (20240101T000500Z - 5 min.)",
        );
        assert!(e.is_clock_skew());
        assert!(!err(403, "AccessDeniedException", "denied").is_clock_skew());
    }

    #[test]
    fn maps_into_api_error_and_context_overflow() {
        let core = err(429, "ThrottlingException", "Too many requests").into_core();
        assert!(core.is_retryable());
        assert!(core.is_throttling());
        let api = core.as_api().expect("api error");
        assert_eq!(api.status, 429);
        assert_eq!(api.error_type.as_deref(), Some("ThrottlingException"));
        assert_eq!(api.message.as_deref(), Some("Too many requests"));

        let overflow = err(
            400,
            "ValidationException",
            "Input is too long for requested model.",
        )
        .into_core();
        assert!(overflow.is_context_overflow());
        let v = err(
            400,
            "ValidationException",
            "messages: text content blocks must be non-empty",
        )
        .into_core();
        assert!(!v.is_retryable());
        assert!(!v.is_context_overflow());
    }

    #[test]
    fn stream_exceptions_keep_their_type() {
        for (name, kind, retryable) in [
            ("internalServerException", "InternalServerException", true),
            ("modelStreamErrorException", "ModelErrorException", false),
            ("validationException", "ValidationException", false),
            ("throttlingException", "ThrottlingException", true),
            (
                "serviceUnavailableException",
                "ServiceUnavailableException",
                true,
            ),
        ] {
            let e = ServiceError::from_stream_exception(name, br#"{"message":"boom"}"#);
            assert_eq!(e.kind.name(), kind, "{name}");
            assert_eq!(e.retryable, retryable, "{name}");
            assert_eq!(e.message, "boom");
            let core = e.into_core();
            assert_eq!(
                core.as_api().and_then(|a| a.error_type.as_deref()),
                Some(kind)
            );
        }
        let unknown = ServiceError::from_stream_exception("somethingNewException", b"not json");
        assert_eq!(unknown.kind.name(), "SomethingNewException");
        assert_eq!(unknown.message, "not json");
        assert!(
            !unknown.retryable,
            "an unknown exception is not retried blindly"
        );
        assert!(!unknown.into_core().is_retryable());
        let not_ready = ServiceError::from_stream_exception("modelNotReadyException", b"{}");
        assert!(not_ready.retryable);
    }
}
