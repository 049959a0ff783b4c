//! The Converse response: output message, stop reason, usage, metrics and trace.

use serde::Serialize;
use serde_json::Value;

use crate::content::{CacheTtl, Message};
use crate::guardrail::GuardrailTraceAssessment;
use crate::request::{PerformanceConfiguration, ServiceTier};

string_enum! {
    /// Why the model stopped (`StopReason`).
    pub enum StopReason {
        /// `end_turn`: the model finished its turn.
        EndTurn = "end_turn",
        /// `tool_use`: the model wants tool results.
        ToolUse = "tool_use",
        /// `max_tokens`: the token limit was reached.
        MaxTokens = "max_tokens",
        /// `stop_sequence`: a stop sequence was generated.
        StopSequence = "stop_sequence",
        /// `guardrail_intervened`: a guardrail blocked the output.
        GuardrailIntervened = "guardrail_intervened",
        /// `content_filtered`: the provider's content filter acted.
        ContentFiltered = "content_filtered",
        /// `malformed_model_output`: the model's output could not be parsed.
        MalformedModelOutput = "malformed_model_output",
        /// `malformed_tool_use`: the model produced an invalid tool call.
        MalformedToolUse = "malformed_tool_use",
        /// `model_context_window_exceeded`: the context window is full.
        ModelContextWindowExceeded = "model_context_window_exceeded",
    }
}

/// Tokens read from or written to the prompt cache with one TTL (`CacheDetail`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheDetail {
    /// The TTL.
    pub ttl: CacheTtl,
    /// Input tokens written with that TTL.
    pub input_tokens: u32,
}

struct_deserialize! {
    CacheDetail {
        ttl: "ttl",
        input_tokens: "inputTokens",
    }
}

/// Token counts (`TokenUsage`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenUsage {
    /// Input tokens.
    pub input_tokens: u32,
    /// Output tokens.
    pub output_tokens: u32,
    /// Input plus output tokens.
    pub total_tokens: u32,
    /// Input tokens read from the prompt cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read_input_tokens: Option<u32>,
    /// Input tokens written to the prompt cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_input_tokens: Option<u32>,
    /// Cache writes by TTL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_details: Option<Vec<CacheDetail>>,
}

struct_deserialize! {
    TokenUsage {
        input_tokens: "inputTokens",
        output_tokens: "outputTokens",
        total_tokens: "totalTokens",
        cache_read_input_tokens: "cacheReadInputTokens",
        cache_write_input_tokens: "cacheWriteInputTokens",
        cache_details: "cacheDetails",
    }
}

/// Latency of a Converse call (`ConverseMetrics`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseMetrics {
    /// Milliseconds the call took.
    pub latency_ms: i64,
}

struct_deserialize! {
    ConverseMetrics {
        latency_ms: "latencyMs",
    }
}

/// Which model a prompt router chose (`PromptRouterTrace`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PromptRouterTrace {
    /// The model that was invoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoked_model_id: Option<String>,
}

struct_deserialize! {
    PromptRouterTrace {
        invoked_model_id: "invokedModelId",
    }
}

/// Trace of a Converse call (`ConverseTrace`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseTrace {
    /// The guardrail trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail: Option<GuardrailTraceAssessment>,
    /// The prompt router trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_router: Option<PromptRouterTrace>,
}

struct_deserialize! {
    ConverseTrace {
        guardrail: "guardrail",
        prompt_router: "promptRouter",
    }
}

union_enum! {
    /// The output of a Converse call (`ConverseOutput`).
    pub enum ConverseOutput {
        /// The generated message.
        Message(Message) = "message",
    }
}

impl Default for ConverseOutput {
    fn default() -> Self {
        Self::Message(Message::default())
    }
}

/// A Converse response (`ConverseResponse`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseResponse {
    /// The generated output.
    pub output: ConverseOutput,
    /// Why the model stopped.
    pub stop_reason: StopReason,
    /// Token counts.
    pub usage: TokenUsage,
    /// Latency.
    pub metrics: ConverseMetrics,
    /// Model-specific response fields that were asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_response_fields: Option<Value>,
    /// The trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<ConverseTrace>,
    /// The performance settings used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance_config: Option<PerformanceConfiguration>,
    /// The service tier used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
}

struct_deserialize! {
    ConverseResponse {
        output: "output",
        stop_reason: "stopReason",
        usage: "usage",
        metrics: "metrics",
        additional_model_response_fields: "additionalModelResponseFields",
        trace: "trace",
        performance_config: "performanceConfig",
        service_tier: "serviceTier",
    }
}

impl ConverseResponse {
    /// Reads a response from its JSON body (`serde_json::from_slice`).
    ///
    /// Prefer this to calling serde_json yourself: the deserializer for the whole model is
    /// then compiled once, in this crate, instead of again in every crate that reads responses.
    ///
    /// # Errors
    /// Fails when the body is not JSON or does not match the response's shape.
    #[inline(never)]
    pub fn from_json(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The generated message, unless the output is a member this crate does not know.
    pub fn message(&self) -> Option<&Message> {
        match &self.output {
            ConverseOutput::Message(message) => Some(message),
            _ => None,
        }
    }

    /// The text of the generated message (empty when there is none).
    pub fn text(&self) -> String {
        self.message().map(Message::text).unwrap_or_default()
    }
}
