//! Parsing of Converse-shaped request bodies, with the API model's constraints.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// A message role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    User,
    Assistant,
}

/// One conversation message; content blocks are kept as JSON.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Message {
    pub(crate) role: Role,
    pub(crate) content: Vec<Value>,
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolSpec {
    pub(crate) name: String,
    pub(crate) schema: Value,
}

/// `toolConfig.toolChoice`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum ToolChoice {
    #[default]
    Auto,
    Any,
    Tool(String),
}

/// `toolConfig`.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ToolConfig {
    pub(crate) tools: Vec<ToolSpec>,
    pub(crate) cache_point: bool,
    pub(crate) choice: ToolChoice,
    /// Whether `toolChoice` was sent at all.
    pub(crate) choice_sent: bool,
}

/// A parsed Converse (or CountTokens `converse`) request.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ChatRequest {
    pub(crate) messages: Vec<Message>,
    pub(crate) system: Vec<Value>,
    pub(crate) max_tokens: Option<u32>,
    pub(crate) temperature: Option<f64>,
    pub(crate) top_p: Option<f64>,
    pub(crate) stop_sequences: Vec<String>,
    pub(crate) tool_config: Option<ToolConfig>,
    pub(crate) additional_fields: Option<Value>,
    pub(crate) response_field_paths: Vec<String>,
    pub(crate) request_metadata: Option<Value>,
    pub(crate) performance_config: Option<Value>,
    pub(crate) service_tier: Option<Value>,
    /// The JSON schema of `outputConfig.textFormat` (structured output).
    pub(crate) output_schema: Option<Value>,
}

/// Constraint violations, reported together like AWS does.
#[derive(Debug, Default)]
struct Violations(Vec<String>);

impl Violations {
    fn push(&mut self, path: &str, value: &str, constraint: &str) {
        self.0.push(format!(
            "Value {value} at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    fn into_result(self) -> Result<(), ApiError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(ApiError::validation(format!(
                "1 validation error detected: {}",
                self.0.join("; ")
            ))),
            n => Err(ApiError::validation(format!(
                "{n} validation errors detected: {}",
                self.0.join("; ")
            ))),
        }
    }
}

fn type_error(path: &str, expected: &str) -> ApiError {
    ApiError::serialization(format!("Expected {expected} at '{path}'"))
}

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ApiError> {
    value
        .as_object()
        .ok_or_else(|| type_error(path, "an object"))
}

fn array<'a>(value: &'a Value, path: &str) -> Result<&'a Vec<Value>, ApiError> {
    value.as_array().ok_or_else(|| type_error(path, "a list"))
}

fn string<'a>(value: &'a Value, path: &str) -> Result<&'a str, ApiError> {
    value.as_str().ok_or_else(|| type_error(path, "a string"))
}

fn member<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|v| !v.is_null())
}

/// Parses a JSON request body.
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    if body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::serialization(format!("Could not parse the request body as JSON: {e}"))
    })?;
    if !value.is_object() {
        return Err(ApiError::serialization(
            "Expected a JSON object as the request body",
        ));
    }
    Ok(value)
}

fn is_tool_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn is_metadata_text(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || ":_@$#=/+,-.".contains(c))
}

/// Parses the members of a Converse request (or of CountTokens' `input.converse`).
pub(crate) fn parse_chat(body: &Value) -> Result<ChatRequest, ApiError> {
    let root = object(body, "body")?;
    let mut request = ChatRequest::default();
    let mut violations = Violations::default();

    if let Some(messages) = member(root, "messages") {
        for (i, message) in array(messages, "messages")?.iter().enumerate() {
            let path = format!("messages.{i}");
            let message = object(message, &path)?;
            let role = match member(message, "role") {
                Some(role) => string(role, &format!("{path}.role"))?,
                None => {
                    violations.push(
                        &format!("{path}.member.role"),
                        "null",
                        "Member must not be null",
                    );
                    ""
                }
            };
            let role = match role {
                "user" => Role::User,
                "assistant" => Role::Assistant,
                "" => Role::User,
                "system" => {
                    return Err(ApiError::model_validation(
                        "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.",
                    ));
                }
                other => {
                    violations.push(
                        &format!("{path}.member.role"),
                        &format!("'{other}'"),
                        "Member must satisfy enum value set: [user, assistant]",
                    );
                    Role::User
                }
            };
            let content = match member(message, "content") {
                Some(content) => array(content, &format!("{path}.content"))?.clone(),
                None => {
                    violations.push(
                        &format!("{path}.member.content"),
                        "null",
                        "Member must not be null",
                    );
                    Vec::new()
                }
            };
            for (j, block) in content.iter().enumerate() {
                object(block, &format!("{path}.content.{j}"))?;
            }
            request.messages.push(Message { role, content });
        }
    }

    if let Some(system) = member(root, "system") {
        for (i, block) in array(system, "system")?.iter().enumerate() {
            object(block, &format!("system.{i}"))?;
            request.system.push(block.clone());
        }
    }

    if let Some(config) = member(root, "inferenceConfig") {
        let config = object(config, "inferenceConfig")?;
        if let Some(max) = member(config, "maxTokens") {
            let max = max
                .as_i64()
                .ok_or_else(|| type_error("inferenceConfig.maxTokens", "an integer"))?;
            if max < 1 {
                violations.push(
                    "inferenceConfig.maxTokens",
                    &format!("'{max}'"),
                    "Member must have value greater than or equal to 1",
                );
            }
            request.max_tokens = Some(u32::try_from(max.max(1)).unwrap_or(u32::MAX));
        }
        for (key, slot) in [
            ("temperature", &mut request.temperature),
            ("topP", &mut request.top_p),
        ] {
            if let Some(value) = member(config, key) {
                let path = format!("inferenceConfig.{key}");
                let number = value
                    .as_f64()
                    .ok_or_else(|| type_error(&path, "a number"))?;
                if number < 0.0 {
                    violations.push(
                        &path,
                        &format!("'{number}'"),
                        "Member must have value greater than or equal to 0",
                    );
                } else if number > 1.0 {
                    violations.push(
                        &path,
                        &format!("'{number}'"),
                        "Member must have value less than or equal to 1",
                    );
                }
                *slot = Some(number);
            }
        }
        if let Some(stops) = member(config, "stopSequences") {
            let stops = array(stops, "inferenceConfig.stopSequences")?;
            if stops.len() > 2500 {
                violations.push(
                    "inferenceConfig.stopSequences",
                    "[...]",
                    "Member must have length less than or equal to 2500",
                );
            }
            for (i, stop) in stops.iter().enumerate() {
                let stop = string(stop, &format!("inferenceConfig.stopSequences.{i}"))?;
                if stop.is_empty() {
                    violations.push(
                        &format!("inferenceConfig.stopSequences.{i}.member"),
                        "''",
                        "Member must have length greater than or equal to 1",
                    );
                }
                request.stop_sequences.push(stop.to_string());
            }
        }
    }

    if let Some(config) = member(root, "toolConfig") {
        request.tool_config = Some(parse_tool_config(config, &mut violations)?);
    }

    request.additional_fields = member(root, "additionalModelRequestFields").cloned();
    if let Some(fields) = &request.additional_fields {
        object(fields, "additionalModelRequestFields")?;
    }
    if let Some(paths) = member(root, "additionalModelResponseFieldPaths") {
        for (i, path) in array(paths, "additionalModelResponseFieldPaths")?
            .iter()
            .enumerate()
        {
            let path = string(path, &format!("additionalModelResponseFieldPaths.{i}"))?;
            request.response_field_paths.push(path.to_string());
        }
        if request.response_field_paths.len() > 10 {
            violations.push(
                "additionalModelResponseFieldPaths",
                "[...]",
                "Member must have length less than or equal to 10",
            );
        }
    }

    if let Some(metadata) = member(root, "requestMetadata") {
        let map = object(metadata, "requestMetadata")?;
        if map.is_empty() || map.len() > 16 {
            violations.push(
                "requestMetadata",
                "{...}",
                "Member must have length between 1 and 16",
            );
        }
        for (key, value) in map {
            let value = string(value, &format!("requestMetadata.{key}"))?;
            if key.is_empty() || key.len() > 256 || !is_metadata_text(key) {
                violations.push(
                    "requestMetadata",
                    &format!("'{key}'"),
                    "Map keys must satisfy constraint: [Member must have length between 1 and 256, Member must satisfy regular expression pattern: [a-zA-Z0-9\\s:_@$#=/+,-.]{1,256}]",
                );
            }
            if value.len() > 256 || !is_metadata_text(value) {
                violations.push(
                    "requestMetadata",
                    &format!("'{value}'"),
                    "Map values must satisfy constraint: [Member must have length less than or equal to 256, Member must satisfy regular expression pattern: [a-zA-Z0-9\\s:_@$#=/+,-.]{0,256}]",
                );
            }
        }
        request.request_metadata = Some(metadata.clone());
    }

    if let Some(performance) = member(root, "performanceConfig") {
        let map = object(performance, "performanceConfig")?;
        if let Some(latency) = member(map, "latency") {
            let latency = string(latency, "performanceConfig.latency")?;
            if !matches!(latency, "standard" | "optimized") {
                violations.push(
                    "performanceConfig.latency",
                    &format!("'{latency}'"),
                    "Member must satisfy enum value set: [standard, optimized]",
                );
            }
        }
        request.performance_config = Some(performance.clone());
    }

    if let Some(tier) = member(root, "serviceTier") {
        let map = object(tier, "serviceTier")?;
        match member(map, "type") {
            Some(kind) => {
                let kind = string(kind, "serviceTier.type")?;
                if !matches!(kind, "priority" | "default" | "flex" | "reserved") {
                    violations.push(
                        "serviceTier.type",
                        &format!("'{kind}'"),
                        "Member must satisfy enum value set: [priority, default, flex, reserved]",
                    );
                }
            }
            None => violations.push("serviceTier.type", "null", "Member must not be null"),
        }
        request.service_tier = Some(tier.clone());
    }

    if let Some(output) = member(root, "outputConfig") {
        let map = object(output, "outputConfig")?;
        if let Some(format) = member(map, "textFormat") {
            let format = object(format, "outputConfig.textFormat")?;
            let kind = member(format, "type").and_then(Value::as_str);
            if kind != Some("json_schema") {
                violations.push(
                    "outputConfig.textFormat.type",
                    &format!("'{}'", kind.unwrap_or("null")),
                    "Member must satisfy enum value set: [json_schema]",
                );
            }
            let schema = format
                .get("structure")
                .and_then(|s| s.get("jsonSchema"))
                .and_then(|s| s.get("schema"))
                .and_then(Value::as_str);
            match schema {
                Some(text) => {
                    let schema: Value = serde_json::from_str(text).map_err(|_| {
                        ApiError::validation(
                            "The JSON schema in outputConfig.textFormat is not valid JSON.",
                        )
                    })?;
                    request.output_schema = Some(schema);
                }
                None => violations.push(
                    "outputConfig.textFormat.structure.jsonSchema.schema",
                    "null",
                    "Member must not be null",
                ),
            }
        }
    }

    violations.into_result()?;
    Ok(request)
}

fn parse_tool_config(config: &Value, violations: &mut Violations) -> Result<ToolConfig, ApiError> {
    let map = object(config, "toolConfig")?;
    let mut parsed = ToolConfig::default();
    let tools = match member(map, "tools") {
        Some(tools) => array(tools, "toolConfig.tools")?.clone(),
        None => {
            violations.push("toolConfig.tools", "null", "Member must not be null");
            Vec::new()
        }
    };
    if tools.is_empty() && member(map, "tools").is_some() {
        violations.push(
            "toolConfig.tools",
            "'[]'",
            "Member must have length greater than or equal to 1",
        );
    }
    for (i, tool) in tools.iter().enumerate() {
        let path = format!("toolConfig.tools.{i}");
        let tool = object(tool, &path)?;
        if member(tool, "cachePoint").is_some() {
            parsed.cache_point = true;
            continue;
        }
        let Some(spec) = member(tool, "toolSpec") else {
            continue;
        };
        let spec = object(spec, &format!("{path}.toolSpec"))?;
        let name = match member(spec, "name") {
            Some(name) => string(name, &format!("{path}.toolSpec.name"))?.to_string(),
            None => {
                violations.push(
                    &format!("{path}.member.toolSpec.name"),
                    "null",
                    "Member must not be null",
                );
                String::new()
            }
        };
        if !name.is_empty() && !is_tool_name(&name) {
            violations.push(
                &format!("{path}.member.toolSpec.name"),
                &format!("'{name}'"),
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+",
            );
        }
        let schema = member(spec, "inputSchema")
            .and_then(|s| s.get("json"))
            .cloned();
        let schema = match schema {
            Some(schema) => schema,
            None => {
                violations.push(
                    &format!("{path}.member.toolSpec.inputSchema"),
                    "null",
                    "Member must not be null",
                );
                Value::Null
            }
        };
        parsed.tools.push(ToolSpec { name, schema });
    }
    if let Some(choice) = member(map, "toolChoice") {
        parsed.choice_sent = true;
        let choice = object(choice, "toolConfig.toolChoice")?;
        parsed.choice = if member(choice, "any").is_some() {
            ToolChoice::Any
        } else if let Some(tool) = member(choice, "tool") {
            let name = tool
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| type_error("toolConfig.toolChoice.tool.name", "a string"))?;
            ToolChoice::Tool(name.to_string())
        } else {
            ToolChoice::Auto
        };
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_a_full_request() {
        let body = json!({
            "messages": [{"role": "user", "content": [{"text": "hi"}]}],
            "system": [{"text": "be brief"}],
            "inferenceConfig": {"maxTokens": 10, "temperature": 0.5, "topP": 0.9, "stopSequences": ["END"]},
            "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": {"type": "object"}}}}, {"cachePoint": {"type": "default"}}], "toolChoice": {"tool": {"name": "get_weather"}}},
            "requestMetadata": {"team": "goai"},
            "performanceConfig": {"latency": "optimized"},
            "serviceTier": {"type": "priority"}
        });
        let request = parse_chat(&body).expect("valid");
        assert_eq!(request.messages.len(), 1);
        assert_eq!(request.max_tokens, Some(10));
        assert_eq!(request.stop_sequences, vec!["END".to_string()]);
        let tools = request.tool_config.expect("tools");
        assert!(tools.cache_point);
        assert_eq!(tools.choice, ToolChoice::Tool("get_weather".into()));
    }

    #[test]
    fn reports_constraint_violations_like_aws() {
        let body = json!({"messages": [], "inferenceConfig": {"maxTokens": 0, "temperature": 2}});
        let error = parse_chat(&body).expect_err("invalid");
        assert_eq!(error.kind, "ValidationException");
        assert!(
            error.message.starts_with("2 validation errors detected: "),
            "{}",
            error.message
        );
        assert!(error.message.contains("Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1"));
    }

    #[test]
    fn wrong_types_are_serialization_errors() {
        let error = parse_chat(&json!({"messages": "nope"})).expect_err("invalid");
        assert_eq!(error.kind, "SerializationException");
        assert!(parse_json(b"{not json").is_err());
        assert!(parse_json(b"[]").is_err());
    }
}
