//! Tools the model can call, and their calls and results.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_util::FutureExt;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ToolError;
use crate::model::{BoxFuture, ToolDefinition};

type Handler = dyn Fn(Value) -> BoxFuture<'static, Result<Value, ToolError>> + Send + Sync;

/// A tool: a name, a description, a JSON schema for its input and an async
/// handler.
///
/// # Examples
///
/// ```
/// use goai_core::Tool;
/// use schemars::JsonSchema;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, JsonSchema)]
/// struct Weather { city: String }
///
/// let tool = Tool::typed("weather", "Current weather for a city", |args: Weather| async move {
///     Ok::<_, std::convert::Infallible>(format!("sunny in {}", args.city))
/// });
/// assert_eq!(tool.definition().name, "weather");
/// assert_eq!(tool.definition().input_schema["properties"]["city"]["type"], "string");
/// ```
#[derive(Clone)]
pub struct Tool {
    definition: ToolDefinition,
    handler: Arc<Handler>,
}

impl fmt::Debug for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tool")
            .field("definition", &self.definition)
            .finish_non_exhaustive()
    }
}

impl Tool {
    /// A tool with a hand-written JSON schema and a handler taking raw JSON.
    /// A handler error is sent to the model as an error result with its
    /// `Display` text.
    pub fn new<F, Fut, E>(
        name: impl Into<String>,
        description: impl Into<String>,
        input_schema: Value,
        handler: F,
    ) -> Self
    where
        F: Fn(Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, E>> + Send + 'static,
        E: fmt::Display,
    {
        let name = name.into();
        let tool_name = name.clone();
        let handler = move |input: Value| {
            let tool_name = tool_name.clone();
            handler(input)
                .map(move |r| r.map_err(|e| ToolError::execution(tool_name, e.to_string())))
                .boxed()
        };
        Self {
            definition: ToolDefinition::new(name, description, input_schema),
            handler: Arc::new(handler),
        }
    }

    /// A typed tool: the input schema is derived from `A` with schemars, the
    /// model's input is deserialized into `A` (a mismatch is reported to the
    /// model as an error result), and the handler's output is serialized to
    /// JSON (a `String` output becomes a JSON string).
    pub fn typed<A, F, Fut, O, E>(
        name: impl Into<String>,
        description: impl Into<String>,
        handler: F,
    ) -> Self
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
        O: Serialize,
        E: fmt::Display,
    {
        let name = name.into();
        let tool_name = name.clone();
        let handler = Arc::new(handler);
        let erased = move |input: Value| -> BoxFuture<'static, Result<Value, ToolError>> {
            let tool_name = tool_name.clone();
            let args = match serde_json::from_value::<A>(input) {
                Ok(a) => a,
                Err(e) => {
                    return futures_util::future::ready(Err(ToolError::invalid_input(
                        tool_name,
                        e.to_string(),
                    )))
                    .boxed();
                }
            };
            handler(args)
                .map(move |r| match r {
                    Ok(out) => serde_json::to_value(out)
                        .map_err(|e| ToolError::execution(tool_name, e.to_string())),
                    Err(e) => Err(ToolError::execution(tool_name, e.to_string())),
                })
                .boxed()
        };
        Self {
            definition: ToolDefinition::new(name, description, schema_for::<A>()),
            handler: Arc::new(erased),
        }
    }

    /// Marks the tool's schema as strict (where the provider supports it).
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.definition.strict = strict;
        self
    }

    /// The definition sent to the model.
    pub fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    /// The tool name.
    pub fn name(&self) -> &str {
        &self.definition.name
    }

    /// Runs the handler on `input`.
    ///
    /// # Errors
    ///
    /// [`ToolError`] of kind `InvalidInput` when a typed tool's input does not
    /// deserialize, `Execution` when the handler fails.
    pub async fn call(&self, input: Value) -> Result<Value, ToolError> {
        (self.handler)(input).await
    }
}

/// The JSON Schema of `T` as a tool input or output schema: draft 2020-12,
/// subschemas inlined where possible, without the `$schema` key.
pub fn schema_for<T: JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.remove("$schema");
    }
    schema
}

/// A tool call made by the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCall {
    /// The call id.
    pub id: String,
    /// The tool name.
    pub name: String,
    /// The JSON input.
    pub input: Value,
}

impl ToolCall {
    /// A tool call.
    pub fn new(id: impl Into<String>, name: impl Into<String>, input: Value) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            input,
        }
    }
}

/// The result of a tool call, as sent back to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolResult {
    /// The id of the call.
    pub id: String,
    /// The tool name.
    pub name: String,
    /// The output.
    pub output: Value,
    /// Whether the output describes a failure.
    pub is_error: bool,
}

impl ToolResult {
    /// A successful result.
    pub fn ok(call: &ToolCall, output: Value) -> Self {
        Self {
            id: call.id.clone(),
            name: call.name.clone(),
            output,
            is_error: false,
        }
    }

    /// An error result carrying `message`.
    pub fn error(call: &ToolCall, message: impl Into<String>) -> Self {
        Self {
            id: call.id.clone(),
            name: call.name.clone(),
            output: Value::String(message.into()),
            is_error: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ToolErrorKind;

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)] // Only the schema of `b` matters.
    struct Args {
        a: i64,
        b: Option<String>,
    }

    fn add() -> Tool {
        Tool::typed("add", "adds", |args: Args| async move {
            if args.a < 0 {
                Err("negative")
            } else {
                Ok(args.a + 1)
            }
        })
    }

    #[tokio::test]
    async fn typed_tool_roundtrip_and_errors() {
        let t = add();
        assert_eq!(
            t.call(serde_json::json!({"a": 1})).await.unwrap(),
            serde_json::json!(2)
        );
        let e = t.call(serde_json::json!({"a": "x"})).await.unwrap_err();
        assert_eq!(e.kind, ToolErrorKind::InvalidInput);
        let e = t.call(serde_json::json!({"a": -1})).await.unwrap_err();
        assert_eq!(e.kind, ToolErrorKind::Execution);
        assert_eq!(e.message, "negative");
    }

    #[test]
    fn schema_is_object_without_meta() {
        let s = add().definition().input_schema.clone();
        assert_eq!(s["type"], "object");
        assert!(s.get("$schema").is_none());
        assert_eq!(s["required"], serde_json::json!(["a"]));
    }
}
