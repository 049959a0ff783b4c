//! Property tests: no input makes the stream parser, the error classifier or the
//! deserializers panic, and whatever parses serializes back to something that parses the same.

use converse_types::*;
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Member names of the model, so random JSON often reaches deep into the types.
const KEYS: &[&str] = &[
    "role",
    "content",
    "text",
    "delta",
    "start",
    "contentBlockIndex",
    "toolUse",
    "toolUseId",
    "name",
    "input",
    "toolResult",
    "status",
    "json",
    "reasoningContent",
    "reasoningText",
    "signature",
    "redactedContent",
    "citation",
    "image",
    "format",
    "source",
    "bytes",
    "s3Location",
    "uri",
    "stopReason",
    "usage",
    "inputTokens",
    "outputTokens",
    "totalTokens",
    "metrics",
    "latencyMs",
    "trace",
    "guardrail",
    "message",
    "originalStatusCode",
    "originalMessage",
    "p",
    "__type",
    "location",
    "documentChar",
    "type",
    "error",
    "cacheDetails",
    "ttl",
    "additionalModelResponseFields",
    "performanceConfig",
    "serviceTier",
    "latency",
];

const TYPES: &[&str] = &[
    "messageStart",
    "contentBlockStart",
    "contentBlockDelta",
    "contentBlockStop",
    "messageStop",
    "metadata",
    "internalServerException",
    "modelStreamErrorException",
    "validationException",
    "throttlingException",
    "serviceUnavailableException",
    "ThrottlingException",
    "InternalFailure",
    "",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_owned),
        1 => ".{0,8}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (0u32..100).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        proptest::sample::select(&["end_turn", "assistant", "user", "png", "aGk=", "tool_use"][..])
            .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn header() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(TYPES).prop_map(str::to_owned),
        1 => ".{0,24}",
    ]
}

fn message_type() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(&["event", "exception", "error"][..]).prop_map(str::to_owned),
        1 => ".{0,10}",
    ]
}

fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => json_value().prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
        1 => proptest::collection::vec(any::<u8>(), 0..128),
    ]
}

/// Whatever parses must serialize, and the serialized payload must parse to an equal frame.
fn check_reparse(message_type: &str, type_header: &str, frame: &StreamFrame) {
    let reparsed = match frame {
        StreamFrame::Event(event) => {
            parse_stream_frame(message_type, type_header, &event.to_payload())
        }
        StreamFrame::Exception(exception) => {
            parse_stream_frame(message_type, type_header, &exception.to_payload())
        }
        _ => return,
    };
    let reparsed = reparsed.expect("a serialized frame parses again");
    // Compare through JSON: floats inside documents are compared by their text form.
    let text = |f: &StreamFrame| match f {
        StreamFrame::Event(e) => serde_json::to_string(e).unwrap_or_default(),
        StreamFrame::Exception(e) => serde_json::to_string(e).unwrap_or_default(),
        other => format!("{other:?}"),
    };
    assert_eq!(text(&reparsed), text(frame));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn stream_parser_never_panics(
        message_type in message_type(),
        type_header in header(),
        payload in payload(),
    ) {
        if let Ok(frame) = parse_stream_frame(&message_type, &type_header, &payload) {
            let _ = frame.to_api_error();
            check_reparse(&message_type, &type_header, &frame);
        }
    }

    #[test]
    fn structured_event_payloads_never_panic(
        type_header in header(),
        index in json_value(),
        inner in json_value(),
        wrapper in key(),
    ) {
        // Shapes close to real events, with random members and values.
        let payload = serde_json::json!({ "contentBlockIndex": index, wrapper: inner, "p": "abcdef" });
        let bytes = serde_json::to_vec(&payload).unwrap_or_default();
        for message_type in ["event", "exception"] {
            if let Ok(frame) = parse_stream_frame(message_type, &type_header, &bytes) {
                check_reparse(message_type, &type_header, &frame);
            }
        }
    }

    #[test]
    fn classifier_never_panics(
        status in any::<u16>(),
        error_type in proptest::option::of(".{0,40}"),
        body in payload(),
    ) {
        let error = classify_error(status, error_type.as_deref(), &body);
        prop_assert!(error.message.len() <= 512 || serde_json::from_slice::<Value>(&body).is_ok());
        prop_assert_eq!(error.status, status);
        if status == 429 || (500..600).contains(&status) {
            prop_assert!(error.retryable);
        }
    }

    #[test]
    fn deserializers_never_panic(value in json_value()) {
        let _ = serde_json::from_value::<ConverseRequest>(value.clone());
        let _ = serde_json::from_value::<ConverseResponse>(value.clone());
        let _ = serde_json::from_value::<ContentBlock>(value.clone());
        let _ = serde_json::from_value::<Message>(value.clone());
        let _ = serde_json::from_value::<CountTokensRequest>(value.clone());
        let _ = serde_json::from_value::<ConverseStreamEvent>(value.clone());
        let _ = serde_json::from_value::<ConverseStreamException>(value);
    }

    #[test]
    fn sanitize_never_panics_and_strips_separators(raw in ".{0,60}") {
        let name = sanitize_error_type(&raw);
        prop_assert!(!name.contains(':') && !name.contains('#'));
    }
}
