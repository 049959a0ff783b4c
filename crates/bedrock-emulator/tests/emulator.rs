//! Integration tests: a real emulator on an ephemeral port, driven by raw
//! SigV4-signed HTTP requests (signed with the `sigv4` crate).

mod emulator {
    pub(crate) mod support;

    mod auth;
    mod converse;
    mod faults;
    mod stream;
    mod types;
}
