//! Mapping between goai-core requests/responses and the converse-types wire model (owned by the mapping engineer).
//!
//! Provider-level settings to honour live in [`crate::options::ModelOptions`] (reasoning,
//! additional model request fields, anthropic beta, guardrail, performance, service tier,
//! request metadata); the client passes them with every request.
