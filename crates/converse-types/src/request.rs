//! The Converse and ConverseStream requests and their settings.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::content::{Message, SystemContentBlock};
use crate::guardrail::{GuardrailConfiguration, GuardrailStreamConfiguration};
use crate::tool::ToolConfiguration;

/// Sampling settings (`InferenceConfiguration`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InferenceConfiguration {
    /// The most tokens the model may generate (at least 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Sampling temperature, 0 to 1.
    ///
    /// The model says `float`; this is `f64` so that `0.7` stays `0.7` through
    /// `serde_json::Value` (an `f32` would widen to `0.699999988079071`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling mass, 0 to 1 (`f64` for the same reason as `temperature`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Sequences that stop generation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_sequences: Option<Vec<String>>,
}

struct_deserialize! {
    InferenceConfiguration {
        max_tokens: "maxTokens",
        temperature: "temperature",
        top_p: "topP",
        stop_sequences: "stopSequences",
    }
}

string_enum! {
    /// Latency profile (`PerformanceConfigLatency`).
    pub enum PerformanceConfigLatency {
        /// `standard`.
        Standard = "standard",
        /// `optimized`: latency-optimized inference where the model supports it.
        Optimized = "optimized",
    }
}

/// Performance settings (`PerformanceConfiguration`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PerformanceConfiguration {
    /// The latency profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<PerformanceConfigLatency>,
}

struct_deserialize! {
    PerformanceConfiguration {
        latency: "latency",
    }
}

string_enum! {
    /// Service tier (`ServiceTierType`).
    pub enum ServiceTierType {
        /// `priority`.
        Priority = "priority",
        /// `default`.
        Default = "default",
        /// `flex`.
        Flex = "flex",
        /// `reserved`.
        Reserved = "reserved",
    }
}

/// The service tier a request runs in (`ServiceTier`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceTier {
    /// The tier.
    #[serde(rename = "type")]
    pub r#type: ServiceTierType,
}

struct_deserialize! {
    ServiceTier {
        r#type: "type",
    }
}

union_enum! {
    /// A value for a prompt-template variable (`PromptVariableValues`).
    pub enum PromptVariableValues {
        /// Text.
        Text(String) = "text",
    }
}

string_enum! {
    /// The kind of structured output (`OutputFormatType`).
    pub enum OutputFormatType {
        /// `json_schema`.
        JsonSchema = "json_schema",
    }
}

/// A JSON Schema for structured output (`JsonSchemaDefinition`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonSchemaDefinition {
    /// The schema, as a JSON string.
    pub schema: String,
    /// The schema's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the schema describes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

struct_deserialize! {
    JsonSchemaDefinition {
        schema: "schema",
        name: "name",
        description: "description",
    }
}

union_enum! {
    /// The structure of structured output (`OutputFormatStructure`).
    pub enum OutputFormatStructure {
        /// A JSON Schema.
        JsonSchema(JsonSchemaDefinition) = "jsonSchema",
    }
}

impl Default for OutputFormatStructure {
    fn default() -> Self {
        Self::JsonSchema(JsonSchemaDefinition::default())
    }
}

/// A structured-output format (`OutputFormat`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputFormat {
    /// The kind of format.
    #[serde(rename = "type")]
    pub r#type: OutputFormatType,
    /// The structure.
    pub structure: OutputFormatStructure,
}

struct_deserialize! {
    OutputFormat {
        r#type: "type",
        structure: "structure",
    }
}

impl OutputFormat {
    /// Native structured output that follows a JSON Schema.
    pub fn json_schema(schema: &Value, name: Option<String>) -> Self {
        Self {
            r#type: OutputFormatType::JsonSchema,
            structure: OutputFormatStructure::JsonSchema(JsonSchemaDefinition {
                schema: schema.to_string(),
                name,
                description: None,
            }),
        }
    }
}

/// Output settings (`OutputConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputConfig {
    /// The structured-output format of the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_format: Option<OutputFormat>,
    /// How much effort the model should spend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort: Option<String>,
}

struct_deserialize! {
    OutputConfig {
        text_format: "textFormat",
        effort: "effort",
    }
}

/// A Converse request (`ConverseRequest`): `POST /model/{modelId}/converse`.
///
/// `model_id` travels in the URI, not in the body: it is skipped by serde, so a deserialized
/// request has an empty `model_id` until the caller fills it from the path.
///
/// ```
/// use converse_types::{ConverseRequest, InferenceConfiguration, Message};
/// let request = ConverseRequest {
///     inference_config: Some(InferenceConfiguration { max_tokens: Some(512), ..Default::default() }),
///     ..ConverseRequest::new("us.anthropic.claude-sonnet-4-6", vec![Message::user_text("hi")])
/// };
/// let body = serde_json::to_value(&request).unwrap();
/// assert_eq!(body["inferenceConfig"]["maxTokens"], 512);
/// assert!(body.get("modelId").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseRequest {
    /// The model id, inference profile or ARN (a URI label, not part of the body).
    #[serde(skip)]
    pub model_id: String,
    /// The conversation so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<Message>>,
    /// The system prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<Vec<SystemContentBlock>>,
    /// Sampling settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference_config: Option<InferenceConfiguration>,
    /// Tools the model may call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_config: Option<ToolConfiguration>,
    /// Guardrail settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_config: Option<GuardrailConfiguration>,
    /// Model-specific request fields, passed through as JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_request_fields: Option<Value>,
    /// Values for the variables of a prompt-management template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_variables: Option<BTreeMap<String, PromptVariableValues>>,
    /// JSON pointers of model-specific response fields to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_response_field_paths: Option<Vec<String>>,
    /// Key-value metadata for invocation logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_metadata: Option<BTreeMap<String, String>>,
    /// Performance settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance_config: Option<PerformanceConfiguration>,
    /// The service tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
    /// Output settings (structured output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_config: Option<OutputConfig>,
}

struct_deserialize! {
    ConverseRequest {
        messages: "messages",
        system: "system",
        inference_config: "inferenceConfig",
        tool_config: "toolConfig",
        guardrail_config: "guardrailConfig",
        additional_model_request_fields: "additionalModelRequestFields",
        prompt_variables: "promptVariables",
        additional_model_response_field_paths: "additionalModelResponseFieldPaths",
        request_metadata: "requestMetadata",
        performance_config: "performanceConfig",
        service_tier: "serviceTier",
        output_config: "outputConfig",
    }
    default { model_id }
}

impl ConverseRequest {
    /// A request for a model with these messages and nothing else set.
    pub fn new(model_id: impl Into<String>, messages: Vec<Message>) -> Self {
        Self {
            model_id: model_id.into(),
            messages: Some(messages),
            ..Self::default()
        }
    }

    /// Sets the system prompt to one text block.
    pub fn with_system_text(mut self, text: impl Into<String>) -> Self {
        self.system = Some(vec![SystemContentBlock::text(text)]);
        self
    }

    /// Sets the sampling settings.
    pub fn with_inference_config(mut self, config: InferenceConfiguration) -> Self {
        self.inference_config = Some(config);
        self
    }

    /// Sets the tools.
    pub fn with_tool_config(mut self, config: ToolConfiguration) -> Self {
        self.tool_config = Some(config);
        self
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

/// A ConverseStream request (`ConverseStreamRequest`): `POST /model/{modelId}/converse-stream`.
///
/// The same as [`ConverseRequest`] except that the guardrail settings also choose a stream
/// processing mode. `model_id` is skipped by serde, as in [`ConverseRequest`].
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseStreamRequest {
    /// The model id, inference profile or ARN (a URI label, not part of the body).
    #[serde(skip)]
    pub model_id: String,
    /// The conversation so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<Message>>,
    /// The system prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<Vec<SystemContentBlock>>,
    /// Sampling settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference_config: Option<InferenceConfiguration>,
    /// Tools the model may call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_config: Option<ToolConfiguration>,
    /// Guardrail settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_config: Option<GuardrailStreamConfiguration>,
    /// Model-specific request fields, passed through as JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_request_fields: Option<Value>,
    /// Values for the variables of a prompt-management template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_variables: Option<BTreeMap<String, PromptVariableValues>>,
    /// JSON pointers of model-specific response fields to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_response_field_paths: Option<Vec<String>>,
    /// Key-value metadata for invocation logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_metadata: Option<BTreeMap<String, String>>,
    /// Performance settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance_config: Option<PerformanceConfiguration>,
    /// The service tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
    /// Output settings (structured output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_config: Option<OutputConfig>,
}

struct_deserialize! {
    ConverseStreamRequest {
        messages: "messages",
        system: "system",
        inference_config: "inferenceConfig",
        tool_config: "toolConfig",
        guardrail_config: "guardrailConfig",
        additional_model_request_fields: "additionalModelRequestFields",
        prompt_variables: "promptVariables",
        additional_model_response_field_paths: "additionalModelResponseFieldPaths",
        request_metadata: "requestMetadata",
        performance_config: "performanceConfig",
        service_tier: "serviceTier",
        output_config: "outputConfig",
    }
    default { model_id }
}

impl ConverseStreamRequest {
    /// A request for a model with these messages and nothing else set.
    pub fn new(model_id: impl Into<String>, messages: Vec<Message>) -> Self {
        Self {
            model_id: model_id.into(),
            messages: Some(messages),
            ..Self::default()
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

impl From<ConverseRequest> for ConverseStreamRequest {
    fn from(r: ConverseRequest) -> Self {
        Self {
            model_id: r.model_id,
            messages: r.messages,
            system: r.system,
            inference_config: r.inference_config,
            tool_config: r.tool_config,
            guardrail_config: r.guardrail_config.map(Into::into),
            additional_model_request_fields: r.additional_model_request_fields,
            prompt_variables: r.prompt_variables,
            additional_model_response_field_paths: r.additional_model_response_field_paths,
            request_metadata: r.request_metadata,
            performance_config: r.performance_config,
            service_tier: r.service_tier,
            output_config: r.output_config,
        }
    }
}

impl From<ConverseStreamRequest> for ConverseRequest {
    /// Drops the guardrail's stream processing mode, which Converse does not have.
    fn from(r: ConverseStreamRequest) -> Self {
        Self {
            model_id: r.model_id,
            messages: r.messages,
            system: r.system,
            inference_config: r.inference_config,
            tool_config: r.tool_config,
            guardrail_config: r.guardrail_config.map(|g| GuardrailConfiguration {
                guardrail_identifier: g.guardrail_identifier,
                guardrail_version: g.guardrail_version,
                trace: g.trace,
            }),
            additional_model_request_fields: r.additional_model_request_fields,
            prompt_variables: r.prompt_variables,
            additional_model_response_field_paths: r.additional_model_response_field_paths,
            request_metadata: r.request_metadata,
            performance_config: r.performance_config,
            service_tier: r.service_tier,
            output_config: r.output_config,
        }
    }
}
