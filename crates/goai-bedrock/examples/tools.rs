//! The tool loop: a typed tool (schema derived with schemars) that the model
//! calls, goai-core runs, and whose result goes back to the model.
//!
//! ```sh
//! cargo run -p goai-bedrock --example tools
//! ```

#[path = "support/connect.rs"]
mod connect;

use goai_core::{Request, Tool, generate_text};
use serde::Deserialize;

/// The weather tool's input.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct WeatherArgs {
    /// The city, e.g. "Paris".
    city: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = connect::connect().await?;
    let model = conn.bedrock.chat(conn.model_id(
        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "anthropic.claude-3-haiku-20240307-v1:0",
    ));
    let weather = Tool::typed(
        "get_weather",
        "Current weather for a city",
        |args: WeatherArgs| async move {
            Ok::<_, std::convert::Infallible>(
                serde_json::json!({ "city": args.city, "celsius": 21, "sky": "clear" }),
            )
        },
    );
    let out = generate_text(
        &model,
        Request::prompt("What's the weather in Paris? Use the tool.")
            .tool(weather)
            .max_steps(4)
            .max_tokens(400),
    )
    .await?;
    for call in &out.tool_calls {
        eprintln!("tool call: {} {}", call.name, call.input);
    }
    println!("{}", out.text);
    eprintln!("steps: {}", out.steps.len());
    Ok(())
}
