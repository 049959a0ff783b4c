//! The provider-facing surface: the [`LanguageModel`] trait and the low-level
//! request, response and stream-part types a provider maps to its wire format.

use std::ops::AddAssign;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::headers::Headers;
use crate::message::{Message, Part, PartKind, ProviderMetadata, ProviderOptions};

/// A boxed, `Send` future (the same type as `futures_util::future::BoxFuture`).
pub type BoxFuture<'a, T> = futures_util::future::BoxFuture<'a, T>;

/// A boxed, `Send` stream (the same type as `futures_util::stream::BoxStream`).
pub type BoxStream<'a, T> = futures_util::stream::BoxStream<'a, T>;

/// The stream a provider returns from [`LanguageModel::stream`].
pub type PartStream = BoxStream<'static, Result<StreamPart, Error>>;

/// A chat/completion model of some provider.
///
/// The trait is object-safe: `Arc<dyn LanguageModel>`, `Box<dyn LanguageModel>`
/// and `&dyn LanguageModel` all work with [`generate_text`](crate::generate_text)
/// and friends. Providers implement [`generate`](Self::generate) and
/// [`stream`](Self::stream); retries, timeouts, tools and hooks are handled by
/// `goai-core` around these calls, so a provider makes exactly one attempt.
///
/// # Implementing
///
/// ```
/// use goai_core::*;
/// use futures_util::FutureExt;
///
/// #[derive(Debug)]
/// struct Echo;
///
/// impl LanguageModel for Echo {
///     fn provider(&self) -> &str { "echo" }
///     fn model_id(&self) -> &str { "echo-1" }
///     fn generate<'a>(&'a self, req: &'a ModelRequest) -> BoxFuture<'a, Result<ModelResponse, Error>> {
///         async move {
///             let text = req.messages.last().map(|m| m.text()).unwrap_or_default();
///             let mut res = ModelResponse::default();
///             res.content.push(Part::text(text));
///             res.finish_reason = FinishReason::new(FinishKind::Stop, "end_turn");
///             Ok(res)
///         }
///         .boxed()
///     }
///     fn stream<'a>(&'a self, req: &'a ModelRequest) -> BoxFuture<'a, Result<PartStream, Error>> {
///         async move { Ok(ModelResponse::into_stream(self.generate(req).await?)) }.boxed()
///     }
/// }
/// # let mut req = ModelRequest::default();
/// # req.messages.push(Message::user("hi"));
/// # let out = tokio_test_block_on(Echo.generate(&req)).unwrap();
/// # assert_eq!(out.content[0].as_text(), Some("hi"));
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// ```
pub trait LanguageModel: Send + Sync {
    /// The provider name, e.g. `"bedrock"` (used for tracing as `gen_ai.system`).
    fn provider(&self) -> &str;

    /// The model id as sent to the provider.
    fn model_id(&self) -> &str;

    /// What the model supports. Default is [`Capabilities::default`] (tools only).
    fn capabilities(&self) -> Capabilities {
        Capabilities::default()
    }

    /// Makes one non-streaming call.
    ///
    /// # Errors
    ///
    /// Any [`Error`]; mark transient failures retryable
    /// ([`ApiError::retryable`](crate::ApiError::retryable), `Transport { retryable }`).
    fn generate<'a>(
        &'a self,
        request: &'a ModelRequest,
    ) -> BoxFuture<'a, Result<ModelResponse, Error>>;

    /// Starts one streaming call. The stream should start with
    /// [`StreamPart::ResponseMetadata`] when available, end with exactly one
    /// [`StreamPart::Finish`] carrying the finish reason and usage, and emit a
    /// complete [`StreamPart::ToolCall`] for every tool call once its input is
    /// complete. An `Err` item ends the stream.
    ///
    /// # Errors
    ///
    /// Errors that happen before the first part (e.g. the HTTP status) are
    /// returned here; later ones as `Err` items of the stream.
    fn stream<'a>(&'a self, request: &'a ModelRequest) -> BoxFuture<'a, Result<PartStream, Error>>;
}

macro_rules! forward_language_model {
    ($($ty:ty),*) => {$(
        impl<M: LanguageModel + ?Sized> LanguageModel for $ty {
            fn provider(&self) -> &str { (**self).provider() }
            fn model_id(&self) -> &str { (**self).model_id() }
            fn capabilities(&self) -> Capabilities { (**self).capabilities() }
            fn generate<'a>(&'a self, request: &'a ModelRequest) -> BoxFuture<'a, Result<ModelResponse, Error>> {
                (**self).generate(request)
            }
            fn stream<'a>(&'a self, request: &'a ModelRequest) -> BoxFuture<'a, Result<PartStream, Error>> {
                (**self).stream(request)
            }
        }
    )*};
}
forward_language_model!(&M, Box<M>, Arc<M>);

/// What a model supports. Construct with [`Capabilities::default`] and the
/// `with_*` setters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Capabilities {
    /// Tool calling. Default is true.
    pub tools: bool,
    /// Tool calling while streaming. Default is true.
    pub streaming_tools: bool,
    /// Reasoning ("thinking") output. Default is false.
    pub reasoning: bool,
    /// Image input. Default is false.
    pub images: bool,
    /// Document/file input. Default is false.
    pub documents: bool,
    /// Native structured output ([`ResponseFormat::JsonSchema`]). When false,
    /// [`generate_object`](crate::generate_object) forces a tool call instead.
    /// Default is false.
    pub structured_output: bool,
    /// [`ToolChoice::Required`] and [`ToolChoice::Tool`] are honoured. Default is true.
    pub tool_choice: bool,
}

impl Default for Capabilities {
    fn default() -> Self {
        Self {
            tools: true,
            streaming_tools: true,
            reasoning: false,
            images: false,
            documents: false,
            structured_output: false,
            tool_choice: true,
        }
    }
}

impl Capabilities {
    /// Sets [`tools`](field@Self::tools).
    #[must_use]
    pub fn with_tools(mut self, v: bool) -> Self {
        self.tools = v;
        self
    }
    /// Sets [`streaming_tools`](field@Self::streaming_tools).
    #[must_use]
    pub fn with_streaming_tools(mut self, v: bool) -> Self {
        self.streaming_tools = v;
        self
    }
    /// Sets [`reasoning`](field@Self::reasoning).
    #[must_use]
    pub fn with_reasoning(mut self, v: bool) -> Self {
        self.reasoning = v;
        self
    }
    /// Sets [`images`](field@Self::images).
    #[must_use]
    pub fn with_images(mut self, v: bool) -> Self {
        self.images = v;
        self
    }
    /// Sets [`documents`](field@Self::documents).
    #[must_use]
    pub fn with_documents(mut self, v: bool) -> Self {
        self.documents = v;
        self
    }
    /// Sets [`structured_output`](field@Self::structured_output).
    #[must_use]
    pub fn with_structured_output(mut self, v: bool) -> Self {
        self.structured_output = v;
        self
    }
    /// Sets [`tool_choice`](field@Self::tool_choice).
    #[must_use]
    pub fn with_tool_choice(mut self, v: bool) -> Self {
        self.tool_choice = v;
        self
    }
}

/// A tool as described to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolDefinition {
    /// The tool name.
    pub name: String,
    /// What the tool does, for the model.
    pub description: String,
    /// The JSON Schema of the tool's input (an object schema).
    pub input_schema: Value,
    /// Ask the provider to enforce the schema strictly, where supported. Default is false.
    #[serde(default)]
    pub strict: bool,
    /// Provider options for this tool. Default is empty.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub provider_options: ProviderOptions,
}

impl ToolDefinition {
    /// A tool definition.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        input_schema: Value,
    ) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            input_schema,
            strict: false,
            provider_options: ProviderOptions::new(),
        }
    }
}

/// Whether and which tool the model must call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ToolChoice {
    /// The model decides. The default.
    #[default]
    Auto,
    /// The model must not call tools.
    None,
    /// The model must call some tool.
    Required,
    /// The model must call the named tool.
    Tool(String),
}

/// The shape of the model's output.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResponseFormat {
    /// Free text. The default.
    #[default]
    Text,
    /// JSON matching a schema (native structured output).
    JsonSchema {
        /// A name for the schema.
        name: String,
        /// The JSON Schema.
        schema: Value,
        /// Enforce the schema strictly, where supported.
        strict: bool,
    },
}

/// The request a provider receives for one model call.
///
/// Built by `goai-core` from a user [`Request`](crate::Request); providers read
/// it. All fields are public; `Default` is an empty request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ModelRequest {
    /// The system prompt. Messages with [`Role::System`](crate::Role::System)
    /// may also appear in `messages`; providers with a separate system field
    /// hoist them after this one.
    pub system: Option<String>,
    /// The conversation.
    pub messages: Vec<Message>,
    /// The tools the model may call.
    pub tools: Vec<ToolDefinition>,
    /// Tool choice; `None` leaves it to the provider default (auto).
    pub tool_choice: Option<ToolChoice>,
    /// Maximum output tokens.
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Nucleus sampling.
    pub top_p: Option<f32>,
    /// Top-k sampling.
    pub top_k: Option<u32>,
    /// Stop sequences.
    pub stop_sequences: Vec<String>,
    /// Seed for deterministic sampling, where supported.
    pub seed: Option<u64>,
    /// Extra request headers.
    pub headers: Headers,
    /// Provider options for the request.
    pub provider_options: ProviderOptions,
    /// Ask the provider to cache the system prompt and tools (and honour part
    /// cache markers). Default is false.
    pub prompt_caching: bool,
    /// Output format; `None` is text.
    pub response_format: Option<ResponseFormat>,
}

/// The unified finish reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FinishKind {
    /// The model finished normally or hit a stop sequence.
    Stop,
    /// The output token limit was reached.
    Length,
    /// The model stopped to call tools.
    ToolCalls,
    /// A content filter or guardrail stopped the model.
    ContentFilter,
    /// The model or provider failed.
    Error,
    /// Anything else (see [`FinishReason::raw`]).
    #[default]
    Other,
}

/// Why the model stopped: the unified kind plus the provider's raw reason.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FinishReason {
    /// The unified kind.
    pub unified: FinishKind,
    /// The provider's own reason string (e.g. `end_turn`), empty when unknown.
    pub raw: String,
}

impl FinishReason {
    /// A finish reason.
    pub fn new(unified: FinishKind, raw: impl Into<String>) -> Self {
        Self {
            unified,
            raw: raw.into(),
        }
    }
}

/// Token usage. Every count is `Option<u64>`: `None` means the provider did not
/// report it (as opposed to reporting zero). Summing with `+=` treats `None`
/// as absent, so a sum is `None` only when no part reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Prompt tokens (including cached ones, as the provider reports them).
    pub input_tokens: Option<u64>,
    /// Generated tokens.
    pub output_tokens: Option<u64>,
    /// Total tokens as reported by the provider.
    pub total_tokens: Option<u64>,
    /// Reasoning tokens, when reported separately.
    pub reasoning_tokens: Option<u64>,
    /// Tokens read from the prompt cache.
    pub cache_read_tokens: Option<u64>,
    /// Tokens written to the prompt cache.
    pub cache_write_tokens: Option<u64>,
}

impl Usage {
    /// Usage with input and output counts; total is their sum.
    pub fn new(input_tokens: u64, output_tokens: u64) -> Self {
        Self {
            input_tokens: Some(input_tokens),
            output_tokens: Some(output_tokens),
            total_tokens: Some(input_tokens.saturating_add(output_tokens)),
            ..Self::default()
        }
    }
}

impl AddAssign for Usage {
    fn add_assign(&mut self, rhs: Self) {
        fn add(a: &mut Option<u64>, b: Option<u64>) {
            *a = match (*a, b) {
                (Some(x), Some(y)) => Some(x.saturating_add(y)),
                (x, y) => x.or(y),
            };
        }
        add(&mut self.input_tokens, rhs.input_tokens);
        add(&mut self.output_tokens, rhs.output_tokens);
        add(&mut self.total_tokens, rhs.total_tokens);
        add(&mut self.reasoning_tokens, rhs.reasoning_tokens);
        add(&mut self.cache_read_tokens, rhs.cache_read_tokens);
        add(&mut self.cache_write_tokens, rhs.cache_write_tokens);
    }
}

/// Metadata of a model response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResponseMetadata {
    /// The provider's response or request id.
    pub id: Option<String>,
    /// The model that answered, when the provider reports it.
    pub model: Option<String>,
    /// The response headers.
    pub headers: Headers,
}

/// A non-fatal problem with a call, e.g. a setting the model ignores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// A request setting is not supported and was dropped.
    UnsupportedSetting {
        /// The setting, e.g. `top_k`.
        setting: String,
        /// Details, if any.
        details: Option<String>,
    },
    /// Any other warning.
    Other {
        /// The message.
        message: String,
    },
}

/// The result of one non-streaming model call.
///
/// Providers build it from `ModelResponse::default()` and set the fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ModelResponse {
    /// The assistant's content: text, reasoning and tool call parts, in order.
    pub content: Vec<Part>,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// Token usage.
    pub usage: Usage,
    /// Response metadata.
    pub metadata: ResponseMetadata,
    /// Provider-specific metadata.
    pub provider_metadata: ProviderMetadata,
    /// Non-fatal warnings.
    pub warnings: Vec<Warning>,
}

impl ModelResponse {
    /// Turns a complete response into the equivalent stream of parts (useful
    /// for providers or mocks without native streaming).
    pub fn into_stream(self) -> PartStream {
        Box::pin(futures_util::stream::iter(
            self.into_parts().into_iter().map(Ok),
        ))
    }

    /// The stream parts equivalent to this response.
    pub fn into_parts(self) -> Vec<StreamPart> {
        let mut parts = vec![StreamPart::ResponseMetadata(self.metadata)];
        if !self.warnings.is_empty() {
            parts.push(StreamPart::Warnings(self.warnings));
        }
        for part in self.content {
            match part.kind {
                PartKind::Text { text } => parts.push(StreamPart::TextDelta { text }),
                PartKind::Reasoning { text, signature } => {
                    parts.push(StreamPart::ReasoningDelta {
                        text,
                        signature: None,
                    });
                    if let Some(signature) = signature {
                        parts.push(StreamPart::ReasoningSignature { signature });
                    }
                }
                PartKind::RedactedReasoning { data } => {
                    parts.push(StreamPart::RedactedReasoning { data })
                }
                PartKind::ToolCall { id, name, input } => {
                    parts.push(StreamPart::ToolCallStart {
                        id: id.clone(),
                        name: name.clone(),
                    });
                    parts.push(StreamPart::ToolCallDelta {
                        id: id.clone(),
                        input_delta: input.to_string(),
                    });
                    parts.push(StreamPart::ToolCall { id, name, input });
                }
                _ => {}
            }
        }
        parts.push(StreamPart::Finish {
            finish_reason: self.finish_reason,
            usage: self.usage,
            provider_metadata: self.provider_metadata,
        });
        parts
    }
}

/// One event of a streamed response.
///
/// Providers emit the model-level parts; `goai-core` adds
/// [`ToolResult`](Self::ToolResult) and [`StepFinish`](Self::StepFinish) when it
/// runs the tool loop. Failures are `Err` items of the stream, which end it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StreamPart {
    /// Response id, model and headers; usually first.
    ResponseMetadata(ResponseMetadata),
    /// Non-fatal warnings about the call.
    Warnings(Vec<Warning>),
    /// A piece of text.
    TextDelta {
        /// The text.
        text: String,
    },
    /// A piece of reasoning text, possibly with its signature.
    ReasoningDelta {
        /// The text.
        text: String,
        /// The signature, when it arrives with the text.
        signature: Option<String>,
    },
    /// The signature of the current reasoning block.
    ReasoningSignature {
        /// The signature.
        signature: String,
    },
    /// A redacted (encrypted) reasoning block.
    RedactedReasoning {
        /// The opaque data.
        data: String,
    },
    /// The model started a tool call.
    ToolCallStart {
        /// The call id.
        id: String,
        /// The tool name.
        name: String,
    },
    /// A fragment of a tool call's JSON input.
    ToolCallDelta {
        /// The call id.
        id: String,
        /// The JSON fragment.
        input_delta: String,
    },
    /// A complete tool call.
    ToolCall {
        /// The call id.
        id: String,
        /// The tool name.
        name: String,
        /// The parsed JSON input.
        input: Value,
    },
    /// The result of running a tool (emitted by the tool loop).
    ToolResult {
        /// The call id.
        id: String,
        /// The tool name.
        name: String,
        /// The output.
        output: Value,
        /// Whether the output describes a failure.
        is_error: bool,
    },
    /// One step of the tool loop finished (emitted by `goai-core`).
    StepFinish {
        /// The step index, from 0.
        step: usize,
        /// The step's finish reason.
        finish_reason: FinishReason,
        /// The step's usage.
        usage: Usage,
    },
    /// The model call finished.
    Finish {
        /// Why the model stopped.
        finish_reason: FinishReason,
        /// Token usage of the call.
        usage: Usage,
        /// Provider-specific metadata.
        provider_metadata: ProviderMetadata,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_add_keeps_none_distinct() {
        let mut u = Usage::default();
        u += Usage::new(3, 4);
        u += Usage {
            reasoning_tokens: Some(2),
            ..Usage::default()
        };
        assert_eq!(u.input_tokens, Some(3));
        assert_eq!(u.total_tokens, Some(7));
        assert_eq!(u.reasoning_tokens, Some(2));
        assert_eq!(u.cache_read_tokens, None);
    }

    #[test]
    fn response_into_parts_ends_with_finish() {
        let mut r = ModelResponse::default();
        r.content.push(Part::text("hi"));
        r.content
            .push(Part::tool_call("t1", "f", serde_json::json!({})));
        let parts = r.into_parts();
        assert!(matches!(parts.last(), Some(StreamPart::Finish { .. })));
        assert!(
            parts
                .iter()
                .any(|p| matches!(p, StreamPart::ToolCall { id, .. } if id == "t1"))
        );
    }
}
