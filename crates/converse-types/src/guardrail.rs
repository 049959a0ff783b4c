//! Guardrails: request configuration, guard content, and the trace the service returns.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::blob::Blob;

/// Guardrail settings for Converse (`GuardrailConfiguration`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailConfiguration {
    /// The guardrail id or ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_identifier: Option<String>,
    /// The guardrail version (a number or `DRAFT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_version: Option<String>,
    /// Whether to return the guardrail trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<GuardrailTrace>,
}

struct_deserialize! {
    GuardrailConfiguration {
        guardrail_identifier: "guardrailIdentifier",
        guardrail_version: "guardrailVersion",
        trace: "trace",
    }
}

/// Guardrail settings for ConverseStream (`GuardrailStreamConfiguration`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailStreamConfiguration {
    /// The guardrail id or ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_identifier: Option<String>,
    /// The guardrail version (a number or `DRAFT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_version: Option<String>,
    /// Whether to return the guardrail trace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<GuardrailTrace>,
    /// Whether the guardrail checks the stream synchronously or asynchronously.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_processing_mode: Option<GuardrailStreamProcessingMode>,
}

struct_deserialize! {
    GuardrailStreamConfiguration {
        guardrail_identifier: "guardrailIdentifier",
        guardrail_version: "guardrailVersion",
        trace: "trace",
        stream_processing_mode: "streamProcessingMode",
    }
}

impl From<GuardrailConfiguration> for GuardrailStreamConfiguration {
    fn from(config: GuardrailConfiguration) -> Self {
        Self {
            guardrail_identifier: config.guardrail_identifier,
            guardrail_version: config.guardrail_version,
            trace: config.trace,
            stream_processing_mode: None,
        }
    }
}

union_enum! {
    /// Content for a guardrail to evaluate (`GuardrailConverseContentBlock`).
    pub enum GuardrailConverseContentBlock {
        /// Text.
        Text(GuardrailConverseTextBlock) = "text",
        /// An image.
        Image(GuardrailConverseImageBlock) = "image",
    }
}

/// Text for a guardrail to evaluate (`GuardrailConverseTextBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailConverseTextBlock {
    /// The text.
    pub text: String,
    /// How the guardrail should treat the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifiers: Option<Vec<GuardrailConverseContentQualifier>>,
}

struct_deserialize! {
    GuardrailConverseTextBlock {
        text: "text",
        qualifiers: "qualifiers",
    }
}

/// An image for a guardrail to evaluate (`GuardrailConverseImageBlock`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailConverseImageBlock {
    /// The encoding.
    pub format: GuardrailConverseImageFormat,
    /// The image.
    pub source: GuardrailConverseImageSource,
}

struct_deserialize! {
    GuardrailConverseImageBlock {
        format: "format",
        source: "source",
    }
}

union_enum! {
    /// Where a guard-content image comes from (`GuardrailConverseImageSource`).
    pub enum GuardrailConverseImageSource {
        /// The image bytes.
        Bytes(Blob) = "bytes",
    }
}

impl Default for GuardrailConverseImageSource {
    fn default() -> Self {
        Self::Bytes(Blob::default())
    }
}

/// The guardrail trace of a response (`GuardrailTraceAssessment`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailTraceAssessment {
    /// The model's output before the guardrail acted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_output: Option<Vec<String>>,
    /// The assessment of the input, by guardrail id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_assessment: Option<BTreeMap<String, GuardrailAssessment>>,
    /// The assessments of the output, by guardrail id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_assessments: Option<BTreeMap<String, Vec<GuardrailAssessment>>>,
    /// Why the guardrail acted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_reason: Option<String>,
}

struct_deserialize! {
    GuardrailTraceAssessment {
        model_output: "modelOutput",
        input_assessment: "inputAssessment",
        output_assessments: "outputAssessments",
        action_reason: "actionReason",
    }
}

/// What one guardrail found (`GuardrailAssessment`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAssessment {
    /// Denied topics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_policy: Option<GuardrailTopicPolicyAssessment>,
    /// Content filters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_policy: Option<GuardrailContentPolicyAssessment>,
    /// Word filters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub word_policy: Option<GuardrailWordPolicyAssessment>,
    /// Sensitive information filters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive_information_policy: Option<GuardrailSensitiveInformationPolicyAssessment>,
    /// Contextual grounding checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contextual_grounding_policy: Option<GuardrailContextualGroundingPolicyAssessment>,
    /// Automated reasoning checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automated_reasoning_policy: Option<GuardrailAutomatedReasoningPolicyAssessment>,
    /// Usage and latency of the guardrail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invocation_metrics: Option<GuardrailInvocationMetrics>,
    /// Which guardrail was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_guardrail_details: Option<AppliedGuardrailDetails>,
}

struct_deserialize! {
    GuardrailAssessment {
        topic_policy: "topicPolicy",
        content_policy: "contentPolicy",
        word_policy: "wordPolicy",
        sensitive_information_policy: "sensitiveInformationPolicy",
        contextual_grounding_policy: "contextualGroundingPolicy",
        automated_reasoning_policy: "automatedReasoningPolicy",
        invocation_metrics: "invocationMetrics",
        applied_guardrail_details: "appliedGuardrailDetails",
    }
}

/// Which guardrail was applied (`AppliedGuardrailDetails`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedGuardrailDetails {
    /// The guardrail id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_id: Option<String>,
    /// The guardrail version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_version: Option<String>,
    /// The guardrail ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_arn: Option<String>,
    /// Where the guardrail was applied from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_origin: Option<Vec<GuardrailOrigin>>,
    /// Who owns the guardrail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_ownership: Option<GuardrailOwnership>,
}

struct_deserialize! {
    AppliedGuardrailDetails {
        guardrail_id: "guardrailId",
        guardrail_version: "guardrailVersion",
        guardrail_arn: "guardrailArn",
        guardrail_origin: "guardrailOrigin",
        guardrail_ownership: "guardrailOwnership",
    }
}

/// Denied topics that matched (`GuardrailTopicPolicyAssessment`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailTopicPolicyAssessment {
    /// The topics.
    pub topics: Vec<GuardrailTopic>,
}

struct_deserialize! {
    GuardrailTopicPolicyAssessment {
        topics: "topics",
    }
}

/// A denied topic (`GuardrailTopic`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailTopic {
    /// The topic name.
    pub name: String,
    /// The kind of topic.
    #[serde(rename = "type")]
    pub r#type: GuardrailTopicType,
    /// What the policy did.
    pub action: GuardrailTopicPolicyAction,
    /// Whether the topic was detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<bool>,
}

struct_deserialize! {
    GuardrailTopic {
        name: "name",
        r#type: "type",
        action: "action",
        detected: "detected",
    }
}

/// Content filters that matched (`GuardrailContentPolicyAssessment`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailContentPolicyAssessment {
    /// The filters.
    pub filters: Vec<GuardrailContentFilter>,
}

struct_deserialize! {
    GuardrailContentPolicyAssessment {
        filters: "filters",
    }
}

/// A content filter (`GuardrailContentFilter`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailContentFilter {
    /// The category.
    #[serde(rename = "type")]
    pub r#type: GuardrailContentFilterType,
    /// How confident the filter is.
    pub confidence: GuardrailContentFilterConfidence,
    /// How strictly the filter is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_strength: Option<GuardrailContentFilterStrength>,
    /// What the policy did.
    pub action: GuardrailContentPolicyAction,
    /// Whether the content was detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<bool>,
}

struct_deserialize! {
    GuardrailContentFilter {
        r#type: "type",
        confidence: "confidence",
        filter_strength: "filterStrength",
        action: "action",
        detected: "detected",
    }
}

/// Word filters that matched (`GuardrailWordPolicyAssessment`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailWordPolicyAssessment {
    /// Custom words.
    pub custom_words: Vec<GuardrailCustomWord>,
    /// Managed word lists.
    pub managed_word_lists: Vec<GuardrailManagedWord>,
}

struct_deserialize! {
    GuardrailWordPolicyAssessment {
        custom_words: "customWords",
        managed_word_lists: "managedWordLists",
    }
}

/// A custom word that matched (`GuardrailCustomWord`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailCustomWord {
    /// The matched text.
    #[serde(rename = "match")]
    pub r#match: String,
    /// What the policy did.
    pub action: GuardrailWordPolicyAction,
    /// Whether the word was detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<bool>,
}

struct_deserialize! {
    GuardrailCustomWord {
        r#match: "match",
        action: "action",
        detected: "detected",
    }
}

/// A managed word that matched (`GuardrailManagedWord`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailManagedWord {
    /// The matched text.
    #[serde(rename = "match")]
    pub r#match: String,
    /// The kind of list.
    #[serde(rename = "type")]
    pub r#type: GuardrailManagedWordType,
    /// What the policy did.
    pub action: GuardrailWordPolicyAction,
    /// Whether the word was detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<bool>,
}

struct_deserialize! {
    GuardrailManagedWord {
        r#match: "match",
        r#type: "type",
        action: "action",
        detected: "detected",
    }
}

/// Sensitive information that matched (`GuardrailSensitiveInformationPolicyAssessment`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailSensitiveInformationPolicyAssessment {
    /// PII entities.
    pub pii_entities: Vec<GuardrailPiiEntityFilter>,
    /// Regular expressions.
    pub regexes: Vec<GuardrailRegexFilter>,
}

struct_deserialize! {
    GuardrailSensitiveInformationPolicyAssessment {
        pii_entities: "piiEntities",
        regexes: "regexes",
    }
}

/// A PII entity that matched (`GuardrailPiiEntityFilter`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailPiiEntityFilter {
    /// The matched text.
    #[serde(rename = "match")]
    pub r#match: String,
    /// The kind of entity.
    #[serde(rename = "type")]
    pub r#type: GuardrailPiiEntityType,
    /// What the policy did.
    pub action: GuardrailSensitiveInformationPolicyAction,
    /// Whether the entity was detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<bool>,
}

struct_deserialize! {
    GuardrailPiiEntityFilter {
        r#match: "match",
        r#type: "type",
        action: "action",
        detected: "detected",
    }
}

/// A regular expression that matched (`GuardrailRegexFilter`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailRegexFilter {
    /// The filter name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The matched text.
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub r#match: Option<String>,
    /// The expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// What the policy did.
    pub action: GuardrailSensitiveInformationPolicyAction,
    /// Whether the expression matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<bool>,
}

struct_deserialize! {
    GuardrailRegexFilter {
        name: "name",
        r#match: "match",
        regex: "regex",
        action: "action",
        detected: "detected",
    }
}

/// Contextual grounding checks (`GuardrailContextualGroundingPolicyAssessment`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailContextualGroundingPolicyAssessment {
    /// The checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<GuardrailContextualGroundingFilter>>,
}

struct_deserialize! {
    GuardrailContextualGroundingPolicyAssessment {
        filters: "filters",
    }
}

/// A contextual grounding check (`GuardrailContextualGroundingFilter`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailContextualGroundingFilter {
    /// The kind of check.
    #[serde(rename = "type")]
    pub r#type: GuardrailContextualGroundingFilterType,
    /// The configured threshold, 0 to 1.
    pub threshold: f64,
    /// The score, 0 to 1.
    pub score: f64,
    /// What the policy did.
    pub action: GuardrailContextualGroundingPolicyAction,
    /// Whether the check failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<bool>,
}

struct_deserialize! {
    GuardrailContextualGroundingFilter {
        r#type: "type",
        threshold: "threshold",
        score: "score",
        action: "action",
        detected: "detected",
    }
}

/// Usage and latency of a guardrail (`GuardrailInvocationMetrics`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailInvocationMetrics {
    /// Processing time in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_processing_latency: Option<i64>,
    /// Policy units used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<GuardrailUsage>,
    /// How much of the input was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail_coverage: Option<GuardrailCoverage>,
}

struct_deserialize! {
    GuardrailInvocationMetrics {
        guardrail_processing_latency: "guardrailProcessingLatency",
        usage: "usage",
        guardrail_coverage: "guardrailCoverage",
    }
}

/// Policy units a guardrail used (`GuardrailUsage`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailUsage {
    /// Topic policy units.
    pub topic_policy_units: i32,
    /// Content policy units.
    pub content_policy_units: i32,
    /// Word policy units.
    pub word_policy_units: i32,
    /// Sensitive information policy units.
    pub sensitive_information_policy_units: i32,
    /// Free sensitive information policy units.
    pub sensitive_information_policy_free_units: i32,
    /// Contextual grounding policy units.
    pub contextual_grounding_policy_units: i32,
    /// Content policy units for images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_policy_image_units: Option<i32>,
    /// Automated reasoning policy units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automated_reasoning_policy_units: Option<i32>,
    /// Automated reasoning policies processed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automated_reasoning_policies: Option<i32>,
}

struct_deserialize! {
    GuardrailUsage {
        topic_policy_units: "topicPolicyUnits",
        content_policy_units: "contentPolicyUnits",
        word_policy_units: "wordPolicyUnits",
        sensitive_information_policy_units: "sensitiveInformationPolicyUnits",
        sensitive_information_policy_free_units: "sensitiveInformationPolicyFreeUnits",
        contextual_grounding_policy_units: "contextualGroundingPolicyUnits",
        content_policy_image_units: "contentPolicyImageUnits",
        automated_reasoning_policy_units: "automatedReasoningPolicyUnits",
        automated_reasoning_policies: "automatedReasoningPolicies",
    }
}

/// How much of the input a guardrail checked (`GuardrailCoverage`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailCoverage {
    /// Text characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_characters: Option<GuardrailTextCharactersCoverage>,
    /// Images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<GuardrailImageCoverage>,
}

struct_deserialize! {
    GuardrailCoverage {
        text_characters: "textCharacters",
        images: "images",
    }
}

/// Text characters checked (`GuardrailTextCharactersCoverage`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailTextCharactersCoverage {
    /// Characters checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guarded: Option<i32>,
    /// Characters in total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i32>,
}

struct_deserialize! {
    GuardrailTextCharactersCoverage {
        guarded: "guarded",
        total: "total",
    }
}

/// Images checked (`GuardrailImageCoverage`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailImageCoverage {
    /// Images checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guarded: Option<i32>,
    /// Images in total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i32>,
}

struct_deserialize! {
    GuardrailImageCoverage {
        guarded: "guarded",
        total: "total",
    }
}

/// Automated reasoning findings (`GuardrailAutomatedReasoningPolicyAssessment`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningPolicyAssessment {
    /// The findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<GuardrailAutomatedReasoningFinding>>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningPolicyAssessment {
        findings: "findings",
    }
}

union_enum! {
    /// One automated reasoning finding (`GuardrailAutomatedReasoningFinding`).
    pub enum GuardrailAutomatedReasoningFinding {
        /// The claims follow from the premises.
        Valid(GuardrailAutomatedReasoningValidFinding) = "valid",
        /// The claims contradict the policy.
        Invalid(GuardrailAutomatedReasoningInvalidFinding) = "invalid",
        /// The claims can be true or false.
        Satisfiable(GuardrailAutomatedReasoningSatisfiableFinding) = "satisfiable",
        /// The premises contradict each other.
        Impossible(GuardrailAutomatedReasoningImpossibleFinding) = "impossible",
        /// The input has more than one reading.
        TranslationAmbiguous(GuardrailAutomatedReasoningTranslationAmbiguousFinding) = "translationAmbiguous",
        /// The input is too complex to check.
        TooComplex(GuardrailAutomatedReasoningTooComplexFinding) = "tooComplex",
        /// The input could not be translated into logic.
        NoTranslations(GuardrailAutomatedReasoningNoTranslationsFinding) = "noTranslations",
    }
}

/// A valid finding (`GuardrailAutomatedReasoningValidFinding`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningValidFinding {
    /// The input in logic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<GuardrailAutomatedReasoningTranslation>,
    /// A scenario where the claims hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims_true_scenario: Option<GuardrailAutomatedReasoningScenario>,
    /// The rules that support the claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supporting_rules: Option<Vec<GuardrailAutomatedReasoningRule>>,
    /// A logic problem in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic_warning: Option<GuardrailAutomatedReasoningLogicWarning>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningValidFinding {
        translation: "translation",
        claims_true_scenario: "claimsTrueScenario",
        supporting_rules: "supportingRules",
        logic_warning: "logicWarning",
    }
}

/// An invalid finding (`GuardrailAutomatedReasoningInvalidFinding`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningInvalidFinding {
    /// The input in logic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<GuardrailAutomatedReasoningTranslation>,
    /// The rules the claims contradict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contradicting_rules: Option<Vec<GuardrailAutomatedReasoningRule>>,
    /// A logic problem in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic_warning: Option<GuardrailAutomatedReasoningLogicWarning>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningInvalidFinding {
        translation: "translation",
        contradicting_rules: "contradictingRules",
        logic_warning: "logicWarning",
    }
}

/// A satisfiable finding (`GuardrailAutomatedReasoningSatisfiableFinding`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningSatisfiableFinding {
    /// The input in logic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<GuardrailAutomatedReasoningTranslation>,
    /// A scenario where the claims hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims_true_scenario: Option<GuardrailAutomatedReasoningScenario>,
    /// A scenario where the claims fail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims_false_scenario: Option<GuardrailAutomatedReasoningScenario>,
    /// A logic problem in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic_warning: Option<GuardrailAutomatedReasoningLogicWarning>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningSatisfiableFinding {
        translation: "translation",
        claims_true_scenario: "claimsTrueScenario",
        claims_false_scenario: "claimsFalseScenario",
        logic_warning: "logicWarning",
    }
}

/// An impossible finding (`GuardrailAutomatedReasoningImpossibleFinding`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningImpossibleFinding {
    /// The input in logic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<GuardrailAutomatedReasoningTranslation>,
    /// The rules the premises contradict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contradicting_rules: Option<Vec<GuardrailAutomatedReasoningRule>>,
    /// A logic problem in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic_warning: Option<GuardrailAutomatedReasoningLogicWarning>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningImpossibleFinding {
        translation: "translation",
        contradicting_rules: "contradictingRules",
        logic_warning: "logicWarning",
    }
}

/// An ambiguous-translation finding (`GuardrailAutomatedReasoningTranslationAmbiguousFinding`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningTranslationAmbiguousFinding {
    /// The possible readings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<GuardrailAutomatedReasoningTranslationOption>>,
    /// Scenarios that tell the readings apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference_scenarios: Option<Vec<GuardrailAutomatedReasoningScenario>>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningTranslationAmbiguousFinding {
        options: "options",
        difference_scenarios: "differenceScenarios",
    }
}

/// A too-complex finding (`GuardrailAutomatedReasoningTooComplexFinding`, `{}` on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct GuardrailAutomatedReasoningTooComplexFinding {}

struct_deserialize! { GuardrailAutomatedReasoningTooComplexFinding {} }

/// A no-translations finding (`GuardrailAutomatedReasoningNoTranslationsFinding`, `{}` on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct GuardrailAutomatedReasoningNoTranslationsFinding {}

struct_deserialize! { GuardrailAutomatedReasoningNoTranslationsFinding {} }

/// One reading of the input (`GuardrailAutomatedReasoningTranslationOption`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningTranslationOption {
    /// The translations of this reading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translations: Option<Vec<GuardrailAutomatedReasoningTranslation>>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningTranslationOption {
        translations: "translations",
    }
}

/// The input translated into logic (`GuardrailAutomatedReasoningTranslation`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningTranslation {
    /// The premises.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub premises: Option<Vec<GuardrailAutomatedReasoningStatement>>,
    /// The claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<GuardrailAutomatedReasoningStatement>>,
    /// Premises that could not be translated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untranslated_premises: Option<Vec<GuardrailAutomatedReasoningInputTextReference>>,
    /// Claims that could not be translated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untranslated_claims: Option<Vec<GuardrailAutomatedReasoningInputTextReference>>,
    /// Confidence in the translation, 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningTranslation {
        premises: "premises",
        claims: "claims",
        untranslated_premises: "untranslatedPremises",
        untranslated_claims: "untranslatedClaims",
        confidence: "confidence",
    }
}

/// A statement in logic and in words (`GuardrailAutomatedReasoningStatement`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningStatement {
    /// The formal logic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logic: Option<String>,
    /// The statement in natural language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub natural_language: Option<String>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningStatement {
        logic: "logic",
        natural_language: "naturalLanguage",
    }
}

/// A piece of input text (`GuardrailAutomatedReasoningInputTextReference`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningInputTextReference {
    /// The text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningInputTextReference {
        text: "text",
    }
}

/// A policy rule (`GuardrailAutomatedReasoningRule`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningRule {
    /// The rule id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The ARN of the policy version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_version_arn: Option<String>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningRule {
        identifier: "identifier",
        policy_version_arn: "policyVersionArn",
    }
}

/// A scenario: statements that hold together (`GuardrailAutomatedReasoningScenario`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningScenario {
    /// The statements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statements: Option<Vec<GuardrailAutomatedReasoningStatement>>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningScenario {
        statements: "statements",
    }
}

/// A logic problem in the input (`GuardrailAutomatedReasoningLogicWarning`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailAutomatedReasoningLogicWarning {
    /// The kind of problem.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub r#type: Option<GuardrailAutomatedReasoningLogicWarningType>,
    /// The premises involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub premises: Option<Vec<GuardrailAutomatedReasoningStatement>>,
    /// The claims involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<GuardrailAutomatedReasoningStatement>>,
}

struct_deserialize! {
    GuardrailAutomatedReasoningLogicWarning {
        r#type: "type",
        premises: "premises",
        claims: "claims",
    }
}

string_enum! {
    /// Whether the response carries the guardrail trace (`GuardrailTrace`).
    pub enum GuardrailTrace {
        /// `enabled`.
        Enabled = "enabled",
        /// `disabled`.
        Disabled = "disabled",
        /// `enabled_full`.
        EnabledFull = "enabled_full",
    }
}

string_enum! {
    /// Whether a streaming guardrail checks synchronously or asynchronously (`GuardrailStreamProcessingMode`).
    pub enum GuardrailStreamProcessingMode {
        /// `sync`.
        Sync = "sync",
        /// `async`.
        Async = "async",
    }
}

string_enum! {
    /// How a guardrail should treat a piece of guard content (`GuardrailConverseContentQualifier`).
    pub enum GuardrailConverseContentQualifier {
        /// `grounding_source`.
        GroundingSource = "grounding_source",
        /// `query`.
        Query = "query",
        /// `guard_content`.
        GuardContent = "guard_content",
    }
}

string_enum! {
    /// Image encoding for guard content (`GuardrailConverseImageFormat`).
    pub enum GuardrailConverseImageFormat {
        /// `png`.
        Png = "png",
        /// `jpeg`.
        Jpeg = "jpeg",
    }
}

string_enum! {
    /// The kind of denied topic (`GuardrailTopicType`).
    pub enum GuardrailTopicType {
        /// `DENY`.
        Deny = "DENY",
    }
}

string_enum! {
    /// What the topic policy did (`GuardrailTopicPolicyAction`).
    pub enum GuardrailTopicPolicyAction {
        /// `BLOCKED`.
        Blocked = "BLOCKED",
        /// `NONE`.
        None = "NONE",
    }
}

string_enum! {
    /// The category a content filter checks (`GuardrailContentFilterType`).
    pub enum GuardrailContentFilterType {
        /// `INSULTS`.
        Insults = "INSULTS",
        /// `HATE`.
        Hate = "HATE",
        /// `SEXUAL`.
        Sexual = "SEXUAL",
        /// `VIOLENCE`.
        Violence = "VIOLENCE",
        /// `MISCONDUCT`.
        Misconduct = "MISCONDUCT",
        /// `PROMPT_ATTACK`.
        PromptAttack = "PROMPT_ATTACK",
    }
}

string_enum! {
    /// How confident a content filter is (`GuardrailContentFilterConfidence`).
    pub enum GuardrailContentFilterConfidence {
        /// `NONE`.
        None = "NONE",
        /// `LOW`.
        Low = "LOW",
        /// `MEDIUM`.
        Medium = "MEDIUM",
        /// `HIGH`.
        High = "HIGH",
    }
}

string_enum! {
    /// How strictly a content filter is set (`GuardrailContentFilterStrength`).
    pub enum GuardrailContentFilterStrength {
        /// `NONE`.
        None = "NONE",
        /// `LOW`.
        Low = "LOW",
        /// `MEDIUM`.
        Medium = "MEDIUM",
        /// `HIGH`.
        High = "HIGH",
    }
}

string_enum! {
    /// What the content policy did (`GuardrailContentPolicyAction`).
    pub enum GuardrailContentPolicyAction {
        /// `BLOCKED`.
        Blocked = "BLOCKED",
        /// `NONE`.
        None = "NONE",
    }
}

string_enum! {
    /// The kind of contextual grounding check (`GuardrailContextualGroundingFilterType`).
    pub enum GuardrailContextualGroundingFilterType {
        /// `GROUNDING`.
        Grounding = "GROUNDING",
        /// `RELEVANCE`.
        Relevance = "RELEVANCE",
    }
}

string_enum! {
    /// What the contextual grounding policy did (`GuardrailContextualGroundingPolicyAction`).
    pub enum GuardrailContextualGroundingPolicyAction {
        /// `BLOCKED`.
        Blocked = "BLOCKED",
        /// `NONE`.
        None = "NONE",
    }
}

string_enum! {
    /// What the word policy did (`GuardrailWordPolicyAction`).
    pub enum GuardrailWordPolicyAction {
        /// `BLOCKED`.
        Blocked = "BLOCKED",
        /// `NONE`.
        None = "NONE",
    }
}

string_enum! {
    /// The kind of managed word list (`GuardrailManagedWordType`).
    pub enum GuardrailManagedWordType {
        /// `PROFANITY`.
        Profanity = "PROFANITY",
    }
}

string_enum! {
    /// The kind of personally identifiable information found (`GuardrailPiiEntityType`).
    pub enum GuardrailPiiEntityType {
        /// `ADDRESS`.
        Address = "ADDRESS",
        /// `AGE`.
        Age = "AGE",
        /// `AWS_ACCESS_KEY`.
        AwsAccessKey = "AWS_ACCESS_KEY",
        /// `AWS_SECRET_KEY`.
        AwsSecretKey = "AWS_SECRET_KEY",
        /// `CA_HEALTH_NUMBER`.
        CaHealthNumber = "CA_HEALTH_NUMBER",
        /// `CA_SOCIAL_INSURANCE_NUMBER`.
        CaSocialInsuranceNumber = "CA_SOCIAL_INSURANCE_NUMBER",
        /// `CREDIT_DEBIT_CARD_CVV`.
        CreditDebitCardCvv = "CREDIT_DEBIT_CARD_CVV",
        /// `CREDIT_DEBIT_CARD_EXPIRY`.
        CreditDebitCardExpiry = "CREDIT_DEBIT_CARD_EXPIRY",
        /// `CREDIT_DEBIT_CARD_NUMBER`.
        CreditDebitCardNumber = "CREDIT_DEBIT_CARD_NUMBER",
        /// `DRIVER_ID`.
        DriverId = "DRIVER_ID",
        /// `EMAIL`.
        Email = "EMAIL",
        /// `INTERNATIONAL_BANK_ACCOUNT_NUMBER`.
        InternationalBankAccountNumber = "INTERNATIONAL_BANK_ACCOUNT_NUMBER",
        /// `IP_ADDRESS`.
        IpAddress = "IP_ADDRESS",
        /// `LICENSE_PLATE`.
        LicensePlate = "LICENSE_PLATE",
        /// `MAC_ADDRESS`.
        MacAddress = "MAC_ADDRESS",
        /// `NAME`.
        Name = "NAME",
        /// `PASSWORD`.
        Password = "PASSWORD",
        /// `PHONE`.
        Phone = "PHONE",
        /// `PIN`.
        Pin = "PIN",
        /// `SWIFT_CODE`.
        SwiftCode = "SWIFT_CODE",
        /// `UK_NATIONAL_HEALTH_SERVICE_NUMBER`.
        UkNationalHealthServiceNumber = "UK_NATIONAL_HEALTH_SERVICE_NUMBER",
        /// `UK_NATIONAL_INSURANCE_NUMBER`.
        UkNationalInsuranceNumber = "UK_NATIONAL_INSURANCE_NUMBER",
        /// `UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER`.
        UkUniqueTaxpayerReferenceNumber = "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER",
        /// `URL`.
        Url = "URL",
        /// `USERNAME`.
        Username = "USERNAME",
        /// `US_BANK_ACCOUNT_NUMBER`.
        UsBankAccountNumber = "US_BANK_ACCOUNT_NUMBER",
        /// `US_BANK_ROUTING_NUMBER`.
        UsBankRoutingNumber = "US_BANK_ROUTING_NUMBER",
        /// `US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER`.
        UsIndividualTaxIdentificationNumber = "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER",
        /// `US_PASSPORT_NUMBER`.
        UsPassportNumber = "US_PASSPORT_NUMBER",
        /// `US_SOCIAL_SECURITY_NUMBER`.
        UsSocialSecurityNumber = "US_SOCIAL_SECURITY_NUMBER",
        /// `VEHICLE_IDENTIFICATION_NUMBER`.
        VehicleIdentificationNumber = "VEHICLE_IDENTIFICATION_NUMBER",
    }
}

string_enum! {
    /// What the sensitive information policy did (`GuardrailSensitiveInformationPolicyAction`).
    pub enum GuardrailSensitiveInformationPolicyAction {
        /// `ANONYMIZED`.
        Anonymized = "ANONYMIZED",
        /// `BLOCKED`.
        Blocked = "BLOCKED",
        /// `NONE`.
        None = "NONE",
    }
}

string_enum! {
    /// Where a guardrail was applied from (`GuardrailOrigin`).
    pub enum GuardrailOrigin {
        /// `REQUEST`.
        Request = "REQUEST",
        /// `ACCOUNT_ENFORCED`.
        AccountEnforced = "ACCOUNT_ENFORCED",
        /// `ORGANIZATION_ENFORCED`.
        OrganizationEnforced = "ORGANIZATION_ENFORCED",
    }
}

string_enum! {
    /// Who owns a guardrail (`GuardrailOwnership`).
    pub enum GuardrailOwnership {
        /// `SELF`.
        SelfOwned = "SELF",
        /// `CROSS_ACCOUNT`.
        CrossAccount = "CROSS_ACCOUNT",
    }
}

string_enum! {
    /// The kind of logic problem automated reasoning found (`GuardrailAutomatedReasoningLogicWarningType`).
    pub enum GuardrailAutomatedReasoningLogicWarningType {
        /// `ALWAYS_FALSE`.
        AlwaysFalse = "ALWAYS_FALSE",
        /// `ALWAYS_TRUE`.
        AlwaysTrue = "ALWAYS_TRUE",
    }
}
