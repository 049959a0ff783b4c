//! Embeds a few documents and a query, ranks the documents by cosine
//! similarity, and counts the tokens of a chat request.
//!
//! ```sh
//! cargo run -p goai-bedrock --example embeddings
//! ```
//!
//! With AWS credentials in the environment (`AWS_ACCESS_KEY_ID` +
//! `AWS_SECRET_ACCESS_KEY`, or `AWS_BEARER_TOKEN_BEDROCK`) it asks real
//! Bedrock; otherwise it starts the in-process emulator and says so on stderr
//! (the emulator's vectors are hashes of the text, so its ranking means
//! nothing). `GOAI_BEDROCK_MODEL` picks another embedding model.

#[path = "support/connect.rs"]
mod connect;

use goai_core::{EmbedRequest, Message, ModelRequest, embed, embed_many};
use serde_json::json;

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b)).max(f32::EPSILON)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = connect::connect().await?;
    let model_id = conn.model_id(
        "amazon.titan-embed-text-v2:0",
        "amazon.titan-embed-text-v2:0",
    );
    // Model-level options; per-request ones go under the `bedrock` provider option.
    let model = conn
        .bedrock
        .embedding(model_id.as_str())
        .with_dimensions(256);

    let documents = [
        "Rust guarantees memory safety without a garbage collector.",
        "The Eiffel Tower is in Paris.",
        "Traits define shared behaviour in Rust.",
    ];
    // Titan embeds one value per call: embed_many splits and parallelizes.
    let docs = embed_many(
        &model,
        EmbedRequest::new(documents)
            .max_parallel_calls(3)
            .provider_option("bedrock", json!({"normalize": true})),
    )
    .await?;
    let query = embed(&model, "How does Rust share behaviour between types?").await?;

    let mut ranked: Vec<(f32, &str)> = docs
        .embeddings
        .iter()
        .zip(documents)
        .map(|(e, d)| (cosine(&query.embedding, e), d))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!(
        "{} dimensions, {:?} input tokens",
        query.embedding.len(),
        docs.usage.tokens
    );
    for (score, doc) in ranked {
        println!("{score:+.3}  {doc}");
    }

    // Cohere takes up to 96 values per call; the same API covers it:
    // conn.bedrock.embedding("us.cohere.embed-v4:0").with_input_type("search_document")

    // CountTokens: what a Converse call with this request would be billed.
    let chat_model = "anthropic.claude-3-haiku-20240307-v1:0";
    let mut request = ModelRequest::default();
    request.system = Some("Answer in one sentence.".into());
    request
        .messages
        .push(Message::user("Why do Rust traits matter?"));
    let tokens = conn.bedrock.count_tokens(chat_model, &request).await?;
    println!("CountTokens for {chat_model}: {tokens} input tokens");
    Ok(())
}
