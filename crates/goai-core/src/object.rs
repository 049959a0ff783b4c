//! Structured output: `generate_object::<T>` and `stream_object::<T>`.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;
use tracing::{Instrument, Span};

use crate::error::Error;
use crate::generate::{controlled, controlled_until, text_of};
use crate::hooks::Hooks;
use crate::message::{PartKind, ProviderMetadata};
use crate::model::{
    FinishReason, LanguageModel, ModelRequest, ModelResponse, PartStream, ResponseFormat,
    ResponseMetadata, StreamPart, ToolChoice, ToolDefinition, Usage, Warning,
};
use crate::partial_json::parse_partial_json;
use crate::request::Request;
use crate::stream::{Control, StreamAccumulator, cancelled};
use crate::telemetry;
use crate::tool::schema_for;

/// The name of the tool forced when the model has no native structured output.
pub const OBJECT_TOOL_NAME: &str = "json";

/// The result of [`generate_object`] and [`ObjectStream::finish`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ObjectResult<T> {
    /// The validated object.
    pub object: T,
    /// The raw JSON text the model produced.
    pub raw: String,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// Token usage.
    pub usage: Usage,
    /// Response metadata.
    pub metadata: ResponseMetadata,
    /// Provider metadata.
    pub provider_metadata: ProviderMetadata,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// How the schema is asked for, and whether it was wrapped.
struct Plan {
    native: bool,
    /// Non-object schemas are wrapped as `{"value": ...}` for the forced tool.
    wrapped: bool,
    request: ModelRequest,
}

fn plan<T: JsonSchema>(caps_native: bool, mut request: ModelRequest) -> Plan {
    let schema = schema_for::<T>();
    let name = T::schema_name().into_owned();
    if caps_native {
        request.response_format = Some(ResponseFormat::JsonSchema {
            name,
            schema,
            strict: true,
        });
        return Plan {
            native: true,
            wrapped: false,
            request,
        };
    }
    let wrapped = schema.get("type").and_then(Value::as_str) != Some("object");
    let input_schema = if wrapped {
        serde_json::json!({"type": "object", "properties": {"value": schema}, "required": ["value"]})
    } else {
        schema
    };
    request.tools = vec![ToolDefinition::new(
        OBJECT_TOOL_NAME,
        format!("Respond with the {name} as the tool input."),
        input_schema,
    )];
    request.tool_choice = Some(ToolChoice::Tool(OBJECT_TOOL_NAME.to_owned()));
    Plan {
        native: false,
        wrapped,
        request,
    }
}

/// Skips anything before the first `{` or `[` (e.g. a Markdown code fence).
fn json_start(text: &str) -> &str {
    text.find(['{', '[']).map_or(text, |i| &text[i..])
}

fn json_text(text: &str) -> &str {
    let t = json_start(text).trim_end();
    let t = t.strip_suffix("```").unwrap_or(t);
    t.trim_end()
}

fn unwrap_value(wrapped: bool, v: Value) -> Value {
    match v {
        Value::Object(mut m) if wrapped => m.remove("value").unwrap_or(Value::Null),
        other => other,
    }
}

fn finalize<T: DeserializeOwned>(
    plan: &Plan,
    response: ModelResponse,
) -> Result<ObjectResult<T>, Error> {
    let raw = if plan.native {
        json_text(&text_of(&response.content)).to_owned()
    } else {
        let input = response.content.iter().find_map(|p| match &p.kind {
            PartKind::ToolCall { name, input, .. } if name == OBJECT_TOOL_NAME => Some(input),
            _ => None,
        });
        match input {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => json_text(&text_of(&response.content)).to_owned(),
        }
    };
    let value: Value = serde_json::from_str(&raw).map_err(|e| {
        Error::schema_validation(
            format!("the model's output is not valid JSON: {e}"),
            raw.clone(),
        )
    })?;
    let object = serde_json::from_value(unwrap_value(plan.wrapped, value)).map_err(|e| {
        Error::schema_validation(
            format!("the model's output does not match the type: {e}"),
            raw.clone(),
        )
    })?;
    Ok(ObjectResult {
        object,
        raw,
        finish_reason: response.finish_reason,
        usage: response.usage,
        metadata: response.metadata,
        provider_metadata: response.provider_metadata,
        warnings: response.warnings,
    })
}

/// Generates a value of type `T`, with the JSON schema derived from `T`.
///
/// Uses the provider's native structured output when
/// [`Capabilities::structured_output`](crate::Capabilities::structured_output)
/// is set, else forces a call of a tool named [`OBJECT_TOOL_NAME`] whose input
/// schema is `T`'s (non-object schemas are wrapped as `{"value": ...}`).
/// The request's tools, `max_steps` and tool settings are ignored; retries,
/// timeout, cancellation and the request/response hooks apply.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "testing")] {
/// use goai_core::{generate_object, Request, testing::MockLanguageModel};
/// use serde_json::json;
///
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Recipe { name: String, steps: Vec<String> }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let model = MockLanguageModel::new()
///     .with_tool_calls([("c1", "json", json!({"name": "Tea", "steps": ["boil", "steep"]}))]);
/// let out = generate_object::<Recipe, _>(&model, Request::prompt("A tea recipe")).await?;
/// assert_eq!(out.object.steps.len(), 2);
/// # Ok::<_, goai_core::Error>(()) }).unwrap();
/// # }
/// ```
///
/// # Errors
///
/// [`Error::SchemaValidation`] (with the raw text) when the output is not
/// valid JSON or does not deserialize into `T`; otherwise as
/// [`generate_text`](crate::generate_text).
pub async fn generate_object<T, M>(model: &M, request: Request) -> Result<ObjectResult<T>, Error>
where
    T: DeserializeOwned + JsonSchema,
    M: LanguageModel + ?Sized,
{
    generate_object_dyn::<T>(&model, request).await
}

/// [`generate_object`] for any model, behind one vtable (generic only over `T`).
async fn generate_object_dyn<T>(
    model: &dyn LanguageModel,
    request: Request,
) -> Result<ObjectResult<T>, Error>
where
    T: DeserializeOwned + JsonSchema,
{
    let plan = plan::<T>(
        model.capabilities().structured_output,
        request.model.clone(),
    );
    let span = telemetry::operation_span(
        "chat",
        model.provider(),
        model.model_id(),
        Some(&plan.request),
    );
    let fut = async {
        request.hooks.request(&plan.request);
        telemetry::record_input(request.telemetry.record_content, &plan.request);
        let response = request.retry.run(|_| model.generate(&plan.request)).await?;
        telemetry::record_response(
            &tracing::Span::current(),
            &response.metadata,
            &response.finish_reason,
            &response.usage,
        );
        request.hooks.response(&response);
        finalize(&plan, response)
    };
    controlled(fut, request.timeout, request.cancel.clone())
        .instrument(span)
        .await
}

/// The stream returned by [`stream_object`]: yields each new partial object
/// (as JSON) while the model writes it.
///
/// Partial objects are best effort: strings and arrays grow, a number at the
/// end may still change. Call [`finish`](Self::finish) for the validated `T`.
/// Dropping the stream cancels the call.
pub struct ObjectStream<'a, T> {
    parts: Option<PartStream>,
    acc: StreamAccumulator,
    /// The JSON text so far.
    buf: String,
    /// The last partial object yielded.
    last: Option<Value>,
    plan: Plan,
    hooks: Hooks,
    span: Span,
    control: Option<Box<Control>>,
    /// `finalize::<T>`, taken where `T`'s bounds hold.
    finalize: fn(&Plan, ModelResponse) -> Result<ObjectResult<T>, Error>,
    outcome: Option<Result<ObjectResult<T>, Error>>,
    error_yielded: bool,
    _model: PhantomData<&'a ()>,
}

// No field is structurally pinned.
impl<T> Unpin for ObjectStream<'_, T> {}

impl<T> fmt::Debug for ObjectStream<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectStream").finish_non_exhaustive()
    }
}

impl<T> ObjectStream<'_, T> {
    /// Consumes the rest of the stream and returns the validated object.
    ///
    /// # Errors
    ///
    /// [`Error::SchemaValidation`] with the raw text, or the error that ended
    /// the stream.
    pub async fn finish(mut self) -> Result<ObjectResult<T>, Error> {
        while self.next().await.is_some() {}
        self.outcome
            .take()
            .unwrap_or_else(|| Err(Error::stream("the stream has no outcome")))
    }

    fn fail(&mut self, e: Error) {
        self.parts = None;
        self.control = None;
        self.outcome = Some(Err(e));
    }

    /// The error that ended the stream, once.
    fn take_error(&mut self) -> Option<Result<Value, Error>> {
        match &self.outcome {
            Some(Err(e)) if !self.error_yielded => {
                self.error_yielded = true;
                Some(Err(e.clone()))
            }
            _ => None,
        }
    }
}

impl<T> Stream for ObjectStream<'_, T> {
    type Item = Result<Value, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.outcome.is_some() {
                return Poll::Ready(this.take_error());
            }
            if cancelled(this.control.as_deref()) {
                this.fail(Error::Cancelled);
                continue;
            }
            let polled = {
                let _op = this.span.enter();
                match &mut this.parts {
                    Some(parts) => parts.poll_next_unpin(cx),
                    None => Poll::Ready(None),
                }
            };
            match polled {
                Poll::Ready(Some(Ok(part))) => {
                    this.acc.push(&part);
                    let delta = match &part {
                        StreamPart::TextDelta { text } if this.plan.native => text,
                        StreamPart::ToolCallDelta { input_delta, .. } if !this.plan.native => {
                            input_delta
                        }
                        _ => continue,
                    };
                    this.buf.push_str(delta);
                    let Some(partial) = parse_partial_json(json_start(&this.buf))
                        .map(|v| unwrap_value(this.plan.wrapped, v))
                    else {
                        continue;
                    };
                    if this.last.as_ref() != Some(&partial) {
                        this.last = Some(partial.clone());
                        return Poll::Ready(Some(Ok(partial)));
                    }
                }
                Poll::Ready(Some(Err(e))) => this.fail(e),
                Poll::Ready(None) => {
                    this.parts = None;
                    this.control = None;
                    let _op = this.span.enter();
                    let outcome = std::mem::take(&mut this.acc).finish().and_then(|response| {
                        telemetry::record_response(
                            &this.span,
                            &response.metadata,
                            &response.finish_reason,
                            &response.usage,
                        );
                        this.hooks.response(&response);
                        (this.finalize)(&this.plan, response)
                    });
                    this.outcome = Some(outcome);
                }
                Poll::Pending => {
                    return match this.control.as_mut().and_then(|c| c.poll_pending(cx)) {
                        Some(e) => {
                            this.fail(e);
                            Poll::Ready(this.take_error())
                        }
                        None => Poll::Pending,
                    };
                }
            }
        }
    }
}

/// Streams a value of type `T`, yielding partial objects as they arrive.
///
/// Chooses native structured output or a forced tool like [`generate_object`].
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "testing")] {
/// use futures_util::StreamExt;
/// use goai_core::{stream_object, Request, StreamPart, testing::MockLanguageModel, Capabilities};
///
/// #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
/// struct Person { name: String }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let model = MockLanguageModel::new()
///     .with_capabilities(Capabilities::default().with_structured_output(true))
///     .with_text(r#"{"name": "Ada"}"#);
/// let mut stream = stream_object::<Person, _>(&model, Request::prompt("Someone")).await?;
/// while let Some(partial) = stream.next().await {
///     println!("{}", partial?);
/// }
/// assert_eq!(stream.finish().await?.object.name, "Ada");
/// # Ok::<_, goai_core::Error>(()) }).unwrap();
/// # }
/// ```
///
/// # Errors
///
/// As [`stream_text`](crate::stream_text): errors in starting the call come
/// back here, later ones as an `Err` item of the stream.
pub async fn stream_object<'a, T, M>(
    model: &'a M,
    request: Request,
) -> Result<ObjectStream<'a, T>, Error>
where
    T: DeserializeOwned + JsonSchema + Send + 'a,
    M: LanguageModel + ?Sized,
{
    // Compiled once for `dyn LanguageModel`, as in `stream_text`.
    stream_object_dyn::<T>(&model, request).await
}

/// [`stream_object`] for any model, behind one vtable (generic only over `T`).
async fn stream_object_dyn<'a, T>(
    model: &dyn LanguageModel,
    request: Request,
) -> Result<ObjectStream<'a, T>, Error>
where
    T: DeserializeOwned + JsonSchema + Send + 'a,
{
    let Request {
        model: mreq,
        retry,
        timeout,
        cancel,
        hooks,
        telemetry: tel,
        ..
    } = request;
    let plan = plan::<T>(model.capabilities().structured_output, mreq);
    let span = telemetry::operation_span(
        "chat",
        model.provider(),
        model.model_id(),
        Some(&plan.request),
    );
    let deadline = timeout.map(|d| (Instant::now() + d, d));
    let open = async {
        hooks.request(&plan.request);
        telemetry::record_input(tel.record_content, &plan.request);
        retry.run(|_| model.stream(&plan.request)).await
    };
    let parts = controlled_until(open, deadline, cancel.as_ref())
        .instrument(span.clone())
        .await?;
    Ok(ObjectStream {
        parts: Some(parts),
        acc: StreamAccumulator::new(),
        buf: String::new(),
        last: None,
        plan: Plan {
            request: ModelRequest::default(),
            ..plan
        },
        hooks,
        span,
        control: Control::new(deadline, cancel),
        finalize: finalize::<T>,
        outcome: None,
        error_yielded: false,
        _model: PhantomData,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_strips_fences() {
        assert_eq!(json_text("```json\n{\"a\": 1}\n```"), "{\"a\": 1}");
        assert_eq!(json_text("[1]"), "[1]");
    }

    #[test]
    fn non_object_schemas_are_wrapped_for_the_tool() {
        let p = plan::<Vec<u32>>(false, ModelRequest::default());
        assert!(p.wrapped);
        assert_eq!(
            p.request.tools[0].input_schema["required"],
            serde_json::json!(["value"])
        );
        let p = plan::<Vec<u32>>(true, ModelRequest::default());
        assert!(matches!(
            p.request.response_format,
            Some(ResponseFormat::JsonSchema { .. })
        ));
    }
}
