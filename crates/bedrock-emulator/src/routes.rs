//! Request handling: authentication, faults, routing and the Bedrock operations.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Limited};
use serde_json::{Value, json};

use crate::auth::{Principal, Received};
use crate::body::{ConnControl, Cut, ScriptBody, Step};
use crate::catalog::{self, ModelKind, Resolved};
use crate::emulator::{RecordedRequest, State};
use crate::error::ApiError;
use crate::fault::{self, ActiveFaults, Fault};
use crate::ids::request_id;
use crate::model::{self, Generation, OutBlock};
use crate::request::{self, ChatRequest};
use crate::throughput;
use crate::validate::{self, Purpose};
use crate::{embed, frames, tokens};

/// The operations the emulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Converse,
    ConverseStream,
    CountTokens,
    Invoke,
    InvokeStream,
}

impl Operation {
    fn from_segment(segment: &str) -> Option<Self> {
        Some(match segment {
            "converse" => Self::Converse,
            "converse-stream" => Self::ConverseStream,
            "count-tokens" => Self::CountTokens,
            "invoke" => Self::Invoke,
            "invoke-with-response-stream" => Self::InvokeStream,
            _ => return None,
        })
    }

    /// The API operation name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Converse => "Converse",
            Self::ConverseStream => "ConverseStream",
            Self::CountTokens => "CountTokens",
            Self::Invoke => "InvokeModel",
            Self::InvokeStream => "InvokeModelWithResponseStream",
        }
    }
}

/// Percent-decodes a path segment; `None` if it is not valid UTF-8 after decoding.
pub(crate) fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            let hex = segment.get(i + 1..i + 3);
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(byte);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Splits `/model/{modelId}/{operation}` (raw, as received).
fn route(path: &str) -> Option<(String, Operation)> {
    let rest = path.strip_prefix("/model/")?;
    let (model, operation) = rest.rsplit_once('/')?;
    if model.is_empty() || model.contains('/') {
        return None;
    }
    Some((percent_decode(model)?, Operation::from_segment(operation)?))
}

/// Everything a response needs besides its body.
struct Reply {
    request_id: String,
    conn: Arc<ConnControl>,
    faults: ActiveFaults,
    extra_headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn base(&self, status: StatusCode, content_type: &'static str) -> http::response::Builder {
        let mut builder = Response::builder()
            .status(status)
            .header("x-amzn-RequestId", self.request_id.as_str())
            .header(header::CONTENT_TYPE, content_type);
        for (name, value) in &self.extra_headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                builder = builder.header(*name, value);
            }
        }
        builder
    }

    fn error(&self, error: &ApiError) -> Response<ScriptBody> {
        let body = serde_json::to_vec(&error.body()).unwrap_or_default();
        let builder = self
            .base(error.status, "application/json")
            .header("x-amzn-ErrorType", error.error_type_header());
        finish(builder, ScriptBody::full(body))
    }

    /// A JSON success; `truncate` and `reset` faults cut it in the middle.
    fn json(&self, value: &Value) -> Response<ScriptBody> {
        let body = Bytes::from(serde_json::to_vec(value).unwrap_or_default());
        let builder = self.base(StatusCode::OK, "application/json");
        if self.faults.truncate || self.faults.reset {
            let half = body.slice(..body.len() / 2);
            let cut = if self.faults.reset {
                Cut::Reset
            } else {
                Cut::Truncate
            };
            let builder = builder.header(header::CONTENT_LENGTH, body.len());
            return finish(
                builder,
                ScriptBody::new(vec![Step::Data(half), Step::Cut(cut)])
                    .with_conn(self.conn.clone()),
            );
        }
        finish(builder, ScriptBody::full(body))
    }

    /// An EventStream success from a script of frames, with the stream faults applied.
    fn stream(&self, steps: Vec<Step>) -> Response<ScriptBody> {
        let builder = self.base(StatusCode::OK, "application/vnd.amazon.eventstream");
        let body = ScriptBody::new(steps)
            .with_pause(self.faults.stall)
            .with_conn(self.conn.clone());
        finish(builder, body)
    }
}

fn finish(builder: http::response::Builder, body: ScriptBody) -> Response<ScriptBody> {
    match builder.body(body) {
        Ok(response) => response,
        Err(_) => {
            let mut response = Response::new(ScriptBody::empty());
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            response
        }
    }
}

fn fault_error(fault: &Fault) -> ApiError {
    match fault {
        Fault::Throttling => ApiError::throttling(),
        Fault::Unavailable => ApiError::unavailable(),
        Fault::ModelTimeout => ApiError::model_timeout(),
        Fault::ModelNotReady => ApiError::model_not_ready(),
        Fault::ModelError => ApiError::model_error(),
        Fault::AccessDenied => ApiError::access_denied(
            "You don't have access to the model with the specified model ID.",
        ),
        Fault::Quota => ApiError::quota_exceeded(),
        Fault::Validation => {
            ApiError::validation("The request was rejected on purpose (fault injection).")
        }
        _ => ApiError::internal(),
    }
}

/// The HTTP error equivalent to an in-stream exception, for non-streaming routes.
fn stream_exception_as_error(name: &str) -> ApiError {
    match name {
        "throttlingException" => ApiError::throttling(),
        "serviceUnavailableException" => ApiError::unavailable(),
        "validationException" => ApiError::validation(
            frames::exception_payload(name)["message"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        ),
        "modelStreamErrorException" => ApiError::model_error(),
        _ => ApiError::internal(),
    }
}

fn header_str<'a>(req: &'a http::request::Parts, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Handles one request. Never fails: every problem becomes a Bedrock-shaped error.
pub(crate) async fn handle<B>(
    state: Arc<State>,
    conn: Arc<ConnControl>,
    req: Request<B>,
) -> Response<ScriptBody>
where
    B: http_body::Body<Data = Bytes> + Send,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let mut reply = Reply {
        request_id: request_id(),
        conn,
        faults: ActiveFaults::default(),
        extra_headers: Vec::new(),
    };
    let target = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| "/".to_string());
    let path = parts.uri.path().to_string();
    let routed = route(&path);

    let body = match Limited::new(body, state.max_body_bytes).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            let too_large = error
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some();
            let api = if too_large {
                ApiError::validation(format!(
                    "The request body is larger than the {} bytes the emulator accepts.",
                    state.max_body_bytes
                ))
            } else {
                ApiError::serialization("The request body could not be read.")
            };
            return reply.error(&api);
        }
    };

    let received = Received {
        method: parts.method.as_str(),
        target: &target,
        authority: parts.uri.authority().map(|a| a.as_str()),
        headers: &parts.headers,
        body: &body,
    };
    let principal = match state.auth.authenticate(&received, SystemTime::now()) {
        Ok(principal) => principal,
        Err(error) => {
            state.record(&parts, routed.as_ref(), None, &body, error.status);
            return reply.error(&error);
        }
    };

    let response = serve(&state, &mut reply, &parts, routed.as_ref(), &body, started).await;
    let response = match response {
        Ok(response) => response,
        Err(error) => reply.error(&error),
    };
    state.record(
        &parts,
        routed.as_ref(),
        Some(&principal),
        &body,
        response.status(),
    );
    response
}

async fn serve(
    state: &State,
    reply: &mut Reply,
    parts: &http::request::Parts,
    routed: Option<&(String, Operation)>,
    body: &Bytes,
    started: Instant,
) -> Result<Response<ScriptBody>, ApiError> {
    let Some((model_id, operation)) = routed else {
        return Err(ApiError::unknown_operation());
    };
    if parts.method != http::Method::POST {
        return Err(ApiError::unknown_operation());
    }

    // Faults: the startup plan, then the header's.
    let mut faults = state.faults.clone();
    if let Some(value) = parts.headers.get(crate::FAULT_HEADER) {
        let value = value.to_str().unwrap_or("");
        let parsed = fault::parse_list(value).map_err(|e| {
            ApiError::validation(format!("Invalid {} header: {e}", crate::FAULT_HEADER))
        })?;
        faults.extend(parsed);
    }
    let attempt_key = header_str(parts, crate::ATTEMPT_KEY_HEADER)
        .or_else(|| header_str(parts, crate::INVOCATION_ID_HEADER))
        .unwrap_or("");
    reply.faults = state.attempts.resolve(&faults, attempt_key);
    if let Some(pause) = reply.faults.slow_first_byte {
        tokio::time::sleep(pause).await;
    }
    if let Some(fault) = &reply.faults.error {
        return Err(fault_error(fault));
    }

    let resolved = catalog::resolve(model_id)?;
    match operation {
        Operation::Converse | Operation::ConverseStream => {
            let streaming = *operation == Operation::ConverseStream;
            if !streaming && let Some(name) = reply.faults.stream_exception {
                return Err(stream_exception_as_error(name));
            }
            converse(state, reply, parts, resolved, body, streaming, started)
        }
        Operation::CountTokens => count_tokens(reply, resolved, body),
        Operation::Invoke => invoke(reply, resolved, body),
        Operation::InvokeStream => match resolved.info.kind {
            ModelKind::Embedding(_) => Err(ApiError::validation(
                "The model is unsupported for streaming.",
            )),
            _ => Err(invoke_unsupported()),
        },
    }
}

fn invoke_unsupported() -> ApiError {
    ApiError::validation(
        "Malformed input request: the emulator implements InvokeModel for embedding models only; use Converse for text models, please reformat your input and try again.",
    )
}

fn invoke(
    reply: &mut Reply,
    resolved: Resolved,
    body: &Bytes,
) -> Result<Response<ScriptBody>, ApiError> {
    let ModelKind::Embedding(shape) = resolved.info.kind else {
        return Err(invoke_unsupported());
    };
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        ApiError::validation(
            "Malformed input request: #: expected type: JSONObject, found: String, please reformat your input and try again.",
        )
    })?;
    let out = embed::invoke(shape, &value)?;
    reply.extra_headers.push((
        "x-amzn-bedrock-input-token-count",
        out.input_tokens.to_string(),
    ));
    Ok(reply.json(&out.body))
}

fn count_tokens(
    reply: &Reply,
    resolved: Resolved,
    body: &Bytes,
) -> Result<Response<ScriptBody>, ApiError> {
    if !resolved.info.count_tokens {
        return Err(ApiError::validation(
            "The provided model doesn't support counting tokens.",
        ));
    }
    let value = request::parse_json(body)?;
    let Some(input) = value.get("input").filter(|v| !v.is_null()) else {
        return Err(ApiError::validation(
            "1 validation error detected: Value null at 'input' failed to satisfy constraint: Member must not be null",
        ));
    };
    let count = if let Some(converse) = input.get("converse") {
        let chat = request::parse_chat(converse)?;
        validate::check(&chat, resolved.info, Purpose::CountTokens)?;
        model::input_breakdown(&chat).0
    } else if let Some(invoke) = input.get("invokeModel") {
        let encoded = invoke.get("body").and_then(Value::as_str).unwrap_or("");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| {
                ApiError::serialization("Expected a base64 blob at 'input.invokeModel.body'")
            })?;
        tokens::text(&String::from_utf8_lossy(&decoded))
    } else {
        return Err(ApiError::validation(
            "The input field must contain exactly one of converse or invokeModel.",
        ));
    };
    Ok(reply.json(&json!({"inputTokens": count})))
}

#[allow(clippy::too_many_arguments)] // One call site; the parts are all distinct.
fn converse(
    state: &State,
    reply: &mut Reply,
    parts: &http::request::Parts,
    resolved: Resolved,
    body: &Bytes,
    streaming: bool,
    started: Instant,
) -> Result<Response<ScriptBody>, ApiError> {
    let info = resolved.info;
    if matches!(info.kind, ModelKind::Embedding(_)) {
        return Err(ApiError::validation(
            "This action doesn't support the model that you provided. Try again with a supported text or chat model.",
        ));
    }
    let value = request::parse_json(body)?;
    let chat = request::parse_chat(&value)?;
    let purpose = if streaming {
        Purpose::ConverseStream
    } else {
        Purpose::Converse
    };
    let checked = validate::check(&chat, info, purpose)?;
    if let Some(metadata) = &chat.request_metadata {
        reply
            .extra_headers
            .push(("x-emulator-request-metadata", metadata.to_string()));
    }

    if info.kind == ModelKind::Throughput {
        let shape = throughput::shape(
            header_str(parts, crate::THROUGHPUT_HEADER),
            chat.additional_fields.as_ref(),
        )?;
        return Ok(throughput_reply(reply, &chat, shape, streaming, started));
    }

    let generation = model::generate(&chat, info, checked, &state.cache);
    let latency = started.elapsed().as_millis() as u64;
    if streaming {
        let frames = stream_frames(&generation, &chat, latency);
        Ok(reply.stream(apply_stream_faults(frames, &reply.faults)))
    } else {
        Ok(reply.json(&converse_json(&generation, &chat, latency)))
    }
}

fn additional_response_fields(generation: &Generation, chat: &ChatRequest) -> Option<Value> {
    let mut fields = serde_json::Map::new();
    for path in &chat.response_field_paths {
        if path == "/stop_sequence" {
            fields.insert(
                "stop_sequence".into(),
                generation
                    .stop_sequence
                    .clone()
                    .map_or(Value::Null, Value::String),
            );
        }
    }
    (!fields.is_empty()).then_some(Value::Object(fields))
}

fn echo_fields(target: &mut serde_json::Map<String, Value>, chat: &ChatRequest) {
    if let Some(performance) = &chat.performance_config {
        target.insert("performanceConfig".into(), performance.clone());
    }
    if let Some(tier) = &chat.service_tier {
        target.insert("serviceTier".into(), tier.clone());
    }
}

/// The `Converse` response body.
fn converse_json(generation: &Generation, chat: &ChatRequest, latency: u64) -> Value {
    let content: Vec<Value> = generation
        .blocks
        .iter()
        .map(|block| match block {
            OutBlock::Reasoning { pieces, signature } => {
                let mut text = json!({"text": pieces.concat()});
                if let Some(signature) = signature {
                    text["signature"] = Value::String(signature.clone());
                }
                json!({"reasoningContent": {"reasoningText": text}})
            }
            OutBlock::Text { pieces } => json!({"text": pieces.concat()}),
            OutBlock::ToolUse { id, name, input } => {
                json!({"toolUse": {"toolUseId": id, "name": name, "input": input}})
            }
        })
        .collect();
    let mut out = serde_json::Map::new();
    out.insert(
        "output".into(),
        json!({"message": {"role": "assistant", "content": content}}),
    );
    out.insert("stopReason".into(), json!(generation.stop_reason));
    out.insert("usage".into(), generation.usage.to_json());
    out.insert("metrics".into(), json!({"latencyMs": latency}));
    if let Some(fields) = additional_response_fields(generation, chat) {
        out.insert("additionalModelResponseFields".into(), fields);
    }
    echo_fields(&mut out, chat);
    Value::Object(out)
}

/// Splits a tool input's JSON text into a few fragments, like models stream it.
fn json_fragments(input: &Value) -> Vec<String> {
    let text = input.to_string();
    let chars: Vec<char> = text.chars().collect();
    let size = chars.len().div_ceil(3).max(1);
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

/// The `ConverseStream` events of a generation, encoded.
fn stream_frames(generation: &Generation, chat: &ChatRequest, latency: u64) -> Vec<Bytes> {
    let mut frames_out = Vec::new();
    let mut seq = 0usize;
    let mut push = |event: &'static str, payload: Value, frames_out: &mut Vec<Bytes>| {
        frames_out.push(frames::event(event, payload, seq));
        seq += 1;
    };
    push(
        "messageStart",
        json!({"role": "assistant"}),
        &mut frames_out,
    );
    for (index, block) in generation.blocks.iter().enumerate() {
        match block {
            OutBlock::Reasoning { pieces, signature } => {
                for piece in pieces {
                    push(
                        "contentBlockDelta",
                        json!({"contentBlockIndex": index, "delta": {"reasoningContent": {"text": piece}}}),
                        &mut frames_out,
                    );
                }
                if let Some(signature) = signature {
                    push(
                        "contentBlockDelta",
                        json!({"contentBlockIndex": index, "delta": {"reasoningContent": {"signature": signature}}}),
                        &mut frames_out,
                    );
                }
            }
            OutBlock::Text { pieces } => {
                for piece in pieces {
                    push(
                        "contentBlockDelta",
                        json!({"contentBlockIndex": index, "delta": {"text": piece}}),
                        &mut frames_out,
                    );
                }
            }
            OutBlock::ToolUse { id, name, input } => {
                push(
                    "contentBlockStart",
                    json!({"contentBlockIndex": index, "start": {"toolUse": {"toolUseId": id, "name": name}}}),
                    &mut frames_out,
                );
                for fragment in json_fragments(input) {
                    push(
                        "contentBlockDelta",
                        json!({"contentBlockIndex": index, "delta": {"toolUse": {"input": fragment}}}),
                        &mut frames_out,
                    );
                }
            }
        }
        push(
            "contentBlockStop",
            json!({"contentBlockIndex": index}),
            &mut frames_out,
        );
    }
    let mut stop = serde_json::Map::new();
    stop.insert("stopReason".into(), json!(generation.stop_reason));
    if let Some(fields) = additional_response_fields(generation, chat) {
        stop.insert("additionalModelResponseFields".into(), fields);
    }
    push("messageStop", Value::Object(stop), &mut frames_out);
    let mut metadata = serde_json::Map::new();
    metadata.insert("usage".into(), generation.usage.to_json());
    metadata.insert("metrics".into(), json!({"latencyMs": latency}));
    echo_fields(&mut metadata, chat);
    push("metadata", Value::Object(metadata), &mut frames_out);
    frames_out
}

/// How many frames go out before a stream fault strikes.
const FRAMES_BEFORE_FAULT: usize = 4;

/// Applies `corrupt-crc`, `stream-exception`, `truncate` and `reset` to a frame list.
fn apply_stream_faults(mut frames_in: Vec<Bytes>, faults: &ActiveFaults) -> Vec<Step> {
    if faults.corrupt_crc {
        let index = 2.min(frames_in.len().saturating_sub(1));
        if let Some(frame) = frames_in.get_mut(index) {
            *frame = frames::corrupt_crc(frame);
        }
    }
    let cut_at = FRAMES_BEFORE_FAULT.min(frames_in.len().saturating_sub(1));
    if let Some(name) = faults.stream_exception {
        frames_in.truncate(cut_at);
        let mut steps: Vec<Step> = frames_in.into_iter().map(Step::Data).collect();
        steps.push(Step::Data(frames::exception(
            name,
            &frames::exception_payload(name),
        )));
        return steps;
    }
    if faults.truncate || faults.reset {
        let next = frames_in.get(cut_at).cloned();
        frames_in.truncate(cut_at);
        let mut steps: Vec<Step> = frames_in.into_iter().map(Step::Data).collect();
        if let Some(frame) = next {
            steps.push(Step::Data(frame.slice(..frame.len() / 2)));
        }
        steps.push(Step::Cut(if faults.reset {
            Cut::Reset
        } else {
            Cut::Truncate
        }));
        return steps;
    }
    frames_in.into_iter().map(Step::Data).collect()
}

fn throughput_reply(
    reply: &Reply,
    chat: &ChatRequest,
    shape: throughput::Shape,
    streaming: bool,
    started: Instant,
) -> Response<ScriptBody> {
    let (input, _) = model::input_breakdown(chat);
    let usage = model::Usage {
        input,
        output: shape.deltas,
        ..model::Usage::default()
    };
    if !streaming {
        let total = shape.deltas.saturating_mul(shape.delta_bytes as u64);
        if total > throughput::MAX_CONVERSE_BYTES {
            return reply.error(&ApiError::validation(format!(
                "Invalid throughput shape: a Converse answer is limited to {} bytes; use converse-stream for more.",
                throughput::MAX_CONVERSE_BYTES
            )));
        }
        let text = throughput::delta_text(shape.delta_bytes).repeat(shape.deltas as usize);
        let generation = Generation {
            blocks: vec![OutBlock::Text { pieces: vec![text] }],
            stop_reason: "end_turn",
            usage,
            stop_sequence: None,
        };
        let latency = started.elapsed().as_millis() as u64;
        return reply.json(&converse_json(&generation, chat, latency));
    }
    let delta = throughput::delta_frame(shape);
    let latency = started.elapsed().as_millis() as u64;
    let head = frames::event("messageStart", json!({"role": "assistant"}), 0);
    let mut metadata = serde_json::Map::new();
    metadata.insert("usage".into(), usage.to_json());
    metadata.insert("metrics".into(), json!({"latencyMs": latency}));
    echo_fields(&mut metadata, chat);
    let tail = vec![
        frames::event("contentBlockStop", json!({"contentBlockIndex": 0}), 2),
        frames::event("messageStop", json!({"stopReason": "end_turn"}), 3),
        frames::event("metadata", Value::Object(metadata), 4),
    ];
    let faults = &reply.faults;
    if faults.stream_exception.is_some() || faults.truncate || faults.reset {
        // Fault paths only need the first few deltas.
        let mut list = vec![head];
        let shown = shape.deltas.min(FRAMES_BEFORE_FAULT as u64 * 2) as usize;
        list.extend(std::iter::repeat_n(delta, shown));
        list.extend(tail);
        return reply.stream(apply_stream_faults(list, faults));
    }
    let mut steps = vec![Step::Data(head)];
    let mut remaining = shape.deltas;
    if faults.corrupt_crc {
        steps.push(Step::Data(frames::corrupt_crc(&delta)));
        remaining -= 1;
    }
    if faults.stall.is_some() {
        steps.push(Step::Repeat {
            chunk: delta,
            times: remaining,
        });
    } else {
        let (chunk, times, rest) = throughput::batch(&delta, remaining);
        steps.push(Step::Repeat { chunk, times });
        steps.push(Step::Repeat {
            chunk: delta,
            times: rest,
        });
    }
    steps.extend(tail.into_iter().map(Step::Data));
    reply.stream(steps)
}

impl State {
    fn record(
        &self,
        parts: &http::request::Parts,
        routed: Option<&(String, Operation)>,
        principal: Option<&Principal>,
        body: &Bytes,
        status: StatusCode,
    ) {
        let headers = parts
            .headers
            .iter()
            .filter(|(name, _)| *name != header::AUTHORIZATION)
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let entry = RecordedRequest {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            operation: routed.map(|(_, op)| op.name()),
            model_id: routed.map(|(model, _)| model.clone()),
            access_key_id: match principal {
                Some(Principal::SigV4 { access_key_id, .. }) => Some(access_key_id.clone()),
                _ => None,
            },
            region: match principal {
                Some(Principal::SigV4 { region, .. }) => Some(region.clone()),
                _ => None,
            },
            bearer: matches!(principal, Some(Principal::Bearer)),
            headers,
            body: serde_json::from_slice(body).ok(),
            status: status.as_u16(),
        };
        self.push_record(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_decode_the_model_segment() {
        assert_eq!(
            route("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"),
            Some((
                "anthropic.claude-3-haiku-20240307-v1:0".into(),
                Operation::Converse
            ))
        );
        assert_eq!(
            route(
                "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.amazon.nova-pro-v1%3A0/converse-stream"
            ),
            Some((
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0"
                    .into(),
                Operation::ConverseStream
            ))
        );
        assert_eq!(route("/model/a/b/converse"), None);
        assert_eq!(route("/model/x/unknown"), None);
        assert_eq!(route("/models/x/converse"), None);
        assert_eq!(percent_decode("%zz%41"), Some("%zzA".into()));
    }

    #[test]
    fn stream_faults_cut_after_a_few_frames() {
        let frames_in: Vec<Bytes> = (0..10).map(|i| Bytes::from(vec![i; 8])).collect();
        let faults = ActiveFaults {
            stream_exception: Some("throttlingException"),
            ..ActiveFaults::default()
        };
        let steps = apply_stream_faults(frames_in.clone(), &faults);
        assert_eq!(steps.len(), FRAMES_BEFORE_FAULT + 1);
        let faults = ActiveFaults {
            truncate: true,
            ..ActiveFaults::default()
        };
        let steps = apply_stream_faults(frames_in, &faults);
        assert!(matches!(steps.last(), Some(Step::Cut(Cut::Truncate))));
    }
}
