//! `stream_text`, the [`TextStream`] it returns, and [`StreamAccumulator`].

use std::collections::HashMap;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::{FutureExt, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;
use tracing::Instrument;

use crate::error::Error;
use crate::generate::{GenerateTextResult, controlled, run_loop};
use crate::message::{Part, PartKind};
use crate::model::{BoxFuture, LanguageModel, ModelResponse, StreamPart};
use crate::request::Request;
use crate::telemetry;

/// Folds a provider's [`StreamPart`]s into a [`ModelResponse`].
///
/// Consecutive text deltas become one text part, reasoning deltas one
/// reasoning part (with its signature), and tool calls are taken from the
/// complete [`StreamPart::ToolCall`] or, if a provider only sent deltas, from
/// the concatenated deltas.
///
/// # Examples
///
/// ```
/// use goai_core::{FinishKind, FinishReason, StreamAccumulator, StreamPart, Usage};
/// let mut acc = StreamAccumulator::new();
/// acc.push(&StreamPart::TextDelta { text: "Hel".into() });
/// acc.push(&StreamPart::TextDelta { text: "lo".into() });
/// acc.push(&StreamPart::Finish {
///     finish_reason: FinishReason::new(FinishKind::Stop, "end_turn"),
///     usage: Usage::new(1, 2),
///     provider_metadata: Default::default(),
/// });
/// let res = acc.finish()?;
/// assert_eq!(res.content[0].as_text(), Some("Hello"));
/// # Ok::<_, goai_core::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct StreamAccumulator {
    response: ModelResponse,
    pending_tools: HashMap<String, (usize, String)>,
    finished: bool,
}

impl StreamAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one part.
    pub fn push(&mut self, part: &StreamPart) {
        let content = &mut self.response.content;
        match part {
            StreamPart::ResponseMetadata(m) => self.response.metadata = m.clone(),
            StreamPart::Warnings(w) => self.response.warnings.extend(w.iter().cloned()),
            StreamPart::TextDelta { text } => match content.last_mut().map(|p| &mut p.kind) {
                Some(PartKind::Text { text: t }) => t.push_str(text),
                _ => content.push(Part::text(text.clone())),
            },
            StreamPart::ReasoningDelta { text, signature } => {
                match content.last_mut().map(|p| &mut p.kind) {
                    Some(PartKind::Reasoning {
                        text: t,
                        signature: s,
                    }) if s.is_none() => {
                        t.push_str(text);
                        s.clone_from(signature);
                    }
                    _ => content.push(Part::reasoning(text.clone(), signature.clone())),
                }
            }
            StreamPart::ReasoningSignature { signature } => {
                match content
                    .iter_mut()
                    .rev()
                    .find(|p| matches!(p.kind, PartKind::Reasoning { .. }))
                    .map(|p| &mut p.kind)
                {
                    Some(PartKind::Reasoning { signature: s, .. }) => *s = Some(signature.clone()),
                    _ => content.push(Part::reasoning("", Some(signature.clone()))),
                }
            }
            StreamPart::RedactedReasoning { data } => {
                content.push(Part::redacted_reasoning(data.clone()))
            }
            StreamPart::ToolCallStart { id, name } => {
                content.push(Part::tool_call(id.clone(), name.clone(), Value::Null));
                self.pending_tools
                    .insert(id.clone(), (content.len() - 1, String::new()));
            }
            StreamPart::ToolCallDelta { id, input_delta } => {
                if let Some((_, buf)) = self.pending_tools.get_mut(id) {
                    buf.push_str(input_delta);
                }
            }
            StreamPart::ToolCall { id, name, input } => match self.pending_tools.remove(id) {
                Some((idx, _)) => {
                    if let Some(p) = content.get_mut(idx) {
                        p.kind = PartKind::ToolCall {
                            id: id.clone(),
                            name: name.clone(),
                            input: input.clone(),
                        };
                    }
                }
                None => content.push(Part::tool_call(id.clone(), name.clone(), input.clone())),
            },
            StreamPart::Finish {
                finish_reason,
                usage,
                provider_metadata,
            } => {
                self.response.finish_reason = finish_reason.clone();
                self.response.usage = *usage;
                self.response.provider_metadata = provider_metadata.clone();
                self.finished = true;
            }
            StreamPart::ToolResult { .. } | StreamPart::StepFinish { .. } => {}
        }
    }

    /// The assembled response.
    ///
    /// # Errors
    ///
    /// [`Error::Stream`] when no [`StreamPart::Finish`] was pushed (a
    /// truncated stream).
    pub fn finish(mut self) -> Result<ModelResponse, Error> {
        if !self.finished {
            return Err(Error::stream("the stream ended before its finish part"));
        }
        for (_, (idx, buf)) in self.pending_tools.drain() {
            if let Some(PartKind::ToolCall { input, .. }) =
                self.response.content.get_mut(idx).map(|p| &mut p.kind)
            {
                *input = if buf.trim().is_empty() {
                    Value::Object(serde_json::Map::new())
                } else {
                    serde_json::from_str(&buf).unwrap_or(Value::String(buf))
                };
            }
        }
        Ok(self.response)
    }
}

/// A stream fed by a driver future through a channel, without spawning: the
/// driver runs only while the stream is polled, and dropping the stream drops
/// the driver.
pub(crate) struct Driven<'a, I, O> {
    driver: Option<BoxFuture<'a, Result<O, Error>>>,
    rx: mpsc::Receiver<I>,
    peeked: Option<I>,
    outcome: Option<Result<O, Error>>,
    error_yielded: bool,
}

impl<'a, I, O> Driven<'a, I, O> {
    pub(crate) fn new(driver: BoxFuture<'a, Result<O, Error>>, rx: mpsc::Receiver<I>) -> Self {
        Self {
            driver: Some(driver),
            rx,
            peeked: None,
            outcome: None,
            error_yielded: false,
        }
    }

    /// Runs the driver until the first item (kept for the consumer) or its end.
    pub(crate) async fn start(mut self) -> Result<Self, Error> {
        match self.next().await {
            Some(Ok(p)) => self.peeked = Some(p),
            Some(Err(e)) => return Err(e),
            None => {}
        }
        Ok(self)
    }

    pub(crate) async fn finish(mut self) -> Result<O, Error> {
        while self.next().await.is_some() {}
        self.outcome
            .take()
            .unwrap_or_else(|| Err(Error::stream("the stream has no outcome")))
    }

    fn running(&self) -> bool {
        self.driver.is_some()
    }
}

// No field is structurally pinned: the driver is already boxed.
impl<I, O> Unpin for Driven<'_, I, O> {}

impl<I, O> Stream for Driven<'_, I, O> {
    type Item = Result<I, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(p) = this.peeked.take() {
            return Poll::Ready(Some(Ok(p)));
        }
        loop {
            if let Poll::Ready(Some(p)) = this.rx.poll_recv(cx) {
                return Poll::Ready(Some(Ok(p)));
            }
            let Some(driver) = this.driver.as_mut() else {
                break;
            };
            match driver.poll_unpin(cx) {
                Poll::Ready(outcome) => {
                    this.driver = None;
                    this.outcome = Some(outcome);
                }
                Poll::Pending => {
                    return match this.rx.poll_recv(cx) {
                        Poll::Ready(Some(p)) => Poll::Ready(Some(Ok(p))),
                        _ => Poll::Pending,
                    };
                }
            }
        }
        if !this.error_yielded
            && let Some(Err(e)) = &this.outcome
        {
            this.error_yielded = true;
            return Poll::Ready(Some(Err(e.clone())));
        }
        Poll::Ready(None)
    }
}

/// The stream returned by [`stream_text`]: a `Stream` of
/// `Result<StreamPart, Error>` over every step of the tool loop.
///
/// Parts: the provider's parts (without its per-call `Finish`), then
/// [`StreamPart::ToolResult`] for each executed tool and
/// [`StreamPart::StepFinish`] per step, and one final [`StreamPart::Finish`]
/// with the usage of all steps. A failure is yielded once as an `Err` item and
/// ends the stream.
///
/// The stream does its work only while it is polled. Dropping it cancels the
/// call (the provider's stream is dropped, tools in flight are abandoned).
pub struct TextStream<'a> {
    inner: Driven<'a, StreamPart, GenerateTextResult>,
}

impl fmt::Debug for TextStream<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextStream")
            .field("running", &self.inner.running())
            .finish_non_exhaustive()
    }
}

impl<'a> TextStream<'a> {
    /// Consumes the rest of the stream and returns the summary (text, usage,
    /// finish reason, steps, ...).
    ///
    /// # Errors
    ///
    /// The error that ended the stream, if any.
    pub async fn finish(self) -> Result<GenerateTextResult, Error> {
        self.inner.finish().await
    }

    /// Only the text deltas.
    pub fn text_stream(self) -> impl Stream<Item = Result<String, Error>> + Send + 'a {
        self.filter_map(|item| {
            futures_util::future::ready(match item {
                Ok(StreamPart::TextDelta { text }) => Some(Ok(text)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
        })
    }
}

impl Stream for TextStream<'_> {
    type Item = Result<StreamPart, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

/// Streams text, running tools in a loop up to `max_steps`.
///
/// The first model call is started before this returns, so errors such as a
/// rejected request or exhausted retries surface here. Only starting a call
/// is retried; a stream that breaks midway yields the error.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "testing")] {
/// use futures_util::StreamExt;
/// use goai_core::{stream_text, Request, StreamPart, testing::MockLanguageModel};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let model = MockLanguageModel::new().with_text("Hello there");
/// let mut stream = stream_text(&model, Request::prompt("Hi")).await?;
/// while let Some(part) = stream.next().await {
///     if let StreamPart::TextDelta { text } = part? {
///         print!("{text}");
///     }
/// }
/// # Ok::<_, goai_core::Error>(()) }).unwrap();
/// # }
/// ```
///
/// # Errors
///
/// The first call's error (after retries), [`Error::Timeout`] or
/// [`Error::Cancelled`] if they strike before the first part.
pub async fn stream_text<'a, M>(model: &'a M, request: Request) -> Result<TextStream<'a>, Error>
where
    M: LanguageModel + ?Sized,
{
    let span = telemetry::operation_span(
        "chat",
        model.provider(),
        model.model_id(),
        Some(&request.model),
    );
    let (tx, rx) = mpsc::channel(64);
    let (timeout, cancel) = (request.timeout, request.cancel.clone());
    let fut = run_loop(model, request, Some(tx), span.clone());
    let driver = controlled(fut, timeout, cancel).instrument(span).boxed();
    Ok(TextStream {
        inner: Driven::new(driver, rx).start().await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FinishKind, FinishReason, Usage};
    use serde_json::json;

    fn finish() -> StreamPart {
        StreamPart::Finish {
            finish_reason: FinishReason::new(FinishKind::ToolCalls, "tool_use"),
            usage: Usage::new(1, 1),
            provider_metadata: crate::ProviderMetadata::new(),
        }
    }

    #[test]
    fn interleaved_tool_deltas_are_keyed_by_id() {
        let mut acc = StreamAccumulator::new();
        let delta = |id: &str, d: &str| StreamPart::ToolCallDelta {
            id: id.into(),
            input_delta: d.into(),
        };
        acc.push(&StreamPart::TextDelta {
            text: "calling".into(),
        });
        acc.push(&StreamPart::ToolCallStart {
            id: "a".into(),
            name: "f".into(),
        });
        acc.push(&StreamPart::ToolCallStart {
            id: "b".into(),
            name: "g".into(),
        });
        acc.push(&delta("b", "{\"y\":"));
        acc.push(&delta("a", "{\"x\":"));
        acc.push(&delta("a", "1}"));
        acc.push(&delta("b", "2}"));
        acc.push(&StreamPart::ToolCallStart {
            id: "c".into(),
            name: "h".into(),
        });
        acc.push(&finish());
        let res = acc.finish().unwrap();
        let calls: Vec<_> = res
            .content
            .iter()
            .filter_map(|p| match &p.kind {
                PartKind::ToolCall { id, input, .. } => Some((id.as_str(), input.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            calls,
            vec![
                ("a", json!({"x": 1})),
                ("b", json!({"y": 2})),
                ("c", json!({}))
            ]
        );
        assert_eq!(res.content[0].as_text(), Some("calling"));
    }

    #[test]
    fn complete_tool_call_wins_and_reasoning_blocks_stay_separate() {
        let mut acc = StreamAccumulator::new();
        acc.push(&StreamPart::ReasoningDelta {
            text: "one".into(),
            signature: None,
        });
        acc.push(&StreamPart::ReasoningSignature {
            signature: "s1".into(),
        });
        acc.push(&StreamPart::ReasoningDelta {
            text: "two".into(),
            signature: None,
        });
        acc.push(&StreamPart::ToolCallStart {
            id: "a".into(),
            name: "f".into(),
        });
        acc.push(&StreamPart::ToolCallDelta {
            id: "a".into(),
            input_delta: "{bro".into(),
        });
        acc.push(&StreamPart::ToolCall {
            id: "a".into(),
            name: "f".into(),
            input: json!({"ok": true}),
        });
        acc.push(&finish());
        let res = acc.finish().unwrap();
        assert_eq!(res.content[0], Part::reasoning("one", Some("s1".into())));
        assert_eq!(res.content[1], Part::reasoning("two", None));
        assert_eq!(
            res.content[2],
            Part::tool_call("a", "f", json!({"ok": true}))
        );
    }
}
