//! `stream_text`, the [`TextStream`] it returns, and [`StreamAccumulator`].

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use futures_util::{FutureExt, StreamExt};
use serde_json::Value;
use tokio::time::{Instant, Sleep};
use tracing::{Instrument, Span};

use crate::cancel::CancellationToken;
use crate::error::Error;
use crate::generate::{GenerateTextResult, Steps, ToolLoop, controlled_until, execute_tools};
use crate::message::{Part, PartKind, ProviderMetadata};
use crate::model::{
    BoxFuture, FinishReason, LanguageModel, ModelResponse, PartStream, StreamPart, Usage,
};
use crate::request::Request;
use crate::telemetry;
use crate::tool::ToolResult;

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
            } => self.finish_with(finish_reason.clone(), *usage, provider_metadata.clone()),
            StreamPart::ToolResult { .. } | StreamPart::StepFinish { .. } => {}
        }
    }

    /// [`push`](Self::push) of a `Finish` part, taking its values instead of copying them.
    pub(crate) fn finish_with(
        &mut self,
        finish_reason: FinishReason,
        usage: Usage,
        provider_metadata: ProviderMetadata,
    ) {
        self.response.finish_reason = finish_reason;
        self.response.usage = usage;
        self.response.provider_metadata = provider_metadata;
        self.finished = true;
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

/// The deadline and cancellation token of a stream once it is open (opening
/// runs under [`controlled_until`] with the same deadline).
///
/// Like `controlled`: cancellation is checked before any work, the deadline
/// when the work is pending.
pub(crate) struct Control {
    cancel: Option<(CancellationToken, BoxFuture<'static, ()>)>,
    deadline: Option<(Pin<Box<Sleep>>, Duration)>,
}

impl Control {
    /// `None` when there is neither a deadline nor a token (nothing to check).
    pub(crate) fn new(
        deadline: Option<(Instant, Duration)>,
        cancel: Option<CancellationToken>,
    ) -> Option<Box<Self>> {
        if deadline.is_none() && cancel.is_none() {
            return None;
        }
        Some(Box::new(Self {
            cancel: cancel.map(|token| {
                let waiter = token.clone();
                let fut: BoxFuture<'static, ()> = Box::pin(async move { waiter.cancelled().await });
                (token, fut)
            }),
            deadline: deadline.map(|(at, d)| (Box::pin(tokio::time::sleep_until(at)), d)),
        }))
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|(t, _)| t.is_cancelled())
    }

    /// Called when the work is pending: registers the task for the token and
    /// the deadline, and returns the error if either has struck.
    pub(crate) fn poll_pending(&mut self, cx: &mut Context<'_>) -> Option<Error> {
        if let Some((_, fut)) = &mut self.cancel
            && fut.as_mut().poll(cx).is_ready()
        {
            return Some(Error::Cancelled);
        }
        if let Some((sleep, d)) = &mut self.deadline
            && sleep.as_mut().poll(cx).is_ready()
        {
            return Some(Error::Timeout { after: Some(*d) });
        }
        None
    }
}

/// Whether `control` (if any) says to stop now.
pub(crate) fn cancelled(control: Option<&Control>) -> bool {
    control.is_some_and(Control::is_cancelled)
}

/// The tool loop's state while the stream runs, with the model when a later
/// step may need it. Boxed: it moves in and out of the (rare) futures that
/// run tools and open the next step's stream.
struct Loop<'a> {
    lp: ToolLoop,
    model: Option<Box<dyn LanguageModel + 'a>>,
}

type Opening<'a> = BoxFuture<'a, (Box<Loop<'a>>, Result<PartStream, Error>)>;
type RunningTools<'a> = BoxFuture<'a, (Box<Loop<'a>>, Vec<ToolResult>)>;

enum Phase<'a> {
    /// Reading the provider's stream (`parts`).
    Streaming,
    /// Starting the stream of a step after the first.
    Opening(Opening<'a>),
    /// Running the tools of a step.
    Tools(RunningTools<'a>),
    /// Over: the outcome is set.
    Done,
}

/// The state machine behind [`TextStream`]: polls the provider's stream
/// directly, folds its parts in place and hands them on, then runs the rest
/// of the tool loop (tools, later steps) when the consumer asks for more.
struct Machine<'a> {
    parts: Option<PartStream>,
    acc: StreamAccumulator,
    /// Ids of the complete tool calls the provider sent in this step.
    complete_calls: Vec<String>,
    /// Parts to yield before doing anything else.
    queue: VecDeque<StreamPart>,
    phase: Phase<'a>,
    /// `None` while moved into the phase's future, or when done.
    lp: Option<Box<Loop<'a>>>,
    control: Option<Box<Control>>,
    step_span: Span,
    /// The steps of a finished loop (assembled into a [`GenerateTextResult`] only
    /// when [`TextStream::finish`] asks), or the error that ended the stream.
    outcome: Option<Box<Result<Steps, Error>>>,
    error_yielded: bool,
}

impl<'a> Machine<'a> {
    fn poll_next(
        &mut self,
        span: &Span,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<StreamPart, Error>>> {
        loop {
            if let Some(p) = self.queue.pop_front() {
                return Poll::Ready(Some(Ok(p)));
            }
            if matches!(self.phase, Phase::Done) {
                return Poll::Ready(self.take_error());
            }
            if cancelled(self.control.as_deref()) {
                self.fail(Error::Cancelled);
                continue;
            }
            match &mut self.phase {
                Phase::Streaming => {
                    let polled = {
                        let _step = self.step_span.enter();
                        match &mut self.parts {
                            Some(parts) => parts.poll_next_unpin(cx),
                            None => Poll::Ready(None),
                        }
                    };
                    match polled {
                        Poll::Ready(Some(Ok(StreamPart::Finish {
                            finish_reason,
                            usage,
                            provider_metadata,
                        }))) => {
                            // Kept, not handed on: the stream's own Finish comes at the end.
                            self.acc
                                .finish_with(finish_reason, usage, provider_metadata);
                        }
                        Poll::Ready(Some(Ok(part))) => {
                            self.acc.push(&part);
                            if let StreamPart::ToolCall { id, .. } = &part {
                                self.complete_calls.push(id.clone());
                            }
                            return Poll::Ready(Some(Ok(part)));
                        }
                        Poll::Ready(Some(Err(e))) => self.fail(e),
                        Poll::Ready(None) => self.end_of_call(span),
                        Poll::Pending => return self.pending(cx),
                    }
                }
                Phase::Opening(fut) => match fut.poll_unpin(cx) {
                    Poll::Ready((lp, Ok(parts))) => {
                        self.lp = Some(lp);
                        self.parts = Some(parts);
                        self.phase = Phase::Streaming;
                    }
                    Poll::Ready((_, Err(e))) => self.fail(e),
                    Poll::Pending => return self.pending(cx),
                },
                Phase::Tools(fut) => match fut.poll_unpin(cx) {
                    Poll::Ready((lp, results)) => {
                        self.lp = Some(lp);
                        self.end_of_step(span, results);
                    }
                    Poll::Pending => return self.pending(cx),
                },
                Phase::Done => {}
            }
        }
    }

    fn pending(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<StreamPart, Error>>> {
        match self.control.as_mut().and_then(|c| c.poll_pending(cx)) {
            Some(e) => {
                self.fail(e);
                Poll::Ready(self.take_error())
            }
            None => Poll::Pending,
        }
    }

    /// Ends the stream with `e`: drops the provider's stream and whatever runs.
    fn fail(&mut self, e: Error) {
        self.parts = None;
        self.phase = Phase::Done;
        self.lp = None;
        self.control = None;
        self.outcome = Some(Box::new(Err(e)));
    }

    /// The error that ended the stream, once.
    fn take_error(&mut self) -> Option<Result<StreamPart, Error>> {
        match self.outcome.as_deref() {
            Some(Err(e)) if !self.error_yielded => {
                self.error_yielded = true;
                Some(Err(e.clone()))
            }
            _ => None,
        }
    }

    /// The provider's stream of this step ended: assemble the response and
    /// run the tools, if any.
    fn end_of_call(&mut self, span: &Span) {
        self.parts = None;
        let response = match std::mem::take(&mut self.acc).finish() {
            Ok(r) => r,
            Err(e) => return self.fail(e),
        };
        // Consumers always get a complete ToolCall part, even from a provider
        // that only streamed the input deltas.
        for p in &response.content {
            if let PartKind::ToolCall { id, name, input } = &p.kind
                && !self.complete_calls.contains(id)
            {
                self.queue.push_back(StreamPart::ToolCall {
                    id: id.clone(),
                    name: name.clone(),
                    input: input.clone(),
                });
            }
        }
        self.complete_calls.clear();
        let Some(mut lp) = self.lp.take() else {
            return self.fail(Error::stream("the tool loop is missing"));
        };
        if lp.lp.response(&self.step_span, response) {
            let step_span = self.step_span.clone();
            self.phase = Phase::Tools(Box::pin(async move {
                let l = &lp.lp;
                let results = execute_tools(&l.tools, l.tool_calls(), l.tool_execution, &l.hooks)
                    .instrument(step_span)
                    .await;
                (lp, results)
            }));
        } else {
            self.lp = Some(lp);
            self.end_of_step(span, Vec::new());
        }
    }

    /// The step's tools (if any) have run: yield their results and the step's
    /// end, then start the next step or end the stream.
    fn end_of_step(&mut self, span: &Span, results: Vec<ToolResult>) {
        let Some(mut lp) = self.lp.take() else {
            return self.fail(Error::stream("the tool loop is missing"));
        };
        self.queue
            .extend(results.iter().map(|r| StreamPart::ToolResult {
                id: r.id.clone(),
                name: r.name.clone(),
                output: r.output.clone(),
                is_error: r.is_error,
            }));
        let (step, go_on) = lp.lp.finish_step(results);
        self.queue.push_back(StreamPart::StepFinish {
            step: step.step,
            finish_reason: step.finish_reason.clone(),
            usage: step.usage,
        });
        if go_on {
            self.step_span = telemetry::step_span(lp.lp.step);
            lp.lp.start_step();
            let step_span = self.step_span.clone();
            self.phase = Phase::Opening(Box::pin(async move {
                let opened = match &lp.model {
                    Some(model) => {
                        let l = &lp.lp;
                        l.retry
                            .run(|_| model.stream(&l.mreq))
                            .instrument(step_span)
                            .await
                    }
                    None => Err(Error::stream("no model for the next step")),
                };
                (lp, opened)
            }));
        } else {
            let steps = lp.lp.take_steps(span);
            let (finish_reason, provider_metadata) = steps
                .last()
                .map(|last| (last.finish_reason.clone(), last.provider_metadata.clone()))
                .unwrap_or_default();
            self.queue.push_back(StreamPart::Finish {
                finish_reason,
                usage: steps.usage(),
                provider_metadata,
            });
            self.phase = Phase::Done;
            self.control = None;
            self.outcome = Some(Box::new(Ok(steps)));
        }
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
/// The stream does its work only while it is polled, and hands each part on
/// as soon as the provider delivers it (no read-ahead). Dropping it cancels
/// the call (the provider's stream is dropped, tools in flight are abandoned).
pub struct TextStream<'a> {
    span: Span,
    machine: Machine<'a>,
}

impl fmt::Debug for TextStream<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextStream")
            .field("running", &!matches!(self.machine.phase, Phase::Done))
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
    pub async fn finish(mut self) -> Result<GenerateTextResult, Error> {
        while self.next().await.is_some() {}
        match self.machine.outcome.take() {
            Some(outcome) => (*outcome).map(Steps::summarize),
            None => Err(Error::stream("the stream has no outcome")),
        }
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

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Self { span, machine } = self.get_mut();
        let _op = span.enter();
        machine.poll_next(span, cx)
    }
}

/// Streams text, running tools in a loop up to `max_steps`.
///
/// Returns once the first model call's stream is open, so errors such as a
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
/// [`Error::Cancelled`] if they strike before its stream is open.
pub fn stream_text<'a, M>(
    model: &'a M,
    request: Request,
) -> impl Future<Output = Result<TextStream<'a>, Error>> + Send + 'a
where
    M: LanguageModel + ?Sized,
{
    // Compiled once, in goai-core, for `dyn LanguageModel`: the caller's crate only polls a
    // boxed future made here (an async body is compiled in the crate that polls it, so an
    // unboxed one would be compiled again in every caller).
    stream_text_boxed(Box::new(model), Box::new(request))
}

/// [`stream_text_dyn`], boxed in goai-core.
fn stream_text_boxed<'a>(
    model: Box<dyn LanguageModel + 'a>,
    request: Box<Request>,
) -> BoxFuture<'a, Result<TextStream<'a>, Error>> {
    Box::pin(stream_text_dyn(model, request))
}

/// [`stream_text`] for any model, behind one vtable.
///
/// The request comes boxed: an `async fn` keeps its arguments in its state next to the
/// locals they are moved into, which would hold the request twice, in every stream being
/// opened. Nothing happens until the first poll: the span opens under the span current then,
/// and the timeout counts from then.
async fn stream_text_dyn<'a>(
    model: Box<dyn LanguageModel + 'a>,
    request: Box<Request>,
) -> Result<TextStream<'a>, Error> {
    open_text_stream(model, *request).await
}

/// The body of [`stream_text_dyn`], run at its first poll. Not an `async fn`, so that the
/// request is taken apart before the future is built (no second copy in its state).
fn open_text_stream<'a>(
    model: Box<dyn LanguageModel + 'a>,
    request: Request,
) -> impl Future<Output = Result<TextStream<'a>, Error>> + Send + 'a {
    let span = telemetry::operation_span(
        "chat",
        model.provider(),
        model.model_id(),
        Some(&request.model),
    );
    let (mut lp, timeout, cancel) = ToolLoop::new(request);
    let deadline = timeout.map(|d| (Instant::now() + d, d));
    let step_span = span.in_scope(|| telemetry::step_span(0));
    async move {
        let open = async {
            lp.start_step();
            lp.retry
                .run(|_| model.stream(&lp.mreq))
                .instrument(step_span.clone())
                .await
        };
        let parts = controlled_until(open, deadline, cancel.as_ref())
            .instrument(span.clone())
            .await?;
        let model: Option<Box<dyn LanguageModel + 'a>> = if lp.may_continue() {
            Some(model)
        } else {
            lp.drop_request();
            None
        };
        Ok(TextStream {
            span,
            machine: Machine {
                parts: Some(parts),
                acc: StreamAccumulator::new(),
                complete_calls: Vec::new(),
                queue: VecDeque::new(),
                phase: Phase::Streaming,
                lp: Some(Box::new(Loop { lp, model })),
                control: Control::new(deadline, cancel),
                step_span,
                outcome: None,
                error_yielded: false,
            },
        })
    }
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
