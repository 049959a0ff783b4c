//! Authentication answered like AWS.

use std::time::{Duration, SystemTime};

use bedrock_emulator::{Credentials, DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, Emulator};
use http::StatusCode;
use serde_json::json;

use super::support::{Auth, Call, HAIKU, send, user};

fn hello() -> serde_json::Value {
    json!({"messages": [user("hi")]})
}

#[tokio::test]
async fn a_signed_request_is_accepted_in_any_region() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let auth = Auth::SigV4 {
        key: DEFAULT_ACCESS_KEY_ID.into(),
        secret: DEFAULT_SECRET_ACCESS_KEY.into(),
        region: "eu-west-3".into(),
        service: "bedrock".into(),
        time: SystemTime::now(),
    };
    let reply = send(
        &emulator.url(),
        &Call::new(HAIKU, "converse", &hello()).auth(auth),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let recorded = emulator.requests();
    let last = recorded.last().expect("journaled");
    assert_eq!(last.region.as_deref(), Some("eu-west-3"));
    assert_eq!(last.model_id.as_deref(), Some(HAIKU));
    assert_eq!(last.operation, Some("Converse"));
}

#[tokio::test]
async fn a_bad_signature_gets_invalid_signature_exception() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let call = Call::new(HAIKU, "converse", &hello()).auth(Auth::with_secret("wrong"));
    let reply = send(&emulator.url(), &call).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.error_type(), Some("InvalidSignatureException"));
    assert_eq!(
        reply.message(),
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    );
    assert!(reply.header("x-amzn-requestid").is_some());
}

#[tokio::test]
async fn an_unknown_key_gets_unrecognized_client_exception() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let auth = Auth::SigV4 {
        key: "AKIAUNKNOWN000000000".into(),
        secret: DEFAULT_SECRET_ACCESS_KEY.into(),
        region: "us-east-1".into(),
        service: "bedrock".into(),
        time: SystemTime::now(),
    };
    let reply = send(
        &emulator.url(),
        &Call::new(HAIKU, "converse", &hello()).auth(auth),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.error_type(), Some("UnrecognizedClientException"));
    assert_eq!(
        reply.message(),
        "The security token included in the request is invalid."
    );
}

#[tokio::test]
async fn a_skewed_clock_gets_signature_expired() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let auth = Auth::SigV4 {
        key: DEFAULT_ACCESS_KEY_ID.into(),
        secret: DEFAULT_SECRET_ACCESS_KEY.into(),
        region: "us-east-1".into(),
        service: "bedrock".into(),
        time: SystemTime::now() - Duration::from_secs(15 * 60),
    };
    let reply = send(
        &emulator.url(),
        &Call::new(HAIKU, "converse", &hello()).auth(auth),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.error_type(), Some("InvalidSignatureException"));
    let message = reply.message();
    assert!(message.starts_with("Signature expired: "), "{message}");
    assert!(message.ends_with(" - 5 min.)"), "{message}");
}

#[tokio::test]
async fn the_wrong_service_is_refused() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let auth = Auth::SigV4 {
        key: DEFAULT_ACCESS_KEY_ID.into(),
        secret: DEFAULT_SECRET_ACCESS_KEY.into(),
        region: "us-east-1".into(),
        service: "bedrock-runtime".into(),
        time: SystemTime::now(),
    };
    let reply = send(
        &emulator.url(),
        &Call::new(HAIKU, "converse", &hello()).auth(auth),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.error_type(), Some("InvalidSignatureException"));
    assert!(reply.message().contains("'bedrock'"));
}

#[tokio::test]
async fn no_authentication_gets_403() {
    let emulator = Emulator::builder().start().await.expect("starts");
    let reply = send(
        &emulator.url(),
        &Call::new(HAIKU, "converse", &hello()).auth(Auth::None),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.error_type(), Some("AccessDeniedException"));
    assert_eq!(reply.message(), "Authorization header is missing");
}

#[tokio::test]
async fn bearer_tokens_work_only_when_configured() {
    let emulator = Emulator::builder()
        .bearer_token("ABSKemulatortoken")
        .start()
        .await
        .expect("starts");
    let call =
        Call::new(HAIKU, "converse", &hello()).auth(Auth::Bearer("ABSKemulatortoken".into()));
    let reply = send(&emulator.url(), &call).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(emulator.requests().last().is_some_and(|r| r.bearer));
    let wrong = Call::new(HAIKU, "converse", &hello()).auth(Auth::Bearer("ABSKother".into()));
    assert_eq!(
        send(&emulator.url(), &wrong).await.status,
        StatusCode::FORBIDDEN
    );
    let malformed = Call::new(HAIKU, "converse", &hello()).auth(Auth::Bearer("junk".into()));
    let reply = send(&emulator.url(), &malformed).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.message().starts_with("Invalid API Key format"));
}

#[tokio::test]
async fn custom_credentials_replace_the_defaults() {
    let emulator = Emulator::builder()
        .credentials(Credentials::new("AKIACUSTOM0000000001", "custom-secret"))
        .start()
        .await
        .expect("starts");
    let defaults = send(&emulator.url(), &Call::new(HAIKU, "converse", &hello())).await;
    assert_eq!(defaults.error_type(), Some("UnrecognizedClientException"));
    let auth = Auth::SigV4 {
        key: "AKIACUSTOM0000000001".into(),
        secret: "custom-secret".into(),
        region: "us-west-2".into(),
        service: "bedrock".into(),
        time: SystemTime::now(),
    };
    let reply = send(
        &emulator.url(),
        &Call::new(HAIKU, "converse", &hello()).auth(auth),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
}
