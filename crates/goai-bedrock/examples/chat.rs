//! One non-streaming call: text, finish reason, usage and request id.
//!
//! ```sh
//! cargo run -p goai-bedrock --example chat
//! ```

#[path = "support/connect.rs"]
mod connect;

use goai_core::{Request, generate_text};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = connect::connect().await?;
    let model = conn
        .bedrock
        .chat(conn.model_id("us.amazon.nova-lite-v1:0", "amazon.nova-lite-v1:0"));
    let out = generate_text(
        &model,
        Request::prompt("Name three uses of a Bloom filter.")
            .system("Answer in one short line each.")
            .max_tokens(200)
            .temperature(0.3),
    )
    .await?;
    println!("{}", out.text);
    eprintln!(
        "finish: {:?} ({}), input tokens: {:?}, output tokens: {:?}, request id: {:?}",
        out.finish_reason.unified,
        out.finish_reason.raw,
        out.usage.input_tokens,
        out.usage.output_tokens,
        out.metadata.id
    );
    Ok(())
}
