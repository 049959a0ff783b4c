//! CountTokens through the Converse mapping, against the emulator.

use goai_core::{Error, LanguageModel, Message, ModelRequest, ToolDefinition};
use serde_json::json;

use super::support::{bedrock, bounded};

const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn request() -> ModelRequest {
    let mut req = ModelRequest::default();
    req.system = Some("You are terse.".into());
    req.messages
        .push(Message::user("What is the capital of France?"));
    req.messages.push(Message::assistant("Paris."));
    req.messages.push(Message::user("And of Italy?"));
    req
}

#[tokio::test]
async fn counts_what_converse_would_bill() {
    let (_emu, b) = bedrock().await;
    let req = request();
    let counted = bounded(b.count_tokens(HAIKU, &req)).await.expect("counts");
    assert!(counted > 0);
    let answered = bounded(b.chat(HAIKU).generate(&req))
        .await
        .expect("generates");
    assert_eq!(Some(counted), answered.usage.input_tokens);
}

#[tokio::test]
async fn tools_and_system_are_counted() {
    let (_emu, b) = bedrock().await;
    let base = request();
    let counted = bounded(b.count_tokens(HAIKU, &base)).await.expect("counts");
    let mut with_tool = base.clone();
    with_tool.tools.push(ToolDefinition::new(
        "lookup_capital",
        "Looks up the capital of a country",
        json!({"type": "object", "properties": {"country": {"type": "string"}}}),
    ));
    let more = bounded(b.count_tokens(HAIKU, &with_tool))
        .await
        .expect("counts");
    assert!(more > counted, "{more} <= {counted}");
    let mut no_system = base;
    no_system.system = None;
    let fewer = bounded(b.count_tokens(HAIKU, &no_system))
        .await
        .expect("counts");
    assert!(fewer < counted, "{fewer} >= {counted}");
}

#[tokio::test]
async fn profile_ids_are_counted_by_their_bare_id() {
    let (_emu, b) = bedrock().await;
    let req = request();
    let bare = bounded(b.count_tokens(HAIKU, &req)).await.expect("bare");
    let profile = bounded(b.count_tokens(&format!("eu.{HAIKU}"), &req))
        .await
        .expect("profile");
    assert_eq!(bare, profile);
}

#[tokio::test]
async fn unsupported_models_and_bad_requests_fail_clearly() {
    let (_emu, b) = bedrock().await;
    let err = bounded(b.count_tokens("meta.llama3-8b-instruct-v1:0", &request()))
        .await
        .expect_err("llama cannot count tokens here");
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.error_type.as_deref(), Some("ValidationException"));
    assert!(
        api.message
            .as_deref()
            .is_some_and(|m| m.contains("counting tokens")),
        "{api:?}"
    );
    // A request the Converse mapping rejects never leaves the process.
    let mut bad = request();
    bad.provider_options
        .insert("bedrock".into(), json!("not an object"));
    let err = bounded(b.count_tokens(HAIKU, &bad))
        .await
        .expect_err("invalid options");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
}
