//! End to end: text, streaming, tools, structured output, wire details.

use futures_util::StreamExt;
use goai_core::{
    FinishKind, LanguageModel, Message, ModelRequest, Request, StreamPart, Tool, generate_object,
    generate_text, stream_text,
};
use serde::Deserialize;

use super::support::{bedrock, bounded};

#[tokio::test]
async fn generate_text_returns_text_usage_and_request_id() {
    let (_emu, b) = bedrock().await;
    let model = b.chat("anthropic.claude-3-haiku-20240307-v1:0");
    let out = bounded(generate_text(
        &model,
        Request::prompt("Say hi").max_tokens(64),
    ))
    .await
    .expect("generates");
    assert!(!out.text.is_empty());
    assert_eq!(out.finish_reason.unified, FinishKind::Stop);
    assert!(out.usage.input_tokens.is_some_and(|n| n > 0));
    assert!(
        out.metadata.id.is_some(),
        "request id from x-amzn-requestid"
    );
}

#[tokio::test]
async fn stream_emits_metadata_text_and_one_finish() {
    let (_emu, b) = bedrock().await;
    let model = b.chat("amazon.nova-lite-v1:0");
    let mut req = ModelRequest::default();
    req.messages.push(Message::user("Tell me something"));
    let mut stream = bounded(model.stream(&req)).await.expect("stream opens");
    let mut text = String::new();
    let mut finishes = 0;
    let mut first = None;
    while let Some(part) = bounded(stream.next()).await {
        let part = part.expect("no stream error");
        if first.is_none() {
            first = Some(part.clone());
        }
        match part {
            StreamPart::TextDelta { text: t } => text.push_str(&t),
            StreamPart::Finish { usage, .. } => {
                finishes += 1;
                assert!(usage.output_tokens.is_some());
            }
            _ => {}
        }
    }
    assert!(matches!(first, Some(StreamPart::ResponseMetadata(_))));
    assert!(!text.is_empty());
    assert_eq!(finishes, 1);
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct WeatherArgs {
    city: String,
}

#[tokio::test]
async fn tool_loop_runs_through_goai_core() {
    let (_emu, b) = bedrock().await;
    let model = b.chat("anthropic.claude-sonnet-4-5-20250929-v1:0");
    let weather = Tool::typed(
        "get_weather",
        "Weather for a city",
        |a: WeatherArgs| async move {
            Ok::<_, std::convert::Infallible>(serde_json::json!({"city": a.city, "celsius": 21}))
        },
    );
    let out = bounded(generate_text(
        &model,
        Request::prompt("Use get_weather: what is the weather in Paris?")
            .tool(weather)
            .max_steps(4)
            .max_tokens(256),
    ))
    .await
    .expect("tool loop completes");
    assert!(!out.tool_calls.is_empty(), "the model called the tool");
    assert_eq!(out.tool_results.len(), out.tool_calls.len());
    assert!(
        out.steps.len() >= 2,
        "a second step answered after the tool result"
    );
    assert_eq!(out.finish_reason.unified, FinishKind::Stop);
}

#[tokio::test]
async fn streamed_tool_loop_runs_through_goai_core() {
    let (_emu, b) = bedrock().await;
    let model = b.chat("anthropic.claude-3-haiku-20240307-v1:0");
    let weather = Tool::typed(
        "get_weather",
        "Weather for a city",
        |a: WeatherArgs| async move {
            Ok::<_, std::convert::Infallible>(format!("sunny in {}", a.city))
        },
    );
    let stream = bounded(stream_text(
        &model,
        Request::prompt("Use get_weather for Oslo")
            .tool(weather)
            .max_steps(4),
    ))
    .await
    .expect("opens");
    let summary = bounded(stream.finish()).await.expect("finishes");
    assert!(!summary.tool_calls.is_empty());
    assert!(summary.steps.len() >= 2);
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Recipe {
    name: String,
    minutes: u32,
}

#[tokio::test]
async fn structured_output_validates_into_a_type() {
    let (_emu, b) = bedrock().await;
    for id in [
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "amazon.nova-pro-v1:0",
        "meta.llama3-1-70b-instruct-v1:0",
    ] {
        let model = b.chat(id);
        let out = bounded(generate_object::<Recipe, _>(
            &model,
            Request::prompt("A pancake recipe as json").max_tokens(300),
        ))
        .await;
        let out = out.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(!out.object.name.is_empty(), "{id}");
        let _ = out.object.minutes;
    }
}

#[tokio::test]
async fn bearer_token_from_builder_is_accepted() {
    let emulator = bedrock_emulator::Emulator::builder()
        .bearer_token("test-api-key")
        .start()
        .await
        .expect("starts");
    let b = goai_bedrock::Bedrock::builder()
        .base_url(emulator.url())
        .bearer_token("test-api-key")
        .build()
        .expect("builds");
    assert!(b.uses_bearer_token());
    let out = bounded(generate_text(
        &b.chat("amazon.nova-micro-v1:0"),
        Request::prompt("hi").max_tokens(32),
    ))
    .await;
    assert!(!out.expect("bearer accepted").text.is_empty());
}

#[tokio::test]
async fn extra_headers_keep_every_value_and_the_request_level_wins() {
    let s = super::support::setup().await;
    let mut builder = s.builder;
    builder
        .header("x-team", "provider-level")
        .header("x-gateway-key", "gw-secret-123")
        .header("user-agent", "my-app/1.0");
    let b = builder.build().expect("provider builds");
    assert!(
        !format!("{b:?}").contains("gw-secret-123"),
        "Debug shows an extra header's value"
    );
    let model = b.chat("anthropic.claude-3-haiku-20240307-v1:0");
    bounded(generate_text(
        &model,
        Request::prompt("Say hi")
            .max_tokens(32)
            .header("x-trace", "one")
            .header("x-trace", "two")
            .header("x-team", "request-level"),
    ))
    .await
    .expect("generates");
    let recorded = s.emulator.requests();
    let last = recorded.last().expect("a request was recorded");
    let values = |name: &str| -> Vec<&str> {
        last.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    };
    assert_eq!(
        values("x-trace"),
        ["one", "two"],
        "both values of a repeated header"
    );
    assert_eq!(
        values("x-team"),
        ["request-level"],
        "the request overrides the provider"
    );
    assert_eq!(values("x-gateway-key"), ["gw-secret-123"]);
    assert_eq!(
        values("user-agent"),
        ["my-app/1.0"],
        "one user-agent, the caller's"
    );
}
