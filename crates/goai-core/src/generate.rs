//! `generate_text` and the multi-step tool loop shared with `stream_text`.

use std::future::Future;

use serde::{Deserialize, Serialize};
use tracing::Instrument;

use crate::cancel::CancellationToken;
use crate::error::Error;
use crate::hooks::Hooks;
use crate::message::{Message, Part, PartKind, ProviderMetadata, Role};
use crate::model::{
    BoxFuture, FinishReason, LanguageModel, ModelRequest, ModelResponse, ResponseMetadata, Usage,
    Warning,
};
use crate::request::{Request, StopCondition, TelemetrySettings, ToolExecution};
use crate::retry::RetryPolicy;
use crate::telemetry;
use crate::tool::{Tool, ToolCall, ToolResult};

/// One step of the tool loop: a model call and the tools it triggered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StepResult {
    /// The step index, from 0.
    pub step: usize,
    /// The assistant content of this step (text, reasoning, tool calls), in order.
    pub content: Vec<Part>,
    /// The text of this step.
    pub text: String,
    /// The reasoning text of this step.
    pub reasoning: String,
    /// The tool calls the model made in this step.
    pub tool_calls: Vec<ToolCall>,
    /// The results of those calls (empty when no tools are registered).
    pub tool_results: Vec<ToolResult>,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// Usage of this step's model call.
    pub usage: Usage,
    /// Response metadata.
    pub metadata: ResponseMetadata,
    /// Provider metadata.
    pub provider_metadata: ProviderMetadata,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// The result of [`generate_text`], and the summary of a
/// [`TextStream`](crate::TextStream).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GenerateTextResult {
    /// The text of the last step.
    pub text: String,
    /// The reasoning text of the last step.
    pub reasoning: String,
    /// The content of the last step.
    pub content: Vec<Part>,
    /// Every tool call, over all steps.
    pub tool_calls: Vec<ToolCall>,
    /// Every tool result, over all steps.
    pub tool_results: Vec<ToolResult>,
    /// The finish reason of the last step.
    pub finish_reason: FinishReason,
    /// Usage summed over all steps.
    pub usage: Usage,
    /// Metadata of the last response.
    pub metadata: ResponseMetadata,
    /// Provider metadata of the last response.
    pub provider_metadata: ProviderMetadata,
    /// Warnings of all steps.
    pub warnings: Vec<Warning>,
    /// Every step.
    pub steps: Vec<StepResult>,
    /// The assistant and tool messages produced, to append to a conversation
    /// (reasoning parts included).
    pub messages: Vec<Message>,
}

/// Generates text, running tools in a loop up to `max_steps`.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "testing")] {
/// use goai_core::{generate_text, Request, testing::MockLanguageModel};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let model = MockLanguageModel::new().with_text("Traits define shared behaviour.");
/// let out = generate_text(&model, Request::prompt("Explain Rust traits").max_tokens(512)).await?;
/// assert_eq!(out.text, "Traits define shared behaviour.");
/// # Ok::<_, goai_core::Error>(()) }).unwrap();
/// # }
/// ```
///
/// # Errors
///
/// The model's error after retries ([`Error::RetriesExhausted`] when more than
/// one attempt failed), [`Error::Timeout`], [`Error::Cancelled`]. Tool failures
/// are not errors: they go back to the model as error results.
pub fn generate_text<'a, M>(
    model: &'a M,
    request: Request,
) -> impl Future<Output = Result<GenerateTextResult, Error>> + Send + 'a
where
    M: LanguageModel + ?Sized,
{
    // The loop is compiled once, in goai-core, for `dyn LanguageModel`: the caller's crate
    // only polls a boxed future made here (an async body is compiled in the crate that polls
    // it, so an unboxed one would be compiled again in every caller).
    generate_text_boxed(Box::new(model), Box::new(request))
}

/// [`generate_text_dyn`], boxed in goai-core.
fn generate_text_boxed<'a>(
    model: Box<dyn LanguageModel + 'a>,
    request: Box<Request>,
) -> BoxFuture<'a, Result<GenerateTextResult, Error>> {
    Box::pin(generate_text_dyn(model, request))
}

/// [`generate_text`] for any model, behind one vtable.
///
/// The request comes boxed: an `async fn` keeps its arguments in its state next to the
/// locals they are moved into, which would hold the request twice. Nothing happens until the
/// first poll: the span opens under the span current then, and the timeout counts from then.
async fn generate_text_dyn<'a>(
    model: Box<dyn LanguageModel + 'a>,
    request: Box<Request>,
) -> Result<GenerateTextResult, Error> {
    let span = telemetry::operation_span(
        "chat",
        model.provider(),
        model.model_id(),
        Some(&request.model),
    );
    let (lp, timeout, cancel) = ToolLoop::new(*request);
    let fut = run_loop(model, lp, span.clone());
    controlled(fut, timeout, cancel).instrument(span).await
}

/// Runs `fut` under an optional deadline (counted from this call, which must be made inside a
/// Tokio runtime when there is a deadline) and cancellation token.
pub(crate) fn controlled<'f, T, F>(
    fut: F,
    timeout: Option<std::time::Duration>,
    cancel: Option<CancellationToken>,
) -> impl Future<Output = Result<T, Error>> + 'f
where
    F: Future<Output = Result<T, Error>> + 'f,
    T: 'f,
{
    use futures_util::future::Either;
    let deadline = timeout.map(|d| (tokio::time::Instant::now() + d, d));
    let timed = timed(fut, deadline);
    match cancel {
        Some(token) => Either::Left(Box::pin(race_cancel(token, timed))),
        None => Either::Right(timed),
    }
}

/// [`controlled`] with the deadline (and the timeout it came from) given.
///
/// Not an `async fn`: that would keep `fut` in its state twice (as the argument and inside
/// the timeout). Without a cancellation token the future is `fut` plus a timer; with one,
/// the race against the token is boxed, so that callers without a token do not pay for it.
pub(crate) fn controlled_until<'c, T, F>(
    fut: F,
    deadline: Option<(tokio::time::Instant, std::time::Duration)>,
    cancel: Option<&'c CancellationToken>,
) -> impl Future<Output = Result<T, Error>> + 'c
where
    F: Future<Output = Result<T, Error>> + 'c,
    T: 'c,
{
    use futures_util::future::Either;
    let timed = timed(fut, deadline);
    match cancel {
        Some(token) => Either::Left(Box::pin(race_cancel(token, timed))),
        None => Either::Right(timed),
    }
}

/// `fut` bounded by `deadline`, failing with [`Error::Timeout`] naming the timeout.
fn timed<T, F>(
    fut: F,
    deadline: Option<(tokio::time::Instant, std::time::Duration)>,
) -> impl Future<Output = Result<T, Error>>
where
    F: Future<Output = Result<T, Error>>,
{
    use futures_util::future::{Either, FutureExt};
    match deadline {
        Some((at, d)) => Either::Left(
            tokio::time::timeout_at(at, fut)
                .map(move |r| r.unwrap_or_else(|_| Err(Error::Timeout { after: Some(d) }))),
        ),
        None => Either::Right(fut),
    }
}

/// `fut`, unless `token` (owned or borrowed) is cancelled first ([`Error::Cancelled`];
/// checked first when both are ready).
async fn race_cancel<T>(
    token: impl std::borrow::Borrow<CancellationToken>,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::select! {
        biased;
        () = token.borrow().cancelled() => Err(Error::Cancelled),
        r = fut => r,
    }
}

/// The state of the tool loop shared by `generate_text` and `stream_text`:
/// the request as it grows, the steps so far, and the hooks and settings.
/// The model calls and tool executions are made by the caller.
pub(crate) struct ToolLoop {
    pub(crate) mreq: ModelRequest,
    pub(crate) tools: Vec<Tool>,
    max_steps: usize,
    stop_when: Vec<StopCondition>,
    pub(crate) tool_execution: ToolExecution,
    pub(crate) retry: RetryPolicy,
    pub(crate) hooks: Hooks,
    tel: TelemetrySettings,
    /// The index of the current step.
    pub(crate) step: usize,
    steps: Vec<StepResult>,
    messages: Vec<Message>,
    usage: Usage,
    /// The current step once its response is in, waiting for tool results.
    current: Option<StepResult>,
}

impl ToolLoop {
    /// Takes the request apart; returns the loop, the timeout and the token.
    pub(crate) fn new(
        request: Request,
    ) -> (Self, Option<std::time::Duration>, Option<CancellationToken>) {
        let Request {
            model: mut mreq,
            tools,
            max_steps,
            stop_when,
            tool_execution,
            retry,
            timeout,
            cancel,
            hooks,
            telemetry,
        } = request;
        mreq.tools
            .extend(tools.iter().map(|t| t.definition().clone()));
        let lp = Self {
            mreq,
            tools,
            max_steps: max_steps.max(1),
            stop_when,
            tool_execution,
            retry,
            hooks,
            tel: telemetry,
            step: 0,
            steps: Vec::new(),
            messages: Vec::new(),
            usage: Usage::default(),
            current: None,
        };
        (lp, timeout, cancel)
    }

    /// Whether a step after the first can happen (tools that may produce
    /// results, and room for another step): only then is the request needed
    /// after the first call.
    pub(crate) fn may_continue(&self) -> bool {
        !self.tools.is_empty() && self.max_steps > 1
    }

    /// Forgets the request (after the last call is started).
    pub(crate) fn drop_request(&mut self) {
        self.mreq = ModelRequest::default();
    }

    /// Runs the request hooks and records the input, before a step's call.
    pub(crate) fn start_step(&self) {
        self.hooks.request(&self.mreq);
        telemetry::record_input(self.tel.record_content, &self.mreq);
    }

    /// Takes in the step's response. Returns true when tools are to be run
    /// for its calls ([`Self::tool_calls`]), then [`Self::finish_step`].
    pub(crate) fn response(&mut self, step_span: &tracing::Span, response: ModelResponse) -> bool {
        telemetry::record_response(
            step_span,
            &response.metadata,
            &response.finish_reason,
            &response.usage,
        );
        telemetry::record_output(self.tel.record_content, &response.content);
        self.hooks.response(&response);
        let ModelResponse {
            content,
            finish_reason,
            usage: step_usage,
            metadata,
            provider_metadata,
            warnings,
        } = response;
        self.usage += step_usage;
        let tool_calls: Vec<ToolCall> = content
            .iter()
            .filter_map(|p| match &p.kind {
                PartKind::ToolCall { id, name, input } => {
                    Some(ToolCall::new(id.clone(), name.clone(), input.clone()))
                }
                _ => None,
            })
            .collect();
        let assistant = Message::new(Role::Assistant, content.clone());
        let run_tools = !tool_calls.is_empty() && !self.tools.is_empty();
        if run_tools && self.step + 1 < self.max_steps {
            self.mreq.messages.push(assistant.clone());
        }
        self.messages.push(assistant);
        self.current = Some(StepResult {
            step: self.step,
            text: text_of(&content),
            reasoning: reasoning_of(&content),
            content,
            tool_calls,
            tool_results: Vec::new(),
            finish_reason,
            usage: step_usage,
            metadata,
            provider_metadata,
            warnings,
        });
        run_tools
    }

    /// The tool calls of the current step.
    pub(crate) fn tool_calls(&self) -> &[ToolCall] {
        self.current.as_ref().map_or(&[], |s| &s.tool_calls)
    }

    /// Ends the current step with its tool results (empty when no tools ran)
    /// and returns it, with whether the loop goes on (then the next step's
    /// index is in [`Self::step`]).
    pub(crate) fn finish_step(&mut self, tool_results: Vec<ToolResult>) -> (&StepResult, bool) {
        let mut step_result = self.current.take().unwrap_or_default();
        if !tool_results.is_empty() {
            let parts = tool_results
                .iter()
                .map(|r| {
                    Part::tool_result(r.id.clone(), r.name.clone(), r.output.clone(), r.is_error)
                })
                .collect();
            let tool_msg = Message::new(Role::Tool, parts);
            if self.step + 1 < self.max_steps {
                self.mreq.messages.push(tool_msg.clone());
            }
            self.messages.push(tool_msg);
        }
        step_result.tool_results = tool_results;
        self.hooks.step_finish(&step_result);
        let no_follow_up = step_result.tool_results.is_empty();
        self.steps.push(step_result);
        let go_on = !no_follow_up
            && !self.stop_when.iter().any(|c| c.check(&self.steps))
            && self.step + 1 < self.max_steps;
        if go_on {
            self.step += 1;
        }
        (self.steps.last().unwrap_or_else(|| unreachable!()), go_on)
    }

    /// The summary of every step, recorded on the operation's span.
    pub(crate) fn summary(&mut self, span: &tracing::Span) -> GenerateTextResult {
        self.take_steps(span).summarize()
    }

    /// The steps, messages and total usage, recorded on the operation's span, for
    /// [`Steps::summarize`] to assemble when the result is asked for.
    pub(crate) fn take_steps(&mut self, span: &tracing::Span) -> Steps {
        let steps = Steps {
            steps: std::mem::take(&mut self.steps),
            messages: std::mem::take(&mut self.messages),
            usage: self.usage,
        };
        if let Some(last) = steps.steps.last() {
            telemetry::record_response(span, &last.metadata, &last.finish_reason, &steps.usage);
        } else {
            telemetry::record_response(
                span,
                &ResponseMetadata::default(),
                &FinishReason::default(),
                &steps.usage,
            );
        }
        steps
    }
}

/// Every step of a finished tool loop, not yet assembled into a
/// [`GenerateTextResult`] (a stream's consumer may never ask for it).
#[derive(Debug)]
pub(crate) struct Steps {
    steps: Vec<StepResult>,
    messages: Vec<Message>,
    usage: Usage,
}

impl Steps {
    /// The last step, if any.
    pub(crate) fn last(&self) -> Option<&StepResult> {
        self.steps.last()
    }

    /// The total usage of every step.
    pub(crate) fn usage(&self) -> Usage {
        self.usage
    }

    /// The result: the last step's text, content and finish, every step's
    /// tool calls, results and warnings, and the steps themselves.
    pub(crate) fn summarize(self) -> GenerateTextResult {
        summarize(self.steps, self.messages, self.usage)
    }
}

/// The tool loop of `generate_text`.
// Not an `async fn`: its arguments would stay in its state next to the locals they are moved
// into, holding the tool loop twice (2,960 instead of 1,776 bytes).
#[allow(clippy::manual_async_fn)]
fn run_loop<'a>(
    model: Box<dyn LanguageModel + 'a>,
    mut lp: ToolLoop,
    span: tracing::Span,
) -> impl Future<Output = Result<GenerateTextResult, Error>> + Send + 'a {
    async move {
        loop {
            let step_span = telemetry::step_span(lp.step);
            lp.start_step();
            let response = lp
                .retry
                .run(|_| model.generate(&lp.mreq))
                .instrument(step_span.clone())
                .await?;
            let tool_results = if lp.response(&step_span, response) {
                execute_tools(&lp.tools, lp.tool_calls(), lp.tool_execution, &lp.hooks)
                    .instrument(step_span.clone())
                    .await
            } else {
                Vec::new()
            };
            if !lp.finish_step(tool_results).1 {
                break;
            }
        }
        Ok(lp.summary(&span))
    }
}

fn summarize(steps: Vec<StepResult>, messages: Vec<Message>, usage: Usage) -> GenerateTextResult {
    let mut out = GenerateTextResult {
        usage,
        messages,
        ..GenerateTextResult::default()
    };
    for s in &steps {
        out.tool_calls.extend(s.tool_calls.iter().cloned());
        out.tool_results.extend(s.tool_results.iter().cloned());
        out.warnings.extend(s.warnings.iter().cloned());
    }
    if let Some(last) = steps.last() {
        out.text = last.text.clone();
        out.reasoning = last.reasoning.clone();
        out.content = last.content.clone();
        out.finish_reason = last.finish_reason.clone();
        out.metadata = last.metadata.clone();
        out.provider_metadata = last.provider_metadata.clone();
    }
    out.steps = steps;
    out
}

pub(crate) async fn execute_tools(
    tools: &[Tool],
    calls: &[ToolCall],
    mode: ToolExecution,
    hooks: &Hooks,
) -> Vec<ToolResult> {
    match mode {
        ToolExecution::Parallel => {
            futures_util::future::join_all(calls.iter().map(|c| execute_one(tools, c, hooks))).await
        }
        ToolExecution::Sequential => {
            let mut out = Vec::with_capacity(calls.len());
            for c in calls {
                out.push(execute_one(tools, c, hooks).await);
            }
            out
        }
    }
}

async fn execute_one(tools: &[Tool], original: &ToolCall, hooks: &Hooks) -> ToolResult {
    let mut result = match hooks.before(original.clone()) {
        Err(skipped) => skipped,
        Ok(call) => {
            hooks.on_tool_call_start.iter().for_each(|f| f(&call));
            let started = tokio::time::Instant::now();
            let raw = match tools.iter().find(|t| t.name() == call.name) {
                None => {
                    let available: Vec<&str> = tools.iter().map(Tool::name).collect();
                    ToolResult::error(
                        &call,
                        format!(
                            "unknown tool `{}`; available tools: {}",
                            call.name,
                            available.join(", ")
                        ),
                    )
                }
                Some(tool) => match tool
                    .call(call.input.clone())
                    .instrument(telemetry::tool_span(&call.name, &call.id))
                    .await
                {
                    Ok(output) => ToolResult::ok(&call, output),
                    Err(e) => {
                        tracing::debug!(tool = %call.name, error = %e, "tool failed; reporting to the model");
                        ToolResult::error(&call, e.message)
                    }
                },
            };
            let result = hooks.after(&call, raw);
            let elapsed = started.elapsed();
            hooks
                .on_tool_call_finish
                .iter()
                .for_each(|f| f(&call, &result, elapsed));
            result
        }
    };
    // The model matches results to calls by id: keep the original one.
    result.id.clone_from(&original.id);
    result
}

pub(crate) fn text_of(content: &[Part]) -> String {
    content.iter().filter_map(Part::as_text).collect()
}

fn reasoning_of(content: &[Part]) -> String {
    content
        .iter()
        .filter_map(|p| match &p.kind {
            PartKind::Reasoning { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}
