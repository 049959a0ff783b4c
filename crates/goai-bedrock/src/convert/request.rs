//! Messages, system prompt, tools and inference settings of a Converse request.

use std::collections::BTreeSet;

use converse_types::{
    Blob, CachePointBlock, ContentBlock, ConversationRole, InferenceConfiguration, Message,
    ReasoningContentBlock, SystemContentBlock, Tool, ToolConfiguration, ToolInputSchema,
    ToolResultBlock, ToolResultContentBlock, ToolResultStatus, ToolSpecification, ToolUseBlock,
};
use goai_core::{Error, ModelRequest, Part, PartKind, ResponseFormat, Role};
use serde_json::{Value, json};

use super::media::{self, DocumentNames};
use super::{JSON_TOOL_NAME, Plan, WireChoice, bedrock_options, cache_point_option, widen};

/// Text sent for a tool result whose output is an empty or blank string
/// (Bedrock rejects blank text blocks).
const EMPTY_TOOL_OUTPUT: &str = "(no output)";

/// The converted conversation.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    pub(crate) system: Vec<SystemContentBlock>,
    pub(crate) messages: Vec<Message>,
    /// Tool names used by tool blocks of the history (for a placeholder toolConfig).
    pub(crate) history_tool_names: Option<BTreeSet<String>>,
}

/// Where a block goes within its turn: assistant turns are reasoning, then
/// other content, then tool calls; user turns are tool results, then the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    First,
    Middle,
    Last,
}

/// A block plus the cache point that follows it.
#[derive(Debug)]
struct Group {
    rank: Rank,
    block: Option<ContentBlock>,
    cache: Option<CachePointBlock>,
}

/// A turn being assembled (same-role messages merge into it).
#[derive(Debug)]
struct Turn {
    role: ConversationRole,
    groups: Vec<Group>,
}

impl Turn {
    /// Orders the groups and flattens them into blocks, placing cache points
    /// so that none directly follows a reasoning block, none leads the turn
    /// and none repeats.
    fn finish(mut self) -> Option<Message> {
        self.groups.sort_by_key(|g| g.rank);
        let mut out: Vec<ContentBlock> = Vec::new();
        let mut pending: Option<CachePointBlock> = None;
        for g in self.groups {
            if let Some(block) = g.block {
                let is_reasoning = matches!(block, ContentBlock::ReasoningContent(_));
                out.push(block);
                if let Some(cp) = pending.take() {
                    // A deferred cache point lands after the first block that is
                    // not reasoning.
                    if is_reasoning {
                        pending = Some(cp);
                    } else {
                        out.push(ContentBlock::CachePoint(cp));
                    }
                }
            }
            if let Some(cp) = g.cache {
                match out.last() {
                    None | Some(ContentBlock::CachePoint(_)) => {}
                    Some(ContentBlock::ReasoningContent(_)) => pending = Some(cp),
                    Some(_) => out.push(ContentBlock::CachePoint(cp)),
                }
            }
        }
        let has_content = out
            .iter()
            .any(|b| !matches!(b, ContentBlock::CachePoint(_)));
        has_content.then(|| Message::new(self.role, out))
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid_request(message)
}

/// The tool input as Bedrock wants it: an object (a JSON string that holds an
/// object is parsed; `null` is `{}`).
fn tool_input(input: &Value) -> Value {
    match input {
        Value::Null => json!({}),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(v @ Value::Object(_)) => v,
            _ => input.clone(),
        },
        other => other.clone(),
    }
}

fn tool_result_content(output: &Value) -> Vec<ToolResultContentBlock> {
    match output {
        Value::String(s) if s.trim().is_empty() => {
            vec![ToolResultContentBlock::Text(EMPTY_TOOL_OUTPUT.to_owned())]
        }
        Value::String(s) => vec![ToolResultContentBlock::Text(s.clone())],
        Value::Object(_) => vec![ToolResultContentBlock::Json(output.clone())],
        Value::Null => vec![ToolResultContentBlock::Text(EMPTY_TOOL_OUTPUT.to_owned())],
        other => vec![ToolResultContentBlock::Text(other.to_string())],
    }
}

/// Converts one part of a user, assistant or tool message.
fn convert_part(
    part: &Part,
    role: Role,
    plan: &Plan,
    names: &mut DocumentNames,
    tool_names: &mut BTreeSet<String>,
) -> Result<Option<(Rank, ContentBlock)>, Error> {
    let assistant = role == Role::Assistant;
    let rank_other = Rank::Middle;
    Ok(match &part.kind {
        PartKind::Text { text } => {
            if text.trim().is_empty() {
                None
            } else {
                Some((rank_other, ContentBlock::Text(text.clone())))
            }
        }
        PartKind::Image { data, media_type } => Some((
            rank_other,
            media::image_block(data, media_type.as_deref(), part)?,
        )),
        PartKind::File {
            data,
            media_type,
            name,
        } => Some((
            rank_other,
            media::file_block(data, media_type, name.as_deref(), part, names)?,
        )),
        PartKind::ToolCall { id, name, input } => {
            tool_names.insert(name.clone());
            Some((
                if assistant { Rank::Last } else { rank_other },
                ContentBlock::ToolUse(ToolUseBlock::new(
                    id.clone(),
                    name.clone(),
                    tool_input(input),
                )),
            ))
        }
        PartKind::ToolResult {
            id,
            name,
            output,
            is_error,
        } => {
            if !name.is_empty() {
                tool_names.insert(name.clone());
            }
            let status = (*is_error && plan.tool_status()).then_some(ToolResultStatus::Error);
            Some((
                if assistant { rank_other } else { Rank::First },
                ContentBlock::ToolResult(ToolResultBlock {
                    tool_use_id: id.clone(),
                    content: tool_result_content(output),
                    status,
                    r#type: None,
                }),
            ))
        }
        PartKind::Reasoning { text, signature } => match signature {
            Some(sig) if assistant => Some((
                Rank::First,
                ContentBlock::ReasoningContent(ReasoningContentBlock::text(
                    text.clone(),
                    Some(sig.clone()),
                )),
            )),
            // Unsigned reasoning cannot be verified by Bedrock: dropped.
            _ => None,
        },
        PartKind::RedactedReasoning { data } => {
            if !assistant {
                None
            } else {
                let blob = Blob::from_base64(data.trim())
                    .map_err(|e| invalid(format!("redacted reasoning data is not base64: {e}")))?;
                Some((
                    Rank::First,
                    ContentBlock::ReasoningContent(ReasoningContentBlock::RedactedContent(blob)),
                ))
            }
        }
        _ => return Err(invalid("a message part of an unsupported kind")),
    })
}

/// Converts the system prompt and the conversation.
pub(crate) fn convert_messages(req: &ModelRequest, plan: &Plan) -> Result<Converted, Error> {
    let mut out = Converted::default();
    if let Some(system) = &req.system
        && !system.trim().is_empty()
    {
        out.system.push(SystemContentBlock::Text(system.clone()));
    }
    let mut names = DocumentNames::default();
    let mut tool_names = BTreeSet::new();
    let mut has_tool_blocks = false;
    let mut turns: Vec<Turn> = Vec::new();

    for message in &req.messages {
        if message.role == Role::System {
            for part in &message.content {
                match &part.kind {
                    PartKind::Text { text } => {
                        if !text.trim().is_empty() {
                            out.system.push(SystemContentBlock::Text(text.clone()));
                        }
                    }
                    _ => return Err(invalid("system messages may only hold text")),
                }
                if plan.caching
                    && let Some(cache) = part.cache
                    && matches!(out.system.last(), Some(SystemContentBlock::Text(_)))
                {
                    out.system
                        .push(SystemContentBlock::CachePoint(super::cache_point_for(
                            cache.ttl,
                        )));
                }
            }
            continue;
        }
        let role = match message.role {
            Role::Assistant => ConversationRole::Assistant,
            _ => ConversationRole::User,
        };
        let mut groups = Vec::with_capacity(message.content.len());
        for part in &message.content {
            let converted = convert_part(part, message.role, plan, &mut names, &mut tool_names)?;
            let (rank, block) = match converted {
                Some((rank, block)) => {
                    if matches!(
                        block,
                        ContentBlock::ToolUse(_) | ContentBlock::ToolResult(_)
                    ) {
                        has_tool_blocks = true;
                    }
                    (rank, Some(block))
                }
                None => (Rank::Middle, None),
            };
            let cache = if plan.caching {
                part.cache.map(|c| super::cache_point_for(c.ttl))
            } else {
                None
            };
            // A dropped block's cache marker stays where the block was.
            groups.push(Group { rank, block, cache });
        }
        if plan.caching
            && let Some(v) =
                bedrock_options(&message.provider_options).and_then(|o| o.get("cachePoint"))
            && let Some(cp) = cache_point_option(v)?
        {
            groups.push(Group {
                rank: Rank::Last,
                block: None,
                cache: Some(cp),
            });
        }
        match turns.last_mut() {
            Some(turn) if turn.role == role => turn.groups.extend(groups),
            _ => turns.push(Turn { role, groups }),
        }
    }

    // Turns that end up empty are dropped, which may leave two turns of the
    // same role next to each other: merge those too.
    let mut messages: Vec<Message> = Vec::with_capacity(turns.len());
    for turn in turns.into_iter().filter_map(Turn::finish) {
        match messages.last_mut() {
            Some(last) if last.role == turn.role => last.content.extend(turn.content),
            _ => messages.push(turn),
        }
    }
    trim_final_assistant(&mut messages);

    if plan.caching && req.prompt_caching && !out.system.is_empty() {
        let cp = plan
            .cache_ttl
            .clone()
            .map_or_else(CachePointBlock::default, CachePointBlock::with_ttl);
        if !matches!(out.system.last(), Some(SystemContentBlock::CachePoint(_))) {
            out.system.push(SystemContentBlock::CachePoint(cp));
        }
    }
    out.messages = messages;
    out.history_tool_names = has_tool_blocks.then_some(tool_names);
    Ok(out)
}

/// Trims the trailing whitespace of a final assistant turn (Bedrock rejects a
/// prefill that ends in whitespace); drops it when nothing is left.
fn trim_final_assistant(messages: &mut Vec<Message>) {
    let Some(last) = messages.last_mut() else {
        return;
    };
    if last.role != ConversationRole::Assistant {
        return;
    }
    // Cache points after the last text do not count.
    let Some(idx) = last
        .content
        .iter()
        .rposition(|b| !matches!(b, ContentBlock::CachePoint(_)))
    else {
        return;
    };
    let remove = match last.content.get_mut(idx) {
        Some(ContentBlock::Text(text)) => {
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
            text.is_empty()
        }
        _ => false,
    };
    if remove {
        last.content.remove(idx);
        if !last
            .content
            .iter()
            .any(|b| !matches!(b, ContentBlock::CachePoint(_)))
        {
            messages.pop();
        }
    }
}

/// The tool configuration, if any.
pub(crate) fn tool_config(
    req: &ModelRequest,
    plan: &Plan,
    history_tool_names: &Option<BTreeSet<String>>,
) -> Result<Option<ToolConfiguration>, Error> {
    let mut tools: Vec<Tool> = Vec::new();
    if plan.send_user_tools {
        for def in &req.tools {
            if !def.input_schema.is_object() {
                return Err(invalid(format!(
                    "the input schema of tool `{}` is not a JSON object",
                    def.name
                )));
            }
            let description = if def.description.trim().is_empty() {
                def.name.clone()
            } else {
                def.description.clone()
            };
            tools.push(Tool::ToolSpec(ToolSpecification {
                name: def.name.clone(),
                description: Some(description),
                input_schema: ToolInputSchema::Json(def.input_schema.clone()),
                strict: def.strict.then_some(true),
            }));
            if plan.caching
                && let Some(v) =
                    bedrock_options(&def.provider_options).and_then(|o| o.get("cachePoint"))
                && let Some(cp) = cache_point_option(v)?
            {
                tools.push(Tool::CachePoint(cp));
            }
        }
    }
    if let (Some(json_tool), Some(ResponseFormat::JsonSchema { name, schema, .. })) =
        (plan.json_tool, &req.response_format)
    {
        let input_schema = if json_tool.wrapped {
            json!({"type": "object", "properties": {"value": schema}, "required": ["value"]})
        } else {
            schema.clone()
        };
        let what = if name.is_empty() {
            "answer".to_owned()
        } else {
            format!("`{name}`")
        };
        tools.push(Tool::ToolSpec(ToolSpecification {
            name: JSON_TOOL_NAME.to_owned(),
            description: Some(format!(
                "Respond with the {what} as this tool's input, following its JSON schema."
            )),
            input_schema: ToolInputSchema::Json(input_schema),
            strict: None,
        }));
    }
    if tools.is_empty() {
        // Bedrock requires a toolConfig when the history holds tool blocks.
        return Ok(history_tool_names.as_ref().map(|names| {
            ToolConfiguration::new(
                names
                    .iter()
                    .map(|n| {
                        Tool::ToolSpec(ToolSpecification {
                            name: n.clone(),
                            description: Some(format!(
                                "The `{n}` tool used earlier in this conversation."
                            )),
                            input_schema: ToolInputSchema::Json(json!({"type": "object"})),
                            strict: None,
                        })
                    })
                    .collect(),
            )
        }));
    }
    if plan.caching && req.prompt_caching && !matches!(tools.last(), Some(Tool::CachePoint(_))) {
        let cp = plan
            .cache_ttl
            .clone()
            .map_or_else(CachePointBlock::default, CachePointBlock::with_ttl);
        tools.push(Tool::CachePoint(cp));
    }
    let tool_choice = plan.choice.as_ref().map(|c| match c {
        WireChoice::Auto => converse_types::ToolChoice::auto(),
        WireChoice::Any => converse_types::ToolChoice::any(),
        WireChoice::Tool(name) => converse_types::ToolChoice::tool(name.clone()),
    });
    Ok(Some(ToolConfiguration { tools, tool_choice }))
}

/// maxTokens, temperature, topP and stop sequences.
pub(crate) fn inference_config(req: &ModelRequest, plan: &Plan) -> Option<InferenceConfiguration> {
    let drop_sampling = plan.reasoning.drops_sampling;
    let max_tokens = match plan.reasoning.budget {
        Some(budget) => Some(
            req.max_output_tokens
                .unwrap_or(super::DEFAULT_VISIBLE_MAX_TOKENS)
                .saturating_add(budget),
        ),
        None => req.max_output_tokens,
    };
    let config = InferenceConfiguration {
        max_tokens,
        temperature: req.temperature.filter(|_| !drop_sampling).map(widen),
        top_p: req.top_p.filter(|_| !drop_sampling).map(widen),
        stop_sequences: (!req.stop_sequences.is_empty()).then(|| req.stop_sequences.clone()),
    };
    (config != InferenceConfiguration::default()).then_some(config)
}
