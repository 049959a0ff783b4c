//! `bedrock-emulator`: a local Amazon Bedrock Runtime.
//!
//! ```text
//! bedrock-emulator [--addr 127.0.0.1:0] [--access-key-id ID --secret-access-key KEY]
//!                  [--session-token TOKEN] [--bearer-token TOKEN] [--fault FAULT]...
//! ```
//!
//! The first line printed on stdout is `listening on http://HOST:PORT`.
#![forbid(unsafe_code)]

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use bedrock_emulator::{Credentials, Emulator, Fault};

const USAGE: &str = "\
bedrock-emulator: a local Amazon Bedrock Runtime (Converse, ConverseStream, CountTokens, InvokeModel)

USAGE:
    bedrock-emulator [OPTIONS]

OPTIONS:
    --addr HOST:PORT             Address to listen on [default: 127.0.0.1:0]
    --access-key-id ID           Accepted access key id [default: AKIAGOAIEMULATOR0001]
    --secret-access-key KEY      Its secret access key [default: goai/emulator/secret/access/key/0000000]
    --session-token TOKEN        Require this x-amz-security-token
    --bearer-token TOKEN         Also accept `Authorization: Bearer TOKEN`
    --fault FAULT                Inject FAULT into every request (repeatable, or comma-separated):
                                 throttling, unavailable, internal, model-timeout, model-not-ready,
                                 model-error, access-denied, quota, validation,
                                 stream-exception:NAME, corrupt-crc, truncate, reset, stall:MS,
                                 slow-first-byte:MS, fail-times:N:FAULT
    -h, --help                   Print this help
    -V, --version                Print the version

The first line on stdout is `listening on http://HOST:PORT`.
";

struct Options {
    addr: SocketAddr,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    bearer_token: Option<String>,
    faults: Vec<Fault>,
}

/// Only the address and faults are shown: the rest are secrets.
impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("addr", &self.addr)
            .field("access_key_id", &self.access_key_id)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

enum Parsed {
    Run(Options),
    Exit(&'static str),
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut options = Options {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        access_key_id: None,
        secret_access_key: None,
        session_token: None,
        bearer_token: None,
        faults: Vec::new(),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Exit(USAGE)),
            "-V" | "--version" => {
                return Ok(Parsed::Exit(concat!(
                    "bedrock-emulator ",
                    env!("CARGO_PKG_VERSION"),
                    "\n"
                )));
            }
            "--addr" => {
                let text = value("--addr")?;
                options.addr = text.parse().map_err(|_| {
                    format!("--addr: {text:?} is not HOST:PORT (an IP address and a port)")
                })?;
            }
            "--access-key-id" => options.access_key_id = Some(value("--access-key-id")?),
            "--secret-access-key" => {
                options.secret_access_key = Some(value("--secret-access-key")?)
            }
            "--session-token" => options.session_token = Some(value("--session-token")?),
            "--bearer-token" => options.bearer_token = Some(value("--bearer-token")?),
            "--fault" => {
                let text = value("--fault")?;
                for part in text.split(',').filter(|p| !p.trim().is_empty()) {
                    options
                        .faults
                        .push(part.parse().map_err(|e| format!("--fault: {e}"))?);
                }
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    Ok(Parsed::Run(options))
}

async fn run(options: Options) -> Result<(), String> {
    let mut credentials = match (options.access_key_id, options.secret_access_key) {
        (Some(id), Some(key)) => Credentials::new(id, key),
        (None, None) => Credentials::default(),
        _ => return Err("--access-key-id and --secret-access-key go together".to_string()),
    };
    if let Some(token) = options.session_token {
        credentials = credentials.with_session_token(token);
    }
    let mut builder = Emulator::builder()
        .addr(options.addr)
        .credentials(credentials);
    if let Some(token) = options.bearer_token {
        builder = builder.bearer_token(token);
    }
    for fault in options.faults {
        builder = builder.fault(fault);
    }
    let emulator = builder.start().await.map_err(|e| e.to_string())?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on {}", emulator.url()).map_err(|e| e.to_string())?;
        stdout.flush().map_err(|e| e.to_string())?;
    }
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    Ok(())
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Exit(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("bedrock-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("bedrock-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bedrock-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn parses_every_flag() {
        let parsed = parse(args(&[
            "--addr",
            "127.0.0.1:8080",
            "--access-key-id",
            "AK",
            "--secret-access-key=SK",
            "--bearer-token",
            "tok",
            "--fault",
            "throttling,stall:5",
            "--fault",
            "reset",
        ]))
        .expect("valid");
        let Parsed::Run(options) = parsed else {
            panic!("expected options");
        };
        assert_eq!(options.addr.port(), 8080);
        assert_eq!(options.access_key_id.as_deref(), Some("AK"));
        assert_eq!(options.secret_access_key.as_deref(), Some("SK"));
        assert_eq!(options.bearer_token.as_deref(), Some("tok"));
        assert_eq!(options.faults.len(), 3);
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse(args(&["--addr"])).is_err());
        assert!(parse(args(&["--addr", "localhost"])).is_err());
        assert!(parse(args(&["--fault", "nope"])).is_err());
        assert!(parse(args(&["--what"])).is_err());
        assert!(matches!(parse(args(&["--help"])), Ok(Parsed::Exit(_))));
    }
}
