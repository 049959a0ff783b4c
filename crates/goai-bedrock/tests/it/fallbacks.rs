//! The auto-fallback chain, end to end.

use goai_core::{
    LanguageModel, Message, ModelRequest, Request, Tool, Warning, generate_text, stream_text,
};

use super::support::{bedrock, bounded};

fn has_fallback_warning(warnings: &[Warning], what: &str) -> bool {
    warnings
        .iter()
        .any(|w| matches!(w, Warning::Other { message } if message.contains(what)))
}

#[tokio::test]
async fn bare_id_of_a_profile_only_model_falls_back_to_us_profile() {
    let (_emu, b) = bedrock().await;
    let model = b.chat("anthropic.claude-3-5-sonnet-20241022-v2:0");
    let out = bounded(generate_text(&model, Request::prompt("hi").max_tokens(32)))
        .await
        .expect("falls back");
    assert_eq!(
        out.metadata.model.as_deref(),
        Some("us.anthropic.claude-3-5-sonnet-20241022-v2:0")
    );
    assert!(has_fallback_warning(&out.warnings, "us. cross-region"));
    // Never sticky: the model still names the bare id, and the next call starts from it again.
    assert_eq!(
        model.model_id(),
        "anthropic.claude-3-5-sonnet-20241022-v2:0"
    );
    let again = bounded(generate_text(&model, Request::prompt("hi").max_tokens(32)))
        .await
        .expect("falls back again");
    assert!(has_fallback_warning(&again.warnings, "us. cross-region"));
}

#[tokio::test]
async fn too_many_max_tokens_are_dropped() {
    let (_emu, b) = bedrock().await;
    let model = b.chat("anthropic.claude-3-haiku-20240307-v1:0");
    let out = bounded(generate_text(
        &model,
        Request::prompt("hi").max_tokens(1_000_000),
    ))
    .await
    .expect("retried without maxTokens");
    assert!(has_fallback_warning(&out.warnings, "maxTokens"));
}

#[tokio::test]
async fn tools_are_dropped_when_streaming_with_tools_is_unsupported() {
    let (_emu, b) = bedrock().await;
    let model = b.chat("meta.llama3-1-8b-instruct-v1:0");
    let echo = Tool::new(
        "echo",
        "Echoes",
        serde_json::json!({"type": "object", "properties": {}}),
        |v: serde_json::Value| async move { Ok::<_, std::convert::Infallible>(v) },
    );
    let stream = bounded(stream_text(
        &model,
        Request::prompt("hi").tool(echo).max_tokens(64),
    ))
    .await
    .expect("stream opens");
    let out = bounded(stream.finish())
        .await
        .expect("streams without tools");
    assert!(has_fallback_warning(&out.warnings, "drop tools"));
}

#[tokio::test]
async fn prompt_caching_is_dropped_when_unsupported() {
    let (_emu, b) = bedrock().await;
    // The capability table assumes prompt caching for families it does not know; the
    // emulator's throughput model is one of those and rejects cache points.
    let model = b.chat(bedrock_emulator::THROUGHPUT_MODEL_ID);
    let mut req = ModelRequest::default();
    req.system = Some("You are terse.".into());
    req.messages.push(Message::user("hi"));
    req.prompt_caching = true;
    let out = bounded(model.generate(&req))
        .await
        .expect("retried without cache points");
    assert!(has_fallback_warning(&out.warnings, "prompt caching"));
}
