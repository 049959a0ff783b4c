//! Hooks: observe and steer a call and its tool loop.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::generate::StepResult;
use crate::model::{ModelRequest, ModelResponse};
use crate::tool::{ToolCall, ToolResult};

/// What a [`Hooks::before_tool`] hook decides for a tool call.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BeforeTool {
    /// Run the tool with the call as the model made it.
    Run,
    /// Run the tool with this (rewritten) call instead.
    Rewrite(ToolCall),
    /// Do not run the tool; send this result to the model instead.
    Skip(ToolResult),
}

type Observer<T> = Arc<dyn Fn(&T) + Send + Sync>;
type BeforeFn = Arc<dyn Fn(&ToolCall) -> BeforeTool + Send + Sync>;
type AfterFn = Arc<dyn Fn(&ToolCall, ToolResult) -> ToolResult + Send + Sync>;
type FinishFn = Arc<dyn Fn(&ToolCall, &ToolResult, Duration) + Send + Sync>;

/// Callbacks run during [`generate_text`](crate::generate_text) and
/// [`stream_text`](crate::stream_text). All hooks are synchronous and run on
/// the calling task; keep them short. Several hooks of one kind run in the
/// order they were added.
///
/// # Examples
///
/// ```
/// use goai_core::{BeforeTool, Hooks, ToolResult};
/// let hooks = Hooks::new()
///     .on_request(|req| println!("{} messages", req.messages.len()))
///     .before_tool(|call| {
///         if call.name == "delete_everything" {
///             BeforeTool::Skip(ToolResult::error(call, "not allowed"))
///         } else {
///             BeforeTool::Run
///         }
///     });
/// # drop(hooks);
/// ```
#[derive(Clone, Default)]
pub struct Hooks {
    pub(crate) on_request: Vec<Observer<ModelRequest>>,
    pub(crate) on_response: Vec<Observer<ModelResponse>>,
    pub(crate) on_step_finish: Vec<Observer<StepResult>>,
    pub(crate) on_tool_call_start: Vec<Observer<ToolCall>>,
    pub(crate) on_tool_call_finish: Vec<FinishFn>,
    pub(crate) before_tool: Vec<BeforeFn>,
    pub(crate) after_tool: Vec<AfterFn>,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("on_request", &self.on_request.len())
            .field("on_response", &self.on_response.len())
            .field("on_step_finish", &self.on_step_finish.len())
            .field("on_tool_call_start", &self.on_tool_call_start.len())
            .field("on_tool_call_finish", &self.on_tool_call_finish.len())
            .field("before_tool", &self.before_tool.len())
            .field("after_tool", &self.after_tool.len())
            .finish()
    }
}

impl Hooks {
    /// No hooks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Called with each request just before it is sent to the model (once per
    /// step, not per retry).
    #[must_use]
    pub fn on_request(mut self, f: impl Fn(&ModelRequest) + Send + Sync + 'static) -> Self {
        self.on_request.push(Arc::new(f));
        self
    }

    /// Called with each model response (for streams, the assembled response).
    #[must_use]
    pub fn on_response(mut self, f: impl Fn(&ModelResponse) + Send + Sync + 'static) -> Self {
        self.on_response.push(Arc::new(f));
        self
    }

    /// Called when a step (a model call plus its tool executions) finishes.
    #[must_use]
    pub fn on_step_finish(mut self, f: impl Fn(&StepResult) + Send + Sync + 'static) -> Self {
        self.on_step_finish.push(Arc::new(f));
        self
    }

    /// Called when a tool starts to run (after the before-tool hooks).
    #[must_use]
    pub fn on_tool_call_start(mut self, f: impl Fn(&ToolCall) + Send + Sync + 'static) -> Self {
        self.on_tool_call_start.push(Arc::new(f));
        self
    }

    /// Called when a tool call has its final result (after the after-tool
    /// hooks), with the time the tool took.
    #[must_use]
    pub fn on_tool_call_finish(
        mut self,
        f: impl Fn(&ToolCall, &ToolResult, Duration) + Send + Sync + 'static,
    ) -> Self {
        self.on_tool_call_finish.push(Arc::new(f));
        self
    }

    /// Decides whether to run, rewrite or skip each tool call. With several
    /// hooks, the first that does not return [`BeforeTool::Run`] wins; a
    /// rewritten call is passed to the later hooks.
    #[must_use]
    pub fn before_tool(
        mut self,
        f: impl Fn(&ToolCall) -> BeforeTool + Send + Sync + 'static,
    ) -> Self {
        self.before_tool.push(Arc::new(f));
        self
    }

    /// Rewrites each tool result before it goes back to the model (also for
    /// errors and unknown tools). Hooks are chained in order.
    #[must_use]
    pub fn after_tool(
        mut self,
        f: impl Fn(&ToolCall, ToolResult) -> ToolResult + Send + Sync + 'static,
    ) -> Self {
        self.after_tool.push(Arc::new(f));
        self
    }

    pub(crate) fn request(&self, r: &ModelRequest) {
        self.on_request.iter().for_each(|f| f(r));
    }

    pub(crate) fn response(&self, r: &ModelResponse) {
        self.on_response.iter().for_each(|f| f(r));
    }

    pub(crate) fn step_finish(&self, s: &StepResult) {
        self.on_step_finish.iter().for_each(|f| f(s));
    }

    /// Applies the before-tool hooks: `Ok(call)` to run, `Err(result)` to skip.
    pub(crate) fn before(&self, mut call: ToolCall) -> Result<ToolCall, ToolResult> {
        for f in &self.before_tool {
            match f(&call) {
                BeforeTool::Run => {}
                BeforeTool::Rewrite(c) => call = c,
                BeforeTool::Skip(r) => return Err(r),
            }
        }
        Ok(call)
    }

    pub(crate) fn after(&self, call: &ToolCall, mut result: ToolResult) -> ToolResult {
        for f in &self.after_tool {
            result = f(call, result);
        }
        result
    }
}
