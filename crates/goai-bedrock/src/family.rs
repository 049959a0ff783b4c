//! Model families and what each one supports on Bedrock's Converse API.
//!
//! A [`Family`] is worked out from a model id with [`Family::from_model_id`]:
//! cross-region inference profile prefixes (`us.`, `us-gov.`, `eu.`, `apac.`,
//! `jp.`, `au.`, `global.`) are stripped, and for an ARN the id after its last
//! `/` is classified (so `arn:...:inference-profile/us.anthropic.claude-...`
//! is a Claude; an application inference profile ARN, whose id is opaque, is
//! [`Vendor::Unknown`]).
//!
//! The capability table ([`FamilyCapabilities`]) is the best knowledge of the
//! Bedrock documentation and of the seed's tested models. Where it is wrong for
//! a particular model the request still goes out as asked and the provider's
//! fallback chain (drop tools while streaming, drop prompt caching, ...) takes
//! over; the table only decides what the request mapping does up front:
//!
//! | family | tools | tools while streaming | reasoning | images | documents | prompt caching | native structured output |
//! |---|---|---|---|---|---|---|---|
//! | Anthropic Claude 2 / instant | no | no | no | no | yes | no | no |
//! | Anthropic Claude 3, 3.5 Sonnet | yes | yes | no | yes | yes | no | no |
//! | Anthropic Claude 3.5 Haiku | yes | yes | no | no | yes | yes | no |
//! | Anthropic Claude 3.7, 4, 4.1 | yes | yes | `thinking` budget | yes | yes | yes | no |
//! | Anthropic Claude 4.5 | yes | yes | `thinking` budget (+ effort on Opus) | yes | yes | yes | yes |
//! | Anthropic Claude 4.6 | yes | yes | `thinking` adaptive or budget, effort | yes | yes | yes | yes |
//! | Meta Llama 3.0 | no | no | no | no | no | no | no |
//! | Meta Llama 3.1, 3.2, 3.3 | yes | no | no | 3.2 11B/90B | yes | no | no |
//! | Meta Llama 4 | yes | no | no | yes | yes | no | no |
//! | Mistral 7B, Mixtral | no | no | no | no | no | no | no |
//! | Mistral Large, Small, Pixtral, Ministral, Magistral | yes | no | Magistral always | Pixtral, Large 3, Ministral 3 | yes | no | no |
//! | Amazon Nova Micro | yes | yes | no | no | yes | yes | no |
//! | Amazon Nova Lite, Pro, Premier | yes | yes | no | yes | yes | yes | no |
//! | Amazon Nova 2 | yes | yes | `reasoningConfig` | yes | yes | yes | no |
//! | Amazon Titan Text | no | no | no | no | yes | no | no |
//! | Qwen 3 | yes | yes | `reasoningConfig` (hybrid ids), always (`thinking` ids) | VL ids | no | no | no |
//! | OpenAI gpt-oss | yes | yes | `reasoning_effort` | no | no | no | no |
//! | Google Gemma 3 | yes | no | no | yes | no | no | no |
//! | AI21 Jamba | yes | no | no | no | yes | no | no |
//! | Cohere Command R / R+ | yes | no | no | no | yes | no | no |
//! | Cohere Command (text, light) | no | no | no | no | yes | no | no |
//! | DeepSeek R1 | no | no | always | no | yes | no | no |
//! | DeepSeek V3 | yes | yes | `reasoningConfig` | no | no | no | no |
//! | MiniMax | yes | yes | always | no | no | no | no |
//! | Moonshot Kimi | yes | yes | always (`thinking` ids) | no | no | no | no |
//! | NVIDIA Nemotron | yes | yes | no | no | no | no | no |
//! | Writer Palmyra | yes | yes | no | no | yes | no | no |
//! | ZhipuAI GLM | yes | yes | `reasoningConfig` | no | no | no | no |
//! | unknown | yes | yes | not sent | yes | yes | yes | no |
//!
//! `toolChoice` `any`/`tool` is honoured by Anthropic, Amazon Nova, Mistral's
//! tool models and OpenAI gpt-oss; for the others a forced tool choice is sent
//! as `auto` plus a system instruction (see [`crate::convert`]).

use goai_core::Capabilities;

/// The vendor of a Bedrock model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// Anthropic Claude.
    Anthropic,
    /// Meta Llama.
    Meta,
    /// Mistral AI.
    Mistral,
    /// Amazon Nova and Titan.
    Amazon,
    /// Alibaba Qwen.
    Qwen,
    /// OpenAI gpt-oss.
    OpenAi,
    /// Google Gemma.
    Google,
    /// AI21 Jamba.
    Ai21,
    /// Cohere Command.
    Cohere,
    /// DeepSeek.
    DeepSeek,
    /// MiniMax.
    MiniMax,
    /// Moonshot Kimi.
    Moonshot,
    /// NVIDIA Nemotron.
    Nvidia,
    /// Writer Palmyra.
    Writer,
    /// ZhipuAI GLM.
    ZhipuAi,
    /// A model this table does not know (including application inference
    /// profile ARNs, whose id does not name the model).
    Unknown,
}

/// How a family is asked to reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReasoningStyle {
    /// The model does not reason; a reasoning config is dropped with a warning.
    None,
    /// Anthropic `thinking` in `additionalModelRequestFields`.
    AnthropicThinking {
        /// `{"type": "adaptive"}` is accepted (Claude 4.6).
        adaptive: bool,
        /// `output_config.effort` is accepted (Claude Opus 4.5, Claude 4.6).
        effort: bool,
    },
    /// `reasoningConfig: {type, maxReasoningEffort}` in
    /// `additionalModelRequestFields` (Amazon Nova 2 and other vendors).
    ReasoningConfig,
    /// `reasoning_effort` in `additionalModelRequestFields` (OpenAI gpt-oss).
    OpenAiEffort,
    /// The model always reasons and takes no configuration; a reasoning config
    /// is not sent.
    AlwaysOn,
}

impl ReasoningStyle {
    /// Whether the model produces reasoning at all.
    pub fn reasons(self) -> bool {
        !matches!(self, Self::None)
    }
}

/// Where `topK` goes in `additionalModelRequestFields` (Converse's
/// `inferenceConfig` has no `topK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TopKField {
    /// The family takes no top-k; it is dropped with a warning.
    Unsupported,
    /// `{"top_k": k}` (Anthropic, Mistral).
    TopK,
    /// `{"inferenceConfig": {"topK": k}}` (Amazon Nova).
    NovaInferenceConfig,
    /// `{"k": k}` (Cohere).
    K,
}

/// What a model family supports through Converse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FamilyCapabilities {
    /// Tool calling.
    pub tools: bool,
    /// Tool calling with ConverseStream.
    pub tools_while_streaming: bool,
    /// `toolChoice` `any` and `tool` are honoured.
    pub tool_choice: bool,
    /// Whether and how reasoning is requested.
    pub reasoning: ReasoningStyle,
    /// Image input.
    pub images: bool,
    /// Document input.
    pub documents: bool,
    /// Prompt caching (cache points).
    pub prompt_caching: bool,
    /// Native structured output (`outputConfig.textFormat` with a JSON schema).
    pub native_structured_output: bool,
    /// Where top-k goes.
    pub top_k: TopKField,
}

impl FamilyCapabilities {
    const NONE: Self = Self {
        tools: false,
        tools_while_streaming: false,
        tool_choice: false,
        reasoning: ReasoningStyle::None,
        images: false,
        documents: false,
        prompt_caching: false,
        native_structured_output: false,
        top_k: TopKField::Unsupported,
    };

    /// Tools, also while streaming, with `auto` tool choice only.
    const CHAT_TOOLS: Self = Self {
        tools: true,
        tools_while_streaming: true,
        ..Self::NONE
    };

    /// The goai-core view of these capabilities.
    pub fn to_core(&self) -> Capabilities {
        Capabilities::default()
            .with_tools(self.tools)
            .with_streaming_tools(self.tools && self.tools_while_streaming)
            .with_reasoning(self.reasoning.reasons())
            .with_images(self.images)
            .with_documents(self.documents)
            .with_structured_output(self.native_structured_output)
            .with_tool_choice(self.tools && self.tool_choice)
    }
}

/// A model family: the vendor plus the capabilities of the model line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Family {
    vendor: Vendor,
    name: &'static str,
    caps: FamilyCapabilities,
}

/// Cross-region inference profile prefixes, stripped before classifying.
const PROFILE_PREFIXES: &[&str] = &["us-gov.", "us.", "eu.", "apac.", "jp.", "au.", "global."];

/// The part of a model id that names the model: an ARN's trailing id, without
/// a cross-region inference profile prefix, lower-cased.
fn normalize(model_id: &str) -> String {
    let id = model_id.trim();
    let id = if id.starts_with("arn:") {
        id.rsplit('/').next().unwrap_or(id)
    } else {
        id
    };
    let lower = id.to_ascii_lowercase();
    PROFILE_PREFIXES
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .map_or_else(|| lower.clone(), str::to_owned)
}

/// Parses `<major>[-<minor>]` from the dash-separated tokens of a model name:
/// the first one-digit token is the major version, a following token of one
/// or two digits is the minor (a date such as `20250514` is not).
fn version(tokens: &[&str]) -> Option<(u32, u32)> {
    let pos = tokens
        .iter()
        .position(|t| t.len() == 1 && t.bytes().all(|b| b.is_ascii_digit()))?;
    let major = tokens.get(pos)?.parse().ok()?;
    let minor = tokens
        .get(pos + 1)
        .filter(|t| (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    Some((major, minor))
}

impl Family {
    /// Classifies a model id, inference profile id or ARN.
    ///
    /// # Examples
    ///
    /// ```
    /// use goai_bedrock::family::{Family, Vendor};
    /// let f = Family::from_model_id("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    /// assert_eq!(f.vendor(), Vendor::Anthropic);
    /// assert!(f.capabilities().native_structured_output);
    /// ```
    pub fn from_model_id(id: &str) -> Self {
        let n = normalize(id);
        let (vendor, name, caps) = classify(&n);
        Self { vendor, name, caps }
    }

    /// The vendor.
    pub fn vendor(self) -> Vendor {
        self.vendor
    }

    /// A short human-readable name of the model line, e.g. `"Claude 4.5"`.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// What the family supports.
    pub fn capabilities(self) -> FamilyCapabilities {
        self.caps
    }

    /// Whether this is an Anthropic model (which takes `anthropic_beta`, `top_k`
    /// and asks for the `/delta/stop_sequence` response field).
    pub fn is_anthropic(self) -> bool {
        self.vendor == Vendor::Anthropic
    }
}

fn classify(n: &str) -> (Vendor, &'static str, FamilyCapabilities) {
    let has = |s: &str| n.contains(s);
    if has("claude") || n.starts_with("anthropic.") {
        return claude(n);
    }
    if has("llama") || n.starts_with("meta.") {
        return llama(n);
    }
    if has("gpt-oss") || n.starts_with("openai.") {
        return (
            Vendor::OpenAi,
            "gpt-oss",
            FamilyCapabilities {
                tool_choice: true,
                reasoning: ReasoningStyle::OpenAiEffort,
                ..FamilyCapabilities::CHAT_TOOLS
            },
        );
    }
    if has("nova") || has("titan") || n.starts_with("amazon.") {
        return amazon(n);
    }
    if [
        "mistral",
        "mixtral",
        "pixtral",
        "magistral",
        "ministral",
        "devstral",
        "voxtral",
    ]
    .iter()
    .any(|k| has(k))
    {
        return mistral(n);
    }
    if has("qwen") {
        let reasoning = if has("thinking") {
            ReasoningStyle::AlwaysOn
        } else if has("coder") || has("2507") || has("-vl") {
            ReasoningStyle::None
        } else {
            ReasoningStyle::ReasoningConfig
        };
        return (
            Vendor::Qwen,
            "Qwen",
            FamilyCapabilities {
                reasoning,
                images: has("-vl"),
                ..FamilyCapabilities::CHAT_TOOLS
            },
        );
    }
    if has("gemma") || n.starts_with("google.") {
        return (
            Vendor::Google,
            "Gemma",
            FamilyCapabilities {
                tools: true,
                images: true,
                ..FamilyCapabilities::NONE
            },
        );
    }
    if has("jamba") || n.starts_with("ai21.") {
        return (
            Vendor::Ai21,
            "Jamba",
            FamilyCapabilities {
                tools: true,
                documents: true,
                ..FamilyCapabilities::NONE
            },
        );
    }
    if has("command") || n.starts_with("cohere.") {
        let tools = has("command-r") || has("command-a");
        return (
            Vendor::Cohere,
            if tools { "Command R" } else { "Command" },
            FamilyCapabilities {
                tools,
                documents: true,
                top_k: TopKField::K,
                ..FamilyCapabilities::NONE
            },
        );
    }
    if has("deepseek") {
        if has("r1") {
            return (
                Vendor::DeepSeek,
                "DeepSeek R1",
                FamilyCapabilities {
                    reasoning: ReasoningStyle::AlwaysOn,
                    documents: true,
                    ..FamilyCapabilities::NONE
                },
            );
        }
        return (
            Vendor::DeepSeek,
            "DeepSeek V3",
            FamilyCapabilities {
                reasoning: ReasoningStyle::ReasoningConfig,
                ..FamilyCapabilities::CHAT_TOOLS
            },
        );
    }
    if has("minimax") {
        return (
            Vendor::MiniMax,
            "MiniMax",
            FamilyCapabilities {
                reasoning: ReasoningStyle::AlwaysOn,
                ..FamilyCapabilities::CHAT_TOOLS
            },
        );
    }
    if has("kimi") || has("moonshot") {
        return (
            Vendor::Moonshot,
            "Kimi",
            FamilyCapabilities {
                reasoning: if has("thinking") {
                    ReasoningStyle::AlwaysOn
                } else {
                    ReasoningStyle::None
                },
                ..FamilyCapabilities::CHAT_TOOLS
            },
        );
    }
    if has("nemotron") || n.starts_with("nvidia.") {
        return (Vendor::Nvidia, "Nemotron", FamilyCapabilities::CHAT_TOOLS);
    }
    if has("palmyra") || n.starts_with("writer.") {
        return (
            Vendor::Writer,
            "Palmyra",
            FamilyCapabilities {
                documents: true,
                ..FamilyCapabilities::CHAT_TOOLS
            },
        );
    }
    if has("glm") || n.starts_with("zai.") || n.starts_with("zhipu") {
        return (
            Vendor::ZhipuAi,
            "GLM",
            FamilyCapabilities {
                reasoning: ReasoningStyle::ReasoningConfig,
                ..FamilyCapabilities::CHAT_TOOLS
            },
        );
    }
    (
        Vendor::Unknown,
        "unknown",
        FamilyCapabilities {
            tool_choice: true,
            images: true,
            documents: true,
            prompt_caching: true,
            ..FamilyCapabilities::CHAT_TOOLS
        },
    )
}

fn claude(n: &str) -> (Vendor, &'static str, FamilyCapabilities) {
    let after = n.split_once("claude").map_or("", |(_, rest)| rest);
    let tokens: Vec<&str> = after.split(['-', '.', ':']).collect();
    let full = FamilyCapabilities {
        tools: true,
        tools_while_streaming: true,
        tool_choice: true,
        images: true,
        documents: true,
        top_k: TopKField::TopK,
        ..FamilyCapabilities::NONE
    };
    let budget = ReasoningStyle::AnthropicThinking {
        adaptive: false,
        effort: false,
    };
    let Some((major, minor)) = version(&tokens) else {
        // claude-v2, claude-instant-v1 and unknown spellings.
        if tokens
            .iter()
            .any(|t| *t == "instant" || *t == "v2" || *t == "v1")
        {
            return (
                Vendor::Anthropic,
                "Claude 2",
                FamilyCapabilities {
                    documents: true,
                    top_k: TopKField::TopK,
                    ..FamilyCapabilities::NONE
                },
            );
        }
        return (Vendor::Anthropic, "Claude", full);
    };
    let is = |s: &str| tokens.contains(&s);
    match (major, minor) {
        (0..=2, _) => (
            Vendor::Anthropic,
            "Claude 2",
            FamilyCapabilities {
                documents: true,
                top_k: TopKField::TopK,
                ..FamilyCapabilities::NONE
            },
        ),
        (3, 0..=4) => (Vendor::Anthropic, "Claude 3", full),
        (3, 5..=6) if is("haiku") => (
            Vendor::Anthropic,
            "Claude 3.5 Haiku",
            FamilyCapabilities {
                images: false,
                prompt_caching: true,
                ..full
            },
        ),
        (3, 5..=6) => (Vendor::Anthropic, "Claude 3.5", full),
        (3, _) => (
            Vendor::Anthropic,
            "Claude 3.7",
            FamilyCapabilities {
                reasoning: budget,
                prompt_caching: true,
                ..full
            },
        ),
        (4, 0..=4) => (
            Vendor::Anthropic,
            "Claude 4",
            FamilyCapabilities {
                reasoning: budget,
                prompt_caching: true,
                ..full
            },
        ),
        (4, 5) => (
            Vendor::Anthropic,
            "Claude 4.5",
            FamilyCapabilities {
                reasoning: ReasoningStyle::AnthropicThinking {
                    adaptive: false,
                    effort: is("opus"),
                },
                prompt_caching: true,
                native_structured_output: true,
                ..full
            },
        ),
        _ => (
            Vendor::Anthropic,
            "Claude 4.6",
            FamilyCapabilities {
                reasoning: ReasoningStyle::AnthropicThinking {
                    adaptive: true,
                    effort: true,
                },
                prompt_caching: true,
                native_structured_output: true,
                ..full
            },
        ),
    }
}

fn llama(n: &str) -> (Vendor, &'static str, FamilyCapabilities) {
    // meta.llama3-8b-instruct, meta.llama3-1-70b-instruct, meta.llama3-2-11b-instruct,
    // meta.llama4-scout-17b-instruct
    let after = n.split_once("llama").map_or("", |(_, rest)| rest);
    let tokens: Vec<&str> = after.split(['-', '.', ':']).collect();
    let (major, minor) = version(&tokens).unwrap_or((3, 1));
    let tools = FamilyCapabilities {
        tools: true,
        documents: true,
        ..FamilyCapabilities::NONE
    };
    match (major, minor) {
        (0..=3, 0) => (
            Vendor::Meta,
            "Llama 3",
            FamilyCapabilities {
                documents: true,
                ..FamilyCapabilities::NONE
            },
        ),
        (3, 2) => {
            let vision = tokens.contains(&"11b") || tokens.contains(&"90b");
            (
                Vendor::Meta,
                "Llama 3.2",
                FamilyCapabilities {
                    images: vision,
                    ..tools
                },
            )
        }
        (0..=3, _) => (Vendor::Meta, "Llama 3.1", tools),
        _ => (
            Vendor::Meta,
            "Llama 4",
            FamilyCapabilities {
                images: true,
                ..tools
            },
        ),
    }
}

fn amazon(n: &str) -> (Vendor, &'static str, FamilyCapabilities) {
    if n.contains("titan") {
        return (
            Vendor::Amazon,
            "Titan Text",
            FamilyCapabilities {
                documents: true,
                ..FamilyCapabilities::NONE
            },
        );
    }
    let nova = FamilyCapabilities {
        tools: true,
        tools_while_streaming: true,
        tool_choice: true,
        images: true,
        documents: true,
        prompt_caching: true,
        top_k: TopKField::NovaInferenceConfig,
        ..FamilyCapabilities::NONE
    };
    if n.contains("nova-2") || n.contains("nova2") {
        return (
            Vendor::Amazon,
            "Nova 2",
            FamilyCapabilities {
                reasoning: ReasoningStyle::ReasoningConfig,
                ..nova
            },
        );
    }
    if n.contains("micro") {
        return (
            Vendor::Amazon,
            "Nova Micro",
            FamilyCapabilities {
                images: false,
                ..nova
            },
        );
    }
    (Vendor::Amazon, "Nova", nova)
}

fn mistral(n: &str) -> (Vendor, &'static str, FamilyCapabilities) {
    if n.contains("mixtral") || n.contains("7b-instruct") {
        return (
            Vendor::Mistral,
            "Mistral 7B / Mixtral",
            FamilyCapabilities {
                top_k: TopKField::TopK,
                ..FamilyCapabilities::NONE
            },
        );
    }
    let images = n.contains("pixtral") || n.contains("large-3") || n.contains("ministral-3");
    (
        Vendor::Mistral,
        if n.contains("pixtral") {
            "Pixtral"
        } else if n.contains("magistral") {
            "Magistral"
        } else {
            "Mistral"
        },
        FamilyCapabilities {
            tools: true,
            tool_choice: true,
            images,
            documents: true,
            reasoning: if n.contains("magistral") {
                ReasoningStyle::AlwaysOn
            } else {
                ReasoningStyle::None
            },
            top_k: TopKField::TopK,
            ..FamilyCapabilities::NONE
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fam(id: &str) -> Family {
        Family::from_model_id(id)
    }

    #[test]
    fn strips_every_cross_region_prefix_and_arns() {
        for prefix in [
            "", "us.", "us-gov.", "eu.", "apac.", "jp.", "au.", "global.",
        ] {
            let f = fam(&format!(
                "{prefix}anthropic.claude-sonnet-4-5-20250929-v1:0"
            ));
            assert_eq!(f.vendor(), Vendor::Anthropic, "{prefix}");
            assert_eq!(f.name(), "Claude 4.5", "{prefix}");
        }
        let arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama4-scout-17b-instruct-v1:0";
        assert_eq!(fam(arn).name(), "Llama 4");
        let fm = "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0";
        assert_eq!(fam(fm).name(), "Nova");
        let app = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5";
        assert_eq!(fam(app).vendor(), Vendor::Unknown);
    }

    #[test]
    fn every_seed_family_is_recognized() {
        let cases = [
            ("meta.llama3-8b-instruct-v1:0", Vendor::Meta, "Llama 3"),
            ("meta.llama3-1-70b-instruct-v1:0", Vendor::Meta, "Llama 3.1"),
            ("meta.llama3-2-90b-instruct-v1:0", Vendor::Meta, "Llama 3.2"),
            (
                "us.meta.llama3-3-70b-instruct-v1:0",
                Vendor::Meta,
                "Llama 3.1",
            ),
            (
                "meta.llama4-maverick-17b-instruct-v1:0",
                Vendor::Meta,
                "Llama 4",
            ),
            ("anthropic.claude-v2:1", Vendor::Anthropic, "Claude 2"),
            ("anthropic.claude-instant-v1", Vendor::Anthropic, "Claude 2"),
            (
                "anthropic.claude-3-haiku-20240307-v1:0",
                Vendor::Anthropic,
                "Claude 3",
            ),
            (
                "anthropic.claude-3-5-sonnet-20241022-v2:0",
                Vendor::Anthropic,
                "Claude 3.5",
            ),
            (
                "anthropic.claude-3-5-haiku-20241022-v1:0",
                Vendor::Anthropic,
                "Claude 3.5 Haiku",
            ),
            (
                "anthropic.claude-3-7-sonnet-20250219-v1:0",
                Vendor::Anthropic,
                "Claude 3.7",
            ),
            (
                "anthropic.claude-sonnet-4-20250514-v1:0",
                Vendor::Anthropic,
                "Claude 4",
            ),
            (
                "anthropic.claude-opus-4-1-20250805-v1:0",
                Vendor::Anthropic,
                "Claude 4",
            ),
            (
                "anthropic.claude-haiku-4-5-20251001-v1:0",
                Vendor::Anthropic,
                "Claude 4.5",
            ),
            (
                "anthropic.claude-opus-4-6-v1",
                Vendor::Anthropic,
                "Claude 4.6",
            ),
            (
                "us.anthropic.claude-sonnet-4-6",
                Vendor::Anthropic,
                "Claude 4.6",
            ),
            (
                "mistral.mistral-7b-instruct-v0:2",
                Vendor::Mistral,
                "Mistral 7B / Mixtral",
            ),
            (
                "mistral.mistral-large-2407-v1:0",
                Vendor::Mistral,
                "Mistral",
            ),
            (
                "mistral.pixtral-large-2502-v1:0",
                Vendor::Mistral,
                "Pixtral",
            ),
            ("amazon.nova-micro-v1:0", Vendor::Amazon, "Nova Micro"),
            ("amazon.nova-premier-v1:0", Vendor::Amazon, "Nova"),
            ("amazon.nova-2-lite-v1:0", Vendor::Amazon, "Nova 2"),
            ("qwen.qwen3-32b-v1:0", Vendor::Qwen, "Qwen"),
            ("openai.gpt-oss-120b-1:0", Vendor::OpenAi, "gpt-oss"),
            ("google.gemma-3-27b-it", Vendor::Google, "Gemma"),
            ("ai21.jamba-1-5-large-v1:0", Vendor::Ai21, "Jamba"),
            ("cohere.command-r-plus-v1:0", Vendor::Cohere, "Command R"),
            ("cohere.command-text-v14", Vendor::Cohere, "Command"),
            ("us.deepseek.r1-v1:0", Vendor::DeepSeek, "DeepSeek R1"),
            ("deepseek.v3-v1:0", Vendor::DeepSeek, "DeepSeek V3"),
            ("minimax.minimax-m2", Vendor::MiniMax, "MiniMax"),
            ("moonshot.kimi-k2-thinking", Vendor::Moonshot, "Kimi"),
            ("nvidia.nemotron-nano-12b-v2", Vendor::Nvidia, "Nemotron"),
            ("us.writer.palmyra-x5-v1:0", Vendor::Writer, "Palmyra"),
            ("zai.glm-4.6", Vendor::ZhipuAi, "GLM"),
        ];
        for (id, vendor, name) in cases {
            let f = fam(id);
            assert_eq!((f.vendor(), f.name()), (vendor, name), "{id}");
        }
    }

    #[test]
    fn capability_rows() {
        let c = fam("anthropic.claude-3-7-sonnet-20250219-v1:0").capabilities();
        assert_eq!(
            c.reasoning,
            ReasoningStyle::AnthropicThinking {
                adaptive: false,
                effort: false
            }
        );
        assert!(c.prompt_caching && c.tools_while_streaming && !c.native_structured_output);
        assert_eq!(c.top_k, TopKField::TopK);

        let c = fam("anthropic.claude-opus-4-5-20251101-v1:0").capabilities();
        assert_eq!(
            c.reasoning,
            ReasoningStyle::AnthropicThinking {
                adaptive: false,
                effort: true
            }
        );
        let c = fam("global.anthropic.claude-opus-4-6-v1").capabilities();
        assert_eq!(
            c.reasoning,
            ReasoningStyle::AnthropicThinking {
                adaptive: true,
                effort: true
            }
        );

        let c = fam("meta.llama3-1-8b-instruct-v1:0").capabilities();
        assert!(c.tools && !c.tools_while_streaming && !c.tool_choice);
        assert_eq!(c.top_k, TopKField::Unsupported);
        assert!(!fam("meta.llama3-70b-instruct-v1:0").capabilities().tools);

        let c = fam("amazon.nova-lite-v1:0").capabilities();
        assert!(c.images && c.prompt_caching && c.tool_choice);
        assert_eq!(c.top_k, TopKField::NovaInferenceConfig);
        assert_eq!(c.reasoning, ReasoningStyle::None);
        assert_eq!(
            fam("amazon.nova-2-lite-v1:0").capabilities().reasoning,
            ReasoningStyle::ReasoningConfig
        );
        assert_eq!(
            fam("openai.gpt-oss-20b-1:0").capabilities().reasoning,
            ReasoningStyle::OpenAiEffort
        );
        assert_eq!(
            fam("deepseek.r1-v1:0").capabilities().reasoning,
            ReasoningStyle::AlwaysOn
        );
        assert_eq!(
            fam("cohere.command-r-v1:0").capabilities().top_k,
            TopKField::K
        );
    }

    #[test]
    fn to_core_matches_the_row() {
        let core = fam("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
            .capabilities()
            .to_core();
        assert!(core.tools && core.streaming_tools && core.reasoning && core.images);
        assert!(core.documents && core.structured_output && core.tool_choice);

        let core = fam("meta.llama3-1-8b-instruct-v1:0")
            .capabilities()
            .to_core();
        assert!(core.tools && !core.streaming_tools && !core.reasoning);
        assert!(!core.structured_output && !core.tool_choice);
    }

    #[test]
    fn odd_ids_do_not_panic() {
        for id in [
            "",
            "arn:",
            "arn:aws:bedrock:::/",
            "claude",
            "us.",
            "llama",
            "é.claude-9-9",
        ] {
            let _ = fam(id).capabilities().to_core();
        }
        assert_eq!(fam("").vendor(), Vendor::Unknown);
    }
}
