//! Streams every part (text, reasoning, tool calls, finish) and then prints
//! the summary.
//!
//! ```sh
//! cargo run -p goai-bedrock --example stream
//! ```

#[path = "support/connect.rs"]
mod connect;

use std::io::Write;

use futures_util::StreamExt;
use goai_core::{Request, StreamPart, stream_text};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = connect::connect().await?;
    let model = conn.bedrock.chat(conn.model_id(
        "us.meta.llama3-3-70b-instruct-v1:0",
        "meta.llama3-8b-instruct-v1:0",
    ));
    let mut stream = stream_text(
        &model,
        Request::prompt("Write a haiku about borrow checking.").max_tokens(200),
    )
    .await?;
    let mut stdout = std::io::stdout();
    while let Some(part) = stream.next().await {
        match part? {
            StreamPart::TextDelta { text } => {
                write!(stdout, "{text}")?;
                stdout.flush()?;
            }
            StreamPart::Finish {
                finish_reason,
                usage,
                ..
            } => {
                writeln!(stdout)?;
                eprintln!("finish: {:?}, usage: {usage:?}", finish_reason.unified);
            }
            _ => {}
        }
    }
    Ok(())
}
