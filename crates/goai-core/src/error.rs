//! The crate's single error type.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::headers::Headers;

/// A boxed, shareable error source.
pub type BoxError = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in `goai-core` and in providers built on it.
///
/// The enum is `#[non_exhaustive]`: match the variants you care about and keep a
/// `_` arm. Prefer the predicates ([`Error::is_retryable`], [`Error::is_timeout`],
/// ...) over matching when you only need a decision. The `Display` text is meant
/// for humans and is not a stable interface.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The provider's API answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The prompt (plus requested output) does not fit the model's context window.
    #[error("context window exceeded: {message}")]
    ContextOverflow {
        /// The provider's explanation.
        message: String,
    },
    /// The request is invalid (caller misuse, or rejected before it reached the model).
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong with the request.
        message: String,
    },
    /// A tool could not be found or failed, outside the tool loop's recovery.
    #[error("{0}")]
    Tool(Box<ToolError>),
    /// The model's output did not validate against the expected schema or type.
    #[error("schema validation failed: {message}")]
    SchemaValidation {
        /// Why validation failed.
        message: String,
        /// The raw text the model produced.
        raw_text: String,
    },
    /// A call, or the whole operation, ran out of time.
    #[error("timed out{}", after.map(|d| format!(" after {d:?}")).unwrap_or_default())]
    Timeout {
        /// The deadline that was exceeded, when known.
        after: Option<Duration>,
    },
    /// The operation was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// The response stream broke or carried an in-band failure.
    #[error("stream error: {message}")]
    Stream {
        /// What went wrong.
        message: String,
        /// Whether retrying the call may succeed.
        retryable: bool,
        /// The underlying cause, if any.
        #[source]
        source: Option<BoxError>,
    },
    /// The request could not be delivered or the response could not be read
    /// (connection, TLS, I/O, decoding of the transport framing).
    #[error("transport error: {message}")]
    Transport {
        /// What went wrong.
        message: String,
        /// Whether retrying the call may succeed.
        retryable: bool,
        /// The underlying cause, if any.
        #[source]
        source: Option<BoxError>,
    },
    /// Every retry attempt failed; holds the error of each attempt, in order.
    #[error("all {} attempts failed; last error: {}", attempts.len(), attempts.last().map(ToString::to_string).unwrap_or_default())]
    RetriesExhausted {
        /// The error of every attempt, oldest first (never empty).
        attempts: Vec<Error>,
    },
}

impl Error {
    /// Builds an [`Error::InvalidRequest`].
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
        }
    }

    /// Builds an [`Error::ContextOverflow`].
    pub fn context_overflow(message: impl Into<String>) -> Self {
        Self::ContextOverflow {
            message: message.into(),
        }
    }

    /// Builds a non-retryable [`Error::Stream`] without a source.
    pub fn stream(message: impl Into<String>) -> Self {
        Self::Stream {
            message: message.into(),
            retryable: false,
            source: None,
        }
    }

    /// Builds a retryable [`Error::Transport`] from an underlying error.
    pub fn transport<E>(source: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Self::Transport {
            message: source.to_string(),
            retryable: true,
            source: Some(Arc::new(source)),
        }
    }

    /// Builds an [`Error::SchemaValidation`].
    pub fn schema_validation(message: impl Into<String>, raw_text: impl Into<String>) -> Self {
        Self::SchemaValidation {
            message: message.into(),
            raw_text: raw_text.into(),
        }
    }

    /// Whether retrying the same call may succeed (throttling, 5xx, broken
    /// connections, stream failures the provider marked retryable). For
    /// [`Error::RetriesExhausted`], whether the last attempt's error was.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => api.retryable,
            Self::Stream { retryable, .. } | Self::Transport { retryable, .. } => *retryable,
            Self::RetriesExhausted { attempts } => attempts.last().is_some_and(Self::is_retryable),
            _ => false,
        }
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// Whether the caller cancelled the operation.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Self::Cancelled)
    }

    /// Whether the prompt exceeded the model's context window.
    pub fn is_context_overflow(&self) -> bool {
        match self {
            Self::ContextOverflow { .. } => true,
            Self::RetriesExhausted { attempts } => {
                attempts.last().is_some_and(Self::is_context_overflow)
            }
            _ => false,
        }
    }

    /// Whether the provider throttled the call (HTTP 429 or a throttling error type).
    pub fn is_throttling(&self) -> bool {
        match self {
            Self::Api(api) => api.is_throttling(),
            Self::RetriesExhausted { attempts } => attempts.last().is_some_and(Self::is_throttling),
            _ => false,
        }
    }

    /// The API error, if this is one (or the last attempt of exhausted retries was one).
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            Self::RetriesExhausted { attempts } => attempts.last().and_then(Self::as_api),
            _ => None,
        }
    }

    /// The errors of every attempt when retries were exhausted, else just `self`.
    pub fn attempts(&self) -> &[Error] {
        match self {
            Self::RetriesExhausted { attempts } => attempts,
            other => std::slice::from_ref(other),
        }
    }
}

impl From<ApiError> for Error {
    fn from(value: ApiError) -> Self {
        Self::Api(Box::new(value))
    }
}

impl From<ToolError> for Error {
    fn from(value: ToolError) -> Self {
        Self::Tool(Box::new(value))
    }
}

/// An error status returned by a provider's API.
///
/// Providers build it with [`ApiError::new`] and the `with_*` setters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status code (or the provider's equivalent).
    pub status: u16,
    /// The provider's error type or code, e.g. `ThrottlingException`, when known.
    pub error_type: Option<String>,
    /// The human-readable message extracted from the body, when known.
    pub message: Option<String>,
    /// The raw response body.
    pub body: String,
    /// The response headers.
    pub headers: Headers,
    /// Whether retrying may succeed. [`ApiError::new`] sets it for 408, 409, 429 and 5xx.
    pub retryable: bool,
    /// How long the server asked us to wait before retrying. When `None`,
    /// [`ApiError::retry_after`] falls back to the `retry-after-ms` and
    /// `retry-after` headers.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Creates an API error for `status` with the raw `body`; retryable for 408,
    /// 409, 429 and 5xx.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            error_type: None,
            message: None,
            body: body.into(),
            headers: Headers::new(),
            retryable: matches!(status, 408 | 409 | 429 | 500..=599),
            retry_after: None,
        }
    }

    /// Sets the provider's error type.
    #[must_use]
    pub fn with_error_type(mut self, error_type: impl Into<String>) -> Self {
        self.error_type = Some(error_type.into());
        self
    }

    /// Sets the human-readable message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the response headers.
    #[must_use]
    pub fn with_headers(mut self, headers: Headers) -> Self {
        self.headers = headers;
        self
    }

    /// Overrides whether the error is retryable.
    #[must_use]
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Sets the server-requested delay before a retry.
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = Some(retry_after);
        self
    }

    /// Whether the provider throttled the call.
    pub fn is_throttling(&self) -> bool {
        self.status == 429
            || self
                .error_type
                .as_deref()
                .is_some_and(|t| t.to_ascii_lowercase().contains("throttl"))
    }

    /// The delay the server asked for: [`ApiError::retry_after`](field@ApiError::retry_after)
    /// if set, else the `retry-after-ms` header (milliseconds), else the
    /// `retry-after` header (seconds, possibly fractional). HTTP-date values are
    /// not interpreted.
    pub fn retry_after(&self) -> Option<Duration> {
        if let Some(d) = self.retry_after {
            return Some(d);
        }
        let parse = |v: &str| {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
        };
        if let Some(ms) = self.headers.get("retry-after-ms").and_then(parse) {
            return Some(Duration::from_secs_f64(ms / 1000.0));
        }
        self.headers
            .get("retry-after")
            .and_then(parse)
            .map(Duration::from_secs_f64)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error (status {})", self.status)?;
        if let Some(t) = &self.error_type {
            write!(f, " {t}")?;
        }
        match &self.message {
            Some(m) => write!(f, ": {m}"),
            None if !self.body.is_empty() => write!(f, ": {}", self.body),
            None => Ok(()),
        }
    }
}

impl std::error::Error for ApiError {}

/// What kind of tool failure a [`ToolError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ToolErrorKind {
    /// The model called a tool that is not registered.
    UnknownTool,
    /// The tool's input did not deserialize into the tool's argument type.
    InvalidInput,
    /// The tool's handler returned an error.
    Execution,
}

/// A tool failure: an unknown tool, invalid input, or a failing handler.
///
/// Inside the tool loop these are sent back to the model as tool results with
/// `is_error = true`; they only surface as [`Error::Tool`] from direct calls
/// such as [`Tool::call`](crate::Tool::call).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToolError {
    /// What kind of failure this is.
    pub kind: ToolErrorKind,
    /// The tool's name.
    pub tool_name: String,
    /// The message sent back to the model.
    pub message: String,
    /// The underlying cause, if any.
    pub source: Option<BoxError>,
}

impl ToolError {
    /// A failure of the tool's handler with a message for the model.
    pub fn execution(tool_name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ToolErrorKind::Execution,
            tool_name: tool_name.into(),
            message: message.into(),
            source: None,
        }
    }

    /// An unknown tool.
    pub fn unknown_tool(tool_name: impl Into<String>) -> Self {
        let tool_name = tool_name.into();
        Self {
            kind: ToolErrorKind::UnknownTool,
            message: format!("unknown tool `{tool_name}`"),
            tool_name,
            source: None,
        }
    }

    /// Input that does not match the tool's argument type.
    pub fn invalid_input(tool_name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ToolErrorKind::InvalidInput,
            tool_name: tool_name.into(),
            message: message.into(),
            source: None,
        }
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tool `{}` failed: {}", self.tool_name, self.message)
    }
}

impl std::error::Error for ToolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_statuses() {
        assert!(ApiError::new(429, "").retryable);
        assert!(ApiError::new(503, "").retryable);
        assert!(!ApiError::new(400, "").retryable);
        assert!(Error::from(ApiError::new(500, "")).is_retryable());
        assert!(!Error::invalid_request("x").is_retryable());
    }

    #[test]
    fn retry_after_headers() {
        let mut h = Headers::new();
        h.insert("Retry-After", "2");
        assert_eq!(
            ApiError::new(429, "").with_headers(h.clone()).retry_after(),
            Some(Duration::from_secs(2))
        );
        h.insert("retry-after-ms", "250");
        assert_eq!(
            ApiError::new(429, "").with_headers(h).retry_after(),
            Some(Duration::from_millis(250))
        );
        let explicit = ApiError::new(429, "").with_retry_after(Duration::from_secs(7));
        assert_eq!(explicit.retry_after(), Some(Duration::from_secs(7)));
        let mut bad = Headers::new();
        bad.insert("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(ApiError::new(429, "").with_headers(bad).retry_after(), None);
    }

    #[test]
    fn exhausted_keeps_attempts() {
        let e = Error::RetriesExhausted {
            attempts: vec![
                ApiError::new(503, "a").into(),
                ApiError::new(429, "b")
                    .with_error_type("ThrottlingException")
                    .into(),
            ],
        };
        assert_eq!(e.attempts().len(), 2);
        assert!(e.is_throttling());
        assert_eq!(e.as_api().map(|a| a.body.as_str()), Some("b"));
    }
}
