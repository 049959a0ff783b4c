//! Model reasoning ("thinking") content.

use serde::Serialize;

use crate::blob::Blob;

/// Reasoning text and the signature that lets it be sent back (`ReasoningTextBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasoningTextBlock {
    /// The reasoning text.
    pub text: String,
    /// The signature that verifies the text; send it back unchanged in later turns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

struct_deserialize! {
    ReasoningTextBlock {
        text: "text",
        signature: "signature",
    }
}

union_enum! {
    /// Model reasoning (`ReasoningContentBlock`).
    pub enum ReasoningContentBlock {
        /// Readable reasoning with its signature.
        ReasoningText(ReasoningTextBlock) = "reasoningText",
        /// Reasoning the provider encrypted for safety; send it back unchanged.
        RedactedContent(Blob) = "redactedContent",
    }
}

impl ReasoningContentBlock {
    /// Readable reasoning with an optional signature.
    pub fn text(text: impl Into<String>, signature: Option<String>) -> Self {
        Self::ReasoningText(ReasoningTextBlock {
            text: text.into(),
            signature,
        })
    }
}

union_enum! {
    /// A piece of streamed reasoning (`ReasoningContentBlockDelta`).
    pub enum ReasoningContentBlockDelta {
        /// More reasoning text.
        Text(String) = "text",
        /// Encrypted reasoning.
        RedactedContent(Blob) = "redactedContent",
        /// The signature of the reasoning text streamed so far.
        Signature(String) = "signature",
    }
}
