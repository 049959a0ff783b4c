//! ConverseStream frames and the throughput mode.

use bedrock_emulator::Emulator;
use http::StatusCode;
use serde_json::json;

use super::support::{Call, HAIKU, payload, send, user};

#[tokio::test]
async fn stream_frames_are_shaped_like_bedrock() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let reply = send(
        &emulator.url(),
        &Call::new(
            HAIKU,
            "converse-stream",
            &json!({"messages": [user("echo: alpha beta gamma delta")]}),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("content-type"),
        Some("application/vnd.amazon.eventstream")
    );
    let frames = reply.frames().expect("valid frames");
    let types: Vec<&str> = frames
        .iter()
        .filter_map(|f| f.header_str(":event-type"))
        .collect();
    assert_eq!(types.first(), Some(&"messageStart"));
    assert_eq!(
        &types[types.len() - 3..],
        &["contentBlockStop", "messageStop", "metadata"]
    );
    for frame in &frames {
        assert_eq!(frame.header_str(":message-type"), Some("event"));
        assert_eq!(frame.header_str(":content-type"), Some("application/json"));
        assert!(payload(frame)["p"].is_string(), "padding on every event");
    }
    let text: String = frames
        .iter()
        .filter(|f| f.header_str(":event-type") == Some("contentBlockDelta"))
        .filter_map(|f| payload(f)["delta"]["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(text, "alpha beta gamma delta");
    let deltas = types.iter().filter(|t| **t == "contentBlockDelta").count();
    let metadata = payload(frames.last().expect("frames"));
    assert_eq!(
        metadata["usage"]["outputTokens"].as_u64(),
        Some(deltas as u64)
    );
}

#[tokio::test]
async fn streamed_tool_calls_start_with_content_block_start() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let body = json!({
        "messages": [user("call get_time now")],
        "toolConfig": {"tools": [{"toolSpec": {"name": "get_time", "inputSchema": {"json": {"type": "object", "properties": {"zone": {"type": "string"}}}}}}]}
    });
    let frames = send(&emulator.url(), &Call::new(HAIKU, "converse-stream", &body))
        .await
        .frames()
        .expect("valid frames");
    let start = frames
        .iter()
        .find(|f| f.header_str(":event-type") == Some("contentBlockStart"))
        .map(payload)
        .expect("a contentBlockStart");
    assert_eq!(start["start"]["toolUse"]["name"], "get_time");
    let index = start["contentBlockIndex"].clone();
    let input: String = frames
        .iter()
        .map(payload)
        .filter(|p| p["contentBlockIndex"] == index)
        .filter_map(|p| p["delta"]["toolUse"]["input"].as_str().map(str::to_string))
        .collect();
    let input: serde_json::Value = serde_json::from_str(&input).expect("the fragments form JSON");
    assert_eq!(input, json!({"zone": "example zone"}));
    let stop = frames
        .iter()
        .find(|f| f.header_str(":event-type") == Some("messageStop"))
        .map(payload)
        .expect("messageStop");
    assert_eq!(stop["stopReason"], "tool_use");
}

#[tokio::test]
async fn streaming_tools_are_refused_where_bedrock_refuses_them() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let body = json!({
        "messages": [user("hi")],
        "toolConfig": {"tools": [{"toolSpec": {"name": "t", "inputSchema": {"json": {"type": "object"}}}}]}
    });
    let reply = send(
        &emulator.url(),
        &Call::new(
            "us.meta.llama4-scout-17b-instruct-v1:0",
            "converse-stream",
            &body,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.message(),
        "This model doesn't support tool use in streaming mode."
    );
}

#[tokio::test]
async fn throughput_mode_streams_n_deltas_of_m_bytes() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let call = Call::new(
        bedrock_emulator::THROUGHPUT_MODEL_ID,
        "converse-stream",
        &json!({"messages": [user("go")]}),
    )
    .header(bedrock_emulator::THROUGHPUT_HEADER, "2500:48");
    let frames = send(&emulator.url(), &call)
        .await
        .frames()
        .expect("valid frames");
    let deltas: Vec<String> = frames
        .iter()
        .filter(|f| f.header_str(":event-type") == Some("contentBlockDelta"))
        .filter_map(|f| payload(f)["delta"]["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(deltas.len(), 2500);
    assert!(deltas.iter().all(|d| d.len() == 48));
    let metadata = payload(frames.last().expect("frames"));
    assert_eq!(metadata["usage"]["outputTokens"], 2500);

    let fields = json!({"messages": [user("go")], "additionalModelRequestFields": {"emulatorThroughput": {"deltas": 3, "deltaBytes": 5}}});
    let reply = send(
        &emulator.url(),
        &Call::new(bedrock_emulator::THROUGHPUT_MODEL_ID, "converse", &fields),
    )
    .await;
    assert_eq!(
        reply.json()["output"]["message"]["content"][0]["text"],
        "abcdeabcdeabcde"
    );
}
