//! Integration tests against the in-process Bedrock emulator (one test binary).

mod it {
    mod count_tokens;
    mod e2e;
    mod embed;
    mod fallbacks;
    mod families;
    mod faults;
    #[cfg(feature = "http2")]
    mod http2;
    mod support;
}
