//! generate_text / stream_text, the tool loop, hooks, retries, timeouts and
//! cancellation, all against the scripted mock model.
#![cfg(feature = "testing")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use goai_core::testing::{MockLanguageModel, MockTurn, text_response};
use goai_core::*;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, JsonSchema)]
struct CityArgs {
    city: String,
}

fn weather_tool() -> Tool {
    Tool::typed("weather", "Weather for a city", |a: CityArgs| async move {
        if a.city == "Atlantis" {
            Err(format!("no station in {}", a.city))
        } else {
            Ok(format!("sunny in {}", a.city))
        }
    })
}

fn tool_result_parts(req: &ModelRequest) -> Vec<(String, serde_json::Value, bool)> {
    req.messages
        .iter()
        .filter(|m| m.role == Role::Tool)
        .flat_map(|m| m.content.iter())
        .filter_map(|p| match &p.kind {
            PartKind::ToolResult {
                id,
                output,
                is_error,
                ..
            } => Some((id.clone(), output.clone(), *is_error)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn generate_text_passes_settings_and_returns_text() {
    let model = MockLanguageModel::new().with_text("hello");
    let out = generate_text(
        &model,
        Request::prompt("hi")
            .system("be brief")
            .max_tokens(512)
            .temperature(0.5)
            .stop_sequences(["END"])
            .seed(7),
    )
    .await
    .unwrap();
    assert_eq!(out.text, "hello");
    assert_eq!(out.finish_reason.unified, FinishKind::Stop);
    assert_eq!(out.usage.total_tokens, Some(15));
    assert_eq!(out.steps.len(), 1);
    let req = &model.requests()[0];
    assert_eq!(req.system.as_deref(), Some("be brief"));
    assert_eq!(req.max_output_tokens, Some(512));
    assert_eq!(req.temperature, Some(0.5));
    assert_eq!(req.stop_sequences, vec!["END".to_owned()]);
    assert_eq!(req.seed, Some(7));
    assert_eq!(req.messages[0].text(), "hi");
}

#[tokio::test]
async fn works_through_arc_dyn_and_dyn_ref() {
    let model: Arc<dyn LanguageModel> =
        Arc::new(MockLanguageModel::new().with_text("a").with_text("b"));
    assert_eq!(
        generate_text(&model, Request::prompt("x"))
            .await
            .unwrap()
            .text,
        "a"
    );
    let r: &dyn LanguageModel = &*model;
    assert_eq!(
        generate_text(r, Request::prompt("x")).await.unwrap().text,
        "b"
    );
}

#[tokio::test]
async fn tool_loop_with_parallel_tools_one_failing_and_an_unknown_tool() {
    let mut first = testing::tool_calls_response([
        ("c1", "weather", json!({"city": "Oslo"})),
        ("c2", "weather", json!({"city": "Atlantis"})),
        ("c3", "teleport", json!({})),
    ]);
    first.content.insert(
        0,
        Part::reasoning("I should check the weather", Some("sig-1".into())),
    );
    first.content.insert(1, Part::redacted_reasoning("opaque"));
    let model = MockLanguageModel::new()
        .with_response(first)
        .with_text("Oslo is sunny.");
    let out = generate_text(
        &model,
        Request::prompt("weather?")
            .tool(weather_tool())
            .max_steps(5),
    )
    .await
    .unwrap();

    assert_eq!(out.text, "Oslo is sunny.");
    assert_eq!(out.steps.len(), 2);
    assert_eq!(out.tool_calls.len(), 3);
    assert_eq!(out.usage.input_tokens, Some(20));
    let results: Vec<_> = out
        .tool_results
        .iter()
        .map(|r| (r.id.as_str(), r.is_error))
        .collect();
    assert_eq!(results, vec![("c1", false), ("c2", true), ("c3", true)]);
    assert_eq!(out.tool_results[0].output, json!("sunny in Oslo"));
    assert_eq!(out.tool_results[1].output, json!("no station in Atlantis"));
    assert!(
        out.tool_results[2]
            .output
            .as_str()
            .unwrap()
            .contains("unknown tool `teleport`")
    );

    let requests = model.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].tools[0].name, "weather");
    // The replayed assistant turn keeps its reasoning blocks, signature included.
    let assistant = requests[1]
        .messages
        .iter()
        .find(|m| m.role == Role::Assistant)
        .unwrap();
    assert_eq!(
        assistant.content[0],
        Part::reasoning("I should check the weather", Some("sig-1".into()))
    );
    assert_eq!(assistant.content[1], Part::redacted_reasoning("opaque"));
    assert_eq!(tool_result_parts(&requests[1]).len(), 3);
    assert_eq!(out.messages.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn parallel_tools_run_concurrently() {
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let tool = {
        let barrier = Arc::clone(&barrier);
        Tool::new(
            "wait",
            "waits for the other",
            json!({"type": "object"}),
            move |_| {
                let barrier = Arc::clone(&barrier);
                async move {
                    barrier.wait().await;
                    Ok::<_, String>(json!("done"))
                }
            },
        )
    };
    let model = MockLanguageModel::new()
        .with_tool_calls([("a", "wait", json!({})), ("b", "wait", json!({}))])
        .with_text("ok");
    // Sequential execution would wait forever at the barrier; the paused clock makes the timeout fire at once.
    let out = generate_text(
        &model,
        Request::prompt("go")
            .tool(tool)
            .max_steps(2)
            .timeout(Duration::from_secs(5)),
    )
    .await
    .unwrap();
    assert!(out.tool_results.iter().all(|r| !r.is_error));
}

#[tokio::test]
async fn sequential_tools_run_in_order() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let tool = {
        let log = Arc::clone(&log);
        Tool::new("rec", "records", json!({"type": "object"}), move |input| {
            let log = Arc::clone(&log);
            async move {
                tokio::task::yield_now().await;
                log.lock().unwrap().push(input["n"].as_i64().unwrap());
                Ok::<_, String>(json!(null))
            }
        })
    };
    let model = MockLanguageModel::new()
        .with_tool_calls([
            ("1", "rec", json!({"n": 1})),
            ("2", "rec", json!({"n": 2})),
            ("3", "rec", json!({"n": 3})),
        ])
        .with_text("ok");
    generate_text(
        &model,
        Request::prompt("go")
            .tool(tool)
            .max_steps(2)
            .tool_execution(ToolExecution::Sequential),
    )
    .await
    .unwrap();
    assert_eq!(*log.lock().unwrap(), vec![1, 2, 3]);
}

#[tokio::test]
async fn stop_conditions_and_max_steps() {
    let calls = || testing::tool_calls_response([("c", "weather", json!({"city": "Oslo"}))]);
    // has_tool_call stops after the first step even though more steps are allowed.
    let model = MockLanguageModel::new()
        .with_response(calls())
        .with_text("unused");
    let out = generate_text(
        &model,
        Request::prompt("x")
            .tool(weather_tool())
            .max_steps(10)
            .stop_when(StopCondition::has_tool_call("weather")),
    )
    .await
    .unwrap();
    assert_eq!(out.steps.len(), 1);
    assert_eq!(model.remaining(), 1);

    // step_count_is(2) stops after two tool steps.
    let model = MockLanguageModel::new()
        .with_response(calls())
        .with_response(calls())
        .with_response(calls());
    let out = generate_text(
        &model,
        Request::prompt("x")
            .tool(weather_tool())
            .max_steps(10)
            .stop_when(StopCondition::step_count_is(2)),
    )
    .await
    .unwrap();
    assert_eq!(out.steps.len(), 2);

    // max_steps bounds the loop; the tools of the last step still run.
    let model = MockLanguageModel::new()
        .with_response(calls())
        .with_response(calls())
        .with_response(calls());
    let out = generate_text(
        &model,
        Request::prompt("x").tool(weather_tool()).max_steps(2),
    )
    .await
    .unwrap();
    assert_eq!(out.steps.len(), 2);
    assert_eq!(out.tool_results.len(), 2);
    assert_eq!(out.finish_reason.unified, FinishKind::ToolCalls);
}

#[tokio::test]
async fn hooks_observe_skip_and_rewrite() {
    let counts = Arc::new([(); 5].map(|()| AtomicUsize::new(0)));
    let c = |i: usize| {
        let counts = Arc::clone(&counts);
        move || {
            counts[i].fetch_add(1, Ordering::SeqCst);
        }
    };
    let (on_req, on_resp, on_step, on_start, on_finish) = (c(0), c(1), c(2), c(3), c(4));
    let hooks = Hooks::new()
        .on_request(move |_| on_req())
        .on_response(move |_| on_resp())
        .on_step_finish(move |_| on_step())
        .on_tool_call_start(move |_| on_start())
        .on_tool_call_finish(move |_, _, _| on_finish())
        .before_tool(|call| match call.id.as_str() {
            "skip" => BeforeTool::Skip(ToolResult::error(call, "denied by policy")),
            "rewrite" => {
                let mut c = call.clone();
                c.input = json!({"city": "Bergen"});
                c.id = "changed".into();
                BeforeTool::Rewrite(c)
            }
            _ => BeforeTool::Run,
        })
        .after_tool(|_, mut r| {
            if let Some(s) = r.output.as_str() {
                r.output = json!(s.to_uppercase());
            }
            r
        });
    let model = MockLanguageModel::new()
        .with_tool_calls([
            ("skip", "weather", json!({"city": "Oslo"})),
            ("rewrite", "weather", json!({"city": "Oslo"})),
        ])
        .with_text("done");
    let out = generate_text(
        &model,
        Request::prompt("x")
            .tool(weather_tool())
            .max_steps(2)
            .hooks(hooks),
    )
    .await
    .unwrap();
    assert_eq!(out.tool_results[0].output, json!("denied by policy"));
    assert!(out.tool_results[0].is_error);
    assert_eq!(
        out.tool_results[1].id, "rewrite",
        "the model's call id is kept"
    );
    assert_eq!(out.tool_results[1].output, json!("SUNNY IN BERGEN"));
    let got: Vec<usize> = counts.iter().map(|a| a.load(Ordering::SeqCst)).collect();
    assert_eq!(got, vec![2, 2, 2, 1, 1]);
}

#[tokio::test(start_paused = true)]
async fn retries_back_off_and_honour_retry_after() {
    let mut h = Headers::new();
    h.insert("retry-after-ms", "1500");
    let model = MockLanguageModel::new()
        .with_error(ApiError::new(503, "busy"))
        .with_error(ApiError::new(429, "slow down").with_headers(h))
        .with_text("finally");
    let start = tokio::time::Instant::now();
    let policy = RetryPolicy::default()
        .jitter(false)
        .initial_backoff(Duration::from_millis(200));
    let out = generate_text(&model, Request::prompt("x").retry(policy))
        .await
        .unwrap();
    assert_eq!(out.text, "finally");
    assert_eq!(model.requests().len(), 3);
    // 200 ms backoff, then the server's 1.5 s.
    assert_eq!(start.elapsed(), Duration::from_millis(1700));
}

#[tokio::test(start_paused = true)]
async fn retries_exhausted_keep_every_attempt() {
    let model = MockLanguageModel::new()
        .with_error(ApiError::new(500, "a"))
        .with_error(ApiError::new(502, "b"))
        .with_error(ApiError::new(503, "c"));
    let err = generate_text(&model, Request::prompt("x").max_retries(2))
        .await
        .unwrap_err();
    let bodies: Vec<_> = err
        .attempts()
        .iter()
        .map(|e| e.as_api().unwrap().body.clone())
        .collect();
    assert_eq!(bodies, vec!["a", "b", "c"]);
    assert!(matches!(err, Error::RetriesExhausted { .. }));
}

#[tokio::test(start_paused = true)]
async fn non_retryable_errors_are_not_retried() {
    let model = MockLanguageModel::new()
        .with_error(ApiError::new(400, "bad"))
        .with_text("unused");
    let err = generate_text(&model, Request::prompt("x"))
        .await
        .unwrap_err();
    assert_eq!(err.as_api().unwrap().status, 400);
    assert!(matches!(err, Error::Api(_)));
    assert_eq!(model.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn timeout_and_cancellation() {
    let model = MockLanguageModel::new().with_turn(MockTurn::Delayed(
        Duration::from_secs(30),
        Box::new(MockTurn::Response(Box::new(text_response("late")))),
    ));
    let err = generate_text(
        &model,
        Request::prompt("x").timeout(Duration::from_secs(10)),
    )
    .await
    .unwrap_err();
    assert!(err.is_timeout());

    let model = MockLanguageModel::new().with_turn(MockTurn::Delayed(
        Duration::from_secs(30),
        Box::new(MockTurn::Response(Box::new(text_response("late")))),
    ));
    let token = CancellationToken::new();
    let canceller = {
        let token = token.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            token.cancel();
        }
    };
    let (res, ()) = tokio::join!(
        generate_text(&model, Request::prompt("x").cancel_token(token)),
        canceller
    );
    assert!(res.unwrap_err().is_cancelled());
}

#[tokio::test]
async fn stream_text_yields_parts_and_summary() {
    let model = MockLanguageModel::new().with_stream([
        StreamPart::ResponseMetadata(ResponseMetadata::default()),
        StreamPart::ReasoningDelta {
            text: "hmm".into(),
            signature: None,
        },
        StreamPart::ReasoningSignature {
            signature: "s".into(),
        },
        StreamPart::TextDelta { text: "Hel".into() },
        StreamPart::TextDelta { text: "lo".into() },
        StreamPart::Finish {
            finish_reason: FinishReason::new(FinishKind::Stop, "end_turn"),
            usage: Usage::new(3, 2),
            provider_metadata: ProviderMetadata::new(),
        },
    ]);
    let mut stream = stream_text(&model, Request::prompt("hi")).await.unwrap();
    let mut parts = Vec::new();
    while let Some(p) = stream.next().await {
        parts.push(p.unwrap());
    }
    assert!(matches!(parts[0], StreamPart::ResponseMetadata(_)));
    assert!(matches!(
        parts[parts.len() - 2],
        StreamPart::StepFinish { step: 0, .. }
    ));
    assert!(
        matches!(&parts[parts.len() - 1], StreamPart::Finish { usage, .. } if usage.output_tokens == Some(2))
    );
    let summary = stream.finish().await.unwrap();
    assert_eq!(summary.text, "Hello");
    assert_eq!(summary.reasoning, "hmm");
    assert_eq!(summary.content[0], Part::reasoning("hmm", Some("s".into())));
}

#[tokio::test]
async fn stream_text_runs_the_tool_loop() {
    let model = MockLanguageModel::new()
        .with_stream([
            StreamPart::ToolCallStart {
                id: "c1".into(),
                name: "weather".into(),
            },
            StreamPart::ToolCallDelta {
                id: "c1".into(),
                input_delta: "{\"city\":".into(),
            },
            StreamPart::ToolCallDelta {
                id: "c1".into(),
                input_delta: "\"Oslo\"}".into(),
            },
            StreamPart::Finish {
                finish_reason: FinishReason::new(FinishKind::ToolCalls, "tool_use"),
                usage: Usage::new(1, 1),
                provider_metadata: ProviderMetadata::new(),
            },
        ])
        .with_text("Sunny.");
    let stream = stream_text(
        &model,
        Request::prompt("x").tool(weather_tool()).max_steps(3),
    )
    .await
    .unwrap();
    let parts: Vec<StreamPart> = stream.map(Result::unwrap).collect().await;
    let result = parts.iter().find_map(|p| match p {
        StreamPart::ToolResult {
            output, is_error, ..
        } => Some((output.clone(), *is_error)),
        _ => None,
    });
    assert_eq!(result, Some((json!("sunny in Oslo"), false)));
    // The complete call is synthesized from the deltas.
    assert!(parts.iter().any(
        |p| matches!(p, StreamPart::ToolCall { input, .. } if *input == json!({"city": "Oslo"}))
    ));
    assert_eq!(
        parts
            .iter()
            .filter(|p| matches!(p, StreamPart::StepFinish { .. }))
            .count(),
        2
    );
    assert_eq!(
        parts
            .iter()
            .filter(|p| matches!(p, StreamPart::Finish { .. }))
            .count(),
        1
    );
    let text = stream_text(
        &MockLanguageModel::new().with_text("a b"),
        Request::prompt("x"),
    )
    .await
    .unwrap()
    .text_stream()
    .map(Result::unwrap)
    .collect::<String>()
    .await;
    assert_eq!(text, "a b");
}

#[tokio::test]
async fn stream_errors_surface_early_or_in_band() {
    let model = MockLanguageModel::new().with_error(ApiError::new(403, "denied"));
    let err = stream_text(&model, Request::prompt("x")).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().status, 403);

    let model = MockLanguageModel::new().with_turn(MockTurn::Stream(vec![
        Ok(StreamPart::TextDelta { text: "par".into() }),
        Err(Error::stream("connection reset")),
    ]));
    let mut stream = stream_text(&model, Request::prompt("x")).await.unwrap();
    assert!(matches!(
        stream.next().await,
        Some(Ok(StreamPart::TextDelta { .. }))
    ));
    assert!(matches!(
        stream.next().await,
        Some(Err(Error::Stream { .. }))
    ));
    assert!(stream.next().await.is_none());

    // A stream that ends without its finish part is an error, not a silent end.
    let model =
        MockLanguageModel::new().with_stream([StreamPart::TextDelta { text: "cut".into() }]);
    let err = stream_text(&model, Request::prompt("x"))
        .await
        .unwrap()
        .finish()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Stream { .. }));
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stream_cancels_it() {
    let model =
        MockLanguageModel::new().with_turn(MockTurn::StreamThenHang(vec![StreamPart::TextDelta {
            text: "a".into(),
        }]));
    let mut stream = stream_text(&model, Request::prompt("x")).await.unwrap();
    assert!(matches!(
        stream.next().await,
        Some(Ok(StreamPart::TextDelta { .. }))
    ));
    assert_eq!(model.open_streams(), 1);
    drop(stream);
    assert_eq!(model.open_streams(), 0);

    // And a stream under a timeout ends with a timeout error.
    let model =
        MockLanguageModel::new().with_turn(MockTurn::StreamThenHang(vec![StreamPart::TextDelta {
            text: "a".into(),
        }]));
    let stream = stream_text(&model, Request::prompt("x").timeout(Duration::from_secs(3)))
        .await
        .unwrap();
    assert!(stream.finish().await.unwrap_err().is_timeout());
    assert_eq!(model.open_streams(), 0);
}

#[tokio::test(start_paused = true)]
async fn stream_start_is_retried_and_hooks_run_when_streaming() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let hooks = {
        let seen = Arc::clone(&seen);
        Hooks::new().on_tool_call_finish(move |call, result, _| {
            seen.lock()
                .unwrap()
                .push((call.id.clone(), result.is_error))
        })
    };
    let model = MockLanguageModel::new()
        .with_error(ApiError::new(503, "busy"))
        .with_tool_calls([("c1", "weather", json!({"city": "Atlantis"}))])
        .with_text("no station");
    let summary = stream_text(
        &model,
        Request::prompt("x")
            .tool(weather_tool())
            .max_steps(2)
            .hooks(hooks),
    )
    .await
    .unwrap()
    .finish()
    .await
    .unwrap();
    assert_eq!(summary.text, "no station");
    assert_eq!(summary.steps.len(), 2);
    assert_eq!(model.requests().len(), 3);
    assert_eq!(*seen.lock().unwrap(), vec![("c1".to_owned(), true)]);
}

/// The top-level futures and streams can be spawned on a multi-threaded runtime, for a model
/// used directly, by reference, boxed as `dyn`, or shared in an `Arc`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn futures_and_streams_are_send_for_every_way_of_holding_a_model() {
    let model = Arc::new(MockLanguageModel::new().with_text("one").with_text("two"));
    let shared = Arc::clone(&model);
    let text = tokio::spawn(async move {
        generate_text(&shared, Request::prompt("a"))
            .await
            .map(|r| r.text)
    });
    assert_eq!(text.await.expect("joins").expect("generates"), "one");
    let boxed: Box<dyn LanguageModel> = Box::new(Arc::clone(&model));
    let streamed = tokio::spawn(async move {
        let mut stream = stream_text(&*boxed, Request::prompt("b")).await?;
        let mut text = String::new();
        while let Some(part) = stream.next().await {
            if let StreamPart::TextDelta { text: t } = part? {
                text.push_str(&t);
            }
        }
        Ok::<_, Error>(text)
    });
    assert_eq!(streamed.await.expect("joins").expect("streams"), "two");
}

/// Like an `async fn`, `generate_text` and `stream_text` do nothing until polled: building the
/// futures outside any runtime (with a timeout, which needs the runtime's timer) must not panic,
/// and the timeout counts from the first poll.
#[test]
fn futures_start_at_their_first_poll() {
    let model = MockLanguageModel::new()
        .with_text("hello")
        .with_text("hello");
    let generating = generate_text(
        &model,
        Request::prompt("x").timeout(Duration::from_millis(200)),
    );
    let streaming = stream_text(
        &model,
        Request::prompt("x").timeout(Duration::from_millis(200)),
    );
    // Longer than the timeout: a deadline taken when the futures were built would have passed.
    std::thread::sleep(Duration::from_millis(300));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let generated = rt.block_on(generating).unwrap();
    assert_eq!(generated.text, "hello");
    let streamed = rt.block_on(async {
        let mut stream = streaming.await?;
        let mut text = String::new();
        while let Some(part) = stream.next().await {
            if let StreamPart::TextDelta { text: t } = part? {
                text.push_str(&t);
            }
        }
        Ok::<_, Error>(text)
    });
    assert_eq!(streamed.unwrap(), "hello");
}
