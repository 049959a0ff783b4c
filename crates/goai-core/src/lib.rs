//! # goai-core
//!
//! The provider-agnostic core of goai-rs: one API for chat models and
//! embedding models, whatever the provider.
//!
//! It does **not** do any I/O itself and never names a provider or a
//! transport: providers (such as `goai-bedrock`) implement [`LanguageModel`]
//! and [`EmbeddingModel`].
#![forbid(unsafe_code)]
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]

mod embed;
mod error;
mod headers;
mod message;
mod model;

pub use crate::embed::{
    EmbeddingInput, EmbeddingModel, EmbeddingRequest, EmbeddingResponse, EmbeddingUsage,
};
pub use crate::error::{ApiError, BoxError, Error, Result, ToolError, ToolErrorKind};
pub use crate::headers::Headers;
pub use crate::message::{
    CacheControl, DataSource, Message, Part, PartKind, ProviderMetadata, ProviderOptions, Role,
};
pub use crate::model::{
    BoxFuture, BoxStream, Capabilities, FinishKind, FinishReason, LanguageModel, ModelRequest,
    ModelResponse, PartStream, ResponseFormat, ResponseMetadata, StreamPart, ToolChoice,
    ToolDefinition, Usage, Warning,
};
