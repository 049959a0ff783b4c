//! A local Amazon Bedrock Runtime that real clients accept.
//!
//! `bedrock-emulator` is an HTTP server that speaks the Bedrock Runtime wire
//! protocol: SigV4 (or bearer) authentication checked the way AWS checks it,
//! `Converse`, `ConverseStream` (AWS EventStream frames), `CountTokens` and
//! `InvokeModel` for embedding models, with errors shaped exactly as Bedrock
//! sends them. Behind it sits a deterministic model, a catalog of realistic
//! model ids, a fault injector and a throughput mode for benchmarks.
//!
//! ```text
//!   client (boto3, aws-sdk-*, goai-bedrock, curl)
//!        │  POST /model/{modelId}/{converse,converse-stream,count-tokens,invoke}
//!        ▼
//!   ┌──────────┐   ┌──────────┐   ┌──────────┐   ┌─────────────────────┐
//!   │ sigv4 or │──▶│  faults  │──▶│ catalog +│──▶│ deterministic model │
//!   │  bearer  │   │ (header) │   │ validate │   │ JSON / EventStream  │
//!   └──────────┘   └──────────┘   └──────────┘   └─────────────────────┘
//! ```
//!
//! # Examples
//!
//! ```no_run
//! # async fn demo() -> Result<(), bedrock_emulator::StartError> {
//! let emulator = bedrock_emulator::Emulator::builder().start().await?;
//! println!("Bedrock Runtime emulator at {}", emulator.url());
//! // Point any Bedrock client at `emulator.url()` with region `us-east-1` and
//! // the credentials DEFAULT_ACCESS_KEY_ID / DEFAULT_SECRET_ACCESS_KEY.
//! drop(emulator); // shuts the server down
//! # Ok(()) }
//! ```
//!
//! # What it does not do
//!
//! It runs no real model, stores nothing, does not check IAM policies, and
//! implements `InvokeModel` only for embedding models. See the crate README for
//! the model catalog, every fault and the exact error messages.
#![forbid(unsafe_code)]

mod auth;
mod body;
pub mod catalog;
mod embed;
mod emulator;
mod error;
pub mod fault;
mod frames;
mod ids;
mod model;
mod request;
mod routes;
mod schema;
mod server;
mod throughput;
mod tokens;
mod validate;

pub use crate::emulator::{
    Credentials, Emulator, EmulatorBuilder, RecordedRequest, RunningEmulator, StartError,
};
pub use crate::fault::{Fault, FaultParseError};

/// The access key id the emulator accepts by default.
pub const DEFAULT_ACCESS_KEY_ID: &str = "AKIAGOAIEMULATOR0001";
/// The secret access key that goes with [`DEFAULT_ACCESS_KEY_ID`].
pub const DEFAULT_SECRET_ACCESS_KEY: &str = "goai/emulator/secret/access/key/0000000";
/// The region clients should sign for (any region is accepted).
pub const DEFAULT_REGION: &str = "us-east-1";
/// The model id of the throughput mode (see [`THROUGHPUT_HEADER`]).
pub const THROUGHPUT_MODEL_ID: &str = "emulator.throughput";
/// Request header that injects faults, e.g. `x-emulator-fault: throttling`.
pub const FAULT_HEADER: &str = "x-emulator-fault";
/// Request header that sets the throughput mode's shape: `N:M` for N deltas of M bytes.
pub const THROUGHPUT_HEADER: &str = "x-emulator-throughput";
/// Request header that keys `fail-times` attempt counting (preferred over
/// `amz-sdk-invocation-id`, which AWS SDKs send on every attempt of one call).
pub const ATTEMPT_KEY_HEADER: &str = "x-emulator-attempt-key";
/// The header AWS SDKs send with one id per logical call, kept across retries.
pub const INVOCATION_ID_HEADER: &str = "amz-sdk-invocation-id";
