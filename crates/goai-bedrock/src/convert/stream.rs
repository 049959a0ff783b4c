//! ConverseStream events to goai-core stream parts.

use std::collections::BTreeMap;
use std::sync::Arc;

use converse_types::{
    ContentBlockDelta, ContentBlockStart, ConverseStreamEvent, ConverseStreamMetadataEvent,
    MessageStopEvent, ReasoningContentBlockDelta, ToJsonValue,
};
use goai_core::{Error, ModelRequest, StreamPart, Warning};
use serde_json::Value;

use super::media::to_base64;
use super::response::{BedrockMetadata, finish_reason, json_tool_text, map_usage};
use super::{JSON_TOOL_NAME, JsonTool, Plan, RequestSettings};

/// Where [`StreamMapper`] puts the parts it produces.
pub(crate) trait PartSink {
    fn push_part(&mut self, part: StreamPart);
}

impl PartSink for Vec<StreamPart> {
    fn push_part(&mut self, part: StreamPart) {
        self.push(part);
    }
}

/// A tool call being streamed.
#[derive(Debug)]
struct ToolBlock {
    id: String,
    name: String,
    input: String,
    /// The structured-output tool: its input is streamed as text.
    json: bool,
}

/// Maps ConverseStream events to goai-core [`StreamPart`]s.
///
/// Tool calls are keyed by `contentBlockIndex`, so interleaved parallel calls
/// are assembled correctly: each gives [`StreamPart::ToolCallStart`], one
/// [`StreamPart::ToolCallDelta`] per input fragment and, at its
/// `contentBlockStop`, a [`StreamPart::ToolCall`] with the parsed input. Text
/// gives [`StreamPart::TextDelta`]; reasoning gives
/// [`StreamPart::ReasoningDelta`], [`StreamPart::ReasoningSignature`] and
/// [`StreamPart::RedactedReasoning`] (base64). Citations are collected into the
/// finish part's provider metadata. [`StreamPart::Finish`] comes once both
/// `messageStop` and `metadata` have arrived.
///
/// Tool input that is not valid JSON is an error, returned by
/// [`finish`](Self::finish) (no `Finish` part is produced then); so is a
/// stream without `messageStop` or `metadata`.
#[derive(Debug)]
pub struct StreamMapper {
    json_tool: Option<JsonTool>,
    warnings: Option<Vec<Warning>>,
    tools: BTreeMap<u32, ToolBlock>,
    stop: Option<MessageStopEvent>,
    metadata: Option<ConverseStreamMetadataEvent>,
    meta: BedrockMetadata,
    json_called: bool,
    other_calls: bool,
    finished: bool,
    error: Option<Error>,
}

impl StreamMapper {
    /// A mapper for the ConverseStream answer to `req`.
    pub fn new(req: &ModelRequest, s: &RequestSettings) -> Self {
        // The request was built from the same inputs, so the plan does not fail
        // here; if it did, the stream is mapped without structured output.
        let (json_tool, warnings) = match Plan::new(req, s) {
            Ok(plan) => (plan.json_tool, plan.warnings),
            Err(_) => (None, Vec::new()),
        };
        Self::with(json_tool, warnings)
    }

    pub(crate) fn with(json_tool: Option<JsonTool>, warnings: Vec<Warning>) -> Self {
        Self {
            json_tool,
            warnings: (!warnings.is_empty()).then_some(warnings),
            tools: BTreeMap::new(),
            stop: None,
            metadata: None,
            meta: BedrockMetadata::default(),
            json_called: false,
            other_calls: false,
            finished: false,
            error: None,
        }
    }

    fn fail(&mut self, message: String, source: Option<serde_json::Error>) {
        if self.error.is_none() {
            self.error = Some(Error::Stream {
                message,
                retryable: false,
                source: source.map(|e| Arc::new(e) as goai_core::BoxError),
            });
        }
    }

    /// Completes the tool call of `block` (at its `contentBlockStop`).
    fn complete(&mut self, block: ToolBlock, out: &mut impl PartSink) {
        if block.json {
            // Its input already went out as text deltas.
            return;
        }
        let raw = block.input.trim();
        let input = if raw.is_empty() {
            Ok(Value::Object(serde_json::Map::new()))
        } else {
            serde_json::from_str::<Value>(raw)
        };
        match input {
            Ok(input) => out.push_part(StreamPart::ToolCall {
                id: block.id,
                name: block.name,
                input,
            }),
            Err(e) => self.fail(
                format!(
                    "the input of tool call `{}` ({}) is not valid JSON: {e}",
                    block.name, block.id
                ),
                Some(e),
            ),
        }
    }

    /// Maps one event to the stream parts it produces (possibly none).
    ///
    /// [`StreamPart::Finish`] is produced once both `messageStop` and
    /// `metadata` have arrived, unless the stream carried an error (then
    /// [`finish`](Self::finish) returns it). Events after that are ignored.
    pub fn on_event(&mut self, ev: ConverseStreamEvent) -> Vec<StreamPart> {
        let mut out = Vec::new();
        self.map_event(ev, &mut out);
        out
    }

    /// [`on_event`](Self::on_event), into `out` instead of a new `Vec`.
    pub(crate) fn map_event(&mut self, ev: ConverseStreamEvent, out: &mut impl PartSink) {
        if self.finished {
            return;
        }
        if let Some(w) = self.warnings.take() {
            out.push_part(StreamPart::Warnings(w));
        }
        match ev {
            ConverseStreamEvent::MessageStart(_) => {}
            ConverseStreamEvent::ContentBlockStart(e) => {
                if let ContentBlockStart::ToolUse(t) = e.start {
                    let json = self.json_tool.is_some() && t.name == JSON_TOOL_NAME;
                    if json {
                        self.json_called = true;
                    } else {
                        self.other_calls = true;
                        out.push_part(StreamPart::ToolCallStart {
                            id: t.tool_use_id.clone(),
                            name: t.name.clone(),
                        });
                    }
                    self.tools.insert(
                        e.content_block_index,
                        ToolBlock {
                            id: t.tool_use_id,
                            name: t.name,
                            input: String::new(),
                            json,
                        },
                    );
                }
            }
            ConverseStreamEvent::ContentBlockDelta(e) => match e.delta {
                ContentBlockDelta::Text(text) => {
                    if !text.is_empty() {
                        out.push_part(StreamPart::TextDelta { text });
                    }
                }
                ContentBlockDelta::ToolUse(d) => match self.tools.get_mut(&e.content_block_index) {
                    Some(block) => {
                        block.input.push_str(&d.input);
                        if block.json {
                            // Non-object schemas are wrapped; the text is only
                            // known once the input is complete.
                            if self.json_tool.is_some_and(|t| !t.wrapped) && !d.input.is_empty() {
                                out.push_part(StreamPart::TextDelta { text: d.input });
                            }
                        } else if !d.input.is_empty() {
                            out.push_part(StreamPart::ToolCallDelta {
                                id: block.id.clone(),
                                input_delta: d.input,
                            });
                        }
                    }
                    None => self.fail(
                        format!(
                            "tool input for content block {} arrived without its contentBlockStart",
                            e.content_block_index
                        ),
                        None,
                    ),
                },
                ContentBlockDelta::ReasoningContent(r) => match r {
                    ReasoningContentBlockDelta::Text(text) => {
                        out.push_part(StreamPart::ReasoningDelta {
                            text,
                            signature: None,
                        });
                    }
                    ReasoningContentBlockDelta::Signature(signature) => {
                        out.push_part(StreamPart::ReasoningSignature { signature });
                    }
                    ReasoningContentBlockDelta::RedactedContent(b) => {
                        out.push_part(StreamPart::RedactedReasoning {
                            data: to_base64(&b),
                        });
                    }
                    other => tracing::debug!(
                        member = other.member_name(),
                        "ignoring an unknown reasoning delta"
                    ),
                },
                ContentBlockDelta::Citation(c) => {
                    self.meta.add_citation(c.to_json_value());
                }
                other => tracing::debug!(
                    member = other.member_name(),
                    "ignoring a content block delta with no goai-core counterpart"
                ),
            },
            ConverseStreamEvent::ContentBlockStop(e) => {
                if let Some(block) = self.tools.remove(&e.content_block_index) {
                    if block.json
                        && let Some(tool) = self.json_tool
                        && tool.wrapped
                    {
                        match serde_json::from_str::<Value>(block.input.trim()) {
                            Ok(v) => out.push_part(StreamPart::TextDelta {
                                text: json_tool_text(tool, v),
                            }),
                            Err(e) => self.fail(
                                format!("the structured output is not valid JSON: {e}"),
                                Some(e),
                            ),
                        }
                    }
                    self.complete(block, out);
                }
            }
            ConverseStreamEvent::MessageStop(e) => self.stop = Some(e),
            ConverseStreamEvent::Metadata(e) => self.metadata = Some(e),
            other => tracing::debug!(
                event = other.member_name(),
                "ignoring an unknown ConverseStream event"
            ),
        }
        if self.stop.is_some() && self.metadata.is_some() {
            self.emit_finish(out);
        }
    }

    fn emit_finish(&mut self, out: &mut impl PartSink) {
        self.finished = true;
        // Tool blocks the stream never closed are completed now.
        let open = std::mem::take(&mut self.tools);
        for (_, block) in open {
            self.complete(block, out);
        }
        if self.error.is_some() {
            return;
        }
        let (Some(stop), Some(md)) = (self.stop.take(), self.metadata.take()) else {
            return;
        };
        let mut meta = std::mem::take(&mut self.meta);
        meta.set_call_summary(
            &md.usage,
            md.metrics.latency_ms,
            md.trace.as_ref(),
            md.service_tier.as_ref(),
            md.performance_config.as_ref(),
            stop.additional_model_response_fields.as_ref(),
        );
        out.push_part(StreamPart::Finish {
            finish_reason: finish_reason(&stop.stop_reason, self.json_called, self.other_calls),
            usage: map_usage(&md.usage),
            provider_metadata: meta.into_provider_metadata(),
        });
    }

    /// Ends the stream.
    ///
    /// Returns the parts still owed (none when [`StreamPart::Finish`] was
    /// already produced).
    ///
    /// # Errors
    ///
    /// [`Error::Stream`] when a tool call's input was not valid JSON or a tool
    /// input fragment came without its block start (not retryable), or when
    /// the stream ended before both `messageStop` and `metadata` arrived
    /// (retryable).
    pub fn finish(mut self) -> Result<Vec<StreamPart>, Error> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if self.finished {
            return Ok(Vec::new());
        }
        let missing = match (self.stop.is_some(), self.metadata.is_some()) {
            (false, false) => "messageStop and metadata",
            (false, true) => "messageStop",
            _ => "metadata",
        };
        Err(Error::Stream {
            message: format!("the ConverseStream response ended without {missing}"),
            retryable: true,
            source: None,
        })
    }
}
