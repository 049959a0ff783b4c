//! Bedrock's semantic validation of Converse requests, per model.

use std::collections::HashSet;

use serde_json::Value;

use crate::catalog::{ModelInfo, Reasoning};
use crate::error::ApiError;
use crate::model::reasoning_signature;
use crate::request::{ChatRequest, Role, ToolChoice};

const THINKING_DOCS: &str = "https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

/// What validation learned that generation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Checked {
    /// The `maxTokens` in force.
    pub(crate) max_tokens: u32,
    /// Anthropic extended thinking: its budget, when enabled.
    pub(crate) thinking_budget: Option<u32>,
}

/// Where a request is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Converse,
    ConverseStream,
    CountTokens,
}

fn blank_text(path: &str) -> ApiError {
    ApiError::validation(format!(
        "The text field in the ContentBlock object at {path} is blank. Add text to the text field, and try again."
    ))
}

fn unsupported_block(kind: &str) -> ApiError {
    ApiError::validation(format!(
        "This model doesn't support the {kind} content block that you provided. Try again with a supported content block."
    ))
}

fn caching_unsupported() -> ApiError {
    ApiError::access_denied(
        "You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.",
    )
}

fn check_cache_point(value: &Value, model: &ModelInfo) -> Result<(), ApiError> {
    if !model.caching {
        return Err(caching_unsupported());
    }
    let kind = value.get("type").and_then(Value::as_str);
    if kind != Some("default") {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{}' at 'cachePoint.type' failed to satisfy constraint: Member must satisfy enum value set: [default]",
            kind.unwrap_or("null")
        )));
    }
    if let Some(ttl) = value.get("ttl").and_then(Value::as_str)
        && !matches!(ttl, "5m" | "1h")
    {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{ttl}' at 'cachePoint.ttl' failed to satisfy constraint: Member must satisfy enum value set: [5m, 1h]"
        )));
    }
    Ok(())
}

fn is_document_name(name: &str) -> bool {
    let allowed = name.chars().all(|c| {
        c.is_alphanumeric() || c.is_whitespace() || matches!(c, '-' | '(' | ')' | '[' | ']')
    });
    let no_double_space = !name
        .chars()
        .zip(name.chars().skip(1))
        .any(|(a, b)| a.is_whitespace() && b.is_whitespace());
    allowed && no_double_space
}

/// The thinking budget requested in `additionalModelRequestFields.thinking`.
fn thinking_request(request: &ChatRequest) -> Result<Option<Option<u64>>, ApiError> {
    let Some(thinking) = request
        .additional_fields
        .as_ref()
        .and_then(|fields| fields.get("thinking"))
    else {
        return Ok(None);
    };
    match thinking.get("type").and_then(Value::as_str) {
        Some("enabled") => {
            let budget = thinking.get("budget_tokens").and_then(Value::as_u64);
            match budget {
                Some(budget) => Ok(Some(Some(budget))),
                None => Err(ApiError::model_validation(
                    "thinking.enabled.budget_tokens: Field required",
                )),
            }
        }
        Some("adaptive") => Ok(Some(None)),
        Some("disabled") => Ok(None),
        _ => Err(ApiError::model_validation(
            "thinking: Input tag does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'",
        )),
    }
}

/// Validates `request` for `model`, the way Bedrock and the model provider do.
pub(crate) fn check(
    request: &ChatRequest,
    model: &ModelInfo,
    purpose: Purpose,
) -> Result<Checked, ApiError> {
    // maxTokens against the model's limit.
    let limit = model.max_output_tokens;
    if let Some(max) = request.max_tokens
        && max > limit
    {
        return Err(ApiError::validation(format!(
            "The maximum tokens you requested exceeds the model limit of {limit}. Try again with a maximum tokens value that is lower than {limit}."
        )));
    }

    // Conversation shape.
    match request.messages.first() {
        None => {
            return Err(ApiError::validation(
                "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
            ));
        }
        Some(first) if first.role != Role::User => {
            return Err(ApiError::validation(
                "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
            ));
        }
        Some(_) => {}
    }
    for pair in request.messages.windows(2) {
        if let [a, b] = pair
            && a.role == b.role
        {
            return Err(ApiError::validation(
                "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
            ));
        }
    }

    // System prompt.
    if !request.system.is_empty() && !model.system {
        return Err(ApiError::validation(
            "This model doesn't support system messages. Try again without system messages.",
        ));
    }
    for (i, block) in request.system.iter().enumerate() {
        if let Some(text) = block.get("text").and_then(Value::as_str)
            && text.trim().is_empty()
        {
            return Err(ApiError::validation(format!(
                "The text field in the SystemContentBlock object at system.{i} is blank. Add text to the text field, and try again."
            )));
        }
        if let Some(cache) = block.get("cachePoint") {
            check_cache_point(cache, model)?;
        }
    }

    // Tools.
    let tool_config = request.tool_config.as_ref();
    if let Some(config) = tool_config {
        if !model.tools {
            return Err(ApiError::validation("This model doesn't support tool use."));
        }
        if purpose == Purpose::ConverseStream && !model.streaming_tools {
            return Err(ApiError::validation(
                "This model doesn't support tool use in streaming mode.",
            ));
        }
        if config.cache_point && !model.caching {
            return Err(caching_unsupported());
        }
        let mut names = HashSet::new();
        for tool in &config.tools {
            if !names.insert(tool.name.as_str()) {
                return Err(ApiError::model_validation(
                    "tools: Tool names must be unique.",
                ));
            }
            if !tool.schema.is_object() {
                return Err(ApiError::validation(format!(
                    "The input schema of the tool {} must be a JSON object.",
                    tool.name
                )));
            }
        }
        let forced = match &config.choice {
            ToolChoice::Auto => None,
            ToolChoice::Any => Some("any"),
            ToolChoice::Tool(name) => {
                if !names.contains(name.as_str()) {
                    return Err(ApiError::model_validation(format!(
                        "tool_choice: Tool '{name}' not found in tools"
                    )));
                }
                Some("tool")
            }
        };
        let forcing_supported = matches!(model.provider(), "anthropic" | "amazon" | "mistral");
        if let (Some(kind), false) = (forced, forcing_supported) {
            return Err(ApiError::validation(format!(
                "This model doesn't support the toolConfig.toolChoice.{kind} field. Remove toolConfig.toolChoice.{kind} and try again."
            )));
        }
    }

    // Thinking.
    let thinking = thinking_request(request)?;
    let mut thinking_budget = None;
    if let Some(budget) = thinking {
        if model.reasoning != Reasoning::AnthropicThinking {
            if model.is_anthropic() {
                return Err(ApiError::model_validation(
                    "thinking: Extra inputs are not permitted",
                ));
            }
        } else {
            let budget = budget.unwrap_or(u64::from(limit.min(16_000) / 2));
            if budget < 1024 {
                return Err(ApiError::model_validation(
                    "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
                ));
            }
            let max = u64::from(request.max_tokens.unwrap_or(limit));
            if purpose != Purpose::CountTokens && max <= budget {
                return Err(ApiError::model_validation(format!(
                    "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at {THINKING_DOCS}#max-tokens-and-context-window-size"
                )));
            }
            if let Some(t) = request.temperature
                && (t - 1.0).abs() > f64::EPSILON
            {
                return Err(ApiError::model_validation(format!(
                    "`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at {THINKING_DOCS}#feature-compatibility"
                )));
            }
            if let Some(p) = request.top_p
                && p < 0.95
            {
                return Err(ApiError::model_validation(format!(
                    "`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled. Please consult our documentation at {THINKING_DOCS}#feature-compatibility"
                )));
            }
            if let Some(config) = tool_config
                && config.choice != ToolChoice::Auto
            {
                return Err(ApiError::model_validation(
                    "Thinking may not be enabled when tool_choice forces tool use.",
                ));
            }
            thinking_budget = Some(u32::try_from(budget).unwrap_or(u32::MAX));
        }
    }

    // Content blocks.
    let mut document_names = HashSet::new();
    let mut previous_tool_uses: Vec<String> = Vec::new();
    let last_index = request.messages.len().saturating_sub(1);
    for (i, message) in request.messages.iter().enumerate() {
        if message.content.is_empty() {
            return Err(ApiError::validation(format!(
                "The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the content field and try again."
            )));
        }
        let mut has_document = false;
        let mut has_text = false;
        let mut tool_uses = Vec::new();
        let mut tool_results = Vec::new();
        let mut previous_was_reasoning = false;
        for (j, block) in message.content.iter().enumerate() {
            let path = format!("messages.{i}.content.{j}");
            let mut is_reasoning = false;
            if let Some(text) = block.get("text") {
                let text = text.as_str().unwrap_or("");
                if text.is_empty() {
                    return Err(blank_text(&path));
                }
                if text.trim().is_empty() {
                    if model.is_anthropic() {
                        return Err(ApiError::model_validation(
                            "messages: text content blocks must contain non-whitespace text",
                        ));
                    }
                    return Err(blank_text(&path));
                }
                has_text = true;
            }
            if block.get("image").is_some() && !model.images {
                return Err(unsupported_block("image"));
            }
            if let Some(image) = block.get("image") {
                let format = image.get("format").and_then(Value::as_str).unwrap_or("");
                if !matches!(format, "png" | "jpeg" | "gif" | "webp") {
                    return Err(ApiError::validation(format!(
                        "1 validation error detected: Value '{format}' at '{path}.member.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]"
                    )));
                }
            }
            if let Some(document) = block.get("document") {
                if !model.documents {
                    return Err(unsupported_block("document"));
                }
                has_document = true;
                let name = document.get("name").and_then(Value::as_str).unwrap_or("");
                if name.is_empty() || name.chars().count() > 200 {
                    return Err(ApiError::validation(format!(
                        "1 validation error detected: Value '{name}' at '{path}.member.document.name' failed to satisfy constraint: Member must have length between 1 and 200"
                    )));
                }
                if !is_document_name(name) {
                    return Err(ApiError::validation(
                        "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and square brackets. The name can't contain more than one consecutive whitespace character.",
                    ));
                }
                if !document_names.insert(name.to_string()) {
                    return Err(ApiError::validation(format!(
                        "The document name {name} is used by more than one document. Each document name must be unique. Try again with unique document names."
                    )));
                }
            }
            for kind in ["video", "audio"] {
                if block.get(kind).is_some() && model.provider() != "amazon" {
                    return Err(unsupported_block(kind));
                }
            }
            if let Some(tool_use) = block.get("toolUse") {
                if message.role != Role::Assistant {
                    return Err(ApiError::validation(format!(
                        "The toolUse content block at {path} is only allowed in assistant messages."
                    )));
                }
                let id = tool_use
                    .get("toolUseId")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                tool_uses.push(id.to_string());
            }
            if let Some(result) = block.get("toolResult") {
                if message.role != Role::User {
                    return Err(ApiError::validation(format!(
                        "The toolResult content block at {path} is only allowed in user messages."
                    )));
                }
                let id = result
                    .get("toolUseId")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                tool_results.push(id.to_string());
            }
            if let Some(reasoning) = block.get("reasoningContent") {
                is_reasoning = true;
                if message.role != Role::Assistant {
                    return Err(ApiError::validation(format!(
                        "The reasoningContent content block at {path} is only allowed in assistant messages."
                    )));
                }
                if thinking_budget.is_some()
                    && let Some(text_block) = reasoning.get("reasoningText")
                {
                    let text = text_block.get("text").and_then(Value::as_str).unwrap_or("");
                    let signature = text_block.get("signature").and_then(Value::as_str);
                    if signature != Some(reasoning_signature(text).as_str()) {
                        return Err(ApiError::model_validation(format!(
                            "{path}: Invalid `signature` in `thinking` block"
                        )));
                    }
                }
            }
            if let Some(cache) = block.get("cachePoint") {
                if previous_was_reasoning {
                    return Err(ApiError::validation(
                        "Cache point cannot be inserted after reasoning block. Please remove the invalid cache point and try again.",
                    ));
                }
                check_cache_point(cache, model)?;
            }
            previous_was_reasoning = is_reasoning;
        }
        if has_document && !has_text {
            return Err(ApiError::validation(
                "A text block must be included when using documents.",
            ));
        }
        if (!tool_uses.is_empty() || !tool_results.is_empty()) && tool_config.is_none() {
            return Err(ApiError::validation(
                "The toolConfig field must be defined when using toolUse and toolResult content blocks.",
            ));
        }
        if model.is_anthropic() {
            if message.role == Role::User {
                let unexpected: Vec<&String> = tool_results
                    .iter()
                    .filter(|id| !previous_tool_uses.contains(id))
                    .collect();
                if let Some(id) = unexpected.first() {
                    return Err(ApiError::model_validation(format!(
                        "messages.{i}.content.0: unexpected `tool_use_id` found in `tool_result` blocks: {id}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                    )));
                }
            }
            if message.role == Role::Assistant && !tool_uses.is_empty() && i < last_index {
                let next = request.messages.get(i + 1);
                let answered: Vec<String> = next
                    .map(|m| {
                        m.content
                            .iter()
                            .filter_map(|b| b.get("toolResult"))
                            .filter_map(|r| r.get("toolUseId").and_then(Value::as_str))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                let missing: Vec<&String> = tool_uses
                    .iter()
                    .filter(|id| !answered.contains(id))
                    .collect();
                if !missing.is_empty() {
                    let ids: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                    return Err(ApiError::model_validation(format!(
                        "messages.{}: `tool_use` ids were found without `tool_result` blocks immediately after: {}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
                        i + 1,
                        ids.join(", ")
                    )));
                }
            }
        }
        previous_tool_uses = tool_uses;
    }

    // A final assistant turn (prefill) must not end in whitespace.
    if let Some(last) = request.messages.last()
        && last.role == Role::Assistant
        && model.is_anthropic()
    {
        let ends_in_space = last
            .content
            .last()
            .and_then(|b| b.get("text"))
            .and_then(Value::as_str)
            .is_some_and(|t| t.ends_with(char::is_whitespace));
        if ends_in_space {
            return Err(ApiError::model_validation(
                "final assistant content cannot end with trailing whitespace",
            ));
        }
    }

    // With thinking, the assistant turn of the current tool loop must open with its reasoning.
    if thinking_budget.is_some()
        && let (Some(last), true) = (request.messages.last(), request.messages.len() >= 2)
    {
        let in_tool_loop =
            last.role == Role::User && last.content.iter().any(|b| b.get("toolResult").is_some());
        if in_tool_loop {
            let assistant_index = request.messages.len() - 2;
            if let Some(assistant) = request.messages.get(assistant_index) {
                let first = assistant.content.first();
                let starts_with_reasoning =
                    first.is_some_and(|b| b.get("reasoningContent").is_some());
                if !starts_with_reasoning {
                    let found = first
                        .and_then(|b| b.as_object())
                        .and_then(|m| m.keys().next().cloned())
                        .map(|k| match k.as_str() {
                            "toolUse" => "tool_use".to_string(),
                            other => other.to_string(),
                        })
                        .unwrap_or_else(|| "nothing".to_string());
                    return Err(ApiError::model_validation(format!(
                        "messages.{assistant_index}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{found}`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at {THINKING_DOCS}"
                    )));
                }
            }
        }
    }

    Ok(Checked {
        max_tokens: request.max_tokens.unwrap_or(limit),
        thinking_budget,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::find;
    use crate::request::parse_chat;
    use serde_json::json;

    fn run(model: &str, body: Value, purpose: Purpose) -> Result<Checked, ApiError> {
        let request = parse_chat(&body).expect("parses");
        check(&request, find(model).expect("model"), purpose)
    }

    const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";
    const SONNET4: &str = "anthropic.claude-sonnet-4-20250514-v1:0";

    fn user(text: &str) -> Value {
        json!({"role": "user", "content": [{"text": text}]})
    }

    #[test]
    fn accepts_a_simple_conversation() {
        let checked = run(HAIKU, json!({"messages": [user("hi")]}), Purpose::Converse).expect("ok");
        assert_eq!(checked.max_tokens, 4096);
    }

    #[test]
    fn rejects_blank_text_with_its_path() {
        let error = run(
            HAIKU,
            json!({"messages": [{"role": "user", "content": [{"text": "hi"}, {"text": ""}]}]}),
            Purpose::Converse,
        )
        .expect_err("blank");
        assert_eq!(
            error.message,
            "The text field in the ContentBlock object at messages.0.content.1 is blank. Add text to the text field, and try again."
        );
    }

    #[test]
    fn rejects_bad_role_order() {
        let error = run(
            HAIKU,
            json!({"messages": [{"role": "assistant", "content": [{"text": "x"}]}]}),
            Purpose::Converse,
        )
        .expect_err("order");
        assert!(
            error
                .message
                .starts_with("A conversation must start with a user message.")
        );
        let error = run(
            HAIKU,
            json!({"messages": [user("a"), user("b")]}),
            Purpose::Converse,
        )
        .expect_err("alternate");
        assert!(error.message.starts_with("A conversation must alternate"));
    }

    #[test]
    fn rejects_tool_blocks_without_tool_config() {
        let body = json!({"messages": [
            user("weather?"),
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "w", "input": {}}}]},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "sunny"}]}}]}
        ]});
        let error = run(HAIKU, body, Purpose::Converse).expect_err("no tool config");
        assert_eq!(
            error.message,
            "The toolConfig field must be defined when using toolUse and toolResult content blocks."
        );
    }

    #[test]
    fn enforces_the_output_token_limit() {
        let error = run(
            HAIKU,
            json!({"messages": [user("hi")], "inferenceConfig": {"maxTokens": 5000}}),
            Purpose::Converse,
        )
        .expect_err("limit");
        assert_eq!(
            error.message,
            "The maximum tokens you requested exceeds the model limit of 4096. Try again with a maximum tokens value that is lower than 4096."
        );
    }

    #[test]
    fn streaming_tools_depend_on_the_model() {
        let body = json!({
            "messages": [user("hi")],
            "toolConfig": {"tools": [{"toolSpec": {"name": "t", "inputSchema": {"json": {"type": "object"}}}}]}
        });
        assert!(
            run(
                "meta.llama3-1-70b-instruct-v1:0",
                body.clone(),
                Purpose::Converse
            )
            .is_ok()
        );
        let error = run(
            "meta.llama3-1-70b-instruct-v1:0",
            body.clone(),
            Purpose::ConverseStream,
        )
        .expect_err("no streaming tools");
        assert_eq!(
            error.message,
            "This model doesn't support tool use in streaming mode."
        );
        let error = run("deepseek.r1-v1:0", body, Purpose::Converse).expect_err("no tools");
        assert_eq!(error.message, "This model doesn't support tool use.");
    }

    #[test]
    fn checks_thinking_parameters() {
        let body = json!({
            "messages": [user("hi")],
            "inferenceConfig": {"maxTokens": 2000},
            "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 4000}}
        });
        let error = run(SONNET4, body, Purpose::Converse).expect_err("budget");
        assert!(
            error
                .message
                .contains("`max_tokens` must be greater than `thinking.budget_tokens`")
        );
        let body = json!({
            "messages": [user("hi")],
            "inferenceConfig": {"maxTokens": 8000},
            "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 2000}}
        });
        let checked = run(SONNET4, body, Purpose::Converse).expect("ok");
        assert_eq!(checked.thinking_budget, Some(2000));
    }

    #[test]
    fn caching_needs_a_caching_model() {
        let body = json!({"messages": [user("hi")], "system": [{"text": "s"}, {"cachePoint": {"type": "default"}}]});
        let error = run(HAIKU, body.clone(), Purpose::Converse).expect_err("no caching");
        assert_eq!(error.kind, "AccessDeniedException");
        assert!(run(SONNET4, body, Purpose::Converse).is_ok());
    }

    #[test]
    fn rejects_trailing_whitespace_in_prefill() {
        let body = json!({"messages": [user("hi"), {"role": "assistant", "content": [{"text": "Sure "}]}]});
        let error = run(HAIKU, body, Purpose::Converse).expect_err("whitespace");
        assert!(
            error
                .message
                .ends_with("final assistant content cannot end with trailing whitespace")
        );
    }
}
