//! Every fault mode of the emulator, through the provider.

use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use goai_bedrock::RetryPolicy;
use goai_core::{Error, LanguageModel, Message, ModelRequest, Request, generate_text};

use super::support::{bounded, setup};

const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";

fn fast_retries(n: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(n)
        .initial_backoff(Duration::from_millis(1))
        .jitter(false)
}

fn request_with_fault(fault: &str) -> ModelRequest {
    let mut req = ModelRequest::default();
    req.messages.push(Message::user("Tell me a story"));
    req.headers.insert("x-emulator-fault", fault);
    req
}

/// Drains a stream and returns its error, if any.
async fn stream_error(model: &impl LanguageModel, req: &ModelRequest) -> Option<Error> {
    let mut stream = match bounded(model.stream(req)).await {
        Ok(s) => s,
        Err(e) => return Some(e),
    };
    while let Some(part) = bounded(stream.next()).await {
        if let Err(e) = part {
            assert!(
                bounded(stream.next()).await.is_none(),
                "an error ends the stream"
            );
            return Some(e);
        }
    }
    None
}

#[tokio::test]
async fn provider_retries_then_succeeds_with_one_invocation_id() {
    let mut s = setup().await;
    let b = s
        .builder
        .retry_policy(fast_retries(3))
        .build()
        .expect("builds");
    let model = b.chat(MODEL);
    for op in ["generate", "stream"] {
        let req = request_with_fault("fail-times:2:throttling");
        if op == "generate" {
            bounded(model.generate(&req))
                .await
                .expect("third attempt succeeds");
        } else {
            assert!(
                stream_error(&model, &req).await.is_none(),
                "third attempt streams"
            );
        }
    }
}

#[tokio::test]
async fn goai_core_retries_then_succeeds() {
    let (_emu, b) = super::support::bedrock().await;
    let model = b.chat(MODEL);
    let out = bounded(generate_text(
        &model,
        Request::prompt("hi")
            .header("x-emulator-fault", "fail-times:2:unavailable")
            .header("x-emulator-attempt-key", "core-retries-1")
            .retry(fast_retries(2)),
    ))
    .await
    .expect("succeeds on the third attempt");
    assert!(!out.text.is_empty());
}

#[tokio::test]
async fn retries_exhausted_keeps_every_attempt() {
    let mut s = setup().await;
    let b = s
        .builder
        .retry_policy(fast_retries(2))
        .build()
        .expect("builds");
    let err = bounded(b.chat(MODEL).generate(&request_with_fault("throttling")))
        .await
        .expect_err("always throttled");
    assert!(matches!(err, Error::RetriesExhausted { .. }), "{err:?}");
    assert_eq!(err.attempts().len(), 3);
    assert!(err.is_throttling());
    let api = err.as_api().expect("api error");
    assert_eq!(api.status, 429);
    assert_eq!(api.error_type.as_deref(), Some("ThrottlingException"));
}

#[tokio::test]
async fn http_errors_are_typed() {
    let (_emu, b) = super::support::bedrock().await;
    let model = b.chat(MODEL);
    for (fault, status, kind, retryable) in [
        ("unavailable", 503, "ServiceUnavailableException", true),
        ("internal", 500, "InternalServerException", true),
        ("model-timeout", 408, "ModelTimeoutException", false),
        ("access-denied", 403, "AccessDeniedException", false),
        ("validation", 400, "ValidationException", false),
        ("model-error", 424, "ModelErrorException", false),
    ] {
        let err = bounded(model.generate(&request_with_fault(fault)))
            .await
            .expect_err(fault);
        let api = err.as_api().unwrap_or_else(|| panic!("{fault}: {err:?}"));
        assert_eq!(api.status, status, "{fault}");
        assert_eq!(api.error_type.as_deref(), Some(kind), "{fault}");
        assert_eq!(err.is_retryable(), retryable, "{fault}");
        assert!(!api.body.is_empty(), "{fault}");
    }
}

#[tokio::test]
async fn every_stream_exception_is_typed() {
    let (_emu, b) = super::support::bedrock().await;
    let model = b.chat(MODEL);
    for (name, kind) in [
        ("internalServerException", "InternalServerException"),
        ("modelStreamErrorException", "ModelErrorException"),
        ("validationException", "ValidationException"),
        ("throttlingException", "ThrottlingException"),
        ("serviceUnavailableException", "ServiceUnavailableException"),
    ] {
        let err = stream_error(
            &model,
            &request_with_fault(&format!("stream-exception:{name}")),
        )
        .await
        .unwrap_or_else(|| panic!("{name}: stream ended without error"));
        let api = err.as_api().unwrap_or_else(|| panic!("{name}: {err:?}"));
        assert_eq!(api.error_type.as_deref(), Some(kind), "{name}");
        assert!(api.message.is_some(), "{name}: message kept");
    }
}

#[tokio::test]
async fn corrupt_truncated_and_reset_streams_fail() {
    let (_emu, b) = super::support::bedrock().await;
    let model = b.chat(MODEL);
    for fault in ["corrupt-crc", "truncate", "reset"] {
        let err = stream_error(&model, &request_with_fault(fault))
            .await
            .unwrap_or_else(|| panic!("{fault}: silent success"));
        assert!(
            matches!(err, Error::Stream { .. } | Error::Transport { .. }),
            "{fault}: {err:?}"
        );
    }
    // A truncated or reset non-streaming body fails too.
    for fault in ["truncate", "reset"] {
        bounded(model.generate(&request_with_fault(fault)))
            .await
            .expect_err(fault);
    }
}

#[tokio::test]
async fn stalled_stream_hits_the_idle_timeout() {
    let mut s = setup().await;
    let b = s
        .builder
        .idle_timeout(Duration::from_millis(200))
        .build()
        .expect("builds");
    let err = stream_error(&b.chat(MODEL), &request_with_fault("stall:5000"))
        .await
        .expect("idle timeout fires");
    assert!(matches!(err, Error::Stream { .. }), "{err:?}");
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn clock_skew_is_corrected_with_one_resigned_attempt() {
    let mut s = setup().await;
    // Our clock is 20 minutes behind: the first signature is "expired".
    let b = s
        .builder
        .clock(|| SystemTime::now() - Duration::from_secs(20 * 60))
        .build()
        .expect("builds");
    let model = b.chat(MODEL);
    let mut req = ModelRequest::default();
    req.messages.push(Message::user("hi"));
    bounded(model.generate(&req))
        .await
        .expect("re-signed with the server's time");
    assert!(
        stream_error(&model, &req).await.is_none(),
        "the corrected clock is kept"
    );
}

#[tokio::test]
async fn bad_credentials_are_rejected_without_retry() {
    let mut s = setup().await;
    let b = s
        .builder
        .access_key("AKIAUNKNOWN000000000", "wrong")
        .retry_policy(fast_retries(3))
        .build()
        .expect("builds");
    let err = bounded(
        b.chat(MODEL)
            .generate(&request_with_fault("fail-times:0:throttling")),
    )
    .await
    .expect_err("rejected");
    let api = err.as_api().expect("api error");
    assert_eq!(api.status, 403);
    assert!(!err.is_retryable());
    assert_eq!(err.attempts().len(), 1);
    assert!(
        !err.to_string().contains("wrong"),
        "the secret never appears in errors"
    );
}
