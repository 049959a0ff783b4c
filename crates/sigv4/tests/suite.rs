//! The official AWS SigV4 test suite (`tests/data/aws-signing-test-suite/v4`), every case in
//! header and in query mode: canonical request, string to sign, signature and the signed
//! request must match byte for byte. Then each signed request is verified server-side.

#[path = "support/suite.rs"]
mod suite;

use std::path::{Path, PathBuf};

use sigv4::{Credentials, ParsedAuthorization, Payload, SignableRequest, Signer};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/aws-signing-test-suite/v4");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("suite directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.join("context.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn expected(dir: &Path, mode: &str, file: &str) -> String {
    let path = dir.join(format!("{mode}-{file}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn all_38_cases_match_in_header_and_query_mode() {
    let dirs = cases();
    assert_eq!(dirs.len(), 38, "the v4 suite has 38 cases");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (context, request) = suite::load(dir).unwrap();
        for (mode, query) in [("header", false), ("query", true)] {
            let signed = match suite::sign(&context, &request, query) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!("{name} [{mode}]: error {e}"));
                    continue;
                }
            };
            let checks = [
                ("canonical-request", &signed.canonical_request),
                ("string-to-sign", &signed.string_to_sign),
                ("signature", &signed.signature),
                ("signed-request", &signed.signed_request),
            ];
            for (file, actual) in checks {
                let want = expected(dir, mode, file);
                if want != *actual {
                    failures.push(format!(
                        "{name} [{mode}] {file}:\n--- expected\n{want}\n--- actual\n{actual}\n"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Server side: parse each signed request of the suite and verify it.
#[test]
fn every_signed_request_of_the_suite_verifies() {
    let mut signer = Signer::new();
    for dir in cases() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (context, _) = suite::load(&dir).unwrap();
        for (mode, query) in [("header", false), ("query", true)] {
            let text = expected(&dir, mode, "signed-request");
            let request = suite::parse_request(text.as_bytes()).unwrap();
            let headers: Vec<(&str, &str)> = request
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let auth = if query {
                let (_, q) = request.target.rsplit_once('?').unwrap();
                ParsedAuthorization::from_query(q)
            } else {
                let value = headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                    .map(|(_, v)| *v)
                    .unwrap();
                ParsedAuthorization::from_authorization_header(value)
            }
            .unwrap_or_else(|e| panic!("{name} [{mode}]: {e}"));
            assert_eq!(auth.signature(), expected(&dir, mode, "signature").trim());
            let signable = SignableRequest::new(
                &request.method,
                &request.target,
                &headers,
                Payload::Bytes(&request.body),
            );
            let settings = suite::settings(&context, query);
            let creds: &Credentials = &context.credentials;
            let recomputed = signer
                .recompute(&signable, &auth, creds, &settings, None)
                .unwrap_or_else(|e| panic!("{name} [{mode}]: {e}"));
            assert_eq!(
                recomputed.canonical_request(),
                expected(&dir, mode, "canonical-request"),
                "{name} [{mode}]"
            );
            signer
                .verify(&signable, &auth, creds, &settings, None)
                .unwrap_or_else(|e| panic!("{name} [{mode}]: {e}"));
        }
    }
}

/// The sample Bedrock case shipped for the README quick start: the model id's `%3A` is
/// double-encoded in the canonical URI, and the signature verifies server-side.
#[test]
fn bedrock_sample_case_double_encodes_the_model_id() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/bedrock-converse-stream");
    let (context, request) = suite::load(&dir).unwrap();
    assert_eq!(
        request.target,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream"
    );
    let signed = suite::sign(&context, &request, false).unwrap();
    assert!(
        signed.canonical_request.starts_with(
            "POST\n/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse-stream\n\n"
        ),
        "{}",
        signed.canonical_request
    );
    assert!(
        signed
            .string_to_sign
            .contains("/us-east-1/bedrock/aws4_request")
    );
}
