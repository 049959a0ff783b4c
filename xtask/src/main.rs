//! Project automation for goai-rs, reached through `cargo xtask <command>`.
//!
//! Commands:
//! - `ci`: everything CI checks: format, clippy with `-D warnings`, every test, the doc build,
//!   and the boto3 conformance run against the emulator.
//! - `conformance`: only the boto3 conformance run (creates `.venv` with boto3 when missing).
//! - `demo`: the README quick start (stream an answer through the whole stack).
//! - `fuzz [SECONDS]`: run the cargo-fuzz targets under `fuzz/` (needs `cargo install cargo-fuzz`).
//! - `bench`: the side-by-side comparison with the official SDK (`benches/peers`).
//! - `build-cost [--runs N]`: clean release builds of a tiny app on goai-bedrock and on the
//!   official SDK (N alternating runs, medians).

use std::env;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

mod bench;
mod build_cost;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("usage: cargo xtask <ci|conformance|demo|fuzz>");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "ci" => ci(),
        "conformance" => conformance(),
        "demo" => demo(),
        "fuzz" => fuzz(rest),
        "bench" => bench::bench(rest),
        "build-cost" => build_cost::build_cost(rest),
        other => Err(format!(
            "unknown command `{other}`; expected ci, conformance, demo, fuzz, bench or build-cost"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate's directory).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command in the workspace root, failing with its description when it fails.
pub(crate) fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask: running {shown}");
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

pub(crate) fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn ci() -> Result<(), String> {
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args(["test", "--workspace", "--all-features"]))?;
    // The default-feature build of the codec uses the `crc` crate's CRC-32; the line above
    // tests the `crc32fast` branch (and compares the two), this one the default branch.
    run(cargo().args(["test", "-p", "eventstream", "--lib"]))?;
    // goai-bedrock without its default `http2` feature (HTTP/1.1 only).
    run(cargo().args([
        "clippy",
        "-p",
        "goai-bedrock",
        "--no-default-features",
        "--lib",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args([
        "test",
        "-p",
        "goai-bedrock",
        "--no-default-features",
        "--lib",
    ]))?;
    run(cargo()
        .args(["doc", "--workspace", "--no-deps", "--all-features"])
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    conformance()?;
    eprintln!("xtask: ci passed");
    Ok(())
}

/// The Python interpreter of the project's virtualenv, created with boto3 when missing.
fn venv_python() -> Result<PathBuf, String> {
    let venv = root().join(".venv");
    let python = venv.join("bin").join("python");
    let has_boto3 = python.exists()
        && Command::new(&python)
            .args(["-c", "import boto3"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
    if !has_boto3 {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "boto3"]))?;
    }
    Ok(python)
}

/// A child process that is killed when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds and starts the emulator binary on an ephemeral port; returns it and its URL.
fn start_emulator() -> Result<(Guard, String), String> {
    run(cargo().args([
        "build",
        "--quiet",
        "-p",
        "bedrock-emulator",
        "--bin",
        "bedrock-emulator",
    ]))?;
    let target = env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target"));
    let bin = target.join("debug").join("bedrock-emulator");
    let mut child = Command::new(&bin)
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("emulator has no stdout")?;
    let guard = Guard(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("reading the emulator's first line: {e}"))?;
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("unexpected first line from the emulator: {line:?}"))?
        .to_string();
    Ok((guard, url))
}

fn conformance() -> Result<(), String> {
    let python = venv_python()?;
    let (_emulator, url) = start_emulator()?;
    run(Command::new(python)
        .arg(root().join("crates/bedrock-emulator/conformance/boto3_conformance.py"))
        .args(["--endpoint", &url]))
}

fn demo() -> Result<(), String> {
    run(cargo().args([
        "run",
        "--quiet",
        "-p",
        "goai-bedrock",
        "--example",
        "quickstart",
    ]))
}

fn fuzz(rest: &[String]) -> Result<(), String> {
    let seconds = rest.first().map(String::as_str).unwrap_or("60");
    run(cargo()
        .args([
            "fuzz",
            "run",
            "decode",
            "--",
            &format!("-max_total_time={seconds}"),
        ])
        .current_dir(root().join("fuzz"))
        .env("RUSTC_BOOTSTRAP", "1"))
}
