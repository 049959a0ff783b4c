//! CountTokens: how many input tokens a request would use.

use serde::Serialize;
use serde_json::Value;

use crate::blob::Blob;
use crate::content::{Message, SystemContentBlock};
use crate::request::ConverseRequest;
use crate::tool::ToolConfiguration;

/// An InvokeModel body to count (`InvokeModelTokensRequest`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvokeModelTokensRequest {
    /// The InvokeModel request body.
    pub body: Blob,
}

struct_deserialize! {
    InvokeModelTokensRequest {
        body: "body",
    }
}

/// A Converse request to count (`ConverseTokensRequest`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseTokensRequest {
    /// The conversation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<Message>>,
    /// The system prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<Vec<SystemContentBlock>>,
    /// The tools.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_config: Option<ToolConfiguration>,
    /// Model-specific request fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_request_fields: Option<Value>,
}

struct_deserialize! {
    ConverseTokensRequest {
        messages: "messages",
        system: "system",
        tool_config: "toolConfig",
        additional_model_request_fields: "additionalModelRequestFields",
    }
}

impl From<&ConverseRequest> for ConverseTokensRequest {
    fn from(request: &ConverseRequest) -> Self {
        Self {
            messages: request.messages.clone(),
            system: request.system.clone(),
            tool_config: request.tool_config.clone(),
            additional_model_request_fields: request.additional_model_request_fields.clone(),
        }
    }
}

union_enum! {
    /// What to count (`CountTokensInput`).
    pub enum CountTokensInput {
        /// An InvokeModel body.
        InvokeModel(InvokeModelTokensRequest) = "invokeModel",
        /// A Converse request.
        Converse(ConverseTokensRequest) = "converse",
    }
}

impl Default for CountTokensInput {
    fn default() -> Self {
        Self::Converse(ConverseTokensRequest::default())
    }
}

/// A CountTokens request (`CountTokensRequest`): `POST /model/{modelId}/count-tokens`.
///
/// `model_id` travels in the URI and is skipped by serde.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountTokensRequest {
    /// The foundation model id (a URI label, not part of the body).
    #[serde(skip)]
    pub model_id: String,
    /// What to count.
    pub input: CountTokensInput,
}

struct_deserialize! {
    CountTokensRequest {
        input: "input",
    }
    default { model_id }
}

impl CountTokensRequest {
    /// Counts the tokens of a Converse request, for the same model.
    pub fn for_converse(request: &ConverseRequest) -> Self {
        Self {
            model_id: request.model_id.clone(),
            input: CountTokensInput::Converse(request.into()),
        }
    }

    /// The JSON body of this request (`serde_json::to_vec`).
    ///
    /// Prefer this to calling serde_json on the request yourself: the serializer for the whole
    /// model is then compiled once, in this crate, instead of again in every crate that sends
    /// requests.
    ///
    /// # Errors
    /// Only if a document (`Value`) cannot be written as JSON, which serde_json never reports
    /// for values it built itself.
    #[inline(never)]
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }
}

impl CountTokensResponse {
    /// Reads a response from its JSON body (`serde_json::from_slice`).
    ///
    /// # Errors
    /// Fails when the body is not JSON or does not match the response's shape.
    #[inline(never)]
    pub fn from_json(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }
}

/// A CountTokens response (`CountTokensResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountTokensResponse {
    /// The number of input tokens.
    pub input_tokens: u32,
}

struct_deserialize! {
    CountTokensResponse {
        input_tokens: "inputTokens",
    }
}
