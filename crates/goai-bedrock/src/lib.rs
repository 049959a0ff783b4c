//! The Amazon Bedrock provider for goai-rs.
#![forbid(unsafe_code)]

pub mod convert;
pub mod credentials;
mod env;
#[allow(dead_code)] // used by the chat client, which lands with the request mapping
mod error;
pub mod family;
pub mod options;
#[allow(dead_code)] // used by the chat client, which lands with the request mapping
mod routing;
#[allow(dead_code)] // used by the chat client, which lands with the request mapping
mod signing;
#[allow(dead_code)] // used by the chat client, which lands with the request mapping
mod stream;
pub mod transport;

pub use env::Env;
pub use options::{
    GuardrailConfig, GuardrailStreamProcessingMode, GuardrailTrace, ModelOptions,
    PerformanceLatency, ReasoningConfig, ReasoningEffort, ReasoningType, ServiceTier,
};
