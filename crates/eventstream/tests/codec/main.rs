//! Cross-module tests of the codec, built as one test binary.

#[path = "../../examples/decode/json.rs"]
mod json;

mod differential;
mod robustness;
mod split;
mod support;
mod vectors;
