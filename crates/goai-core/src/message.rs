//! Conversation messages and their content parts.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Provider-specific options: a JSON object keyed by provider name by
/// convention (e.g. `{"bedrock": {...}}`). Providers ignore keys they do not own.
pub type ProviderOptions = serde_json::Map<String, Value>;

/// Provider-specific metadata returned with a response, as JSON.
pub type ProviderMetadata = serde_json::Map<String, Value>;

/// Who authored a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// System instructions. Providers that take the system prompt separately
    /// hoist these out of the message list.
    System,
    /// The user.
    User,
    /// The model.
    Assistant,
    /// Tool results sent back to the model.
    Tool,
}

/// One message of a conversation.
///
/// # Examples
///
/// ```
/// use goai_core::{Message, Part, Role};
/// let m = Message::user("Describe this").with_part(Part::image_url("https://example.com/a.png"));
/// assert_eq!(m.role, Role::User);
/// assert_eq!(m.content.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// The author.
    pub role: Role,
    /// The content parts, in order.
    pub content: Vec<Part>,
    /// Provider options for this message. Default is empty.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub provider_options: ProviderOptions,
}

impl Message {
    /// A message with the given role and parts.
    pub fn new(role: Role, content: Vec<Part>) -> Self {
        Self {
            role,
            content,
            provider_options: ProviderOptions::new(),
        }
    }

    /// A system message with one text part.
    pub fn system(text: impl Into<String>) -> Self {
        Self::new(Role::System, vec![Part::text(text)])
    }

    /// A user message with one text part.
    pub fn user(text: impl Into<String>) -> Self {
        Self::new(Role::User, vec![Part::text(text)])
    }

    /// An assistant message with one text part.
    pub fn assistant(text: impl Into<String>) -> Self {
        Self::new(Role::Assistant, vec![Part::text(text)])
    }

    /// Appends a part.
    #[must_use]
    pub fn with_part(mut self, part: Part) -> Self {
        self.content.push(part);
        self
    }

    /// Sets the provider options of this message.
    #[must_use]
    pub fn with_provider_options(mut self, options: ProviderOptions) -> Self {
        self.provider_options = options;
        self
    }

    /// The concatenated text parts.
    pub fn text(&self) -> String {
        self.content.iter().filter_map(|p| p.as_text()).collect()
    }
}

/// Binary data given inline or by reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DataSource {
    /// The raw bytes.
    Bytes(Vec<u8>),
    /// A URL (`https://`, `s3://`, ...) the provider resolves; providers that
    /// cannot resolve a scheme reject the request.
    Url(String),
}

/// A prompt-cache marker: the provider may cache the prompt up to and including
/// the marked part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CacheControl {
    /// How long the cache entry should live. `None` (the default) is the
    /// provider's default TTL; providers round to the TTLs they support.
    pub ttl: Option<Duration>,
}

impl CacheControl {
    /// A marker with the provider's default TTL.
    pub fn new() -> Self {
        Self { ttl: None }
    }

    /// A marker with an explicit TTL.
    pub fn with_ttl(ttl: Duration) -> Self {
        Self { ttl: Some(ttl) }
    }
}

/// One content part of a message: its [`PartKind`] plus an optional cache
/// marker and provider options.
///
/// # Examples
///
/// ```
/// use goai_core::{CacheControl, Part, PartKind};
/// let p = Part::text("long context...").with_cache(CacheControl::new());
/// assert!(matches!(p.kind, PartKind::Text { .. }));
/// assert!(p.cache.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Part {
    /// The content.
    #[serde(flatten)]
    pub kind: PartKind,
    /// A prompt-cache marker after this part. Default is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheControl>,
    /// Provider options for this part. Default is empty.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub provider_options: ProviderOptions,
}

/// The content of a [`Part`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PartKind {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// An image.
    Image {
        /// The image bytes or URL.
        data: DataSource,
        /// The media type (`image/png`, ...); `None` lets the provider infer it.
        media_type: Option<String>,
    },
    /// A file or document (PDF, CSV, ...).
    File {
        /// The file bytes or URL.
        data: DataSource,
        /// The media type (`application/pdf`, ...).
        media_type: String,
        /// A file name; some providers require one and sanitize it.
        name: Option<String>,
    },
    /// A tool call made by the model (assistant messages).
    ToolCall {
        /// The call id, unique within the response.
        id: String,
        /// The tool name.
        name: String,
        /// The JSON input.
        input: Value,
    },
    /// The result of a tool call (tool messages).
    ToolResult {
        /// The id of the call this answers.
        id: String,
        /// The tool name.
        name: String,
        /// The tool's output as JSON (a string for plain text).
        output: Value,
        /// Whether the output describes a failure.
        is_error: bool,
    },
    /// Model reasoning ("thinking") text, with the provider's signature.
    /// Replay it unchanged in assistant turns.
    Reasoning {
        /// The reasoning text.
        text: String,
        /// The provider's signature over the reasoning, if any.
        signature: Option<String>,
    },
    /// Reasoning the provider returned encrypted. Replay it unchanged.
    RedactedReasoning {
        /// The opaque data.
        data: String,
    },
}

impl Part {
    /// A part with the given kind, no cache marker and no options.
    pub fn new(kind: PartKind) -> Self {
        Self {
            kind,
            cache: None,
            provider_options: ProviderOptions::new(),
        }
    }

    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new(PartKind::Text { text: text.into() })
    }

    /// An image part from bytes.
    pub fn image_bytes(bytes: impl Into<Vec<u8>>, media_type: impl Into<String>) -> Self {
        Self::new(PartKind::Image {
            data: DataSource::Bytes(bytes.into()),
            media_type: Some(media_type.into()),
        })
    }

    /// An image part from a URL.
    pub fn image_url(url: impl Into<String>) -> Self {
        Self::new(PartKind::Image {
            data: DataSource::Url(url.into()),
            media_type: None,
        })
    }

    /// A file part from bytes.
    pub fn file(
        bytes: impl Into<Vec<u8>>,
        media_type: impl Into<String>,
        name: Option<String>,
    ) -> Self {
        Self::new(PartKind::File {
            data: DataSource::Bytes(bytes.into()),
            media_type: media_type.into(),
            name,
        })
    }

    /// A tool call part.
    pub fn tool_call(id: impl Into<String>, name: impl Into<String>, input: Value) -> Self {
        Self::new(PartKind::ToolCall {
            id: id.into(),
            name: name.into(),
            input,
        })
    }

    /// A tool result part.
    pub fn tool_result(
        id: impl Into<String>,
        name: impl Into<String>,
        output: Value,
        is_error: bool,
    ) -> Self {
        Self::new(PartKind::ToolResult {
            id: id.into(),
            name: name.into(),
            output,
            is_error,
        })
    }

    /// A reasoning part.
    pub fn reasoning(text: impl Into<String>, signature: Option<String>) -> Self {
        Self::new(PartKind::Reasoning {
            text: text.into(),
            signature,
        })
    }

    /// A redacted reasoning part.
    pub fn redacted_reasoning(data: impl Into<String>) -> Self {
        Self::new(PartKind::RedactedReasoning { data: data.into() })
    }

    /// Sets a cache marker on this part.
    #[must_use]
    pub fn with_cache(mut self, cache: CacheControl) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Sets the provider options of this part.
    #[must_use]
    pub fn with_provider_options(mut self, options: ProviderOptions) -> Self {
        self.provider_options = options;
        self
    }

    /// The text, if this is a text part.
    pub fn as_text(&self) -> Option<&str> {
        match &self.kind {
            PartKind::Text { text } => Some(text),
            _ => None,
        }
    }
}

impl From<PartKind> for Part {
    fn from(kind: PartKind) -> Self {
        Self::new(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_serde_round_trip() {
        let p = Part::tool_call("1", "get", serde_json::json!({"a": 1}))
            .with_cache(CacheControl::with_ttl(Duration::from_secs(3600)));
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["type"], "tool_call");
        let back: Part = serde_json::from_value(v).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn message_text_joins_text_parts() {
        let m = Message::user("a")
            .with_part(Part::image_url("u"))
            .with_part(Part::text("b"));
        assert_eq!(m.text(), "ab");
    }
}
