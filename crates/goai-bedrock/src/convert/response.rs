//! Converse responses to goai-core responses.

use converse_types::{
    CitationGeneratedContent, ContentBlock, ConverseOutput, ConverseResponse,
    ReasoningContentBlock, StopReason, ToJsonValue, TokenUsage,
};
use goai_core::{FinishKind, FinishReason, ModelResponse, Part, ProviderMetadata, Usage, Warning};
use serde_json::{Map, Value};

use super::media::to_base64;
use super::{JSON_TOOL_NAME, JsonTool, Plan};

/// Maps a Bedrock stop reason to the unified finish reason, keeping the raw
/// value.
///
/// | stopReason | unified |
/// |---|---|
/// | `end_turn`, `stop_sequence` | `Stop` |
/// | `tool_use` | `ToolCalls` |
/// | `max_tokens`, `model_context_window_exceeded` | `Length` |
/// | `guardrail_intervened`, `content_filtered` | `ContentFilter` |
/// | `malformed_model_output`, `malformed_tool_use` | `Error` |
/// | anything else | `Other` |
pub fn map_stop_reason(reason: &StopReason) -> FinishReason {
    let unified = match reason {
        StopReason::EndTurn | StopReason::StopSequence => FinishKind::Stop,
        StopReason::ToolUse => FinishKind::ToolCalls,
        StopReason::MaxTokens | StopReason::ModelContextWindowExceeded => FinishKind::Length,
        StopReason::GuardrailIntervened | StopReason::ContentFiltered => FinishKind::ContentFilter,
        StopReason::MalformedModelOutput | StopReason::MalformedToolUse => FinishKind::Error,
        _ => FinishKind::Other,
    };
    FinishReason::new(unified, reason.as_str())
}

/// Maps Bedrock token usage.
///
/// Convention: Bedrock's `inputTokens` counts only the input that was neither
/// read from nor written to the prompt cache. goai-core's
/// [`Usage::input_tokens`] is the whole prompt, so it is `inputTokens +
/// cacheReadInputTokens + cacheWriteInputTokens`; the cached parts are also in
/// [`Usage::cache_read_tokens`] and [`Usage::cache_write_tokens`].
/// `total_tokens` is Bedrock's `totalTokens` as reported. The raw counts
/// (including `cacheDetails`) are kept in `provider_metadata.bedrock.usage`.
pub fn map_usage(usage: &TokenUsage) -> Usage {
    let read = usage.cache_read_input_tokens.map(u64::from);
    let write = usage.cache_write_input_tokens.map(u64::from);
    let mut out = Usage::default();
    out.input_tokens = Some(
        u64::from(usage.input_tokens)
            .saturating_add(read.unwrap_or(0))
            .saturating_add(write.unwrap_or(0)),
    );
    out.output_tokens = Some(u64::from(usage.output_tokens));
    out.total_tokens = Some(u64::from(usage.total_tokens));
    out.cache_read_tokens = read;
    out.cache_write_tokens = write;
    out
}

/// The text a JSON-tool input stands for (unwrapping `{"value": ...}`).
pub(crate) fn json_tool_text(tool: JsonTool, input: Value) -> String {
    let value = match input {
        Value::Object(mut m) if tool.wrapped => m.remove("value").unwrap_or(Value::Null),
        other => other,
    };
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// The finish reason, counting a JSON-tool call as a normal stop.
pub(crate) fn finish_reason(
    reason: &StopReason,
    json_tool_called: bool,
    other_tool_calls: bool,
) -> FinishReason {
    let mut finish = map_stop_reason(reason);
    if *reason == StopReason::ToolUse && json_tool_called && !other_tool_calls {
        finish.unified = FinishKind::Stop;
    }
    finish
}

/// The matched stop sequence, from the `/delta/stop_sequence` response field.
fn stop_sequence(fields: Option<&Value>) -> Option<String> {
    fields?
        .pointer("/delta/stop_sequence")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Builds `provider_metadata["bedrock"]`.
#[derive(Debug, Default)]
pub(crate) struct BedrockMetadata {
    pub(crate) map: Map<String, Value>,
    pub(crate) citations: Vec<Value>,
}

impl BedrockMetadata {
    /// Sets `key` when there is a value.
    pub(crate) fn set(&mut self, key: &str, value: Option<Value>) {
        if let Some(v) = value {
            self.map.insert(key.to_owned(), v);
        }
    }

    /// The keys a Converse response and a ConverseStream's closing events both
    /// carry: usage, latency, trace, service tier, performance configuration,
    /// the model's additional response fields and the stop sequence.
    pub(crate) fn set_call_summary<Trace: ToJsonValue>(
        &mut self,
        usage: &converse_types::TokenUsage,
        latency_ms: i64,
        trace: Option<&Trace>,
        service_tier: Option<&converse_types::ServiceTier>,
        performance_config: Option<&converse_types::PerformanceConfiguration>,
        additional_fields: Option<&Value>,
    ) {
        self.set("usage", Some(usage.to_json_value()));
        self.set("latencyMs", Some(Value::from(latency_ms)));
        self.set("trace", trace.map(ToJsonValue::to_json_value));
        self.set("serviceTier", service_tier.map(ToJsonValue::to_json_value));
        self.set(
            "performanceConfig",
            performance_config.map(ToJsonValue::to_json_value),
        );
        self.set("additionalModelResponseFields", additional_fields.cloned());
        self.set(
            "stopSequence",
            stop_sequence(additional_fields).map(Value::String),
        );
    }

    pub(crate) fn add_citation(&mut self, citation: Value) {
        self.citations.push(citation);
    }

    pub(crate) fn into_provider_metadata(mut self) -> ProviderMetadata {
        if !self.citations.is_empty() {
            self.map
                .insert("citations".into(), Value::Array(self.citations));
        }
        let mut out = ProviderMetadata::new();
        out.insert("bedrock".into(), Value::Object(self.map));
        out
    }
}

fn generated_text(content: Option<&Vec<CitationGeneratedContent>>) -> String {
    content
        .into_iter()
        .flatten()
        .filter_map(|c| match c {
            CitationGeneratedContent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

pub(crate) fn map_response(resp: ConverseResponse, plan: &Plan) -> ModelResponse {
    let mut out = ModelResponse::default();
    out.warnings = plan.warnings.clone();
    let mut meta = BedrockMetadata::default();
    let mut json_called = false;
    let mut other_calls = false;
    let mut unmapped: Vec<Value> = Vec::new();
    match resp.output {
        ConverseOutput::Message(message) => {
            for block in message.content {
                match block {
                    ContentBlock::Text(text) => out.content.push(Part::text(text)),
                    ContentBlock::ReasoningContent(ReasoningContentBlock::ReasoningText(r)) => {
                        out.content.push(Part::reasoning(r.text, r.signature));
                    }
                    ContentBlock::ReasoningContent(ReasoningContentBlock::RedactedContent(b)) => {
                        out.content.push(Part::redacted_reasoning(to_base64(&b)));
                    }
                    ContentBlock::ToolUse(t) => match plan.json_tool {
                        Some(tool) if t.name == JSON_TOOL_NAME => {
                            json_called = true;
                            out.content.push(Part::text(json_tool_text(tool, t.input)));
                        }
                        _ => {
                            other_calls = true;
                            out.content
                                .push(Part::tool_call(t.tool_use_id, t.name, t.input));
                        }
                    },
                    ContentBlock::CitationsContent(c) => {
                        let text = generated_text(c.content.as_ref());
                        if !text.is_empty() {
                            out.content.push(Part::text(text));
                        }
                        for citation in c.citations.iter().flatten() {
                            meta.add_citation(citation.to_json_value());
                        }
                    }
                    ContentBlock::CachePoint(_) => {}
                    other => unmapped.push(other.to_json_value()),
                }
            }
        }
        other => {
            out.warnings.push(Warning::Other {
                message: format!(
                    "Bedrock returned an output of unknown kind `{}`",
                    other.member_name()
                ),
            });
            unmapped.push(other.to_json_value());
        }
    }
    out.finish_reason = finish_reason(&resp.stop_reason, json_called, other_calls);
    out.usage = map_usage(&resp.usage);
    meta.set_call_summary(
        &resp.usage,
        resp.metrics.latency_ms,
        resp.trace.as_ref(),
        resp.service_tier.as_ref(),
        resp.performance_config.as_ref(),
        resp.additional_model_response_fields.as_ref(),
    );
    if !unmapped.is_empty() {
        meta.set("unmappedContent", Some(Value::Array(unmapped)));
    }
    out.provider_metadata = meta.into_provider_metadata();
    out
}
