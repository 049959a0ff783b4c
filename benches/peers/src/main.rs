//! `peers`: goai-bedrock side by side with the official AWS SDK for Rust
//! (`aws-sdk-bedrockruntime` + `aws-config`), against `bedrock-emulator`.
//!
//! ```text
//! peers compare [--out DIR] [--rounds N] [--quick]   the whole comparison (what `cargo xtask bench` runs)
//! peers emulator [--cpu N]                           the emulator alone; first line `listening on URL`
//! peers client ours|ours-h2|peer|provider|floor --url URL converse|stream|concurrent [--cpu N] [options]
//! peers micro [--seconds S]                          sign and decode micro-benchmarks
//! ```
//!
//! Layout of a run (`compare`):
//! - the emulator runs in its own child process (this binary's `emulator` subcommand, which
//!   starts `bedrock_emulator::Emulator` in-process there), so the server's CPU and memory never
//!   count as the client's;
//! - every client measurement is a fresh child process (`client ours|peer ...`) running one
//!   client on a current-thread tokio runtime; CPU time is `getrusage(RUSAGE_SELF)` of that
//!   process and memory is its own `/proc/self/status` (VmRSS, VmHWM);
//! - rounds alternate the order (ours then peer, peer then ours), so drifting background load
//!   hits both clients alike;
//! - `--cpu N` pins the emulator or client process to CPU N. With two CPUs or more, `compare`
//!   pins the emulator to the first allowed CPU and runs every latency workload in two
//!   placements: "same core" (the client on the emulator's CPU: every wakeup is a local context
//!   switch) and "separate cores" (the client on the second CPU: every request/response wakeup
//!   crosses CPUs, which on a VM can cost tens of µs each). Left to the kernel, a run lands
//!   in either mode at random and its medians are not reproducible. The concurrent workload runs
//!   once, on separate cores;
//! - the micro-benchmarks alternate batches inside one process;
//! - a third client, `floor` (hyper + sigv4 + eventstream + serde_json by hand, see
//!   `floor.rs`), runs the same workloads to show how much of each figure the emulator, the
//!   network and the building blocks account for, and a fourth, `provider` (goai-bedrock's
//!   `LanguageModel` called directly), splits what our two upper layers add;
//! - `ours-h2` is `ours` over HTTP/2 with prior knowledge (h2c): the emulator's URL is plain
//!   `http://`, where both products speak HTTP/1.1 (one connection per concurrent stream); over
//!   TLS both offer `h2` through ALPN (ours: `goai_bedrock::transport`; the SDK's default
//!   client: `aws-smithy-http-client` 1.5.2, `src/client/tls/rustls_provider.rs:311-323`), and
//!   Bedrock's streams then share connections. Its figures go in a column and a key of their own;
//!   `ours` / `peer` stay the like-for-like HTTP/1.1 comparison.

mod clients;
mod floor;
mod micro;
mod sys;

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{Value, json};

use crate::clients::{Client, Which};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("emulator") => emulator(&args[1..]),
        Some("client") => client(&args[1..]),
        Some("micro") => micro_cmd(&args[1..]),
        Some("compare") => compare(&args[1..]),
        _ => Err("usage: peers compare|emulator|client|micro (see the crate docs)".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("peers: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--name value` from a flag list, parsed.
fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .ok_or_else(|| format!("{name} needs a value"))?
            .parse()
            .map_err(|_| format!("{name}: not a valid value")),
    }
}

/// `--cpu N`, if given: pins this process to CPU N and returns N. Called first thing in a
/// subcommand, while the process has a single thread, so that every thread it starts afterwards
/// (the tokio runtime's) inherits the mask.
fn pin_from_args(args: &[String]) -> Result<Option<usize>, String> {
    if !args.iter().any(|a| a == "--cpu") {
        return Ok(None);
    }
    let cpu: usize = flag(args, "--cpu", 0)?;
    sys::pin_to_cpu(cpu)?;
    Ok(Some(cpu))
}

// ---------------------------------------------------------------------------------------------
// The emulator process.

fn emulator(args: &[String]) -> Result<(), String> {
    pin_from_args(args)?;
    sys::raise_nofile_limit();
    // One worker: the server then takes at most one of the machine's cores (the one it is
    // pinned to, with `--cpu`), and unpinned, a client process is not starved by the server
    // generating the rest of a stream it is reading.
    let workers: usize = flag(args, "--workers", 1)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let emulator = bedrock_emulator::Emulator::builder()
            .start()
            .await
            .map_err(|e| e.to_string())?;
        println!("listening on {}", emulator.url());
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        // Runs until the driver closes our stdin (or dies).
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .map_err(|e| e.to_string())?;
        emulator.shutdown().await;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// One client process.

fn client(args: &[String]) -> Result<(), String> {
    let cpu = pin_from_args(args)?;
    let which = args
        .first()
        .and_then(|s| Which::parse(s))
        .ok_or("client: expected ours, ours-h2, peer, provider or floor")?;
    let url: String = flag(args, "--url", String::new())?;
    if url.is_empty() {
        return Err("client: --url is required".into());
    }
    let workload = args
        .iter()
        .skip(1)
        .find(|a| matches!(a.as_str(), "converse" | "stream" | "concurrent"))
        .ok_or("client: expected a workload: converse, stream or concurrent")?
        .clone();
    sys::raise_nofile_limit();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let mut out = runtime.block_on(async {
        let client = Client::new(which, &url).await?;
        match workload.as_str() {
            "converse" => converse_workload(&client, args).await,
            "stream" => stream_workload(&client, args).await,
            _ => concurrent_workload(&client, which, &url, args).await,
        }
    })?;
    // Where it ran (null: wherever the kernel put it).
    out["cpu"] = json!(cpu);
    println!("{out}");
    Ok(())
}

async fn converse_workload(client: &Client, args: &[String]) -> Result<Value, String> {
    let warmup: usize = flag(args, "--warmup", 50)?;
    let iters: usize = flag(args, "--iters", 500)?;
    for _ in 0..warmup {
        client.converse().await?;
    }
    let mut samples = Vec::with_capacity(iters);
    let cpu0 = sys::cpu_time();
    for _ in 0..iters {
        let t = Instant::now();
        let n = client.converse().await?;
        samples.push(t.elapsed().as_secs_f64() * 1e6);
        if n == 0 {
            return Err("converse returned no text".into());
        }
    }
    let cpu = sys::cpu_time() - cpu0;
    Ok(json!({
        "latency_us": samples,
        "cpu_us_per_call": cpu.as_secs_f64() * 1e6 / iters as f64,
    }))
}

async fn stream_workload(client: &Client, args: &[String]) -> Result<Value, String> {
    let deltas: u64 = flag(args, "--deltas", 1000)?;
    let bytes: u64 = flag(args, "--bytes", 20)?;
    let warmup: usize = flag(args, "--warmup", 5)?;
    let iters: usize = flag(args, "--iters", 30)?;
    let shape = format!("{deltas}:{bytes}");
    let headers = [(bedrock_emulator::THROUGHPUT_HEADER, shape.as_str())];
    for _ in 0..warmup {
        client.stream(&headers, || async {}).await?;
    }
    let (mut ttft, mut total) = (Vec::new(), Vec::new());
    let mut events = 0u64;
    let cpu0 = sys::cpu_time();
    for _ in 0..iters {
        let run = client.stream(&headers, || async {}).await?;
        if run.deltas != deltas {
            return Err(format!("expected {deltas} deltas, got {}", run.deltas));
        }
        events += run.deltas;
        ttft.push(run.ttft.as_secs_f64() * 1e6);
        total.push(run.total.as_secs_f64() * 1e6);
    }
    let cpu = sys::cpu_time() - cpu0;
    Ok(json!({
        "ttft_us": ttft,
        "total_us": total,
        "cpu_ns_per_event": cpu.as_secs_f64() * 1e9 / events as f64,
        "events": events,
    }))
}

/// `--streams` ConverseStream requests at once. Each stream, once its first text delta has
/// arrived, waits until every stream has one (or failed), so that all are open together; then
/// all are drained. Memory is read at that moment (VmRSS) and at the end (VmHWM, the peak).
///
/// Over HTTP/2 (`ours-h2`) all requests of one client share one connection, and the emulator
/// (hyper's server defaults) allows 200 concurrent streams on a connection
/// (SETTINGS_MAX_CONCURRENT_STREAMS); further requests would wait for a free stream and never
/// be open together. So `ours-h2` uses one client (one connection) per
/// `--streams-per-connection` streams (default 200; 0 for a single client), every client set up
/// and warmed by one stream before the baseline, and the streams spread round-robin.
async fn concurrent_workload(
    client: &Client,
    which: Which,
    url: &str,
    args: &[String],
) -> Result<Value, String> {
    let streams: usize = flag(args, "--streams", 1000)?;
    let default_per_connection = if which == Which::OursH2 { 200 } else { 0 };
    let per_connection: usize = flag(args, "--streams-per-connection", default_per_connection)?;
    let deltas: u64 = flag(args, "--deltas", 20)?;
    let bytes: u64 = flag(args, "--bytes", 20)?;
    let stall_ms: u64 = flag(args, "--stall-ms", 20)?;
    let hold_timeout: u64 = flag(args, "--hold-timeout-ms", 30_000)?;
    let shape = format!("{deltas}:{bytes}");
    let stall = format!("stall:{stall_ms}");
    let headers = [
        (bedrock_emulator::THROUGHPUT_HEADER, shape.as_str()),
        (bedrock_emulator::FAULT_HEADER, stall.as_str()),
    ];
    let mut more = Vec::new();
    if per_connection > 0 {
        for _ in 1..streams.div_ceil(per_connection) {
            more.push(Client::new(which, url).await?);
        }
    }
    let clients: Vec<&Client> = std::iter::once(client).chain(more.iter()).collect();
    // One stream per client first, so the baseline includes fully initialised clients.
    for c in &clients {
        c.stream(&[(bedrock_emulator::THROUGHPUT_HEADER, "2:20")], || async {
        })
        .await?;
    }
    let baseline = sys::rss_kib();

    let arrived = Rc::new(Cell::new(0usize));
    let all_open = Rc::new(tokio::sync::Notify::new());
    let open_rss = Rc::new(Cell::new(0u64));
    let deadline = tokio::time::Instant::now() + Duration::from_millis(hold_timeout);
    let arrive = {
        let (arrived, all_open, open_rss) = (arrived.clone(), all_open.clone(), open_rss.clone());
        move || {
            arrived.set(arrived.get() + 1);
            if arrived.get() == streams {
                open_rss.set(sys::rss_kib());
                all_open.notify_waiters();
            }
        }
    };
    let start = Instant::now();
    let mut tasks: FuturesUnordered<_> = (0..streams)
        .map(|i| {
            let client = clients[i % clients.len()];
            let (arrived, all_open, arrive) = (arrived.clone(), all_open.clone(), arrive.clone());
            let headers = &headers;
            async move {
                let mut counted = false;
                let result = client
                    .stream(headers, || {
                        counted = true;
                        arrive();
                        async move {
                            while arrived.get() < streams {
                                let wait = all_open.notified();
                                if arrived.get() >= streams {
                                    break;
                                }
                                if tokio::time::timeout_at(deadline, wait).await.is_err() {
                                    break;
                                }
                            }
                        }
                    })
                    .await;
                if !counted {
                    // Failed before its first delta: it no longer holds the others back.
                    arrive();
                }
                result
            }
        })
        .collect();
    let mut errors = 0u64;
    let mut first_error = None;
    let mut delivered = 0u64;
    while let Some(result) = tasks.next().await {
        match result {
            Ok(run) => delivered += run.deltas,
            Err(e) => {
                errors += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    let wall = start.elapsed();
    let peak = sys::peak_rss_kib();
    Ok(json!({
        "streams": streams,
        "clients": clients.len(),
        "baseline_kib": baseline,
        "open_rss_kib": open_rss.get(),
        "peak_kib": peak,
        "errors": errors,
        "first_error": first_error,
        "deltas_delivered": delivered,
        "wall_ms": wall.as_secs_f64() * 1e3,
    }))
}

// ---------------------------------------------------------------------------------------------
// Micro-benchmarks.

fn micro_cmd(args: &[String]) -> Result<(), String> {
    let seconds: f64 = flag(args, "--seconds", 3.0)?;
    let budget = Duration::from_secs_f64(seconds);
    let sign = micro::sign_1kib(budget);
    let decode = micro::decode_1000(budget);
    println!(
        "{}",
        json!({
            "sign_ns": {"ours": sign.ours_ns, "peer": sign.peer_ns},
            "decode_ns": {"ours": decode.ours_ns, "peer": decode.peer_ns},
        })
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The driver.

/// The emulator child; closing its stdin stops it.
struct EmulatorProcess {
    child: std::process::Child,
    url: String,
}

impl EmulatorProcess {
    /// Starts `peers emulator`, pinned to `cpu` if given.
    fn start(exe: &PathBuf, cpu: Option<usize>) -> Result<Self, String> {
        let mut command = Command::new(exe);
        command.arg("emulator");
        if let Some(cpu) = cpu {
            command.args(["--cpu", &cpu.to_string()]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting the emulator: {e}"))?;
        let stdout = child.stdout.take().ok_or("emulator without stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("reading the emulator's first line: {e}"))?;
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("unexpected first line from the emulator: {line:?}"))?
            .to_owned();
        Ok(Self { child, url })
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn run_json(exe: &PathBuf, args: &[String]) -> Result<Value, String> {
    let output = Command::new(exe)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running {args:?}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{args:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).map_err(|e| format!("{args:?} printed no JSON ({e}): {text}"))
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn numbers(v: &Value, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// Where a client process runs, relative to the emulator's CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// Fewer than two CPUs: nothing is pinned.
    Unpinned,
    /// The client pinned to the emulator's CPU: every wakeup is a local context switch, and a
    /// latency is both processes' work on one CPU.
    SameCore,
    /// The client pinned to another CPU than the emulator's: every request/response wakeup
    /// crosses CPUs (a fixed cost of the machine, the same for every client).
    SeparateCores,
}

impl Placement {
    /// The name in row labels and in the JSON files.
    fn name(self) -> &'static str {
        match self {
            Placement::Unpinned => "unpinned",
            Placement::SameCore => "same core",
            Placement::SeparateCores => "separate cores",
        }
    }

    /// The suffix of a placed row's key in compare.json (none when nothing is pinned).
    fn key_suffix(self) -> &'static str {
        match self {
            Placement::Unpinned => "",
            Placement::SameCore => "_same_core",
            Placement::SeparateCores => "_separate_cores",
        }
    }

    /// The client's CPU, given the emulator's and the other one (`None`: nothing pinned).
    fn client_cpu(self, cpus: Option<(usize, usize)>) -> Option<usize> {
        match (self, cpus) {
            (Placement::SameCore, Some((emulator, _))) => Some(emulator),
            (Placement::SeparateCores, Some((_, other))) => Some(other),
            _ => None,
        }
    }
}

/// One workload in one placement: one cell of every round.
struct Run {
    /// `converse`, `stream`, `stream1` or `concurrent`.
    workload: &'static str,
    /// The client's arguments after `--url URL`.
    args: Vec<String>,
    placement: Placement,
}

impl Run {
    /// Its key in compare-raw.json: the workload, suffixed by the placement unless it is the
    /// only one of its workload.
    fn key(&self) -> String {
        if self.workload == "concurrent" {
            self.workload.to_owned()
        } else {
            format!("{}{}", self.workload, self.placement.key_suffix())
        }
    }
}

/// One row of the comparison.
struct Row {
    key: String,
    label: String,
    /// Where the clients ran (`None`: the micro-benchmarks, in the driver's process).
    placement: Option<Placement>,
    ours: f64,
    peer: f64,
    /// The `floor` client's figure (NaN where it does not apply).
    floor: f64,
    /// The `provider` client's figure (NaN where it does not apply).
    provider: f64,
    /// The `ours-h2` client's figure: goai-rs over HTTP/2 (NaN where it does not apply).
    ours_h2: f64,
    unit: &'static str,
    goal: &'static str,
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        (self.ours > 0.0 && self.ours.is_finite() && self.peer.is_finite())
            .then(|| self.peer / self.ours)
    }

    /// `peer / ours-h2`: the SDK over HTTP/1.1 against goai-rs over HTTP/2 (not like-for-like).
    fn ratio_h2(&self) -> Option<f64> {
        (self.ours_h2 > 0.0 && self.ours_h2.is_finite() && self.peer.is_finite())
            .then(|| self.peer / self.ours_h2)
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn compare(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    let rounds: usize = flag(args, "--rounds", if quick { 1 } else { 5 })?;
    let out_dir: PathBuf = flag(args, "--out", PathBuf::from("target/bench"))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // The emulator's CPU and the other one, when there are two to choose from.
    let allowed = sys::allowed_cpus()?;
    let allowed_list = allowed
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let cpus = match allowed[..] {
        [emulator, other, ..] => Some((emulator, other)),
        _ => None,
    };
    let latency_placements: &[Placement] = if cpus.is_some() {
        &[Placement::SameCore, Placement::SeparateCores]
    } else {
        &[Placement::Unpinned]
    };
    let concurrent_placement = if cpus.is_some() {
        Placement::SeparateCores
    } else {
        Placement::Unpinned
    };
    let load_before = loadavg();
    let started = Instant::now();
    let emulator = EmulatorProcess::start(&exe, cpus.map(|(emulator, _)| emulator))?;
    eprintln!(
        "peers: emulator at {} (pid {})",
        emulator.url,
        emulator.child.id()
    );
    match cpus {
        Some((e, o)) => eprintln!(
            "peers: emulator on CPU {e}; clients on CPU {e} (same core) and CPU {o} (separate cores)"
        ),
        None => eprintln!(
            "peers: fewer than 2 CPUs available (CPU {allowed_list}): nothing pinned, one placement"
        ),
    }
    let url = emulator.url.clone();

    let s = |v: &str| v.to_owned();
    let (conv_iters, stream_iters, streams) = if quick {
        ("100", "10", "200")
    } else {
        ("500", "30", "1000")
    };
    let workloads: Vec<(&'static str, Vec<String>)> = vec![
        ("converse", vec![s("converse"), s("--iters"), s(conv_iters)]),
        ("stream", vec![s("stream"), s("--iters"), s(stream_iters)]),
        (
            "concurrent",
            vec![s("concurrent"), s("--streams"), s(streams)],
        ),
        (
            "stream1",
            vec![
                s("stream"),
                s("--deltas"),
                s("1"),
                s("--iters"),
                s(conv_iters),
                s("--warmup"),
                s("20"),
            ],
        ),
    ];
    // Every latency workload in every placement; the concurrent one (memory) once.
    let runs: Vec<Run> = workloads
        .into_iter()
        .flat_map(|(workload, args)| {
            let placements = if workload == "concurrent" {
                std::slice::from_ref(&concurrent_placement)
            } else {
                latency_placements
            };
            placements.iter().map(move |&placement| Run {
                workload,
                args: args.clone(),
                placement,
            })
        })
        .collect();
    // results[run][ours=0|peer=1|floor=2|provider=3|ours-h2=4] = per-round outputs.
    let mut results: Vec<[Vec<Value>; 5]> = vec![Default::default(); runs.len()];
    for round in 0..rounds {
        for (r, run) in runs.iter().enumerate() {
            let pair = if round % 2 == 0 {
                [Which::Ours, Which::Peer]
            } else {
                [Which::Peer, Which::Ours]
            };
            let order = if (round / 2) % 2 == 0 {
                [
                    pair[0],
                    pair[1],
                    Which::OursH2,
                    Which::Provider,
                    Which::Floor,
                ]
            } else {
                [
                    Which::Floor,
                    Which::Provider,
                    Which::OursH2,
                    pair[0],
                    pair[1],
                ]
            };
            for which in order {
                let mut argv = vec![s("client"), s(which.name()), s("--url"), url.clone()];
                argv.extend(run.args.iter().cloned());
                if let Some(cpu) = run.placement.client_cpu(cpus) {
                    argv.extend([s("--cpu"), cpu.to_string()]);
                }
                eprintln!(
                    "peers: round {}/{rounds}: {} ({}) {}",
                    round + 1,
                    run.workload,
                    run.placement.name(),
                    which.name()
                );
                let value = run_json(&exe, &argv)?;
                let slot = match which {
                    Which::Ours => 0,
                    Which::Peer => 1,
                    Which::Floor => 2,
                    Which::Provider => 3,
                    Which::OursH2 => 4,
                };
                results[r][slot].push(value);
            }
        }
    }
    drop(emulator);
    eprintln!("peers: micro-benchmarks");
    let micro = run_json(
        &exe,
        &[
            s("micro"),
            s("--seconds"),
            s(if quick { "0.5" } else { "3" }),
        ],
    )?;
    let load_after = loadavg();

    // The index in `runs` of a workload in a placement.
    let run_of = |workload: &str, placement: Placement| -> usize {
        runs.iter()
            .position(|r| r.workload == workload && r.placement == placement)
            .expect("every workload runs in its placements")
    };
    let pooled = |w: usize, i: usize, key: &str| -> f64 {
        median(results[w][i].iter().flat_map(|v| numbers(v, key)).collect())
    };
    let per_round = |w: usize, i: usize, key: &str| -> f64 {
        median(
            results[w][i]
                .iter()
                .filter_map(|v| v[key].as_f64())
                .collect(),
        )
    };
    let summed = |w: usize, i: usize, key: &str| -> f64 {
        results[w][i].iter().filter_map(|v| v[key].as_f64()).sum()
    };
    let concurrent = run_of("concurrent", concurrent_placement);
    let per_stream = |i: usize| -> f64 {
        median(
            results[concurrent][i]
                .iter()
                .map(|v| {
                    let peak = v["peak_kib"].as_f64().unwrap_or(f64::NAN);
                    let base = v["baseline_kib"].as_f64().unwrap_or(f64::NAN);
                    let n = v["streams"].as_f64().unwrap_or(f64::NAN);
                    (peak - base) / n
                })
                .collect(),
        )
    };
    let all = |f: &dyn Fn(usize) -> f64| (f(0), f(1), f(2), f(3), f(4));
    let deltas_label = "1,000×20 B";
    let streams_label = if quick { "200" } else { "1,000" };
    let mut rows = Vec::new();
    type Figures = (f64, f64, f64, f64, f64);
    let mut row = |key: String,
                   label: String,
                   placement: Option<Placement>,
                   (ours, peer, floor, provider, ours_h2): Figures,
                   unit,
                   goal| {
        rows.push(Row {
            key,
            label,
            placement,
            ours,
            peer,
            floor,
            provider,
            ours_h2,
            unit,
            goal,
        })
    };
    // A latency or CPU row, once per placement: `figure(run, client)` over the workload's run
    // in that placement; the placement suffixes the key and (when pinned) ends the label.
    let mut placed = |key: &str,
                      label: String,
                      workload: &str,
                      figure: &dyn Fn(usize, usize) -> f64,
                      unit: &'static str,
                      goal: &'static str| {
        for &placement in latency_placements {
            let w = run_of(workload, placement);
            let label = match placement {
                Placement::Unpinned => label.clone(),
                _ => format!("{label}, {}", placement.name()),
            };
            row(
                format!("{key}{}", placement.key_suffix()),
                label,
                Some(placement),
                all(&|i| figure(w, i)),
                unit,
                goal,
            );
        }
    };
    placed(
        "converse_latency_median",
        "Converse round trip, median latency".to_owned(),
        "converse",
        &|w, i| pooled(w, i, "latency_us"),
        "µs",
        "",
    );
    placed(
        "converse_cpu_per_call",
        "Converse round trip, client CPU per call".to_owned(),
        "converse",
        &|w, i| per_round(w, i, "cpu_us_per_call"),
        "µs",
        "",
    );
    placed(
        "stream_ttft_median",
        format!("ConverseStream {deltas_label}: time to first token (median)"),
        "stream",
        &|w, i| pooled(w, i, "ttft_us"),
        "µs",
        "≥ 2×",
    );
    placed(
        "stream1_ttft_median",
        "ConverseStream of 1 delta: time to first token (median)".to_owned(),
        "stream1",
        &|w, i| pooled(w, i, "ttft_us"),
        "µs",
        "",
    );
    placed(
        "stream1_cpu_per_call",
        "ConverseStream of 1 delta: client CPU per call".to_owned(),
        "stream1",
        &|w, i| per_round(w, i, "cpu_ns_per_event") / 1e3,
        "µs",
        "",
    );
    placed(
        "stream_total_median",
        format!("ConverseStream {deltas_label}: total time (median)"),
        "stream",
        &|w, i| pooled(w, i, "total_us") / 1e3,
        "ms",
        "",
    );
    placed(
        "stream_cpu_per_event",
        format!("ConverseStream {deltas_label}: client CPU per event"),
        "stream",
        &|w, i| per_round(w, i, "cpu_ns_per_event"),
        "ns",
        "≥ 2×",
    );
    let concurrent_at = Some(concurrent_placement);
    row(
        s("concurrent_peak_rss"),
        format!("{streams_label} concurrent streams: client peak RSS (VmHWM)"),
        concurrent_at,
        all(&|i| per_round(concurrent, i, "peak_kib") / 1024.0),
        "MiB",
        "",
    );
    row(
        s("concurrent_rss_per_stream"),
        format!(
            "{streams_label} concurrent streams: memory per open stream ((peak − baseline) / streams)"
        ),
        concurrent_at,
        all(&per_stream),
        "KiB",
        "≥ 3×",
    );
    row(
        s("concurrent_errors"),
        format!("{streams_label} concurrent streams: errors (all rounds)"),
        concurrent_at,
        all(&|i| summed(concurrent, i, "errors")),
        "errors",
        "",
    );
    row(
        s("sign_1kib"),
        "SigV4 sign, 1 KiB ConverseStream request (sigv4 vs aws-sigv4)".to_owned(),
        None,
        (
            micro["sign_ns"]["ours"].as_f64().unwrap_or(f64::NAN),
            micro["sign_ns"]["peer"].as_f64().unwrap_or(f64::NAN),
            f64::NAN,
            f64::NAN,
            f64::NAN,
        ),
        "ns",
        "",
    );
    row(
        s("decode_1000_frames"),
        "EventStream decode, 1,000 delta frames (eventstream vs aws-smithy-eventstream)".to_owned(),
        None,
        (
            micro["decode_ns"]["ours"].as_f64().unwrap_or(f64::NAN) / 1e3,
            micro["decode_ns"]["peer"].as_f64().unwrap_or(f64::NAN) / 1e3,
            f64::NAN,
            f64::NAN,
            f64::NAN,
        ),
        "µs",
        "",
    );

    // compare.json
    let mut map = serde_json::Map::new();
    for r in &rows {
        map.insert(
            r.key.clone(),
            json!({
                "ours": round3(r.ours),
                "peer": round3(r.peer),
                "unit": r.unit,
                "ratio": r.ratio().map(round3),
                "provider": r.provider.is_finite().then(|| round3(r.provider)),
                "floor": r.floor.is_finite().then(|| round3(r.floor)),
                // goai-rs over HTTP/2 (h2c prior knowledge to the emulator), and peer / that.
                "ours_h2": r.ours_h2.is_finite().then(|| round3(r.ours_h2)),
                "ratio_h2": r.ratio_h2().map(round3),
                // Where the client processes ran (null: the micro-benchmarks).
                "placement": r.placement.map(Placement::name),
            }),
        );
    }
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let compare = Value::Object(map);
    std::fs::write(
        out_dir.join("compare.json"),
        serde_json::to_string_pretty(&compare).map_err(|e| e.to_string())? + "\n",
    )
    .map_err(|e| format!("writing compare.json: {e}"))?;
    // The raw per-round outputs, for whoever wants to check the aggregation: one entry per
    // workload and placement, with the CPUs it ran on.
    let mut raw_runs = serde_json::Map::new();
    for (run, result) in runs.iter().zip(&results) {
        raw_runs.insert(
            run.key(),
            json!({
                "workload": run.workload,
                "placement": run.placement.name(),
                "client_cpu": run.placement.client_cpu(cpus),
                "args": run.args,
                "ours": result[0],
                "peer": result[1],
                "floor": result[2],
                "provider": result[3],
                "ours_h2": result[4],
            }),
        );
    }
    let raw = json!({
        "rounds": rounds,
        "emulator_cpu": cpus.map(|(emulator, _)| emulator),
        "runs": raw_runs,
        "micro": micro,
    });
    std::fs::write(
        out_dir.join("compare-raw.json"),
        serde_json::to_string(&raw).map_err(|e| e.to_string())? + "\n",
    )
    .map_err(|e| format!("writing compare-raw.json: {e}"))?;

    // compare.md: the table and how it was measured (the xtask adds machine info and date).
    let mut md = String::new();
    md.push_str(
        "| workload | goai-rs | aws-sdk-bedrockruntime | unit | peer / ours | goal | goai-rs over HTTP/2 ¹ | peer / ours over HTTP/2 | goai-bedrock alone | floor |\n",
    );
    md.push_str("|---|---:|---:|---|---:|---|---:|---:|---:|---:|\n");
    for r in &rows {
        let ratio = r
            .ratio()
            .map(|x| format!("{x:.2}×"))
            .unwrap_or_else(|| "n/a".into());
        let ratio_h2 = r.ratio_h2().map(|x| format!("{x:.2}×")).unwrap_or_default();
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.label,
            fmt(r.ours),
            fmt(r.peer),
            r.unit,
            ratio,
            r.goal,
            opt(r.ours_h2),
            ratio_h2,
            opt(r.provider),
            opt(r.floor),
        ));
    }
    md.push_str(
        "\n¹ goai-rs over HTTP/2 (h2c prior knowledge to the emulator; over TLS both ALPN-negotiate): \
         `goai_bedrock::BedrockBuilder::http2_prior_knowledge(true)`, concurrent streams sharing \
         one connection per 200 streams (the emulator's SETTINGS_MAX_CONCURRENT_STREAMS). The \
         emulator's URL is plain `http://`, where both products speak HTTP/1.1, so `goai-rs` / \
         `aws-sdk-bedrockruntime` and `peer / ours` are the like-for-like HTTP/1.1 comparison. \
         Against Bedrock over TLS both clients offer `h2` through ALPN (the SDK's default \
         client: `aws-smithy-http-client` 1.5.2, `src/client/tls/rustls_provider.rs:311-323`), \
         so there both would multiplex; the SDK's HTTP/2 memory per stream was not measured.\n",
    );
    md.push_str(&match cpus {
        Some((e, o)) => format!(
            "\nPlacement: the emulator is pinned to CPU {e}. *Same core* puts the client on CPU {e} \
             too, so a latency is both processes' work with no cross-CPU wakeups; *separate \
             cores* puts the client on CPU {o}, so each request/response wakeup crosses vCPUs (a \
             fixed cost of the VM, the same for every client). CPU rows are the client's own \
             time in either placement; the concurrent streams run on separate cores.\n"
        ),
        None => format!(
            "\nPlacement: nothing is pinned (this process may run on CPU {allowed_list} only), so \
             the clients share the emulator's CPU.\n"
        ),
    });
    md.push_str(&format!(
        "\nRounds: {rounds} (order alternating). Load average (1/5/15 min) before: {load_before}; \
         after: {load_after}. Wall time: {:.0} s.\n",
        started.elapsed().as_secs_f64()
    ));
    std::fs::write(out_dir.join("compare.md"), &md)
        .map_err(|e| format!("writing compare.md: {e}"))?;
    print!("{md}");
    Ok(())
}

fn opt(x: f64) -> String {
    if x.is_finite() { fmt(x) } else { String::new() }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn fmt(x: f64) -> String {
    if !x.is_finite() {
        "n/a".into()
    } else if x >= 100.0 || x == x.trunc() {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}
