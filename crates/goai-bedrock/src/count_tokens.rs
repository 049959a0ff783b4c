//! CountTokens (`POST /model/{id}/count-tokens`) for a goai-core request.
//!
//! The request goes through the same mapping as Converse
//! ([`build_converse_request`](crate::convert::build_converse_request)), so
//! the count covers exactly what a Converse call would send: messages, system
//! prompt, tools and `additionalModelRequestFields`. The body is
//! `{"input": {"converse": {...}}}`.
//!
//! CountTokens takes foundation-model ids only: a cross-region profile id
//! (`us.anthropic...`) is sent as its bare id (`anthropic...`) to a region of
//! the profile's geography. Which models can be counted is Bedrock's decision;
//! others answer with a `ValidationException` ("The provided model doesn't
//! support counting tokens").

use bytes::Bytes;
use converse_types::{CountTokensRequest, CountTokensResponse};
use goai_core::{Error, ModelRequest};

use crate::call::{AttemptError, Operation, Target, invocation_id};
use crate::client::Bedrock;
use crate::convert::{RequestSettings, build_converse_request};
use crate::routing::{self, ModelIdKind};

/// Largest CountTokens response body accepted (1 MiB).
const MAX_RESPONSE_BODY: usize = 1 << 20;

/// The model id CountTokens is called with: a profile id loses its prefix.
fn counted_model_id(model_id: &str) -> &str {
    match routing::classify(model_id) {
        ModelIdKind::Profile(geo) => model_id.strip_prefix(geo.prefix).unwrap_or(model_id),
        _ => model_id,
    }
}

/// The CountTokens body for `request` with `model_id`.
pub(crate) fn count_tokens_body(
    bedrock: &Bedrock,
    model_id: &str,
    request: &ModelRequest,
) -> Result<Vec<u8>, Error> {
    let settings = RequestSettings::new(model_id, bedrock.model_options(), false);
    let converse = build_converse_request(request, &settings)?;
    CountTokensRequest::for_converse(&converse)
        .to_json()
        .map_err(|e| Error::invalid_request(format!("could not serialize the request: {e}")))
}

/// Runs one CountTokens call (see [`Bedrock::count_tokens`]).
pub(crate) async fn count_tokens(
    bedrock: &Bedrock,
    model_id: &str,
    request: &ModelRequest,
) -> Result<u64, Error> {
    let body = Bytes::from(count_tokens_body(bedrock, model_id, request)?);
    let target = Target {
        model_id: counted_model_id(model_id).to_owned(),
        region: routing::route_region(model_id, bedrock.region()),
    };
    let transport = bedrock.transport().clone();
    let parsed = bedrock
        .call(
            &target,
            Operation::CountTokens,
            body,
            &request.headers,
            &invocation_id(),
            |response| {
                let transport = transport.clone();
                async move {
                    let mut body = response.into_body();
                    let bytes = transport
                        .read_body(&mut body, MAX_RESPONSE_BODY)
                        .await
                        .map_err(|e| AttemptError::Other(e.into()))?;
                    CountTokensResponse::from_json(&bytes).map_err(|e| {
                        AttemptError::Other(Error::Transport {
                            message: format!("invalid CountTokens response body: {e}"),
                            retryable: false,
                            source: Some(std::sync::Arc::new(e)),
                        })
                    })
                }
            },
        )
        .await
        .map_err(|e| e.into_core())?;
    Ok(u64::from(parsed.input_tokens))
}

#[cfg(test)]
mod tests {
    use goai_core::Message;
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn profiles_are_counted_by_their_bare_id() {
        assert_eq!(
            counted_model_id("us.anthropic.claude-3-haiku-20240307-v1:0"),
            "anthropic.claude-3-haiku-20240307-v1:0"
        );
        assert_eq!(
            counted_model_id("us-gov.anthropic.claude-3-haiku-20240307-v1:0"),
            "anthropic.claude-3-haiku-20240307-v1:0"
        );
        assert_eq!(
            counted_model_id("anthropic.claude-3-haiku-20240307-v1:0"),
            "anthropic.claude-3-haiku-20240307-v1:0"
        );
        let arn =
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
        assert_eq!(counted_model_id(arn), arn);
    }

    #[test]
    fn body_wraps_the_converse_mapping() {
        let bedrock = Bedrock::builder().build().expect("builds");
        let mut req = ModelRequest::default();
        req.system = Some("Be brief.".into());
        req.messages.push(Message::user("Hello there"));
        req.max_output_tokens = Some(100);
        let body = count_tokens_body(&bedrock, "anthropic.claude-3-haiku-20240307-v1:0", &req)
            .expect("body");
        let body: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(
            body,
            json!({"input": {"converse": {
                "messages": [{"role": "user", "content": [{"text": "Hello there"}]}],
                "system": [{"text": "Be brief."}]
            }}})
        );
    }
}
