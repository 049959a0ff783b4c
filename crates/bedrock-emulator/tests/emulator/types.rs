//! Cross-check: the workspace's `converse-types` model reads everything the emulator sends.

use bedrock_emulator::Emulator;
use converse_types::{
    ContentBlock, ConverseResponse, ConverseStreamEvent, ErrorKind, StreamFrame, classify_error,
    parse_stream_frame,
};
use serde_json::json;

use super::support::{Call, HAIKU, send, user};

const SONNET4: &str = "us.anthropic.claude-sonnet-4-20250514-v1:0";

fn tools() -> serde_json::Value {
    json!({"tools": [{"toolSpec": {"name": "search", "inputSchema": {"json": {"type": "object", "properties": {"query": {"type": "string"}}}}}}]})
}

#[tokio::test]
async fn converse_responses_parse_as_converse_response() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let body = json!({
        "messages": [user("search for rust")],
        "toolConfig": tools(),
        "inferenceConfig": {"maxTokens": 3000},
        "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
        "serviceTier": {"type": "flex"}
    });
    let reply = send(&emulator.url(), &Call::new(SONNET4, "converse", &body)).await;
    let bytes = reply.body.expect("a body");
    let response: ConverseResponse = serde_json::from_slice(&bytes).expect("parses");
    let message = response.message().expect("a message");
    let kinds: Vec<&str> = message
        .content
        .iter()
        .map(|block| match block {
            ContentBlock::ReasoningContent(_) => "reasoning",
            ContentBlock::Text(_) => "text",
            ContentBlock::ToolUse(_) => "toolUse",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["reasoning", "text", "toolUse"]);
    assert_eq!(response.stop_reason.as_str(), "tool_use");
    assert_eq!(
        response.usage.total_tokens,
        response.usage.input_tokens + response.usage.output_tokens
    );
    assert!(response.service_tier.is_some());
}

#[tokio::test]
async fn every_stream_frame_parses_as_a_known_event_or_exception() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let body = json!({
        "messages": [user("search for rust")],
        "toolConfig": tools(),
        "inferenceConfig": {"maxTokens": 3000},
        "additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    });
    for fault in [None, Some("stream-exception:throttlingException")] {
        let mut call = Call::new(SONNET4, "converse-stream", &body);
        if let Some(fault) = fault {
            call = call.header(bedrock_emulator::FAULT_HEADER, fault);
        }
        let frames = send(&emulator.url(), &call).await.frames().expect("frames");
        let mut exceptions = Vec::new();
        for frame in &frames {
            let message_type = frame.header_str(":message-type").expect(":message-type");
            let type_header = frame
                .header_str(":event-type")
                .or_else(|| frame.header_str(":exception-type"))
                .expect("a type header");
            let parsed = parse_stream_frame(message_type, type_header, frame.payload())
                .unwrap_or_else(|e| panic!("{type_header}: {e}"));
            match parsed {
                StreamFrame::Event(event) => {
                    assert_eq!(event.event_type(), type_header);
                    assert!(
                        !matches!(event, ConverseStreamEvent::Unknown { .. }),
                        "{type_header}"
                    );
                }
                StreamFrame::Exception(exception) => exceptions.push(exception.to_api_error()),
                other => panic!("unexpected frame {other:?}"),
            }
        }
        match fault {
            None => assert!(exceptions.is_empty()),
            Some(_) => {
                assert_eq!(exceptions.len(), 1);
                assert_eq!(exceptions[0].kind, ErrorKind::Throttling);
                assert!(exceptions[0].retryable);
            }
        }
    }
}

#[tokio::test]
async fn error_responses_classify_by_name() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let cases = [
        (None, "nope.model-v1:0", ErrorKind::Validation),
        (Some("throttling"), HAIKU, ErrorKind::Throttling),
        (Some("unavailable"), HAIKU, ErrorKind::ServiceUnavailable),
        (Some("model-not-ready"), HAIKU, ErrorKind::ModelNotReady),
    ];
    for (fault, model, kind) in cases {
        let mut call = Call::new(model, "converse", &json!({"messages": [user("hi")]}));
        if let Some(fault) = fault {
            call = call.header(bedrock_emulator::FAULT_HEADER, fault);
        }
        let reply = send(&emulator.url(), &call).await;
        let body = reply.body.clone().expect("a body");
        let error = classify_error(
            reply.status.as_u16(),
            reply.header("x-amzn-errortype"),
            &body,
        );
        assert_eq!(error.kind, kind, "{fault:?}");
        assert!(!error.message.is_empty());
    }
    let unsigned = send(
        &emulator.url(),
        &Call::new(HAIKU, "converse", &json!({})).auth(super::support::Auth::None),
    )
    .await;
    let body = unsigned.body.clone().expect("a body");
    let error = classify_error(403, unsigned.header("x-amzn-errortype"), &body);
    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert_eq!(error.message, "Authorization header is missing");
}
