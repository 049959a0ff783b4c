//! Reasoning ("thinking") configuration per vendor.
//!
//! | style | enabled | adaptive | disabled | effort |
//! |---|---|---|---|---|
//! | Anthropic | `thinking: {type: enabled, budget_tokens}` | `thinking: {type: adaptive}` (Claude 4.6; budget thinking elsewhere) | nothing sent | `output_config: {effort}` (Opus 4.5, Claude 4.6) |
//! | `reasoningConfig` (Nova 2, ...) | `reasoningConfig: {type: enabled}` | same as enabled | `reasoningConfig: {type: disabled}` | `maxReasoningEffort` (`max` sent as `high`) |
//! | OpenAI gpt-oss | effort or nothing | effort or nothing | not possible (warning) | `reasoning_effort` (`max` sent as `high`) |
//! | always on | nothing sent | nothing sent | not possible (warning) | not possible (warning) |
//!
//! An Anthropic `enabled` config without a budget uses
//! [`DEFAULT_THINKING_BUDGET`]. When Anthropic thinking is on, its budget is
//! added to `maxTokens` (which defaults to [`DEFAULT_VISIBLE_MAX_TOKENS`] plus
//! the budget when the request sets no limit), and temperature, topP and topK
//! are dropped with a warning, as Bedrock rejects them with thinking. The same
//! sampling settings are dropped for a `reasoningConfig` model with reasoning
//! on.

use goai_core::Warning;
use serde_json::{Map, Value, json};

use crate::family::ReasoningStyle;
use crate::options::{ReasoningConfig, ReasoningEffort, ReasoningType};

/// Budget used for Anthropic thinking when none is given.
pub const DEFAULT_THINKING_BUDGET: u32 = 4096;

/// Visible output tokens assumed when thinking is on and no `maxTokens` is set.
pub const DEFAULT_VISIBLE_MAX_TOKENS: u32 = 4096;

/// What a reasoning config turns into for one request.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct ReasoningPlan {
    /// Fields for `additionalModelRequestFields`.
    pub(crate) fields: Map<String, Value>,
    /// The thinking budget to add to `maxTokens`.
    pub(crate) budget: Option<u32>,
    /// Whether sampling settings must be dropped.
    pub(crate) drops_sampling: bool,
    /// Anthropic thinking is on (forced tool choice is rejected with it).
    pub(crate) anthropic_thinking: bool,
    /// Settings that could not be honoured.
    pub(crate) warnings: Vec<Warning>,
}

fn unsupported(setting: &str, details: impl Into<String>) -> Warning {
    Warning::UnsupportedSetting {
        setting: setting.to_owned(),
        details: Some(details.into()),
    }
}

/// `max` is Anthropic-only; other vendors get `high`.
fn non_anthropic_effort(effort: ReasoningEffort) -> &'static str {
    match effort {
        ReasoningEffort::Max => "high",
        other => other.as_str(),
    }
}

/// Maps `config` for a family with the given reasoning style.
pub(crate) fn plan(config: Option<&ReasoningConfig>, style: ReasoningStyle) -> ReasoningPlan {
    let mut out = ReasoningPlan::default();
    let Some(cfg) = config else { return out };
    let wants_on = matches!(
        cfg.kind,
        Some(ReasoningType::Enabled | ReasoningType::Adaptive)
    );
    match style {
        ReasoningStyle::None => {
            if cfg.kind != Some(ReasoningType::Disabled) {
                out.warnings.push(unsupported(
                    "reasoning",
                    "this model family does not reason; the reasoning config was not sent",
                ));
            }
        }
        ReasoningStyle::AlwaysOn => {
            if cfg.kind == Some(ReasoningType::Disabled) {
                out.warnings.push(unsupported(
                    "reasoning",
                    "this model always reasons and cannot be told not to",
                ));
            }
            if cfg.max_reasoning_effort.is_some() {
                out.warnings.push(unsupported(
                    "max_reasoning_effort",
                    "this model takes no reasoning effort",
                ));
            }
        }
        ReasoningStyle::AnthropicThinking { adaptive, effort } => {
            match cfg.kind {
                Some(ReasoningType::Adaptive) if adaptive => {
                    out.fields
                        .insert("thinking".into(), json!({"type": "adaptive"}));
                    out.drops_sampling = true;
                    out.anthropic_thinking = true;
                }
                Some(ReasoningType::Enabled | ReasoningType::Adaptive) => {
                    if cfg.kind == Some(ReasoningType::Adaptive) {
                        out.warnings.push(unsupported(
                            "reasoning",
                            "adaptive thinking needs Claude 4.6; budget thinking was used instead",
                        ));
                    }
                    let budget = cfg.budget_tokens.unwrap_or(DEFAULT_THINKING_BUDGET);
                    out.fields.insert(
                        "thinking".into(),
                        json!({"type": "enabled", "budget_tokens": budget}),
                    );
                    out.budget = Some(budget);
                    out.drops_sampling = true;
                    out.anthropic_thinking = true;
                }
                _ => {}
            }
            if let Some(e) = cfg.max_reasoning_effort {
                if effort {
                    out.fields
                        .insert("output_config".into(), json!({"effort": e.as_str()}));
                } else {
                    out.warnings.push(unsupported(
                        "max_reasoning_effort",
                        "effort needs Claude Opus 4.5 or Claude 4.6",
                    ));
                }
            }
        }
        ReasoningStyle::ReasoningConfig => {
            if cfg.budget_tokens.is_some() && cfg.kind != Some(ReasoningType::Disabled) {
                out.warnings.push(unsupported(
                    "budget_tokens",
                    "this model family takes an effort, not a token budget",
                ));
            }
            if cfg.kind == Some(ReasoningType::Disabled) {
                out.fields
                    .insert("reasoningConfig".into(), json!({"type": "disabled"}));
            } else if wants_on || cfg.max_reasoning_effort.is_some() {
                let mut rc = Map::new();
                rc.insert("type".into(), "enabled".into());
                if let Some(e) = cfg.max_reasoning_effort {
                    rc.insert("maxReasoningEffort".into(), non_anthropic_effort(e).into());
                }
                out.fields
                    .insert("reasoningConfig".into(), Value::Object(rc));
                out.drops_sampling = true;
            }
        }
        ReasoningStyle::OpenAiEffort => {
            if cfg.kind == Some(ReasoningType::Disabled) {
                out.warnings.push(unsupported(
                    "reasoning",
                    "gpt-oss always reasons; use a low effort instead",
                ));
            }
            if cfg.budget_tokens.is_some() && wants_on {
                out.warnings.push(unsupported(
                    "budget_tokens",
                    "gpt-oss takes an effort, not a token budget",
                ));
            }
            if let Some(e) = cfg.max_reasoning_effort {
                out.fields
                    .insert("reasoning_effort".into(), non_anthropic_effort(e).into());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAUDE_37: ReasoningStyle = ReasoningStyle::AnthropicThinking {
        adaptive: false,
        effort: false,
    };
    const CLAUDE_46: ReasoningStyle = ReasoningStyle::AnthropicThinking {
        adaptive: true,
        effort: true,
    };

    fn fields(p: &ReasoningPlan) -> Value {
        Value::Object(p.fields.clone())
    }

    #[test]
    fn anthropic_budget() {
        let p = plan(Some(&ReasoningConfig::enabled(2048)), CLAUDE_37);
        assert_eq!(
            fields(&p),
            json!({"thinking": {"type": "enabled", "budget_tokens": 2048}})
        );
        assert_eq!(p.budget, Some(2048));
        assert!(p.drops_sampling && p.anthropic_thinking);
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn anthropic_adaptive_and_effort() {
        let cfg = ReasoningConfig::adaptive().with_max_reasoning_effort(ReasoningEffort::Max);
        let p = plan(Some(&cfg), CLAUDE_46);
        assert_eq!(
            fields(&p),
            json!({"thinking": {"type": "adaptive"}, "output_config": {"effort": "max"}})
        );
        assert_eq!(p.budget, None);

        // Adaptive on a model without it falls back to budget thinking.
        let p = plan(Some(&cfg), CLAUDE_37);
        assert_eq!(
            fields(&p),
            json!({"thinking": {"type": "enabled", "budget_tokens": DEFAULT_THINKING_BUDGET}})
        );
        assert_eq!(p.warnings.len(), 2);

        // Effort alone: no thinking block.
        let p = plan(
            Some(&ReasoningConfig::effort(ReasoningEffort::Low)),
            CLAUDE_46,
        );
        assert_eq!(fields(&p), json!({"output_config": {"effort": "low"}}));
        assert!(!p.drops_sampling);
    }

    #[test]
    fn anthropic_disabled_sends_nothing() {
        let p = plan(Some(&ReasoningConfig::disabled()), CLAUDE_46);
        assert_eq!(p, ReasoningPlan::default());
        assert_eq!(plan(None, CLAUDE_46), ReasoningPlan::default());
    }

    #[test]
    fn reasoning_config_vendors() {
        let cfg = ReasoningConfig::enabled(1000).with_max_reasoning_effort(ReasoningEffort::Max);
        let p = plan(Some(&cfg), ReasoningStyle::ReasoningConfig);
        assert_eq!(
            fields(&p),
            json!({"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}})
        );
        assert!(p.drops_sampling);
        assert_eq!(p.budget, None);
        assert_eq!(p.warnings.len(), 1);
        let p = plan(
            Some(&ReasoningConfig::disabled()),
            ReasoningStyle::ReasoningConfig,
        );
        assert_eq!(fields(&p), json!({"reasoningConfig": {"type": "disabled"}}));
        assert!(!p.drops_sampling);
    }

    #[test]
    fn openai_effort() {
        let cfg = ReasoningConfig::effort(ReasoningEffort::Medium);
        let p = plan(Some(&cfg), ReasoningStyle::OpenAiEffort);
        assert_eq!(fields(&p), json!({"reasoning_effort": "medium"}));
        assert!(!p.drops_sampling);
    }

    #[test]
    fn unsupported_families_warn() {
        let p = plan(Some(&ReasoningConfig::enabled(1024)), ReasoningStyle::None);
        assert!(p.fields.is_empty());
        assert_eq!(p.warnings.len(), 1);
        let p = plan(Some(&ReasoningConfig::disabled()), ReasoningStyle::AlwaysOn);
        assert!(p.fields.is_empty());
        assert_eq!(p.warnings.len(), 1);
    }
}
