//! Integration tests of the AWS credential chain (one test binary): every
//! source against a local fake (loopback HTTP servers, temporary home
//! directories, injected clocks), never the real environment or `~/.aws`.

mod credentials {
    mod chain;
    mod container;
    mod imds;
    mod process;
    mod profile;
    mod sso;
    mod support;
    mod web_identity;
}
