//! Messages and the content blocks they carry.

use serde::Serialize;

use crate::citation::{CitationsContentBlock, SearchResultBlock};
use crate::guardrail::{GuardrailConverseContentBlock, GuardrailConverseTextBlock};
use crate::media::{AudioBlock, DocumentBlock, ImageBlock, VideoBlock};
use crate::reasoning::ReasoningContentBlock;
use crate::tool::{ToolAdditionBlock, ToolRemovalBlock, ToolResultBlock, ToolUseBlock};

string_enum! {
    /// Who sent a message (`ConversationRole`).
    pub enum ConversationRole {
        /// `user`.
        User = "user",
        /// `assistant`.
        Assistant = "assistant",
        /// `system` (listed by the model; Converse takes system prompts in `system` instead).
        System = "system",
    }
}

/// One turn of a conversation (`Message`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Who sent the message.
    pub role: ConversationRole,
    /// The message content, in order.
    pub content: Vec<ContentBlock>,
}

struct_deserialize! {
    Message {
        role: "role",
        content: "content",
    }
}

impl Message {
    /// A message with the given role and content.
    pub fn new(role: ConversationRole, content: Vec<ContentBlock>) -> Self {
        Self { role, content }
    }

    /// A user message with one text block.
    ///
    /// ```
    /// use converse_types::{ContentBlock, ConversationRole, Message};
    /// let m = Message::user_text("hi");
    /// assert_eq!(m.role, ConversationRole::User);
    /// assert_eq!(m.content, vec![ContentBlock::text("hi")]);
    /// ```
    pub fn user_text(text: impl Into<String>) -> Self {
        Self::new(ConversationRole::User, vec![ContentBlock::text(text)])
    }

    /// An assistant message with one text block.
    pub fn assistant_text(text: impl Into<String>) -> Self {
        Self::new(ConversationRole::Assistant, vec![ContentBlock::text(text)])
    }

    /// A user message with the given blocks.
    pub fn user(content: Vec<ContentBlock>) -> Self {
        Self::new(ConversationRole::User, content)
    }

    /// An assistant message with the given blocks.
    pub fn assistant(content: Vec<ContentBlock>) -> Self {
        Self::new(ConversationRole::Assistant, content)
    }

    /// The text of all `text` blocks, concatenated in order.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter_map(ContentBlock::as_text)
            .collect()
    }

    /// The `toolUse` blocks, in order.
    pub fn tool_uses(&self) -> impl Iterator<Item = &ToolUseBlock> {
        self.content.iter().filter_map(|block| match block {
            ContentBlock::ToolUse(tool_use) => Some(tool_use),
            _ => None,
        })
    }
}

union_enum! {
    /// A block of message content (`ContentBlock`).
    pub enum ContentBlock {
        /// Plain text.
        Text(String) = "text",
        /// An image.
        Image(ImageBlock) = "image",
        /// A document.
        Document(DocumentBlock) = "document",
        /// A video.
        Video(VideoBlock) = "video",
        /// An audio clip.
        Audio(AudioBlock) = "audio",
        /// A tool call made by the model.
        ToolUse(ToolUseBlock) = "toolUse",
        /// The result of a tool call.
        ToolResult(ToolResultBlock) = "toolResult",
        /// Content for a guardrail to evaluate.
        GuardContent(GuardrailConverseContentBlock) = "guardContent",
        /// A prompt-caching checkpoint.
        CachePoint(CachePointBlock) = "cachePoint",
        /// Model reasoning.
        ReasoningContent(ReasoningContentBlock) = "reasoningContent",
        /// Generated text with citations.
        CitationsContent(CitationsContentBlock) = "citationsContent",
        /// A search result supplied to the model.
        SearchResult(SearchResultBlock) = "searchResult",
        /// A tool added to the conversation.
        ToolAddition(ToolAdditionBlock) = "toolAddition",
        /// A tool removed from the conversation.
        ToolRemoval(ToolRemovalBlock) = "toolRemoval",
    }
}

impl ContentBlock {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// A default cache point (`{"cachePoint": {"type": "default"}}`).
    pub fn cache_point() -> Self {
        Self::CachePoint(CachePointBlock::default())
    }

    /// The text if this is a `text` block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl From<ToolUseBlock> for ContentBlock {
    fn from(block: ToolUseBlock) -> Self {
        Self::ToolUse(block)
    }
}

impl From<ToolResultBlock> for ContentBlock {
    fn from(block: ToolResultBlock) -> Self {
        Self::ToolResult(block)
    }
}

impl From<ImageBlock> for ContentBlock {
    fn from(block: ImageBlock) -> Self {
        Self::Image(block)
    }
}

impl From<DocumentBlock> for ContentBlock {
    fn from(block: DocumentBlock) -> Self {
        Self::Document(block)
    }
}

impl From<ReasoningContentBlock> for ContentBlock {
    fn from(block: ReasoningContentBlock) -> Self {
        Self::ReasoningContent(block)
    }
}

union_enum! {
    /// A block of the system prompt (`SystemContentBlock`).
    pub enum SystemContentBlock {
        /// System prompt text (must not be empty).
        Text(String) = "text",
        /// Content for a guardrail to evaluate.
        GuardContent(GuardrailConverseContentBlock) = "guardContent",
        /// A prompt-caching checkpoint.
        CachePoint(CachePointBlock) = "cachePoint",
    }
}

impl SystemContentBlock {
    /// A system text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// A default cache point.
    pub fn cache_point() -> Self {
        Self::CachePoint(CachePointBlock::default())
    }

    /// A guardrail text block.
    pub fn guard_text(text: impl Into<String>) -> Self {
        Self::GuardContent(GuardrailConverseContentBlock::Text(
            GuardrailConverseTextBlock {
                text: text.into(),
                qualifiers: None,
            },
        ))
    }
}

string_enum! {
    /// The kind of cache point (`CachePointType`).
    pub enum CachePointType {
        /// `default`.
        Default = "default",
    }
}

string_enum! {
    /// How long a cache entry lives (`CacheTTL`).
    pub enum CacheTtl {
        /// `5m`: five minutes.
        FiveMinutes = "5m",
        /// `1h`: one hour.
        OneHour = "1h",
    }
}

/// A prompt-caching checkpoint (`CachePointBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CachePointBlock {
    /// The kind of cache point.
    #[serde(rename = "type")]
    pub r#type: CachePointType,
    /// How long the cache entry lives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<CacheTtl>,
}

struct_deserialize! {
    CachePointBlock {
        r#type: "type",
        ttl: "ttl",
    }
}

impl CachePointBlock {
    /// A default cache point with the given TTL.
    pub fn with_ttl(ttl: CacheTtl) -> Self {
        Self {
            r#type: CachePointType::Default,
            ttl: Some(ttl),
        }
    }
}

/// An error the service attached to a media block (`ErrorBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBlock {
    /// What went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

struct_deserialize! {
    ErrorBlock {
        message: "message",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_text_serializes_as_on_the_wire() {
        let value = serde_json::to_value(Message::user_text("hi")).unwrap();
        assert_eq!(value, json!({"role": "user", "content": [{"text": "hi"}]}));
    }

    #[test]
    fn unknown_content_block_round_trips() {
        let raw = json!({"hologram": {"frames": 3}});
        let block: ContentBlock = serde_json::from_value(raw.clone()).unwrap();
        assert!(block.is_unknown());
        assert_eq!(block.member_name(), "hologram");
        assert_eq!(serde_json::to_value(&block).unwrap(), raw);
    }

    #[test]
    fn union_ignores_null_members_and_type() {
        let block: ContentBlock =
            serde_json::from_value(json!({"text": "a", "image": null, "__type": "x"})).unwrap();
        assert_eq!(block, ContentBlock::text("a"));
    }

    #[test]
    fn union_rejects_zero_or_two_members() {
        assert!(serde_json::from_value::<ContentBlock>(json!({})).is_err());
        assert!(serde_json::from_value::<ContentBlock>(json!({"text": "a", "x": 1})).is_err());
        assert!(serde_json::from_value::<ContentBlock>(json!("text")).is_err());
    }

    #[test]
    fn unknown_role_round_trips() {
        let role: ConversationRole = serde_json::from_str(r#""narrator""#).unwrap();
        assert_eq!(role, ConversationRole::Unknown("narrator".into()));
        assert_eq!(role.as_str(), "narrator");
        assert_eq!(serde_json::to_string(&role).unwrap(), r#""narrator""#);
        assert_eq!(
            "assistant".parse::<ConversationRole>().unwrap(),
            ConversationRole::Assistant
        );
    }

    #[test]
    fn message_text_concatenates_text_blocks() {
        let m = Message::assistant(vec![
            ContentBlock::text("a"),
            ContentBlock::cache_point(),
            ContentBlock::text("b"),
        ]);
        assert_eq!(m.text(), "ab");
        assert_eq!(m.tool_uses().count(), 0);
    }
}
