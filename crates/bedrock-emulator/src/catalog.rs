//! The emulator's model catalog: realistic Bedrock model ids and what each supports.
//!
//! A request names a model by its bare id (`anthropic.claude-3-haiku-20240307-v1:0`),
//! a cross-region inference profile id (`us.`, `us-gov.`, `eu.`, `apac.`, `jp.`,
//! `au.` or `global.` followed by the bare id), a foundation-model ARN
//! (`arn:aws:bedrock:REGION::foundation-model/ID`) or an inference-profile ARN
//! (`arn:aws:bedrock:REGION:ACCOUNT:inference-profile/PROFILE_ID`).

use crate::error::ApiError;

/// What a model does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelKind {
    /// A text (chat) model served by `Converse` and `ConverseStream`.
    Chat,
    /// An embedding model served by `InvokeModel`.
    Embedding(EmbeddingShape),
    /// The emulator's throughput mode: N deltas of M bytes, as fast as possible.
    Throughput,
}

/// The request and response shape of an embedding model's `InvokeModel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmbeddingShape {
    /// Amazon Titan Text Embeddings v2: `inputText`, `dimensions`, `normalize`.
    TitanV2,
    /// Amazon Titan Text Embeddings v1: `inputText` only, 1536 dimensions.
    TitanV1,
    /// Cohere Embed v3: `texts`, `input_type`, `embedding_types`.
    CohereV3,
    /// Amazon Titan Multimodal Embeddings G1: `inputText` and/or `inputImage`,
    /// `embeddingConfig.outputEmbeddingLength`.
    TitanImageV1,
    /// Amazon Nova multimodal embeddings: `schemaVersion`, `taskType`,
    /// `singleEmbeddingParams` (purpose, dimension, text or image).
    NovaMultimodal,
    /// Cohere Embed v4: `texts`, `images` or `inputs`, `input_type`,
    /// `embedding_types`, `output_dimension`; always answered by type.
    CohereV4,
}

/// How a model reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reasoning {
    /// No reasoning output.
    None,
    /// Anthropic extended thinking, enabled by
    /// `additionalModelRequestFields.thinking` (text plus signature).
    AnthropicThinking,
    /// Always reasons (text without signature), like DeepSeek-R1 or gpt-oss.
    Always,
}

/// One catalog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelInfo {
    /// The bare model id.
    pub id: &'static str,
    /// What the model does.
    pub kind: ModelKind,
    /// The largest `maxTokens` accepted (also the default).
    pub max_output_tokens: u32,
    /// Whether `toolConfig` is accepted by `Converse`.
    pub tools: bool,
    /// Whether `toolConfig` is accepted by `ConverseStream`.
    pub streaming_tools: bool,
    /// How the model reasons.
    pub reasoning: Reasoning,
    /// Whether image blocks are accepted.
    pub images: bool,
    /// Whether document blocks are accepted.
    pub documents: bool,
    /// Whether `cachePoint` blocks are accepted (prompt caching).
    pub caching: bool,
    /// Whether `system` prompts are accepted.
    pub system: bool,
    /// Whether `CountTokens` supports the model.
    pub count_tokens: bool,
    /// Whether the bare id may be invoked on demand; `false` means profile-only.
    pub on_demand: bool,
    /// The cross-region inference profile prefixes that exist for the model.
    pub profiles: &'static [&'static str],
}

/// Every cross-region inference profile prefix Bedrock uses.
pub const PROFILE_PREFIXES: [&str; 7] = ["us", "us-gov", "eu", "apac", "jp", "au", "global"];

const NO_PROFILES: &[&str] = &[];
const US: &[&str] = &["us"];
const US_EU_APAC: &[&str] = &["us", "eu", "apac"];
const US_EU_APAC_GOV: &[&str] = &["us", "eu", "apac", "us-gov"];
const ALL_GEOS: &[&str] = &["us", "us-gov", "eu", "apac", "jp", "au", "global"];

const fn chat(id: &'static str, max_output_tokens: u32) -> ModelInfo {
    ModelInfo {
        id,
        kind: ModelKind::Chat,
        max_output_tokens,
        tools: true,
        streaming_tools: true,
        reasoning: Reasoning::None,
        images: false,
        documents: true,
        caching: false,
        system: true,
        count_tokens: false,
        on_demand: true,
        profiles: US_EU_APAC,
    }
}

const fn claude(id: &'static str, max_output_tokens: u32) -> ModelInfo {
    let mut info = chat(id, max_output_tokens);
    info.images = true;
    info.count_tokens = true;
    info
}

const fn claude_modern(id: &'static str, max_output_tokens: u32) -> ModelInfo {
    let mut info = claude(id, max_output_tokens);
    info.reasoning = Reasoning::AnthropicThinking;
    info.caching = true;
    info.on_demand = false;
    info.profiles = ALL_GEOS;
    info
}

const fn no_tools(mut info: ModelInfo) -> ModelInfo {
    info.tools = false;
    info.streaming_tools = false;
    info
}

const fn no_stream_tools(mut info: ModelInfo) -> ModelInfo {
    info.streaming_tools = false;
    info
}

const fn profile_only(mut info: ModelInfo) -> ModelInfo {
    info.on_demand = false;
    info
}

const fn with_images(mut info: ModelInfo) -> ModelInfo {
    info.images = true;
    info
}

const fn reasoning(mut info: ModelInfo) -> ModelInfo {
    info.reasoning = Reasoning::Always;
    info
}

const fn profiles(mut info: ModelInfo, profiles: &'static [&'static str]) -> ModelInfo {
    info.profiles = profiles;
    info
}

const fn nova(id: &'static str, max_output_tokens: u32, images: bool) -> ModelInfo {
    let mut info = chat(id, max_output_tokens);
    info.images = images;
    info.caching = true;
    info.profiles = ALL_GEOS;
    info
}

const fn embedding(id: &'static str, shape: EmbeddingShape) -> ModelInfo {
    ModelInfo {
        id,
        kind: ModelKind::Embedding(shape),
        max_output_tokens: 0,
        tools: false,
        streaming_tools: false,
        reasoning: Reasoning::None,
        images: false,
        documents: false,
        caching: false,
        system: false,
        count_tokens: false,
        on_demand: true,
        profiles: NO_PROFILES,
    }
}

static MODELS: &[ModelInfo] = &[
    // Anthropic.
    profiles(
        claude("anthropic.claude-3-haiku-20240307-v1:0", 4096),
        US_EU_APAC_GOV,
    ),
    profiles(
        claude("anthropic.claude-3-5-sonnet-20240620-v1:0", 4096),
        US_EU_APAC_GOV,
    ),
    profile_only(claude("anthropic.claude-3-5-sonnet-20241022-v2:0", 8192)),
    {
        let mut info = profile_only(claude("anthropic.claude-3-5-haiku-20241022-v1:0", 8192));
        info.caching = true;
        info.profiles = US;
        info
    },
    claude_modern("anthropic.claude-3-7-sonnet-20250219-v1:0", 64000),
    claude_modern("anthropic.claude-sonnet-4-20250514-v1:0", 64000),
    claude_modern("anthropic.claude-sonnet-4-5-20250929-v1:0", 64000),
    claude_modern("anthropic.claude-haiku-4-5-20251001-v1:0", 64000),
    claude_modern("anthropic.claude-opus-4-20250514-v1:0", 32000),
    claude_modern("anthropic.claude-opus-4-1-20250805-v1:0", 32000),
    claude_modern("anthropic.claude-opus-4-5-20251101-v1:0", 64000),
    // Amazon Nova.
    nova("amazon.nova-micro-v1:0", 10000, false),
    nova("amazon.nova-lite-v1:0", 10000, true),
    nova("amazon.nova-pro-v1:0", 10000, true),
    profile_only(nova("amazon.nova-premier-v1:0", 32000, true)),
    // Meta Llama.
    no_tools(chat("meta.llama3-8b-instruct-v1:0", 2048)),
    no_tools(chat("meta.llama3-70b-instruct-v1:0", 2048)),
    no_stream_tools(chat("meta.llama3-1-8b-instruct-v1:0", 2048)),
    no_stream_tools(chat("meta.llama3-1-70b-instruct-v1:0", 2048)),
    profile_only(no_stream_tools(chat(
        "meta.llama3-1-405b-instruct-v1:0",
        2048,
    ))),
    profile_only(with_images(no_stream_tools(chat(
        "meta.llama3-2-90b-instruct-v1:0",
        2048,
    )))),
    profile_only(no_stream_tools(chat(
        "meta.llama3-3-70b-instruct-v1:0",
        8192,
    ))),
    profile_only(with_images(no_stream_tools(chat(
        "meta.llama4-scout-17b-instruct-v1:0",
        8192,
    )))),
    profile_only(with_images(no_stream_tools(chat(
        "meta.llama4-maverick-17b-instruct-v1:0",
        8192,
    )))),
    // Mistral AI.
    {
        let mut info = no_tools(chat("mistral.mistral-7b-instruct-v0:2", 8192));
        info.system = false;
        info.documents = false;
        info
    },
    no_tools(chat("mistral.mixtral-8x7b-instruct-v0:1", 4096)),
    no_stream_tools(chat("mistral.mistral-large-2402-v1:0", 8192)),
    no_stream_tools(chat("mistral.mistral-large-2407-v1:0", 8192)),
    profile_only(with_images(no_stream_tools(chat(
        "mistral.pixtral-large-2502-v1:0",
        8192,
    )))),
    // DeepSeek.
    profile_only(reasoning(no_tools(chat("deepseek.r1-v1:0", 32768)))),
    no_stream_tools(chat("deepseek.v3-v1:0", 8192)),
    // Qwen.
    chat("qwen.qwen3-32b-v1:0", 16384),
    chat("qwen.qwen3-coder-30b-a3b-v1:0", 16384),
    chat("qwen.qwen3-235b-a22b-2507-v1:0", 16384),
    chat("qwen.qwen3-coder-480b-a35b-v1:0", 16384),
    // OpenAI open-weight models.
    reasoning(chat("openai.gpt-oss-20b-1:0", 32768)),
    reasoning(chat("openai.gpt-oss-120b-1:0", 32768)),
    // Google Gemma.
    with_images(no_tools(chat("google.gemma-3-4b-it", 8192))),
    with_images(no_tools(chat("google.gemma-3-12b-it", 8192))),
    with_images(no_tools(chat("google.gemma-3-27b-it", 8192))),
    // AI21 Labs.
    no_stream_tools(chat("ai21.jamba-1-5-mini-v1:0", 4096)),
    no_stream_tools(chat("ai21.jamba-1-5-large-v1:0", 4096)),
    // Cohere Command.
    no_stream_tools(chat("cohere.command-r-v1:0", 4000)),
    no_stream_tools(chat("cohere.command-r-plus-v1:0", 4000)),
    // MiniMax, Moonshot, NVIDIA, Writer, Z.ai.
    reasoning(chat("minimax.minimax-m2", 8192)),
    chat("moonshot.kimi-k2-instruct", 16384),
    reasoning(chat("moonshot.kimi-k2-thinking", 16384)),
    no_stream_tools(chat("nvidia.nemotron-nano-9b-v2", 8192)),
    with_images(no_stream_tools(chat("nvidia.nemotron-nano-12b-v2", 8192))),
    profile_only(profiles(
        no_stream_tools(chat("writer.palmyra-x4-v1:0", 8192)),
        US,
    )),
    profile_only(profiles(
        no_stream_tools(chat("writer.palmyra-x5-v1:0", 8192)),
        US,
    )),
    chat("zai.glm-4.6", 16384),
    // Embeddings.
    embedding("amazon.titan-embed-text-v2:0", EmbeddingShape::TitanV2),
    embedding("amazon.titan-embed-text-v1", EmbeddingShape::TitanV1),
    embedding("cohere.embed-english-v3", EmbeddingShape::CohereV3),
    embedding("cohere.embed-multilingual-v3", EmbeddingShape::CohereV3),
    embedding("amazon.titan-embed-image-v1", EmbeddingShape::TitanImageV1),
    embedding(
        "amazon.nova-2-multimodal-embeddings-v1:0",
        EmbeddingShape::NovaMultimodal,
    ),
    profiles(
        embedding("cohere.embed-v4:0", EmbeddingShape::CohereV4),
        &["us", "eu", "apac", "global"],
    ),
    // The throughput mode.
    ModelInfo {
        id: crate::THROUGHPUT_MODEL_ID,
        kind: ModelKind::Throughput,
        max_output_tokens: u32::MAX,
        tools: false,
        streaming_tools: false,
        reasoning: Reasoning::None,
        images: false,
        documents: false,
        caching: false,
        system: true,
        count_tokens: true,
        on_demand: true,
        profiles: NO_PROFILES,
    },
];

/// Every model the emulator knows.
pub fn models() -> &'static [ModelInfo] {
    MODELS
}

/// Looks a bare model id up.
pub fn find(id: &str) -> Option<&'static ModelInfo> {
    MODELS.iter().find(|info| info.id == id)
}

/// A model identifier resolved against the catalog.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved {
    pub(crate) info: &'static ModelInfo,
}

fn invalid_identifier() -> ApiError {
    ApiError::validation("The provided model identifier is invalid.")
}

/// Splits `us.anthropic...` into the prefix and the bare id, when it has a known prefix.
fn split_profile(id: &str) -> Option<(&str, &str)> {
    PROFILE_PREFIXES.iter().find_map(|prefix| {
        id.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('.'))
            .map(|rest| (*prefix, rest))
    })
}

fn resolve_profile_id(profile: &str) -> Result<Resolved, ApiError> {
    let (prefix, bare) = split_profile(profile).ok_or_else(invalid_identifier)?;
    let info = find(bare).ok_or_else(invalid_identifier)?;
    if !info.profiles.contains(&prefix) {
        return Err(invalid_identifier());
    }
    Ok(Resolved { info })
}

/// Resolves a (percent-decoded) model identifier.
///
/// # Errors
///
/// Bedrock's `ValidationException`s: "The provided model identifier is invalid."
/// for unknown ids, and the "on-demand throughput isn’t supported" message for
/// a bare id of a profile-only model.
pub(crate) fn resolve(model_id: &str) -> Result<Resolved, ApiError> {
    if let Some(arn) = model_id.strip_prefix("arn:") {
        // arn:PARTITION:bedrock:REGION:ACCOUNT:RESOURCE
        let mut parts = arn.splitn(5, ':');
        let partition = parts.next().unwrap_or_default();
        let service = parts.next().unwrap_or_default();
        let _region = parts.next().unwrap_or_default();
        let _account = parts.next().unwrap_or_default();
        let resource = parts.next().unwrap_or_default();
        if !partition.starts_with("aws") || service != "bedrock" {
            return Err(invalid_identifier());
        }
        if let Some(profile) = resource.strip_prefix("inference-profile/") {
            return resolve_profile_id(profile);
        }
        if let Some(bare) = resource.strip_prefix("foundation-model/") {
            return resolve_bare(bare, model_id);
        }
        return Err(invalid_identifier());
    }
    if split_profile(model_id).is_some() {
        return resolve_profile_id(model_id);
    }
    resolve_bare(model_id, model_id)
}

fn resolve_bare(bare: &str, as_sent: &str) -> Result<Resolved, ApiError> {
    let info = find(bare).ok_or_else(invalid_identifier)?;
    if !info.on_demand {
        return Err(ApiError::validation(format!(
            "Invocation of model ID {as_sent} with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model."
        )));
    }
    Ok(Resolved { info })
}

impl ModelInfo {
    /// The provider part of the id (`anthropic`, `amazon`, ...).
    pub fn provider(&self) -> &'static str {
        self.id.split('.').next().unwrap_or(self.id)
    }

    /// Whether the model is an Anthropic Claude model.
    pub fn is_anthropic(&self) -> bool {
        self.provider() == "anthropic"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        for (i, a) in MODELS.iter().enumerate() {
            for b in MODELS.iter().skip(i + 1) {
                assert_ne!(a.id, b.id);
            }
        }
    }

    #[test]
    fn resolves_bare_profile_and_arn_ids() {
        let bare = resolve("anthropic.claude-3-haiku-20240307-v1:0").expect("bare");
        assert_eq!(bare.info.id, "anthropic.claude-3-haiku-20240307-v1:0");
        for id in [
            "us.anthropic.claude-3-haiku-20240307-v1:0",
            "eu.anthropic.claude-3-haiku-20240307-v1:0",
            "us-gov.anthropic.claude-3-haiku-20240307-v1:0",
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "au.amazon.nova-lite-v1:0",
            "apac.amazon.nova-pro-v1:0",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0",
        ] {
            let resolved = resolve(id).unwrap_or_else(|e| panic!("{id}: {}", e.message));
            assert!(id.ends_with(resolved.info.id), "{id}");
        }
        let arn = resolve("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0")
            .expect("foundation model arn");
        assert_eq!(arn.info.id, "amazon.nova-pro-v1:0");
    }

    #[test]
    fn unknown_ids_are_invalid() {
        for id in [
            "anthropic.claude-nope",
            "xx.anthropic.claude-3-haiku-20240307-v1:0",
            "global.anthropic.claude-3-haiku-20240307-v1:0",
            "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc",
            "arn:aws:s3:::bucket",
            "",
        ] {
            let error = resolve(id).expect_err(id);
            assert_eq!(error.message, "The provided model identifier is invalid.");
        }
    }

    #[test]
    fn profile_only_models_reject_bare_ids() {
        let error = resolve("anthropic.claude-sonnet-4-20250514-v1:0").expect_err("profile only");
        assert_eq!(
            error.message,
            "Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model."
        );
        assert!(resolve("us.anthropic.claude-sonnet-4-20250514-v1:0").is_ok());
    }

    #[test]
    fn the_readme_lists_every_model() {
        let readme = include_str!("../README.md");
        for model in MODELS {
            assert!(readme.contains(&format!("`{}`", model.id)), "{}", model.id);
        }
    }

    #[test]
    fn every_family_is_present() {
        for prefix in [
            "anthropic.",
            "amazon.nova",
            "meta.llama3",
            "meta.llama4",
            "mistral.",
            "deepseek.",
            "qwen.",
            "openai.gpt-oss",
            "google.gemma",
            "ai21.jamba",
            "cohere.command-r",
            "cohere.embed",
            "minimax.",
            "moonshot.kimi",
            "nvidia.nemotron",
            "writer.palmyra",
            "zai.glm",
            "amazon.titan-embed-text-v2",
        ] {
            assert!(MODELS.iter().any(|m| m.id.starts_with(prefix)), "{prefix}");
        }
    }
}
