//! Tool definitions, tool choice, tool calls and tool results.

use serde::Serialize;
use serde_json::Value;

use crate::citation::SearchResultBlock;
use crate::content::CachePointBlock;
use crate::media::{DocumentBlock, ImageBlock, VideoBlock};

/// The tools a model may call and how it should choose (`ToolConfiguration`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolConfiguration {
    /// The tools (at least one).
    pub tools: Vec<Tool>,
    /// How the model should choose a tool; the model decides when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
}

struct_deserialize! {
    ToolConfiguration {
        tools: "tools",
        tool_choice: "toolChoice",
    }
}

impl ToolConfiguration {
    /// A configuration with these tools and no tool choice.
    pub fn new(tools: Vec<Tool>) -> Self {
        Self {
            tools,
            tool_choice: None,
        }
    }
}

union_enum! {
    /// One entry of the tool list (`Tool`).
    pub enum Tool {
        /// A tool the caller implements.
        ToolSpec(ToolSpecification) = "toolSpec",
        /// A tool the provider implements.
        SystemTool(SystemTool) = "systemTool",
        /// A prompt-caching checkpoint after the tools before it.
        CachePoint(CachePointBlock) = "cachePoint",
    }
}

impl Tool {
    /// A caller-implemented tool with a JSON Schema for its input.
    ///
    /// ```
    /// use converse_types::Tool;
    /// let tool = Tool::spec("get_weather", "Weather for a city",
    ///     serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}}));
    /// assert_eq!(tool.member_name(), "toolSpec");
    /// ```
    pub fn spec(
        name: impl Into<String>,
        description: impl Into<String>,
        input_schema: Value,
    ) -> Self {
        Self::ToolSpec(ToolSpecification {
            name: name.into(),
            description: Some(description.into()),
            input_schema: ToolInputSchema::Json(input_schema),
            strict: None,
        })
    }

    /// A default cache point.
    pub fn cache_point() -> Self {
        Self::CachePoint(CachePointBlock::default())
    }
}

/// A caller-implemented tool (`ToolSpecification`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolSpecification {
    /// The tool name (`[a-zA-Z0-9_-]{1,64}`).
    pub name: String,
    /// What the tool does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The schema of the tool's input.
    pub input_schema: ToolInputSchema,
    /// Ask the model to follow the schema strictly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

struct_deserialize! {
    ToolSpecification {
        name: "name",
        description: "description",
        input_schema: "inputSchema",
        strict: "strict",
    }
}

union_enum! {
    /// The schema of a tool's input (`ToolInputSchema`).
    pub enum ToolInputSchema {
        /// A JSON Schema document.
        Json(Value) = "json",
    }
}

impl Default for ToolInputSchema {
    /// `{"json": {"type": "object"}}`: a tool that takes an object.
    fn default() -> Self {
        Self::Json(serde_json::json!({"type": "object"}))
    }
}

/// A provider-implemented tool (`SystemTool`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemTool {
    /// The tool name.
    pub name: String,
}

struct_deserialize! {
    SystemTool {
        name: "name",
    }
}

/// Let the model decide whether to call a tool (`AutoToolChoice`, `{}` on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AutoToolChoice {}

struct_deserialize! { AutoToolChoice {} }

/// Make the model call some tool (`AnyToolChoice`, `{}` on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AnyToolChoice {}

struct_deserialize! { AnyToolChoice {} }

/// Make the model call one named tool (`SpecificToolChoice`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecificToolChoice {
    /// The tool name.
    pub name: String,
}

struct_deserialize! {
    SpecificToolChoice {
        name: "name",
    }
}

union_enum! {
    /// How the model should choose a tool (`ToolChoice`).
    pub enum ToolChoice {
        /// The model decides.
        Auto(AutoToolChoice) = "auto",
        /// The model must call a tool.
        Any(AnyToolChoice) = "any",
        /// The model must call this tool.
        Tool(SpecificToolChoice) = "tool",
    }
}

impl ToolChoice {
    /// `{"auto": {}}`.
    pub fn auto() -> Self {
        Self::Auto(AutoToolChoice {})
    }

    /// `{"any": {}}`.
    pub fn any() -> Self {
        Self::Any(AnyToolChoice {})
    }

    /// `{"tool": {"name": ...}}`.
    pub fn tool(name: impl Into<String>) -> Self {
        Self::Tool(SpecificToolChoice { name: name.into() })
    }
}

string_enum! {
    /// The kind of tool call (`ToolUseType`).
    pub enum ToolUseType {
        /// `server_tool_use`: a call to a provider-implemented tool.
        ServerToolUse = "server_tool_use",
    }
}

/// A tool call made by the model (`ToolUseBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseBlock {
    /// The call's id; the matching result carries it back.
    pub tool_use_id: String,
    /// The tool name.
    pub name: String,
    /// The tool input, a JSON document.
    pub input: Value,
    /// The kind of call; absent for caller-implemented tools.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<ToolUseType>,
}

struct_deserialize! {
    ToolUseBlock {
        tool_use_id: "toolUseId",
        name: "name",
        input: "input",
        r#type: "type",
    }
}

impl ToolUseBlock {
    /// A tool call.
    pub fn new(tool_use_id: impl Into<String>, name: impl Into<String>, input: Value) -> Self {
        Self {
            tool_use_id: tool_use_id.into(),
            name: name.into(),
            input,
            r#type: None,
        }
    }
}

string_enum! {
    /// Whether a tool call succeeded (`ToolResultStatus`).
    pub enum ToolResultStatus {
        /// `success`.
        Success = "success",
        /// `error`.
        Error = "error",
    }
}

union_enum! {
    /// A block of a tool result (`ToolResultContentBlock`).
    pub enum ToolResultContentBlock {
        /// A JSON document.
        Json(Value) = "json",
        /// Text.
        Text(String) = "text",
        /// An image.
        Image(ImageBlock) = "image",
        /// A document.
        Document(DocumentBlock) = "document",
        /// A video.
        Video(VideoBlock) = "video",
        /// A search result.
        SearchResult(SearchResultBlock) = "searchResult",
    }
}

/// The result of a tool call (`ToolResultBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolResultBlock {
    /// The id of the call this answers.
    pub tool_use_id: String,
    /// The result content.
    pub content: Vec<ToolResultContentBlock>,
    /// Whether the call succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ToolResultStatus>,
    /// The kind of result.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
}

struct_deserialize! {
    ToolResultBlock {
        tool_use_id: "toolUseId",
        content: "content",
        status: "status",
        r#type: "type",
    }
}

impl ToolResultBlock {
    /// A result with one text block and no status.
    ///
    /// ```
    /// use converse_types::{ContentBlock, Message, ToolResultBlock};
    /// let turn = Message::user(vec![ToolResultBlock::text("call-1", "22 °C").into()]);
    /// assert_eq!(serde_json::to_value(&turn).unwrap()["content"][0]["toolResult"]["toolUseId"], "call-1");
    /// ```
    pub fn text(tool_use_id: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            tool_use_id: tool_use_id.into(),
            content: vec![ToolResultContentBlock::Text(text.into())],
            status: None,
            r#type: None,
        }
    }

    /// A result with one JSON block and no status.
    pub fn json(tool_use_id: impl Into<String>, json: Value) -> Self {
        Self {
            tool_use_id: tool_use_id.into(),
            content: vec![ToolResultContentBlock::Json(json)],
            status: None,
            r#type: None,
        }
    }

    /// A failed call, with one text block explaining why.
    pub fn error(tool_use_id: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            status: Some(ToolResultStatus::Error),
            ..Self::text(tool_use_id, text)
        }
    }

    /// Sets the status.
    pub fn with_status(mut self, status: ToolResultStatus) -> Self {
        self.status = Some(status);
        self
    }
}

/// A reference to a tool (`ToolReference`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolReference {
    /// The kind of tool.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// The tool name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The server that provides the tool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
}

struct_deserialize! {
    ToolReference {
        r#type: "type",
        name: "name",
        server_name: "serverName",
    }
}

/// A tool added to the conversation (`ToolAdditionBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolAdditionBlock {
    /// The tool.
    pub tool: ToolReference,
}

struct_deserialize! {
    ToolAdditionBlock {
        tool: "tool",
    }
}

/// A tool removed from the conversation (`ToolRemovalBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolRemovalBlock {
    /// The tool.
    pub tool: ToolReference,
}

struct_deserialize! {
    ToolRemovalBlock {
        tool: "tool",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tool_choice_wire_forms() {
        assert_eq!(
            serde_json::to_value(ToolChoice::auto()).unwrap(),
            json!({"auto": {}})
        );
        assert_eq!(
            serde_json::to_value(ToolChoice::any()).unwrap(),
            json!({"any": {}})
        );
        assert_eq!(
            serde_json::to_value(ToolChoice::tool("f")).unwrap(),
            json!({"tool": {"name": "f"}})
        );
    }

    #[test]
    fn tool_spec_wire_form() {
        let tool = Tool::spec("f", "does f", json!({"type": "object"}));
        assert_eq!(
            serde_json::to_value(tool).unwrap(),
            json!({"toolSpec": {"name": "f", "description": "does f", "inputSchema": {"json": {"type": "object"}}}})
        );
    }

    #[test]
    fn tool_result_error_sets_status() {
        let value = serde_json::to_value(ToolResultBlock::error("id", "boom")).unwrap();
        assert_eq!(
            value,
            json!({"toolUseId": "id", "content": [{"text": "boom"}], "status": "error"})
        );
    }
}
