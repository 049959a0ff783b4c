//! The one place where goai-core requests and responses are mapped to and from
//! the Converse wire model of `converse-types`.
//!
//! - [`build_converse_request`] / [`build_converse_stream_request`] /
//!   [`build_request_body`]: a [`ModelRequest`] plus [`RequestSettings`] to a
//!   Converse (or ConverseStream) request;
//! - [`map_converse_response`]: a Converse response to a [`ModelResponse`];
//! - [`StreamMapper`]: ConverseStream events to goai-core
//!   [`StreamPart`](goai_core::StreamPart)s.
//!
//! # Request rules
//!
//! - **Turns.** [`Role::System`](goai_core::Role::System) messages are folded
//!   into `system` after [`ModelRequest::system`], never sent as a role.
//!   Tool-role messages become user turns of `toolResult` blocks (`status:
//!   error` for failed calls, on Anthropic, Amazon and unknown families, the
//!   only ones that take a status). Consecutive turns of the same role are
//!   merged. In assistant turns reasoning comes first, then text, then tool
//!   calls; in user turns tool results come first. Blank text blocks are
//!   dropped, and the trailing whitespace of a final assistant turn (a prefill)
//!   is trimmed.
//! - **Reasoning replay.** Reasoning parts with a signature and redacted
//!   reasoning are sent back as `reasoningContent`; reasoning without a
//!   signature cannot be verified by Bedrock and is dropped.
//! - **Media.** Bytes, `data:<type>;base64,` URLs and `s3://` URIs (other URLs
//!   are rejected: Bedrock does not fetch them);
//!   document names are sanitized as GoAI does and made unique per request;
//!   `{"bedrock": {"citations": true}}` on a file part turns citations on.
//! - **Caching.** A part's [`CacheControl`](goai_core::CacheControl) puts a
//!   cache point after it; [`ModelRequest::prompt_caching`] puts one after the
//!   system prompt and one after the tools (TTL from the per-request option
//!   `cacheTtl`, `"5m"` or `"1h"`). A TTL up to five minutes is sent as `5m`,
//!   a longer one as `1h`, none as Bedrock's default. A tool with
//!   `{"bedrock": {"cachePoint": true}}` (or `{"ttl": "1h"}`) gets a cache point
//!   after it. A cache point never directly follows a reasoning block: it moves
//!   to the next block of the turn, or is dropped when there is none. Families
//!   without prompt caching get no cache points (with a warning).
//! - **Tools.** [`ToolChoice::Auto`] is `{"auto": {}}`, `Required` is
//!   `{"any": {}}`, `Tool(name)` is `{"tool": {"name"}}`. Bedrock has no
//!   `none`: [`ToolChoice::None`] omits the tools. When the history holds tool
//!   blocks but no toolConfig would be sent, a placeholder toolConfig is sent
//!   (one `{"type": "object"}` tool per name found in the history, sorted, so
//!   the request is deterministic), and with `ToolChoice::None` a system
//!   instruction tells the model not to call them. A forced choice on a family
//!   without `any`/`tool` support, or together with Anthropic thinking (which
//!   Bedrock rejects), is sent as `auto` plus a system instruction to call the
//!   tool, with a warning.
//! - **Structured output.** [`ResponseFormat::JsonSchema`] is sent as
//!   `outputConfig.textFormat` when the family has native structured output;
//!   otherwise a tool named [`JSON_TOOL_NAME`] with the schema (non-object
//!   schemas wrapped as `{"value": ...}`) is forced, and its input comes back
//!   as the response text. With Anthropic thinking the forced choice becomes
//!   `auto` plus an instruction (above); the text is the tool input when the
//!   model calls the tool and the model's text otherwise.
//! - **Sampling.** topK goes into `additionalModelRequestFields` under the
//!   family's key (`top_k` for Anthropic and Mistral, `inferenceConfig.topK`
//!   for Nova, `k` for Cohere; dropped with a warning elsewhere). Reasoning
//!   is mapped per vendor (see [`crate::family::ReasoningStyle`]); Anthropic
//!   thinking without a budget uses [`DEFAULT_THINKING_BUDGET`] and adds its
//!   budget to `maxTokens` (default [`DEFAULT_VISIBLE_MAX_TOKENS`] + budget). `seed` is not supported by Converse and
//!   is dropped with a warning.
//! - **Anthropic.** `anthropic_beta` flags from [`ModelOptions`], from the
//!   per-request option `anthropicBeta` and from any `anthropic_beta` in
//!   additional fields are merged in order without duplicates. Anthropic ids
//!   ask for the `/delta/stop_sequence` response field.
//!
//! # Per-request provider options
//!
//! Under the `bedrock` key of [`ModelRequest::provider_options`], camelCase:
//! `reasoningConfig`, `additionalModelRequestFields`,
//! `additionalModelResponseFieldPaths`, `anthropicBeta` (list or comma
//! separated), `guardrailConfig` (`identifier`/`guardrailIdentifier`,
//! `version`/`guardrailVersion`, `trace`, `streamProcessingMode`),
//! `performanceConfig` (`{"latency": ...}`), `serviceTier` (`"flex"` or
//! `{"type": "flex"}`), `requestMetadata`, `promptVariables` (name to text) and
//! `cacheTtl`. Each one **wins over** the provider-level value of
//! [`ModelOptions`]; maps (`requestMetadata`, `additionalModelRequestFields`)
//! are merged with the per-request keys winning. Additional fields are layered:
//! provider-level, then the mapped fields (thinking, top_k, ...), then
//! per-request. Unknown keys give a warning; a malformed value is an
//! [`Error::InvalidRequest`].

use std::collections::BTreeMap;

use converse_types::{
    CachePointBlock, CacheTtl, ConverseRequest, ConverseResponse, ConverseStreamRequest,
    GuardrailConfiguration, OutputConfig, OutputFormat, PerformanceConfigLatency,
    PerformanceConfiguration, PromptVariableValues, ServiceTierType,
};
use goai_core::{
    Error, ModelRequest, ModelResponse, ProviderOptions, ResponseFormat, ToolChoice, Warning,
};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::family::{Family, FamilyCapabilities, ReasoningStyle, TopKField, Vendor};
use crate::options::{
    GuardrailConfig, GuardrailStreamProcessingMode, GuardrailTrace, ModelOptions,
    PerformanceLatency, ReasoningConfig, ServiceTier,
};

mod media;
mod reasoning;
mod request;
mod response;
mod stream;

pub use reasoning::{DEFAULT_THINKING_BUDGET, DEFAULT_VISIBLE_MAX_TOKENS};
pub(crate) use stream::PartSink;
pub use stream::StreamMapper;

/// The name of the tool forced for structured output on families without
/// native structured output. Its input is returned as the response text.
pub const JSON_TOOL_NAME: &str = "json_response";

/// Everything about a request that does not come from the [`ModelRequest`]:
/// the model id on the wire, its family, the provider-level options and
/// whether the call streams. Cheap to build per request.
#[derive(Debug, Clone)]
pub struct RequestSettings {
    model_id: String,
    family: Family,
    options: ModelOptions,
    streaming: bool,
}

impl RequestSettings {
    /// Settings for one call of `model_id` (a model id, inference profile id
    /// or ARN) with the provider-level `options`.
    pub fn new(model_id: &str, options: &ModelOptions, streaming: bool) -> Self {
        Self {
            model_id: model_id.to_owned(),
            family: Family::from_model_id(model_id),
            options: options.clone(),
            streaming,
        }
    }

    /// [`new`](Self::new) with the family already known (it must be
    /// `Family::from_model_id(model_id)`), so that a model's calls do not
    /// classify its id again on every request.
    pub(crate) fn with_family(
        model_id: &str,
        family: Family,
        options: &ModelOptions,
        streaming: bool,
    ) -> Self {
        debug_assert_eq!(family, Family::from_model_id(model_id));
        Self {
            model_id: model_id.to_owned(),
            family,
            options: options.clone(),
            streaming,
        }
    }

    /// The model id the request is for.
    pub fn model_id(&self) -> &str {
        &self.model_id
    }

    /// The model family.
    pub fn family(&self) -> Family {
        self.family
    }

    /// Whether the call is a ConverseStream call.
    pub fn streaming(&self) -> bool {
        self.streaming
    }

    /// The provider-level options.
    pub fn options(&self) -> &ModelOptions {
        &self.options
    }
}

/// The `bedrock` object of some provider options.
pub(crate) fn bedrock_options(options: &ProviderOptions) -> Option<&Map<String, Value>> {
    options.get("bedrock").and_then(Value::as_object)
}

/// `anthropicBeta`: a list or a comma-separated string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum StringOrList {
    One(String),
    Many(Vec<String>),
}

impl StringOrList {
    fn into_vec(self) -> Vec<String> {
        match self {
            Self::One(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            Self::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GuardrailOption {
    #[serde(alias = "guardrailIdentifier")]
    identifier: String,
    #[serde(alias = "guardrailVersion")]
    version: String,
    #[serde(default)]
    trace: Option<GuardrailTrace>,
    #[serde(default)]
    stream_processing_mode: Option<GuardrailStreamProcessingMode>,
}

#[derive(Debug, Deserialize)]
struct PerformanceOption {
    latency: PerformanceLatency,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ServiceTierOption {
    Name(ServiceTier),
    Object {
        #[serde(rename = "type")]
        kind: ServiceTier,
    },
}

/// The per-request `bedrock` provider options.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RequestOptions {
    #[serde(default)]
    reasoning_config: Option<ReasoningConfig>,
    #[serde(default)]
    additional_model_request_fields: Option<Map<String, Value>>,
    #[serde(default)]
    additional_model_response_field_paths: Option<Vec<String>>,
    #[serde(default)]
    anthropic_beta: Option<StringOrList>,
    #[serde(default)]
    guardrail_config: Option<GuardrailOption>,
    #[serde(default)]
    performance_config: Option<PerformanceOption>,
    #[serde(default)]
    service_tier: Option<ServiceTierOption>,
    #[serde(default)]
    request_metadata: Option<BTreeMap<String, String>>,
    #[serde(default)]
    prompt_variables: Option<BTreeMap<String, String>>,
    #[serde(default)]
    cache_ttl: Option<String>,
}

const KNOWN_REQUEST_OPTIONS: &[&str] = &[
    "reasoningConfig",
    "additionalModelRequestFields",
    "additionalModelResponseFieldPaths",
    "anthropicBeta",
    "guardrailConfig",
    "performanceConfig",
    "serviceTier",
    "requestMetadata",
    "promptVariables",
    "cacheTtl",
];

/// The structured-output tool, when one is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JsonTool {
    /// The schema was not an object and is wrapped as `{"value": ...}`.
    pub(crate) wrapped: bool,
}

/// How the tool choice goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WireChoice {
    Auto,
    Any,
    Tool(String),
}

/// Everything decided about a request before its content is converted. Cheap:
/// the response and stream mappings build it again to know about the JSON tool
/// and to report the same warnings.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) caps: FamilyCapabilities,
    pub(crate) vendor: Vendor,
    pub(crate) reasoning: reasoning::ReasoningPlan,
    pub(crate) json_tool: Option<JsonTool>,
    pub(crate) native_schema: bool,
    /// The user's tools are sent (false for `ToolChoice::None`).
    pub(crate) send_user_tools: bool,
    pub(crate) choice: Option<WireChoice>,
    /// Extra system instruction (forced choice downgraded, tools off).
    pub(crate) instruction: Option<String>,
    /// Whether cache points may be sent.
    pub(crate) caching: bool,
    pub(crate) cache_ttl: Option<CacheTtl>,
    pub(crate) warnings: Vec<Warning>,
    opts: RequestOptions,
}

fn unsupported(setting: &str, details: impl Into<String>) -> Warning {
    Warning::UnsupportedSetting {
        setting: setting.to_owned(),
        details: Some(details.into()),
    }
}

fn wants_caching(req: &ModelRequest) -> bool {
    req.prompt_caching
        || req.messages.iter().any(|m| {
            m.content.iter().any(|p| p.cache.is_some())
                || bedrock_options(&m.provider_options)
                    .is_some_and(|o| o.contains_key("cachePoint"))
        })
        || req.tools.iter().any(|t| {
            bedrock_options(&t.provider_options).is_some_and(|o| o.contains_key("cachePoint"))
        })
}

fn parse_ttl(s: &str) -> Result<CacheTtl, Error> {
    match s {
        "5m" => Ok(CacheTtl::FiveMinutes),
        "1h" => Ok(CacheTtl::OneHour),
        other => Err(Error::invalid_request(format!(
            "invalid bedrock cacheTtl {other:?}: expected \"5m\" or \"1h\""
        ))),
    }
}

/// A cache point with a TTL rounded to what Bedrock supports: up to five
/// minutes is `5m`, longer is `1h`, none is Bedrock's default.
pub(crate) fn cache_point_for(ttl: Option<std::time::Duration>) -> CachePointBlock {
    match ttl {
        None => CachePointBlock::default(),
        Some(d) if d.as_secs() <= 300 => CachePointBlock::with_ttl(CacheTtl::FiveMinutes),
        Some(_) => CachePointBlock::with_ttl(CacheTtl::OneHour),
    }
}

/// A cache point from a `cachePoint` provider option: `true`, `{}` or `{"ttl": "1h"}`.
pub(crate) fn cache_point_option(value: &Value) -> Result<Option<CachePointBlock>, Error> {
    match value {
        Value::Bool(false) | Value::Null => Ok(None),
        Value::Bool(true) => Ok(Some(CachePointBlock::default())),
        Value::Object(o) => match o.get("ttl").and_then(Value::as_str) {
            Some(t) => Ok(Some(CachePointBlock::with_ttl(parse_ttl(t)?))),
            None => Ok(Some(CachePointBlock::default())),
        },
        _ => Err(Error::invalid_request(
            "bedrock cachePoint must be true or {\"ttl\": \"5m\" | \"1h\"}",
        )),
    }
}

impl Plan {
    pub(crate) fn new(req: &ModelRequest, s: &RequestSettings) -> Result<Self, Error> {
        let mut warnings = Vec::new();
        let opts: RequestOptions = match req.provider_options.get("bedrock") {
            None | Some(Value::Null) => RequestOptions::default(),
            Some(v) => {
                if let Some(obj) = v.as_object() {
                    for key in obj.keys() {
                        if !KNOWN_REQUEST_OPTIONS.contains(&key.as_str()) {
                            warnings.push(Warning::Other {
                                message: format!("unknown bedrock provider option `{key}` ignored"),
                            });
                        }
                    }
                }
                serde_json::from_value(v.clone()).map_err(|e| {
                    Error::invalid_request(format!("invalid bedrock provider options: {e}"))
                })?
            }
        };
        let family = s.family;
        let caps = family.capabilities();
        let reasoning_cfg = opts
            .reasoning_config
            .as_ref()
            .or(s.options.reasoning.as_ref());
        let reasoning = reasoning::plan(reasoning_cfg, caps.reasoning);
        warnings.extend(reasoning.warnings.iter().cloned());

        // Structured output.
        let (json_tool, native_schema) = match &req.response_format {
            Some(ResponseFormat::JsonSchema { schema, .. }) => {
                if caps.native_structured_output {
                    (None, true)
                } else {
                    let wrapped = schema.get("type").and_then(Value::as_str) != Some("object");
                    (Some(JsonTool { wrapped }), false)
                }
            }
            _ => (None, false),
        };

        // Tool choice.
        let send_user_tools = req.tool_choice != Some(ToolChoice::None);
        let has_user_tools = send_user_tools && !req.tools.is_empty();
        let mut instruction = None;
        let mut choice = match &req.tool_choice {
            Some(ToolChoice::Auto) if has_user_tools => Some(WireChoice::Auto),
            Some(ToolChoice::Required) if has_user_tools => Some(WireChoice::Any),
            Some(ToolChoice::Tool(name)) => {
                if !req.tools.iter().any(|t| &t.name == name) {
                    return Err(Error::invalid_request(format!(
                        "tool choice names `{name}`, which is not among the request's tools"
                    )));
                }
                Some(WireChoice::Tool(name.clone()))
            }
            _ => None,
        };
        if json_tool.is_some() {
            if has_user_tools {
                instruction = Some(format!(
                    "When you have the final answer, call the `{JSON_TOOL_NAME}` tool with it."
                ));
            } else {
                choice = Some(WireChoice::Tool(JSON_TOOL_NAME.to_owned()));
            }
        }
        let forced = matches!(choice, Some(WireChoice::Any | WireChoice::Tool(_)));
        if forced && (!caps.tool_choice || reasoning.anthropic_thinking) {
            let why = if reasoning.anthropic_thinking {
                "Bedrock rejects a forced tool choice together with thinking"
            } else {
                "this model family only supports the auto tool choice"
            };
            instruction = Some(match &choice {
                Some(WireChoice::Tool(name)) => {
                    format!("You must respond by calling the `{name}` tool.")
                }
                _ => "You must respond by calling one of the provided tools.".to_owned(),
            });
            warnings.push(unsupported(
                "tool_choice",
                format!("{why}; sent as auto with an instruction to call the tool"),
            ));
            choice = None;
        }

        // Caching.
        let caching = caps.prompt_caching;
        if !caching && wants_caching(req) {
            warnings.push(unsupported(
                "prompt_caching",
                "this model family does not support prompt caching; no cache points were sent",
            ));
        }
        let cache_ttl = opts.cache_ttl.as_deref().map(parse_ttl).transpose()?;

        if req.seed.is_some() {
            warnings.push(unsupported("seed", "Bedrock Converse has no seed"));
        }
        if req.top_k.is_some() {
            if reasoning.drops_sampling {
                warnings.push(unsupported("top_k", "not allowed with reasoning"));
            } else if caps.top_k == TopKField::Unsupported {
                warnings.push(unsupported(
                    "top_k",
                    "this model family takes no top-k; pass it in additionalModelRequestFields if the model accepts it",
                ));
            }
        }
        if reasoning.drops_sampling {
            if req.temperature.is_some() {
                warnings.push(unsupported("temperature", "not allowed with reasoning"));
            }
            if req.top_p.is_some() {
                warnings.push(unsupported("top_p", "not allowed with reasoning"));
            }
        }

        Ok(Self {
            caps,
            vendor: family.vendor(),
            reasoning,
            json_tool,
            native_schema,
            send_user_tools,
            choice,
            instruction,
            caching,
            cache_ttl,
            warnings,
            opts,
        })
    }

    /// Whether tool results may carry `status` (Anthropic, Amazon, unknown).
    pub(crate) fn tool_status(&self) -> bool {
        matches!(
            self.vendor,
            Vendor::Anthropic | Vendor::Amazon | Vendor::Unknown
        )
    }

    /// Whether the family reasons through Anthropic thinking.
    fn is_anthropic_style(&self) -> bool {
        matches!(
            self.caps.reasoning,
            ReasoningStyle::AnthropicThinking { .. }
        ) || self.vendor == Vendor::Anthropic
    }
}

/// Deep-merges `src` into `dst`: objects merge key by key, anything else is replaced.
fn merge_json(dst: &mut Map<String, Value>, src: Map<String, Value>) {
    for (k, v) in src {
        match (dst.get_mut(&k), v) {
            (Some(Value::Object(d)), Value::Object(s)) => merge_json(d, s),
            (_, v) => {
                dst.insert(k, v);
            }
        }
    }
}

/// Moves every `anthropic_beta` of `fields` into `betas`.
fn take_betas(fields: &mut Map<String, Value>, betas: &mut Vec<String>) {
    match fields.remove("anthropic_beta") {
        Some(Value::Array(items)) => betas.extend(
            items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned)),
        ),
        Some(Value::String(s)) => betas.extend(StringOrList::One(s).into_vec()),
        _ => {}
    }
}

/// Converts an `f32` the way it prints, so `0.7` goes out as `0.7`.
fn widen(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

/// Builds the Converse request for `req`.
///
/// The guardrail's stream processing mode is not part of a Converse request;
/// use [`build_converse_stream_request`] (or [`build_request_body`]) for
/// ConverseStream.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when the request cannot be expressed for Bedrock:
/// malformed `bedrock` provider options, media that cannot be sent (an
/// `https://` URL, an unknown format, bad base64), redacted reasoning that is
/// not base64, a tool schema that is not a JSON object, or a tool choice
/// naming a tool the request does not have.
pub fn build_converse_request(
    req: &ModelRequest,
    s: &RequestSettings,
) -> Result<ConverseRequest, Error> {
    let plan = Plan::new(req, s)?;
    build_with_plan(req, s, &plan)
}

/// Builds the ConverseStream request for `req`: the Converse request plus the
/// guardrail's stream processing mode.
///
/// # Errors
///
/// As [`build_converse_request`].
pub fn build_converse_stream_request(
    req: &ModelRequest,
    s: &RequestSettings,
) -> Result<ConverseStreamRequest, Error> {
    let plan = Plan::new(req, s)?;
    let converse = build_with_plan(req, s, &plan)?;
    let mode = effective_guardrail(&plan, s).and_then(|g| g.stream_processing_mode);
    let mut out = ConverseStreamRequest::from(converse);
    if let (Some(g), Some(mode)) = (out.guardrail_config.as_mut(), mode) {
        g.stream_processing_mode = Some(mode.as_str().into());
    }
    Ok(out)
}

/// The JSON body for `req`: a ConverseStream request when `s` is streaming,
/// else a Converse request.
///
/// # Errors
///
/// As [`build_converse_request`], plus [`Error::InvalidRequest`] if the body
/// cannot be serialized.
pub fn build_request_body(req: &ModelRequest, s: &RequestSettings) -> Result<Vec<u8>, Error> {
    let body = if s.streaming {
        build_converse_stream_request(req, s)?.to_json()
    } else {
        build_converse_request(req, s)?.to_json()
    };
    body.map_err(|e| Error::invalid_request(format!("could not serialize the request: {e}")))
}

fn effective_guardrail(plan: &Plan, s: &RequestSettings) -> Option<GuardrailConfig> {
    match &plan.opts.guardrail_config {
        Some(g) => {
            let mut cfg = GuardrailConfig::new(g.identifier.clone(), g.version.clone());
            cfg.trace = g.trace;
            cfg.stream_processing_mode = g.stream_processing_mode;
            Some(cfg)
        }
        None => s.options.guardrail.clone(),
    }
}

fn build_with_plan(
    req: &ModelRequest,
    s: &RequestSettings,
    plan: &Plan,
) -> Result<ConverseRequest, Error> {
    let converted = request::convert_messages(req, plan)?;
    let mut system = converted.system;
    if let Some(text) = &plan.instruction {
        system.push(converse_types::SystemContentBlock::Text(text.clone()));
    }
    let tool_config = request::tool_config(req, plan, &converted.history_tool_names)?;

    let mut out = ConverseRequest::new(s.model_id.clone(), converted.messages);
    out.system = (!system.is_empty()).then_some(system);
    out.tool_config = tool_config;
    out.inference_config = request::inference_config(req, plan);

    // additionalModelRequestFields: provider-level, then mapped, then per-request.
    let mut betas: Vec<String> = s.options.anthropic_beta.clone();
    let mut fields = s.options.additional_model_request_fields.clone();
    take_betas(&mut fields, &mut betas);
    merge_json(&mut fields, plan.reasoning.fields.clone());
    if let (Some(k), false) = (req.top_k, plan.reasoning.drops_sampling) {
        match plan.caps.top_k {
            TopKField::TopK => {
                fields.insert("top_k".into(), k.into());
            }
            TopKField::NovaInferenceConfig => {
                let mut ic = Map::new();
                ic.insert("topK".into(), k.into());
                let mut m = Map::new();
                m.insert("inferenceConfig".into(), Value::Object(ic));
                merge_json(&mut fields, m);
            }
            TopKField::K => {
                fields.insert("k".into(), k.into());
            }
            TopKField::Unsupported => {}
        }
    }
    if let Some(extra) = &plan.opts.additional_model_request_fields {
        let mut extra = extra.clone();
        take_betas(&mut extra, &mut betas);
        merge_json(&mut fields, extra);
    }
    if let Some(b) = &plan.opts.anthropic_beta {
        let list = match b {
            StringOrList::One(s) => StringOrList::One(s.clone()).into_vec(),
            StringOrList::Many(v) => v.clone(),
        };
        betas.extend(list);
    }
    let mut seen = std::collections::HashSet::new();
    betas.retain(|b| !b.is_empty() && seen.insert(b.clone()));
    if !betas.is_empty() {
        // Only Anthropic models take anthropic_beta (unknown ids pass it through).
        if plan.is_anthropic_style() || plan.vendor == Vendor::Unknown {
            fields.insert(
                "anthropic_beta".into(),
                Value::Array(betas.into_iter().map(Value::String).collect()),
            );
        }
    }
    out.additional_model_request_fields = (!fields.is_empty()).then_some(Value::Object(fields));

    let mut paths: Vec<String> = Vec::new();
    if s.family.is_anthropic() {
        paths.push("/delta/stop_sequence".to_owned());
    }
    if let Some(extra) = &plan.opts.additional_model_response_field_paths {
        for p in extra {
            if !paths.contains(p) {
                paths.push(p.clone());
            }
        }
    }
    out.additional_model_response_field_paths = (!paths.is_empty()).then_some(paths);

    out.guardrail_config = effective_guardrail(plan, s).map(|g| GuardrailConfiguration {
        guardrail_identifier: Some(g.identifier),
        guardrail_version: Some(g.version),
        trace: g.trace.map(|t| t.as_str().into()),
    });
    let latency = plan
        .opts
        .performance_config
        .as_ref()
        .map(|p| p.latency)
        .or(s.options.performance_latency);
    out.performance_config = latency.map(|l| PerformanceConfiguration {
        latency: Some(PerformanceConfigLatency::from(l.as_str())),
    });
    let tier = match &plan.opts.service_tier {
        Some(ServiceTierOption::Name(t) | ServiceTierOption::Object { kind: t }) => Some(t.clone()),
        None => s.options.service_tier.clone(),
    };
    out.service_tier = tier.map(|t| converse_types::ServiceTier {
        r#type: ServiceTierType::from(t.as_str()),
    });
    let mut metadata = s.options.request_metadata.clone();
    if let Some(m) = &plan.opts.request_metadata {
        metadata.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    out.request_metadata = (!metadata.is_empty()).then_some(metadata);
    out.prompt_variables = plan.opts.prompt_variables.as_ref().map(|vars| {
        vars.iter()
            .map(|(k, v)| (k.clone(), PromptVariableValues::Text(v.clone())))
            .collect()
    });
    if plan.native_schema
        && let Some(ResponseFormat::JsonSchema { name, schema, .. }) = &req.response_format
    {
        out.output_config = Some(OutputConfig {
            text_format: Some(OutputFormat::json_schema(
                schema,
                (!name.is_empty()).then(|| name.clone()),
            )),
            effort: None,
        });
    }
    Ok(out)
}

/// Maps a Converse response to a goai-core response.
///
/// Content keeps the model's order: text, reasoning (with its signature, or
/// redacted as base64) and tool calls. Citations, the raw usage (with
/// `cacheDetails`), latency, trace, service tier, performance config,
/// additional response fields and the matched stop sequence go to
/// `provider_metadata["bedrock"]`. See [`map_usage`] for the input-token
/// convention.
///
/// # Errors
///
/// [`Error::InvalidRequest`] when the request's `bedrock` provider options are
/// malformed (the same check [`build_converse_request`] makes).
pub fn map_converse_response(
    resp: ConverseResponse,
    req: &ModelRequest,
    s: &RequestSettings,
) -> Result<ModelResponse, Error> {
    let plan = Plan::new(req, s)?;
    Ok(response::map_response(resp, &plan))
}

pub use response::{map_stop_reason, map_usage};

#[cfg(test)]
mod tests;
