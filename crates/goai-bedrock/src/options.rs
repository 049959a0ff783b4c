//! Typed model-request options shared by the provider configuration and the
//! request mapping: reasoning, guardrails, performance, service tier.
//!
//! These are provider-level settings set once on [`crate::BedrockBuilder`].
//! The request mapping ([`crate::convert`]) turns them into the wire shapes of
//! `converse-types`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Whether extended reasoning ("thinking") is requested, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ReasoningType {
    /// Reasoning on, with a token budget ([`ReasoningConfig::budget_tokens`]).
    Enabled,
    /// Reasoning explicitly off.
    Disabled,
    /// The model decides when and how much to reason (Anthropic `adaptive`).
    Adaptive,
}

impl ReasoningType {
    /// The wire value: `enabled`, `disabled` or `adaptive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Adaptive => "adaptive",
        }
    }
}

/// How hard the model should reason (Anthropic `output_config.effort`,
/// `reasoningConfig.maxReasoningEffort` of other vendors, OpenAI `reasoning_effort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ReasoningEffort {
    /// Low effort.
    Low,
    /// Medium effort.
    Medium,
    /// High effort.
    High,
    /// Maximum effort (Anthropic only; other vendors receive `high`).
    Max,
}

impl ReasoningEffort {
    /// The wire value: `low`, `medium`, `high` or `max`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Max => "max",
        }
    }
}

/// Reasoning ("extended thinking") configuration.
///
/// Set it for every request with [`crate::BedrockBuilder::reasoning`], or per
/// request through provider options under the `bedrock` key:
/// `{"bedrock": {"reasoningConfig": {"type": "enabled", "budgetTokens": 2048}}}`.
/// **The per-request value wins** over the provider-level one.
///
/// How it reaches the model depends on the vendor (see [`crate::family`]):
/// Anthropic gets `thinking` (+ `output_config.effort`), Amazon Nova and most
/// others get `reasoningConfig`, OpenAI gpt-oss gets `reasoning_effort`.
///
/// # Examples
///
/// ```
/// use goai_bedrock::{ReasoningConfig, ReasoningEffort};
/// let cfg = ReasoningConfig::enabled(2048).with_max_reasoning_effort(ReasoningEffort::High);
/// assert_eq!(cfg.budget_tokens, Some(2048));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReasoningConfig {
    /// Enabled, disabled or adaptive; `None` leaves the model's default.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ReasoningType>,
    /// The reasoning token budget (used with [`ReasoningType::Enabled`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_tokens: Option<u32>,
    /// The maximum reasoning effort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_reasoning_effort: Option<ReasoningEffort>,
}

impl ReasoningConfig {
    /// Reasoning enabled with a budget of `budget_tokens`.
    pub fn enabled(budget_tokens: u32) -> Self {
        Self {
            kind: Some(ReasoningType::Enabled),
            budget_tokens: Some(budget_tokens),
            max_reasoning_effort: None,
        }
    }

    /// Reasoning explicitly disabled.
    pub fn disabled() -> Self {
        Self {
            kind: Some(ReasoningType::Disabled),
            budget_tokens: None,
            max_reasoning_effort: None,
        }
    }

    /// Adaptive reasoning: the model decides.
    pub fn adaptive() -> Self {
        Self {
            kind: Some(ReasoningType::Adaptive),
            budget_tokens: None,
            max_reasoning_effort: None,
        }
    }

    /// Only an effort level, no explicit type.
    pub fn effort(effort: ReasoningEffort) -> Self {
        Self {
            kind: None,
            budget_tokens: None,
            max_reasoning_effort: Some(effort),
        }
    }

    /// Sets the maximum reasoning effort.
    #[must_use]
    pub fn with_max_reasoning_effort(mut self, effort: ReasoningEffort) -> Self {
        self.max_reasoning_effort = Some(effort);
        self
    }

    /// Sets the reasoning token budget.
    #[must_use]
    pub fn with_budget_tokens(mut self, budget_tokens: u32) -> Self {
        self.budget_tokens = Some(budget_tokens);
        self
    }
}

/// Whether and how much guardrail trace Bedrock returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GuardrailTrace {
    /// Trace on.
    Enabled,
    /// Trace off.
    Disabled,
    /// Full trace, including non-intervening policies.
    EnabledFull,
}

impl GuardrailTrace {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::EnabledFull => "enabled_full",
        }
    }
}

/// How a guardrail processes a streamed response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum GuardrailStreamProcessingMode {
    /// Chunks are held until the guardrail has checked them.
    Sync,
    /// Chunks are sent as they come; the guardrail checks in the background.
    Async,
}

impl GuardrailStreamProcessingMode {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sync => "sync",
            Self::Async => "async",
        }
    }
}

/// A guardrail applied to every request (`guardrailConfig`).
///
/// # Examples
///
/// ```
/// use goai_bedrock::{GuardrailConfig, GuardrailStreamProcessingMode, GuardrailTrace};
/// let g = GuardrailConfig::new("gr-123", "1")
///     .with_trace(GuardrailTrace::Enabled)
///     .with_stream_processing_mode(GuardrailStreamProcessingMode::Async);
/// assert_eq!(g.identifier, "gr-123");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GuardrailConfig {
    /// The guardrail identifier or ARN.
    pub identifier: String,
    /// The guardrail version (`"DRAFT"` or a number).
    pub version: String,
    /// The trace behaviour; `None` leaves Bedrock's default (disabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<GuardrailTrace>,
    /// The processing mode for ConverseStream; ignored by Converse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_processing_mode: Option<GuardrailStreamProcessingMode>,
}

impl GuardrailConfig {
    /// A guardrail by identifier and version.
    pub fn new(identifier: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            identifier: identifier.into(),
            version: version.into(),
            trace: None,
            stream_processing_mode: None,
        }
    }

    /// Sets the trace behaviour.
    #[must_use]
    pub fn with_trace(mut self, trace: GuardrailTrace) -> Self {
        self.trace = Some(trace);
        self
    }

    /// Sets the stream processing mode (ConverseStream only).
    #[must_use]
    pub fn with_stream_processing_mode(mut self, mode: GuardrailStreamProcessingMode) -> Self {
        self.stream_processing_mode = Some(mode);
        self
    }
}

/// Latency profile (`performanceConfig.latency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum PerformanceLatency {
    /// The standard model.
    Standard,
    /// The latency-optimized version of the model, where one exists.
    Optimized,
}

impl PerformanceLatency {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Optimized => "optimized",
        }
    }
}

/// Processing tier (`serviceTier.type`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ServiceTier {
    /// Priority processing.
    Priority,
    /// The default tier.
    Default,
    /// Flex (cheaper, slower) processing.
    Flex,
    /// Reserved capacity.
    Reserved,
}

impl ServiceTier {
    /// The wire value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Priority => "priority",
            Self::Default => "default",
            Self::Flex => "flex",
            Self::Reserved => "reserved",
        }
    }
}

/// Provider-level model-request settings, handed to the request mapping with
/// every call. Built by [`crate::BedrockBuilder`]; per-request provider options
/// override the matching fields.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ModelOptions {
    /// Reasoning configuration (per-request provider options win).
    pub reasoning: Option<ReasoningConfig>,
    /// Extra `additionalModelRequestFields`, merged under the mapped ones.
    pub additional_model_request_fields: serde_json::Map<String, serde_json::Value>,
    /// `anthropic_beta` flags (merged with per-request ones and de-duplicated).
    pub anthropic_beta: Vec<String>,
    /// Guardrail applied to every request.
    pub guardrail: Option<GuardrailConfig>,
    /// Latency profile.
    pub performance_latency: Option<PerformanceLatency>,
    /// Processing tier.
    pub service_tier: Option<ServiceTier>,
    /// `requestMetadata` key/value pairs (at most 16; logged by Bedrock invocation logging).
    pub request_metadata: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasoning_config_parses_provider_option_shape() {
        let cfg: ReasoningConfig = serde_json::from_value(serde_json::json!({
            "type": "enabled", "budgetTokens": 1024, "maxReasoningEffort": "high"
        }))
        .expect("valid config");
        assert_eq!(
            cfg,
            ReasoningConfig::enabled(1024).with_max_reasoning_effort(ReasoningEffort::High)
        );
        let back = serde_json::to_value(&cfg).expect("serializes");
        assert_eq!(back["type"], "enabled");
        assert_eq!(back["budgetTokens"], 1024);
    }

    #[test]
    fn wire_values() {
        assert_eq!(GuardrailTrace::EnabledFull.as_str(), "enabled_full");
        assert_eq!(
            serde_json::to_value(GuardrailTrace::EnabledFull).ok(),
            Some("enabled_full".into())
        );
        assert_eq!(ServiceTier::Flex.as_str(), "flex");
        assert_eq!(PerformanceLatency::Optimized.as_str(), "optimized");
        assert_eq!(GuardrailStreamProcessingMode::Async.as_str(), "async");
        assert_eq!(ReasoningEffort::Max.as_str(), "max");
        assert_eq!(ReasoningType::Adaptive.as_str(), "adaptive");
    }
}
