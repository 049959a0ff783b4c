//! Bedrock API keys: `Authorization: Bearer <token>` instead of SigV4.
//!
//! ```sh
//! AWS_BEARER_TOKEN_BEDROCK=... cargo run -p goai-bedrock --example bearer_token
//! ```
//!
//! Without `AWS_BEARER_TOKEN_BEDROCK` it runs against the in-process emulator
//! with a sample token.

use goai_bedrock::{Bedrock, Env};
use goai_core::{Request, generate_text};

/// The token the local emulator is told to accept.
const SAMPLE_TOKEN: &str = "bedrock-api-key-sample";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = Env::process();
    let (bedrock, _emulator, model_id) = match env.get("AWS_BEARER_TOKEN_BEDROCK") {
        // from_env picks the bearer token up and prefers it over SigV4 keys.
        Some(_) => (Bedrock::from_env()?, None, "us.amazon.nova-micro-v1:0"),
        None => {
            let emulator = bedrock_emulator::Emulator::builder()
                .bearer_token(SAMPLE_TOKEN)
                .start()
                .await?;
            eprintln!(
                "No AWS_BEARER_TOKEN_BEDROCK: using the in-process Bedrock emulator at {}",
                emulator.url()
            );
            let bedrock = Bedrock::builder()
                .base_url(emulator.url())
                .bearer_token(SAMPLE_TOKEN)
                .build()?;
            (bedrock, Some(emulator), "amazon.nova-micro-v1:0")
        }
    };
    assert!(bedrock.uses_bearer_token());
    let out = generate_text(
        &bedrock.chat(model_id),
        Request::prompt("Say hello in French.").max_tokens(50),
    )
    .await?;
    println!("{}", out.text);
    Ok(())
}
