//! Streams an answer through the whole stack.
//!
//! ```sh
//! cargo run -p goai-bedrock --example quickstart
//! ```
//!
//! With AWS credentials in the environment (`AWS_ACCESS_KEY_ID` +
//! `AWS_SECRET_ACCESS_KEY`, or `AWS_BEARER_TOKEN_BEDROCK`) it asks real
//! Bedrock; otherwise it starts the in-process emulator and says so on stderr.
//! `GOAI_BEDROCK_MODEL` picks another model.

#[path = "support/connect.rs"]
mod connect;

use std::io::Write;

use futures_util::StreamExt;
use goai_core::{Request, stream_text};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let conn = connect::connect().await?;
    let model = conn.bedrock.chat(conn.model_id(
        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "anthropic.claude-3-haiku-20240307-v1:0",
    ));
    let request = Request::prompt("In two sentences: why do Rust traits matter?").max_tokens(300);
    let mut text = stream_text(&model, request).await?.text_stream();
    let mut stdout = std::io::stdout();
    while let Some(chunk) = text.next().await {
        write!(stdout, "{}", chunk?)?;
        stdout.flush()?;
    }
    writeln!(stdout)?;
    Ok(())
}
