//! `cargo xtask build-cost`: the cost of depending on goai-bedrock versus the official SDK.
//!
//! Three tiny apps that make one Converse call are generated under `target/build-cost/`: one on
//! `goai-bedrock` with its default features, one on `goai-bedrock` without them (HTTP/1.1 only,
//! no `h2`), and one on `aws-sdk-bedrockruntime` + `aws-config`. Each is built clean in release
//! mode in its own target directory (dependencies are fetched first, so the download is not
//! timed). The figures (wall time, crates compiled, stripped binary size) go to
//! `target/bench/build-cost.json` and are printed as a markdown table.
//!
//! `--runs N` (default 1) builds each app N times, alternating the order (ours first, then the
//! SDK first, ...), and reports the median wall time of each, with every run's times and the
//! median of the per-run ratios: this machine's speed drifts by 10–15% within minutes, which a
//! single pair of builds cannot tell from a change.

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

fn row(name: &str, ours: f64, lean: f64, peer: f64, show: impl Fn(f64) -> String) -> String {
    format!(
        "| {name} | {} | {} | {} | {:.2}× | {:.2}× |",
        show(ours),
        show(lean),
        show(peer),
        peer / ours.max(f64::MIN_POSITIVE),
        peer / lean.max(f64::MIN_POSITIVE),
    )
}

fn json_entry(key: &str, ours: f64, lean: f64, peer: f64, unit: &str) -> String {
    format!(
        "  \"{key}\": {{\"ours\": {ours}, \"peer\": {peer}, \"unit\": \"{unit}\", \"ratio\": {:.3}, \
         \"ours_http1_only\": {lean}, \"ratio_http1_only\": {:.3}}}",
        peer / ours.max(f64::MIN_POSITIVE),
        peer / lean.max(f64::MIN_POSITIVE),
    )
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// `--runs N` from the arguments (default 1).
fn runs_flag(rest: &[String]) -> Result<usize, String> {
    match rest.iter().position(|a| a == "--runs") {
        None => Ok(1),
        Some(i) => rest
            .get(i + 1)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&n| n >= 1)
            .ok_or_else(|| "--runs needs a whole number of at least 1".to_owned()),
    }
}

/// Runs the measurement and prints the table.
pub(crate) fn build_cost(rest: &[String]) -> Result<(), String> {
    let runs = runs_flag(rest)?;
    let base = root().join("target").join("build-cost");
    let ours_dir = base.join("ours");
    let lean_dir = base.join("ours-http1");
    let peer_dir = base.join("peer");
    let crates = root().join("crates");
    let bedrock = crates.join("goai-bedrock").display().to_string();
    let core = crates.join("goai-core").display().to_string();
    let tokio = "tokio = { version = \"1\", features = [\"rt\", \"macros\"] }";
    let ours_deps = format!(
        "goai-bedrock = {{ path = {bedrock:?} }}\ngoai-core = {{ path = {core:?} }}\n{tokio}"
    );
    let lean_deps = format!(
        "goai-bedrock = {{ path = {bedrock:?}, default-features = false }}\n\
         goai-core = {{ path = {core:?} }}\n{tokio}"
    );
    let peer_deps = format!("aws-config = \"1\"\naws-sdk-bedrockruntime = \"1\"\n{tokio}");
    write_app(&ours_dir, "ours", &ours_deps, OURS_MAIN)?;
    write_app(&lean_dir, "ours-http1", &lean_deps, OURS_MAIN)?;
    write_app(&peer_dir, "peer", &peer_deps, PEER_MAIN)?;
    // Share the workspace's lock file so the apps build the same versions the tests use.
    let lock = root().join("Cargo.lock");
    if lock.exists() {
        for dir in [&ours_dir, &lean_dir] {
            fs::copy(&lock, dir.join("Cargo.lock"))
                .map_err(|e| format!("copying Cargo.lock: {e}"))?;
        }
    }

    // Each run builds all three; odd runs start with the SDK, so that a drift in the machine's
    // speed hits both sides alike.
    let mut times: Vec<[f64; 3]> = Vec::with_capacity(runs);
    let mut last = None;
    for run in 0..runs {
        if runs > 1 {
            eprintln!("xtask: build-cost run {}/{runs}", run + 1);
        }
        let (ours, lean, peer) = if run % 2 == 0 {
            let ours = measure(&ours_dir, "ours")?;
            let lean = measure(&lean_dir, "ours-http1")?;
            (ours, lean, measure(&peer_dir, "peer")?)
        } else {
            let peer = measure(&peer_dir, "peer")?;
            let lean = measure(&lean_dir, "ours-http1")?;
            (measure(&ours_dir, "ours")?, lean, peer)
        };
        times.push([ours.seconds, lean.seconds, peer.seconds]);
        last = Some((ours, lean, peer));
    }
    let (mut ours, mut lean, mut peer) = last.ok_or("no build ran")?;
    let column = |i: usize| times.iter().map(|t| t[i]).collect::<Vec<f64>>();
    ours.seconds = median(&column(0));
    lean.seconds = median(&column(1));
    peer.seconds = median(&column(2));
    let ratios: Vec<f64> = times.iter().map(|t| t[2] / t[0]).collect();

    let json = [
        json_entry(
            "build_seconds",
            ours.seconds,
            lean.seconds,
            peer.seconds,
            "s",
        ),
        json_entry(
            "crates_compiled",
            ours.crates as f64,
            lean.crates as f64,
            peer.crates as f64,
            "crates",
        ),
        json_entry(
            "binary_bytes",
            ours.binary_bytes as f64,
            lean.binary_bytes as f64,
            peer.binary_bytes as f64,
            "bytes",
        ),
    ]
    .join(",\n");
    let per_run: Vec<String> = times
        .iter()
        .map(|t| format!("[{:.1}, {:.1}, {:.1}]", t[0], t[1], t[2]))
        .collect();
    let json = format!(
        "{json},\n  \"runs\": {{\"count\": {runs}, \"seconds_ours_http1_peer\": [{}], \
         \"median_ratio\": {:.3}}}",
        per_run.join(", "),
        median(&ratios),
    );
    let out_dir = root().join("target").join("bench");
    fs::create_dir_all(&out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    fs::write(out_dir.join("build-cost.json"), format!("{{\n{json}\n}}\n"))
        .map_err(|e| format!("writing build-cost.json: {e}"))?;

    println!(
        "| clean release build | goai-bedrock (default features) | goai-bedrock, HTTP/1.1 only (`default-features = false`) | aws-sdk-bedrockruntime + aws-config | peer / ours | peer / ours, HTTP/1.1 only |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "{}",
        row(
            if runs > 1 {
                "wall time (median)"
            } else {
                "wall time"
            },
            ours.seconds,
            lean.seconds,
            peer.seconds,
            |v| format!("{v:.1} s")
        )
    );
    if runs > 1 {
        let listed: Vec<String> = times
            .iter()
            .map(|t| format!("{:.1} / {:.1} / {:.1} s", t[0], t[1], t[2]))
            .collect();
        println!(
            "| wall time, each run (ours / HTTP/1.1 only / SDK) | {} | | | median of the ratios {:.2}× | |",
            listed.join("; "),
            median(&ratios)
        );
    }
    println!(
        "{}",
        row(
            "crates compiled",
            ours.crates as f64,
            lean.crates as f64,
            peer.crates as f64,
            |v| format!("{v:.0}")
        )
    );
    println!(
        "{}",
        row(
            "stripped binary",
            ours.binary_bytes as f64,
            lean.binary_bytes as f64,
            peer.binary_bytes as f64,
            |v| format!("{:.2} MB", v / 1e6)
        )
    );
    Ok(())
}
