#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

mod cancel;
mod embed;
mod error;
mod generate;
mod headers;
mod hooks;
mod message;
mod model;
mod object;
mod partial_json;
mod request;
mod retry;
mod stream;
mod telemetry;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod tool;

pub use crate::cancel::CancellationToken;
pub use crate::embed::{
    EmbedManyResult, EmbedRequest, EmbedResult, EmbeddingInput, EmbeddingModel, EmbeddingRequest,
    EmbeddingResponse, EmbeddingUsage, embed, embed_many,
};
pub use crate::error::{ApiError, BoxError, Error, Result, ToolError, ToolErrorKind};
pub use crate::generate::{GenerateTextResult, StepResult, generate_text};
pub use crate::headers::Headers;
pub use crate::hooks::{BeforeTool, Hooks};
pub use crate::message::{
    CacheControl, DataSource, Message, Part, PartKind, ProviderMetadata, ProviderOptions, Role,
};
pub use crate::model::{
    BoxFuture, BoxStream, Capabilities, FinishKind, FinishReason, LanguageModel, ModelRequest,
    ModelResponse, PartStream, ResponseFormat, ResponseMetadata, StreamPart, ToolChoice,
    ToolDefinition, Usage, Warning,
};
pub use crate::object::{
    OBJECT_TOOL_NAME, ObjectResult, ObjectStream, generate_object, stream_object,
};
pub use crate::partial_json::parse_partial_json;
pub use crate::request::{Request, StopCondition, TelemetrySettings, ToolExecution};
pub use crate::retry::RetryPolicy;
pub use crate::stream::{StreamAccumulator, TextStream, stream_text};
pub use crate::tool::{Tool, ToolCall, ToolResult, schema_for};
