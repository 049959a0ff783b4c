//! Converse, CountTokens and InvokeModel shapes.

use bedrock_emulator::Emulator;
use http::StatusCode;
use serde_json::{Value, json};

use super::support::{Call, HAIKU, send, user};

#[tokio::test]
async fn converse_answers_like_bedrock() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let body = json!({
        "messages": [user("What is Rust?")],
        "inferenceConfig": {"maxTokens": 100},
        "performanceConfig": {"latency": "standard"},
        "serviceTier": {"type": "priority"},
        "requestMetadata": {"team": "goai"}
    });
    let reply = send(&emulator.url(), &Call::new(HAIKU, "converse", &body)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(
        reply
            .header("x-amzn-requestid")
            .is_some_and(|id| id.len() == 36)
    );
    assert_eq!(
        reply.header("x-emulator-request-metadata"),
        Some(r#"{"team":"goai"}"#)
    );
    let json = reply.json();
    assert_eq!(json["output"]["message"]["role"], "assistant");
    let text = json["output"]["message"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("What is Rust?"), "{text}");
    assert_eq!(json["stopReason"], "end_turn");
    let usage = &json["usage"];
    assert_eq!(
        usage["totalTokens"].as_u64(),
        Some(
            usage["inputTokens"].as_u64().unwrap_or(0)
                + usage["outputTokens"].as_u64().unwrap_or(0)
        )
    );
    assert!(json["metrics"]["latencyMs"].is_u64());
    assert_eq!(json["performanceConfig"], json!({"latency": "standard"}));
    assert_eq!(json["serviceTier"], json!({"type": "priority"}));
}

#[tokio::test]
async fn profile_ids_and_arns_are_accepted() {
    let emulator = Emulator::builder().start().await.expect("starts");
    for model in [
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
    ] {
        let reply = send(
            &emulator.url(),
            &Call::new(model, "converse", &json!({"messages": [user("hi")]})),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{model}: {:?}", reply.body);
    }
}

#[tokio::test]
async fn model_errors_are_validation_exceptions() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let cases = [
        (
            "anthropic.claude-nope-v1:0",
            json!({"messages": [user("hi")]}),
            "The provided model identifier is invalid.",
        ),
        (
            "anthropic.claude-sonnet-4-20250514-v1:0",
            json!({"messages": [user("hi")]}),
            "Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
        ),
        (
            HAIKU,
            json!({"messages": [user("hi")], "inferenceConfig": {"maxTokens": 100000}}),
            "The maximum tokens you requested exceeds the model limit of 4096. Try again with a maximum tokens value that is lower than 4096.",
        ),
        (
            HAIKU,
            json!({"messages": [{"role": "user", "content": [{"text": ""}]}]}),
            "The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again.",
        ),
        (
            "amazon.titan-embed-text-v2:0",
            json!({"messages": [user("hi")]}),
            "This action doesn't support the model that you provided. Try again with a supported text or chat model.",
        ),
    ];
    for (model, body, message) in cases {
        let reply = send(&emulator.url(), &Call::new(model, "converse", &body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{model}");
        assert_eq!(reply.error_type(), Some("ValidationException"), "{model}");
        assert_eq!(
            reply.header("x-amzn-errortype"),
            Some("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/")
        );
        assert_eq!(reply.message(), message);
    }
}

#[tokio::test]
async fn unknown_routes_are_unknown_operations() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let mut call = Call::new(HAIKU, "converse", &json!({}));
    call.path = "/nowhere".into();
    let reply = send(&emulator.url(), &call).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.error_type(), Some("UnknownOperationException"));
}

#[tokio::test]
async fn tool_loop_and_reasoning_round_trip() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let model = "us.anthropic.claude-sonnet-4-20250514-v1:0";
    let tools = json!({"tools": [{"toolSpec": {"name": "lookup", "inputSchema": {"json": {"type": "object", "properties": {"q": {"type": "string"}}}}}}]});
    let thinking = json!({"thinking": {"type": "enabled", "budget_tokens": 1024}});
    let first = json!({
        "messages": [user("please lookup the answer")],
        "toolConfig": tools,
        "inferenceConfig": {"maxTokens": 4000},
        "additionalModelRequestFields": thinking,
    });
    let reply = send(&emulator.url(), &Call::new(model, "converse", &first)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let json = reply.json();
    assert_eq!(json["stopReason"], "tool_use");
    let content = json["output"]["message"]["content"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        content
            .first()
            .is_some_and(|b| b["reasoningContent"]["reasoningText"]["signature"].is_string())
    );
    let tool_use = content
        .iter()
        .find_map(|b| b.get("toolUse"))
        .cloned()
        .expect("a tool call");
    let id = tool_use["toolUseId"].clone();
    let result = json!({"role": "user", "content": [{"toolResult": {"toolUseId": id, "content": [{"json": {"answer": 42}}]}}]});

    // Replaying the assistant turn without its reasoning is refused, as Anthropic does.
    let stripped: Vec<Value> = content
        .iter()
        .filter(|b| b.get("reasoningContent").is_none())
        .cloned()
        .collect();
    let bad = json!({
        "messages": [user("please lookup the answer"), {"role": "assistant", "content": stripped}, result],
        "toolConfig": tools,
        "inferenceConfig": {"maxTokens": 4000},
        "additionalModelRequestFields": thinking,
    });
    let reply = send(&emulator.url(), &Call::new(model, "converse", &bad)).await;
    assert_eq!(reply.error_type(), Some("ValidationException"));
    assert!(
        reply
            .message()
            .contains("Expected `thinking` or `redacted_thinking`")
    );

    let good = json!({
        "messages": [user("please lookup the answer"), {"role": "assistant", "content": content}, result],
        "toolConfig": tools,
        "inferenceConfig": {"maxTokens": 4000},
        "additionalModelRequestFields": thinking,
    });
    let reply = send(&emulator.url(), &Call::new(model, "converse", &good)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let json = reply.json();
    assert_eq!(json["stopReason"], "end_turn");
    let text: String = json["output"]["message"]["content"]
        .as_array()
        .map(|blocks| blocks.iter().filter_map(|b| b["text"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(text, r#"Tool lookup returned: {"answer":42}."#);
}

#[tokio::test]
async fn count_tokens_matches_converse_usage() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let messages = json!([user("count these tokens please")]);
    let count = send(
        &emulator.url(),
        &Call::new(
            HAIKU,
            "count-tokens",
            &json!({"input": {"converse": {"messages": messages}}}),
        ),
    )
    .await;
    assert_eq!(count.status, StatusCode::OK, "{:?}", count.body);
    let converse = send(
        &emulator.url(),
        &Call::new(HAIKU, "converse", &json!({"messages": messages})),
    )
    .await;
    assert_eq!(
        count.json()["inputTokens"],
        converse.json()["usage"]["inputTokens"]
    );
    let unsupported = send(
        &emulator.url(),
        &Call::new(
            "amazon.nova-pro-v1:0",
            "count-tokens",
            &json!({"input": {"converse": {"messages": messages}}}),
        ),
    )
    .await;
    assert_eq!(unsupported.error_type(), Some("ValidationException"));
}

#[tokio::test]
async fn prompt_caching_writes_then_reads() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let body = json!({
        "messages": [user("hi")],
        "system": [{"text": "You are a helpful assistant with a long prompt."}, {"cachePoint": {"type": "default"}}]
    });
    let call = Call::new("us.amazon.nova-pro-v1:0", "converse", &body);
    let first = send(&emulator.url(), &call).await.json();
    let second = send(&emulator.url(), &call).await.json();
    assert!(first["usage"]["cacheWriteInputTokens"].as_u64() > Some(0));
    assert_eq!(first["usage"]["cacheReadInputTokens"], 0);
    assert_eq!(
        second["usage"]["cacheReadInputTokens"],
        first["usage"]["cacheWriteInputTokens"]
    );
    assert_eq!(first["usage"]["cacheDetails"][0]["ttl"], "5m");
    assert_eq!(
        first["usage"]["totalTokens"],
        second["usage"]["totalTokens"]
    );
}

#[tokio::test]
async fn embeddings_in_titan_and_cohere_shapes() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let titan = send(
        &emulator.url(),
        &Call::new(
            "amazon.titan-embed-text-v2:0",
            "invoke",
            &json!({"inputText": "hello", "dimensions": 512}),
        ),
    )
    .await;
    assert_eq!(titan.status, StatusCode::OK);
    let json = titan.json();
    assert_eq!(json["embedding"].as_array().map(Vec::len), Some(512));
    assert_eq!(json["inputTextTokenCount"], 2);
    let cohere = send(
        &emulator.url(),
        &Call::new(
            "cohere.embed-english-v3",
            "invoke",
            &json!({"texts": ["a", "b", "c"], "input_type": "search_query", "embedding_types": ["float"]}),
        ),
    )
    .await;
    let json = cohere.json();
    assert_eq!(json["response_type"], "embeddings_by_type");
    assert_eq!(
        json["embeddings"]["float"].as_array().map(Vec::len),
        Some(3)
    );
    assert!(json["id"].is_string());
    let chat = send(
        &emulator.url(),
        &Call::new(HAIKU, "invoke", &json!({"messages": []})),
    )
    .await;
    assert_eq!(chat.error_type(), Some("ValidationException"));
}

#[tokio::test]
async fn multimodal_and_v4_embeddings_over_http() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let nova = send(
        &emulator.url(),
        &Call::new(
            "amazon.nova-2-multimodal-embeddings-v1:0",
            "invoke",
            &json!({
                "schemaVersion": "nova-multimodal-embed-v1",
                "taskType": "SINGLE_EMBEDDING",
                "singleEmbeddingParams": {
                    "embeddingPurpose": "GENERIC_RETRIEVAL",
                    "embeddingDimension": 1024,
                    "text": {"truncationMode": "END", "value": "hello there"}
                }
            }),
        ),
    )
    .await;
    assert_eq!(nova.status, StatusCode::OK);
    assert_eq!(nova.header("x-amzn-bedrock-input-token-count"), Some("3"));
    let json = nova.json();
    assert_eq!(json["embeddings"][0]["embeddingType"], "TEXT");
    assert_eq!(
        json["embeddings"][0]["embedding"].as_array().map(Vec::len),
        Some(1024)
    );
    let titan_image = send(
        &emulator.url(),
        &Call::new(
            "amazon.titan-embed-image-v1",
            "invoke",
            &json!({"inputText": "a cat", "embeddingConfig": {"outputEmbeddingLength": 384}}),
        ),
    )
    .await;
    assert_eq!(
        titan_image.json()["embedding"].as_array().map(Vec::len),
        Some(384)
    );
    // Cohere v4 through a cross-region profile, with more than 96 texts rejected.
    let v4 = send(
        &emulator.url(),
        &Call::new(
            "us.cohere.embed-v4:0",
            "invoke",
            &json!({"texts": ["a", "b"], "input_type": "search_document", "output_dimension": 512}),
        ),
    )
    .await;
    assert_eq!(v4.status, StatusCode::OK);
    assert_eq!(
        v4.json()["embeddings"]["float"][1].as_array().map(Vec::len),
        Some(512)
    );
    let texts: Vec<String> = (0..97).map(|i| format!("text {i}")).collect();
    let too_many = send(
        &emulator.url(),
        &Call::new(
            "cohere.embed-v4:0",
            "invoke",
            &json!({"texts": texts, "input_type": "search_document"}),
        ),
    )
    .await;
    assert_eq!(too_many.error_type(), Some("ValidationException"));
    assert!(too_many.message().contains("96"), "{}", too_many.message());
}
