//! Decodes a file of concatenated EventStream frames and prints one JSON object
//! per message, one per line:
//!
//! ```text
//! {"headers":[{"name":"...","type":"...","value":...}],"payload":"<base64>"}
//! ```
//!
//! `type` is `bool`, `byte`, `int16`, `int32`, `int64`, `bytes`, `string`,
//! `timestamp` or `uuid`. Byte arrays and the payload are standard base64 with
//! padding, timestamps are milliseconds, UUIDs are 32 lower-case hex digits.
//!
//! On a decode error it prints the messages before the damage, writes the error
//! to stderr and exits with status 1 (status 2 for usage and I/O errors).
//!
//! ```text
//! cargo run -p eventstream --example decode -- FILE
//! ```

mod json;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use bytes::BytesMut;
use eventstream::Decoder;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: decode FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("decode: cannot read {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    let mut buf = BytesMut::from(&bytes[..]);
    let mut decoder = Decoder::new();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut count: usize = 0;
    let outcome = loop {
        // Where the next frame starts (a failed frame may already be cut off `buf`).
        let offset = bytes.len() - buf.len();
        match decoder.decode_eof(&mut buf) {
            Ok(Some(message)) => {
                count += 1;
                if let Err(e) = writeln!(out, "{}", json::message_to_json(&message)) {
                    eprintln!("decode: cannot write output: {e}");
                    return ExitCode::from(2);
                }
            }
            Ok(None) => break ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("decode: message {} at byte offset {offset}: {e}", count + 1);
                break ExitCode::from(1);
            }
        }
    };
    if let Err(e) = out.flush() {
        eprintln!("decode: cannot write output: {e}");
        return ExitCode::from(2);
    }
    outcome
}
