//! `cargo xtask build-cost`: the cost of depending on goai-bedrock versus the official SDK.
//!
//! Two tiny apps that make one Converse call are generated under `target/build-cost/`, one on
//! `goai-bedrock`, one on `aws-sdk-bedrockruntime` + `aws-config`. Each is built clean in release
//! mode in its own target directory (dependencies are fetched first, so the download is not
//! timed). The figures (wall time, crates compiled, stripped binary size) go to
//! `target/bench/build-cost.json` and are printed as a markdown table.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::{cargo, root, run};

const OURS_MAIN: &str = r#"use goai_bedrock::Bedrock;
use goai_core::{generate_text, Request};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bedrock = Bedrock::from_env()?;
    let model = bedrock.chat("us.anthropic.claude-3-5-haiku-20241022-v1:0");
    let out = generate_text(&model, Request::prompt("Say hello").max_tokens(64)).await?;
    println!("{}", out.text);
    Ok(())
}
"#;

const PEER_MAIN: &str = r#"use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = aws_config::load_from_env().await;
    let client = aws_sdk_bedrockruntime::Client::new(&config);
    let message = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text("Say hello".into()))
        .build()?;
    let out = client
        .converse()
        .model_id("us.anthropic.claude-3-5-haiku-20241022-v1:0")
        .messages(message)
        .send()
        .await?;
    println!("{:?}", out.output());
    Ok(())
}
"#;

struct Measured {
    seconds: f64,
    crates: usize,
    binary_bytes: u64,
}

fn manifest(name: &str, deps: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{deps}\n\n[profile.release]\nstrip = true\n\n[workspace]\n"
    )
}

fn measure(dir: &Path, name: &str) -> Result<Measured, String> {
    let target = dir.join("target");
    if target.exists() {
        fs::remove_dir_all(&target).map_err(|e| format!("removing {}: {e}", target.display()))?;
    }
    run(cargo().arg("fetch").current_dir(dir))?;
    eprintln!("xtask: clean release build of {name}");
    let start = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .map_err(|e| format!("could not start cargo build for {name}: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("build of {name} failed:\n{stderr}"));
    }
    let crates = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    let binary = target.join("release").join(name);
    let binary_bytes = fs::metadata(&binary)
        .map_err(|e| format!("reading {}: {e}", binary.display()))?
        .len();
    Ok(Measured {
        seconds,
        crates,
        binary_bytes,
    })
}

fn write_app(dir: &Path, name: &str, deps: &str, main: &str) -> Result<(), String> {
    let src = dir.join("src");
    fs::create_dir_all(&src).map_err(|e| format!("creating {}: {e}", src.display()))?;
    fs::write(dir.join("Cargo.toml"), manifest(name, deps))
        .map_err(|e| format!("writing the {name} manifest: {e}"))?;
    fs::write(src.join("main.rs"), main).map_err(|e| format!("writing the {name} main: {e}"))
}

/// Runs the measurement and prints the table.
pub(crate) fn build_cost(_rest: &[String]) -> Result<(), String> {
    let base = root().join("target").join("build-cost");
    let ours_dir = base.join("ours");
    let peer_dir = base.join("peer");
    let crates = root().join("crates");
    let ours_deps = format!(
        "goai-bedrock = {{ path = {:?} }}\ngoai-core = {{ path = {:?} }}\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}",
        crates.join("goai-bedrock").display().to_string(),
        crates.join("goai-core").display().to_string(),
    );
    let peer_deps = "aws-config = \"1\"\naws-sdk-bedrockruntime = \"1\"\n\
                     tokio = { version = \"1\", features = [\"rt\", \"macros\"] }";
    write_app(&ours_dir, "ours", &ours_deps, OURS_MAIN)?;
    write_app(&peer_dir, "peer", peer_deps, PEER_MAIN)?;
    // Share the workspace's lock file so the app builds the same versions the tests use.
    let lock = root().join("Cargo.lock");
    if lock.exists() {
        fs::copy(&lock, ours_dir.join("Cargo.lock"))
            .map_err(|e| format!("copying Cargo.lock: {e}"))?;
    }

    let ours = measure(&ours_dir, "ours")?;
    let peer = measure(&peer_dir, "peer")?;

    let json = format!(
        "{{\n  \"build_seconds\": {{\"ours\": {:.1}, \"peer\": {:.1}, \"unit\": \"s\", \"ratio\": {:.2}}},\n  \
         \"crates_compiled\": {{\"ours\": {}, \"peer\": {}, \"unit\": \"crates\", \"ratio\": {:.2}}},\n  \
         \"binary_bytes\": {{\"ours\": {}, \"peer\": {}, \"unit\": \"bytes\", \"ratio\": {:.2}}}\n}}\n",
        ours.seconds,
        peer.seconds,
        peer.seconds / ours.seconds,
        ours.crates,
        peer.crates,
        peer.crates as f64 / ours.crates.max(1) as f64,
        ours.binary_bytes,
        peer.binary_bytes,
        peer.binary_bytes as f64 / ours.binary_bytes.max(1) as f64,
    );
    let out_dir = root().join("target").join("bench");
    fs::create_dir_all(&out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    fs::write(out_dir.join("build-cost.json"), &json)
        .map_err(|e| format!("writing build-cost.json: {e}"))?;

    println!(
        "| clean release build | goai-bedrock | aws-sdk-bedrockruntime + aws-config | peer / ours |"
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| wall time | {:.1} s | {:.1} s | {:.2}× |",
        ours.seconds,
        peer.seconds,
        peer.seconds / ours.seconds
    );
    println!(
        "| crates compiled | {} | {} | {:.2}× |",
        ours.crates,
        peer.crates,
        peer.crates as f64 / ours.crates.max(1) as f64
    );
    println!(
        "| stripped binary | {:.2} MB | {:.2} MB | {:.2}× |",
        ours.binary_bytes as f64 / 1e6,
        peer.binary_bytes as f64 / 1e6,
        peer.binary_bytes as f64 / ours.binary_bytes.max(1) as f64
    );
    Ok(())
}
