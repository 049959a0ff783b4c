//! Signs a request laid out like the AWS signing test suite and prints the result as JSON.
//!
//! ```text
//! cargo run -p sigv4 --example sign -- CASE_DIR [--query]
//! ```
//!
//! `CASE_DIR` holds `context.json` (credentials with an optional token, region, service,
//! timestamp, normalize, sign_body, omit_session_token, expiration_in_seconds) and
//! `request.txt` (the HTTP request with its path and query as sent on the wire). The output
//! is one JSON object: `canonical_request`, `string_to_sign`, `signature`, `signed_request`.

#[path = "../tests/support/suite.rs"]
mod suite;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut dir: Option<PathBuf> = None;
    let mut query = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--query" => query = true,
            "-h" | "--help" => {
                eprintln!("usage: sign CASE_DIR [--query]");
                return ExitCode::SUCCESS;
            }
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("unexpected argument {arg:?}\nusage: sign CASE_DIR [--query]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: sign CASE_DIR [--query]");
        return ExitCode::from(2);
    };
    let signed =
        suite::load(&dir).and_then(|(context, request)| suite::sign(&context, &request, query));
    match signed {
        Ok(signed) => {
            // Written by hand to keep the documented key order.
            let field = |s: &str| serde_json::Value::from(s).to_string();
            let line = format!(
                "{{\"canonical_request\":{},\"string_to_sign\":{},\"signature\":{},\"signed_request\":{}}}",
                field(&signed.canonical_request),
                field(&signed.string_to_sign),
                field(&signed.signature),
                field(&signed.signed_request),
            );
            // A closed stdout (e.g. piped into `head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
