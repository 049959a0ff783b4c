//! Integration tests, built as one binary.

mod model_coverage;
mod parser_proptest;
mod wire_fixtures;
