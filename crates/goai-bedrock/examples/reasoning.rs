//! Extended thinking: a provider-wide reasoning budget, overridden per request
//! through provider options (the per-request value wins).
//!
//! ```sh
//! cargo run -p goai-bedrock --example reasoning
//! ```

#[path = "support/connect.rs"]
mod connect;

use goai_bedrock::ReasoningConfig;
use goai_core::{Request, generate_text};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = connect::connect_with(|b| {
        b.reasoning(ReasoningConfig::enabled(1024));
    })
    .await?;
    let model = conn.bedrock.chat(conn.model_id(
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
    ));
    let request = Request::prompt(
        "Is 1009 prime? Answer yes or no, then one line of justification.",
    )
    .max_tokens(512)
    // Per request: a larger budget than the provider-wide one.
    .provider_option(
        "bedrock",
        serde_json::json!({ "reasoningConfig": { "type": "enabled", "budgetTokens": 2048 } }),
    );
    let out = generate_text(&model, request).await?;
    eprintln!("reasoning:\n{}\n", out.reasoning);
    println!("{}", out.text);
    Ok(())
}
