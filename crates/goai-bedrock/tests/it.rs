//! Integration tests against the in-process Bedrock emulator (one test binary).

mod it {
    mod e2e;
    mod fallbacks;
    mod families;
    mod faults;
    mod support;
}
