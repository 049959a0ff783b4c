//! Shared setup: an emulator and a provider pointed at it.

use std::time::Duration;

use bedrock_emulator::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_REGION, DEFAULT_SECRET_ACCESS_KEY, Emulator, RunningEmulator,
};
use goai_bedrock::{Bedrock, BedrockBuilder};

/// A running emulator and a builder configured for it.
pub(crate) struct Setup {
    pub(crate) emulator: RunningEmulator,
    pub(crate) builder: BedrockBuilder,
}

pub(crate) async fn setup() -> Setup {
    let emulator = Emulator::builder().start().await.expect("emulator starts");
    let mut builder = Bedrock::builder();
    builder
        .base_url(emulator.url())
        .region(DEFAULT_REGION)
        .access_key(DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY)
        .idle_timeout(Duration::from_secs(10))
        .first_byte_timeout(Duration::from_secs(10));
    Setup { emulator, builder }
}

/// A provider for a fresh emulator; keep the emulator alive while using it.
pub(crate) async fn bedrock() -> (RunningEmulator, Bedrock) {
    let s = setup().await;
    let b = s.builder.build().expect("provider builds");
    (s.emulator, b)
}

/// Bounds a test step so a bug shows as a failure, never as a hang.
pub(crate) async fn bounded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("finished within 60 s")
}
