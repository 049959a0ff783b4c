//! Realistic wire documents, as Bedrock sends and receives them, round-trip exactly and
//! decode to the expected typed values.

use converse_types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn round_trip<T: DeserializeOwned + Serialize>(document: &Value) -> T {
    let parsed: T = serde_json::from_value(document.clone()).expect("deserializes");
    assert_eq!(
        &serde_json::to_value(&parsed).expect("serializes"),
        document
    );
    parsed
}

#[test]
fn converse_request_with_every_kind_of_content() {
    let document = json!({
        "messages": [
            {"role": "user", "content": [
                {"text": "Compare these."},
                {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}},
                {"image": {"format": "jpeg", "source": {"s3Location": {"uri": "s3://bucket/a.jpg", "bucketOwner": "123456789012"}}}},
                {"document": {"format": "pdf", "name": "Report 2024", "source": {"bytes": "JVBERi0="}, "citations": {"enabled": true}}},
                {"document": {"name": "notes", "source": {"text": "plain notes"}, "context": "meeting"}},
                {"document": {"name": "parts", "source": {"content": [{"text": "part one"}]}}},
                {"video": {"format": "mp4", "source": {"s3Location": {"uri": "s3://bucket/v.mp4"}}}},
                {"audio": {"format": "wav", "source": {"bytes": "UklGRg=="}}},
                {"searchResult": {"source": "https://example.com", "title": "Example", "content": [{"text": "snippet"}], "citations": {"enabled": true}}},
                {"guardContent": {"text": {"text": "check me", "qualifiers": ["guard_content"]}}},
                {"cachePoint": {"type": "default", "ttl": "1h"}}
            ]},
            {"role": "assistant", "content": [
                {"reasoningContent": {"reasoningText": {"text": "Let me look.", "signature": "EqQBCkYIBxgCKkA"}}},
                {"reasoningContent": {"redactedContent": "ZW5jcnlwdGVk"}},
                {"toolUse": {"toolUseId": "tooluse_a", "name": "search", "input": {"q": "x", "n": 3, "f": 0.25}}},
                {"toolUse": {"toolUseId": "tooluse_b", "name": "web", "input": {}, "type": "server_tool_use"}}
            ]},
            {"role": "user", "content": [
                {"toolResult": {"toolUseId": "tooluse_a", "content": [
                    {"json": {"hits": [1, 2]}},
                    {"text": "two hits"},
                    {"image": {"format": "gif", "source": {"bytes": "R0lGOA=="}}}
                ], "status": "success"}},
                {"toolResult": {"toolUseId": "tooluse_b", "content": [{"text": "failed"}], "status": "error", "type": "web_result"}}
            ]}
        ],
        "system": [
            {"text": "You are terse."},
            {"guardContent": {"text": {"text": "policy"}}},
            {"cachePoint": {"type": "default"}}
        ],
        "inferenceConfig": {"maxTokens": 1024, "temperature": 0.7, "topP": 0.9, "stopSequences": ["\n\nHuman:"]},
        "toolConfig": {
            "tools": [
                {"toolSpec": {"name": "search", "description": "Search", "inputSchema": {"json": {"type": "object"}}, "strict": true}},
                {"systemTool": {"name": "web_grounding"}},
                {"cachePoint": {"type": "default", "ttl": "5m"}}
            ],
            "toolChoice": {"tool": {"name": "search"}}
        },
        "guardrailConfig": {"guardrailIdentifier": "gr-1", "guardrailVersion": "DRAFT", "trace": "enabled_full"},
        "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 2048}, "top_k": 40},
        "additionalModelResponseFieldPaths": ["/stop_sequence"],
        "promptVariables": {"city": {"text": "Paris"}},
        "requestMetadata": {"team": "search", "env": "prod"},
        "performanceConfig": {"latency": "optimized"},
        "serviceTier": {"type": "flex"},
        "outputConfig": {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": "{\"type\":\"object\"}", "name": "answer"}}}, "effort": "high"}
    });
    let request: ConverseRequest = round_trip(&document);
    let messages = request.messages.as_ref().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1].tool_uses().count(), 2);
    let ContentBlock::Image(image) = &messages[0].content[1] else {
        panic!("image")
    };
    assert_eq!(
        image.source,
        ImageSource::Bytes(Blob::from_base64("iVBORw0KGgo=").unwrap())
    );
    assert_eq!(
        request.tool_config.as_ref().unwrap().tool_choice,
        Some(ToolChoice::tool("search"))
    );
    assert_eq!(
        request.inference_config.as_ref().unwrap().temperature,
        Some(0.7)
    );

    // The same body as a ConverseStream request, with a stream processing mode added.
    let mut stream_document = document.clone();
    stream_document["guardrailConfig"]["streamProcessingMode"] = json!("async");
    let stream: ConverseStreamRequest = round_trip(&stream_document);
    let back: ConverseRequest = stream.into();
    assert_eq!(back, request);
}

#[test]
fn converse_response_with_reasoning_citations_and_trace() {
    let document = json!({
        "output": {"message": {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "thinking", "signature": "sig"}}},
            {"citationsContent": {
                "content": [{"text": "Paris is the capital."}],
                "citations": [{
                    "title": "Report 2024",
                    "source": "doc-0",
                    "sourceContent": [{"text": "capital: Paris"}],
                    "location": {"documentPage": {"documentIndex": 0, "start": 1, "end": 2}}
                }]
            }},
            {"text": "Paris."}
        ]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 100, "outputTokens": 20, "totalTokens": 120,
                  "cacheReadInputTokens": 80, "cacheWriteInputTokens": 0,
                  "cacheDetails": [{"ttl": "5m", "inputTokens": 80}]},
        "metrics": {"latencyMs": 912},
        "additionalModelResponseFields": {"stop_sequence": null},
        "trace": {
            "guardrail": {
                "modelOutput": ["Paris."],
                "inputAssessment": {"gr-1": {
                    "contentPolicy": {"filters": [{"type": "HATE", "confidence": "NONE", "filterStrength": "HIGH", "action": "NONE", "detected": false}]},
                    "invocationMetrics": {"guardrailProcessingLatency": 45,
                        "usage": {"topicPolicyUnits": 0, "contentPolicyUnits": 1, "wordPolicyUnits": 0,
                                  "sensitiveInformationPolicyUnits": 0, "sensitiveInformationPolicyFreeUnits": 0,
                                  "contextualGroundingPolicyUnits": 0},
                        "guardrailCoverage": {"textCharacters": {"guarded": 10, "total": 10}}}
                }},
                "actionReason": "No action."
            },
            "promptRouter": {"invokedModelId": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}
        },
        "performanceConfig": {"latency": "standard"},
        "serviceTier": {"type": "default"}
    });
    let response: ConverseResponse = round_trip(&document);
    assert_eq!(response.text(), "Paris.");
    assert_eq!(response.usage.cache_read_input_tokens, Some(80));
    assert_eq!(response.stop_reason.as_str(), "end_turn");
}

#[test]
fn a_whole_stream_with_interleaved_tool_calls() {
    let frames: &[(&str, &str, &str)] = &[
        (
            "event",
            "messageStart",
            r#"{"p":"abcd","role":"assistant"}"#,
        ),
        (
            "event",
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Need both."}},"p":"ab"}"#,
        ),
        (
            "event",
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"c2ln"}}}"#,
        ),
        ("event", "contentBlockStop", r#"{"contentBlockIndex":0}"#),
        (
            "event",
            "contentBlockStart",
            r#"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t1","name":"a"}}}"#,
        ),
        (
            "event",
            "contentBlockStart",
            r#"{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"t2","name":"b"}}}"#,
        ),
        (
            "event",
            "contentBlockDelta",
            r#"{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{\"y\":"}}}"#,
        ),
        (
            "event",
            "contentBlockDelta",
            r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"x\":1}"}}}"#,
        ),
        (
            "event",
            "contentBlockDelta",
            r#"{"contentBlockIndex":2,"delta":{"toolUse":{"input":"2}"}}}"#,
        ),
        ("event", "contentBlockStop", r#"{"contentBlockIndex":1}"#),
        ("event", "contentBlockStop", r#"{"contentBlockIndex":2}"#),
        (
            "event",
            "messageStop",
            r#"{"stopReason":"tool_use","p":"abcdefgh"}"#,
        ),
        (
            "event",
            "metadata",
            r#"{"usage":{"inputTokens":5,"outputTokens":6,"totalTokens":11},"metrics":{"latencyMs":70},"p":"a"}"#,
        ),
    ];
    let mut inputs = std::collections::BTreeMap::<u32, String>::new();
    let mut stop = None;
    for (message_type, type_header, payload) in frames {
        let frame = parse_stream_frame(message_type, type_header, payload.as_bytes()).unwrap();
        let StreamFrame::Event(event) = frame else {
            panic!("not an event")
        };
        match event {
            ConverseStreamEvent::ContentBlockDelta(ContentBlockDeltaEvent {
                delta: ContentBlockDelta::ToolUse(delta),
                content_block_index,
            }) => inputs
                .entry(content_block_index)
                .or_default()
                .push_str(&delta.input),
            ConverseStreamEvent::MessageStop(stop_event) => stop = Some(stop_event.stop_reason),
            _ => {}
        }
    }
    assert_eq!(inputs[&1], r#"{"x":1}"#);
    assert_eq!(inputs[&2], r#"{"y":2}"#);
    assert_eq!(stop, Some(StopReason::ToolUse));
}

#[test]
fn stream_events_and_exceptions_as_json_unions() {
    let events = json!([
        {"messageStart": {"role": "assistant"}},
        {"contentBlockStart": {"contentBlockIndex": 0, "start": {"image": {"format": "png"}}}},
        {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"image": {"source": {"bytes": "aGk="}}}}},
        {"contentBlockDelta": {"contentBlockIndex": 1, "delta": {"toolResult": [{"text": "a"}, {"json": {"b": 1}}]}}},
        {"contentBlockDelta": {"contentBlockIndex": 2, "delta": {"citation": {"title": "t", "location": {"web": {"url": "https://a.b", "domain": "a.b"}}}}}},
        {"contentBlockStop": {"contentBlockIndex": 0}},
        {"messageStop": {"stopReason": "model_context_window_exceeded", "additionalModelResponseFields": {"x": 1}}},
        {"metadata": {"usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}, "metrics": {"latencyMs": 3},
                      "serviceTier": {"type": "priority"}}}
    ]);
    let parsed: Vec<ConverseStreamEvent> = round_trip(&events);
    assert!(parsed.iter().all(|e| !e.is_unknown()));
    assert_eq!(parsed[3].content_block_index(), Some(1));

    let exceptions = json!([
        {"internalServerException": {"message": "a"}},
        {"modelStreamErrorException": {"message": "b", "originalStatusCode": 400, "originalMessage": "c"}},
        {"validationException": {"message": "d"}},
        {"throttlingException": {"message": "e"}},
        {"serviceUnavailableException": {}}
    ]);
    let parsed: Vec<ConverseStreamException> = round_trip(&exceptions);
    let kinds: Vec<ErrorKind> = parsed.iter().map(|e| e.to_api_error().kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::InternalServer,
            ErrorKind::ModelError,
            ErrorKind::Validation,
            ErrorKind::Throttling,
            ErrorKind::ServiceUnavailable
        ]
    );
}

#[test]
fn count_tokens_both_inputs() {
    let converse = json!({"input": {"converse": {
        "messages": [{"role": "user", "content": [{"text": "hi"}]}],
        "system": [{"text": "s"}],
        "toolConfig": {"tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": {}}}}], "toolChoice": {"auto": {}}},
        "additionalModelRequestFields": {"k": 1}
    }}});
    let request: CountTokensRequest = round_trip(&converse);
    assert!(matches!(request.input, CountTokensInput::Converse(_)));

    let invoke = json!({"input": {"invokeModel": {"body": "eyJwcm9tcHQiOiJoaSJ9"}}});
    let request: CountTokensRequest = round_trip(&invoke);
    let CountTokensInput::InvokeModel(body) = request.input else {
        panic!("invokeModel")
    };
    assert_eq!(body.body.as_bytes(), br#"{"prompt":"hi"}"#);

    let response: CountTokensResponse = round_trip(&json!({"inputTokens": 42}));
    assert_eq!(response.input_tokens, 42);

    let from_converse = CountTokensRequest::for_converse(&ConverseRequest::new(
        "m",
        vec![Message::user_text("hi")],
    ));
    assert_eq!(from_converse.model_id, "m");
    assert_eq!(
        serde_json::to_value(&from_converse).unwrap(),
        json!({"input": {"converse": {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}}})
    );
}

#[test]
fn missing_required_members_are_errors() {
    let no_stop_reason = json!({
        "output": {"message": {"role": "assistant", "content": []}},
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
        "metrics": {"latencyMs": 1}
    });
    assert!(serde_json::from_value::<ConverseResponse>(no_stop_reason).is_err());
    assert!(
        serde_json::from_value::<ToolUseBlock>(json!({"toolUseId": "a", "name": "b"})).is_err()
    );
}
