//! The Amazon Bedrock provider for goai-rs.
#![forbid(unsafe_code)]

pub mod convert;
pub mod credentials;
mod env;
pub mod family;
pub mod options;
mod routing;
pub mod transport;

pub use env::Env;
pub use options::{
    GuardrailConfig, GuardrailStreamProcessingMode, GuardrailTrace, ModelOptions,
    PerformanceLatency, ReasoningConfig, ReasoningEffort, ReasoningType, ServiceTier,
};
