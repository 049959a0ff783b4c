//! [`BedrockChatModel`]: goai-core's [`LanguageModel`] over Converse and
//! ConverseStream, with the per-request fallback chain.
//!
//! # Fallback chain
//!
//! Worked out per request, never stored on the model. When Bedrock rejects a
//! call, the first applicable step not yet taken is applied and the call is
//! made again (each step logged at `debug` with the error that caused it, and
//! reported as a [`Warning`]):
//!
//! 1. a bare model id answered with "model identifier is invalid" or
//!    "on-demand throughput isn't supported" is retried as the `us.` inference
//!    profile (from the configured region when it is a US one, else `us-east-1`);
//! 2. if that profile is "invalid" too, the bare id is retried from `us-east-1`;
//! 3. "maximum tokens ... exceeds": `maxTokens` is dropped;
//! 4. streaming with tools unsupported: the tools are dropped;
//! 5. prompt caching unsupported: cache points are dropped.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use converse_types::ConverseStreamEvent;
use goai_core::{
    BoxFuture, Capabilities, Error, LanguageModel, ModelRequest, ModelResponse, PartStream,
    ResponseMetadata, StreamPart, Warning,
};
use hyper::body::Incoming;

use crate::call::{AttemptError, CallError, Operation, Target, invocation_id, to_headers};
use crate::client::Bedrock;
use crate::convert;
use crate::error::ServiceError;
use crate::family::Family;
use crate::routing::{self, ModelIdKind};
use crate::stream::{EventReader, ReadError};

/// Largest Converse response body accepted (64 MiB).
const MAX_RESPONSE_BODY: usize = 64 << 20;

/// A Bedrock chat model: implements goai-core's [`LanguageModel`].
///
/// Created by [`Bedrock::chat`]. Cheap to clone; shares the provider's
/// connection pool and credentials.
#[derive(Clone)]
pub struct BedrockChatModel {
    client: Bedrock,
    model_id: String,
    family: Family,
}

impl fmt::Debug for BedrockChatModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BedrockChatModel")
            .field("model_id", &self.model_id)
            .field("region", &self.client.region())
            .finish()
    }
}

impl BedrockChatModel {
    pub(crate) fn new(client: Bedrock, model_id: String) -> Self {
        let family = Family::from_model_id(&model_id);
        Self {
            client,
            model_id,
            family,
        }
    }

    /// The model family, which decides capabilities and how reasoning is requested.
    pub fn family(&self) -> Family {
        self.family
    }

    /// The region a call goes to, after cross-region profile routing.
    pub fn routed_region(&self) -> String {
        routing::route_region(&self.model_id, self.client.region())
    }
}

/// The per-request state of the fallback chain.
#[derive(Debug)]
struct Plan<'r> {
    request: Cow<'r, ModelRequest>,
    target: Target,
    original: String,
    configured_region: String,
    tried_us_profile: bool,
    tried_bare_us_east_1: bool,
    dropped_max_tokens: bool,
    dropped_tools: bool,
    dropped_caching: bool,
    warnings: Vec<Warning>,
}

impl<'r> Plan<'r> {
    fn new(model: &BedrockChatModel, request: &'r ModelRequest) -> Self {
        let configured_region = model.client.region().to_owned();
        Self {
            request: Cow::Borrowed(request),
            target: Target {
                model_id: model.model_id.clone(),
                region: routing::route_region(&model.model_id, &configured_region),
            },
            original: model.model_id.clone(),
            configured_region,
            tried_us_profile: false,
            tried_bare_us_east_1: false,
            dropped_max_tokens: false,
            dropped_tools: false,
            dropped_caching: false,
            warnings: Vec::new(),
        }
    }

    fn uses_caching(&self) -> bool {
        self.request.prompt_caching
            || self
                .request
                .messages
                .iter()
                .any(|m| m.content.iter().any(|p| p.cache.is_some()))
    }

    /// Applies the next fallback step for `err`, if one applies.
    fn fallback(&mut self, err: &ServiceError, streaming: bool) -> bool {
        let step: &'static str = if !self.tried_us_profile
            && routing::classify(&self.original) == ModelIdKind::Bare
            && err.wants_inference_profile()
        {
            self.tried_us_profile = true;
            let us = routing::GEOS
                .iter()
                .find(|g| g.prefix == "us.")
                .map(|g| g.serves(&self.configured_region));
            let region = if us == Some(true) {
                self.configured_region.clone()
            } else {
                "us-east-1".to_owned()
            };
            self.target = Target {
                model_id: format!("us.{}", self.original),
                region,
            };
            "retry with the us. cross-region inference profile"
        } else if self.tried_us_profile
            && !self.tried_bare_us_east_1
            && self.target.model_id != self.original
            && err.invalid_model_identifier()
        {
            self.tried_bare_us_east_1 = true;
            self.target = Target {
                model_id: self.original.clone(),
                region: "us-east-1".to_owned(),
            };
            "retry the bare model id from us-east-1"
        } else if !self.dropped_max_tokens
            && self.request.max_output_tokens.is_some()
            && err.max_tokens_too_large()
        {
            self.dropped_max_tokens = true;
            self.request.to_mut().max_output_tokens = None;
            "drop maxTokens"
        } else if streaming
            && !self.dropped_tools
            && !self.request.tools.is_empty()
            && err.tools_unsupported_in_stream()
        {
            self.dropped_tools = true;
            let req = self.request.to_mut();
            req.tools.clear();
            req.tool_choice = None;
            "drop tools (not supported while streaming)"
        } else if !self.dropped_caching && self.uses_caching() && err.prompt_caching_unsupported() {
            self.dropped_caching = true;
            let req = self.request.to_mut();
            req.prompt_caching = false;
            for part in req.messages.iter_mut().flat_map(|m| m.content.iter_mut()) {
                part.cache = None;
            }
            "drop prompt caching"
        } else {
            return false;
        };
        tracing::debug!(
            model_id = %self.original,
            fallback = step,
            target_model_id = %self.target.model_id,
            region = %self.target.region,
            error_type = err.kind.name(),
            error = %err.message,
            "Bedrock fallback"
        );
        self.warnings.push(Warning::Other {
            message: format!("bedrock fallback: {step} (after: {})", err.message),
        });
        true
    }
}

/// A ConverseStream response opened and read up to its first content event.
struct Opened {
    reader: EventReader,
    head: Vec<ConverseStreamEvent>,
    metadata: ResponseMetadata,
}

impl BedrockChatModel {
    /// The settings for the plan's current target; the model's own family
    /// when the target is the model's id (no second classification).
    fn settings(&self, plan: &Plan<'_>, streaming: bool) -> convert::RequestSettings {
        let model_id = &plan.target.model_id;
        let family = if *model_id == self.model_id {
            self.family
        } else {
            Family::from_model_id(model_id)
        };
        convert::RequestSettings::with_family(
            model_id,
            family,
            self.client.model_options(),
            streaming,
        )
    }

    fn body(plan: &Plan<'_>, settings: &convert::RequestSettings) -> Result<Bytes, Error> {
        convert::build_request_body(&plan.request, settings).map(Bytes::from)
    }

    fn response_metadata(target: &Target, headers: &http::HeaderMap) -> ResponseMetadata {
        let mut metadata = ResponseMetadata::default();
        metadata.id = headers
            .get("x-amzn-requestid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        metadata.model = Some(target.model_id.clone());
        metadata.headers = to_headers(headers);
        metadata
    }

    async fn run_generate(&self, request: &ModelRequest) -> Result<ModelResponse, Error> {
        let invocation = invocation_id();
        let mut plan = Plan::new(self, request);
        loop {
            let settings = self.settings(&plan, false);
            let body = Self::body(&plan, &settings)?;
            let transport = self.client.transport().clone();
            let target = plan.target.clone();
            let result = self
                .client
                .call(
                    &plan.target,
                    Operation::Converse,
                    body,
                    &plan.request.headers,
                    &invocation,
                    |response| {
                        let transport = transport.clone();
                        let target = target.clone();
                        async move {
                            let metadata = Self::response_metadata(&target, response.headers());
                            let mut body = response.into_body();
                            let bytes = transport
                                .read_body(&mut body, MAX_RESPONSE_BODY)
                                .await
                                .map_err(|e| AttemptError::Other(e.into()))?;
                            let parsed = converse_types::ConverseResponse::from_json(&bytes)
                                .map_err(|e| {
                                    AttemptError::Other(Error::Transport {
                                        message: format!("invalid Converse response body: {e}"),
                                        retryable: false,
                                        source: Some(std::sync::Arc::new(e)),
                                    })
                                })?;
                            Ok((parsed, metadata))
                        }
                    },
                )
                .await;
            match result {
                Ok((parsed, metadata)) => {
                    let mut response =
                        convert::map_converse_response(parsed, &plan.request, &settings)?;
                    add_request_id(&mut response.provider_metadata, metadata.id.as_deref());
                    response.metadata = metadata;
                    response.warnings.extend(plan.warnings);
                    return Ok(response);
                }
                Err(e) => {
                    if !self.try_fallback(&mut plan, &e, false) {
                        return Err(e.into_core());
                    }
                }
            }
        }
    }

    fn try_fallback(&self, plan: &mut Plan<'_>, err: &CallError, streaming: bool) -> bool {
        err.single_service_error()
            .is_some_and(|se| plan.fallback(se, streaming))
    }

    /// Not an `async fn`: the response and the target are used up before the
    /// first await, so the future keeps only the reader and the metadata.
    fn open_stream(
        transport: &crate::transport::Transport,
        target: &Target,
        response: http::Response<Incoming>,
    ) -> impl Future<Output = Result<Opened, AttemptError>> + use<> {
        let metadata = Self::response_metadata(target, response.headers());
        let mut reader = EventReader::new(response.into_body(), transport);
        async move {
            let mut head = Vec::new();
            // Read up to the first event with content, so that an exception at the
            // very start (throttling, tools unsupported while streaming, ...) is
            // retried or answered with a fallback instead of ending the stream.
            loop {
                match reader.next_event().await {
                    Ok(Some(event)) => {
                        let is_start = matches!(event, ConverseStreamEvent::MessageStart(_));
                        head.push(event);
                        if !is_start {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(ReadError::Service(se)) => return Err(AttemptError::Service(se)),
                    Err(ReadError::Broken(e)) => return Err(AttemptError::Other(e)),
                }
            }
            Ok(Opened {
                reader,
                head,
                metadata,
            })
        }
    }

    async fn run_stream(&self, request: &ModelRequest) -> Result<PartStream, Error> {
        let invocation = invocation_id();
        let mut plan = Plan::new(self, request);
        loop {
            let settings = self.settings(&plan, true);
            let body = Self::body(&plan, &settings)?;
            let transport = self.client.transport();
            let target = &plan.target;
            let result = self
                .client
                .call(
                    &plan.target,
                    Operation::ConverseStream,
                    body,
                    &plan.request.headers,
                    &invocation,
                    |response| Self::open_stream(transport, target, response),
                )
                .await;
            match result {
                Ok(opened) => {
                    let mapper = convert::StreamMapper::new(&plan.request, &settings);
                    return Ok(part_stream(opened, mapper, plan.warnings));
                }
                Err(e) => {
                    if !self.try_fallback(&mut plan, &e, true) {
                        return Err(e.into_core());
                    }
                }
            }
        }
    }

    /// `fut` bounded by the request timeout, if one is set. Not an `async fn`:
    /// that would keep `fut` twice in its state (as the argument and inside
    /// the timeout), doubling every boxed call future.
    fn with_deadline<T>(
        &self,
        fut: impl Future<Output = Result<T, Error>>,
    ) -> impl Future<Output = Result<T, Error>> {
        use futures_util::future::{Either, FutureExt};
        match self.client.transport().request_timeout() {
            Some(limit) => Either::Left(
                tokio::time::timeout(limit, fut)
                    .map(move |r| r.unwrap_or(Err(Error::Timeout { after: Some(limit) }))),
            ),
            None => Either::Right(fut),
        }
    }
}

/// Records the request id under `provider_metadata.bedrock.requestId`.
fn add_request_id(provider_metadata: &mut goai_core::ProviderMetadata, id: Option<&str>) {
    let Some(id) = id else { return };
    let entry = provider_metadata
        .entry("bedrock")
        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    if let Some(obj) = entry.as_object_mut() {
        obj.entry("requestId")
            .or_insert_with(|| serde_json::Value::String(id.to_owned()));
    }
}

/// A streamed response: the part stream itself, polled directly (no future
/// per event, and its state stays in place).
struct StreamState {
    reader: EventReader,
    mapper: Option<convert::StreamMapper>,
    pending: VecDeque<Result<StreamPart, Error>>,
    saw_message_stop: bool,
    saw_metadata: bool,
    request_id: Option<String>,
    finished: bool,
}

/// Queues mapped parts, adding the request id to the finish part.
struct Pending<'a> {
    queue: &'a mut VecDeque<Result<StreamPart, Error>>,
    request_id: Option<&'a str>,
}

impl convert::PartSink for Pending<'_> {
    fn push_part(&mut self, mut part: StreamPart) {
        if let StreamPart::Finish {
            provider_metadata, ..
        } = &mut part
        {
            add_request_id(provider_metadata, self.request_id);
        }
        self.queue.push_back(Ok(part));
    }
}

impl StreamState {
    fn push_event(&mut self, event: ConverseStreamEvent) {
        match &event {
            ConverseStreamEvent::MessageStop(_) => self.saw_message_stop = true,
            ConverseStreamEvent::Metadata(_) => self.saw_metadata = true,
            _ => {}
        }
        if let Some(mapper) = self.mapper.as_mut() {
            let mut sink = Pending {
                queue: &mut self.pending,
                request_id: self.request_id.as_deref(),
            };
            mapper.map_event(event, &mut sink);
        }
    }

    fn fail(&mut self, err: Error) {
        self.pending.push_back(Err(err));
        self.finished = true;
        self.mapper = None;
    }

    fn on_read(&mut self, read: Result<Option<ConverseStreamEvent>, ReadError>) {
        match read {
            Ok(Some(event)) => self.push_event(event),
            Ok(None) => {
                if !(self.saw_message_stop && self.saw_metadata) {
                    let missing = match (self.saw_message_stop, self.saw_metadata) {
                        (false, false) => "messageStop and metadata",
                        (false, true) => "messageStop",
                        _ => "metadata",
                    };
                    self.fail(Error::Stream {
                        message: format!("the event stream ended without {missing}"),
                        retryable: true,
                        source: None,
                    });
                    return;
                }
                self.finished = true;
                if let Some(mapper) = self.mapper.take() {
                    match mapper.finish() {
                        Ok(parts) => {
                            let mut sink = Pending {
                                queue: &mut self.pending,
                                request_id: self.request_id.as_deref(),
                            };
                            for part in parts {
                                convert::PartSink::push_part(&mut sink, part);
                            }
                        }
                        Err(e) => self.pending.push_back(Err(e)),
                    }
                }
            }
            Err(ReadError::Service(se)) => {
                tracing::debug!(error_type = se.kind.name(), error = %se.message, in_stream = se.in_stream, "Bedrock stream exception");
                self.fail(se.into_core());
            }
            Err(ReadError::Broken(e)) => self.fail(e),
        }
    }
}

impl futures_core::Stream for StreamState {
    type Item = Result<StreamPart, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.pending.pop_front() {
                return Poll::Ready(Some(item));
            }
            if this.finished {
                return Poll::Ready(None);
            }
            let read = ready!(this.reader.poll_next_event(cx));
            this.on_read(read);
        }
    }
}

/// Builds the part stream. Dropping it drops the response body, which closes
/// (or, for HTTP/2, resets) the connection.
fn part_stream(
    opened: Opened,
    mapper: convert::StreamMapper,
    warnings: Vec<Warning>,
) -> PartStream {
    let request_id = opened.metadata.id.clone();
    let mut state = Box::pin(StreamState {
        reader: opened.reader,
        mapper: Some(mapper),
        pending: VecDeque::new(),
        saw_message_stop: false,
        saw_metadata: false,
        request_id,
        finished: false,
    });
    state
        .pending
        .push_back(Ok(StreamPart::ResponseMetadata(opened.metadata)));
    if !warnings.is_empty() {
        state.pending.push_back(Ok(StreamPart::Warnings(warnings)));
    }
    for event in opened.head {
        state.push_event(event);
    }
    state
}

impl LanguageModel for BedrockChatModel {
    fn provider(&self) -> &str {
        "bedrock"
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn capabilities(&self) -> Capabilities {
        self.family.capabilities().to_core()
    }

    fn generate<'a>(
        &'a self,
        request: &'a ModelRequest,
    ) -> BoxFuture<'a, Result<ModelResponse, Error>> {
        Box::pin(self.with_deadline(self.run_generate(request)))
    }

    fn stream<'a>(&'a self, request: &'a ModelRequest) -> BoxFuture<'a, Result<PartStream, Error>> {
        Box::pin(self.with_deadline(self.run_stream(request)))
    }
}
