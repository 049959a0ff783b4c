//! Structured output: a Rust type as the output schema. Native `outputConfig`
//! where the model supports it, otherwise a forced tool call.
//!
//! ```sh
//! cargo run -p goai-bedrock --example structured_output
//! ```

#[path = "support/connect.rs"]
mod connect;

use goai_core::{Request, generate_object};
use serde::Deserialize;

/// A recipe as the model should return it.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[allow(dead_code)] // printed with Debug
struct Recipe {
    /// The dish.
    name: String,
    /// Ingredients, one per entry.
    ingredients: Vec<String>,
    /// Minutes of preparation.
    minutes: u32,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = connect::connect().await?;
    let model = conn
        .bedrock
        .chat(conn.model_id("us.amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0"));
    let out = generate_object::<Recipe, _>(
        &model,
        Request::prompt("A quick pancake recipe.").max_tokens(500),
    )
    .await?;
    println!("{:#?}", out.object);
    Ok(())
}
