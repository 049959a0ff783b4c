//! `cargo xtask bench [--quick] [--rounds N]`: goai-bedrock side by side with the official AWS
//! SDK for Rust, against `bedrock-emulator`, in one run.
//!
//! It builds the comparison harness `benches/peers` (a Cargo project of its own, outside the
//! workspace, so that CI never compiles the official SDK) in release mode in its own target dir,
//! first runs `sdk_flows` (the official SDK's basic flows against the emulator: if the SDK does
//! not accept the emulator, the comparison means nothing), then `peers compare`, and writes:
//! - `target/bench/compare.json`: `{"workload": {"ours": x, "peer": y, "unit": "...", "ratio": peer/ours}}`
//!   with `ours_h2` / `ratio_h2` beside them for goai-rs over HTTP/2 (h2c) (and
//!   `compare-raw.json`, every per-round figure the table was computed from);
//! - the table, with machine info and the date, into `docs/benchmarks.md` between
//!   `<!-- compare:start -->` and `<!-- compare:end -->` (appended when the markers are missing;
//!   the rest of the file is kept).

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::{cargo, root, run};

const START: &str = "<!-- compare:start -->";
const END: &str = "<!-- compare:end -->";

/// Runs the comparison and updates the outputs.
pub(crate) fn bench(rest: &[String]) -> Result<(), String> {
    let root = root();
    let peers = root.join("benches").join("peers");
    let out_dir = root.join("target").join("bench");
    fs::create_dir_all(&out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;

    run(cargo()
        .args(["build", "--release", "--bins"])
        .current_dir(&peers)
        // Its own target dir, whatever the caller's CARGO_TARGET_DIR says.
        .env("CARGO_TARGET_DIR", peers.join("target")))?;
    let release = peers.join("target").join("release");
    run(Command::new(release.join("sdk_flows")).current_dir(&root))?;
    let harness = release.join("peers");

    let mut args = vec!["compare".to_owned(), "--out".to_owned()];
    args.push(out_dir.display().to_string());
    args.extend(rest.iter().cloned());
    run(Command::new(&harness).args(&args).current_dir(&root))?;

    let table = fs::read_to_string(out_dir.join("compare.md"))
        .map_err(|e| format!("reading compare.md: {e}"))?;
    let section = format!(
        "{START}\n## goai-bedrock vs aws-sdk-bedrockruntime\n\n\
         Measured by `cargo xtask bench{}` on {}.\n\n{}\n\n{table}\n{}\n{END}",
        if rest.is_empty() {
            String::new()
        } else {
            format!(" {}", rest.join(" "))
        },
        today(),
        machine(),
        METHOD,
    );
    let docs = root.join("docs").join("benchmarks.md");
    let current = fs::read_to_string(&docs).unwrap_or_else(|_| "# Benchmarks\n".to_owned());
    fs::write(&docs, splice(&current, &section))
        .map_err(|e| format!("writing {}: {e}", docs.display()))?;
    eprintln!(
        "xtask: wrote {} and {}",
        out_dir.join("compare.json").display(),
        docs.display()
    );
    Ok(())
}

const METHOD: &str = "\
How it is measured (`benches/peers`, see its README): the emulator runs in its own process \
(one tokio worker, pinned to one CPU); each client measurement is a fresh process running one \
client on a current-thread tokio runtime, pinned to the emulator's CPU or to another (the \
placement note under the table), over plain HTTP/1.1 to 127.0.0.1: \
goai-rs through `goai_core::generate_text` / `stream_text`, or `aws-sdk-bedrockruntime` \
configured by `aws-config` with static credentials and `endpoint_url`. Rounds alternate which \
of the two goes first. Latencies are medians over every call of every round; CPU is \
`getrusage(RUSAGE_SELF)` of the client process over the measured calls, divided by the text \
deltas received (or by calls); memory is the client process's VmRSS before the streams and \
VmHWM after them, every stream held open until all have their first delta (throughput model, \
20 deltas of 20 bytes, 20 ms between events). The 1,000-delta stream arrives from the emulator \
as fast as loopback allows, so its time to first token also counts reading and parsing data \
that is already there; the 1-delta rows show the request path alone. The sign and decode rows \
time the same inputs as the `sigv4` and `eventstream` criterion benches, in alternating batches \
in one process. Two yardsticks run the same workloads and are not products: *goai-bedrock \
alone* calls the provider's `LanguageModel::generate` / `stream` without goai-core's functions, \
and *floor* is hyper + `sigv4` + `eventstream` + serde_json by hand. *goai-rs over HTTP/2* \
is goai-rs with `http2_prior_knowledge(true)` (h2c to the emulator; over TLS both products \
offer `h2` through ALPN, see `benches/peers/README.md`), one connection per 200 concurrent \
streams; its figures are under `ours_h2` / `ratio_h2` in `compare.json`, apart from the \
HTTP/1.1 `ours` / `peer` pair. Lower is better everywhere; `peer / ours` above 1 means goai-rs \
is ahead.";

/// `section` in place of the text between the markers (markers included), else appended.
fn splice(current: &str, section: &str) -> String {
    if let (Some(start), Some(end)) = (current.find(START), current.find(END))
        && start < end
    {
        let mut out = String::with_capacity(current.len() + section.len());
        out.push_str(&current[..start]);
        out.push_str(section);
        out.push_str(&current[end + END.len()..]);
        return out;
    }
    let mut out = current.to_owned();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
    out.push_str(section);
    out.push('\n');
    out
}

fn first_line(cmd: &mut Command) -> String {
    cmd.output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_default()
}

fn today() -> String {
    let date = first_line(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
    if date.is_empty() {
        "an unknown date".to_owned()
    } else {
        date
    }
}

fn machine() -> String {
    let nproc = first_line(&mut Command::new("nproc"));
    let cpu = fs::read_to_string(Path::new("/proc/cpuinfo"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let rustc = first_line(Command::new("rustc").arg("-V"));
    let mem = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".to_owned());
    format!("Machine: {nproc} CPUs ({cpu}), {mem} RAM, {rustc}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_replaces_between_markers_and_keeps_the_rest() {
        let doc = format!("# B\n\nbefore\n{START}\nold\n{END}\nafter\n");
        let out = splice(&doc, &format!("{START}\nnew\n{END}"));
        assert_eq!(out, format!("# B\n\nbefore\n{START}\nnew\n{END}\nafter\n"));
    }

    #[test]
    fn splice_appends_when_markers_are_missing() {
        let out = splice("# B\nother", &format!("{START}\nnew\n{END}"));
        assert_eq!(out, format!("# B\nother\n\n{START}\nnew\n{END}\n"));
    }
}
