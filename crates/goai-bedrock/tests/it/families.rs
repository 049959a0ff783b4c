//! One stream through one model id of every family the seed lists.

use goai_core::{Request, stream_text};

use super::support::{bedrock, bounded};

const ONE_PER_FAMILY: &[&str] = &[
    "meta.llama3-8b-instruct-v1:0",
    "us.meta.llama4-scout-17b-instruct-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "mistral.mistral-large-2407-v1:0",
    "amazon.nova-lite-v1:0",
    "qwen.qwen3-32b-v1:0",
    "openai.gpt-oss-20b-1:0",
    "google.gemma-3-12b-it",
    "cohere.command-r-v1:0",
    "us.deepseek.r1-v1:0",
    "minimax.minimax-m2",
    "moonshot.kimi-k2-instruct",
    "nvidia.nemotron-nano-9b-v2",
    "us.writer.palmyra-x5-v1:0",
    "zai.glm-4.6",
];

#[tokio::test]
async fn streams_through_every_family() {
    let (_emu, b) = bedrock().await;
    for id in ONE_PER_FAMILY {
        let model = b.chat(*id);
        let stream = bounded(stream_text(
            &model,
            Request::prompt("Say something").max_tokens(64),
        ))
        .await
        .unwrap_or_else(|e| panic!("{id}: {e}"));
        let out = bounded(stream.finish())
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(
            !out.text.is_empty() || !out.reasoning.is_empty(),
            "{id} produced nothing"
        );
    }
}
