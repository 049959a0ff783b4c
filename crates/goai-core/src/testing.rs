//! Scripted mock models for tests (feature `testing`).
//!
//! [`MockLanguageModel`] answers each call with the next scripted
//! [`MockTurn`] and records every request it received.
//! [`MockEmbeddingModel`] returns deterministic embeddings.
//!
//! # Examples
//!
//! ```
//! use goai_core::{generate_text, Request, testing::MockLanguageModel};
//! use serde_json::json;
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let model = MockLanguageModel::new()
//!     .with_tool_calls([("call-1", "weather", json!({"city": "Oslo"}))])
//!     .with_text("It is sunny in Oslo.");
//! let tool = goai_core::Tool::new("weather", "Weather", json!({"type": "object"}), |_| async {
//!     Ok::<_, std::convert::Infallible>(json!("sunny"))
//! });
//! let out = generate_text(&model, Request::prompt("Weather in Oslo?").tool(tool).max_steps(3)).await?;
//! assert_eq!(out.text, "It is sunny in Oslo.");
//! assert_eq!(model.requests().len(), 2);
//! # Ok::<_, goai_core::Error>(()) }).unwrap();
//! ```

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use serde_json::Value;

use crate::embed::{
    EmbeddingInput, EmbeddingModel, EmbeddingRequest, EmbeddingResponse, EmbeddingUsage,
};
use crate::error::Error;
use crate::message::Part;
use crate::model::{
    BoxFuture, Capabilities, FinishKind, FinishReason, LanguageModel, ModelRequest, ModelResponse,
    PartStream, StreamPart, Usage,
};
use crate::stream::StreamAccumulator;

/// One scripted answer of a [`MockLanguageModel`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MockTurn {
    /// A complete response (streamed as its equivalent parts).
    Response(Box<ModelResponse>),
    /// A sequence of stream items (for `generate`, folded into a response; an
    /// `Err` item becomes the call's error).
    Stream(Vec<Result<StreamPart, Error>>),
    /// Stream these parts, then never finish (for cancellation and timeouts).
    StreamThenHang(Vec<StreamPart>),
    /// Fail the call with this error.
    Error(Error),
    /// Wait (on the tokio clock), then answer with the inner turn.
    Delayed(Duration, Box<MockTurn>),
}

/// A text response with a `stop` finish reason and 10/5 token usage.
pub fn text_response(text: impl Into<String>) -> ModelResponse {
    let mut r = ModelResponse::default();
    r.content.push(Part::text(text));
    r.finish_reason = FinishReason::new(FinishKind::Stop, "end_turn");
    r.usage = Usage::new(10, 5);
    r
}

/// A response calling tools, with a `tool-calls` finish reason.
pub fn tool_calls_response<I, S, N>(calls: I) -> ModelResponse
where
    I: IntoIterator<Item = (S, N, Value)>,
    S: Into<String>,
    N: Into<String>,
{
    let mut r = ModelResponse::default();
    r.content.extend(
        calls
            .into_iter()
            .map(|(id, name, input)| Part::tool_call(id, name, input)),
    );
    r.finish_reason = FinishReason::new(FinishKind::ToolCalls, "tool_use");
    r.usage = Usage::new(10, 5);
    r
}

/// A scripted [`LanguageModel`].
#[derive(Debug)]
pub struct MockLanguageModel {
    model_id: String,
    capabilities: Capabilities,
    script: Mutex<VecDeque<MockTurn>>,
    requests: Mutex<Vec<ModelRequest>>,
    open_streams: Arc<AtomicUsize>,
}

impl Default for MockLanguageModel {
    fn default() -> Self {
        Self::new()
    }
}

impl MockLanguageModel {
    /// An empty script; calls beyond the script fail with
    /// [`Error::InvalidRequest`].
    pub fn new() -> Self {
        Self {
            model_id: "mock-model".to_owned(),
            capabilities: Capabilities::default(),
            script: Mutex::new(VecDeque::new()),
            requests: Mutex::new(Vec::new()),
            open_streams: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Sets the model id. Default is `mock-model`.
    #[must_use]
    pub fn with_model_id(mut self, id: impl Into<String>) -> Self {
        self.model_id = id.into();
        self
    }

    /// Sets the capabilities. Default is [`Capabilities::default`].
    #[must_use]
    pub fn with_capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// Appends a turn.
    #[must_use]
    pub fn with_turn(self, turn: MockTurn) -> Self {
        self.push(turn);
        self
    }

    /// Appends a [`text_response`].
    #[must_use]
    pub fn with_text(self, text: impl Into<String>) -> Self {
        self.with_turn(MockTurn::Response(Box::new(text_response(text))))
    }

    /// Appends a complete response.
    #[must_use]
    pub fn with_response(self, response: ModelResponse) -> Self {
        self.with_turn(MockTurn::Response(Box::new(response)))
    }

    /// Appends a [`tool_calls_response`].
    #[must_use]
    pub fn with_tool_calls<I, S, N>(self, calls: I) -> Self
    where
        I: IntoIterator<Item = (S, N, Value)>,
        S: Into<String>,
        N: Into<String>,
    {
        self.with_turn(MockTurn::Response(Box::new(tool_calls_response(calls))))
    }

    /// Appends a stream of parts.
    #[must_use]
    pub fn with_stream(self, parts: impl IntoIterator<Item = StreamPart>) -> Self {
        self.with_turn(MockTurn::Stream(parts.into_iter().map(Ok).collect()))
    }

    /// Appends a failing call.
    #[must_use]
    pub fn with_error(self, error: impl Into<Error>) -> Self {
        self.with_turn(MockTurn::Error(error.into()))
    }

    /// Appends a turn (usable through a shared reference).
    pub fn push(&self, turn: MockTurn) {
        self.script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(turn);
    }

    /// Every request received, in order (one per attempt).
    pub fn requests(&self) -> Vec<ModelRequest> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Turns not consumed yet.
    pub fn remaining(&self) -> usize {
        self.script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Streams returned and not dropped yet.
    pub fn open_streams(&self) -> usize {
        self.open_streams.load(Ordering::SeqCst)
    }

    fn next_turn(&self, request: &ModelRequest) -> MockTurn {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request.clone());
        self.script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
            .unwrap_or_else(|| {
                MockTurn::Error(Error::invalid_request("mock model: script exhausted"))
            })
    }

    fn make_stream(&self, items: Vec<Result<StreamPart, Error>>, hang: bool) -> PartStream {
        struct Guard(Arc<AtomicUsize>);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        self.open_streams.fetch_add(1, Ordering::SeqCst);
        let guard = Guard(Arc::clone(&self.open_streams));
        let body = futures_util::stream::iter(items);
        let tail = if hang {
            futures_util::stream::pending().boxed()
        } else {
            futures_util::stream::empty().boxed()
        };
        body.chain(tail)
            .map(move |item| {
                let _keep = &guard;
                item
            })
            .boxed()
    }
}

async fn resolve(mut turn: MockTurn) -> MockTurn {
    while let MockTurn::Delayed(d, inner) = turn {
        tokio::time::sleep(d).await;
        turn = *inner;
    }
    turn
}

impl LanguageModel for MockLanguageModel {
    fn provider(&self) -> &str {
        "mock"
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    fn generate<'a>(
        &'a self,
        request: &'a ModelRequest,
    ) -> BoxFuture<'a, Result<ModelResponse, Error>> {
        let turn = self.next_turn(request);
        async move {
            match resolve(turn).await {
                MockTurn::Response(r) => Ok(*r),
                MockTurn::Error(e) => Err(e),
                MockTurn::Stream(items) => {
                    let mut acc = StreamAccumulator::new();
                    for item in items {
                        acc.push(&item?);
                    }
                    acc.finish()
                }
                MockTurn::StreamThenHang(_) => futures_util::future::pending().await,
                MockTurn::Delayed(..) => {
                    Err(Error::invalid_request("mock model: unresolved delay"))
                }
            }
        }
        .boxed()
    }

    fn stream<'a>(&'a self, request: &'a ModelRequest) -> BoxFuture<'a, Result<PartStream, Error>> {
        let turn = self.next_turn(request);
        async move {
            match resolve(turn).await {
                MockTurn::Response(r) => {
                    Ok(self.make_stream(r.into_parts().into_iter().map(Ok).collect(), false))
                }
                MockTurn::Error(e) => Err(e),
                MockTurn::Stream(items) => Ok(self.make_stream(items, false)),
                MockTurn::StreamThenHang(parts) => {
                    Ok(self.make_stream(parts.into_iter().map(Ok).collect(), true))
                }
                MockTurn::Delayed(..) => {
                    Err(Error::invalid_request("mock model: unresolved delay"))
                }
            }
        }
        .boxed()
    }
}

/// A deterministic [`EmbeddingModel`]: the embedding of a text is
/// `[byte length, sum of bytes, dimension index...]`, padded to `dimensions`.
#[derive(Debug)]
pub struct MockEmbeddingModel {
    dimensions: usize,
    max_values_per_call: Option<usize>,
    delay: Duration,
    errors: Mutex<VecDeque<Error>>,
    requests: Mutex<Vec<EmbeddingRequest>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Default for MockEmbeddingModel {
    fn default() -> Self {
        Self::new()
    }
}

impl MockEmbeddingModel {
    /// A model with 3 dimensions, no per-call limit and no delay.
    pub fn new() -> Self {
        Self {
            dimensions: 3,
            max_values_per_call: None,
            delay: Duration::ZERO,
            errors: Mutex::new(VecDeque::new()),
            requests: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        }
    }

    /// Sets the per-call limit.
    #[must_use]
    pub fn with_max_values_per_call(mut self, n: usize) -> Self {
        self.max_values_per_call = Some(n);
        self
    }

    /// Sets the number of dimensions (at least 2). Default is 3.
    #[must_use]
    pub fn with_dimensions(mut self, n: usize) -> Self {
        self.dimensions = n.max(2);
        self
    }

    /// Each call waits this long on the tokio clock. Default is zero.
    #[must_use]
    pub fn with_delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }

    /// The next call fails with `error` (errors are used before successes).
    #[must_use]
    pub fn with_error(self, error: impl Into<Error>) -> Self {
        self.errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(error.into());
        self
    }

    /// Every request received.
    pub fn requests(&self) -> Vec<EmbeddingRequest> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The most calls that ran at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    /// The embedding this model returns for `text`.
    pub fn embedding_of(&self, text: &str) -> Vec<f32> {
        let mut v = vec![text.len() as f32, text.bytes().map(f32::from).sum()];
        v.extend((2..self.dimensions).map(|i| i as f32));
        v
    }
}

impl EmbeddingModel for MockEmbeddingModel {
    fn provider(&self) -> &str {
        "mock"
    }

    fn model_id(&self) -> &str {
        "mock-embedding"
    }

    fn max_values_per_call(&self) -> Option<usize> {
        self.max_values_per_call
    }

    fn embed<'a>(
        &'a self,
        request: &'a EmbeddingRequest,
    ) -> BoxFuture<'a, Result<EmbeddingResponse, Error>> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request.clone());
        let error = self
            .errors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        async move {
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.max_in_flight.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(self.delay).await;
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            if let Some(e) = error {
                return Err(e);
            }
            let mut res = EmbeddingResponse::default();
            for v in &request.values {
                match v {
                    EmbeddingInput::Text { text } => res.embeddings.push(self.embedding_of(text)),
                    _ => return Err(Error::invalid_request("mock embedding model: text only")),
                }
            }
            res.usage = EmbeddingUsage {
                tokens: Some(request.values.len() as u64),
            };
            Ok(res)
        }
        .boxed()
    }
}
