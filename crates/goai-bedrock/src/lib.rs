#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod call;
mod chat;
mod client;
pub mod convert;
mod count_tokens;
pub mod credentials;
pub mod embed;
mod env;
mod error;
pub mod family;
pub mod options;
mod routing;
mod signing;
mod stream;
pub mod transport;

pub use chat::BedrockChatModel;
pub use client::{Bedrock, BedrockBuilder, ConfigError, DEFAULT_REGION};
pub use embed::{BedrockEmbeddingModel, EmbeddingFamily, EmbeddingOptions};
pub use env::Env;
pub use goai_core::RetryPolicy;
pub use options::{
    GuardrailConfig, GuardrailStreamProcessingMode, GuardrailTrace, ModelOptions,
    PerformanceLatency, ReasoningConfig, ReasoningEffort, ReasoningType, ServiceTier,
};
