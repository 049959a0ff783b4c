//! generate_object / stream_object against the mock model.
#![cfg(feature = "testing")]

use futures_util::StreamExt;
use goai_core::testing::MockLanguageModel;
use goai_core::*;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, PartialEq, Deserialize, JsonSchema)]
struct Recipe {
    name: String,
    steps: Vec<String>,
}

fn finish(kind: FinishKind) -> StreamPart {
    StreamPart::Finish {
        finish_reason: FinishReason::new(kind, "x"),
        usage: Usage::new(1, 1),
        provider_metadata: ProviderMetadata::new(),
    }
}

#[tokio::test]
async fn forced_tool_when_no_native_structured_output() {
    let model = MockLanguageModel::new().with_tool_calls([(
        "c",
        OBJECT_TOOL_NAME,
        json!({"name": "Tea", "steps": ["boil"]}),
    )]);
    let out = generate_object::<Recipe, _>(&model, Request::prompt("tea"))
        .await
        .unwrap();
    assert_eq!(
        out.object,
        Recipe {
            name: "Tea".into(),
            steps: vec!["boil".into()]
        }
    );
    let req = &model.requests()[0];
    assert_eq!(req.tools.len(), 1);
    assert_eq!(
        req.tools[0].input_schema["properties"]["steps"]["type"],
        "array"
    );
    assert_eq!(
        req.tool_choice,
        Some(ToolChoice::Tool(OBJECT_TOOL_NAME.into()))
    );
    assert!(req.response_format.is_none());
}

#[tokio::test]
async fn native_structured_output_when_capable() {
    let model = MockLanguageModel::new()
        .with_capabilities(Capabilities::default().with_structured_output(true))
        .with_text("```json\n{\"name\": \"Tea\", \"steps\": []}\n```");
    let out = generate_object::<Recipe, _>(&model, Request::prompt("tea"))
        .await
        .unwrap();
    assert_eq!(out.object.name, "Tea");
    let req = &model.requests()[0];
    assert!(req.tools.is_empty());
    assert!(
        matches!(&req.response_format, Some(ResponseFormat::JsonSchema { name, .. }) if name == "Recipe")
    );
}

#[tokio::test]
async fn non_object_types_are_wrapped_and_unwrapped() {
    let model = MockLanguageModel::new().with_tool_calls([(
        "c",
        OBJECT_TOOL_NAME,
        json!({"value": ["a", "b"]}),
    )]);
    let out = generate_object::<Vec<String>, _>(&model, Request::prompt("list"))
        .await
        .unwrap();
    assert_eq!(out.object, vec!["a", "b"]);
}

#[tokio::test]
async fn validation_errors_carry_the_raw_text() {
    let model = MockLanguageModel::new()
        .with_capabilities(Capabilities::default().with_structured_output(true))
        .with_text(r#"{"name": 3}"#)
        .with_text("not json at all");
    match generate_object::<Recipe, _>(&model, Request::prompt("x"))
        .await
        .unwrap_err()
    {
        Error::SchemaValidation { raw_text, message } => {
            assert_eq!(raw_text, r#"{"name": 3}"#);
            assert!(message.contains("does not match"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let err = generate_object::<Recipe, _>(&model, Request::prompt("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::SchemaValidation { raw_text, .. } if raw_text == "not json at all")
    );
}

#[tokio::test]
async fn stream_object_yields_partial_objects_from_tool_deltas() {
    let chunks = [
        r#"{"na"#,
        r#"me": "Te"#,
        r#"a", "st"#,
        r#"eps": ["bo"#,
        r#"il", "steep"]}"#,
    ];
    let mut parts = vec![StreamPart::ToolCallStart {
        id: "c".into(),
        name: OBJECT_TOOL_NAME.into(),
    }];
    parts.extend(chunks.iter().map(|c| StreamPart::ToolCallDelta {
        id: "c".into(),
        input_delta: (*c).into(),
    }));
    parts.push(finish(FinishKind::ToolCalls));
    let model = MockLanguageModel::new().with_stream(parts);
    let mut stream = stream_object::<Recipe, _>(&model, Request::prompt("tea"))
        .await
        .unwrap();
    let mut partials = Vec::new();
    while let Some(p) = stream.next().await {
        partials.push(p.unwrap());
    }
    assert_eq!(
        partials,
        vec![
            json!({}),
            json!({"name": "Te"}),
            json!({"name": "Tea"}),
            json!({"name": "Tea", "steps": ["bo"]}),
            json!({"name": "Tea", "steps": ["boil", "steep"]}),
        ]
    );
    let out = stream.finish().await.unwrap();
    assert_eq!(out.object.steps, vec!["boil", "steep"]);
    assert_eq!(out.raw, r#"{"name":"Tea","steps":["boil","steep"]}"#);
}

#[tokio::test]
async fn stream_object_native_text_and_validation_error() {
    let model = MockLanguageModel::new()
        .with_capabilities(Capabilities::default().with_structured_output(true))
        .with_stream([
            StreamPart::TextDelta {
                text: r#"{"name": "A"#.into(),
            },
            StreamPart::TextDelta {
                text: r#"da"}"#.into(),
            },
            finish(FinishKind::Stop),
        ]);
    let stream = stream_object::<Recipe, _>(&model, Request::prompt("x"))
        .await
        .unwrap();
    let err = stream.finish().await.unwrap_err();
    assert!(
        matches!(err, Error::SchemaValidation { raw_text, .. } if raw_text == r#"{"name": "Ada"}"#)
    );
}
