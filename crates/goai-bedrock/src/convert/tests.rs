//! Mapping tests with exact wire JSON expectations.

use std::time::Duration;

use converse_types::ConverseStreamEvent;
use goai_core::{
    CacheControl, FinishKind, FinishReason, Message, Part, Role, StreamPart, ToolDefinition,
    Warning,
};
use serde_json::{Value, json};

use super::*;
use crate::options::{ReasoningEffort, ServiceTier as OptTier};

const CLAUDE4: &str = "us.anthropic.claude-sonnet-4-20250514-v1:0";
const CLAUDE45: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const CLAUDE46: &str = "global.anthropic.claude-opus-4-6-v1";
const NOVA: &str = "amazon.nova-pro-v1:0";
const NOVA2: &str = "amazon.nova-2-lite-v1:0";
const LLAMA: &str = "meta.llama3-1-70b-instruct-v1:0";
const GPT_OSS: &str = "openai.gpt-oss-120b-1:0";

fn settings(id: &str) -> RequestSettings {
    RequestSettings::new(id, &ModelOptions::default(), false)
}

fn request(messages: Vec<Message>) -> ModelRequest {
    let mut r = ModelRequest::default();
    r.messages = messages;
    r
}

fn body(req: &ModelRequest, s: &RequestSettings) -> Value {
    serde_json::to_value(build_converse_request(req, s).expect("builds")).expect("serializes")
}

fn bedrock_opts(v: Value) -> goai_core::ProviderOptions {
    let mut o = goai_core::ProviderOptions::new();
    o.insert("bedrock".into(), v);
    o
}

fn tool(name: &str) -> ToolDefinition {
    ToolDefinition::new(
        name,
        format!("{name} tool"),
        json!({"type": "object", "properties": {"q": {"type": "string"}}}),
    )
}

fn weather_history() -> Vec<Message> {
    vec![
        Message::user("weather?"),
        Message::new(
            Role::Assistant,
            vec![Part::tool_call("t1", "weather", json!({"city": "Oslo"}))],
        ),
        Message::new(
            Role::Tool,
            vec![Part::tool_result("t1", "weather", json!("sunny"), false)],
        ),
    ]
}

#[test]
fn turns_are_folded_merged_ordered_and_trimmed() {
    let mut req = request(vec![
        Message::system("Be brief."),
        Message::user("What is the weather in Oslo and Bergen?"),
        Message::user("   "),
        Message::new(
            Role::Assistant,
            vec![
                Part::tool_call("t1", "weather", json!({"city": "Oslo"})),
                Part::text("Checking."),
                Part::tool_call("t2", "weather", json!({"city": "Bergen"})),
                Part::reasoning("need both", Some("sig1".into())),
            ],
        ),
        Message::new(
            Role::Tool,
            vec![Part::tool_result(
                "t1",
                "weather",
                json!({"temp": 3}),
                false,
            )],
        ),
        Message::new(
            Role::Tool,
            vec![Part::tool_result("t2", "weather", json!("boom"), true)],
        ),
        Message::system("Use metric units."),
        Message::user("Thanks"),
        Message::assistant("It is  \n"),
    ]);
    req.system = Some("You are a weather bot.".into());
    req.tools = vec![tool("weather")];
    assert_eq!(
        body(&req, &settings(CLAUDE4)),
        json!({
            "messages": [
                {"role": "user", "content": [{"text": "What is the weather in Oslo and Bergen?"}]},
                {"role": "assistant", "content": [
                    {"reasoningContent": {"reasoningText": {"text": "need both", "signature": "sig1"}}},
                    {"text": "Checking."},
                    {"toolUse": {"toolUseId": "t1", "name": "weather", "input": {"city": "Oslo"}}},
                    {"toolUse": {"toolUseId": "t2", "name": "weather", "input": {"city": "Bergen"}}}
                ]},
                {"role": "user", "content": [
                    {"toolResult": {"toolUseId": "t1", "content": [{"json": {"temp": 3}}]}},
                    {"toolResult": {"toolUseId": "t2", "content": [{"text": "boom"}], "status": "error"}},
                    {"text": "Thanks"}
                ]},
                {"role": "assistant", "content": [{"text": "It is"}]}
            ],
            "system": [
                {"text": "You are a weather bot."},
                {"text": "Be brief."},
                {"text": "Use metric units."}
            ],
            "toolConfig": {"tools": [{"toolSpec": {
                "name": "weather", "description": "weather tool",
                "inputSchema": {"json": {"type": "object", "properties": {"q": {"type": "string"}}}}
            }}]},
            "additionalModelResponseFieldPaths": ["/delta/stop_sequence"]
        })
    );
}

#[test]
fn blank_final_assistant_turn_is_dropped_and_status_only_where_supported() {
    let mut msgs = weather_history();
    msgs.push(Message::new(
        Role::Tool,
        vec![Part::tool_result("t2", "weather", json!(""), true)],
    ));
    msgs.push(Message::assistant(" \n"));
    let mut req = request(msgs);
    req.tools = vec![tool("weather")];
    let b = body(&req, &settings(LLAMA));
    let last = b["messages"].as_array().and_then(|m| m.last()).cloned();
    assert_eq!(
        last,
        Some(json!({"role": "user", "content": [
            {"toolResult": {"toolUseId": "t1", "content": [{"text": "sunny"}]}},
            {"toolResult": {"toolUseId": "t2", "content": [{"text": "(no output)"}]}}
        ]}))
    );
    assert!(b.get("additionalModelResponseFieldPaths").is_none());
}

#[test]
fn history_with_tools_but_no_tools_gets_a_sorted_placeholder() {
    let mut msgs = weather_history();
    msgs.insert(
        2,
        Message::new(
            Role::Assistant,
            vec![Part::tool_call("t0", "alpha", json!(null))],
        ),
    );
    let req = request(msgs);
    let b = body(&req, &settings(NOVA));
    assert_eq!(
        b["toolConfig"],
        json!({"tools": [
            {"toolSpec": {"name": "alpha", "description": "The `alpha` tool used earlier in this conversation.", "inputSchema": {"json": {"type": "object"}}}},
            {"toolSpec": {"name": "weather", "description": "The `weather` tool used earlier in this conversation.", "inputSchema": {"json": {"type": "object"}}}}
        ]})
    );
    assert_eq!(
        b["messages"][1]["content"][1]["toolUse"]["input"],
        json!({}),
        "null input is sent as an empty object"
    );
    // Deterministic: the same request gives the same body.
    assert_eq!(body(&req, &settings(NOVA)), b);
}

#[test]
fn tool_choice_mapping() {
    let mut req = request(vec![Message::user("hi")]);
    req.tools = vec![tool("a"), tool("b")];
    let s = settings(CLAUDE4);
    req.tool_choice = Some(ToolChoice::Auto);
    assert_eq!(
        body(&req, &s)["toolConfig"]["toolChoice"],
        json!({"auto": {}})
    );
    req.tool_choice = Some(ToolChoice::Required);
    assert_eq!(
        body(&req, &s)["toolConfig"]["toolChoice"],
        json!({"any": {}})
    );
    req.tool_choice = Some(ToolChoice::Tool("b".into()));
    assert_eq!(
        body(&req, &s)["toolConfig"]["toolChoice"],
        json!({"tool": {"name": "b"}})
    );
    req.tool_choice = None;
    assert!(body(&req, &s)["toolConfig"].get("toolChoice").is_none());

    // none: no tools at all.
    req.tool_choice = Some(ToolChoice::None);
    let b = body(&req, &s);
    assert!(b.get("toolConfig").is_none());
    assert!(b.get("system").is_none());

    // none with tool history: placeholder plus an instruction.
    let mut req2 = request(weather_history());
    req2.tools = vec![tool("weather")];
    req2.tool_choice = Some(ToolChoice::None);
    let b = body(&req2, &s);
    assert_eq!(b["toolConfig"]["tools"][0]["toolSpec"]["name"], "weather");
    assert!(b["toolConfig"].get("toolChoice").is_none());

    req.tool_choice = Some(ToolChoice::Tool("missing".into()));
    assert!(matches!(
        build_converse_request(&req, &s),
        Err(Error::InvalidRequest { .. })
    ));
}

#[test]
fn forced_choice_without_support_becomes_auto_with_instruction() {
    let mut req = request(vec![Message::user("hi")]);
    req.tools = vec![tool("a")];
    req.tool_choice = Some(ToolChoice::Tool("a".into()));
    let b = body(&req, &settings(LLAMA));
    assert!(b["toolConfig"].get("toolChoice").is_none());
    assert_eq!(
        b["system"],
        json!([{"text": "You must respond by calling the `a` tool."}])
    );
    let plan = Plan::new(&req, &settings(LLAMA)).expect("plan");
    assert!(plan.warnings.iter().any(
        |w| matches!(w, Warning::UnsupportedSetting { setting, .. } if setting == "tool_choice")
    ));
    req.tool_choice = Some(ToolChoice::Required);
    assert_eq!(
        body(&req, &settings(LLAMA))["system"],
        json!([{"text": "You must respond by calling one of the provided tools."}])
    );
}

#[test]
fn cache_points_on_system_messages_and_tools_with_ttl() {
    let mut req = request(vec![
        Message::new(
            Role::System,
            vec![
                Part::text("long rules")
                    .with_cache(CacheControl::with_ttl(Duration::from_secs(3600))),
            ],
        ),
        Message::new(
            Role::User,
            vec![
                Part::text("doc").with_cache(CacheControl::new()),
                Part::text("question").with_cache(CacheControl::with_ttl(Duration::from_secs(60))),
            ],
        ),
        Message::new(
            Role::Assistant,
            vec![
                Part::reasoning("think", Some("s".into())).with_cache(CacheControl::new()),
                Part::text("answer"),
            ],
        ),
        Message::new(
            Role::Assistant,
            vec![Part::reasoning("more", Some("s2".into())).with_cache(CacheControl::new())],
        ),
        Message::user("next"),
    ]);
    req.system = Some("sys".into());
    req.prompt_caching = true;
    req.provider_options = bedrock_opts(json!({"cacheTtl": "1h"}));
    let mut cached_tool = tool("b");
    cached_tool.provider_options = bedrock_opts(json!({"cachePoint": {"ttl": "5m"}}));
    req.tools = vec![tool("a"), cached_tool];
    let b = body(&req, &settings(CLAUDE4));
    assert_eq!(
        b["system"],
        json!([
            {"text": "sys"},
            {"text": "long rules"},
            {"cachePoint": {"type": "default", "ttl": "1h"}}
        ])
    );
    assert_eq!(
        b["messages"][0]["content"],
        json!([
            {"text": "doc"}, {"cachePoint": {"type": "default"}},
            {"text": "question"}, {"cachePoint": {"type": "default", "ttl": "5m"}}
        ])
    );
    // The cache point after the reasoning moves past it; the one after the
    // last reasoning of the turn (nothing follows) is dropped.
    assert_eq!(
        b["messages"][1]["content"],
        json!([
            {"reasoningContent": {"reasoningText": {"text": "think", "signature": "s"}}},
            {"reasoningContent": {"reasoningText": {"text": "more", "signature": "s2"}}},
            {"text": "answer"},
            {"cachePoint": {"type": "default"}}
        ])
    );
    assert_eq!(
        b["toolConfig"]["tools"][1],
        json!({"toolSpec": {"name": "b", "description": "b tool", "inputSchema": {"json": {"type": "object", "properties": {"q": {"type": "string"}}}}}})
    );
    assert_eq!(
        b["toolConfig"]["tools"][2],
        json!({"cachePoint": {"type": "default", "ttl": "5m"}})
    );
    assert_eq!(b["toolConfig"]["tools"].as_array().map(Vec::len), Some(3));

    // A family without prompt caching gets none, and a warning.
    let b = body(&req, &settings(LLAMA));
    assert_eq!(
        b["system"],
        json!([{"text": "sys"}, {"text": "long rules"}])
    );
    assert!(!b.to_string().contains("cachePoint"));
    let plan = Plan::new(&req, &settings(LLAMA)).expect("plan");
    assert!(plan.warnings.iter().any(
        |w| matches!(w, Warning::UnsupportedSetting { setting, .. } if setting == "prompt_caching")
    ));
}

#[test]
fn native_structured_output() {
    let mut req = request(vec![Message::user("give me a point")]);
    let schema =
        json!({"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]});
    req.response_format = Some(ResponseFormat::JsonSchema {
        name: "Point".into(),
        schema: schema.clone(),
        strict: true,
    });
    let b = body(&req, &settings(CLAUDE45));
    assert_eq!(
        b["outputConfig"],
        json!({"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": schema.to_string(), "name": "Point"}}}})
    );
    assert!(b.get("toolConfig").is_none());
}

#[test]
fn structured_output_via_forced_tool_and_back_to_text() {
    let mut req = request(vec![Message::user("give me a list")]);
    req.response_format = Some(ResponseFormat::JsonSchema {
        name: "Items".into(),
        schema: json!({"type": "array", "items": {"type": "string"}}),
        strict: true,
    });
    let s = settings(NOVA);
    let b = body(&req, &s);
    assert_eq!(
        b["toolConfig"],
        json!({
            "tools": [{"toolSpec": {
                "name": "json_response",
                "description": "Respond with the `Items` as this tool's input, following its JSON schema.",
                "inputSchema": {"json": {"type": "object", "properties": {"value": {"type": "array", "items": {"type": "string"}}}, "required": ["value"]}}
            }}],
            "toolChoice": {"tool": {"name": "json_response"}}
        })
    );
    assert!(b.get("outputConfig").is_none());

    let resp: ConverseResponse = serde_json::from_value(json!({
        "output": {"message": {"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "j1", "name": "json_response", "input": {"value": ["a", "b"]}}}
        ]}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 42}
    }))
    .expect("response");
    let out = map_converse_response(resp, &req, &s).expect("maps");
    assert_eq!(out.content, vec![Part::text(r#"["a","b"]"#)]);
    assert_eq!(
        out.finish_reason,
        FinishReason::new(FinishKind::Stop, "tool_use")
    );
}

#[test]
fn thinking_with_forced_tool_falls_back_to_auto() {
    let mut req = request(vec![Message::user("give me a point")]);
    req.response_format = Some(ResponseFormat::JsonSchema {
        name: "Point".into(),
        schema: json!({"type": "object"}),
        strict: true,
    });
    let options = ModelOptions {
        reasoning: Some(ReasoningConfig::enabled(2000)),
        ..ModelOptions::default()
    };
    let s = RequestSettings::new(CLAUDE4, &options, false);
    let b = body(&req, &s);
    assert!(b["toolConfig"].get("toolChoice").is_none());
    assert_eq!(
        b["toolConfig"]["tools"][0]["toolSpec"]["name"],
        "json_response"
    );
    assert_eq!(
        b["system"],
        json!([{"text": "You must respond by calling the `json_response` tool."}])
    );
    assert_eq!(
        b["additionalModelRequestFields"]["thinking"],
        json!({"type": "enabled", "budget_tokens": 2000})
    );
}

#[test]
fn thinking_adds_budget_and_drops_sampling() {
    let mut req = request(vec![Message::user("hi")]);
    req.max_output_tokens = Some(1000);
    req.temperature = Some(0.7);
    req.top_p = Some(0.9);
    req.top_k = Some(40);
    req.stop_sequences = vec!["END".into()];
    req.provider_options =
        bedrock_opts(json!({"reasoningConfig": {"type": "enabled", "budgetTokens": 3000}}));
    let s = settings(CLAUDE4);
    let b = body(&req, &s);
    assert_eq!(
        b["inferenceConfig"],
        json!({"maxTokens": 4000, "stopSequences": ["END"]})
    );
    assert_eq!(
        b["additionalModelRequestFields"],
        json!({"thinking": {"type": "enabled", "budget_tokens": 3000}})
    );
    let resp: ConverseResponse = serde_json::from_value(json!({
        "output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
        "metrics": {"latencyMs": 1}
    }))
    .expect("response");
    let out = map_converse_response(resp, &req, &s).expect("maps");
    let dropped: Vec<&str> = out
        .warnings
        .iter()
        .filter_map(|w| match w {
            Warning::UnsupportedSetting { setting, .. } => Some(setting.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(dropped, vec!["top_k", "temperature", "top_p"]);

    // No maxTokens: the default visible budget plus the thinking budget.
    req.max_output_tokens = None;
    assert_eq!(body(&req, &s)["inferenceConfig"]["maxTokens"], 4096 + 3000);
}

#[test]
fn sampling_and_top_k_per_vendor() {
    let mut req = request(vec![Message::user("hi")]);
    req.temperature = Some(0.7);
    req.top_p = Some(0.9);
    req.top_k = Some(40);
    let b = body(&req, &settings(CLAUDE4));
    assert_eq!(
        b["inferenceConfig"],
        json!({"temperature": 0.7, "topP": 0.9})
    );
    assert_eq!(b["additionalModelRequestFields"], json!({"top_k": 40}));
    let b = body(&req, &settings(NOVA));
    assert_eq!(
        b["additionalModelRequestFields"],
        json!({"inferenceConfig": {"topK": 40}})
    );
    let b = body(&req, &settings("cohere.command-r-plus-v1:0"));
    assert_eq!(b["additionalModelRequestFields"], json!({"k": 40}));
    let b = body(&req, &settings(LLAMA));
    assert!(b.get("additionalModelRequestFields").is_none());
    assert!(
        !b["inferenceConfig"]
            .as_object()
            .is_some_and(|o| o.contains_key("topK"))
    );
}

#[test]
fn reasoning_per_vendor_and_request_wins() {
    let options = ModelOptions {
        reasoning: Some(ReasoningConfig::enabled(1024)),
        ..ModelOptions::default()
    };
    let req = request(vec![Message::user("hi")]);
    let b = body(&req, &RequestSettings::new(NOVA2, &options, false));
    assert_eq!(
        b["additionalModelRequestFields"],
        json!({"reasoningConfig": {"type": "enabled"}})
    );
    let mut req2 = req.clone();
    req2.provider_options = bedrock_opts(
        json!({"reasoningConfig": {"type": "adaptive", "maxReasoningEffort": "high"}}),
    );
    let b = body(&req2, &RequestSettings::new(CLAUDE46, &options, false));
    assert_eq!(
        b["additionalModelRequestFields"],
        json!({"thinking": {"type": "adaptive"}, "output_config": {"effort": "high"}})
    );
    let mut req3 = req.clone();
    req3.provider_options = bedrock_opts(json!({"reasoningConfig": {"maxReasoningEffort": "low"}}));
    let b = body(&req3, &RequestSettings::new(GPT_OSS, &options, false));
    assert_eq!(
        b["additionalModelRequestFields"],
        json!({"reasoning_effort": "low"})
    );
    let o2 = ModelOptions {
        reasoning: Some(ReasoningConfig::effort(ReasoningEffort::Max)),
        ..ModelOptions::default()
    };
    let b = body(&req, &RequestSettings::new(NOVA2, &o2, false));
    assert_eq!(
        b["additionalModelRequestFields"],
        json!({"reasoningConfig": {"type": "enabled", "maxReasoningEffort": "high"}})
    );
}

#[test]
fn additional_fields_layering_and_anthropic_beta_merge() {
    let mut options = ModelOptions {
        anthropic_beta: vec!["a-1".into(), "b-2".into()],
        ..ModelOptions::default()
    };
    options
        .additional_model_request_fields
        .insert("anthropic_beta".into(), json!(["c-3", "a-1"]));
    options
        .additional_model_request_fields
        .insert("top_k".into(), json!(1));
    options
        .additional_model_request_fields
        .insert("custom".into(), json!({"x": 1, "y": 1}));
    let mut req = request(vec![Message::user("hi")]);
    req.top_k = Some(5);
    req.provider_options = bedrock_opts(json!({
        "anthropicBeta": "b-2, d-4",
        "additionalModelRequestFields": {"custom": {"y": 2}, "anthropic_beta": ["e-5", "c-3"]},
        "additionalModelResponseFieldPaths": ["/x", "/delta/stop_sequence"]
    }));
    let b = body(&req, &RequestSettings::new(CLAUDE4, &options, false));
    assert_eq!(
        b["additionalModelRequestFields"],
        json!({
            "top_k": 5,
            "custom": {"x": 1, "y": 2},
            "anthropic_beta": ["a-1", "b-2", "c-3", "e-5", "d-4"]
        })
    );
    assert_eq!(
        b["additionalModelResponseFieldPaths"],
        json!(["/delta/stop_sequence", "/x"])
    );
    // Non-Anthropic models never get anthropic_beta.
    let b = body(&req, &RequestSettings::new(NOVA, &options, false));
    assert!(
        b["additionalModelRequestFields"]
            .get("anthropic_beta")
            .is_none()
    );
}

#[test]
fn request_extras_and_stream_request() {
    let mut options = ModelOptions {
        guardrail: Some(
            GuardrailConfig::new("gr-1", "1")
                .with_trace(GuardrailTrace::Enabled)
                .with_stream_processing_mode(GuardrailStreamProcessingMode::Async),
        ),
        performance_latency: Some(PerformanceLatency::Optimized),
        service_tier: Some(OptTier::Priority),
        ..ModelOptions::default()
    };
    options.request_metadata.insert("team".into(), "a".into());
    options.request_metadata.insert("app".into(), "x".into());
    let mut req = request(vec![Message::user("hi")]);
    req.provider_options = bedrock_opts(json!({
        "serviceTier": {"type": "flex"},
        "requestMetadata": {"team": "b"},
        "promptVariables": {"topic": "rust"}
    }));
    let s = RequestSettings::new(NOVA, &options, false);
    let b = body(&req, &s);
    assert_eq!(
        b["guardrailConfig"],
        json!({"guardrailIdentifier": "gr-1", "guardrailVersion": "1", "trace": "enabled"})
    );
    assert_eq!(b["performanceConfig"], json!({"latency": "optimized"}));
    assert_eq!(b["serviceTier"], json!({"type": "flex"}));
    assert_eq!(b["requestMetadata"], json!({"app": "x", "team": "b"}));
    assert_eq!(b["promptVariables"], json!({"topic": {"text": "rust"}}));

    let st = RequestSettings::new(NOVA, &options, true);
    let sb = serde_json::to_value(build_converse_stream_request(&req, &st).expect("builds"))
        .expect("json");
    assert_eq!(
        sb["guardrailConfig"],
        json!({"guardrailIdentifier": "gr-1", "guardrailVersion": "1", "trace": "enabled", "streamProcessingMode": "async"})
    );
    let raw = build_request_body(&req, &st).expect("body");
    let parsed: Value = serde_json::from_slice(&raw).expect("json");
    assert_eq!(parsed, sb);

    // Per-request guardrail wins, with the wire names accepted too.
    req.provider_options = bedrock_opts(json!({
        "guardrailConfig": {"guardrailIdentifier": "gr-2", "guardrailVersion": "DRAFT"}
    }));
    assert_eq!(
        body(&req, &s)["guardrailConfig"],
        json!({"guardrailIdentifier": "gr-2", "guardrailVersion": "DRAFT"})
    );
}

#[test]
fn invalid_provider_options_are_errors_and_unknown_keys_warn() {
    let mut req = request(vec![Message::user("hi")]);
    req.provider_options = bedrock_opts(json!({"reasoningConfig": {"type": "sideways"}}));
    assert!(matches!(
        build_converse_request(&req, &settings(CLAUDE4)),
        Err(Error::InvalidRequest { .. })
    ));
    req.provider_options = bedrock_opts(json!({"cacheTtl": "2h"}));
    assert!(build_converse_request(&req, &settings(CLAUDE4)).is_err());
    req.provider_options = bedrock_opts(json!({"mystery": 1}));
    let plan = Plan::new(&req, &settings(CLAUDE4)).expect("plan");
    assert_eq!(
        plan.warnings,
        vec![Warning::Other {
            message: "unknown bedrock provider option `mystery` ignored".into()
        }]
    );
}

#[test]
fn reasoning_replay_signed_redacted_and_unsigned() {
    let req = request(vec![
        Message::user("q"),
        Message::new(
            Role::Assistant,
            vec![
                Part::reasoning("unsigned", None),
                Part::redacted_reasoning("AAEC"),
                Part::reasoning("signed", Some("sig".into())),
                Part::text("a"),
            ],
        ),
        Message::user("again"),
    ]);
    let b = body(&req, &settings(CLAUDE4));
    assert_eq!(
        b["messages"][1]["content"],
        json!([
            {"reasoningContent": {"redactedContent": "AAEC"}},
            {"reasoningContent": {"reasoningText": {"text": "signed", "signature": "sig"}}},
            {"text": "a"}
        ])
    );
    let bad = request(vec![Message::new(
        Role::Assistant,
        vec![Part::redacted_reasoning("%%%")],
    )]);
    assert!(build_converse_request(&bad, &settings(CLAUDE4)).is_err());
}

#[test]
fn media_in_messages_and_unique_document_names() {
    let req = request(vec![Message::new(
        Role::User,
        vec![
            Part::file(b"a".to_vec(), "text/plain", Some("notes.txt".into())),
            Part::file(b"b".to_vec(), "text/plain", Some("notes.txt".into())),
            Part::image_url("s3://bucket/pic.png"),
            Part::text("compare"),
        ],
    )]);
    let b = body(&req, &settings(NOVA));
    assert_eq!(
        b["messages"][0]["content"],
        json!([
            {"document": {"format": "txt", "name": "notes-txt", "source": {"bytes": "YQ=="}}},
            {"document": {"format": "txt", "name": "notes-txt-2", "source": {"bytes": "Yg=="}}},
            {"image": {"format": "png", "source": {"s3Location": {"uri": "s3://bucket/pic.png"}}}},
            {"text": "compare"}
        ])
    );
    let bad = request(vec![Message::new(
        Role::User,
        vec![Part::image_url("https://example.com/x.png")],
    )]);
    assert!(build_converse_request(&bad, &settings(NOVA)).is_err());
}

#[test]
fn temperature_survives_exactly() {
    let mut req = request(vec![Message::user("hi")]);
    req.temperature = Some(0.7);
    let raw = build_request_body(&req, &settings(NOVA)).expect("body");
    let text = String::from_utf8(raw).expect("utf8");
    assert!(text.contains(r#""temperature":0.7"#), "{text}");
}

#[test]
fn seed_is_dropped_with_a_warning() {
    let mut req = request(vec![Message::user("hi")]);
    req.seed = Some(7);
    let plan = Plan::new(&req, &settings(NOVA)).expect("plan");
    assert!(matches!(
        plan.warnings.as_slice(),
        [Warning::UnsupportedSetting { setting, .. }] if setting == "seed"
    ));
}

// ---------------------------------------------------------------- responses

#[test]
fn response_content_usage_and_metadata() {
    let resp: ConverseResponse = serde_json::from_value(json!({
        "output": {"message": {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "hmm", "signature": "sig"}}},
            {"reasoningContent": {"redactedContent": "AAEC"}},
            {"text": "Hello"},
            {"citationsContent": {
                "content": [{"text": " cited"}],
                "citations": [{"title": "doc", "location": {"documentChar": {"documentIndex": 0, "start": 1, "end": 5}}}]
            }},
            {"toolUse": {"toolUseId": "t1", "name": "weather", "input": {"city": "Oslo"}}}
        ]}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 100, "outputTokens": 20, "totalTokens": 320,
                  "cacheReadInputTokens": 150, "cacheWriteInputTokens": 50,
                  "cacheDetails": [{"ttl": "5m", "inputTokens": 50}]},
        "metrics": {"latencyMs": 321},
        "additionalModelResponseFields": {"delta": {"stop_sequence": null}},
        "trace": {"promptRouter": {"invokedModelId": "m"}},
        "serviceTier": {"type": "priority"},
        "performanceConfig": {"latency": "optimized"}
    }))
    .expect("response");
    let req = request(vec![Message::user("hi")]);
    let out = map_converse_response(resp, &req, &settings(CLAUDE4)).expect("maps");
    assert_eq!(
        out.content,
        vec![
            Part::reasoning("hmm", Some("sig".into())),
            Part::redacted_reasoning("AAEC"),
            Part::text("Hello"),
            Part::text(" cited"),
            Part::tool_call("t1", "weather", json!({"city": "Oslo"})),
        ]
    );
    assert_eq!(
        out.finish_reason,
        FinishReason::new(FinishKind::ToolCalls, "tool_use")
    );
    assert_eq!(out.usage.input_tokens, Some(300));
    assert_eq!(out.usage.output_tokens, Some(20));
    assert_eq!(out.usage.total_tokens, Some(320));
    assert_eq!(out.usage.cache_read_tokens, Some(150));
    assert_eq!(out.usage.cache_write_tokens, Some(50));
    assert_eq!(
        Value::Object(out.provider_metadata),
        json!({"bedrock": {
            "usage": {"inputTokens": 100, "outputTokens": 20, "totalTokens": 320,
                      "cacheReadInputTokens": 150, "cacheWriteInputTokens": 50,
                      "cacheDetails": [{"ttl": "5m", "inputTokens": 50}]},
            "latencyMs": 321,
            "trace": {"promptRouter": {"invokedModelId": "m"}},
            "serviceTier": {"type": "priority"},
            "performanceConfig": {"latency": "optimized"},
            "additionalModelResponseFields": {"delta": {"stop_sequence": null}},
            "citations": [{"title": "doc", "location": {"documentChar": {"documentIndex": 0, "start": 1, "end": 5}}}]
        }})
    );
}

#[test]
fn replayed_response_round_trips_into_the_next_request() {
    let resp: ConverseResponse = serde_json::from_value(json!({
        "output": {"message": {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "hmm", "signature": "sig"}}},
            {"reasoningContent": {"redactedContent": "AAEC"}},
            {"toolUse": {"toolUseId": "t1", "name": "weather", "input": {"city": "Oslo"}}}
        ]}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
        "metrics": {"latencyMs": 1}
    }))
    .expect("response");
    let mut req = request(vec![Message::user("hi")]);
    req.tools = vec![tool("weather")];
    let out = map_converse_response(resp, &req, &settings(CLAUDE4)).expect("maps");
    req.messages
        .push(Message::new(Role::Assistant, out.content));
    req.messages.push(Message::new(
        Role::Tool,
        vec![Part::tool_result("t1", "weather", json!("sunny"), false)],
    ));
    let b = body(&req, &settings(CLAUDE4));
    assert_eq!(
        b["messages"][1]["content"],
        json!([
            {"reasoningContent": {"reasoningText": {"text": "hmm", "signature": "sig"}}},
            {"reasoningContent": {"redactedContent": "AAEC"}},
            {"toolUse": {"toolUseId": "t1", "name": "weather", "input": {"city": "Oslo"}}}
        ])
    );
}

#[test]
fn every_stop_reason_maps_and_keeps_the_raw_value() {
    let cases = [
        ("end_turn", FinishKind::Stop),
        ("stop_sequence", FinishKind::Stop),
        ("tool_use", FinishKind::ToolCalls),
        ("max_tokens", FinishKind::Length),
        ("model_context_window_exceeded", FinishKind::Length),
        ("guardrail_intervened", FinishKind::ContentFilter),
        ("content_filtered", FinishKind::ContentFilter),
        ("malformed_model_output", FinishKind::Error),
        ("malformed_tool_use", FinishKind::Error),
        ("something_new", FinishKind::Other),
    ];
    for value in converse_types::StopReason::VALUES {
        assert!(
            cases.iter().any(|(raw, _)| raw == value),
            "{value} untested"
        );
    }
    for (raw, kind) in cases {
        let reason = converse_types::StopReason::from(raw);
        assert_eq!(map_stop_reason(&reason), FinishReason::new(kind, raw));
    }
}

#[test]
fn stop_sequence_is_surfaced() {
    let resp: ConverseResponse = serde_json::from_value(json!({
        "output": {"message": {"role": "assistant", "content": [{"text": "a"}]}},
        "stopReason": "stop_sequence",
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
        "metrics": {"latencyMs": 1},
        "additionalModelResponseFields": {"delta": {"stop_sequence": "END"}}
    }))
    .expect("response");
    let out = map_converse_response(resp, &request(vec![]), &settings(CLAUDE4)).expect("maps");
    assert_eq!(out.provider_metadata["bedrock"]["stopSequence"], "END");
}

// ---------------------------------------------------------------- streams

fn ev(v: Value) -> ConverseStreamEvent {
    serde_json::from_value(v).expect("event")
}

fn run(mapper: &mut StreamMapper, events: Vec<Value>) -> Vec<StreamPart> {
    events
        .into_iter()
        .flat_map(|e| mapper.on_event(ev(e)))
        .collect()
}

fn tail_events() -> Vec<Value> {
    vec![
        json!({"messageStop": {"stopReason": "tool_use"}}),
        json!({"metadata": {"usage": {"inputTokens": 10, "outputTokens": 4, "totalTokens": 14, "cacheReadInputTokens": 2}, "metrics": {"latencyMs": 9}}}),
    ]
}

#[test]
fn stream_interleaved_tool_calls_text_and_reasoning() {
    let req = request(vec![Message::user("hi")]);
    let mut m = StreamMapper::new(&req, &settings(CLAUDE4));
    let mut events = vec![
        json!({"messageStart": {"role": "assistant"}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "think"}}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "sig"}}}}),
        json!({"contentBlockStop": {"contentBlockIndex": 0}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 1, "delta": {"reasoningContent": {"redactedContent": "AAEC"}}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 2, "delta": {"text": "Hi"}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 2, "delta": {"citation": {"title": "doc"}}}}),
        json!({"contentBlockStart": {"contentBlockIndex": 3, "start": {"toolUse": {"toolUseId": "a", "name": "f"}}}}),
        json!({"contentBlockStart": {"contentBlockIndex": 4, "start": {"toolUse": {"toolUseId": "b", "name": "g"}}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 4, "delta": {"toolUse": {"input": "{\"y\":"}}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 3, "delta": {"toolUse": {"input": "{\"x\":"}}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 3, "delta": {"toolUse": {"input": "1}"}}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 4, "delta": {"toolUse": {"input": "2}"}}}}),
        json!({"contentBlockStop": {"contentBlockIndex": 4}}),
        json!({"contentBlockStop": {"contentBlockIndex": 3}}),
    ];
    events.extend(tail_events());
    let parts = run(&mut m, events);
    let mut usage = goai_core::Usage::default();
    usage.input_tokens = Some(12);
    usage.output_tokens = Some(4);
    usage.total_tokens = Some(14);
    usage.cache_read_tokens = Some(2);
    let expected_meta = json!({"bedrock": {
        "usage": {"inputTokens": 10, "outputTokens": 4, "totalTokens": 14, "cacheReadInputTokens": 2},
        "latencyMs": 9,
        "citations": [{"title": "doc"}]
    }});
    let Value::Object(provider_metadata) = expected_meta else {
        panic!("object")
    };
    assert_eq!(
        parts,
        vec![
            StreamPart::ReasoningDelta {
                text: "think".into(),
                signature: None
            },
            StreamPart::ReasoningSignature {
                signature: "sig".into()
            },
            StreamPart::RedactedReasoning {
                data: "AAEC".into()
            },
            StreamPart::TextDelta { text: "Hi".into() },
            StreamPart::ToolCallStart {
                id: "a".into(),
                name: "f".into()
            },
            StreamPart::ToolCallStart {
                id: "b".into(),
                name: "g".into()
            },
            StreamPart::ToolCallDelta {
                id: "b".into(),
                input_delta: "{\"y\":".into()
            },
            StreamPart::ToolCallDelta {
                id: "a".into(),
                input_delta: "{\"x\":".into()
            },
            StreamPart::ToolCallDelta {
                id: "a".into(),
                input_delta: "1}".into()
            },
            StreamPart::ToolCallDelta {
                id: "b".into(),
                input_delta: "2}".into()
            },
            StreamPart::ToolCall {
                id: "b".into(),
                name: "g".into(),
                input: json!({"y": 2})
            },
            StreamPart::ToolCall {
                id: "a".into(),
                name: "f".into(),
                input: json!({"x": 1})
            },
            StreamPart::Finish {
                finish_reason: FinishReason::new(FinishKind::ToolCalls, "tool_use"),
                usage,
                provider_metadata,
            },
        ]
    );
    assert_eq!(m.finish().expect("clean end"), vec![]);
}

#[test]
fn stream_finish_waits_for_both_stop_and_metadata() {
    let req = request(vec![Message::user("hi")]);
    let mut m = StreamMapper::new(&req, &settings(NOVA));
    let parts = run(
        &mut m,
        vec![
            json!({"metadata": {"usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}, "metrics": {"latencyMs": 1}}}),
        ],
    );
    assert!(parts.is_empty());
    let parts = run(
        &mut m,
        vec![json!({"messageStop": {"stopReason": "end_turn"}})],
    );
    assert!(matches!(parts.as_slice(), [StreamPart::Finish { .. }]));
}

#[test]
fn stream_without_stop_or_metadata_is_an_error() {
    let req = request(vec![Message::user("hi")]);
    let mut m = StreamMapper::new(&req, &settings(NOVA));
    run(
        &mut m,
        vec![json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": "partial"}}})],
    );
    match m.finish() {
        Err(Error::Stream {
            retryable, message, ..
        }) => {
            assert!(retryable);
            assert!(message.contains("messageStop and metadata"), "{message}");
        }
        other => panic!("expected a stream error, got {other:?}"),
    }
    let mut m = StreamMapper::new(&req, &settings(NOVA));
    run(
        &mut m,
        vec![json!({"messageStop": {"stopReason": "end_turn"}})],
    );
    assert!(
        matches!(m.finish(), Err(Error::Stream { message, .. }) if message.ends_with("metadata"))
    );
}

#[test]
fn stream_invalid_tool_json_is_a_typed_error() {
    let req = request(vec![Message::user("hi")]);
    let mut m = StreamMapper::new(&req, &settings(CLAUDE4));
    let mut events = vec![
        json!({"contentBlockStart": {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "a", "name": "f"}}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{\"x\": "}}}}),
        json!({"contentBlockStop": {"contentBlockIndex": 0}}),
    ];
    events.extend(tail_events());
    let parts = run(&mut m, events);
    assert!(
        !parts
            .iter()
            .any(|p| matches!(p, StreamPart::ToolCall { .. } | StreamPart::Finish { .. }))
    );
    match m.finish() {
        Err(Error::Stream {
            retryable,
            source,
            message,
        }) => {
            assert!(!retryable);
            assert!(source.is_some());
            assert!(message.contains("`f`"), "{message}");
        }
        other => panic!("expected a stream error, got {other:?}"),
    }
    // Input for a block that never started is an error too.
    let mut m = StreamMapper::new(&req, &settings(CLAUDE4));
    run(
        &mut m,
        vec![
            json!({"contentBlockDelta": {"contentBlockIndex": 7, "delta": {"toolUse": {"input": "{}"}}}}),
        ],
    );
    assert!(m.finish().is_err());
}

#[test]
fn stream_empty_tool_input_is_an_empty_object_and_unclosed_blocks_complete() {
    let req = request(vec![Message::user("hi")]);
    let mut m = StreamMapper::new(&req, &settings(CLAUDE4));
    let mut events = vec![
        json!({"contentBlockStart": {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "a", "name": "f"}}}}),
    ];
    events.extend(tail_events());
    let parts = run(&mut m, events);
    assert_eq!(
        parts.get(1),
        Some(&StreamPart::ToolCall {
            id: "a".into(),
            name: "f".into(),
            input: json!({})
        })
    );
    assert!(matches!(parts.last(), Some(StreamPart::Finish { .. })));
}

#[test]
fn stream_structured_output_tool_streams_as_text_and_warnings_come_first() {
    let mut req = request(vec![Message::user("point")]);
    req.seed = Some(1);
    req.response_format = Some(ResponseFormat::JsonSchema {
        name: "P".into(),
        schema: json!({"type": "object"}),
        strict: true,
    });
    let mut m = StreamMapper::new(&req, &settings(NOVA));
    let mut events = vec![
        json!({"messageStart": {"role": "assistant"}}),
        json!({"contentBlockStart": {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "j", "name": "json_response"}}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{\"x\":"}}}}),
        json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "1}"}}}}),
        json!({"contentBlockStop": {"contentBlockIndex": 0}}),
    ];
    events.extend(tail_events());
    let parts = run(&mut m, events);
    assert!(matches!(parts.first(), Some(StreamPart::Warnings(w)) if w.len() == 1));
    assert_eq!(
        parts.get(1..3),
        Some(
            &[
                StreamPart::TextDelta {
                    text: "{\"x\":".into()
                },
                StreamPart::TextDelta { text: "1}".into() },
            ][..]
        )
    );
    match parts.last() {
        Some(StreamPart::Finish { finish_reason, .. }) => {
            assert_eq!(
                finish_reason,
                &FinishReason::new(FinishKind::Stop, "tool_use")
            );
        }
        other => panic!("expected finish, got {other:?}"),
    }
}

#[test]
fn stream_wrapped_structured_output_is_unwrapped_at_block_stop() {
    let mut req = request(vec![Message::user("list")]);
    req.response_format = Some(ResponseFormat::JsonSchema {
        name: "L".into(),
        schema: json!({"type": "array"}),
        strict: true,
    });
    let mut m = StreamMapper::new(&req, &settings(NOVA));
    let parts = run(
        &mut m,
        vec![
            json!({"contentBlockStart": {"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "j", "name": "json_response"}}}}),
            json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{\"value\": [1,"}}}}),
            json!({"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "2]}"}}}}),
            json!({"contentBlockStop": {"contentBlockIndex": 0}}),
        ],
    );
    assert_eq!(
        parts,
        vec![StreamPart::TextDelta {
            text: "[1,2]".into()
        }]
    );
}
