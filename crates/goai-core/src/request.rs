//! The user-facing request builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::cancel::CancellationToken;
use crate::generate::StepResult;
use crate::headers::Headers;
use crate::hooks::Hooks;
use crate::message::{Message, ProviderOptions};
use crate::model::{ModelRequest, ResponseFormat, ToolChoice};
use crate::retry::RetryPolicy;
use crate::tool::Tool;

/// A condition that ends the tool loop after a step.
///
/// The loop always ends when a step has no tool calls or `max_steps` is
/// reached; stop conditions end it earlier. They are checked after each
/// step's tools have run, with every step so far.
#[derive(Clone)]
pub struct StopCondition(Arc<StopFn>);

type StopFn = dyn Fn(&[StepResult]) -> bool + Send + Sync;

impl fmt::Debug for StopCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StopCondition(..)")
    }
}

impl StopCondition {
    /// Stop once `n` steps have run.
    pub fn step_count_is(n: usize) -> Self {
        Self(Arc::new(move |steps| steps.len() >= n))
    }

    /// Stop after a step in which the model called the tool `name`.
    pub fn has_tool_call(name: impl Into<String>) -> Self {
        let name = name.into();
        Self(Arc::new(move |steps| {
            steps
                .last()
                .is_some_and(|s| s.tool_calls.iter().any(|c| c.name == name))
        }))
    }

    /// Stop when `f` returns true.
    pub fn custom(f: impl Fn(&[StepResult]) -> bool + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    pub(crate) fn check(&self, steps: &[StepResult]) -> bool {
        (self.0)(steps)
    }
}

/// How the tool calls of one step are executed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ToolExecution {
    /// Concurrently, on the calling task. The default.
    #[default]
    Parallel,
    /// One after another, in the order the model made them.
    Sequential,
}

/// What tracing spans may record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TelemetrySettings {
    /// Record prompts and outputs (`gen_ai.input.messages`,
    /// `gen_ai.output.messages`) as span events. Default is false: spans carry
    /// only model ids, settings, usage and finish reasons.
    pub record_content: bool,
}

/// A text generation request: the input, sampling settings, tools and control
/// settings, built with consuming setters.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use goai_core::Request;
/// let req = Request::prompt("Explain Rust traits")
///     .system("Be brief.")
///     .max_tokens(512)
///     .temperature(0.2)
///     .max_steps(5)
///     .timeout(Duration::from_secs(60));
/// # drop(req);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub(crate) model: ModelRequest,
    pub(crate) tools: Vec<Tool>,
    pub(crate) max_steps: usize,
    pub(crate) stop_when: Vec<StopCondition>,
    pub(crate) tool_execution: ToolExecution,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) cancel: Option<CancellationToken>,
    pub(crate) hooks: Hooks,
    pub(crate) telemetry: TelemetrySettings,
}

impl Request {
    /// An empty request; add messages with [`message`](Self::message) or
    /// [`messages`](Self::messages).
    pub fn new() -> Self {
        Self {
            max_steps: 1,
            ..Self::default()
        }
    }

    /// A request with one user message.
    pub fn prompt(text: impl Into<String>) -> Self {
        Self::new().message(Message::user(text))
    }

    /// A request continuing a conversation.
    pub fn from_messages(messages: impl IntoIterator<Item = Message>) -> Self {
        Self::new().messages(messages)
    }

    /// Sets the system prompt. Default is none.
    #[must_use]
    pub fn system(mut self, system: impl Into<String>) -> Self {
        self.model.system = Some(system.into());
        self
    }

    /// Appends a message.
    #[must_use]
    pub fn message(mut self, message: Message) -> Self {
        self.model.messages.push(message);
        self
    }

    /// Appends messages.
    #[must_use]
    pub fn messages(mut self, messages: impl IntoIterator<Item = Message>) -> Self {
        self.model.messages.extend(messages);
        self
    }

    /// Adds a tool. Default is no tools.
    #[must_use]
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Adds tools.
    #[must_use]
    pub fn tools(mut self, tools: impl IntoIterator<Item = Tool>) -> Self {
        self.tools.extend(tools);
        self
    }

    /// Sets the tool choice. Default is the provider's (auto).
    #[must_use]
    pub fn tool_choice(mut self, choice: ToolChoice) -> Self {
        self.model.tool_choice = Some(choice);
        self
    }

    /// Maximum output tokens per model call. Default is the provider's.
    #[must_use]
    pub fn max_tokens(mut self, n: u32) -> Self {
        self.model.max_output_tokens = Some(n);
        self
    }

    /// Sampling temperature. Default is the provider's.
    #[must_use]
    pub fn temperature(mut self, t: f32) -> Self {
        self.model.temperature = Some(t);
        self
    }

    /// Nucleus sampling. Default is the provider's.
    #[must_use]
    pub fn top_p(mut self, p: f32) -> Self {
        self.model.top_p = Some(p);
        self
    }

    /// Top-k sampling. Default is the provider's.
    #[must_use]
    pub fn top_k(mut self, k: u32) -> Self {
        self.model.top_k = Some(k);
        self
    }

    /// Stop sequences. Default is none.
    #[must_use]
    pub fn stop_sequences(mut self, s: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.model.stop_sequences = s.into_iter().map(Into::into).collect();
        self
    }

    /// Sampling seed. Default is none.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.model.seed = Some(seed);
        self
    }

    /// Adds an extra request header. Default is none.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.model.headers.append(name, value);
        self
    }

    /// Replaces the extra request headers.
    #[must_use]
    pub fn headers(mut self, headers: Headers) -> Self {
        self.model.headers = headers;
        self
    }

    /// Sets a provider option, e.g. `provider_option("bedrock", json!({...}))`.
    #[must_use]
    pub fn provider_option(mut self, key: impl Into<String>, value: Value) -> Self {
        self.model.provider_options.insert(key.into(), value);
        self
    }

    /// Replaces the provider options. Default is empty.
    #[must_use]
    pub fn provider_options(mut self, options: ProviderOptions) -> Self {
        self.model.provider_options = options;
        self
    }

    /// Ask the provider to cache the system prompt and tools. Default is false.
    #[must_use]
    pub fn prompt_caching(mut self, on: bool) -> Self {
        self.model.prompt_caching = on;
        self
    }

    /// The output format. Default is text.
    #[must_use]
    pub fn response_format(mut self, format: ResponseFormat) -> Self {
        self.model.response_format = Some(format);
        self
    }

    /// The most model calls of the tool loop. Default is 1 (tools run, but
    /// their results are not sent back). Values below 1 are treated as 1.
    #[must_use]
    pub fn max_steps(mut self, n: usize) -> Self {
        self.max_steps = n.max(1);
        self
    }

    /// Adds a stop condition for the tool loop. Default is none.
    #[must_use]
    pub fn stop_when(mut self, condition: StopCondition) -> Self {
        self.stop_when.push(condition);
        self
    }

    /// How tool calls of a step run. Default is [`ToolExecution::Parallel`].
    #[must_use]
    pub fn tool_execution(mut self, mode: ToolExecution) -> Self {
        self.tool_execution = mode;
        self
    }

    /// The retry policy of each model call. Default is [`RetryPolicy::default`]
    /// (2 retries).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shorthand for `retry(RetryPolicy::default().max_retries(n))`.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry = self.retry.max_retries(n);
        self
    }

    /// A deadline for the whole operation (every step, retry and tool; for a
    /// stream, until its end). Default is none.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A token that cancels the operation. Default is none (drop the future
    /// or stream to cancel).
    #[must_use]
    pub fn cancel_token(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// The hooks. Default is none.
    #[must_use]
    pub fn hooks(mut self, hooks: Hooks) -> Self {
        self.hooks = hooks;
        self
    }

    /// What tracing may record. Default records no content.
    #[must_use]
    pub fn telemetry(mut self, settings: TelemetrySettings) -> Self {
        self.telemetry = settings;
        self
    }

    /// Opt in to recording prompts and outputs in tracing spans.
    #[must_use]
    pub fn record_content(mut self, on: bool) -> Self {
        self.telemetry.record_content = on;
        self
    }

    /// The low-level request this builds (without tool definitions).
    pub fn model_request(&self) -> &ModelRequest {
        &self.model
    }
}
