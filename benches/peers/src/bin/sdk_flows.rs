//! The basic Bedrock Runtime flows driven by the official AWS SDK for Rust
//! (`aws-sdk-bedrockruntime` + `aws-config`) against `bedrock-emulator`, asserting what the SDK
//! reports. The Rust counterpart of `crates/bedrock-emulator/conformance/boto3_conformance.py`.
//!
//! ```sh
//! cd benches/peers && cargo run --release --bin sdk_flows                 # in-process emulator
//! cd benches/peers && cargo run --release --bin sdk_flows -- --endpoint http://127.0.0.1:PORT
//! ```
//!
//! Each check prints `ok   NAME` or `FAIL NAME: why`; the process exits non-zero if any fails.
//! When the SDK rejects something the emulator sends, that is an emulator bug: the checks never
//! bend the SDK's configuration to accept it.

use std::collections::HashMap;
use std::process::ExitCode;

use aws_sdk_bedrockruntime::Client;
use aws_sdk_bedrockruntime::config::retry::RetryConfig;
use aws_sdk_bedrockruntime::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_bedrockruntime::operation::converse_stream::ConverseStreamOutput as StreamResponse;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ContentBlockDelta, ContentBlockStart, ConversationRole, ConverseStreamOutput,
    ConverseTokensRequest, CountTokensInput, InferenceConfiguration, Message, StopReason, Tool,
    ToolConfiguration, ToolInputSchema, ToolResultBlock, ToolResultContentBlock, ToolSpecification,
    ToolUseBlock,
};
use aws_smithy_types::Document;

const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";
const SONNET4_PROFILE: &str = "us.anthropic.claude-sonnet-4-20250514-v1:0";

type Check = Result<(), String>;

fn expect(condition: bool, message: impl FnOnce() -> String) -> Check {
    if condition { Ok(()) } else { Err(message()) }
}

/// A client with the emulator's credentials, `attempts` attempts per call, and an
/// `x-emulator-fault` header on every request when `fault` is set (added by an interceptor-style
/// `mutate_request` on each call below; here via the config's interceptor).
async fn client(endpoint: &str, secret: &str, fault: Option<&str>, attempts: u32) -> Client {
    let credentials = aws_credential_types::Credentials::new(
        bedrock_emulator::DEFAULT_ACCESS_KEY_ID,
        secret,
        None,
        None,
        "sdk-flows",
    );
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(bedrock_emulator::DEFAULT_REGION))
        .credentials_provider(credentials)
        .endpoint_url(endpoint)
        .retry_config(RetryConfig::standard().with_max_attempts(attempts))
        .load()
        .await;
    let mut builder = aws_sdk_bedrockruntime::config::Builder::from(&config);
    if let Some(fault) = fault {
        builder = builder.interceptor(FaultHeader(fault.to_owned()));
    }
    Client::from_conf(builder.build())
}

/// Adds `x-emulator-fault` before signing, the way a user adds any custom header.
#[derive(Debug)]
struct FaultHeader(String);

impl aws_sdk_bedrockruntime::config::Intercept for FaultHeader {
    fn name(&self) -> &'static str {
        "FaultHeader"
    }

    fn modify_before_signing(
        &self,
        context: &mut aws_sdk_bedrockruntime::config::interceptors::BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &aws_sdk_bedrockruntime::config::RuntimeComponents,
        _cfg: &mut aws_sdk_bedrockruntime::config::ConfigBag,
    ) -> Result<(), aws_sdk_bedrockruntime::error::BoxError> {
        context
            .request_mut()
            .headers_mut()
            .insert(bedrock_emulator::FAULT_HEADER, self.0.clone());
        Ok(())
    }
}

fn user(text: &str) -> Message {
    Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(text.to_owned()))
        .build()
        .expect("valid message")
}

fn to_document(value: &serde_json::Value) -> Document {
    use serde_json::Value;
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Document::Number(aws_smithy_types::Number::PosInt(u))
            } else if let Some(i) = n.as_i64() {
                Document::Number(aws_smithy_types::Number::NegInt(i))
            } else {
                Document::Number(aws_smithy_types::Number::Float(n.as_f64().unwrap_or(0.0)))
            }
        }
        Value::String(s) => Document::String(s.clone()),
        Value::Array(a) => Document::Array(a.iter().map(to_document).collect()),
        Value::Object(o) => Document::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), to_document(v)))
                .collect::<HashMap<_, _>>(),
        ),
    }
}

fn weather_tools() -> ToolConfiguration {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}
        },
        "required": ["city"]
    });
    let spec = ToolSpecification::builder()
        .name("get_weather")
        .description("Current weather for a city.")
        .input_schema(ToolInputSchema::Json(to_document(&schema)))
        .build()
        .expect("valid tool");
    ToolConfiguration::builder()
        .tools(Tool::ToolSpec(spec))
        .build()
        .expect("valid tool config")
}

/// What a drained stream carried.
#[derive(Debug, Default)]
struct Collected {
    deltas: usize,
    text: String,
    reasoning: String,
    signatures: usize,
    /// (index, id, name, input JSON text)
    tools: Vec<(i32, String, String, String)>,
    stop: Option<StopReason>,
    usage: Option<(i32, i32, i32)>,
}

async fn collect(mut response: StreamResponse) -> Result<Collected, String> {
    let mut out = Collected::default();
    loop {
        let event = response
            .stream
            .recv()
            .await
            .map_err(|e| format!("stream error: {}", DisplayErrorContext(e)))?;
        let Some(event) = event else { break };
        match event {
            ConverseStreamOutput::ContentBlockStart(start) => {
                if let Some(ContentBlockStart::ToolUse(tool)) = start.start() {
                    out.tools.push((
                        start.content_block_index(),
                        tool.tool_use_id().to_owned(),
                        tool.name().to_owned(),
                        String::new(),
                    ));
                }
            }
            ConverseStreamOutput::ContentBlockDelta(delta) => {
                out.deltas += 1;
                let index = delta.content_block_index();
                match delta.delta() {
                    Some(ContentBlockDelta::Text(text)) => out.text.push_str(text),
                    Some(ContentBlockDelta::ToolUse(tool)) => {
                        let entry =
                            out.tools.iter_mut().find(|t| t.0 == index).ok_or_else(|| {
                                format!("toolUse delta for unknown block {index}")
                            })?;
                        entry.3.push_str(tool.input());
                    }
                    Some(ContentBlockDelta::ReasoningContent(r)) => {
                        if let Ok(text) = r.as_text() {
                            out.reasoning.push_str(text);
                        }
                        if r.is_signature() {
                            out.signatures += 1;
                        }
                    }
                    _ => {}
                }
            }
            ConverseStreamOutput::MessageStop(stop) => out.stop = Some(stop.stop_reason().clone()),
            ConverseStreamOutput::Metadata(meta) => {
                out.usage = meta
                    .usage()
                    .map(|u| (u.input_tokens(), u.output_tokens(), u.total_tokens()));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Asserts an error's code (from `x-amzn-ErrorType`), HTTP status and message fragment.
fn expect_error<E, R>(
    result: Result<impl std::fmt::Debug, SdkError<E, R>>,
    code: &str,
    status: Option<u16>,
    message_part: Option<&str>,
) -> Check
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + HasStatus,
{
    let error = match result {
        Ok(v) => return Err(format!("expected {code}, but the call succeeded: {v:?}")),
        Err(e) => e,
    };
    let got = error.code().unwrap_or("<none>").to_owned();
    let message = error.message().unwrap_or("").to_owned();
    let got_status = error.raw_response().map(HasStatus::status);
    let shown = format!("{}", DisplayErrorContext(&error));
    expect(got == code, || {
        format!("expected {code}, got {got}: {shown}")
    })?;
    if let Some(status) = status {
        expect(got_status == Some(status), || {
            format!("expected HTTP {status}, got {got_status:?}")
        })?;
    }
    if let Some(part) = message_part {
        expect(message.contains(part), || {
            format!("message {message:?} lacks {part:?}")
        })?;
    }
    Ok(())
}

/// The HTTP status of a raw response.
trait HasStatus {
    fn status(&self) -> u16;
}

impl HasStatus for aws_smithy_runtime_api::http::Response {
    fn status(&self) -> u16 {
        self.status().as_u16()
    }
}

async fn check_converse(endpoint: &str) -> Check {
    let out = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        None,
        1,
    )
    .await
    .converse()
    .model_id(HAIKU)
    .messages(user("What is the capital of France?"))
    .inference_config(InferenceConfiguration::builder().max_tokens(200).build())
    .send()
    .await
    .map_err(|e| format!("{}", DisplayErrorContext(e)))?;
    let text = out
        .output()
        .and_then(|o| o.as_message().ok())
        .and_then(|m| m.content().first())
        .and_then(|b| b.as_text().ok())
        .cloned()
        .unwrap_or_default();
    expect(text.contains("capital of France"), || {
        format!("unexpected answer {text:?}")
    })?;
    expect(*out.stop_reason() == StopReason::EndTurn, || {
        format!("stop {:?}", out.stop_reason())
    })?;
    let usage = out.usage().ok_or("no usage")?;
    expect(
        usage.total_tokens() == usage.input_tokens() + usage.output_tokens(),
        || format!("usage {usage:?}"),
    )?;
    let latency = out.metrics().map(|m| m.latency_ms()).unwrap_or(-1);
    expect(latency >= 0, || "no metrics.latencyMs".into())
}

async fn check_stream_text(endpoint: &str) -> Check {
    let response = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        None,
        1,
    )
    .await
    .converse_stream()
    .model_id(HAIKU)
    .messages(user("echo: one two three four"))
    .send()
    .await
    .map_err(|e| format!("{}", DisplayErrorContext(e)))?;
    let got = collect(response).await?;
    expect(got.text == "one two three four", || {
        format!("text {:?}", got.text)
    })?;
    expect(got.deltas >= 3, || format!("only {} deltas", got.deltas))?;
    expect(got.stop == Some(StopReason::EndTurn), || {
        format!("stop {:?}", got.stop)
    })?;
    let (input, output, total) = got.usage.ok_or("no metadata usage")?;
    expect(
        output as usize == got.deltas && total == input + output,
        || format!("usage {:?} for {} deltas", got.usage, got.deltas),
    )
}

async fn check_stream_tools(endpoint: &str) -> Check {
    let c = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        None,
        1,
    )
    .await;
    let first = user("Please call get_weather for Paris");
    let response = c
        .converse_stream()
        .model_id(HAIKU)
        .messages(first.clone())
        .tool_config(weather_tools())
        .send()
        .await
        .map_err(|e| format!("{}", DisplayErrorContext(e)))?;
    let got = collect(response).await?;
    expect(got.stop == Some(StopReason::ToolUse), || {
        format!("stop {:?}", got.stop)
    })?;
    expect(got.tools.len() == 1, || format!("tools {:?}", got.tools))?;
    let (_, id, name, input) = &got.tools[0];
    let input: serde_json::Value =
        serde_json::from_str(input).map_err(|e| format!("tool input {input:?}: {e}"))?;
    expect(name == "get_weather" && input.get("city").is_some(), || {
        format!("tool {name} {input}")
    })?;

    let mut assistant = Message::builder().role(ConversationRole::Assistant);
    if !got.text.is_empty() {
        assistant = assistant.content(ContentBlock::Text(got.text.clone()));
    }
    let assistant = assistant
        .content(ContentBlock::ToolUse(
            ToolUseBlock::builder()
                .tool_use_id(id)
                .name(name)
                .input(to_document(&input))
                .build()
                .map_err(|e| e.to_string())?,
        ))
        .build()
        .map_err(|e| e.to_string())?;
    let result = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::ToolResult(
            ToolResultBlock::builder()
                .tool_use_id(id)
                .content(ToolResultContentBlock::Text("sunny, 21C".into()))
                .build()
                .map_err(|e| e.to_string())?,
        ))
        .build()
        .map_err(|e| e.to_string())?;
    let response = c
        .converse_stream()
        .model_id(HAIKU)
        .messages(first)
        .messages(assistant)
        .messages(result)
        .tool_config(weather_tools())
        .send()
        .await
        .map_err(|e| format!("{}", DisplayErrorContext(e)))?;
    let got = collect(response).await?;
    expect(got.stop == Some(StopReason::EndTurn), || {
        format!("stop {:?}", got.stop)
    })?;
    expect(got.text.contains("sunny, 21C"), || {
        format!("answer {:?}", got.text)
    })
}

async fn check_stream_reasoning(endpoint: &str) -> Check {
    let thinking = serde_json::json!({"thinking": {"type": "enabled", "budget_tokens": 1024}});
    let response = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        None,
        1,
    )
    .await
    .converse_stream()
    .model_id(SONNET4_PROFILE)
    .messages(user("Think, then answer."))
    .inference_config(InferenceConfiguration::builder().max_tokens(4096).build())
    .additional_model_request_fields(to_document(&thinking))
    .send()
    .await
    .map_err(|e| format!("{}", DisplayErrorContext(e)))?;
    let got = collect(response).await?;
    expect(!got.reasoning.is_empty(), || "no reasoning text".into())?;
    expect(got.signatures == 1, || {
        format!("{} signatures", got.signatures)
    })?;
    expect(!got.text.is_empty(), || "no answer text".into())?;
    expect(got.stop == Some(StopReason::EndTurn), || {
        format!("stop {:?}", got.stop)
    })
}

async fn check_count_tokens(endpoint: &str) -> Check {
    let c = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        None,
        1,
    )
    .await;
    let message = user("How many tokens is this?");
    let counted = c
        .count_tokens()
        .model_id(HAIKU)
        .input(CountTokensInput::Converse(
            ConverseTokensRequest::builder()
                .messages(message.clone())
                .build(),
        ))
        .send()
        .await
        .map_err(|e| format!("{}", DisplayErrorContext(e)))?
        .input_tokens();
    let used = c
        .converse()
        .model_id(HAIKU)
        .messages(message)
        .send()
        .await
        .map_err(|e| format!("{}", DisplayErrorContext(e)))?
        .usage()
        .map(|u| u.input_tokens())
        .unwrap_or(-1);
    expect(counted > 0 && counted == used, || {
        format!("count_tokens {counted} vs converse {used}")
    })
}

async fn check_bad_signature(endpoint: &str) -> Check {
    let result = client(endpoint, "not-the-right-secret", None, 1)
        .await
        .converse()
        .model_id(HAIKU)
        .messages(user("hi"))
        .send()
        .await;
    expect_error(
        result,
        "InvalidSignatureException",
        Some(403),
        Some("The request signature we calculated does not match the signature you provided."),
    )
}

async fn check_bad_signature_stream(endpoint: &str) -> Check {
    let result = client(endpoint, "not-the-right-secret", None, 1)
        .await
        .converse_stream()
        .model_id(HAIKU)
        .messages(user("hi"))
        .send()
        .await;
    expect_error(result, "InvalidSignatureException", Some(403), None)
}

async fn check_unknown_model(endpoint: &str) -> Check {
    let result = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        None,
        1,
    )
    .await
    .converse()
    .model_id("anthropic.claude-does-not-exist-v1:0")
    .messages(user("hi"))
    .send()
    .await;
    let result = match result {
        Err(e) => {
            // The typed variant, not just the code.
            let typed = e
                .as_service_error()
                .map(|s| s.is_validation_exception())
                .unwrap_or(false);
            expect(typed, || "not a typed ValidationException".into())?;
            Err(e)
        }
        ok => ok,
    };
    expect_error(
        result,
        "ValidationException",
        Some(400),
        Some("The provided model identifier is invalid."),
    )
}

async fn check_throttling(endpoint: &str) -> Check {
    let result = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        Some("throttling"),
        1,
    )
    .await
    .converse()
    .model_id(HAIKU)
    .messages(user("hi"))
    .send()
    .await;
    let typed = matches!(&result, Err(e) if e.as_service_error().map(|s| s.is_throttling_exception()).unwrap_or(false));
    expect_error(result, "ThrottlingException", Some(429), None)?;
    expect(typed, || "not a typed ThrottlingException".into())
}

async fn check_throttling_stream(endpoint: &str) -> Check {
    let result = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        Some("throttling"),
        1,
    )
    .await
    .converse_stream()
    .model_id(HAIKU)
    .messages(user("hi"))
    .send()
    .await;
    expect_error(result, "ThrottlingException", Some(429), None)
}

async fn check_fail_times_retried(endpoint: &str) -> Check {
    // The SDK keeps one amz-sdk-invocation-id across the attempts of a call: the first two are
    // throttled, the third succeeds.
    client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        Some("fail-times:2:throttling"),
        3,
    )
    .await
    .converse()
    .model_id(HAIKU)
    .messages(user("hi"))
    .send()
    .await
    .map(drop)
    .map_err(|e| format!("not retried to success: {}", DisplayErrorContext(e)))
}

async fn check_mid_stream_exception(endpoint: &str) -> Check {
    let mut response = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        Some("stream-exception:modelStreamErrorException"),
        1,
    )
    .await
    .converse_stream()
    .model_id(HAIKU)
    .messages(user("Tell me a long story please"))
    .send()
    .await
    .map_err(|e| format!("{}", DisplayErrorContext(e)))?;
    let mut seen = 0;
    loop {
        match response.stream.recv().await {
            Ok(Some(ConverseStreamOutput::ContentBlockDelta(_))) => seen += 1,
            Ok(Some(_)) => {}
            Ok(None) => return Err("the stream ended without an exception".into()),
            Err(error) => {
                let typed = error
                    .as_service_error()
                    .map(|e| e.is_model_stream_error_exception())
                    .unwrap_or(false);
                expect(typed, || {
                    format!(
                        "expected a typed ModelStreamErrorException, got {}",
                        DisplayErrorContext(&error)
                    )
                })?;
                return expect(seen >= 1, || "no delta before the exception".into());
            }
        }
    }
}

async fn check_stream_throttling_exception(endpoint: &str) -> Check {
    let mut response = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        Some("stream-exception:throttlingException"),
        1,
    )
    .await
    .converse_stream()
    .model_id(HAIKU)
    .messages(user("Tell me a long story please"))
    .send()
    .await
    .map_err(|e| format!("{}", DisplayErrorContext(e)))?;
    loop {
        match response.stream.recv().await {
            Ok(Some(_)) => {}
            Ok(None) => return Err("the stream ended without an exception".into()),
            Err(error) => {
                let typed = error
                    .as_service_error()
                    .map(|e| e.is_throttling_exception())
                    .unwrap_or(false);
                return expect(typed, || {
                    format!(
                        "expected a typed ThrottlingException, got {}",
                        DisplayErrorContext(&error)
                    )
                });
            }
        }
    }
}

async fn check_corrupt_crc(endpoint: &str) -> Check {
    let mut response = client(
        endpoint,
        bedrock_emulator::DEFAULT_SECRET_ACCESS_KEY,
        Some("corrupt-crc"),
        1,
    )
    .await
    .converse_stream()
    .model_id(HAIKU)
    .messages(user("Tell me a long story please"))
    .send()
    .await
    .map_err(|e| format!("{}", DisplayErrorContext(e)))?;
    loop {
        match response.stream.recv().await {
            Ok(Some(_)) => {}
            Ok(None) => return Err("the stream ended cleanly despite a corrupt CRC".into()),
            Err(_) => return Ok(()),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let endpoint_arg = args
        .iter()
        .position(|a| a == "--endpoint")
        .and_then(|i| args.get(i + 1).cloned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let failures = runtime.block_on(async {
        let emulator = match endpoint_arg {
            Some(_) => None,
            None => Some(
                bedrock_emulator::Emulator::builder()
                    .start()
                    .await
                    .expect("emulator starts"),
            ),
        };
        let endpoint = endpoint_arg
            .clone()
            .or_else(|| emulator.as_ref().map(|e| e.url()))
            .expect("an endpoint");
        let e = endpoint.as_str();
        let checks: Vec<(&str, Check)> = vec![
            ("converse", check_converse(e).await),
            ("converse_stream text", check_stream_text(e).await),
            (
                "converse_stream tool use, then tool result",
                check_stream_tools(e).await,
            ),
            ("converse_stream reasoning", check_stream_reasoning(e).await),
            ("count_tokens", check_count_tokens(e).await),
            (
                "bad secret -> 403 InvalidSignatureException (converse)",
                check_bad_signature(e).await,
            ),
            (
                "bad secret -> 403 InvalidSignatureException (converse_stream)",
                check_bad_signature_stream(e).await,
            ),
            (
                "unknown model -> 400 ValidationException",
                check_unknown_model(e).await,
            ),
            (
                "x-emulator-fault: throttling -> 429 ThrottlingException (converse)",
                check_throttling(e).await,
            ),
            (
                "x-emulator-fault: throttling -> 429 ThrottlingException (converse_stream)",
                check_throttling_stream(e).await,
            ),
            (
                "fail-times:2:throttling -> success on the SDK's 3rd attempt",
                check_fail_times_retried(e).await,
            ),
            (
                "mid-stream modelStreamErrorException -> typed stream error",
                check_mid_stream_exception(e).await,
            ),
            (
                "mid-stream throttlingException -> typed stream error",
                check_stream_throttling_exception(e).await,
            ),
            ("corrupt-crc -> stream error", check_corrupt_crc(e).await),
        ];
        let mut failures = 0;
        for (name, result) in &checks {
            match result {
                Ok(()) => println!("ok   {name}"),
                Err(why) => {
                    failures += 1;
                    println!("FAIL {name}: {why}");
                }
            }
        }
        println!("{} passed, {} failed", checks.len() - failures, failures);
        drop(emulator);
        failures
    });
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
