//! Fault injection, per request and at startup.

use bedrock_emulator::{Emulator, Fault};
use http::StatusCode;
use serde_json::json;

use super::support::{Call, HAIKU, payload, send, send_raw, user};

fn stream_call(fault: &str) -> Call {
    Call::new(
        HAIKU,
        "converse-stream",
        &json!({"messages": [user("echo: one two three four five six seven eight")]}),
    )
    .header(bedrock_emulator::FAULT_HEADER, fault)
}

#[tokio::test]
async fn http_error_faults() {
    let emulator = Emulator::builder().start().await.expect("starts");
    for (fault, status, kind) in [
        (
            "throttling",
            StatusCode::TOO_MANY_REQUESTS,
            "ThrottlingException",
        ),
        (
            "unavailable",
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailableException",
        ),
        (
            "internal",
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerException",
        ),
        (
            "model-not-ready",
            StatusCode::TOO_MANY_REQUESTS,
            "ModelNotReadyException",
        ),
        (
            "model-timeout",
            StatusCode::REQUEST_TIMEOUT,
            "ModelTimeoutException",
        ),
    ] {
        let call = Call::new(HAIKU, "converse", &json!({"messages": [user("hi")]}))
            .header(bedrock_emulator::FAULT_HEADER, fault);
        let reply = send(&emulator.url(), &call).await;
        assert_eq!(reply.status, status, "{fault}");
        assert_eq!(reply.error_type(), Some(kind), "{fault}");
        assert!(!reply.message().is_empty());
    }
    let bad = Call::new(HAIKU, "converse", &json!({"messages": [user("hi")]}))
        .header(bedrock_emulator::FAULT_HEADER, "bogus");
    assert_eq!(
        send(&emulator.url(), &bad).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn stream_exception_arrives_after_some_deltas() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let frames = send(
        &emulator.url(),
        &stream_call("stream-exception:modelStreamErrorException"),
    )
    .await
    .frames()
    .expect("valid frames");
    let last = frames.last().expect("frames");
    assert_eq!(last.header_str(":message-type"), Some("exception"));
    assert_eq!(
        last.header_str(":exception-type"),
        Some("modelStreamErrorException")
    );
    assert_eq!(last.header_str(":event-type"), None);
    let body = payload(last);
    assert!(body["message"].is_string());
    assert_eq!(body["originalStatusCode"], 500);
    assert!(
        frames
            .iter()
            .any(|f| f.header_str(":event-type") == Some("contentBlockDelta"))
    );
}

#[tokio::test]
async fn corrupt_crc_breaks_decoding() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let reply = send(&emulator.url(), &stream_call("corrupt-crc")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let error = reply.frames().expect_err("a CRC error");
    assert!(error.to_lowercase().contains("crc"), "{error}");
}

#[tokio::test]
async fn truncate_closes_mid_frame() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let raw = send_raw(&emulator.url(), &stream_call("truncate"))
        .await
        .expect("a clean close");
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        !raw.ends_with(b"0\r\n\r\n"),
        "the chunked body must not be terminated"
    );
    // Through hyper, the body ends in an error.
    let reply = send(&emulator.url(), &stream_call("truncate")).await;
    assert!(reply.body.is_err());
}

#[tokio::test]
async fn reset_resets_the_connection() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let error = send_raw(&emulator.url(), &stream_call("reset"))
        .await
        .expect_err("a reset");
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset);
}

#[tokio::test]
async fn pauses_leave_the_stream_intact() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let frames = send(&emulator.url(), &stream_call("slow-first-byte:20,stall:2"))
        .await
        .frames()
        .expect("valid frames");
    assert_eq!(
        frames.last().and_then(|f| f.header_str(":event-type")),
        Some("metadata")
    );
}

#[tokio::test]
async fn fail_times_counts_attempts_per_key() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let call = |key: &str| {
        Call::new(HAIKU, "converse", &json!({"messages": [user("hi")]}))
            .header(bedrock_emulator::FAULT_HEADER, "fail-times:2:unavailable")
            .header(bedrock_emulator::INVOCATION_ID_HEADER, key)
    };
    let statuses = [
        send(&emulator.url(), &call("a")).await.status,
        send(&emulator.url(), &call("a")).await.status,
        send(&emulator.url(), &call("a")).await.status,
        send(&emulator.url(), &call("b")).await.status,
    ];
    assert_eq!(
        statuses,
        [
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::OK,
            StatusCode::SERVICE_UNAVAILABLE
        ]
    );
}

#[tokio::test]
async fn startup_faults_apply_to_every_request() {
    let emulator = Emulator::builder()
        .fault(Fault::Throttling)
        .start()
        .await
        .expect("starts");
    let reply = send(
        &emulator.url(),
        &Call::new(HAIKU, "converse", &json!({"messages": [user("hi")]})),
    )
    .await;
    assert_eq!(reply.error_type(), Some("ThrottlingException"));
}

#[tokio::test]
async fn non_streaming_truncate_cuts_the_json() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let call = Call::new(HAIKU, "converse", &json!({"messages": [user("hi")]}))
        .header(bedrock_emulator::FAULT_HEADER, "truncate");
    let reply = send(&emulator.url(), &call).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.is_err());
}
