//! The deterministic model: answers from the conversation, calls tools, reasons.
//!
//! - If the last user message carries `toolResult` blocks, it answers from them:
//!   "Tool NAME returned: RESULT." (or "Tool NAME failed: ..." for errors).
//! - Else, if tools are configured and the last user text names one or more of
//!   them (or `toolChoice` forces one), it calls them with inputs built from
//!   their JSON schemas and stops with `tool_use`.
//! - Else it answers from the last user text: a text starting with `echo:` is
//!   answered verbatim (the rest of the text), anything else with a short
//!   sentence quoting the prompt. With `outputConfig.textFormat`, it answers a
//!   JSON value built from the schema.
//!
//! Output is counted one token per word; `maxTokens` and stop sequences cut it.

use std::collections::HashSet;
use std::sync::Mutex;

use base64::Engine as _;
use serde_json::Value;

use crate::catalog::{ModelInfo, Reasoning};
use crate::ids::{fnv1a, splitmix64, tool_use_id};
use crate::request::{ChatRequest, Role, ToolChoice};
use crate::schema;
use crate::tokens;
use crate::validate::Checked;

/// One block of the model's answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OutBlock {
    Reasoning {
        /// The reasoning, one word per delta.
        pieces: Vec<String>,
        signature: Option<String>,
    },
    Text {
        /// The text, one word (token) per delta.
        pieces: Vec<String>,
    },
    ToolUse {
        id: String,
        name: String,
        input: Value,
    },
}

/// Token usage, as Bedrock reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    pub(crate) input: u64,
    pub(crate) output: u64,
    pub(crate) cache_read: u64,
    pub(crate) cache_write: u64,
    /// `(ttl, tokens)` of the cache write, when there was one.
    pub(crate) cache_write_ttl: Option<&'static str>,
    /// Whether the request had a cache point (so the cache fields are reported).
    pub(crate) caching: bool,
}

impl Usage {
    /// `inputTokens + outputTokens + cacheReadInputTokens + cacheWriteInputTokens`.
    pub(crate) fn total(&self) -> u64 {
        self.input + self.output + self.cache_read + self.cache_write
    }

    /// The `usage` JSON object.
    pub(crate) fn to_json(&self) -> Value {
        let mut usage = serde_json::json!({
            "inputTokens": self.input,
            "outputTokens": self.output,
            "totalTokens": self.total(),
        });
        if self.caching {
            usage["cacheReadInputTokens"] = self.cache_read.into();
            usage["cacheWriteInputTokens"] = self.cache_write.into();
            if let Some(ttl) = self.cache_write_ttl {
                usage["cacheDetails"] =
                    serde_json::json!([{"ttl": ttl, "inputTokens": self.cache_write}]);
            }
        }
        usage
    }
}

/// The model's whole answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Generation {
    pub(crate) blocks: Vec<OutBlock>,
    pub(crate) stop_reason: &'static str,
    pub(crate) usage: Usage,
    /// The stop sequence that ended the answer, if any.
    pub(crate) stop_sequence: Option<String>,
}

/// Prompt-cache prefixes seen so far (per model), to tell writes from reads.
#[derive(Debug, Default)]
pub(crate) struct PromptCache {
    seen: Mutex<HashSet<u64>>,
}

/// Most cache prefixes remembered before the cache is emptied.
const MAX_CACHE_ENTRIES: usize = 100_000;

impl PromptCache {
    /// Records `key`; true if it was already cached.
    fn hit(&self, key: u64) -> bool {
        let mut seen = match self.seen.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if seen.contains(&key) {
            return true;
        }
        if seen.len() >= MAX_CACHE_ENTRIES {
            seen.clear();
        }
        seen.insert(key);
        false
    }
}

/// The deterministic signature of a reasoning text (checked when it is sent back).
pub(crate) fn reasoning_signature(text: &str) -> String {
    let mut state = fnv1a(text.as_bytes()) ^ 0x5eed_0f7e_a50d_u64;
    let mut bytes = Vec::with_capacity(64);
    for _ in 0..8 {
        bytes.extend_from_slice(&splitmix64(&mut state).to_be_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Splits text into word pieces (each keeps its leading space), one token each.
pub(crate) fn pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for ch in text.chars() {
        if ch.is_whitespace() && !current.trim().is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push(ch);
    }
    if !current.is_empty() {
        match out.last_mut() {
            Some(last) if current.trim().is_empty() => last.push_str(&current),
            _ => out.push(current),
        }
    }
    out
}

/// Input tokens, and the cacheable prefix `(tokens, hash, ttl)` up to the last cache point.
pub(crate) fn input_breakdown(request: &ChatRequest) -> (u64, Option<(u64, u64, &'static str)>) {
    let mut total = 0u64;
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut prefix = None;
    let feed = |value: &Value, hash: &mut u64| {
        let bytes = serde_json::to_vec(value).unwrap_or_default();
        *hash = fnv1a(&bytes) ^ hash.rotate_left(5);
    };
    let ttl_of = |cache: &Value| match cache.get("ttl").and_then(Value::as_str) {
        Some("1h") => "1h",
        _ => "5m",
    };
    if let Some(config) = &request.tool_config {
        for tool in &config.tools {
            total += tokens::text(&tool.name) + tokens::json(&tool.schema);
            feed(&tool.schema, &mut hash);
        }
        if config.cache_point {
            prefix = Some((total, hash, "5m"));
        }
    }
    for block in &request.system {
        if let Some(cache) = block.get("cachePoint") {
            prefix = Some((total, hash, ttl_of(cache)));
            continue;
        }
        total += tokens::block(block);
        feed(block, &mut hash);
    }
    for message in &request.messages {
        total += tokens::PER_MESSAGE;
        for block in &message.content {
            if let Some(cache) = block.get("cachePoint") {
                prefix = Some((total, hash, ttl_of(cache)));
                continue;
            }
            total += tokens::block(block);
            feed(block, &mut hash);
        }
    }
    (total, prefix)
}

fn last_user_message(request: &ChatRequest) -> Option<&crate::request::Message> {
    request.messages.iter().rev().find(|m| m.role == Role::User)
}

fn user_text(message: &crate::request::Message) -> String {
    let texts: Vec<&str> = message
        .content
        .iter()
        .filter_map(|b| b.get("text").and_then(Value::as_str))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    texts.join(" ")
}

fn shorten(text: &str, words: usize) -> String {
    let mut out: Vec<&str> = text.split_whitespace().take(words + 1).collect();
    if out.len() > words {
        out.truncate(words);
        format!("{}...", out.join(" "))
    } else {
        out.join(" ")
    }
}

fn tool_result_summary(result: &Value) -> String {
    let parts: Vec<String> = result
        .get("content")
        .and_then(Value::as_array)
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| {
                    b.get("text")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .or_else(|| b.get("json").map(Value::to_string))
                })
                .collect()
        })
        .unwrap_or_default();
    let joined = parts.join(" ");
    if joined.trim().is_empty() {
        "nothing".to_string()
    } else {
        shorten(&joined, 40)
    }
}

/// The answer to tool results in the last user message, if it has any.
fn answer_tool_results(request: &ChatRequest) -> Option<String> {
    let last = request.messages.last().filter(|m| m.role == Role::User)?;
    let results: Vec<&Value> = last
        .content
        .iter()
        .filter_map(|b| b.get("toolResult"))
        .collect();
    if results.is_empty() {
        return None;
    }
    let previous = request
        .messages
        .iter()
        .rev()
        .nth(1)
        .filter(|m| m.role == Role::Assistant);
    let name_of = |id: &str| -> String {
        previous
            .and_then(|m| {
                m.content
                    .iter()
                    .filter_map(|b| b.get("toolUse"))
                    .find(|u| u.get("toolUseId").and_then(Value::as_str) == Some(id))
                    .and_then(|u| u.get("name").and_then(Value::as_str))
            })
            .unwrap_or("the tool")
            .to_string()
    };
    let sentences: Vec<String> = results
        .iter()
        .map(|result| {
            let id = result
                .get("toolUseId")
                .and_then(Value::as_str)
                .unwrap_or("");
            let name = name_of(id);
            let summary = tool_result_summary(result);
            if result.get("status").and_then(Value::as_str) == Some("error") {
                format!("Tool {name} failed: {summary}.")
            } else {
                format!("Tool {name} returned: {summary}.")
            }
        })
        .collect();
    Some(sentences.join(" "))
}

/// The tools to call, by name, if any.
fn tools_to_call(request: &ChatRequest, prompt: &str) -> Vec<String> {
    let Some(config) = &request.tool_config else {
        return Vec::new();
    };
    match &config.choice {
        ToolChoice::Tool(name) => vec![name.clone()],
        choice => {
            let lower = prompt.to_lowercase();
            let named: Vec<String> = config
                .tools
                .iter()
                .filter(|t| !t.name.is_empty() && lower.contains(&t.name.to_lowercase()))
                .map(|t| t.name.clone())
                .collect();
            if named.is_empty() && *choice == ToolChoice::Any {
                config
                    .tools
                    .first()
                    .map(|t| vec![t.name.clone()])
                    .unwrap_or_default()
            } else {
                named
            }
        }
    }
}

/// Runs the deterministic model.
pub(crate) fn generate(
    request: &ChatRequest,
    model: &ModelInfo,
    checked: Checked,
    cache: &PromptCache,
) -> Generation {
    let (input_total, prefix) = input_breakdown(request);
    let mut usage = Usage {
        input: input_total,
        ..Usage::default()
    };
    if let Some((prefix_tokens, hash, ttl)) = prefix {
        usage.caching = true;
        let key = hash ^ fnv1a(model.id.as_bytes());
        if cache.hit(key) {
            usage.cache_read = prefix_tokens;
        } else {
            usage.cache_write = prefix_tokens;
            usage.cache_write_ttl = Some(ttl);
        }
        usage.input = input_total - prefix_tokens;
    }

    let prompt = last_user_message(request)
        .map(user_text)
        .unwrap_or_default();
    let tool_answer = answer_tool_results(request);
    let calls = if tool_answer.is_none() {
        tools_to_call(request, &prompt)
    } else {
        Vec::new()
    };

    let mut planned: Vec<OutBlock> = Vec::new();
    let reasoning_on = match model.reasoning {
        Reasoning::AnthropicThinking => checked.thinking_budget.is_some(),
        Reasoning::Always => true,
        Reasoning::None => false,
    };
    if reasoning_on {
        let mut thought = format!(
            "The user wrote \"{}\". I will answer briefly and deterministically.",
            shorten(&prompt, 12)
        );
        if !calls.is_empty() {
            thought.push_str(&format!(" I should call {}.", calls.join(", ")));
        }
        let signature = (model.reasoning == Reasoning::AnthropicThinking)
            .then(|| reasoning_signature(&thought));
        let mut reasoning_pieces = pieces(&thought);
        if let Some(budget) = checked.thinking_budget {
            reasoning_pieces.truncate(budget as usize);
        }
        planned.push(OutBlock::Reasoning {
            pieces: reasoning_pieces,
            signature,
        });
    }

    let answer = if let Some(answer) = tool_answer {
        Some(answer)
    } else if !calls.is_empty() {
        let auto = request
            .tool_config
            .as_ref()
            .is_none_or(|c| c.choice == ToolChoice::Auto);
        auto.then(|| format!("I will use the {} tool.", calls.join(" and ")))
    } else if let Some(schema) = &request.output_schema {
        Some(schema::example(schema).to_string())
    } else if let Some(echo) = prompt.strip_prefix("echo:") {
        Some(echo.strip_prefix(' ').unwrap_or(echo).to_string())
    } else if prompt.is_empty() {
        Some("Hello from the Bedrock emulator.".to_string())
    } else {
        Some(format!(
            "Hello from the Bedrock emulator. You said: {}",
            shorten(&prompt, 48)
        ))
    };

    // Stop sequences cut the text answer and suppress tool calls after it.
    let mut stop_sequence = None;
    let mut answer = answer;
    if let Some(text) = &answer {
        let earliest = request
            .stop_sequences
            .iter()
            .filter_map(|s| text.find(s.as_str()).map(|at| (at, s)))
            .min_by_key(|(at, _)| *at);
        if let Some((at, sequence)) = earliest {
            stop_sequence = Some(sequence.clone());
            answer = Some(text.get(..at).unwrap_or("").to_string());
        }
    }
    if let Some(text) = answer
        && !text.is_empty()
    {
        planned.push(OutBlock::Text {
            pieces: pieces(&text),
        });
    }
    if stop_sequence.is_none() {
        for (index, name) in calls.iter().enumerate() {
            let schema = request
                .tool_config
                .as_ref()
                .and_then(|c| c.tools.iter().find(|t| &t.name == name))
                .map(|t| t.schema.clone())
                .unwrap_or(Value::Null);
            let seed = format!(
                "{}|{}|{}|{index}|{prompt}",
                model.id,
                request.messages.len(),
                name
            );
            planned.push(OutBlock::ToolUse {
                id: tool_use_id(seed.as_bytes()),
                name: name.clone(),
                input: schema::example(&schema),
            });
        }
    }

    // Apply maxTokens across the blocks, in order.
    let mut budget = u64::from(checked.max_tokens);
    let mut blocks = Vec::new();
    let mut truncated = false;
    for block in planned {
        let cost = block_tokens(&block);
        if cost <= budget {
            budget -= cost;
            blocks.push(block);
            continue;
        }
        truncated = true;
        match block {
            OutBlock::Text { mut pieces } => {
                pieces.truncate(budget as usize);
                if !pieces.is_empty() {
                    blocks.push(OutBlock::Text { pieces });
                }
            }
            OutBlock::Reasoning {
                mut pieces,
                signature,
            } => {
                pieces.truncate(budget as usize);
                if !pieces.is_empty() {
                    blocks.push(OutBlock::Reasoning { pieces, signature });
                }
            }
            OutBlock::ToolUse { .. } => {}
        }
        break;
    }
    usage.output = blocks.iter().map(block_tokens).sum();
    let stop_reason = if truncated {
        stop_sequence = None;
        "max_tokens"
    } else if stop_sequence.is_some() {
        "stop_sequence"
    } else if blocks.iter().any(|b| matches!(b, OutBlock::ToolUse { .. })) {
        "tool_use"
    } else {
        "end_turn"
    };
    Generation {
        blocks,
        stop_reason,
        usage,
        stop_sequence,
    }
}

/// Output tokens of one block.
pub(crate) fn block_tokens(block: &OutBlock) -> u64 {
    match block {
        OutBlock::Reasoning { pieces, .. } | OutBlock::Text { pieces } => pieces.len() as u64,
        OutBlock::ToolUse { input, .. } => tokens::json(input).max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::find;
    use crate::request::parse_chat;
    use crate::validate::{Purpose, check};
    use serde_json::json;

    fn run(model: &str, body: Value) -> Generation {
        let request = parse_chat(&body).expect("parses");
        let info = find(model).expect("model");
        let checked = check(&request, info, Purpose::Converse).expect("valid");
        generate(&request, info, checked, &PromptCache::default())
    }

    fn text_of(generation: &Generation) -> String {
        generation
            .blocks
            .iter()
            .filter_map(|b| match b {
                OutBlock::Text { pieces } => Some(pieces.concat()),
                _ => None,
            })
            .collect()
    }

    const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

    #[test]
    fn pieces_keep_all_text() {
        let text = "Hello  world, this is\nit ";
        assert_eq!(pieces(text).concat(), text);
        assert_eq!(pieces("one two three").len(), 3);
    }

    #[test]
    fn answers_from_the_last_user_text() {
        let generation = run(
            HAIKU,
            json!({"messages": [{"role": "user", "content": [{"text": "What is Rust?"}]}]}),
        );
        assert_eq!(
            text_of(&generation),
            "Hello from the Bedrock emulator. You said: What is Rust?"
        );
        assert_eq!(generation.stop_reason, "end_turn");
        assert_eq!(generation.usage.output, 10);
        assert_eq!(generation.usage.total(), generation.usage.input + 10);
    }

    #[test]
    fn echo_and_stop_sequences() {
        let generation = run(
            HAIKU,
            json!({
                "messages": [{"role": "user", "content": [{"text": "echo: alpha beta STOP gamma"}]}],
                "inferenceConfig": {"stopSequences": ["STOP"]}
            }),
        );
        assert_eq!(text_of(&generation), "alpha beta ");
        assert_eq!(generation.stop_reason, "stop_sequence");
        assert_eq!(generation.stop_sequence.as_deref(), Some("STOP"));
    }

    #[test]
    fn honours_max_tokens() {
        let generation = run(
            HAIKU,
            json!({
                "messages": [{"role": "user", "content": [{"text": "echo: one two three four five"}]}],
                "inferenceConfig": {"maxTokens": 2}
            }),
        );
        assert_eq!(text_of(&generation), "one two");
        assert_eq!(generation.stop_reason, "max_tokens");
        assert_eq!(generation.usage.output, 2);
    }

    #[test]
    fn calls_named_tools_then_answers_their_results() {
        let tools = json!({"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}}]});
        let generation = run(
            HAIKU,
            json!({
                "messages": [{"role": "user", "content": [{"text": "Use get_weather for Paris"}]}],
                "toolConfig": tools
            }),
        );
        assert_eq!(generation.stop_reason, "tool_use");
        let Some(OutBlock::ToolUse { id, name, input }) = generation.blocks.last() else {
            panic!("expected a tool call, got {:?}", generation.blocks);
        };
        assert_eq!(name, "get_weather");
        assert_eq!(input["city"], "example city");
        let follow_up = run(
            HAIKU,
            json!({
                "messages": [
                    {"role": "user", "content": [{"text": "Use get_weather for Paris"}]},
                    {"role": "assistant", "content": [{"toolUse": {"toolUseId": id, "name": name, "input": input}}]},
                    {"role": "user", "content": [{"toolResult": {"toolUseId": id, "content": [{"text": "sunny, 21C"}]}}]}
                ],
                "toolConfig": tools
            }),
        );
        assert_eq!(
            text_of(&follow_up),
            "Tool get_weather returned: sunny, 21C."
        );
        assert_eq!(follow_up.stop_reason, "end_turn");
    }

    #[test]
    fn thinking_emits_signed_reasoning() {
        let generation = run(
            "anthropic.claude-sonnet-4-20250514-v1:0",
            json!({
                "messages": [{"role": "user", "content": [{"text": "hi"}]}],
                "inferenceConfig": {"maxTokens": 4000},
                "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}}
            }),
        );
        let Some(OutBlock::Reasoning { pieces, signature }) = generation.blocks.first() else {
            panic!("expected reasoning first");
        };
        assert_eq!(
            signature.as_deref(),
            Some(reasoning_signature(&pieces.concat()).as_str())
        );
    }

    #[test]
    fn cache_points_write_then_read() {
        let request = parse_chat(&json!({
            "messages": [{"role": "user", "content": [{"text": "hi"}]}],
            "system": [{"text": "A long system prompt."}, {"cachePoint": {"type": "default", "ttl": "1h"}}]
        })).expect("parses");
        let info = find("anthropic.claude-sonnet-4-20250514-v1:0").expect("model");
        let checked = check(&request, info, Purpose::Converse).expect("valid");
        let cache = PromptCache::default();
        let first = generate(&request, info, checked, &cache);
        let second = generate(&request, info, checked, &cache);
        assert_eq!(first.usage.cache_write, 6);
        assert_eq!(first.usage.cache_read, 0);
        assert_eq!(first.usage.cache_write_ttl, Some("1h"));
        assert_eq!(second.usage.cache_read, 6);
        assert_eq!(second.usage.cache_write, 0);
        assert_eq!(first.usage.total(), second.usage.total());
        let (total, _) = input_breakdown(&request);
        assert_eq!(first.usage.input + first.usage.cache_write, total);
    }
}
