//! How `stream_text` / `stream_object` hand parts on: no read-ahead, a return
//! as soon as the provider's stream is open, cancellation and timeouts after
//! that, and the same summary as `generate_text`.
#![cfg(feature = "testing")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use goai_core::testing::{MockLanguageModel, MockTurn};
use goai_core::*;
use serde_json::json;

/// Streams `n` text deltas and a finish, counting the parts pulled from it.
struct Counting {
    n: usize,
    pulled: Arc<AtomicUsize>,
}

impl LanguageModel for Counting {
    fn provider(&self) -> &str {
        "counting"
    }
    fn model_id(&self) -> &str {
        "counting-1"
    }
    fn generate<'a>(&'a self, _: &'a ModelRequest) -> BoxFuture<'a, Result<ModelResponse, Error>> {
        async { Err(Error::stream("stream only")) }.boxed()
    }
    fn stream<'a>(&'a self, _: &'a ModelRequest) -> BoxFuture<'a, Result<PartStream, Error>> {
        let pulled = Arc::clone(&self.pulled);
        let mut parts: Vec<StreamPart> = (0..self.n)
            .map(|i| StreamPart::TextDelta {
                text: format!("{i} "),
            })
            .collect();
        parts.push(StreamPart::Finish {
            finish_reason: FinishReason::new(FinishKind::Stop, "end_turn"),
            usage: Usage::new(1, 1),
            provider_metadata: ProviderMetadata::new(),
        });
        let stream = futures_util::stream::iter(parts).map(move |p| {
            pulled.fetch_add(1, Ordering::SeqCst);
            Ok(p)
        });
        async move { Ok(stream.boxed()) }.boxed()
    }
}

#[tokio::test]
async fn parts_are_handed_on_as_they_arrive() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let model = Counting {
        n: 200,
        pulled: Arc::clone(&pulled),
    };
    let mut stream = stream_text(&model, Request::prompt("x")).await.unwrap();
    // Open, but nothing read yet.
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    assert!(matches!(
        stream.next().await,
        Some(Ok(StreamPart::TextDelta { text })) if text == "0 "
    ));
    assert_eq!(pulled.load(Ordering::SeqCst), 1);
    stream.next().await.unwrap().unwrap();
    assert_eq!(pulled.load(Ordering::SeqCst), 2);
    let summary = stream.finish().await.unwrap();
    assert_eq!(summary.text.split_whitespace().count(), 200);
    assert_eq!(pulled.load(Ordering::SeqCst), 201);
}

#[tokio::test(start_paused = true)]
async fn stream_text_returns_once_the_stream_is_open() {
    // The provider's stream is open but sends nothing: `stream_text` returns
    // anyway, and the timeout strikes in band.
    let model = MockLanguageModel::new().with_turn(MockTurn::StreamThenHang(Vec::new()));
    let mut stream = stream_text(&model, Request::prompt("x").timeout(Duration::from_secs(2)))
        .now_or_never()
        .expect("returned without waiting for a part")
        .unwrap();
    assert_eq!(model.open_streams(), 1);
    let err = stream.next().await.unwrap().unwrap_err();
    assert!(err.is_timeout());
    assert!(stream.next().await.is_none());
    assert_eq!(model.open_streams(), 0);

    // A timeout before the stream is open still comes from `stream_text`.
    let model = MockLanguageModel::new().with_turn(MockTurn::Delayed(
        Duration::from_secs(10),
        Box::new(MockTurn::StreamThenHang(Vec::new())),
    ));
    let err = stream_text(&model, Request::prompt("x").timeout(Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert!(err.is_timeout());
}

#[tokio::test(start_paused = true)]
async fn cancelling_mid_stream_ends_it_with_an_error() {
    let token = CancellationToken::new();
    let model =
        MockLanguageModel::new().with_turn(MockTurn::StreamThenHang(vec![StreamPart::TextDelta {
            text: "a".into(),
        }]));
    let mut stream = stream_text(&model, Request::prompt("x").cancel_token(token.clone()))
        .await
        .unwrap();
    assert!(matches!(
        stream.next().await,
        Some(Ok(StreamPart::TextDelta { .. }))
    ));
    let canceller = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        token.cancel();
    };
    let (item, ()) = tokio::join!(stream.next(), canceller);
    assert!(item.unwrap().unwrap_err().is_cancelled());
    assert_eq!(model.open_streams(), 0);
    assert!(stream.next().await.is_none());
    assert!(stream.finish().await.unwrap_err().is_cancelled());

    // Already cancelled: nothing starts.
    let model = MockLanguageModel::new().with_text("never");
    let err = stream_text(&model, Request::prompt("x").cancel_token(token))
        .await
        .unwrap_err();
    assert!(err.is_cancelled());
    assert!(model.requests().is_empty());
}

#[tokio::test(start_paused = true)]
async fn stream_object_times_out_after_open() {
    #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
    struct Named {
        #[allow(dead_code)]
        name: String,
    }
    let model = MockLanguageModel::new()
        .with_capabilities(Capabilities::default().with_structured_output(true))
        .with_turn(MockTurn::StreamThenHang(vec![StreamPart::TextDelta {
            text: r#"{"name": "A"#.into(),
        }]));
    let mut stream =
        stream_object::<Named, _>(&model, Request::prompt("x").timeout(Duration::from_secs(2)))
            .await
            .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap(), json!({"name": "A"}));
    assert!(stream.next().await.unwrap().unwrap_err().is_timeout());
    assert!(stream.next().await.is_none());
    assert_eq!(model.open_streams(), 0);
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct CityArgs {
    city: String,
}

fn weather_tool() -> Tool {
    Tool::typed("weather", "Weather for a city", |a: CityArgs| async move {
        Ok::<_, String>(format!("sunny in {}", a.city))
    })
}

fn script() -> MockLanguageModel {
    MockLanguageModel::new()
        .with_tool_calls([
            ("c1", "weather", json!({"city": "Oslo"})),
            ("c2", "weather", json!({"city": "Rome"})),
        ])
        .with_tool_calls([("c3", "weather", json!({"city": "Lima"}))])
        .with_text("All sunny.")
}

#[tokio::test]
async fn streamed_tool_loop_sums_up_like_generate_text() {
    let stop_checks = Arc::new(AtomicUsize::new(0));
    let request = || {
        let checks = Arc::clone(&stop_checks);
        Request::prompt("weather")
            .tool(weather_tool())
            .max_steps(5)
            .stop_when(StopCondition::custom(move |_| {
                checks.fetch_add(1, Ordering::SeqCst);
                false
            }))
    };
    let generated_model = script();
    let generated = generate_text(&generated_model, request()).await.unwrap();
    assert_eq!(stop_checks.swap(0, Ordering::SeqCst), 2);
    let streamed_model = script();
    let stream = stream_text(&streamed_model, request()).await.unwrap();
    let mut parts = Vec::new();
    let mut stream = stream;
    while let Some(p) = stream.next().await {
        parts.push(p.unwrap());
    }
    let streamed = stream.finish().await.unwrap();
    assert_eq!(stop_checks.load(Ordering::SeqCst), 2);
    assert_eq!(streamed.steps.len(), 3);
    assert_eq!(streamed.text, "All sunny.");
    assert_eq!(streamed.tool_results.len(), 3);
    assert_eq!(streamed.messages, generated.messages);
    assert_eq!(streamed.usage, generated.usage);
    assert_eq!(
        generated_model.requests().last().unwrap().messages,
        streamed_model.requests().last().unwrap().messages
    );
    // Per step: calls, then results, then the step's end; one final finish.
    let kinds: Vec<&str> = parts
        .iter()
        .filter_map(|p| match p {
            StreamPart::ToolCall { .. } => Some("call"),
            StreamPart::ToolResult { .. } => Some("result"),
            StreamPart::StepFinish { .. } => Some("step"),
            StreamPart::TextDelta { .. } => Some("text"),
            StreamPart::Finish { .. } => Some("finish"),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "call", "call", "result", "result", "step", "call", "result", "step", "text", "step",
            "finish"
        ]
    );
}
