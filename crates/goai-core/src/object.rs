//! Structured output: `generate_object::<T>` and `stream_object::<T>`.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::{FutureExt, StreamExt};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::mpsc;
use tracing::Instrument;

use crate::error::Error;
use crate::generate::{controlled, text_of};
use crate::message::{PartKind, ProviderMetadata};
use crate::model::{
    FinishReason, LanguageModel, ModelRequest, ModelResponse, ResponseFormat, ResponseMetadata,
    StreamPart, ToolChoice, ToolDefinition, Usage, Warning,
};
use crate::partial_json::parse_partial_json;
use crate::request::Request;
use crate::stream::{Driven, StreamAccumulator};
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
    inner: Driven<'a, Value, ObjectResult<T>>,
    _type: PhantomData<fn() -> T>,
}

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
    pub async fn finish(self) -> Result<ObjectResult<T>, Error> {
        self.inner.finish().await
    }
}

impl<T> Stream for ObjectStream<'_, T> {
    type Item = Result<Value, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
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
/// As [`stream_text`](crate::stream_text) for errors before the first partial
/// object.
pub async fn stream_object<'a, T, M>(
    model: &'a M,
    request: Request,
) -> Result<ObjectStream<'a, T>, Error>
where
    T: DeserializeOwned + JsonSchema + Send + 'a,
    M: LanguageModel + ?Sized,
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
    let (tx, rx) = mpsc::channel(16);
    let (timeout, cancel) = (request.timeout, request.cancel.clone());
    let fut = async move {
        request.hooks.request(&plan.request);
        telemetry::record_input(request.telemetry.record_content, &plan.request);
        let mut stream = request.retry.run(|_| model.stream(&plan.request)).await?;
        let mut acc = StreamAccumulator::new();
        let mut buf = String::new();
        let mut last: Option<Value> = None;
        while let Some(item) = stream.next().await {
            let part = item?;
            acc.push(&part);
            let delta = match &part {
                StreamPart::TextDelta { text } if plan.native => text,
                StreamPart::ToolCallDelta { input_delta, .. } if !plan.native => input_delta,
                _ => continue,
            };
            buf.push_str(delta);
            let Some(partial) =
                parse_partial_json(json_start(&buf)).map(|v| unwrap_value(plan.wrapped, v))
            else {
                continue;
            };
            if last.as_ref() != Some(&partial) {
                tx.send(partial.clone())
                    .await
                    .map_err(|_| Error::Cancelled)?;
                last = Some(partial);
            }
        }
        let response = acc.finish()?;
        telemetry::record_response(
            &tracing::Span::current(),
            &response.metadata,
            &response.finish_reason,
            &response.usage,
        );
        request.hooks.response(&response);
        finalize::<T>(&plan, response)
    };
    let driver = controlled(fut, timeout, cancel).instrument(span).boxed();
    Ok(ObjectStream {
        inner: Driven::new(driver, rx).start().await?,
        _type: PhantomData,
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
