//! The ConverseStream output: events, in-stream exceptions, and how to read them from frames.
//!
//! Bedrock sends the stream as AWS EventStream frames. Each frame has a `:message-type`
//! header (`event`, `exception` or `error`), a type header (`:event-type`,
//! `:exception-type` or `:error-code`) and a JSON payload. [`parse_stream_frame`] takes those
//! three values from the caller's frame decoder and returns a typed [`StreamFrame`]; this crate
//! does not decode frames itself.
//!
//! Unknown-member policy: an event or exception type this crate does not know becomes the
//! `Unknown` variant of its enum (never an error), so a stream keeps flowing when AWS adds an
//! event. A known type whose payload does not match the model is an error. Unknown keys inside
//! a payload (Bedrock pads events with a `p` field) are ignored.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::citation::CitationsDelta;
use crate::content::{ConversationRole, ErrorBlock};
use crate::error::{
    ApiError, ErrorKind, InternalServerException, ModelStreamErrorException,
    ServiceUnavailableException, ThrottlingException, ValidationException,
};
use crate::guardrail::GuardrailTraceAssessment;
use crate::media::{ImageFormat, ImageSource};
use crate::reasoning::ReasoningContentBlockDelta;
use crate::request::{PerformanceConfiguration, ServiceTier};
use crate::response::{PromptRouterTrace, StopReason, TokenUsage};
use crate::tool::{ToolResultStatus, ToolUseType};

/// The model started a message (`MessageStartEvent`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageStartEvent {
    /// The role of the message.
    pub role: ConversationRole,
}

struct_deserialize! {
    MessageStartEvent {
        role: "role",
    }
}

/// The start of a tool call (`ToolUseBlockStart`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseBlockStart {
    /// The call's id.
    pub tool_use_id: String,
    /// The tool name.
    pub name: String,
    /// The kind of call.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<ToolUseType>,
}

struct_deserialize! {
    ToolUseBlockStart {
        tool_use_id: "toolUseId",
        name: "name",
        r#type: "type",
    }
}

/// The start of a tool result (`ToolResultBlockStart`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolResultBlockStart {
    /// The id of the call this answers.
    pub tool_use_id: String,
    /// The kind of result.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// Whether the call succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ToolResultStatus>,
}

struct_deserialize! {
    ToolResultBlockStart {
        tool_use_id: "toolUseId",
        r#type: "type",
        status: "status",
    }
}

/// The start of an image (`ImageBlockStart`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageBlockStart {
    /// The encoding.
    pub format: ImageFormat,
}

struct_deserialize! {
    ImageBlockStart {
        format: "format",
    }
}

union_enum! {
    /// What a content block starts with (`ContentBlockStart`).
    pub enum ContentBlockStart {
        /// A tool call.
        ToolUse(ToolUseBlockStart) = "toolUse",
        /// A tool result.
        ToolResult(ToolResultBlockStart) = "toolResult",
        /// An image.
        Image(ImageBlockStart) = "image",
    }
}

impl Default for ContentBlockStart {
    fn default() -> Self {
        Self::ToolUse(ToolUseBlockStart::default())
    }
}

/// A content block started (`ContentBlockStartEvent`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentBlockStartEvent {
    /// What the block starts with.
    pub start: ContentBlockStart,
    /// The block's index in the message; parallel tool calls interleave, so key state by it.
    pub content_block_index: u32,
}

struct_deserialize! {
    ContentBlockStartEvent {
        start: "start",
        content_block_index: "contentBlockIndex",
    }
}

/// A fragment of a tool call's input (`ToolUseBlockDelta`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseBlockDelta {
    /// A fragment of the input JSON text; concatenate the fragments, then parse.
    pub input: String,
}

struct_deserialize! {
    ToolUseBlockDelta {
        input: "input",
    }
}

union_enum! {
    /// A fragment of a tool result (`ToolResultBlockDelta`).
    pub enum ToolResultBlockDelta {
        /// Text.
        Text(String) = "text",
        /// A JSON document.
        Json(Value) = "json",
    }
}

/// A fragment of an image (`ImageBlockDelta`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageBlockDelta {
    /// The image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ImageSource>,
    /// An error the service attached to the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBlock>,
}

struct_deserialize! {
    ImageBlockDelta {
        source: "source",
        error: "error",
    }
}

union_enum! {
    /// A fragment of a content block (`ContentBlockDelta`).
    pub enum ContentBlockDelta {
        /// More text.
        Text(String) = "text",
        /// More tool-call input.
        ToolUse(ToolUseBlockDelta) = "toolUse",
        /// More tool result.
        ToolResult(Vec<ToolResultBlockDelta>) = "toolResult",
        /// More reasoning.
        ReasoningContent(ReasoningContentBlockDelta) = "reasoningContent",
        /// A citation.
        Citation(CitationsDelta) = "citation",
        /// An image.
        Image(ImageBlockDelta) = "image",
    }
}

impl Default for ContentBlockDelta {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

/// A content block grew (`ContentBlockDeltaEvent`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentBlockDeltaEvent {
    /// The fragment.
    pub delta: ContentBlockDelta,
    /// The block's index in the message.
    pub content_block_index: u32,
}

struct_deserialize! {
    ContentBlockDeltaEvent {
        delta: "delta",
        content_block_index: "contentBlockIndex",
    }
}

/// A content block ended (`ContentBlockStopEvent`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentBlockStopEvent {
    /// The block's index in the message.
    pub content_block_index: u32,
}

struct_deserialize! {
    ContentBlockStopEvent {
        content_block_index: "contentBlockIndex",
    }
}

/// The message ended (`MessageStopEvent`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageStopEvent {
    /// Why the model stopped.
    pub stop_reason: StopReason,
    /// Model-specific response fields that were asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_response_fields: Option<Value>,
}

struct_deserialize! {
    MessageStopEvent {
        stop_reason: "stopReason",
        additional_model_response_fields: "additionalModelResponseFields",
    }
}

/// Latency of a ConverseStream call (`ConverseStreamMetrics`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseStreamMetrics {
    /// Milliseconds the call took.
    pub latency_ms: i64,
}

struct_deserialize! {
    ConverseStreamMetrics {
        latency_ms: "latencyMs",
    }
}

/// Trace of a ConverseStream call (`ConverseStreamTrace`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseStreamTrace {
    /// The guardrail trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail: Option<GuardrailTraceAssessment>,
    /// The prompt router trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_router: Option<PromptRouterTrace>,
}

struct_deserialize! {
    ConverseStreamTrace {
        guardrail: "guardrail",
        prompt_router: "promptRouter",
    }
}

/// Usage and metrics, sent last (`ConverseStreamMetadataEvent`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseStreamMetadataEvent {
    /// Token counts.
    pub usage: TokenUsage,
    /// Latency.
    pub metrics: ConverseStreamMetrics,
    /// The trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<ConverseStreamTrace>,
    /// The performance settings used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance_config: Option<PerformanceConfiguration>,
    /// The service tier used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
}

struct_deserialize! {
    ConverseStreamMetadataEvent {
        usage: "usage",
        metrics: "metrics",
        trace: "trace",
        performance_config: "performanceConfig",
        service_tier: "serviceTier",
    }
}

union_enum! {
    /// An event of the ConverseStream output (the event members of `ConverseStreamOutput`).
    ///
    /// In an EventStream frame the member name is the `:event-type` header and the member
    /// value is the payload; in JSON (fixtures, logs) it is `{"messageStart": {...}}`.
    pub enum ConverseStreamEvent {
        /// `messageStart`.
        MessageStart(MessageStartEvent) = "messageStart",
        /// `contentBlockStart`.
        ContentBlockStart(ContentBlockStartEvent) = "contentBlockStart",
        /// `contentBlockDelta`.
        ContentBlockDelta(ContentBlockDeltaEvent) = "contentBlockDelta",
        /// `contentBlockStop`.
        ContentBlockStop(ContentBlockStopEvent) = "contentBlockStop",
        /// `messageStop`.
        MessageStop(MessageStopEvent) = "messageStop",
        /// `metadata`.
        Metadata(ConverseStreamMetadataEvent) = "metadata",
    }
}

union_enum! {
    /// An exception sent inside the ConverseStream output (the exception members of
    /// `ConverseStreamOutput`).
    ///
    /// In an EventStream frame the member name is the `:exception-type` header and the member
    /// value is the payload.
    pub enum ConverseStreamException {
        /// `internalServerException`.
        InternalServer(InternalServerException) = "internalServerException",
        /// `modelStreamErrorException`.
        ModelStreamError(ModelStreamErrorException) = "modelStreamErrorException",
        /// `validationException`.
        Validation(ValidationException) = "validationException",
        /// `throttlingException`.
        Throttling(ThrottlingException) = "throttlingException",
        /// `serviceUnavailableException`.
        ServiceUnavailable(ServiceUnavailableException) = "serviceUnavailableException",
    }
}

/// Serializes one member of a union as an EventStream payload.
fn payload_of<T: Serialize>(value: &T) -> Vec<u8> {
    // Serializing these types to JSON cannot fail: every map key is a string and every
    // number is finite or written as null by serde_json. Fall back to `{}` all the same.
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

/// Reads a payload, treating an empty (or all-whitespace) payload as `{}`.
fn read_payload<'a, T: Deserialize<'a>>(payload: &'a [u8]) -> Result<T, serde_json::Error> {
    if payload.iter().all(u8::is_ascii_whitespace) {
        serde_json::from_slice(b"{}")
    } else {
        serde_json::from_slice(payload)
    }
}

impl ConverseStreamEvent {
    /// The `:event-type` header value for this event.
    pub fn event_type(&self) -> &str {
        self.member_name()
    }

    /// The JSON payload of this event's frame (what Bedrock puts in the frame body, minus its
    /// `p` padding).
    // `#[inline]`: only servers and tests write events, so the serializers of the event model
    // are compiled where this is called instead of into every client build.
    #[inline]
    pub fn to_payload(&self) -> Vec<u8> {
        match self {
            Self::MessageStart(e) => payload_of(e),
            Self::ContentBlockStart(e) => payload_of(e),
            Self::ContentBlockDelta(e) => payload_of(e),
            Self::ContentBlockStop(e) => payload_of(e),
            Self::MessageStop(e) => payload_of(e),
            Self::Metadata(e) => payload_of(e),
            Self::Unknown { value, .. } => payload_of(value),
        }
    }

    /// Reads an event from its `:event-type` and payload.
    ///
    /// An unknown event type gives [`ConverseStreamEvent::Unknown`] with the payload as JSON.
    ///
    /// # Errors
    /// Fails when the payload is not JSON or does not match the event's shape.
    pub fn from_payload(event_type: &str, payload: &[u8]) -> Result<Self, serde_json::Error> {
        Ok(match event_type {
            "messageStart" => Self::MessageStart(read_payload(payload)?),
            "contentBlockStart" => Self::ContentBlockStart(read_payload(payload)?),
            "contentBlockDelta" => Self::ContentBlockDelta(read_payload(payload)?),
            "contentBlockStop" => Self::ContentBlockStop(read_payload(payload)?),
            "messageStop" => Self::MessageStop(read_payload(payload)?),
            "metadata" => Self::Metadata(read_payload(payload)?),
            other => Self::Unknown {
                name: other.to_owned(),
                value: read_payload(payload)?,
            },
        })
    }

    /// The content block index, for the three content-block events.
    pub fn content_block_index(&self) -> Option<u32> {
        match self {
            Self::ContentBlockStart(e) => Some(e.content_block_index),
            Self::ContentBlockDelta(e) => Some(e.content_block_index),
            Self::ContentBlockStop(e) => Some(e.content_block_index),
            _ => None,
        }
    }
}

impl ConverseStreamException {
    /// The `:exception-type` header value for this exception.
    pub fn exception_type(&self) -> &str {
        self.member_name()
    }

    /// The JSON payload of this exception's frame.
    // `#[inline]`: see `ConverseStreamEvent::to_payload`.
    #[inline]
    pub fn to_payload(&self) -> Vec<u8> {
        match self {
            Self::InternalServer(e) => payload_of(e),
            Self::ModelStreamError(e) => payload_of(e),
            Self::Validation(e) => payload_of(e),
            Self::Throttling(e) => payload_of(e),
            Self::ServiceUnavailable(e) => payload_of(e),
            Self::Unknown { value, .. } => payload_of(value),
        }
    }

    /// Reads an exception from its `:exception-type` and payload.
    ///
    /// An unknown exception type gives [`ConverseStreamException::Unknown`].
    ///
    /// # Errors
    /// Fails when the payload is not JSON or does not match the exception's shape.
    pub fn from_payload(exception_type: &str, payload: &[u8]) -> Result<Self, serde_json::Error> {
        Ok(match exception_type {
            "internalServerException" => Self::InternalServer(read_payload(payload)?),
            "modelStreamErrorException" => Self::ModelStreamError(read_payload(payload)?),
            "validationException" => Self::Validation(read_payload(payload)?),
            "throttlingException" => Self::Throttling(read_payload(payload)?),
            "serviceUnavailableException" => Self::ServiceUnavailable(read_payload(payload)?),
            other => Self::Unknown {
                name: other.to_owned(),
                value: read_payload(payload)?,
            },
        })
    }

    /// The exception's message, if it has one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::InternalServer(e) => e.message.as_deref(),
            Self::ModelStreamError(e) => e.message.as_deref(),
            Self::Validation(e) => e.message.as_deref(),
            Self::Throttling(e) => e.message.as_deref(),
            Self::ServiceUnavailable(e) => e.message.as_deref(),
            Self::Unknown { value, .. } => value
                .get("message")
                .or_else(|| value.get("Message"))
                .and_then(Value::as_str),
        }
    }

    /// The exception as a classified [`ApiError`].
    ///
    /// The status is the one the API model gives the exception; an unknown exception is
    /// classified by its name (upper-cased first letter) with status 200, the status of the
    /// stream response.
    pub fn to_api_error(&self) -> ApiError {
        let message = self.message().unwrap_or_default();
        let (kind, status) = match self {
            Self::InternalServer(_) => (ErrorKind::InternalServer, 500),
            Self::ModelStreamError(_) => (ErrorKind::ModelError, 424),
            Self::Validation(_) => (ErrorKind::Validation, 400),
            Self::Throttling(_) => (ErrorKind::Throttling, 429),
            Self::ServiceUnavailable(_) => (ErrorKind::ServiceUnavailable, 503),
            Self::Unknown { name, .. } => {
                let mut chars = name.chars();
                let pascal: String = match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => String::new(),
                };
                (ErrorKind::from_name(&pascal), 200)
            }
        };
        ApiError::new(kind, message, status)
    }
}

/// One decoded frame of a ConverseStream response.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StreamFrame {
    /// `:message-type` = `event`.
    Event(ConverseStreamEvent),
    /// `:message-type` = `exception`.
    Exception(ConverseStreamException),
    /// `:message-type` = `error`: a service error outside the model, named by `:error-code`.
    Error {
        /// The `:error-code` header.
        code: String,
        /// The `:error-message` header, or the message read from the payload.
        message: String,
    },
}

impl StreamFrame {
    /// An `error` frame from its `:error-code` and `:error-message` headers.
    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Error {
            code: code.into(),
            message: message.into(),
        }
    }

    /// The frame as an [`ApiError`], unless it is an event.
    pub fn to_api_error(&self) -> Option<ApiError> {
        match self {
            Self::Event(_) => None,
            Self::Exception(e) => Some(e.to_api_error()),
            Self::Error { code, message } => {
                let name = crate::error::sanitize_error_type(code);
                let kind = if name.is_empty() {
                    ErrorKind::Unknown(String::new())
                } else {
                    ErrorKind::from_name(name)
                };
                Some(ApiError::new(kind, message.clone(), 200))
            }
        }
    }
}

/// Why a frame could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamParseError {
    /// `:message-type` was not `event`, `exception` or `error`.
    UnknownMessageType(String),
    /// The payload of a known event or exception did not match its shape.
    InvalidPayload {
        /// The `:event-type` or `:exception-type`.
        type_name: String,
        /// What serde_json reported.
        source: serde_json::Error,
    },
}

impl fmt::Display for StreamParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownMessageType(t) => write!(f, "unknown :message-type {t:?}"),
            Self::InvalidPayload { type_name, .. } => {
                write!(f, "invalid payload for {type_name:?}")
            }
        }
    }
}

impl std::error::Error for StreamParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::UnknownMessageType(_) => None,
            Self::InvalidPayload { source, .. } => Some(source),
        }
    }
}

/// Reads one ConverseStream frame from its header values and payload.
///
/// - `message_type` is the `:message-type` header.
/// - `type_header` is `:event-type` for events, `:exception-type` for exceptions and
///   `:error-code` for errors.
/// - For `error` frames the message is taken from the payload (its `message` field when it
///   is JSON, else the text). Bedrock usually sends it in the `:error-message` header
///   instead: when you have that header, build the frame with [`StreamFrame::error`].
///
/// Unknown event and exception types are not errors (see the module docs).
///
/// # Errors
/// [`StreamParseError::UnknownMessageType`] for any other `:message-type`, and
/// [`StreamParseError::InvalidPayload`] when the payload is not JSON or does not match the
/// shape of a known event or exception.
///
/// ```
/// use converse_types::{parse_stream_frame, ContentBlockDelta, ConverseStreamEvent, StreamFrame};
/// let frame = parse_stream_frame("event", "contentBlockDelta",
///     br#"{"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"abcdefgh"}"#).unwrap();
/// let StreamFrame::Event(ConverseStreamEvent::ContentBlockDelta(event)) = frame else { panic!() };
/// assert_eq!(event.delta, ContentBlockDelta::Text("Hel".into()));
/// ```
pub fn parse_stream_frame(
    message_type: &str,
    type_header: &str,
    payload: &[u8],
) -> Result<StreamFrame, StreamParseError> {
    let invalid = |source| StreamParseError::InvalidPayload {
        type_name: type_header.to_owned(),
        source,
    };
    match message_type {
        "event" => ConverseStreamEvent::from_payload(type_header, payload)
            .map(StreamFrame::Event)
            .map_err(invalid),
        "exception" => ConverseStreamException::from_payload(type_header, payload)
            .map(StreamFrame::Exception)
            .map_err(invalid),
        "error" => {
            let message = match serde_json::from_slice::<Value>(payload) {
                Ok(json) => json
                    .get("message")
                    .or_else(|| json.get("Message"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                Err(_) => String::from_utf8_lossy(payload).trim().to_owned(),
            };
            Ok(StreamFrame::Error {
                code: type_header.to_owned(),
                message,
            })
        }
        other => Err(StreamParseError::UnknownMessageType(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reasoning::ReasoningContentBlockDelta;

    #[test]
    fn parses_each_event_and_ignores_padding() {
        let cases: [(&str, &[u8]); 6] = [
            ("messageStart", br#"{"p":"abc","role":"assistant"}"#),
            ("contentBlockStart", br#"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t","name":"f"}},"p":"x"}"#),
            ("contentBlockDelta", br#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"a\""}}}"#),
            ("contentBlockStop", br#"{"contentBlockIndex":1,"p":"xyz"}"#),
            ("messageStop", br#"{"stopReason":"tool_use"}"#),
            ("metadata", br#"{"usage":{"inputTokens":1,"outputTokens":2,"totalTokens":3},"metrics":{"latencyMs":4},"p":"q"}"#),
        ];
        for (event_type, payload) in cases {
            let frame = parse_stream_frame("event", event_type, payload).unwrap();
            let StreamFrame::Event(event) = frame else {
                panic!("{event_type}: not an event")
            };
            assert_eq!(event.event_type(), event_type);
            assert!(!event.is_unknown());
            // Re-encoding drops only the padding.
            let mut expected: Value = serde_json::from_slice(payload).unwrap();
            expected.as_object_mut().unwrap().remove("p");
            assert_eq!(
                serde_json::from_slice::<Value>(&event.to_payload()).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn reasoning_delta() {
        let frame = parse_stream_frame(
            "event",
            "contentBlockDelta",
            br#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"sig"}}}"#,
        )
        .unwrap();
        let StreamFrame::Event(ConverseStreamEvent::ContentBlockDelta(e)) = frame else {
            panic!()
        };
        assert_eq!(
            e.delta,
            ContentBlockDelta::ReasoningContent(ReasoningContentBlockDelta::Signature(
                "sig".into()
            ))
        );
    }

    #[test]
    fn unknown_event_is_kept() {
        let frame = parse_stream_frame("event", "futureEvent", br#"{"x":1}"#).unwrap();
        assert_eq!(
            frame,
            StreamFrame::Event(ConverseStreamEvent::Unknown {
                name: "futureEvent".into(),
                value: serde_json::json!({"x": 1})
            })
        );
    }

    #[test]
    fn model_stream_error_exception() {
        let frame = parse_stream_frame(
            "exception",
            "modelStreamErrorException",
            br#"{"message":"boom","originalStatusCode":500,"originalMessage":"inner"}"#,
        )
        .unwrap();
        let StreamFrame::Exception(ConverseStreamException::ModelStreamError(e)) = &frame else {
            panic!()
        };
        assert_eq!(e.original_status_code, Some(500));
        assert_eq!(e.original_message.as_deref(), Some("inner"));
        let api = frame.to_api_error().unwrap();
        assert_eq!(api.kind, ErrorKind::ModelError);
        assert_eq!(api.message, "boom");
        assert_eq!(api.status, 424);
    }

    #[test]
    fn throttling_exception_is_retryable_and_unknown_is_classified() {
        let frame =
            parse_stream_frame("exception", "throttlingException", br#"{"message":"slow"}"#)
                .unwrap();
        let api = frame.to_api_error().unwrap();
        assert_eq!(api.kind, ErrorKind::Throttling);
        assert!(api.retryable);
        let frame = parse_stream_frame("exception", "modelNotReadyException", b"").unwrap();
        let api = frame.to_api_error().unwrap();
        assert_eq!(api.kind, ErrorKind::ModelNotReady);
        assert!(api.retryable);
    }

    #[test]
    fn error_frames_and_bad_input() {
        let frame = parse_stream_frame("error", "InternalFailure", b"oops").unwrap();
        assert_eq!(frame, StreamFrame::error("InternalFailure", "oops"));
        assert_eq!(
            frame.to_api_error().unwrap().kind,
            ErrorKind::InternalServer
        );
        assert!(matches!(
            parse_stream_frame("chunk", "x", b"{}"),
            Err(StreamParseError::UnknownMessageType(_))
        ));
        let err = parse_stream_frame("event", "messageStart", b"{").unwrap_err();
        assert!(matches!(err, StreamParseError::InvalidPayload { .. }));
        assert!(std::error::Error::source(&err).is_some());
        assert!(parse_stream_frame("event", "contentBlockStop", b"").is_err());
    }
}
