//! Tracing spans with OpenTelemetry GenAI semantic-convention attribute names.

use tracing::Span;
use tracing::field::Empty;

use crate::model::{FinishReason, ModelRequest, ResponseMetadata, Usage};

/// A span for one operation (`chat`, `generate_object`, `embeddings`, ...).
pub(crate) fn operation_span(
    operation: &'static str,
    provider: &str,
    model: &str,
    req: Option<&ModelRequest>,
) -> Span {
    let span = tracing::info_span!(
        "gen_ai.operation",
        otel.name = %format_args!("{operation} {model}"),
        gen_ai.operation.name = operation,
        gen_ai.provider.name = provider,
        gen_ai.request.model = model,
        gen_ai.request.max_tokens = Empty,
        gen_ai.request.temperature = Empty,
        gen_ai.request.top_p = Empty,
        gen_ai.request.top_k = Empty,
        gen_ai.request.seed = Empty,
        gen_ai.response.id = Empty,
        gen_ai.response.model = Empty,
        gen_ai.response.finish_reasons = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
    );
    if let Some(req) = req {
        if let Some(v) = req.max_output_tokens {
            span.record("gen_ai.request.max_tokens", v);
        }
        if let Some(v) = req.temperature {
            span.record("gen_ai.request.temperature", f64::from(v));
        }
        if let Some(v) = req.top_p {
            span.record("gen_ai.request.top_p", f64::from(v));
        }
        if let Some(v) = req.top_k {
            span.record("gen_ai.request.top_k", v);
        }
        if let Some(v) = req.seed {
            span.record("gen_ai.request.seed", v);
        }
    }
    span
}

/// A span for one step of the tool loop.
pub(crate) fn step_span(step: usize) -> Span {
    tracing::info_span!(
        "gen_ai.step",
        gen_ai.step = step,
        gen_ai.response.id = Empty,
        gen_ai.response.model = Empty,
        gen_ai.response.finish_reasons = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
    )
}

/// A span for one tool execution.
pub(crate) fn tool_span(name: &str, call_id: &str) -> Span {
    tracing::info_span!(
        "gen_ai.execute_tool",
        otel.name = %format_args!("execute_tool {name}"),
        gen_ai.operation.name = "execute_tool",
        gen_ai.tool.name = name,
        gen_ai.tool.call.id = call_id,
    )
}

/// Records response attributes on `span`.
pub(crate) fn record_response(
    span: &Span,
    meta: &ResponseMetadata,
    finish: &FinishReason,
    usage: &Usage,
) {
    if let Some(id) = &meta.id {
        span.record("gen_ai.response.id", id.as_str());
    }
    if let Some(m) = &meta.model {
        span.record("gen_ai.response.model", m.as_str());
    }
    span.record(
        "gen_ai.response.finish_reasons",
        tracing::field::debug(&[finish.raw.as_str()]),
    );
    record_usage(span, usage);
}

/// Records usage attributes on `span`.
pub(crate) fn record_usage(span: &Span, usage: &Usage) {
    if let Some(v) = usage.input_tokens {
        span.record("gen_ai.usage.input_tokens", v);
    }
    if let Some(v) = usage.output_tokens {
        span.record("gen_ai.usage.output_tokens", v);
    }
}

/// Emits the prompt as a span event, only when the user opted in.
pub(crate) fn record_input(enabled: bool, req: &ModelRequest) {
    if enabled {
        let messages = serde_json::to_string(&req.messages).unwrap_or_default();
        tracing::info!(gen_ai.system_instructions = req.system.as_deref().unwrap_or(""), gen_ai.input.messages = %messages, "gen_ai.input");
    }
}

/// Emits the output as a span event, only when the user opted in.
pub(crate) fn record_output(enabled: bool, content: &[crate::message::Part]) {
    if enabled {
        let out = serde_json::to_string(content).unwrap_or_default();
        tracing::info!(gen_ai.output.messages = %out, "gen_ai.output");
    }
}
