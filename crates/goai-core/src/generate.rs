//! `generate_text` and the multi-step tool loop shared with `stream_text`.

use std::future::Future;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tracing::Instrument;

use crate::cancel::CancellationToken;
use crate::error::Error;
use crate::hooks::Hooks;
use crate::message::{Message, Part, PartKind, ProviderMetadata, Role};
use crate::model::{
    FinishReason, LanguageModel, ModelRequest, ModelResponse, ResponseMetadata, StreamPart, Usage,
    Warning,
};
use crate::request::{Request, ToolExecution};
use crate::retry::RetryPolicy;
use crate::stream::StreamAccumulator;
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
pub async fn generate_text<M>(model: &M, request: Request) -> Result<GenerateTextResult, Error>
where
    M: LanguageModel + ?Sized,
{
    let span = telemetry::operation_span(
        "chat",
        model.provider(),
        model.model_id(),
        Some(&request.model),
    );
    let (timeout, cancel) = (request.timeout, request.cancel.clone());
    let fut = run_loop(model, request, None, span.clone());
    controlled(fut, timeout, cancel).instrument(span).await
}

/// Runs `fut` under an optional deadline and cancellation token.
pub(crate) async fn controlled<T>(
    fut: impl Future<Output = Result<T, Error>>,
    timeout: Option<std::time::Duration>,
    cancel: Option<CancellationToken>,
) -> Result<T, Error> {
    let timed = async {
        match timeout {
            Some(d) => tokio::time::timeout(d, fut)
                .await
                .map_err(|_| Error::Timeout { after: Some(d) })?,
            None => fut.await,
        }
    };
    match cancel {
        Some(token) => {
            tokio::select! {
                biased;
                () = token.cancelled() => Err(Error::Cancelled),
                r = timed => r,
            }
        }
        None => timed.await,
    }
}

/// The tool loop. With `tx`, calls `stream` and forwards parts; else `generate`.
pub(crate) async fn run_loop<M>(
    model: &M,
    request: Request,
    tx: Option<mpsc::Sender<StreamPart>>,
    span: tracing::Span,
) -> Result<GenerateTextResult, Error>
where
    M: LanguageModel + ?Sized,
{
    let Request {
        model: mut mreq,
        tools,
        max_steps,
        stop_when,
        tool_execution,
        retry,
        hooks,
        telemetry: tel,
        ..
    } = request;
    mreq.tools
        .extend(tools.iter().map(|t| t.definition().clone()));
    let mut steps: Vec<StepResult> = Vec::new();
    let mut messages = Vec::new();
    let mut usage = Usage::default();
    for step in 0..max_steps.max(1) {
        let step_span = telemetry::step_span(step);
        hooks.request(&mreq);
        telemetry::record_input(tel.record_content, &mreq);
        let response = match &tx {
            Some(tx) => {
                stream_step(model, &mreq, &retry, tx)
                    .instrument(step_span.clone())
                    .await?
            }
            None => {
                retry
                    .run(|_| model.generate(&mreq))
                    .instrument(step_span.clone())
                    .await?
            }
        };
        telemetry::record_response(
            &step_span,
            &response.metadata,
            &response.finish_reason,
            &response.usage,
        );
        telemetry::record_output(tel.record_content, &response.content);
        hooks.response(&response);
        let ModelResponse {
            content,
            finish_reason,
            usage: step_usage,
            metadata,
            provider_metadata,
            warnings,
        } = response;
        usage += step_usage;
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
        mreq.messages.push(assistant.clone());
        messages.push(assistant);
        let tool_results = if tool_calls.is_empty() || tools.is_empty() {
            Vec::new()
        } else {
            execute_tools(&tools, &tool_calls, tool_execution, &hooks)
                .instrument(step_span.clone())
                .await
        };
        if !tool_results.is_empty() {
            if let Some(tx) = &tx {
                for r in &tool_results {
                    let part = StreamPart::ToolResult {
                        id: r.id.clone(),
                        name: r.name.clone(),
                        output: r.output.clone(),
                        is_error: r.is_error,
                    };
                    send(tx, part).await?;
                }
            }
            let parts = tool_results
                .iter()
                .map(|r| {
                    Part::tool_result(r.id.clone(), r.name.clone(), r.output.clone(), r.is_error)
                })
                .collect();
            let tool_msg = Message::new(Role::Tool, parts);
            mreq.messages.push(tool_msg.clone());
            messages.push(tool_msg);
        }
        let step_result = StepResult {
            step,
            text: text_of(&content),
            reasoning: reasoning_of(&content),
            content,
            tool_calls,
            tool_results,
            finish_reason,
            usage: step_usage,
            metadata,
            provider_metadata,
            warnings,
        };
        if let Some(tx) = &tx {
            let part = StreamPart::StepFinish {
                step,
                finish_reason: step_result.finish_reason.clone(),
                usage: step_usage,
            };
            send(tx, part).await?;
        }
        hooks.step_finish(&step_result);
        let no_follow_up = step_result.tool_results.is_empty();
        steps.push(step_result);
        if no_follow_up || stop_when.iter().any(|c| c.check(&steps)) {
            break;
        }
    }
    let result = summarize(steps, messages, usage);
    telemetry::record_response(
        &span,
        &result.metadata,
        &result.finish_reason,
        &result.usage,
    );
    if let Some(tx) = &tx {
        let part = StreamPart::Finish {
            finish_reason: result.finish_reason.clone(),
            usage: result.usage,
            provider_metadata: result.provider_metadata.clone(),
        };
        send(tx, part).await?;
    }
    Ok(result)
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

async fn send(tx: &mpsc::Sender<StreamPart>, part: StreamPart) -> Result<(), Error> {
    tx.send(part).await.map_err(|_| Error::Cancelled)
}

/// One streaming model call: starts it (with retries), forwards its parts
/// except `Finish`, and assembles the response.
async fn stream_step<M>(
    model: &M,
    req: &ModelRequest,
    retry: &RetryPolicy,
    tx: &mpsc::Sender<StreamPart>,
) -> Result<ModelResponse, Error>
where
    M: LanguageModel + ?Sized,
{
    let mut stream = retry.run(|_| model.stream(req)).await?;
    let mut acc = StreamAccumulator::new();
    let mut complete_calls = std::collections::HashSet::new();
    while let Some(item) = stream.next().await {
        let part = item?;
        acc.push(&part);
        match &part {
            StreamPart::Finish { .. } => continue,
            StreamPart::ToolCall { id, .. } => {
                complete_calls.insert(id.clone());
            }
            _ => {}
        }
        send(tx, part).await?;
    }
    let response = acc.finish()?;
    // Consumers always get a complete ToolCall part, even from a provider
    // that only streamed the input deltas.
    for p in &response.content {
        if let PartKind::ToolCall { id, name, input } = &p.kind
            && !complete_calls.contains(id)
        {
            let part = StreamPart::ToolCall {
                id: id.clone(),
                name: name.clone(),
                input: input.clone(),
            };
            send(tx, part).await?;
        }
    }
    Ok(response)
}

async fn execute_tools(
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
